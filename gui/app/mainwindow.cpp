#include "mainwindow.h"

#include "language.h"
#include "settingsdialog.h"

#include <client/masterconnection.h>
#include <config/pipelinefile.h>
#include <connect/certificatedialog.h>
#include <connect/connectdialog.h>
#include <connect/connectionmanager.h>
#include <connect/masterpipelines.h>
#include <connect/pipelinelistdialog.h>
#include <connect/runoverlay.h>
#include <connect/tokenstore.h>
#include <editor/graphscene.h>
#include <editor/graphview.h>
#include <editor/jobinspector.h>
#include <editor/pipelinedocument.h>
#include <editor/yamlview.h>
#include <views/dashboardview.h>
#include <views/jobsview.h>
#include <views/nodesview.h>
#include <views/runlogview.h>
#include <views/runsview.h>

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QToolBar>
#include <QUndoView>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

using namespace Orrery::Editor;

namespace {
QIcon icon(const QString &name)
{
    return QIcon(u":/icons/%1.svg"_s.arg(name));
}
}  // namespace

MainWindow::MainWindow(QSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_startLanguage(languageSetting(*settings))
    , m_document(new PipelineDocument(this))
    , m_scene(new GraphScene(m_document, this))
    , m_view(new GraphView(m_scene))
    , m_tabs(new QTabWidget(this))
    , m_connection(new Client::MasterConnection(this))
    , m_tokens(new Connect::TokenStore(u"orrery"_s, this))
    , m_manager(new Connect::ConnectionManager(m_connection, m_tokens, settings, this))
    , m_masterPipelines(new Connect::MasterPipelines(m_connection, m_document, this))
    , m_overlay(new Connect::PipelineRunOverlay(m_connection, m_scene, this))
{
    setWindowIcon(icon(u"orrery"_s));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_view, icon(u"layout-lr"_s), tr("Pipeline editor"));
    setCentralWidget(m_tabs);

    createViews();
    createDocks();
    createActions();
    createMasterActions();

    m_zoomLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_zoomLabel);
    connect(m_view, &GraphView::zoomChanged, this, [this](double factor) {
        m_zoomLabel->setText(tr("Zoom %1%").arg(qRound(factor * 100)));
    });
    m_zoomLabel->setText(tr("Zoom %1%").arg(100));
    connect(m_scene, &GraphScene::statusMessage, this, [this](const QString &message) {
        if (message.isEmpty())
            statusBar()->clearMessage();
        else
            statusBar()->showMessage(message);
    });
    connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(m_document, &PipelineDocument::fileNameChanged, this, &MainWindow::updateTitle);
    connect(m_masterPipelines, &Connect::MasterPipelines::pipelineNameChanged, this,
            &MainWindow::updateTitle);

    const auto direction = m_settings->value(u"editor/direction"_s).toString() == u"tb"_s
                                   ? LayoutDirection::TopToBottom
                                   : LayoutDirection::LeftToRight;
    setDirection(direction);
    restoreGeometry(m_settings->value(u"window/geometry"_s).toByteArray());
    restoreState(m_settings->value(u"window/state"_s).toByteArray());
    if (!m_settings->contains(u"window/geometry"_s))
        resize(1280, 800);
    updateTitle();
}

MainWindow::~MainWindow()
{
    // The children go after this body; what they send while dying (a dirty undo stack's
    // cleanChanged, the connection's last state change) must not reach the half-destroyed
    // window.
    const QList<QObject *> senders{m_document->undoStack(),
                                   m_document,
                                   m_masterPipelines,
                                   m_manager,
                                   m_overlay,
                                   m_connection};
    for (QObject *sender : senders)
        sender->disconnect(this);
}

void MainWindow::createViews()
{
    m_jobsView = new JobsView(m_connection);
    m_runsView = new RunsView(m_connection);
    m_nodesView = new NodesView(m_connection);
    m_dashboardView = new DashboardView(m_connection);
    m_tabs->addTab(m_jobsView, tr("Jobs"));
    m_tabs->addTab(m_runsView, tr("Runs"));
    m_tabs->addTab(m_nodesView, tr("Nodes"));
    m_tabs->addTab(m_dashboardView, tr("Dashboard"));
    connect(m_jobsView, &JobsView::showRunsOfJob, this, [this](const QString &job) {
        m_runsView->showRunsOfJob(job);
        showPage(Page::Runs);
    });

    // A box's run: its output in a dock beside the graph.
    m_runLog = new RunLogView(m_connection);
    m_runLogDock = new QDockWidget(tr("Run log"), this);
    m_runLogDock->setObjectName(u"runLogDock"_s);
    m_runLogDock->setWidget(m_runLog);
    addDockWidget(Qt::BottomDockWidgetArea, m_runLogDock);
    m_runLogDock->hide();
    connect(m_scene, &GraphScene::jobActivated, this, [this](JobId id) {
        if (!openRunLogOfJob(m_document->nameOf(id)))
            statusBar()->showMessage(
                    tr("'%1' has no run in the shown pipeline run.").arg(m_document->nameOf(id)),
                    4000);
    });
}

void MainWindow::showPage(Page page)
{
    m_tabs->setCurrentIndex(int(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_tabs->currentIndex());
}

bool MainWindow::openRunLogOfJob(const QString &jobName)
{
    const qint64 run = m_overlay->runOf(jobName);
    if (run <= 0)
        return false;
    m_runLog->showRun(run);
    m_runLogDock->show();
    m_runLogDock->raise();
    return true;
}

void MainWindow::createDocks()
{
    m_inspector = new JobInspector(m_document);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_inspector);
    scroll->setWidgetResizable(true);
    auto *inspectorDock = new QDockWidget(tr("Inspector"), this);
    inspectorDock->setObjectName(u"inspectorDock"_s);
    inspectorDock->setWidget(scroll);
    addDockWidget(Qt::RightDockWidgetArea, inspectorDock);
    connect(m_scene, &GraphScene::currentJobChanged, m_inspector, &JobInspector::setJob);

    m_yaml = new YamlView(m_document);
    auto *yamlDock = new QDockWidget(tr("YAML"), this);
    yamlDock->setObjectName(u"yamlDock"_s);
    yamlDock->setWidget(m_yaml);
    addDockWidget(Qt::RightDockWidgetArea, yamlDock);
    connect(m_yaml, &YamlView::jobInError, m_scene, &GraphScene::setErrorJob);

    m_undoView = new QUndoView(m_document->undoStack());
    m_undoView->setEmptyLabel(tr("<opened>"));
    auto *undoDock = new QDockWidget(tr("Undo history"), this);
    undoDock->setObjectName(u"undoDock"_s);
    undoDock->setWidget(m_undoView);
    addDockWidget(Qt::LeftDockWidgetArea, undoDock);

    m_miniMap = new MiniMapView(m_view);
    auto *miniDock = new QDockWidget(tr("Overview"), this);
    miniDock->setObjectName(u"overviewDock"_s);
    miniDock->setWidget(m_miniMap);
    addDockWidget(Qt::LeftDockWidgetArea, miniDock);

    tabifyDockWidget(inspectorDock, yamlDock);
    inspectorDock->raise();

    // The editor's panels belong to the editor page: the other pages get the whole width, and
    // coming back shows the panels that were open.
    m_editorDocks = {inspectorDock, yamlDock, undoDock, miniDock};
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        const bool editor = index == int(Page::Editor);
        if (editor == m_editorPanelsShown)
            return;
        m_editorPanelsShown = editor;
        for (QDockWidget *dock : std::as_const(m_editorDocks)) {
            if (!editor) {
                dock->setProperty("shownOnEditor", dock->toggleViewAction()->isChecked());
                dock->hide();
            } else if (dock->property("shownOnEditor").toBool()) {
                dock->show();
            }
        }
    });
}

void MainWindow::createActions()
{
    QToolBar *tools = addToolBar(tr("Main"));
    tools->setObjectName(u"mainToolBar"_s);

    // File
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newAction = file->addAction(icon(u"document-new"_s), tr("&New pipeline"), this,
                                         &MainWindow::newPipeline);
    newAction->setShortcut(QKeySequence::New);
    QAction *openAction = file->addAction(icon(u"document-open"_s), tr("&Open YAML…"), this,
                                          &MainWindow::openPipeline);
    openAction->setShortcut(QKeySequence::Open);
    QAction *saveAction
            = file->addAction(icon(u"document-save"_s), tr("&Save YAML"), this, &MainWindow::save);
    saveAction->setShortcut(QKeySequence::Save);
    QAction *saveAsAction = file->addAction(tr("Save YAML &as…"), this, &MainWindow::saveAs);
    saveAsAction->setShortcut(QKeySequence::SaveAs);
    file->addAction(tr("&Export image…"), this, &MainWindow::exportImage);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    tools->addAction(newAction);
    tools->addAction(openAction);
    tools->addAction(saveAction);
    tools->addSeparator();

    // Edit
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setIcon(icon(u"edit-undo"_s));
    undo->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Z)});
    QAction *redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setIcon(icon(u"edit-redo"_s));
    redo->setShortcuts(
            {QKeySequence(Qt::CTRL | Qt::Key_Y), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction *addJob = edit->addAction(icon(u"job-add"_s), tr("&Add job"), this, [this] {
        m_scene->addJob(m_view->mapToScene(m_view->viewport()->rect().center())
                        - QPointF(kJobBoxSize.width(), kJobBoxSize.height()) / 2);
    });
    addJob->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    auto graphAction = [this](QAction *a) {
        // Only when the graph has the focus: the YAML text and the inspector keep their own.
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(a);
        return a;
    };
    QAction *cut = edit->addAction(icon(u"edit-cut"_s), tr("Cu&t"), this, [this] {
        if (QMimeData *copied = m_scene->copySelection()) {
            QApplication::clipboard()->setMimeData(copied);
            m_scene->deleteSelection();
        }
    });
    cut->setShortcut(QKeySequence::Cut);
    graphAction(cut);
    QAction *copy = edit->addAction(icon(u"edit-copy"_s), tr("&Copy"), this, [this] {
        if (QMimeData *copied = m_scene->copySelection())
            QApplication::clipboard()->setMimeData(copied);
    });
    copy->setShortcut(QKeySequence::Copy);
    graphAction(copy);
    QAction *paste = edit->addAction(icon(u"edit-paste"_s), tr("&Paste"), this, [this] {
        const Result<void> ok = m_scene->paste(QApplication::clipboard()->mimeData());
        if (!ok)
            statusBar()->showMessage(tr("Nothing pasted: %1").arg(ok.error().toString()));
    });
    paste->setShortcut(QKeySequence::Paste);
    graphAction(paste);
    QAction *del = edit->addAction(icon(u"edit-delete"_s), tr("&Delete"), m_scene,
                                   &GraphScene::deleteSelection);
    del->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
    graphAction(del);
    QAction *selectAll = edit->addAction(tr("Select &all"), this,
                                         [this] { m_scene->selectJobs(m_document->jobIds()); });
    selectAll->setShortcut(QKeySequence::SelectAll);
    graphAction(selectAll);
    edit->addSeparator();
    QAction *findAction = edit->addAction(icon(u"edit-find"_s), tr("&Find job…"), this, [this] {
        m_findEdit->setFocus();
        m_findEdit->selectAll();
    });
    findAction->setShortcut(QKeySequence::Find);
    edit->addSeparator();
    QAction *preferences
            = edit->addAction(tr("Pr&eferences…"), this, &MainWindow::showSettingsDialog);
    preferences->setObjectName(u"preferences"_s);
    preferences->setMenuRole(QAction::PreferencesRole);
    QList<QKeySequence> preferenceKeys = QKeySequence::keyBindings(QKeySequence::Preferences);
    if (preferenceKeys.isEmpty())  // none on Windows and GNOME: the common Ctrl+,
        preferenceKeys.append(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    preferences->setShortcuts(preferenceKeys);
    tools->addAction(undo);
    tools->addAction(redo);
    tools->addSeparator();
    tools->addAction(addJob);
    tools->addAction(del);
    tools->addSeparator();

    // View
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QAction *zoomIn = m_viewMenu->addAction(icon(u"zoom-in"_s), tr("Zoom &in"), this,
                                            [this] { m_view->zoomBy(1.25); });
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction *zoomOut = m_viewMenu->addAction(icon(u"zoom-out"_s), tr("Zoom &out"), this,
                                             [this] { m_view->zoomBy(0.8); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction *zoomReset
            = m_viewMenu->addAction(tr("&Actual size"), this, [this] { m_view->setZoom(1.0); });
    zoomReset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction *fit = m_viewMenu->addAction(icon(u"zoom-fit"_s), tr("Zoom to &fit"), m_view,
                                         &GraphView::zoomToFit);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_9));
    m_viewMenu->addSeparator();
    auto *directions = new QActionGroup(this);
    m_leftToRight = m_viewMenu->addAction(icon(u"layout-lr"_s), tr("Lay out &left to right"), this,
                                          [this] { setDirection(LayoutDirection::LeftToRight); });
    m_topDown = m_viewMenu->addAction(icon(u"layout-tb"_s), tr("Lay out &top down"), this,
                                      [this] { setDirection(LayoutDirection::TopToBottom); });
    for (QAction *a : {m_leftToRight, m_topDown}) {
        a->setCheckable(true);
        directions->addAction(a);
    }
    QAction *relayout = m_viewMenu->addAction(icon(u"relayout"_s), tr("&Re-layout all"), m_scene,
                                              &GraphScene::relayoutAll);
    relayout->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_viewMenu->addSeparator();
    const QList<std::pair<Page, QString>> pages{{Page::Editor, tr("&Pipeline editor")},
                                                {Page::Jobs, tr("&Jobs")},
                                                {Page::Runs, tr("R&uns")},
                                                {Page::Nodes, tr("&Nodes")},
                                                {Page::Dashboard, tr("Das&hboard")}};
    for (const auto &[page, text] : pages) {
        QAction *a = m_viewMenu->addAction(text, this, [this, p = page] { showPage(p); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + int(page))));
    }
    m_viewMenu->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        m_viewMenu->addAction(dock->toggleViewAction());
    tools->addAction(zoomIn);
    tools->addAction(zoomOut);
    tools->addAction(fit);
    tools->addAction(m_leftToRight);
    tools->addAction(m_topDown);
    tools->addAction(relayout);
    tools->addSeparator();

    m_findEdit = new QLineEdit(this);
    m_findEdit->setObjectName(u"findJob"_s);
    m_findEdit->setPlaceholderText(tr("Find a job (Ctrl+F)"));
    m_findEdit->setClearButtonEnabled(true);
    m_findEdit->setMaximumWidth(240);
    tools->addWidget(m_findEdit);
    connect(m_findEdit, &QLineEdit::returnPressed, this, &MainWindow::find);
}

void MainWindow::createMasterActions()
{
    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(u"connectionStatus"_s);
    statusBar()->addPermanentWidget(m_connectionLabel);
    m_connectionLabel->setText(m_manager->statusText());
    connect(m_manager, &Connect::ConnectionManager::statusChanged, this, [this](const QString &t) {
        m_connectionLabel->setText(t);
        m_connectionLabel->setToolTip(t);
        updateMasterActions();
    });
    connect(m_manager, &Connect::ConnectionManager::failed, this,
            [this](const QString &reason) { statusBar()->showMessage(reason, 8000); });
    m_manager->setTrustQuestion(
            [this](const QSslCertificate &certificate, const Connect::ServerProfile &profile) {
                if (!m_interactive)
                    return false;
                Connect::CertificateDialog dialog(certificate, profile.displayName(),
                                                  profile.pinnedSha256, this);
                return dialog.exec() == QDialog::Accepted;
            });
    connect(m_overlay, &Connect::PipelineRunOverlay::updated, this, [this](const QString &state) {
        statusBar()->showMessage(
                tr("Pipeline run %1: %2").arg(m_overlay->pipelineRunId()).arg(state), 8000);
    });
    connect(m_overlay, &Connect::PipelineRunOverlay::failed, this,
            [this](const QString &reason) { problem(tr("Cannot show the pipeline run"), reason); });

    QMenu *master = menuBar()->addMenu(tr("&Master"));
    QAction *connectAction
            = master->addAction(tr("&Connect…"), this, &MainWindow::showConnectDialog);
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_disconnectAction = master->addAction(tr("&Disconnect"), m_manager,
                                           &Connect::ConnectionManager::disconnectFromServer);
    master->addSeparator();
    QAction *open = master->addAction(icon(u"document-open"_s), tr("&Open pipeline…"), this,
                                      &MainWindow::showOpenFromMasterDialog);
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    open->setObjectName(u"openFromMaster"_s);
    QAction *save = master->addAction(icon(u"document-save"_s), tr("Save to &master"), this,
                                      &MainWindow::saveToMaster);
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
    save->setObjectName(u"saveToMaster"_s);
    QAction *run = master->addAction(tr("&Run pipeline"), this, &MainWindow::runOnMaster);
    run->setShortcut(QKeySequence(Qt::Key_F5));
    QAction *stopShowing
            = master->addAction(tr("&Hide run states"), this, [this] { showPipelineRun(0); });
    m_onlineActions = {open, save, run};
    stopShowing->setEnabled(true);
    updateMasterActions();
}

void MainWindow::updateMasterActions()
{
    const bool online = m_connection->isConnected();
    for (QAction *a : std::as_const(m_onlineActions))
        a->setEnabled(online);
    m_disconnectAction->setEnabled(m_connection->state()
                                   != Client::MasterConnection::State::Disconnected);
}

QString MainWindow::connectionStatus() const
{
    return m_connectionLabel->text();
}

void MainWindow::problem(const QString &title, const QString &text)
{
    m_lastProblem = text;
    statusBar()->showMessage(text, 10000);
    if (m_interactive)
        QMessageBox::warning(this, title, text);
}

void MainWindow::showSettingsDialog()
{
    SettingsDialog dialog(m_settings, m_startLanguage, this);
    if (dialog.exec() != QDialog::Accepted || !dialog.restartNeeded())
        return;
    const QString text
            = tr("The interface will be shown in the chosen language the next time "
                 "Orrery starts.");
    statusBar()->showMessage(text, 10000);
    if (m_interactive)
        QMessageBox::information(this, tr("Language"), text);
}

void MainWindow::showConnectDialog()
{
    Connect::ConnectDialog dialog(m_manager, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const Result<void> started = m_manager->connectTo(dialog.profile(), dialog.token());
    if (!started)
        problem(tr("Cannot connect"), started.error().message);
}

void MainWindow::showOpenFromMasterDialog()
{
    if (!maybeSave())
        return;
    Connect::PipelineListDialog dialog(m_connection, this);
    if (dialog.exec() != QDialog::Accepted || dialog.pipelineName().isEmpty())
        return;
    m_overlayPending = dialog.lastRunId();
    openFromMaster(dialog.pipelineName());
}

void MainWindow::openFromMaster(const QString &name)
{
    m_masterPipelines->open(name, [this, name](const Result<void> &opened) {
        if (!opened) {
            problem(tr("Cannot open the pipeline"), opened.error().toString());
            return;
        }
        m_overlay->show(std::exchange(m_overlayPending, 0));
        m_view->zoomToFit();
        statusBar()->showMessage(tr("Opened '%1' from the master.").arg(name), 4000);
    });
}

void MainWindow::saveToMaster()
{
    if (m_masterPipelines->pipelineName().isEmpty()) {
        if (!m_interactive)
            return problem(tr("Cannot save to the master"), tr("The pipeline has no name."));
        const QString name = QInputDialog::getText(this, tr("Save to the master"),
                                                   tr("Name of the pipeline on the master:"))
                                     .trimmed();
        if (name.isEmpty())
            return;
        m_masterPipelines->setPipelineName(name);
    }
    m_masterPipelines->save([this](const Result<void> &saved) {
        if (!saved) {
            problem(tr("The master did not save the pipeline"), saved.error().toString());
            return;
        }
        statusBar()->showMessage(
                tr("Saved '%1' to the master.").arg(m_masterPipelines->pipelineName()), 4000);
        updateTitle();
    });
}

void MainWindow::runOnMaster()
{
    auto start = [this] {
        m_masterPipelines->run([this](const Result<qint64> &run) {
            if (!run) {
                problem(tr("The pipeline did not start"), run.error().toString());
                return;
            }
            showPipelineRun(*run);
        });
    };
    if (!m_document->isDirty() && !m_masterPipelines->pipelineName().isEmpty())
        return start();
    // What runs is the master's copy: save the edits first.
    m_masterPipelines->save([this, start](const Result<void> &saved) {
        if (!saved) {
            problem(tr("The master did not save the pipeline"), saved.error().toString());
            return;
        }
        updateTitle();
        start();
    });
}

void MainWindow::showPipelineRun(qint64 pipelineRunId)
{
    m_overlay->show(pipelineRunId);
}

void MainWindow::setDirection(LayoutDirection direction)
{
    m_scene->setDirection(direction);
    (direction == LayoutDirection::LeftToRight ? m_leftToRight : m_topDown)->setChecked(true);
    m_settings->setValue(u"editor/direction"_s,
                         direction == LayoutDirection::LeftToRight ? u"lr"_s : u"tb"_s);
}

void MainWindow::find()
{
    const JobId id = m_scene->findJob(m_findEdit->text());
    if (id.isValid()) {
        m_view->centerOnJob(id);
        statusBar()->showMessage(tr("Found '%1'.").arg(m_document->nameOf(id)), 4000);
    }
}

void MainWindow::newPipeline()
{
    if (!maybeSave())
        return;
    m_document->load(Pipeline{});
    m_masterPipelines->setPipelineName(QString());
    m_overlay->show(0);
}

void MainWindow::openPipeline()
{
    if (!maybeSave())
        return;
    const QString dir = m_settings->value(u"editor/lastDir"_s).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a pipeline"), dir,
                                                      tr("Pipeline YAML (*.yaml *.yml)"));
    if (!path.isEmpty())
        openFile(path);
}

bool MainWindow::openFile(const QString &path, bool quiet)
{
    const Result<Pipeline> pipeline = Config::loadPipeline(path);
    if (!pipeline) {
        if (!quiet)
            QMessageBox::warning(this, tr("Cannot open the pipeline"), pipeline.error().toString());
        return false;
    }
    m_document->load(*pipeline, QFileInfo(path).absoluteFilePath());
    m_masterPipelines->setPipelineName(QString());
    m_overlay->show(0);
    m_settings->setValue(u"editor/lastDir"_s, QFileInfo(path).absolutePath());
    m_view->zoomToFit();
    return true;
}

bool MainWindow::save()
{
    if (m_document->fileName().isEmpty())
        return saveAs();
    return saveFile(m_document->fileName());
}

bool MainWindow::saveAs()
{
    const QString dir = m_settings->value(u"editor/lastDir"_s).toString();
    QString path = QFileDialog::getSaveFileName(this, tr("Save the pipeline"), dir,
                                                tr("Pipeline YAML (*.yaml *.yml)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += u".yaml"_s;
    return saveFile(path);
}

bool MainWindow::saveFile(const QString &path)
{
    const Result<void> ok = Config::savePipeline(m_document->pipeline(), path);
    if (!ok) {
        QMessageBox::warning(this, tr("Cannot save the pipeline"), ok.error().toString());
        return false;
    }
    m_document->setFileName(QFileInfo(path).absoluteFilePath());
    m_document->undoStack()->setClean();
    statusBar()->showMessage(tr("Saved %1.").arg(QFileInfo(path).fileName()), 4000);
    return true;
}

void MainWindow::exportImage()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Export the graph"), QString(),
                                                tr("SVG image (*.svg);;PNG image (*.png)"));
    if (path.isEmpty())
        return;
    const QRectF bounds = m_scene->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    if (path.endsWith(u".svg"_s, Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(bounds.size().toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), bounds.size()));
        svg.setTitle(m_document->pipeline().name);
        QPainter painter(&svg);
        m_scene->render(&painter, QRectF(QPointF(0, 0), bounds.size()), bounds);
        return;
    }
    if (!path.endsWith(u".png"_s, Qt::CaseInsensitive))
        path += u".png"_s;
    QImage image(bounds.size().toSize(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        m_scene->render(&painter, QRectF(image.rect()), bounds);
    }
    if (!image.save(path))
        QMessageBox::warning(this, tr("Cannot export"), tr("Could not write %1.").arg(path));
}

bool MainWindow::maybeSave()
{
    if (!m_document->isDirty())
        return true;
    const auto answer = QMessageBox::question(
            this, tr("Unsaved changes"),
            tr("The pipeline has changes that are not saved. Save them first?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::updateTitle()
{
    QString name = m_document->fileName().isEmpty() ? tr("untitled")
                                                    : QFileInfo(m_document->fileName()).fileName();
    if (m_document->fileName().isEmpty() && !m_masterPipelines->pipelineName().isEmpty())
        name = tr("%1 (master)").arg(m_masterPipelines->pipelineName());
    setWindowTitle(u"%1[*] — Orrery"_s.arg(name));
    setWindowModified(m_document->isDirty());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    showPage(Page::Editor);  // the panels' state is the editor's
    m_settings->setValue(u"window/geometry"_s, saveGeometry());
    m_settings->setValue(u"window/state"_s, saveState());
    event->accept();
}

}  // namespace Orrery::Gui

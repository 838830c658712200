// The desktop application against a real orrery-master and agent (tests/e2e harness, real TLS
// on loopback ports chosen at run time, the token in a real keyring from with-keyring.sh):
// connect through the dialog and pin the certificate on first contact, reconnect from the saved
// server, build a pipeline by editing the graph with undo/redo, save it to the master, run it
// and watch every box turn green; edits made while the master is away stay until saved.

#include "../e2e/cluster.h"
#include "editortestutils.h"

#include <client/masterconnection.h>
#include <config/pipelinefile.h>
#include <connect/certificatedialog.h>
#include <connect/connectdialog.h>
#include <connect/connectionmanager.h>
#include <connect/masterpipelines.h>
#include <connect/pipelinelistdialog.h>
#include <connect/runoverlay.h>
#include <connect/tokenstore.h>
#include <editor/editorcommands.h>
#include <editor/graphscene.h>
#include <editor/graphview.h>
#include <editor/pipelinedocument.h>
#include <editor/yamlview.h>
#include <mainwindow.h>
#include <views/runlogview.h>

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <csignal>

using namespace Orrery;
using namespace Orrery::Editor;
using namespace Orrery::Testing;
using namespace Qt::Literals::StringLiterals;
using Orrery::Client::MasterConnection;

class tst_MasterWorkflow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firstContactPinsTheCertificate();
    void refusedCertificateIsNotPinned();
    void reconnectsToTheSavedServer();
    void editSaveRunAndWatch();
    void saveErrorIsLocated();
    void openEditAndSaveBack();
    void editsStayWhileTheMasterIsAway();

private:
    // Answers the next modal Master > Open pipeline dialog: chooses `name` once the master's
    // list shows it and opens it (true), or cancels after 20 s (false).
    void chooseInOpenDialog(const QString &name, std::optional<bool> *chosen);
    std::unique_ptr<Gui::MainWindow> connectedWindow();
    bool waitForState(Gui::MainWindow &window, MasterConnection::State state, int ms = 20000);
    QString url() const { return u"wss://127.0.0.1:%1"_s.arg(m_cluster.agentPort()); }
    QByteArray masterFingerprint() const;

    Cluster m_cluster;
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
};

void tst_MasterWorkflow::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QFAIL("run through tests/gui/with-keyring.sh (no D-Bus session)");
    QVERIFY(m_dir.isValid());
    m_settings = std::make_unique<QSettings>(m_dir.filePath(u"orrery.ini"_s), QSettings::IniFormat);
    QString error;
    QVERIFY2(m_cluster.init(&error), qPrintable(error));
    QVERIFY2(!m_cluster.createAdminToken(&error).isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster.startMaster(&error), qPrintable(error));
    QVERIFY2(m_cluster.startAgent(u"worker-1"_s, &error), qPrintable(error));
}

void tst_MasterWorkflow::cleanupTestCase()
{
    m_cluster.stopMaster(SIGTERM);
}

QByteArray tst_MasterWorkflow::masterFingerprint() const
{
    const QList<QSslCertificate> certs
            = QSslCertificate::fromPath(m_cluster.dir() + u"/pki/master.crt"_s);
    return certs.isEmpty() ? QByteArray() : MasterConnection::fingerprint(certs.first());
}

bool tst_MasterWorkflow::waitForState(Gui::MainWindow &window, MasterConnection::State state,
                                      int ms)
{
    return Cluster::waitUntil([&] { return window.connection()->state() == state; }, ms);
}

void tst_MasterWorkflow::firstContactPinsTheCertificate()
{
    m_settings->clear();
    Gui::MainWindow window(m_settings.get());
    window.setInteractive(false);
    window.show();
    QStringList asked;
    QList<std::pair<QString, QString>> shown;
    window.connectionManager()->setTrustQuestion([&](const QSslCertificate &certificate,
                                                     const Connect::ServerProfile &profile) {
        asked.append(
                profile.displayName() + u' '
                + MasterConnection::fingerprintText(MasterConnection::fingerprint(certificate)));
        shown = Connect::CertificateDialog::details(certificate);
        return true;
    });
    QCOMPARE(window.connectionStatus(), u"Offline"_s);

    // The dialog as a user fills it: no CA file, no fingerprint.
    Connect::ConnectDialog dialog(window.connectionManager(), &window);
    dialog.show();
    QCOMPARE(dialog.serverBox()->count(), 1);  // "New server…" only
    QTest::keyClicks(dialog.labelEdit(), u"e2e"_s);
    QTest::keyClicks(dialog.urlEdit(), u"https://127.0.0.1:1"_s);
    dialog.accept();
    QVERIFY(dialog.isVisible());  // wrong scheme: not accepted
    QVERIFY(!dialog.errorText().isEmpty());
    dialog.urlEdit()->clear();
    QTest::keyClicks(dialog.urlEdit(), url());
    dialog.accept();
    QVERIFY(dialog.isVisible());  // no token yet
    QTest::keyClicks(dialog.tokenEdit(), m_cluster.adminToken());
    dialog.accept();
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));

    QVERIFY(window.connectionManager()->connectTo(dialog.profile(), dialog.token()));
    QVERIFY(waitForState(window, MasterConnection::State::Connected));
    QCOMPARE(asked,
             QStringList{u"e2e "_s + MasterConnection::fingerprintText(masterFingerprint())});
    QVERIFY2(window.connectionStatus().startsWith(u"Connected to e2e as e2e-admin"_s),
             qPrintable(window.connectionStatus()));

    // Saved: the server with its pin, no token in the settings file; the token in the keychain.
    const QList<Connect::ServerProfile> saved = window.connectionManager()->savedServers();
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().pinnedSha256, masterFingerprint());
    QCOMPARE(saved.first().label, u"e2e"_s);
    m_settings->sync();
    QFile ini(m_settings->fileName());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    QVERIFY(!ini.readAll().contains(m_cluster.adminToken().toUtf8()));
    std::optional<Result<QString>> kept;
    QVERIFY(QTest::qWaitFor(
            [&] {
                window.connectionManager()->tokens()->read(
                        saved.first().secretKey(), [&kept](const Result<QString> &t) { kept = t; });
                (void)QTest::qWaitFor([&] { return kept.has_value(); }, 5000);
                return kept && *kept;
            },
            10000));
    QCOMPARE(**kept, m_cluster.adminToken());
}

void tst_MasterWorkflow::refusedCertificateIsNotPinned()
{
    QSettings other(m_dir.filePath(u"other.ini"_s), QSettings::IniFormat);
    Gui::MainWindow window(&other);
    window.setInteractive(false);
    int asked = 0;
    window.connectionManager()->setTrustQuestion(
            [&asked](const QSslCertificate &, const Connect::ServerProfile &) {
                ++asked;
                return false;
            });
    QSignalSpy failed(window.connectionManager(), &Connect::ConnectionManager::failed);
    const Result<Connect::ServerProfile> profile = Connect::makeProfile({}, url(), {}, {});
    QVERIFY(profile);
    QVERIFY(window.connectionManager()->connectTo(*profile, m_cluster.adminToken()));
    QVERIFY(failed.wait(20000));
    QCOMPARE(asked, 1);
    QCOMPARE(window.connection()->state(), MasterConnection::State::Refused);
    QVERIFY2(window.connectionStatus().startsWith(u"Refused by 127.0.0.1:"_s),
             qPrintable(window.connectionStatus()));
    QVERIFY(window.connectionManager()->savedServers().isEmpty());
}

void tst_MasterWorkflow::reconnectsToTheSavedServer()
{
    // A later start: the saved server, its pin and the token from the keychain; no question.
    Gui::MainWindow window(m_settings.get());
    window.setInteractive(false);
    int asked = 0;
    window.connectionManager()->setTrustQuestion(
            [&asked](const QSslCertificate &, const Connect::ServerProfile &) {
                ++asked;
                return true;
            });
    QVERIFY(window.connectionManager()->connectToLastUsed());
    QVERIFY(waitForState(window, MasterConnection::State::Connected));
    QCOMPARE(asked, 0);

    // The dialog offers it, with the token filled in from the keychain.
    Connect::ConnectDialog dialog(window.connectionManager(), &window);
    QCOMPARE(dialog.serverBox()->count(), 2);
    QCOMPARE(dialog.urlEdit()->text(), url());
    QCOMPARE(dialog.fingerprintEdit()->text(),
             MasterConnection::fingerprintText(masterFingerprint()));
    QTRY_COMPARE_WITH_TIMEOUT(dialog.tokenEdit()->text(), m_cluster.adminToken(), 10000);
}

std::unique_ptr<Gui::MainWindow> tst_MasterWorkflow::connectedWindow()
{
    auto window = std::make_unique<Gui::MainWindow>(m_settings.get());
    window->setInteractive(false);
    window->show();
    if (!window->connectionManager()->connectToLastUsed()
        || !waitForState(*window, MasterConnection::State::Connected))
        return nullptr;
    return window;
}

void tst_MasterWorkflow::editSaveRunAndWatch()
{
    const auto window = connectedWindow();
    QVERIFY(window);
    PipelineDocument *doc = window->document();
    GraphScene *scene = window->scene();

    // Three boxes, each given a command in the inspector's way (a ChangeJobCommand), and two
    // arrows dragged between them: extract -> transform -> publish.
    const QStringList names{u"extract"_s, u"transform"_s, u"publish"_s};
    QList<JobId> ids;
    for (const QString &name : names) {
        const JobId id = scene->addJob(QPointF(200.0 * ids.size(), 0));
        Job job = *doc->job(id);
        job.name = name;
        job.command = u"echo "_s + name;
        doc->undoStack()->push(new ChangeJobCommand(doc, id, job));
        ids.append(id);
    }
    scene->connectJobs(ids.at(0), ids.at(1));
    scene->connectJobs(ids.at(1), ids.at(2));
    QCOMPARE(doc->edges().size(), 2);
    const Pipeline built = doc->pipeline();

    // Undo both arrows and the last rename; redo them.
    for (int i = 0; i < 3; ++i)
        doc->undoStack()->undo();
    QCOMPARE(doc->edges().size(), 0);
    QCOMPARE(doc->nameOf(ids.at(2)), u"job"_s);
    QCOMPARE(doc->nameOf(ids.at(1)), u"transform"_s);
    for (int i = 0; i < 3; ++i)
        doc->undoStack()->redo();
    QCOMPARE(doc->pipeline(), built);
    QVERIFY(doc->isDirty());

    // Save to the master under a name; the master has it, with its arrows.
    window->masterPipelines()->setPipelineName(u"gui_flow"_s);
    window->saveToMaster();
    QTRY_VERIFY_WITH_TIMEOUT(!doc->isDirty(), 20000);
    QVERIFY2(window->lastProblem().isEmpty(), qPrintable(window->lastProblem()));
    QVERIFY(window->windowTitle().startsWith(u"gui_flow (master)"_s));
    const HttpReply onMaster = m_cluster.get(u"/api/v1/pipelines/gui_flow"_s);
    QCOMPARE(onMaster.status, 200);
    QCOMPARE(onMaster.json.value(u"tasks"_s).toArray().size(), 3);
    QCOMPARE(onMaster.json.value(u"edges"_s).toArray().size(), 2);

    // Run: each box turns green, the last one after the others.
    window->runOnMaster();
    QTRY_VERIFY_WITH_TIMEOUT(window->overlay()->pipelineRunId() > 0, 20000);
    QVERIFY2(window->lastProblem().isEmpty(), qPrintable(window->lastProblem()));
    for (const JobId id : ids) {
        QTRY_COMPARE_WITH_TIMEOUT(scene->jobItem(id)->runState(),
                                  std::optional<RunState>(RunState::Success), 30000);
        QVERIFY(!scene->jobItem(id)->durationText().isEmpty());
        QVERIFY(window->overlay()->runOf(doc->nameOf(id)) > 0);
    }
    QTRY_COMPARE_WITH_TIMEOUT(window->overlay()->pipelineRunState(), u"success"_s, 20000);
    // The same as the master says.
    const HttpReply run
            = m_cluster.get(u"/api/v1/pipeline-runs/%1"_s.arg(window->overlay()->pipelineRunId()));
    QCOMPARE(run.json.value(u"state"_s).toString(), u"success"_s);
    QCOMPARE(run.json.value(u"runs"_s).toArray().size(), 3);

    // Master > Open pipeline lists it with its last run.
    Connect::PipelineListDialog list(window->connection(), window.get());
    QSignalSpy loaded(&list, &Connect::PipelineListDialog::loaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().at(0).toString(), QString());
    const QList<QTreeWidgetItem *> rows = list.list()->findItems(u"gui_flow"_s, Qt::MatchExactly);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first()->text(1), u"3"_s);
    QCOMPARE(rows.first()->text(3), u"success"_s);
    list.list()->setCurrentItem(rows.first());
    QCOMPARE(list.lastRunId(), window->overlay()->pipelineRunId());

    // Double-clicking a box opens its run's output beside the graph.
    JobItem *transform = scene->jobItem(ids.at(1));
    window->view()->centerOn(transform);
    const QPoint at = window->view()->mapFromScene(transform->sceneBoundingRect().center());
    QTest::mouseDClick(window->view()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(window->runLogView()->runId(), window->overlay()->runOf(u"transform"_s));
    QVERIFY(window->runLogView()->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(window->runLogView()->text().trimmed(), u"transform"_s, 10000);
}

void tst_MasterWorkflow::saveErrorIsLocated()
{
    const auto window = connectedWindow();
    QVERIFY(window);
    PipelineDocument *doc = window->document();
    Pipeline unnamed = EditorTest::line();
    unnamed.name.clear();
    doc->load(unnamed);
    // The master validates again what it is sent: a schedule that core/cron refuses (the
    // inspector would not let it through; the command does) comes back located.
    Job broken = *doc->job(doc->idOf(u"b"_s));
    broken.schedule = u"61 * * * *"_s;
    doc->undoStack()->push(new ChangeJobCommand(doc, doc->idOf(u"b"_s), broken));
    window->masterPipelines()->setPipelineName(u"gui_broken"_s);
    window->saveToMaster();
    QTRY_VERIFY_WITH_TIMEOUT(!window->lastProblem().isEmpty(), 20000);
    // file:line:col of the YAML that was sent.
    QVERIFY2(window->lastProblem().contains(QRegularExpression(u"gui_broken\\.yaml:\\d+:\\d+: "_s)),
             qPrintable(window->lastProblem()));
    QVERIFY(doc->isDirty());
    QCOMPARE(m_cluster.get(u"/api/v1/pipelines/gui_broken"_s).status, 404);
}

void tst_MasterWorkflow::chooseInOpenDialog(const QString &name, std::optional<bool> *chosen)
{
    auto *poll = new QTimer(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    connect(poll, &QTimer::timeout, this, [poll, clock, name, chosen] {
        auto *dialog
                = qobject_cast<Connect::PipelineListDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        const QList<QTreeWidgetItem *> rows = dialog->list()->findItems(name, Qt::MatchExactly);
        if (rows.isEmpty() && clock->elapsed() < 20000)
            return;
        poll->stop();
        poll->deleteLater();
        *chosen = !rows.isEmpty();
        if (rows.isEmpty()) {
            dialog->reject();
            return;
        }
        dialog->list()->setCurrentItem(rows.first());
        dialog->accept();
    });
    poll->start(50);
}

void tst_MasterWorkflow::openEditAndSaveBack()
{
    // The brief's pipeline on the master, applied through REST as a script would.
    QFile seed(QStringLiteral(ORRERY_SOURCE_DIR) + u"/examples/data_pipeline.yaml"_s);
    QVERIFY(seed.open(QIODevice::ReadOnly));
    const HttpReply applied = m_cluster.request("POST", u"/api/v1/apply?file=data_pipeline.yaml"_s,
                                                seed.readAll(), "application/yaml");
    QVERIFY2(applied.status == 200 || applied.status == 201, applied.body.constData());
    const HttpReply masterYaml = m_cluster.get(u"/api/v1/pipelines/data_pipeline?format=yaml"_s);
    QCOMPARE(masterYaml.status, 200);

    const auto window = connectedWindow();
    QVERIFY(window);
    PipelineDocument *doc = window->document();
    GraphScene *scene = window->scene();
    auto *openAction = window->findChild<QAction *>(u"openFromMaster"_s);
    auto *saveAction = window->findChild<QAction *>(u"saveToMaster"_s);
    QVERIFY(openAction && saveAction);
    QVERIFY(openAction->isEnabled());

    // Master > Open pipeline…: the dialog lists it; choosing it opens it in the editor.
    std::optional<bool> chosen;
    chooseInOpenDialog(u"data_pipeline"_s, &chosen);
    openAction->trigger();
    QVERIFY2(chosen.value_or(false), "the dialog did not list data_pipeline");
    QTRY_COMPARE_WITH_TIMEOUT(doc->jobCount(), 3, 10000);
    QVERIFY2(window->lastProblem().isEmpty(), qPrintable(window->lastProblem()));
    QCOMPARE(window->masterPipelines()->pipelineName(), u"data_pipeline"_s);
    QVERIFY(window->windowTitle().startsWith(u"data_pipeline (master)"_s));
    QVERIFY(!doc->isDirty());

    // Its boxes and arrows.
    const JobId extract = doc->idOf(u"data_extract"_s);
    const JobId transform = doc->idOf(u"data_transform"_s);
    const JobId load = doc->idOf(u"data_load"_s);
    for (const JobId id : {extract, transform, load}) {
        QVERIFY(id.isValid());
        QVERIFY(scene->jobItem(id));
        QCOMPARE(scene->jobItem(id)->name(), doc->nameOf(id));
    }
    QCOMPARE(scene->edgeItemCount(), 2);
    QVERIFY(scene->edgeItem(extract, transform));
    QVERIFY(scene->edgeItem(transform, load));
    QCOMPARE(doc->job(transform)->timeoutSecs, qint64(3600));
    QCOMPARE(doc->job(extract)->schedule, u"0 2 * * *"_s);
    // The YAML view shows what the master has, as the master writes it.
    YamlView *yaml = window->yamlView();
    QTRY_COMPARE_WITH_TIMEOUT(yaml->text(), QString::fromUtf8(masterYaml.body), 5000);

    // Edited in the YAML (a timeout) and in the graph (a new box after data_load).
    QString text = yaml->text();
    const QRegularExpressionMatch timeout
            = QRegularExpression(u"\\n\\s+timeout: (\\S+)"_s).match(text);
    QVERIFY2(timeout.hasMatch(), qPrintable(text));
    text.replace(timeout.capturedStart(1), timeout.capturedLength(1), u"1800"_s);
    yaml->editor()->setPlainText(text);
    yaml->parseNow();
    QVERIFY2(yaml->errorText().isEmpty(), qPrintable(yaml->errorText()));
    QCOMPARE(doc->job(doc->idOf(u"data_transform"_s))->timeoutSecs, qint64(1800));
    const JobId report = scene->addJob(QPointF(600, 0));
    Job job = *doc->job(report);
    job.name = u"data_report"_s;
    job.command = u"echo report"_s;
    doc->undoStack()->push(new ChangeJobCommand(doc, report, job));
    scene->connectJobs(doc->idOf(u"data_load"_s), report, DependencyStatus::Finished);
    QCOMPARE(scene->edgeItemCount(), 3);
    QVERIFY(doc->isDirty());
    QTRY_VERIFY_WITH_TIMEOUT(yaml->text().contains(u"data_report"_s), 5000);
    const QString edited = yaml->text();

    // Master > Save to master, under the name it was opened with.
    saveAction->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!doc->isDirty(), 20000);
    QVERIFY2(window->lastProblem().isEmpty(), qPrintable(window->lastProblem()));

    // Read back through REST: the master has the edits, as the YAML view showed them.
    const HttpReply back = m_cluster.get(u"/api/v1/pipelines/data_pipeline"_s);
    QCOMPARE(back.status, 200);
    QCOMPARE(back.json.value(u"tasks"_s).toArray().size(), 4);
    QCOMPARE(back.json.value(u"edges"_s).toArray().size(), 3);
    const HttpReply backYaml = m_cluster.get(u"/api/v1/pipelines/data_pipeline?format=yaml"_s);
    QCOMPARE(backYaml.status, 200);
    QCOMPARE(QString::fromUtf8(backYaml.body), edited);
    const Result<Pipeline> saved = Config::parsePipeline(backYaml.body, u"data_pipeline.yaml"_s);
    QVERIFY(saved);
    QCOMPARE(saved->jobs.size(), 4);
    const auto jobNamed = [&saved](const QString &name) -> const Job * {
        for (const Job &j : saved->jobs) {
            if (j.name == name)
                return &j;
        }
        return nullptr;
    };
    QVERIFY(jobNamed(u"data_report"_s));
    QCOMPARE(jobNamed(u"data_report"_s)->command, u"echo report"_s);
    QCOMPARE(jobNamed(u"data_transform"_s)->timeoutSecs, qint64(1800));
    const QJsonObject reportTask = m_cluster.get(u"/api/v1/tasks/data_report"_s).json;
    QCOMPARE(reportTask.value(u"pipeline"_s).toString(), u"data_pipeline"_s);
}

void tst_MasterWorkflow::editsStayWhileTheMasterIsAway()
{
    const auto window = connectedWindow();
    QVERIFY(window);
    PipelineDocument *doc = window->document();
    Pipeline unnamed = EditorTest::line();
    unnamed.name.clear();
    doc->load(unnamed);
    window->masterPipelines()->setPipelineName(u"gui_offline"_s);

    const int api = m_cluster.apiPort();
    const int agents = m_cluster.agentPort();
    m_cluster.stopMaster(SIGTERM);
    QVERIFY(waitForState(*window, MasterConnection::State::Reconnecting));
    QVERIFY2(window->connectionStatus().startsWith(u"Reconnecting to e2e"_s),
             qPrintable(window->connectionStatus()));

    // Edited offline; saving fails and keeps everything.
    const JobId added = window->scene()->addJob(QPointF(0, 200));
    Job job = *doc->job(added);
    job.command = u"echo offline"_s;
    doc->undoStack()->push(new ChangeJobCommand(doc, added, job));
    window->saveToMaster();
    QTRY_VERIFY_WITH_TIMEOUT(!window->lastProblem().isEmpty(), 10000);
    QCOMPARE(doc->jobCount(), 4);
    QVERIFY(doc->isDirty());

    QString error;
    QVERIFY2(m_cluster.startMaster(&error, {u"--api-port"_s, QString::number(api),
                                            u"--agent-port"_s, QString::number(agents)}),
             qPrintable(error));
    QVERIFY(waitForState(*window, MasterConnection::State::Connected));
    QVERIFY(window->connectionStatus().startsWith(u"Connected to e2e"_s));
    window->saveToMaster();
    QTRY_VERIFY_WITH_TIMEOUT(!doc->isDirty(), 20000);
    QCOMPARE(m_cluster.get(u"/api/v1/pipelines/gui_offline"_s)
                     .json.value(u"tasks"_s)
                     .toArray()
                     .size(),
             4);
}

QTEST_MAIN(tst_MasterWorkflow)
#include "tst_masterworkflow.moc"

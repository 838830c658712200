#pragma once

#include <editor/graphlayout.h>

#include <QMainWindow>
#include <QPointer>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QLineEdit;
class QSettings;
class QTabWidget;
class QUndoView;

namespace Orrery::Editor {
class GraphScene;
class GraphView;
class JobInspector;
class MiniMapView;
class PipelineDocument;
class YamlView;
}  // namespace Orrery::Editor

namespace Orrery::Client {
class MasterConnection;
}

namespace Orrery::Connect {
class ConnectionManager;
class MasterPipelines;
class PipelineRunOverlay;
class TokenStore;
}  // namespace Orrery::Connect

namespace Orrery::Gui {

class DashboardView;
class JobsView;
class NodesView;
class RunLogView;
class RunsView;

// The desktop application's window: the pipeline editor, offline (files on disk) and on a
// master (Master menu: connect, open, save, run, and the live overlay of a pipeline run), and
// beside it the master's jobs, runs, nodes and dashboard (tabs, Ctrl+1 … Ctrl+5).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `settings` keeps the window state and the layout direction (not owned).
    explicit MainWindow(QSettings *settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    Editor::PipelineDocument *document() const { return m_document; }
    Editor::GraphScene *scene() const { return m_scene; }
    Editor::GraphView *view() const { return m_view; }
    Editor::YamlView *yamlView() const { return m_yaml; }

    // Opens a pipeline file; false (and a message box unless `quiet`) on an error.
    bool openFile(const QString &path, bool quiet = false);
    bool saveFile(const QString &path);

    Client::MasterConnection *connection() const { return m_connection; }
    Connect::ConnectionManager *connectionManager() const { return m_manager; }
    Connect::MasterPipelines *masterPipelines() const { return m_masterPipelines; }
    Connect::PipelineRunOverlay *overlay() const { return m_overlay; }
    QString connectionStatus() const;

    enum class Page { Editor, Jobs, Runs, Nodes, Dashboard };
    void showPage(Page page);
    Page currentPage() const;
    JobsView *jobsView() const { return m_jobsView; }
    RunsView *runsView() const { return m_runsView; }
    NodesView *nodesView() const { return m_nodesView; }
    DashboardView *dashboardView() const { return m_dashboardView; }
    // The dock that shows a run's output (a box's double-click).
    RunLogView *runLogView() const { return m_runLog; }
    // The log of the run of the box `jobName` in the shown pipeline run; false when it has none.
    bool openRunLogOfJob(const QString &jobName);

    // Master actions (the menu's, without their dialogs where a test drives them).
    void saveToMaster();
    void runOnMaster();
    void openFromMaster(const QString &name);
    void showPipelineRun(qint64 pipelineRunId);

    // Edit > Preferences: the language, applied at the next start (said in a message box, or
    // in the status bar when not interactive).
    void showSettingsDialog();

    // Tests: problems go to lastProblem() and the status bar instead of a message box.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    QString lastProblem() const { return m_lastProblem; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createDocks();
    void newPipeline();
    void openPipeline();
    bool save();
    bool saveAs();
    void exportImage();
    bool maybeSave();
    void find();
    void updateTitle();
    void setDirection(Editor::LayoutDirection direction);
    void createMasterActions();
    void createViews();
    void showConnectDialog();
    void showOpenFromMasterDialog();
    void updateMasterActions();
    void problem(const QString &title, const QString &text);

    QSettings *m_settings;
    QString m_startLanguage;  // the language setting the window started with
    Editor::PipelineDocument *m_document;
    Editor::GraphScene *m_scene;
    Editor::GraphView *m_view;
    Editor::MiniMapView *m_miniMap = nullptr;
    Editor::JobInspector *m_inspector = nullptr;
    Editor::YamlView *m_yaml = nullptr;
    QUndoView *m_undoView = nullptr;
    QTabWidget *m_tabs;
    QLineEdit *m_findEdit = nullptr;
    QLabel *m_zoomLabel = nullptr;
    QAction *m_leftToRight = nullptr;
    QAction *m_topDown = nullptr;
    QMenu *m_viewMenu = nullptr;

    Client::MasterConnection *m_connection;
    Connect::TokenStore *m_tokens;
    Connect::ConnectionManager *m_manager;
    Connect::MasterPipelines *m_masterPipelines;
    Connect::PipelineRunOverlay *m_overlay;
    QLabel *m_connectionLabel = nullptr;
    JobsView *m_jobsView = nullptr;
    RunsView *m_runsView = nullptr;
    NodesView *m_nodesView = nullptr;
    DashboardView *m_dashboardView = nullptr;
    RunLogView *m_runLog = nullptr;
    QDockWidget *m_runLogDock = nullptr;
    QList<QDockWidget *> m_editorDocks;  // hidden while another page is shown
    bool m_editorPanelsShown = true;
    QAction *m_disconnectAction = nullptr;
    QList<QAction *> m_onlineActions;
    bool m_interactive = true;
    QString m_lastProblem;
    qint64 m_overlayPending = 0;  // the run to show once the opened pipeline is loaded
};

}  // namespace Orrery::Gui

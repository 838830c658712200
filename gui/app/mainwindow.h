#pragma once

#include <editor/graphlayout.h>

#include <QMainWindow>
#include <QPointer>

class QAction;
class QActionGroup;
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

namespace Orrery::Gui {

// The desktop application's window. For now it holds the pipeline editor (offline: files on
// disk); the master connection and the runs, nodes and dashboard views come later.
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

    // Opens a pipeline file; false (and a message box unless `quiet`) on an error.
    bool openFile(const QString &path, bool quiet = false);
    bool saveFile(const QString &path);

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

    QSettings *m_settings;
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
};

}  // namespace Orrery::Gui

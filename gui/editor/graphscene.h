#pragma once

#include "graphitems.h"
#include "graphlayout.h"
#include "pipelinedocument.h"

#include <QGraphicsScene>
#include <QPointer>

#include <unordered_map>

class QMimeData;

namespace Orrery::Editor {

// The graph of a PipelineDocument: a JobItem per job and an EdgeItem per dependency, created,
// updated and removed only in reaction to the document's signals. Gestures (dragging boxes,
// dragging an arrow out of a port, arrow keys) and the editing actions become undo commands.
class GraphScene final : public QGraphicsScene
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GraphScene)

public:
    // The MIME types of copied jobs: the YAML fragment (also put as text) and the boxes'
    // positions as JSON {"name": [x, y]}.
    static const QString kYamlMimeType;
    static const QString kPositionsMimeType;

    explicit GraphScene(PipelineDocument *document, QObject *parent = nullptr);
    ~GraphScene() override;

    PipelineDocument *document() const { return m_document; }
    JobItem *jobItem(JobId id) const;
    EdgeItem *edgeItem(JobId from, JobId to) const;
    int edgeItemCount() const { return int(m_edges.size()); }

    QList<JobId> selectedJobIds() const;  // in pipeline order
    QList<Edge> selectedEdges() const;
    void selectJobs(const QList<JobId> &ids);
    // The only selected job, or an invalid id.
    JobId currentJob() const;

    LayoutDirection direction() const { return m_direction; }
    // Changes the direction and lays out again every box the user has not moved (undoable).
    void setDirection(LayoutDirection direction);
    // Lays out every box again, manual ones included (undoable).
    void relayoutAll();
    // Places boxes that have no position yet (not an edit: runs by itself after changes).
    void placeUnplacedJobs();

    // Editing actions; each pushes one command (or does nothing).
    JobId addJob(const QPointF &pos);
    void deleteSelection();
    void connectJobs(JobId from, JobId to, DependencyStatus status = DependencyStatus::Success);
    void setEdgeStatus(JobId from, JobId to, DependencyStatus status);
    // The selected jobs as a YAML fragment (edges inside the selection only) with positions.
    QMimeData *copySelection() const;
    // Adds the jobs of a fragment (a pipeline YAML text), offset from the copied positions.
    Result<void> paste(const QMimeData *data);

    // Find: selects and returns the job whose name matches (exactly, else the first that
    // contains `text`, case-insensitive), marked as found.
    JobId findJob(const QString &text);

    // Marks the job named by an error of the YAML text (invalid id = none).
    void setErrorJob(JobId id);

    // Live overlay (for runs from the master): the state colour and duration of a job's box.
    void setRunState(const QString &jobName, RunState state, qint64 durationMs = -1);
    void clearRunStates();

signals:
    void statusMessage(const QString &message);
    void currentJobChanged(Orrery::JobId id);
    // A box was double-clicked (the overlay opens that job's run).
    void jobActivated(Orrery::JobId id);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent *event) override;

private:
    void onJobAdded(JobId id);
    void onJobAboutToBeRemoved(JobId id);
    void onJobChanged(JobId id);
    void onEdgeAdded(JobId from, JobId to);
    void onEdgeRemoved(JobId from, JobId to);
    void onEdgeChanged(JobId from, JobId to);
    void onPlacementChanged(JobId id);
    void onPipelineReset();
    void schedulePlacement();

    JobItem *jobItemAt(const QPointF &scenePos) const;
    void updateConnectionTarget(const QPointF &scenePos);
    void clearCycleHighlight();
    void finishConnection(const QPointF &scenePos);

    static quint64 edgeKey(JobId from, JobId to);

    QPointer<PipelineDocument> m_document;
    std::unordered_map<qint64, JobItem *> m_jobs;
    std::unordered_map<quint64, EdgeItem *> m_edges;
    LayoutDirection m_direction = LayoutDirection::LeftToRight;
    bool m_placementScheduled = false;

    // An arrow being dragged out of a port.
    JobItem *m_connectFrom = nullptr;
    QGraphicsPathItem *m_rubberArrow = nullptr;
    JobItem *m_connectTarget = nullptr;
    QList<QGraphicsItem *> m_cycleItems;
    // Boxes being dragged: the positions at the press.
    bool m_dragging = false;
    // Arrow-key nudges of the same selection merge into one command.
    int m_nudgeGesture = 0;
    int m_nextGesture = 1;
    JobId m_foundJob;
    JobId m_errorJob;
};

}  // namespace Orrery::Editor

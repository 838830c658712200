#pragma once

#include <model/error.h>
#include <model/pipeline.h>
#include <model/result.h>

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QUndoStack>

#include <optional>

namespace Orrery::Editor {

// Where a job's box sits in the graph (its top-left corner, scene coordinates). `manual` is
// set once the user moved the box: automatic layout leaves such boxes where they are unless
// the user asks to lay out everything again.
struct Placement
{
    QPointF pos;
    bool manual = false;
    friend bool operator==(const Placement &, const Placement &) = default;
};

// An order dependency drawn as an arrow: `to` runs after `from` ended with `status`.
struct Edge
{
    JobId from;
    JobId to;
    DependencyStatus status = DependencyStatus::Success;
    friend bool operator==(const Edge &, const Edge &) = default;
};

// The pipeline being edited: its jobs, their dependency edges and box positions, and the undo
// stack. Jobs get a document-local JobId that survives renames and YAML re-parses (a job keeps
// its id while its name stays the same), so views key their items by id.
//
// One-way flow: views never call the mutators below directly; they push the commands of
// editorcommands.h, whose redo()/undo() call them. Every mutator emits what happened.
class PipelineDocument final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipelineDocument)

public:
    explicit PipelineDocument(QObject *parent = nullptr);
    ~PipelineDocument() override;

    const Pipeline &pipeline() const { return m_pipeline; }
    QUndoStack *undoStack() { return &m_undoStack; }

    // Jobs in pipeline (file) order.
    const QList<JobId> &jobIds() const { return m_ids; }
    int jobCount() const { return int(m_ids.size()); }
    bool contains(JobId id) const { return m_index.contains(id); }
    const Job *job(JobId id) const;
    int indexOf(JobId id) const { return m_index.value(id, -1); }
    JobId idOf(const QString &jobName) const;
    QString nameOf(JobId id) const;

    // Every edge, in the order of the downstream jobs and their dependency lists.
    QList<Edge> edges() const;
    std::optional<Edge> edge(JobId from, JobId to) const;
    QList<Edge> edgesOf(JobId id) const;  // in and out

    std::optional<Placement> placement(JobId id) const;
    const QHash<JobId, Placement> &placements() const { return m_placements; }
    QList<JobId> unplacedJobs() const;

    // Dag::canAddEdge for the arrow from -> to (cycle spelled in the error), and the cycle it
    // would close as job names, upstream to downstream, first == last; empty when none.
    Result<void> canConnect(JobId from, JobId to) const;
    QStringList cycleIfConnected(JobId from, JobId to) const;

    // "name", or "name_2", "name_3"... : the first that no job uses.
    QString uniqueJobName(const QString &base) const;

    bool isDirty() const { return !m_undoStack.isClean(); }
    QString fileName() const { return m_fileName; }
    void setFileName(const QString &fileName);

    // Starts over with `pipeline` (no undo history, clean): New and Open.
    void load(const Pipeline &pipeline, const QString &fileName = QString());

    // --- Mutators for the commands of editorcommands.h -------------------------------------
    // Inserts `job` at `index` (-1 = at the end) under `id` (invalid = a new id). Dependencies
    // on jobs not in the document are kept in the job but draw no edge. Returns the id.
    JobId insertJob(const Job &job, int index = -1, JobId id = JobId());
    // Removes the job; the caller removes the edges pointing out of it first.
    void removeJob(JobId id);
    // Replaces the job's fields. A new name is carried into the dependencies of other jobs.
    void setJob(JobId id, const Job &job);
    // Adds the dependency (from -> to) at `index` of to's dependency list (-1 = at the end).
    void addEdge(const Edge &edge, int index = -1);
    // Removes it; returns its index in to's dependency list, or -1 when there was none.
    int removeEdge(JobId from, JobId to);
    void setEdgeStatus(JobId from, JobId to, DependencyStatus status);
    void setPlacement(JobId id, const std::optional<Placement> &placement);
    void setPlacements(const QHash<JobId, Placement> &placements);
    // Replaces the whole pipeline; jobs whose name is in `ids` keep that id, the others get
    // new ones; placements of ids no longer present are dropped, `placements` are applied.
    void replacePipeline(const Pipeline &pipeline, const QHash<QString, JobId> &ids,
                         const QHash<JobId, Placement> &placements);
    // The ids that replacePipeline() would keep: name -> id of the current jobs.
    QHash<QString, JobId> idsByName() const;

signals:
    void jobAdded(Orrery::JobId id);
    void jobAboutToBeRemoved(Orrery::JobId id);
    void jobRemoved(Orrery::JobId id);
    void jobChanged(Orrery::JobId id);
    void edgeAdded(Orrery::JobId from, Orrery::JobId to);
    void edgeRemoved(Orrery::JobId from, Orrery::JobId to);
    void edgeChanged(Orrery::JobId from, Orrery::JobId to);
    void placementChanged(Orrery::JobId id);
    void pipelineAboutToBeReset();
    void pipelineReset();
    // After any change of the pipeline's content (not of placements).
    void contentChanged();
    void fileNameChanged(const QString &fileName);

private:
    void rebuildIndex();
    void emitEdgesOf(JobId id, bool added);

    Pipeline m_pipeline;
    QList<JobId> m_ids;  // parallel to m_pipeline.jobs
    QHash<JobId, int> m_index;
    QHash<JobId, Placement> m_placements;
    qint64 m_nextId = 1;
    QString m_fileName;
    QUndoStack m_undoStack;
};

}  // namespace Orrery::Editor

#pragma once

#include "graphlayout.h"
#include "pipelinedocument.h"

#include <QCoreApplication>
#include <QPointer>
#include <QUndoCommand>

namespace Orrery::Editor {

// Every edit of a PipelineDocument is one of these commands, pushed on the document's undo
// stack. They hold ids and values only and do all their work in redo().

class AddJobCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::AddJobCommand)
public:
    // Adds `job` (at the end) with a manual placement at `pos`, or unplaced when pos is empty.
    AddJobCommand(PipelineDocument *document, const Job &job, std::optional<QPointF> pos);
    void redo() override;
    void undo() override;
    JobId jobId() const { return m_id; }

private:
    QPointer<PipelineDocument> m_document;
    Job m_job;
    std::optional<QPointF> m_pos;
    JobId m_id;
};

// Removes jobs together with every edge into or out of them; undo restores the jobs at their
// places in the file, their placements, and each edge at its place in its dependency list.
class RemoveJobsCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::RemoveJobsCommand)
public:
    RemoveJobsCommand(PipelineDocument *document, const QList<JobId> &ids);
    void redo() override;
    void undo() override;

private:
    struct Removed
    {
        JobId id;
        int index = 0;
        Job job;
        std::optional<Placement> placement;
    };
    struct OutEdge
    {
        Edge edge;
        int index = 0;  // in the downstream job's dependency list
    };
    QPointer<PipelineDocument> m_document;
    QList<JobId> m_ids;
    QList<Removed> m_removed;   // in increasing index order
    QList<OutEdge> m_outEdges;  // in removal order
};

// Moves boxes to new positions (manual placements). Consecutive moves of the same jobs in one
// gesture (same non-zero gesture id, e.g. repeated arrow-key nudges) merge into one command.
class MoveJobsCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::MoveJobsCommand)
public:
    MoveJobsCommand(PipelineDocument *document, const QHash<JobId, QPointF> &newPositions,
                    int gestureId = 0);
    void redo() override;
    void undo() override;
    int id() const override { return 1001; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    QPointer<PipelineDocument> m_document;
    QHash<JobId, std::optional<Placement>> m_old;
    QHash<JobId, Placement> m_new;
    int m_gestureId = 0;
};

class ConnectJobsCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::ConnectJobsCommand)
public:
    ConnectJobsCommand(PipelineDocument *document, const Edge &edge);
    void redo() override;
    void undo() override;

private:
    QPointer<PipelineDocument> m_document;
    Edge m_edge;
};

class DisconnectJobsCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::DisconnectJobsCommand)
public:
    DisconnectJobsCommand(PipelineDocument *document, JobId from, JobId to);
    void redo() override;
    void undo() override;

private:
    QPointer<PipelineDocument> m_document;
    Edge m_edge;
    int m_index = -1;
};

class SetEdgeStatusCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::SetEdgeStatusCommand)
public:
    SetEdgeStatusCommand(PipelineDocument *document, JobId from, JobId to, DependencyStatus status);
    void redo() override;
    void undo() override;

private:
    QPointer<PipelineDocument> m_document;
    JobId m_from;
    JobId m_to;
    DependencyStatus m_old = DependencyStatus::Success;
    DependencyStatus m_new = DependencyStatus::Success;
};

// Replaces a job's fields (the inspector). A rename is carried into the other jobs'
// dependencies by the document.
class ChangeJobCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::ChangeJobCommand)
public:
    ChangeJobCommand(PipelineDocument *document, JobId id, const Job &newJob);
    void redo() override;
    void undo() override;

private:
    QPointer<PipelineDocument> m_document;
    JobId m_id;
    Job m_old;
    Job m_new;
};

// Adds the jobs of a pasted fragment. Names already used get a suffix (and the fragment's own
// dependencies follow the new names); dependencies on jobs outside the fragment are kept when
// such a job exists in the document. `positions` (by the fragment's names) are manual
// placements; jobs without one are placed by the layout.
class PasteJobsCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::PasteJobsCommand)
public:
    PasteJobsCommand(PipelineDocument *document, const QList<Job> &jobs,
                     const QHash<QString, QPointF> &positions);
    void redo() override;
    void undo() override;
    const QList<JobId> &pastedIds() const { return m_ids; }

private:
    QPointer<PipelineDocument> m_document;
    QList<Job> m_jobs;  // renamed on the first redo
    QHash<QString, QPointF> m_positions;
    QList<JobId> m_ids;
    bool m_prepared = false;
};

// Replaces the whole pipeline (an edit of the YAML text). Jobs keep their ids and placements
// by name.
class ReplacePipelineCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::ReplacePipelineCommand)
public:
    ReplacePipelineCommand(PipelineDocument *document, const Pipeline &pipeline);
    void redo() override;
    void undo() override;

private:
    QPointer<PipelineDocument> m_document;
    Pipeline m_oldPipeline;
    QHash<QString, JobId> m_oldIds;
    QHash<JobId, Placement> m_oldPlacements;
    Pipeline m_newPipeline;
};

// Lays out the graph again with Graphviz: every job (`all`, which also forgets manual
// placements) or only jobs without a manual placement (after a change of direction).
class RelayoutCommand final : public QUndoCommand
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::RelayoutCommand)
public:
    RelayoutCommand(PipelineDocument *document, LayoutDirection direction, bool all);
    void redo() override;
    void undo() override;

private:
    QPointer<PipelineDocument> m_document;
    LayoutDirection m_direction;
    bool m_all = false;
    QHash<JobId, Placement> m_old;
    QHash<JobId, Placement> m_new;
    bool m_computed = false;
};

}  // namespace Orrery::Editor

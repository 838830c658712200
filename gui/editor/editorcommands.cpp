#include "editorcommands.h"

#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Editor {

// --- AddJobCommand ----------------------------------------------------------------------------

AddJobCommand::AddJobCommand(PipelineDocument *document, const Job &job, std::optional<QPointF> pos)
    : m_document(document), m_job(job), m_pos(pos)
{
    setText(tr("Add job '%1'").arg(job.name));
}

void AddJobCommand::redo()
{
    if (!m_document)
        return;
    m_id = m_document->insertJob(m_job, -1, m_id);
    if (m_pos)
        m_document->setPlacement(m_id, Placement{*m_pos, true});
}

void AddJobCommand::undo()
{
    if (m_document)
        m_document->removeJob(m_id);
}

// --- RemoveJobsCommand ------------------------------------------------------------------------

RemoveJobsCommand::RemoveJobsCommand(PipelineDocument *document, const QList<JobId> &ids)
    : m_document(document), m_ids(ids)
{
    if (ids.size() == 1)
        setText(tr("Delete job '%1'").arg(document->nameOf(ids.first())));
    else
        setText(tr("Delete %n job(s)", nullptr, int(ids.size())));
}

void RemoveJobsCommand::redo()
{
    if (!m_document)
        return;
    m_removed.clear();
    m_outEdges.clear();
    const QSet<JobId> removing(m_ids.begin(), m_ids.end());
    for (JobId id : m_document->jobIds()) {
        if (!removing.contains(id))
            continue;
        m_removed.append(Removed{id, m_document->indexOf(id), *m_document->job(id),
                                 m_document->placement(id)});
    }
    // Edges from removed jobs into kept jobs live in the kept jobs' dependency lists.
    for (const Removed &r : std::as_const(m_removed)) {
        for (const Edge &e : m_document->edgesOf(r.id)) {
            if (e.from != r.id || removing.contains(e.to))
                continue;
            const int index = m_document->removeEdge(e.from, e.to);
            m_outEdges.append(OutEdge{e, index});
        }
    }
    for (auto it = m_removed.crbegin(); it != m_removed.crend(); ++it)
        m_document->removeJob(it->id);
}

void RemoveJobsCommand::undo()
{
    if (!m_document)
        return;
    for (const Removed &r : std::as_const(m_removed)) {
        m_document->insertJob(r.job, r.index, r.id);
        m_document->setPlacement(r.id, r.placement);
    }
    for (auto it = m_outEdges.crbegin(); it != m_outEdges.crend(); ++it)
        m_document->addEdge(it->edge, it->index);
}

// --- MoveJobsCommand --------------------------------------------------------------------------

MoveJobsCommand::MoveJobsCommand(PipelineDocument *document,
                                 const QHash<JobId, QPointF> &newPositions, int gestureId)
    : m_document(document), m_gestureId(gestureId)
{
    for (auto it = newPositions.begin(); it != newPositions.end(); ++it) {
        m_old.insert(it.key(), document->placement(it.key()));
        m_new.insert(it.key(), Placement{it.value(), true});
    }
    if (newPositions.size() == 1)
        setText(tr("Move job '%1'").arg(document->nameOf(newPositions.begin().key())));
    else
        setText(tr("Move %n job(s)", nullptr, int(newPositions.size())));
}

void MoveJobsCommand::redo()
{
    if (m_document)
        m_document->setPlacements(m_new);
}

void MoveJobsCommand::undo()
{
    if (!m_document)
        return;
    for (auto it = m_old.begin(); it != m_old.end(); ++it)
        m_document->setPlacement(it.key(), it.value());
}

bool MoveJobsCommand::mergeWith(const QUndoCommand *other)
{
    const auto *move = static_cast<const MoveJobsCommand *>(other);
    if (m_gestureId == 0 || move->m_gestureId != m_gestureId
        || QSet<JobId>(m_new.keyBegin(), m_new.keyEnd())
                   != QSet<JobId>(move->m_new.keyBegin(), move->m_new.keyEnd()))
        return false;
    m_new = move->m_new;
    return true;
}

// --- ConnectJobsCommand -----------------------------------------------------------------------

ConnectJobsCommand::ConnectJobsCommand(PipelineDocument *document, const Edge &edge)
    : m_document(document), m_edge(edge)
{
    setText(tr("Connect '%1' to '%2' (%3)")
                    .arg(document->nameOf(edge.from), document->nameOf(edge.to),
                         dependencyStatusName(edge.status)));
}

void ConnectJobsCommand::redo()
{
    if (m_document)
        m_document->addEdge(m_edge);
}

void ConnectJobsCommand::undo()
{
    if (m_document)
        m_document->removeEdge(m_edge.from, m_edge.to);
}

// --- DisconnectJobsCommand --------------------------------------------------------------------

DisconnectJobsCommand::DisconnectJobsCommand(PipelineDocument *document, JobId from, JobId to)
    : m_document(document)
    , m_edge(document->edge(from, to).value_or(Edge{from, to, DependencyStatus::Success}))
{
    setText(tr("Disconnect '%1' from '%2'").arg(document->nameOf(from), document->nameOf(to)));
}

void DisconnectJobsCommand::redo()
{
    if (!m_document)
        return;
    if (const auto current = m_document->edge(m_edge.from, m_edge.to))
        m_edge = *current;
    m_index = m_document->removeEdge(m_edge.from, m_edge.to);
}

void DisconnectJobsCommand::undo()
{
    if (m_document && m_index >= 0)
        m_document->addEdge(m_edge, m_index);
}

// --- SetEdgeStatusCommand ---------------------------------------------------------------------

SetEdgeStatusCommand::SetEdgeStatusCommand(PipelineDocument *document, JobId from, JobId to,
                                           DependencyStatus status)
    : m_document(document), m_from(from), m_to(to), m_new(status)
{
    if (const auto e = document->edge(from, to))
        m_old = e->status;
    setText(tr("Run '%1' after '%2' on %3")
                    .arg(document->nameOf(to), document->nameOf(from),
                         dependencyStatusName(status)));
}

void SetEdgeStatusCommand::redo()
{
    if (m_document)
        m_document->setEdgeStatus(m_from, m_to, m_new);
}

void SetEdgeStatusCommand::undo()
{
    if (m_document)
        m_document->setEdgeStatus(m_from, m_to, m_old);
}

// --- ChangeJobCommand -------------------------------------------------------------------------

ChangeJobCommand::ChangeJobCommand(PipelineDocument *document, JobId id, const Job &newJob)
    : m_document(document), m_id(id), m_new(newJob)
{
    if (const Job *j = document->job(id))
        m_old = *j;
    if (m_old.name != m_new.name)
        setText(tr("Rename job '%1' to '%2'").arg(m_old.name, m_new.name));
    else
        setText(tr("Edit job '%1'").arg(m_new.name));
}

void ChangeJobCommand::redo()
{
    if (m_document)
        m_document->setJob(m_id, m_new);
}

void ChangeJobCommand::undo()
{
    if (m_document)
        m_document->setJob(m_id, m_old);
}

// --- PasteJobsCommand -------------------------------------------------------------------------

PasteJobsCommand::PasteJobsCommand(PipelineDocument *document, const QList<Job> &jobs,
                                   const QHash<QString, QPointF> &positions)
    : m_document(document), m_jobs(jobs), m_positions(positions)
{
    setText(tr("Paste %n job(s)", nullptr, int(jobs.size())));
}

void PasteJobsCommand::redo()
{
    if (!m_document)
        return;
    if (!m_prepared) {
        // Give every pasted job a free name, then follow the renames inside the fragment.
        QHash<QString, QString> renamed;
        QSet<QString> taken;
        for (const Job &j : m_document->pipeline().jobs)
            taken.insert(j.name);
        for (Job &j : m_jobs) {
            QString name = j.name;
            for (int n = 2; taken.contains(name); ++n)
                name = j.name + u'_' + QString::number(n);
            taken.insert(name);
            renamed.insert(j.name, name);
            j.name = name;
        }
        QHash<QString, QPointF> positions;
        for (auto it = m_positions.begin(); it != m_positions.end(); ++it)
            positions.insert(renamed.value(it.key(), it.key()), it.value());
        m_positions = positions;
        for (Job &j : m_jobs) {
            QList<Dependency> kept;
            for (Dependency dep : std::as_const(j.dependencies)) {
                if (renamed.contains(dep.job))
                    dep.job = renamed.value(dep.job);
                else if (!m_document->idOf(dep.job).isValid())
                    continue;
                kept.append(dep);
            }
            j.dependencies = kept;
        }
        m_prepared = true;
    }
    const bool first = m_ids.isEmpty();
    for (int i = 0; i < m_jobs.size(); ++i) {
        const JobId id = m_document->insertJob(m_jobs.at(i), -1, first ? JobId() : m_ids.at(i));
        if (first)
            m_ids.append(id);
        const auto pos = m_positions.constFind(m_jobs.at(i).name);
        if (pos != m_positions.constEnd())
            m_document->setPlacement(id, Placement{*pos, true});
    }
}

void PasteJobsCommand::undo()
{
    if (!m_document)
        return;
    for (auto it = m_ids.crbegin(); it != m_ids.crend(); ++it)
        m_document->removeJob(*it);
}

// --- ReplacePipelineCommand -------------------------------------------------------------------

ReplacePipelineCommand::ReplacePipelineCommand(PipelineDocument *document, const Pipeline &pipeline)
    : m_document(document), m_newPipeline(pipeline)
{
    setText(tr("Edit the YAML text"));
}

void ReplacePipelineCommand::redo()
{
    if (!m_document)
        return;
    m_oldPipeline = m_document->pipeline();
    m_oldIds = m_document->idsByName();
    m_oldPlacements = m_document->placements();
    m_document->replacePipeline(m_newPipeline, m_oldIds, m_oldPlacements);
}

void ReplacePipelineCommand::undo()
{
    if (m_document)
        m_document->replacePipeline(m_oldPipeline, m_oldIds, m_oldPlacements);
}

// --- RelayoutCommand --------------------------------------------------------------------------

RelayoutCommand::RelayoutCommand(PipelineDocument *document, LayoutDirection direction, bool all)
    : m_document(document), m_direction(direction), m_all(all)
{
    setText(all ? tr("Lay out all jobs again") : tr("Change the layout direction"));
}

void RelayoutCommand::redo()
{
    if (!m_document)
        return;
    if (!m_computed) {
        m_old = m_document->placements();
        const QHash<QString, QPointF> laidOut = layoutAll(m_document->pipeline(), m_direction);
        if (m_all) {
            for (auto it = laidOut.begin(); it != laidOut.end(); ++it)
                m_new.insert(m_document->idOf(it.key()), Placement{it.value(), false});
        } else {
            // Manual boxes stay; the others take their place in the new direction, moved
            // aside where a manual box is in the way.
            QHash<QString, QPointF> manual;
            QStringList others;
            for (JobId id : m_document->jobIds()) {
                const auto p = m_document->placement(id);
                if (p && p->manual)
                    manual.insert(m_document->nameOf(id), p->pos);
                else
                    others.append(m_document->nameOf(id));
            }
            QHash<QString, QPointF> placed;
            if (manual.isEmpty()) {
                placed = laidOut;
            } else {
                placed = placeMissing(m_document->pipeline(), manual, others, m_direction);
            }
            for (auto it = placed.begin(); it != placed.end(); ++it)
                m_new.insert(m_document->idOf(it.key()), Placement{it.value(), false});
        }
        m_computed = true;
    }
    m_document->setPlacements(m_new);
}

void RelayoutCommand::undo()
{
    if (!m_document)
        return;
    for (JobId id : m_document->jobIds())
        m_document->setPlacement(
                id, m_old.contains(id) ? std::optional(m_old.value(id)) : std::nullopt);
}

}  // namespace Orrery::Editor

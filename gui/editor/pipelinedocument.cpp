#include "pipelinedocument.h"

#include <dag/dag.h>

#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Editor {

PipelineDocument::PipelineDocument(QObject *parent) : QObject(parent) {}

PipelineDocument::~PipelineDocument() = default;

const Job *PipelineDocument::job(JobId id) const
{
    const int i = indexOf(id);
    return i < 0 ? nullptr : &m_pipeline.jobs.at(i);
}

JobId PipelineDocument::idOf(const QString &jobName) const
{
    // The first job of a name takes part in the graph (as in Dag::validateAll).
    for (int i = 0; i < m_pipeline.jobs.size(); ++i) {
        if (m_pipeline.jobs.at(i).name == jobName)
            return m_ids.at(i);
    }
    return JobId();
}

QString PipelineDocument::nameOf(JobId id) const
{
    const Job *j = job(id);
    return j ? j->name : QString();
}

QList<Edge> PipelineDocument::edges() const
{
    QHash<QString, JobId> byName;
    for (int i = int(m_ids.size()) - 1; i >= 0; --i)
        byName.insert(m_pipeline.jobs.at(i).name, m_ids.at(i));
    QList<Edge> result;
    for (int i = 0; i < m_pipeline.jobs.size(); ++i) {
        for (const Dependency &d : m_pipeline.jobs.at(i).dependencies) {
            const JobId from = byName.value(d.job);
            if (from.isValid() && from != m_ids.at(i))
                result.append(Edge{from, m_ids.at(i), d.status});
        }
    }
    return result;
}

std::optional<Edge> PipelineDocument::edge(JobId from, JobId to) const
{
    const Job *down = job(to);
    const QString upName = nameOf(from);
    if (!down || upName.isEmpty())
        return std::nullopt;
    for (const Dependency &d : down->dependencies) {
        if (d.job == upName)
            return Edge{from, to, d.status};
    }
    return std::nullopt;
}

QList<Edge> PipelineDocument::edgesOf(JobId id) const
{
    const Job *self = job(id);
    if (!self)
        return {};
    QList<Edge> result;
    for (const Dependency &d : self->dependencies) {
        const JobId from = idOf(d.job);
        if (from.isValid() && from != id)
            result.append(Edge{from, id, d.status});
    }
    for (int i = 0; i < m_pipeline.jobs.size(); ++i) {
        if (m_ids.at(i) == id)
            continue;
        for (const Dependency &d : m_pipeline.jobs.at(i).dependencies) {
            if (d.job == self->name && idOf(d.job) == id)
                result.append(Edge{id, m_ids.at(i), d.status});
        }
    }
    return result;
}

std::optional<Placement> PipelineDocument::placement(JobId id) const
{
    const auto it = m_placements.constFind(id);
    if (it == m_placements.constEnd())
        return std::nullopt;
    return *it;
}

QList<JobId> PipelineDocument::unplacedJobs() const
{
    QList<JobId> result;
    for (JobId id : m_ids) {
        if (!m_placements.contains(id))
            result.append(id);
    }
    return result;
}

Result<void> PipelineDocument::canConnect(JobId from, JobId to) const
{
    return Dag::canAddEdge(m_pipeline, nameOf(from), nameOf(to));
}

QStringList PipelineDocument::cycleIfConnected(JobId from, JobId to) const
{
    const int down = indexOf(to);
    const QString upName = nameOf(from);
    if (down < 0 || upName.isEmpty())
        return {};
    Pipeline probe = m_pipeline;
    probe.jobs[down].dependencies.append(Dependency{upName, DependencyStatus::Success, {}});
    const QString downName = probe.jobs.at(down).name;
    for (const QStringList &cycle : Dag::findCycles(probe)) {
        for (int i = 0; i + 1 < cycle.size(); ++i) {
            if (cycle.at(i) == upName && cycle.at(i + 1) == downName)
                return cycle;
        }
    }
    return {};
}

QString PipelineDocument::uniqueJobName(const QString &base) const
{
    const QString stem = base.isEmpty() ? u"job"_s : base;
    if (m_pipeline.indexOf(stem) < 0)
        return stem;
    for (int n = 2;; ++n) {
        const QString candidate = stem + u'_' + QString::number(n);
        if (m_pipeline.indexOf(candidate) < 0)
            return candidate;
    }
}

void PipelineDocument::setFileName(const QString &fileName)
{
    if (m_fileName == fileName)
        return;
    m_fileName = fileName;
    emit fileNameChanged(fileName);
}

void PipelineDocument::load(const Pipeline &pipeline, const QString &fileName)
{
    m_undoStack.clear();
    replacePipeline(pipeline, {}, {});
    m_undoStack.setClean();
    setFileName(fileName);
}

JobId PipelineDocument::insertJob(const Job &newJob, int index, JobId id)
{
    if (!id.isValid())
        id = JobId(m_nextId++);
    m_nextId = std::max(m_nextId, id.value() + 1);
    if (index < 0 || index > m_pipeline.jobs.size())
        index = int(m_pipeline.jobs.size());
    m_pipeline.jobs.insert(index, newJob);
    m_ids.insert(index, id);
    rebuildIndex();
    emit jobAdded(id);
    emitEdgesOf(id, true);
    emit contentChanged();
    return id;
}

void PipelineDocument::removeJob(JobId id)
{
    const int i = indexOf(id);
    if (i < 0)
        return;
    emitEdgesOf(id, false);
    emit jobAboutToBeRemoved(id);
    m_pipeline.jobs.removeAt(i);
    m_ids.removeAt(i);
    m_placements.remove(id);
    rebuildIndex();
    emit jobRemoved(id);
    emit contentChanged();
}

void PipelineDocument::setJob(JobId id, const Job &newJob)
{
    const int i = indexOf(id);
    if (i < 0)
        return;
    const QList<Edge> before = edgesOf(id);
    const QString oldName = m_pipeline.jobs.at(i).name;
    m_pipeline.jobs[i] = newJob;
    if (newJob.name != oldName) {
        for (int k = 0; k < m_pipeline.jobs.size(); ++k) {
            if (k == i)
                continue;
            for (Dependency &d : m_pipeline.jobs[k].dependencies) {
                if (d.job == oldName)
                    d.job = newJob.name;
            }
        }
    }
    const QList<Edge> after = edgesOf(id);
    emit jobChanged(id);
    for (const Edge &e : before) {
        const auto it = std::find_if(after.begin(), after.end(), [&](const Edge &a) {
            return a.from == e.from && a.to == e.to;
        });
        if (it == after.end())
            emit edgeRemoved(e.from, e.to);
        else if (it->status != e.status)
            emit edgeChanged(e.from, e.to);
    }
    for (const Edge &e : after) {
        const bool existed = std::any_of(before.begin(), before.end(), [&](const Edge &b) {
            return b.from == e.from && b.to == e.to;
        });
        if (!existed)
            emit edgeAdded(e.from, e.to);
    }
    emit contentChanged();
}

void PipelineDocument::addEdge(const Edge &e, int index)
{
    const int down = indexOf(e.to);
    const QString upName = nameOf(e.from);
    if (down < 0 || upName.isEmpty() || edge(e.from, e.to))
        return;
    QList<Dependency> &deps = m_pipeline.jobs[down].dependencies;
    if (index < 0 || index > deps.size())
        index = int(deps.size());
    deps.insert(index, Dependency{upName, e.status, {}});
    emit edgeAdded(e.from, e.to);
    emit contentChanged();
}

int PipelineDocument::removeEdge(JobId from, JobId to)
{
    const int down = indexOf(to);
    const QString upName = nameOf(from);
    if (down < 0 || upName.isEmpty())
        return -1;
    QList<Dependency> &deps = m_pipeline.jobs[down].dependencies;
    for (int k = 0; k < deps.size(); ++k) {
        if (deps.at(k).job == upName) {
            deps.removeAt(k);
            emit edgeRemoved(from, to);
            emit contentChanged();
            return k;
        }
    }
    return -1;
}

void PipelineDocument::setEdgeStatus(JobId from, JobId to, DependencyStatus status)
{
    const int down = indexOf(to);
    const QString upName = nameOf(from);
    if (down < 0 || upName.isEmpty())
        return;
    for (Dependency &d : m_pipeline.jobs[down].dependencies) {
        if (d.job == upName && d.status != status) {
            d.status = status;
            emit edgeChanged(from, to);
            emit contentChanged();
            return;
        }
    }
}

void PipelineDocument::setPlacement(JobId id, const std::optional<Placement> &p)
{
    if (!contains(id))
        return;
    if (p)
        m_placements.insert(id, *p);
    else
        m_placements.remove(id);
    emit placementChanged(id);
}

void PipelineDocument::setPlacements(const QHash<JobId, Placement> &placements)
{
    for (auto it = placements.begin(); it != placements.end(); ++it) {
        if (!contains(it.key()))
            continue;
        m_placements.insert(it.key(), it.value());
        emit placementChanged(it.key());
    }
}

void PipelineDocument::replacePipeline(const Pipeline &pipeline, const QHash<QString, JobId> &ids,
                                       const QHash<JobId, Placement> &placements)
{
    emit pipelineAboutToBeReset();
    m_pipeline = pipeline;
    m_ids.clear();
    QSet<JobId> used;
    for (const Job &j : std::as_const(m_pipeline.jobs)) {
        JobId id = ids.value(j.name);
        if (!id.isValid() || used.contains(id))
            id = JobId(m_nextId++);
        m_nextId = std::max(m_nextId, id.value() + 1);
        used.insert(id);
        m_ids.append(id);
    }
    rebuildIndex();
    QHash<JobId, Placement> kept;
    for (auto it = placements.begin(); it != placements.end(); ++it) {
        if (used.contains(it.key()))
            kept.insert(it.key(), it.value());
    }
    m_placements = kept;
    emit pipelineReset();
    emit contentChanged();
}

QHash<QString, JobId> PipelineDocument::idsByName() const
{
    QHash<QString, JobId> result;
    for (int i = int(m_ids.size()) - 1; i >= 0; --i)
        result.insert(m_pipeline.jobs.at(i).name, m_ids.at(i));
    return result;
}

void PipelineDocument::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(m_ids.size());
    for (int i = 0; i < m_ids.size(); ++i)
        m_index.insert(m_ids.at(i), i);
}

void PipelineDocument::emitEdgesOf(JobId id, bool added)
{
    for (const Edge &e : edgesOf(id)) {
        if (added)
            emit edgeAdded(e.from, e.to);
        else
            emit edgeRemoved(e.from, e.to);
    }
}

}  // namespace Orrery::Editor

// Pipelines as the REST API and the GUI see them (listings, manual pipeline runs, the runs
// of a pipeline run) and node drain.

#include "engineprivate.h"

#include <dag/dag.h>
#include <model/spelling.h>
#include <store/store.h>

#include <QCoreApplication>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

using namespace Internal;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

}  // namespace

Result<PipelineRunStatus> Engine::Private::pipelineRunStatus(qint64 id)
{
    auto runs = store.runsOfPipelineRun(id);
    if (!runs)
        return runs.error();
    if (runs->isEmpty())
        return makeError(ErrorCode::NotFound, Tr::tr("no pipeline run with id %1").arg(id));
    const RunRecord &root = runs->first();
    PipelineRunStatus status;
    status.id = id;
    const auto job = jobs.constFind(root.run.jobId());
    if (job != jobs.cend())
        status.pipeline = job->record.pipeline;
    status.trigger = root.trigger;
    status.scheduledAt = root.scheduledAt;
    status.createdAt = root.createdAt;
    QList<RunState> states;
    for (const RunRecord &r : std::as_const(*runs)) {
        const auto a = active.constFind(r.run.id());
        // A failed attempt with a retry to come is not the job's final word.
        states.append(a != active.cend() && a->retryPending ? RunState::Waiting : r.run.state());
    }
    status.state = pipelineRunState(states);
    status.runs = *runs;
    for (const RunRecord &r : std::as_const(*runs)) {
        const QString reason = q->waitingReason(r.run.id());
        if (!reason.isEmpty())
            status.waitingReasons.insert(r.run.id(), reason);
    }
    return status;
}

Result<QList<PipelineStatus>> Engine::pipelines()
{
    QStringList names = d->pipelines.keys();
    names.sort();
    QList<PipelineStatus> out;
    for (const QString &name : std::as_const(names)) {
        PipelineStatus status;
        status.pipeline = d->pipelines.value(name);
        auto last = pipelineRuns(name, 1);
        if (!last)
            return last.error();
        if (!last->isEmpty())
            status.lastRun = last->first();
        out.append(status);
    }
    return out;
}

Result<Pipeline> Engine::pipeline(const QString &name) const
{
    const auto it = d->pipelines.constFind(name);
    if (it == d->pipelines.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no pipeline '%1'").arg(name));
    return *it;
}

Result<PipelineRunStatus> Engine::runPipeline(const QString &name, const Actor &actor,
                                              const QMap<QString, QString> &parameters)
{
    d->flush();
    const auto it = d->pipelines.constFind(name);
    if (it == d->pipelines.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no pipeline '%1'").arg(name));
    for (auto p = parameters.cbegin(); p != parameters.cend(); ++p) {
        if (!it->parameters.contains(p.key())) {
            const QString guess = closestMatch(p.key(), it->parameters.keys());
            Error e = makeError(
                    ErrorCode::UnknownParameter,
                    guess.isEmpty()
                            ? Tr::tr("pipeline '%1' has no parameter '%2'").arg(name, p.key())
                            : Tr::tr("pipeline '%1' has no parameter '%2' (did you "
                                     "mean '%3'?)")
                                      .arg(name, p.key(), guess));
            e.file = u"parameters."_s + p.key();
            return e;
        }
    }
    const auto order = Dag::topologicalOrder(*it);
    if (!order)
        return order.error();
    JobEntry *root = nullptr;
    for (const QString &jobName : *order) {
        const Job *job = it->job(jobName);
        if (job && job->dependencies.isEmpty()) {
            root = &d->jobs[d->jobsByName.value(jobName)];
            break;
        }
    }
    if (!root)
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("pipeline '%1' has no job without dependencies").arg(name));
    d->beginWork(false);
    // The id is known before the first run exists, so that its parameters are stored first.
    const RunId first = m_store.newRunId();
    if (!parameters.isEmpty()) {
        if (auto r = m_store.setPipelineRunParameters(first.value(), name, parameters); !r) {
            d->flush();
            return r.error();
        }
    }
    auto record = d->createRun(*root, RunTrigger::Manual, d->clock.now(), 0, first);
    if (!record) {
        d->flush();
        return record.error();
    }
    const qint64 id = record->pipelineRunId;
    d->audit(actor, u"pipeline.run"_s, name, u"pipeline_run=%1"_s.arg(id));
    d->processPipelines();
    d->dispatchPending();
    if (!d->flush())
        return makeError(ErrorCode::Storage, Tr::tr("the pipeline run could not be stored"));
    return d->pipelineRunStatus(id);
}

Result<QList<PipelineRunStatus>> Engine::pipelineRuns(const QString &name, int limit)
{
    if (!d->pipelines.contains(name))
        return makeError(ErrorCode::NotFound, Tr::tr("no pipeline '%1'").arg(name));
    auto roots = m_store.listPipelineRuns(name, limit);
    if (!roots)
        return roots.error();
    QList<PipelineRunStatus> out;
    for (const RunRecord &root : std::as_const(*roots)) {
        auto status = d->pipelineRunStatus(root.pipelineRunId);
        if (!status)
            return status.error();
        status->pipeline = name;
        out.append(*status);
    }
    return out;
}

Result<PipelineRunStatus> Engine::pipelineRun(qint64 id)
{
    return d->pipelineRunStatus(id);
}

// ---- drain -----------------------------------------------------------------------------------

Result<NodeStatus> Engine::drainNode(const QString &name, const Actor &actor)
{
    d->flush();
    auto it = d->nodes.find(name);
    if (it == d->nodes.end())
        return makeError(ErrorCode::NotFound, Tr::tr("no node '%1'").arg(name));
    NodeLive &node = *it;
    if (node.status.record.state == NodeState::Revoked)
        return makeError(ErrorCode::Conflict, Tr::tr("node '%1' is revoked").arg(name));
    if (node.status.record.state != NodeState::Draining) {
        if (auto r = m_store.setNodeState(name, NodeState::Draining); !r)
            return r.error();
        node.status.record.state = NodeState::Draining;
        d->audit(actor, u"node.drain"_s, name, u"running=%1"_s.arg(node.runs.size()));
        qCInfo(lcEngine, "node '%s' is draining, %lld run(s) still on it", qPrintable(name),
               qint64(node.runs.size()));
        emit nodeChanged(name);
    }
    return d->nodeStatus(node);
}

Result<NodeStatus> Engine::enableNode(const QString &name, const Actor &actor)
{
    d->flush();
    auto it = d->nodes.find(name);
    if (it == d->nodes.end())
        return makeError(ErrorCode::NotFound, Tr::tr("no node '%1'").arg(name));
    NodeLive &node = *it;
    if (node.status.record.state == NodeState::Revoked)
        return makeError(ErrorCode::Conflict, Tr::tr("node '%1' is revoked").arg(name));
    if (node.status.record.state == NodeState::Draining) {
        const NodeState state = node.status.connected ? NodeState::Online : NodeState::Offline;
        if (auto r = m_store.setNodeState(name, state); !r)
            return r.error();
        node.status.record.state = state;
        d->audit(actor, u"node.enable"_s, name, nodeStateName(state));
        qCInfo(lcEngine, "node '%s' takes runs again", qPrintable(name));
        emit nodeChanged(name);
        d->dispatchPending();
    }
    return d->nodeStatus(node);
}

NodeStatus Engine::Private::nodeStatus(const NodeLive &node) const
{
    NodeStatus s = node.status;
    s.running = int(node.runs.size());
    s.drained = s.record.state == NodeState::Draining && node.runs.isEmpty();
    return s;
}

}  // namespace Orrery::Master

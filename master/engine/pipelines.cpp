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
    auto start = store.pipelineRunStartJob(id);
    if (!start)
        return start.error();
    status.startJob = *start;
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

Result<RunRecord> Engine::Private::startManualRun(JobEntry &entry)
{
    const QString name = entry.record.job.name;
    const auto pipeline = pipelines.constFind(entry.record.pipeline);
    const Job *job = pipeline != pipelines.cend() ? pipeline->job(name) : nullptr;
    if (!job || job->dependencies.isEmpty())
        return createRun(entry, RunTrigger::Manual, clock.now(), 0);
    // The pipeline run is named after its first run, the start job's, whose id is known first
    // so that the start job is stored before.
    const RunId first = store.newRunId();
    if (auto r = store.setPipelineRunStartJob(first.value(), pipeline->name, name); !r)
        return r.error();
    qCInfo(lcEngine, "pipeline '%s': run %lld of '%s' and its downstream tasks",
           qPrintable(pipeline->name), first.value(), qPrintable(name));
    return createRun(entry, RunTrigger::Manual, clock.now(), first.value(), first);
}

Result<qint64> Engine::Private::startPipelineRun(const QString &name, RunTrigger trigger,
                                                 const QDateTime &scheduledAt,
                                                 const QMap<QString, QString> &parameters)
{
    const auto it = pipelines.constFind(name);
    if (it == pipelines.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no pipeline '%1'").arg(name));
    const auto order = Dag::topologicalOrder(*it);
    if (!order)
        return order.error();
    JobEntry *root = nullptr;
    for (const QString &jobName : *order) {
        const Job *job = it->job(jobName);
        if (job && job->dependencies.isEmpty()) {
            root = &jobs[jobsByName.value(jobName)];
            break;
        }
    }
    if (!root)
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("pipeline '%1' has no job without dependencies").arg(name));
    // The id is known before the first run exists, so that its parameters are stored first.
    const RunId first = store.newRunId();
    if (!parameters.isEmpty()) {
        if (auto r = store.setPipelineRunParameters(first.value(), name, parameters); !r)
            return r.error();
    }
    auto record = createRun(*root, trigger, scheduledAt, 0, first);
    if (!record)
        return record.error();
    return record->pipelineRunId;
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
    d->beginWork(false);
    auto id = d->startPipelineRun(name, RunTrigger::Manual, d->clock.now(), parameters);
    if (!id) {
        d->flush();
        return id.error();
    }
    d->audit(actor, u"pipeline.run"_s, name, u"pipeline_run=%1"_s.arg(*id));
    d->processPipelines();
    d->dispatchPending();
    if (!d->flush())
        return makeError(ErrorCode::Storage, Tr::tr("the pipeline run could not be stored"));
    return d->pipelineRunStatus(*id);
}

Result<QList<QDateTime>> Engine::backfill(const QString &name, const QDateTime &from,
                                          const QDateTime &to, int concurrency, const Actor &actor)
{
    constexpr int kMaxFires = 1000;
    d->flush();
    const auto it = d->pipelines.constFind(name);
    if (it == d->pipelines.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no pipeline '%1'").arg(name));
    if (!from.isValid() || !to.isValid() || from > to)
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("'from' must be an instant not after 'to'"));
    if (concurrency < 1)
        return makeError(ErrorCode::InvalidValue, Tr::tr("'concurrency' must be at least 1"));
    const CheckedJob *schedule = nullptr;
    for (const Job &job : it->jobs) {
        const auto entry = d->jobs.constFind(job.id);
        if (job.dependencies.isEmpty() && entry != d->jobs.cend() && entry->checked.schedule) {
            schedule = &entry->checked;
            break;
        }
    }
    if (!schedule)
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("pipeline '%1' has no schedule to backfill").arg(name));
    QList<QDateTime> fires;
    // Fire times at or after `from`: the first strictly after the second before it.
    std::optional<qint64> next = schedule->schedule->nextSecs(from.toSecsSinceEpoch() - 1);
    while (next && *next <= to.toSecsSinceEpoch()) {
        if (fires.size() == kMaxFires)
            return makeError(ErrorCode::InvalidValue,
                             Tr::tr("the range holds more than %1 fire times").arg(kMaxFires));
        fires.append(QDateTime::fromSecsSinceEpoch(*next, QTimeZone::utc()));
        next = schedule->schedule->nextSecs(*next);
    }
    d->beginWork(false);
    qint64 backfillId = 0;
    if (!fires.isEmpty()) {
        auto stored = m_store.createBackfill(name, concurrency, fires);
        if (!stored) {
            d->flush();
            return stored.error();
        }
        backfillId = *stored;
    }
    d->audit(actor, u"pipeline.backfill"_s, name,
             u"from=%1 to=%2 fires=%3 concurrency=%4"_s
                     .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate))
                     .arg(fires.size())
                     .arg(concurrency));
    if (!fires.isEmpty()) {
        d->backfills.append(Private::Backfill{backfillId, name, fires, concurrency, {}});
        qCInfo(lcEngine, "pipeline '%s': backfill of %lld fire(s), %d at a time", qPrintable(name),
               qint64(fires.size()), concurrency);
    }
    d->processPipelines();
    d->dispatchPending();
    if (!d->flush())
        return makeError(ErrorCode::Storage, Tr::tr("the backfill could not be stored"));
    return fires;
}

void Engine::Private::advanceBackfills()
{
    for (auto b = backfills.begin(); b != backfills.end();) {
        for (auto r = b->running.begin(); r != b->running.end();)
            r = pipelineRuns.count(*r) == 0 ? b->running.erase(r) : std::next(r);
        while (b->running.size() < b->concurrency && !b->pending.isEmpty()) {
            const QDateTime at = b->pending.takeFirst();
            auto id = startPipelineRun(b->pipeline, RunTrigger::Backfill, at, {});
            if (!id)
                qCWarning(lcEngine, "pipeline '%s': backfill run for %s not started: %s",
                          qPrintable(b->pipeline), qPrintable(at.toString(Qt::ISODate)),
                          qPrintable(id.error().toString()));
            if (auto r = store.startBackfillFire(b->id, at, id ? *id : 0); !r)
                qCWarning(lcEngine, "pipeline '%s': backfill %lld: %s", qPrintable(b->pipeline),
                          b->id, qPrintable(r.error().toString()));
            if (id)
                b->running.insert(*id);
        }
        if (!b->running.isEmpty() || !b->pending.isEmpty()) {
            ++b;
            continue;
        }
        if (auto r = store.deleteBackfill(b->id); !r)
            qCWarning(lcEngine, "pipeline '%s': backfill %lld: %s", qPrintable(b->pipeline), b->id,
                      qPrintable(r.error().toString()));
        qCInfo(lcEngine, "pipeline '%s': backfill %lld done", qPrintable(b->pipeline), b->id);
        b = backfills.erase(b);
    }
}

Result<void> Engine::Private::loadBackfills()
{
    auto stored = store.listBackfills();
    if (!stored)
        return stored.error();
    for (const BackfillRecord &b : std::as_const(*stored)) {
        // Its pipeline runs that have not ended are followed again (loadUnfinished); those
        // that ended are dropped at the first pass.
        QSet<qint64> running;
        for (qint64 id : b.started) {
            if (id != 0)
                running.insert(id);
        }
        backfills.append(Backfill{b.id, b.pipeline, b.pending, b.concurrency, running});
        qCInfo(lcEngine, "pipeline '%s': backfill %lld goes on, %lld fire(s) not started yet",
               qPrintable(b.pipeline), b.id, qint64(b.pending.size()));
    }
    return {};
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

Result<PipelineRunStatus> Engine::rerunPipelineRun(qint64 id, const Actor &actor)
{
    d->flush();
    auto status = d->pipelineRunStatus(id);
    if (!status)
        return status.error();
    if (status->state == PipelineRunState::Running)
        return makeError(ErrorCode::Conflict, Tr::tr("pipeline run %1 is still running").arg(id));
    if (status->state == PipelineRunState::Success)
        return makeError(ErrorCode::Conflict,
                         Tr::tr("pipeline run %1 succeeded; nothing to re-run").arg(id));
    if (!d->pipelines.contains(status->pipeline))
        return makeError(ErrorCode::NotFound,
                         Tr::tr("pipeline '%1' no longer exists").arg(status->pipeline));
    d->beginWork(false);
    d->pipelineRuns.erase(id);  // rebuilt from the store with the runs queued again
    QStringList again;
    const QString reason = Tr::tr("re-run by %1").arg(actor.name);
    for (const RunRecord &r : std::as_const(status->runs)) {
        const RunState state = r.run.state();
        if (state == RunState::Success || !isFinal(state))
            continue;
        if (!d->jobs.contains(r.run.jobId()))
            continue;  // its job was deleted since
        auto requeued = m_store.requeue(r.run.id(), d->clock.now(), reason);
        if (!requeued) {
            d->flush();
            return requeued.error();
        }
        d->track(*requeued);
        ActiveRun &run = d->active[r.run.id()];
        d->hold(run);  // its pipeline run releases it when its upstream jobs allow
        again.append(r.run.jobName());
        emit runChanged(*requeued);
    }
    d->audit(actor, u"pipeline.rerun"_s, status->pipeline,
             u"pipeline_run=%1 tasks=%2"_s.arg(id).arg(again.join(u',')));
    qCInfo(lcEngine, "pipeline run %lld re-run: %s", id, qPrintable(again.join(u", "_s)));
    d->pendingPipelineRuns.insert(id);
    d->processPipelines();
    d->dispatchPending();
    if (!d->flush())
        return makeError(ErrorCode::Storage, Tr::tr("the re-run could not be stored"));
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

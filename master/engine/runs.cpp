// The way of a run from `waiting` to its end: creation, the dispatch queue, retries, stop and
// cancel, and the progression of pipeline runs.

#include "engineprivate.h"

#include <config/pipelinefile.h>
#include <cron/timewindow.h>
#include <dag/dag.h>
#include <store/store.h>

#include <QCoreApplication>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

using namespace Internal;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

// The delay before retry number `retry` (1 = the first retry) of a job.
qint64 retryDelayMs(const RetryPolicy &policy, int retry)
{
    double secs = double(policy.delaySecs) * std::pow(std::max(1.0, policy.backoff), retry - 1);
    if (policy.maxDelaySecs > 0)
        secs = std::min(secs, double(policy.maxDelaySecs));
    secs = std::min(secs, 365.0 * 24 * 3600);
    return qint64(secs * 1000);
}

// What a run whose attempt `attempt` failed waits for, `delayMs` before its retry.
QString retryReason(int attempt, int count, qint64 delayMs)
{
    return Tr::tr("retry %1 of %2 in %3 s").arg(attempt).arg(count).arg(delayMs / 1000.0);
}

}  // namespace

// ---- creating and tracking -------------------------------------------------------------------

Result<RunRecord> Engine::Private::createRun(JobEntry &entry, RunTrigger trigger,
                                             const QDateTime &scheduledAt, qint64 pipelineRunId,
                                             RunId id)
{
    const JobCore &job = entry.record.job;
    NewRun nr;
    nr.job = job.id;
    nr.jobName = job.name;
    nr.priority = job.priority;
    nr.trigger = trigger;
    nr.scheduledAt = scheduledAt;
    nr.pipelineRunId = pipelineRunId;
    nr.id = id;
    // A scheduled or manual run of a pipeline's root job starts a pipeline run named after it.
    if (pipelineRunId == 0 && !entry.record.pipeline.isEmpty()
        && entry.record.rest().dependencies.isEmpty()
        && (trigger == RunTrigger::Schedule || trigger == RunTrigger::Manual
            || trigger == RunTrigger::Backfill)) {
        nr.id = id.isValid() ? id : store.newRunId();
        nr.pipelineRunId = nr.id.value();
    }
    auto record = store.createRun(nr);
    if (!record)
        return record.error();
    track(*record);
    emit q->runChanged(*record);
    if (record->pipelineRunId != 0)
        notePipelineRun(record->pipelineRunId, job.name, record->run.id(), record->run.state());
    if (job.command.trimmed().isEmpty())
        finishWithoutCommand(record->run.id());
    return record;
}

void Engine::Private::track(const RunRecord &record)
{
    ActiveRun run;
    run.id = record.run.id();
    run.job = record.run.jobId();
    run.jobName = record.run.jobName();
    run.priority = record.run.priority();
    run.attempt = record.run.currentAttempt().number;
    run.state = record.run.state();
    run.pipelineRunId = record.pipelineRunId;
    run.trigger = record.trigger;
    run.scheduledAt = record.scheduledAt;
    run.preemptions = record.preemptions;
    // Broadcast: a stored node means the fan-out of its fire was done (the run that made it,
    // and the runs it made for the other nodes).
    run.pinnedNode = record.pinnedNode;
    run.broadcastDone = !record.pinnedNode.isEmpty();
    // A scheduled run made before its instant (pre-dispatch, also after a restart in between)
    // never starts before it.
    if (record.trigger == RunTrigger::Schedule && record.scheduledAt.isValid()
        && record.scheduledAt.toMSecsSinceEpoch() > clock.nowMs())
        run.startAtMs = record.scheduledAt.toMSecsSinceEpoch();
    const QDateTime queuedAt = record.run.currentAttempt().queuedAt;
    run.queuedMs = queuedAt.isValid() ? queuedAt.toMSecsSinceEpoch() : clock.nowMs();
    if (run.state == RunState::Running) {
        const NodeId node = record.run.currentAttempt().node;
        run.node = nodeNames.value(node);
        run.dispatched = !run.node.isEmpty();
    }
    active.insert(run.id, run);
    auto job = jobs.find(run.job);
    if (job != jobs.end()) {
        ++job->active;
        if (run.dispatched)
            ++job->dispatched;
    }
    if (run.dispatched) {
        auto node = nodes.find(run.node);
        if (node != nodes.end()) {
            node->runs.insert(run.id);
            node->status.running = int(node->runs.size());
        }
        // It held its locks when it was sent; it holds them again (loadUnfinished() tracks
        // running runs before waiting ones, so they get them first).
        requestLocks(run);
    }
    if (run.state == RunState::Waiting)
        queueOrGate(active[run.id]);
}

void Engine::Private::requestLocks(const ActiveRun &run)
{
    const auto job = jobs.constFind(run.job);
    if (job == jobs.cend() || job->record.rest().resources.isEmpty())
        return;
    QStringList keys;
    for (const ResourceLock &lock : job->record.rest().resources)
        keys.append(lock.key());
    locks.request(run.id, run.priority, run.queuedMs, keys);
    locks.grant();
}

bool Engine::Private::holdsLocks(const ActiveRun &run) const
{
    const auto job = jobs.constFind(run.job);
    return job == jobs.cend() || job->record.rest().resources.isEmpty() || locks.holdsAll(run.id);
}

void Engine::Private::enqueue(const ActiveRun &run)
{
    queue.push(WaitingRun{run.id, run.priority, run.queuedMs});
    requestLocks(run);
}

void Engine::Private::queueOrGate(ActiveRun &run)
{
    const auto job = jobs.constFind(run.job);
    if (job != jobs.cend() && (job->record.rest().notBeforeMinute || job->record.rest().window)) {
        const QDateTime createdAt = run.scheduledAt.isValid() ? run.scheduledAt : clock.now();
        const Cron::TimeGate gate
                = Cron::timeGate(job->record.rest(), createdAt, clock.now(), job->checked.zone);
        if (gate.state != Cron::TimeGate::State::Ready) {
            run.gated = true;
            waitingReasons.insert(run.id, gate.reason);
            const qint64 due = gate.state == Cron::TimeGate::State::Wait
                                       ? gate.until.toMSecsSinceEpoch()
                                       : clock.nowMs();  // skipped at the next tick
            gateDue.emplace(due, run.id);
            armTimer();
            return;
        }
    }
    run.gated = false;
    enqueue(run);
}

void Engine::Private::hold(ActiveRun &run)
{
    unqueue(run);
    if (locks.release(run.id))
        locks.grant();
    run.gated = false;
    run.held = true;
    waitingReasons.insert(run.id, Tr::tr("waiting for its upstream tasks"));
}

void Engine::Private::processGates()
{
    const qint64 now = clock.nowMs();
    QList<RunId> due;
    while (!gateDue.empty() && gateDue.begin()->first <= now) {
        due.append(gateDue.begin()->second);
        gateDue.erase(gateDue.begin());
    }
    for (RunId id : std::as_const(due)) {
        auto run = active.find(id);
        if (run == active.end() || !run->gated)
            continue;  // ended or cancelled meanwhile
        const auto job = jobs.constFind(run->job);
        if (job == jobs.cend())
            continue;
        const QDateTime createdAt = run->scheduledAt.isValid() ? run->scheduledAt : clock.now();
        const Cron::TimeGate gate
                = Cron::timeGate(job->record.rest(), createdAt, clock.now(), job->checked.zone);
        if (gate.state == Cron::TimeGate::State::Skip) {
            skipRun(id, gate.reason);
            continue;
        }
        queueOrGate(*run);
    }
}

void Engine::Private::skipRun(RunId id, const QString &reason)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    it->gated = false;
    unqueue(*it);
    auto record = store.transition(id, it->attempt, RunState::Skipped, clock.now(), reason);
    if (!record) {
        qCWarning(lcEngine, "run %lld: cannot skip: %s", id.value(),
                  qPrintable(record.error().toString()));
        return;
    }
    qCInfo(lcEngine, "run %lld of '%s' skipped: %s", id.value(), qPrintable(it->jobName),
           qPrintable(reason));
    onAttemptEnded(*record);
}

QMap<QString, QString> Engine::Private::runParameters(qint64 pipelineRunId)
{
    const auto cached = parameterCache.constFind(pipelineRunId);
    if (cached != parameterCache.cend())
        return *cached;
    auto stored = store.pipelineRunParameters(pipelineRunId);
    if (!stored) {
        qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                  qPrintable(stored.error().toString()));
        return {};
    }
    parameterCache.insert(pipelineRunId, *stored);
    return *stored;
}

void Engine::Private::unqueue(const ActiveRun &run)
{
    queue.remove(run.id);
    waitingReasons.remove(run.id);
}

void Engine::Private::emitRun(RunId id)
{
    auto record = store.run(id);
    if (record)
        emit q->runChanged(*record);
}

Result<void> Engine::Private::loadUnfinished()
{
    auto runs = store.unfinishedRuns();
    if (!runs)
        return runs.error();
    const QDateTime now = clock.now();
    // Running runs first: they held their locks before the restart.
    QList<RunRecord> ordered;
    for (const RunRecord &record : *runs) {
        if (record.run.state() == RunState::Running)
            ordered.append(record);
    }
    for (const RunRecord &record : *runs) {
        if (record.run.state() != RunState::Running)
            ordered.append(record);
    }
    for (const RunRecord &record : std::as_const(ordered)) {
        track(record);
        if (record.run.state() == RunState::Running) {
            ActiveRun &run = active[record.run.id()];
            if (!run.dispatched) {
                // Running on a node this master does not know (deleted): nobody will report.
                loseRun(run.id, Tr::tr("its node is unknown"));
            }
        }
        if (record.pipelineRunId != 0)
            pendingPipelineRuns.insert(record.pipelineRunId);
    }
    // Failed attempts whose retry waits for its delay: retried at the stored instant, at once
    // when it passed while no master ran.
    auto retries = store.pendingRetries();
    if (!retries)
        return retries.error();
    for (const RunRecord &record : std::as_const(*retries)) {
        const auto job = jobs.constFind(record.run.jobId());
        if (job == jobs.cend() || !isRetryable(record.run.state()))
            continue;
        track(record);
        ActiveRun &run = active[record.run.id()];
        run.retryPending = true;
        const qint64 due = record.retryDueAt.toMSecsSinceEpoch();
        retryDue.emplace(due, run.id);
        const qint64 left = std::max<qint64>(0, due - now.toMSecsSinceEpoch());
        waitingReasons.insert(run.id, retryReason(run.attempt, job->record.job.retry.count, left));
        if (record.pipelineRunId != 0)
            pendingPipelineRuns.insert(record.pipelineRunId);
    }
    // Nodes with runs wait for their agents until the heartbeat deadline.
    for (NodeLive &node : nodes) {
        if (!node.runs.isEmpty())
            node.disconnectedAt = now;
    }
    return {};
}

void Engine::Private::finishWithoutCommand(RunId id)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    unqueue(*it);
    const QDateTime now = clock.now();
    auto result = store.recordResult(id, it->attempt, RunState::Success, 0, now, now);
    if (!result) {
        qCWarning(lcEngine, "run %lld: %s", id.value(), qPrintable(result.error().toString()));
        return;
    }
    auto record = store.run(id);
    if (record)
        onAttemptEnded(*record);
}

// ---- ends and retries ------------------------------------------------------------------------

void Engine::Private::onAttemptEnded(const RunRecord &record)
{
    const RunId id = record.run.id();
    auto it = active.find(id);
    if (it == active.end()) {
        emit q->runChanged(record);
        return;
    }
    ActiveRun &run = *it;
    unqueue(run);
    // Its locks go back at the end of every attempt (a retry asks again).
    if (locks.release(id))
        locks.grant();
    const RunState state = record.run.state();
    auto job = jobs.find(run.job);
    if (run.dispatched) {
        if (state == RunState::Lost)
            run.avoidNode = run.node;
        auto node = nodes.find(run.node);
        if (node != nodes.end()) {
            node->runs.remove(id);
            node->status.running = int(node->runs.size());
            if (node->runs.isEmpty() && node->status.record.state == NodeState::Draining) {
                qCInfo(lcEngine, "node '%s' is drained", qPrintable(node->status.record.name));
                emit q->nodeChanged(node->status.record.name);
            }
        }
        if (job != jobs.end())
            --job->dispatched;
        run.dispatched = false;
        run.node.clear();
    }
    if (run.preemptedBy.isValid()) {
        const RunId by = run.preemptedBy;
        run.preemptedBy = RunId();
        if (auto urgent = active.find(by); urgent != active.end())
            urgent->preempting = RunId();
        if (state == RunState::Cancelled && !run.stopRequested) {
            // Stopped for a P0: back to the queue at its old place, with a new attempt that
            // does not count as a retry.
            const QString reason = Tr::tr("preempted by run %1").arg(by.value());
            auto requeued = store.requeue(id, clock.now(), reason, true);
            if (requeued) {
                run.preemptions = requeued->preemptions;
                run.attempt = requeued->run.currentAttempt().number;
                run.state = RunState::Waiting;
                qCInfo(lcEngine, "run %lld of '%s' %s, queued again as attempt %d", id.value(),
                       qPrintable(run.jobName), qPrintable(reason), run.attempt);
                emit q->runChanged(record);
                queueOrGate(run);
                emit q->runChanged(*requeued);
                return;
            }
            qCWarning(lcEngine, "run %lld: cannot requeue after preemption: %s", id.value(),
                      qPrintable(requeued.error().toString()));
        }
    }
    if (state == RunState::Lost && !run.stopRequested
        && heldRunFate(run.startAtMs, clock.nowMs()) == HeldRunFate::Redispatch) {
        // Pre-dispatched, its node vanished before the instant: sent again (another node if
        // one qualifies), as a new attempt that does not count as a retry.
        auto requeued
                = store.requeue(id, clock.now(), Tr::tr("its node vanished before the start"));
        if (requeued) {
            ++run.redispatches;
            run.attempt = requeued->run.currentAttempt().number;
            run.state = RunState::Waiting;
            qCInfo(lcEngine, "run %lld of '%s' held on a vanished node, queued again as attempt %d",
                   id.value(), qPrintable(run.jobName), run.attempt);
            emit q->runChanged(record);
            queueOrGate(run);
            emit q->runChanged(*requeued);
            return;
        }
        qCWarning(lcEngine, "run %lld: cannot queue again: %s", id.value(),
                  qPrintable(requeued.error().toString()));
    }
    const int attempt = record.run.currentAttempt().number;
    // A broadcast run belongs to its node: lost with it, it is not retried elsewhere.
    const auto pinned = nodes.constFind(run.pinnedNode);
    const bool nodeGone = !run.pinnedNode.isEmpty() && state == RunState::Lost
                          && (pinned == nodes.cend() || !pinned->status.connected);
    const bool canRetry
            = job != jobs.end() && isRetryable(state) && !run.stopRequested && !nodeGone
              && attempt - run.preemptions - run.redispatches <= job->record.job.retry.count;
    if (canRetry) {
        const qint64 delay = retryDelayMs(job->record.job.retry, attempt);
        run.retryPending = true;
        run.state = state;
        waitingReasons.insert(id, retryReason(attempt, job->record.job.retry.count, delay));
        emit q->runChanged(record);
        if (delay <= 0) {
            startRetry(id);
        } else {
            // Stored with the run (in the batch that recorded the failed attempt), so that a
            // restarted master retries it at the same instant.
            const qint64 due = clock.nowMs() + delay;
            const QDateTime dueAt = QDateTime::fromMSecsSinceEpoch(due, QTimeZone::utc());
            if (auto r = store.setRetryDue(id, dueAt); !r)
                qCWarning(lcEngine, "run %lld: cannot store its retry time: %s", id.value(),
                          qPrintable(r.error().toString()));
            retryDue.emplace(due, id);
            armTimer();
        }
        return;
    }
    if (job != jobs.end())
        --job->active;
    const qint64 pipelineRunId = run.pipelineRunId;
    active.erase(it);
    emit q->runChanged(record);
    if (pipelineRunId != 0)
        notePipelineRun(pipelineRunId, record.run.jobName(), id, state);
}

void Engine::Private::startRetry(RunId id)
{
    auto it = active.find(id);
    if (it == active.end() || !it->retryPending)
        return;
    auto record = store.retry(id, clock.now(), Tr::tr("retry %1").arg(it->attempt));
    if (!record) {
        qCWarning(lcEngine, "run %lld: retry failed: %s", id.value(),
                  qPrintable(record.error().toString()));
        return;
    }
    it->retryPending = false;
    it->attempt = record->run.currentAttempt().number;
    it->state = RunState::Waiting;
    it->queuedMs = clock.nowMs();
    waitingReasons.remove(id);
    queueOrGate(*it);
    emit q->runChanged(*record);
    auto job = jobs.find(it->job);
    if (job != jobs.end() && job->record.job.command.trimmed().isEmpty())
        finishWithoutCommand(id);
}

// ---- pipeline runs ---------------------------------------------------------------------------

void Engine::Private::processPipelines()
{
    if (progressing)
        return;
    progressing = true;
    do {
        while (!pendingPipelineRuns.isEmpty()) {
            const qint64 id = *pendingPipelineRuns.cbegin();
            pendingPipelineRuns.remove(id);
            progressPipeline(id);
        }
        advanceBackfills();  // may start pipeline runs
    } while (!pendingPipelineRuns.isEmpty());
    progressing = false;
}

namespace {

// A job's state from its runs (several for a broadcast job): the first that has not ended;
// once all have, the first that did not succeed, or success.
RunState jobState(const QList<std::pair<RunId, RunState>> &runs)
{
    std::optional<RunState> unsuccessful;
    for (const auto &run : runs) {
        if (!isFinal(run.second))
            return run.second;
        if (run.second != RunState::Success && !unsuccessful)
            unsuccessful = run.second;
    }
    return unsuccessful.value_or(RunState::Success);
}

}  // namespace

PipelineRunLive *Engine::Private::livePipelineRun(qint64 pipelineRunId)
{
    if (auto it = pipelineRuns.find(pipelineRunId); it != pipelineRuns.end())
        return &it->second;
    auto runs = store.runsOfPipelineRun(pipelineRunId);
    if (!runs) {
        qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                  qPrintable(runs.error().toString()));
        return nullptr;
    }
    if (runs->isEmpty())
        return nullptr;
    const RunRecord &root = runs->first();
    const auto rootJob = jobs.constFind(root.run.jobId());
    if (rootJob == jobs.cend() || rootJob->record.pipeline.isEmpty()
        || !pipelines.contains(rootJob->record.pipeline))
        return nullptr;
    PipelineRunLive live;
    live.id = pipelineRunId;
    live.pipeline = rootJob->record.pipeline;
    live.trigger = root.trigger;
    live.scheduledAt = root.scheduledAt;
    if (auto start = store.pipelineRunStartJob(pipelineRunId); start)
        live.startJob = *start;
    else
        qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                  qPrintable(start.error().toString()));
    for (const RunRecord &r : std::as_const(*runs)) {
        const auto a = active.constFind(r.run.id());
        // A failed attempt with a retry to come is not the job's final word.
        const RunState state
                = a != active.cend() && a->retryPending ? RunState::Waiting : r.run.state();
        live.runs[r.run.jobName()].append({r.run.id(), state});
        if (!isFinal(state))
            ++live.unfinished;
        if (a != active.cend() && a->state == RunState::Waiting && !a->dispatched
            && !a->retryPending && (a->held || !a->gated) && a->pinnedNode.isEmpty()) {
            // A waiting run counts as started only once its upstream jobs allow it (a re-run,
            // or one that waited in the queue before a restart: released at the first pass).
            // (The job the run was started from has no upstream jobs in it.)
            const auto job = jobs.constFind(a->job);
            const bool upstream = job != jobs.cend() && r.run.jobName() != live.startJob
                                  && !job->record.rest().dependencies.isEmpty();
            if (a->held || upstream)
                live.held.insert(r.run.jobName(), a->id);
        }
    }
    for (auto it = live.runs.cbegin(); it != live.runs.cend(); ++it) {
        if (!live.held.contains(it.key()))
            live.states.insert(it.key(), jobState(it.value()));
    }
    return &pipelineRuns.emplace(pipelineRunId, std::move(live)).first->second;
}

void Engine::Private::notePipelineRun(qint64 pipelineRunId, const QString &job, RunId run,
                                      RunState state)
{
    const auto it = pipelineRuns.find(pipelineRunId);
    if (it == pipelineRuns.end()) {
        pendingPipelineRuns.insert(pipelineRunId);  // built from the store at its next pass
        return;
    }
    PipelineRunLive &live = it->second;
    QList<std::pair<RunId, RunState>> &runs = live.runs[job];
    auto r = std::find_if(runs.begin(), runs.end(),
                          [run](const auto &p) { return p.first == run; });
    if (r == runs.end()) {
        runs.append({run, state});
        if (!isFinal(state))
            ++live.unfinished;
    } else {
        live.unfinished += int(!isFinal(state)) - int(!isFinal(r->second));
        r->second = state;
    }
    if (live.held.contains(job))
        return;
    const RunState now = jobState(runs);
    const auto before = live.states.constFind(job);
    if (before != live.states.cend() && *before == now)
        return;
    live.states.insert(job, now);
    live.upstream.remove(job);
    if (isFinal(now)) {
        live.ended.append(job);
        pendingPipelineRuns.insert(pipelineRunId);
    }
}

void Engine::Private::pipelineChanged(const QString &name)
{
    dependencyIndexes.removeIf([&name](const auto &it) {
        return it.key() == name || it.key().startsWith(name + u'\n');
    });
    for (auto &[id, live] : pipelineRuns) {
        if (live.pipeline == name) {
            live.full = true;
            pendingPipelineRuns.insert(id);
        }
    }
}

std::shared_ptr<const Dag::DependencyIndex> Engine::Private::dependencyIndex(
        const QString &name, const QString &startJob)
{
    const QString key = startJob.isEmpty() ? name : name + u'\n' + startJob;
    auto it = dependencyIndexes.find(key);
    if (it == dependencyIndexes.end()) {
        const auto pipeline = pipelines.constFind(name);
        if (pipeline == pipelines.cend())
            return nullptr;
        it = dependencyIndexes.insert(
                key,
                std::make_shared<const Dag::DependencyIndex>(
                        startJob.isEmpty() ? *pipeline : Dag::downstreamPart(*pipeline, startJob)));
    }
    return *it;
}

QHash<QString, QString> Engine::Private::conditionVariables(PipelineRunLive &live, const Job &job,
                                                            const QHash<QString, RunState> &states)
{
    QHash<QString, Dag::UpstreamResult> upstream;
    for (const Dependency &dep : job.dependencies) {
        const RunState state = states.value(dep.job, RunState::Waiting);
        if (!isFinal(state))
            continue;
        auto cached = live.upstream.find(dep.job);
        if (cached == live.upstream.end()) {
            Dag::UpstreamResult result;
            result.state = state;
            const QList<std::pair<RunId, RunState>> runs = live.runs.value(dep.job);
            if (state != RunState::Skipped && !runs.isEmpty()) {
                // The last run of the job (the last node's, for a broadcast job).
                const RunId last = runs.last().first;
                if (auto record = store.run(last)) {
                    result.exitCode = record->run.currentAttempt().exitCode;
                    const int attempt = record->run.currentAttempt().number;
                    if (auto chunks = store.readOutput(last, 100000); chunks) {
                        QByteArray out;
                        for (const OutputChunk &c : std::as_const(*chunks)) {
                            if (c.attempt == attempt && c.stream == OutputStream::Stdout)
                                out += c.data;
                        }
                        result.outputs = Dag::parseOutputVariables(out).values;
                    }
                }
            }
            cached = live.upstream.insert(dep.job, result);
        }
        upstream.insert(dep.job, *cached);
    }
    QMap<QString, QString> values;
    if (const auto pipeline = pipelines.constFind(live.pipeline); pipeline != pipelines.cend())
        values = pipeline->parameters;
    const QMap<QString, QString> given = runParameters(live.id);
    for (auto it = given.cbegin(); it != given.cend(); ++it)
        values.insert(it.key(), it.value());
    return Dag::conditionVariables(values, upstream);
}

void Engine::Private::progressPipeline(qint64 pipelineRunId)
{
    PipelineRunLive *live = livePipelineRun(pipelineRunId);
    if (!live)
        return;
    const std::shared_ptr<const Dag::DependencyIndex> index
            = dependencyIndex(live->pipeline, live->startJob);
    if (!index)
        return;
    // Which jobs may have become ready or skipped: every job on the first pass, else the
    // direct downstream of the jobs that ended since the last one.
    QStringList candidates;
    if (live->full) {
        candidates = index->jobs();
        live->full = false;
    } else {
        for (const QString &job : std::as_const(live->ended))
            candidates += index->downstream(job);
    }
    live->ended.clear();
    // advance() records its decisions in the live states (ready: waiting; skip: skipped).
    QHash<QString, RunState> &states = live->states;
    const QList<Dag::Decision> decisions = Dag::advance(
            *index, states, candidates, [this, live](const Job &job, const auto &current) {
                return conditionVariables(*live, job, current);
            });

    for (const Dag::Decision &decision : decisions) {
        const QString &name = decision.job;
        auto job = jobsByName.constFind(name);
        if (job == jobsByName.cend())
            continue;
        JobEntry &entry = jobs[*job];
        const RunId held = live->held.take(name);
        if (decision.readiness == Dag::Readiness::Ready) {
            if (held.isValid()) {
                auto run = active.find(held);
                if (run != active.end() && run->held) {
                    run->held = false;
                    waitingReasons.remove(held);
                    queueOrGate(*run);
                    qCInfo(lcEngine, "pipeline run %lld: '%s' is ready again", pipelineRunId,
                           qPrintable(name));
                }
                continue;
            }
            auto created = createRun(entry, live->trigger, live->scheduledAt, pipelineRunId);
            if (!created) {
                qCWarning(lcEngine, "pipeline run %lld: cannot start '%s': %s", pipelineRunId,
                          qPrintable(name), qPrintable(created.error().toString()));
                continue;
            }
            qCInfo(lcEngine, "pipeline run %lld: '%s' is ready", pipelineRunId, qPrintable(name));
            continue;
        }
        // The reason: the condition when the order dependencies were met and it decided.
        QString reason = Tr::tr("an upstream task did not end as required");
        const Job &definition = entry.record.rest();
        if (!definition.condition.isEmpty()) {
            Job orderOnly = definition;
            orderOnly.condition.clear();
            if (Dag::readiness(orderOnly, states) == Dag::Readiness::Ready) {
                const Result<bool> holds = Dag::evaluateCondition(
                        definition, conditionVariables(*live, definition, states));
                reason = holds ? Tr::tr("its condition is false: %1").arg(definition.condition)
                               : Tr::tr("its condition cannot be evaluated: %1")
                                         .arg(holds.error().message);
            }
        }
        if (held.isValid()) {
            skipRun(held, reason);
            continue;
        }
        NewRun nr;
        nr.job = entry.record.job.id;
        nr.jobName = name;
        nr.priority = entry.record.job.priority;
        nr.trigger = live->trigger;
        nr.scheduledAt = live->scheduledAt;
        nr.pipelineRunId = pipelineRunId;
        auto created = store.createRun(nr);
        if (!created) {
            qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                      qPrintable(created.error().toString()));
            continue;
        }
        auto skipped
                = store.transition(created->run.id(), 1, RunState::Skipped, clock.now(), reason);
        if (!skipped) {
            qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                      qPrintable(skipped.error().toString()));
            continue;
        }
        live->runs[name].append({created->run.id(), RunState::Skipped});
        qCInfo(lcEngine, "pipeline run %lld: '%s' skipped: %s", pipelineRunId, qPrintable(name),
               qPrintable(reason));
        emit q->runChanged(*skipped);
    }
    // The rest still wait for their upstream jobs.
    for (auto it = live->held.cbegin(); it != live->held.cend(); ++it) {
        auto run = active.find(it.value());
        if (run != active.end() && !run->held)
            hold(*run);
    }
    if (live->ended.isEmpty() && live->unfinished == 0 && live->held.isEmpty()) {
        // Every run has ended and nothing more will start: forget the pipeline run.
        parameterCache.remove(pipelineRunId);
        pipelineRuns.erase(pipelineRunId);
    }
}

// ---- dispatch --------------------------------------------------------------------------------

QList<NodeCandidate> Engine::Private::candidates() const
{
    QList<NodeCandidate> out;
    for (const NodeLive &node : nodes) {
        if (!node.status.connected)
            continue;
        NodeCandidate c;
        c.id = node.status.record.id;
        c.name = node.status.record.name;
        c.labels = node.status.record.labels;
        c.connected = true;
        c.draining = node.status.record.state == NodeState::Draining;
        c.running = int(node.runs.size());
        c.maxParallel = node.status.maxParallel;
        // Weighted round-robin: the node's `weight` label (a positive integer), else 1.
        bool ok = false;
        const int weight = c.labels.value(u"weight"_s).toInt(&ok);
        c.weight = ok && weight > 0 ? weight : 1;
        if (node.status.lastHeartbeat) {
            c.cpuPercent = node.status.lastHeartbeat->cpuPercent;
            c.freeMemoryBytes = node.status.lastHeartbeat->freeMemoryBytes;
        }
        out.append(c);
    }
    std::sort(out.begin(), out.end(),
              [](const NodeCandidate &a, const NodeCandidate &b) { return a.id < b.id; });
    return out;
}

void Engine::Private::dispatchPending()
{
    if (!started)
        return;
    if (dispatching) {
        dispatchAgain = true;
        return;
    }
    dispatching = true;
    bool rearm = false;  // instantDue got a new entry
    do {
        dispatchAgain = false;
        if (queue.isEmpty())
            break;
        const qint64 now = clock.nowMs();
        QList<NodeCandidate> list = candidates();
        FleetLoad load;
        int free = 0;
        for (const NodeCandidate &c : std::as_const(list)) {
            load.running += c.running;
            if (!c.draining) {
                load.capacity += c.maxParallel;
                free += std::max(0, c.maxParallel - c.running);
            }
        }
        if (list.isEmpty())
            globalWaitingReason = Tr::tr("no connected node");
        else if (load.capacity == 0)
            globalWaitingReason = Tr::tr("every connected node is draining");
        else if (free == 0)
            globalWaitingReason = Tr::tr("every connected node is at max_parallel");
        else
            globalWaitingReason.clear();
        const QList<WaitingRun> order = queue.ordered(now, options.queuePolicy);
        for (const WaitingRun &w : order) {
            const RunId id = w.run;
            auto run = active.find(id);
            if (run == active.end()) {
                queue.remove(id);
                continue;
            }
            if (free <= 0 && run->priority != Priority::P0) {
                // No slot: only a P0 can still get one (by preemption); the others show the
                // fleet's reason.
                waitingReasons.remove(id);
                continue;
            }
            auto job = jobs.find(run->job);
            if (job == jobs.end()) {
                waitingReasons.insert(id, Tr::tr("its task was deleted"));
                continue;
            }
            if (job->record.job.concurrency == ConcurrencyPolicy::Forbid && job->dispatched > 0
                && job->record.job.strategy != DispatchStrategy::Broadcast) {
                waitingReasons.insert(id, Tr::tr("another run of the task is still running"));
                continue;
            }
            if (!holdsLocks(*run)) {
                waitingReasons.insert(id, locks.waitingReason(id));
                continue;
            }
            if (const auto why = RunQueue::admission(w, load, now, options.queuePolicy)) {
                waitingReasons.insert(id, *why);
                continue;
            }
            if (job->record.rest().window) {
                // Its window may have closed while it waited for upstream jobs, locks or a node.
                const QDateTime createdAt
                        = run->scheduledAt.isValid() ? run->scheduledAt : clock.now();
                if (Cron::timeGate(job->record.rest(), createdAt, clock.now(), job->checked.zone)
                            .state
                    != Cron::TimeGate::State::Ready) {
                    unqueue(*run);
                    if (locks.release(id))
                        locks.grant();
                    queueOrGate(*run);
                    continue;
                }
            }
            // A job with a check goes only to agents that run checks (an older agent would
            // run the command without it), and a run before its instant (pre-dispatch) only
            // to agents that hold it until then (an older agent would start it at once): the
            // others take no part, by the same indices.
            const bool early = run->startAtMs > now;
            QList<NodeCandidate> checking;
            QStringList cannotCheck;
            QStringList cannotHold;
            if (!job->record.rest().check.isEmpty() || early) {
                checking = list;
                for (NodeCandidate &c : checking) {
                    const auto live = nodes.constFind(c.name);
                    if (!job->record.rest().check.isEmpty()
                        && (live == nodes.cend() || !live->runsChecks)) {
                        c.connected = false;
                        cannotCheck.append(c.name);
                    } else if (early && (live == nodes.cend() || !live->holdsRuns)) {
                        c.connected = false;
                        cannotHold.append(c.name);
                    }
                }
            }
            const QList<NodeCandidate> &pool
                    = cannotCheck.isEmpty() && cannotHold.isEmpty() ? list : checking;
            const Job definition = job->record.toJob();
            DispatchChoice choice;
            if (!run->pinnedNode.isEmpty()) {
                // A broadcast run: its own node or none.
                for (qsizetype i = 0; i < pool.size(); ++i) {
                    const NodeCandidate &c = pool.at(i);
                    if (c.name == run->pinnedNode && !c.draining && c.running < c.maxParallel)
                        choice.index = i;
                }
                if (!choice.index) {
                    waitingReasons.insert(
                            id, Tr::tr("waiting for node %1 (broadcast)").arg(run->pinnedNode));
                    continue;
                }
            } else if (!run->avoidNode.isEmpty()) {
                // Its last attempt was lost on that node: another one if one qualifies.
                QList<NodeCandidate> others = pool;
                for (NodeCandidate &c : others) {
                    if (c.name == run->avoidNode)
                        c.draining = true;
                }
                choice = options.dispatch(definition, others, dispatchState);
            }
            if (!choice.index)
                choice = options.dispatch(definition, pool, dispatchState);
            if (!choice.index || *choice.index < 0 || *choice.index >= list.size()) {
                QString reason = choice.reason;
                if (!cannotCheck.isEmpty())
                    reason = Tr::tr("%1 (the agents of %2 are too old to run the task's check "
                                    "command)")
                                     .arg(reason, cannotCheck.join(u", "_s));
                if (!cannotHold.isEmpty()) {
                    // Sent at its instant then, to any node, as without pre-dispatch.
                    if (instantDue.emplace(run->startAtMs, id).second)
                        rearm = true;
                    reason = Tr::tr("waiting for its instant (the agents of %1 are too old to "
                                    "hold it until then)")
                                     .arg(cannotHold.join(u", "_s));
                }
                if (run->priority == Priority::P0) {
                    if (!run->preempting.isValid())
                        preemptFor(*run, definition, pool);
                    if (run->preempting.isValid())
                        reason = Tr::tr("waiting for run %1 to stop (preempted for this run)")
                                         .arg(run->preempting.value());
                }
                waitingReasons.insert(id, reason);
                continue;
            }
            NodeCandidate &target = list[*choice.index];
            auto node = nodes.find(target.name);
            if (node == nodes.end() || !sendDispatch(*run, *job, *node)) {
                waitingReasons.insert(id, Tr::tr("node %1 did not take the run").arg(target.name));
                continue;
            }
            run->avoidNode.clear();
            run->preempting = RunId();
            ++target.running;
            ++load.running;
            --free;
            waitingReasons.remove(id);
            queue.remove(id);
            if (job->record.job.strategy == DispatchStrategy::Broadcast && run->pinnedNode.isEmpty()
                && !run->broadcastDone) {
                // One run on every other matching node, in the same pipeline run; each run's
                // node is stored with it, so that a restarted master neither sends it elsewhere
                // nor fans out again.
                run->broadcastDone = true;
                run->pinnedNode = target.name;
                if (auto r = store.pinRun(id, target.name); !r)
                    qCWarning(lcEngine, "run %lld: cannot store its node: %s", id.value(),
                              qPrintable(r.error().toString()));
                const ActiveRun first = *run;
                for (qsizetype index : std::as_const(choice.broadcast)) {
                    if (index == *choice.index || index < 0 || index >= list.size())
                        continue;
                    auto sibling = createRun(*job, first.trigger, first.scheduledAt,
                                             first.pipelineRunId);
                    if (!sibling) {
                        qCWarning(lcEngine, "run %lld: broadcast to %s not created: %s",
                                  first.id.value(), qPrintable(list.at(index).name),
                                  qPrintable(sibling.error().toString()));
                        continue;
                    }
                    if (auto r = store.pinRun(sibling->run.id(), list.at(index).name); !r)
                        qCWarning(lcEngine, "run %lld: cannot store its node: %s",
                                  sibling->run.id().value(), qPrintable(r.error().toString()));
                    auto created = active.find(sibling->run.id());
                    if (created != active.end()) {
                        created->pinnedNode = list.at(index).name;
                        created->broadcastDone = true;
                    }
                }
                dispatchAgain = true;
            }
        }
    } while (dispatchAgain);
    dispatching = false;
    if (rearm)
        armTimer();
}

bool Engine::Private::preemptFor(ActiveRun &urgent, const Job &job,
                                 const QList<NodeCandidate> &list)
{
    QList<RunningRun> running;
    for (const ActiveRun &r : std::as_const(active)) {
        if (!r.dispatched || r.stopRequested || r.preemptedBy.isValid())
            continue;
        const auto node = nodes.constFind(r.node);
        if (node == nodes.cend())
            continue;
        running.append(RunningRun{r.id, r.priority, node->status.record.id, r.dispatchedMs});
    }
    const std::optional<PreemptionVictim> victim = choosePreemptionVictim(job, list, running);
    if (!victim)
        return false;
    ActiveRun &v = active[victim->run];
    v.preemptedBy = urgent.id;
    urgent.preempting = v.id;
    const QString reason = Tr::tr("preempted by run %1").arg(urgent.id.value());
    qCInfo(lcEngine, "run %lld (%s, %s) on %s is stopped: %s", v.id.value(), qPrintable(v.jobName),
           qPrintable(priorityName(v.priority)), qPrintable(v.node), qPrintable(reason));
    audit(Actor{u"system"_s, QString()}, u"run.preempt"_s, v.id.toString(),
          u"by=%1 node=%2"_s.arg(urgent.id.toString(), v.node));
    sendStop(v, reason);
    return true;
}

bool Engine::Private::sendDispatch(ActiveRun &run, const JobEntry &entry, NodeLive &node)
{
    if (!node.channel || !node.channel->isOpen())
        return false;
    if (!post(node.channel, dispatchBody(run, entry, node)))
        return false;
    run.dispatched = true;
    run.dispatchedMs = clock.nowMs();
    run.node = node.status.record.name;
    node.runs.insert(run.id);
    node.status.running = int(node.runs.size());
    ++jobs[run.job].dispatched;
    qCDebug(lcEngine, "run %lld attempt %d of '%s' dispatched to %s", run.id.value(), run.attempt,
            qPrintable(run.jobName), qPrintable(run.node));
    return true;
}

Protocol::RunDispatchBody Engine::Private::dispatchBody(const ActiveRun &run, const JobEntry &entry,
                                                        const NodeLive &node)
{
    Job job = entry.record.toJob();
    if (run.pipelineRunId != 0) {
        const auto pipeline = pipelines.constFind(entry.record.pipeline);
        if (pipeline != pipelines.cend() && !pipeline->parameters.isEmpty()) {
            QMap<QString, QString> values = pipeline->parameters;
            const QMap<QString, QString> given = runParameters(run.pipelineRunId);
            for (auto it = given.cbegin(); it != given.cend(); ++it)
                values.insert(it.key(), it.value());
            job = Config::applyParameters(job, values);
        }
    }
    Protocol::RunDispatchBody body;
    body.runId = run.id;
    body.attempt = run.attempt;
    body.job = job.name;
    body.command = job.command;
    body.env = job.environment;
    body.workingDirectory = job.workingDirectory;
    body.timeoutMs = job.timeoutSecs * 1000;
    body.killGraceMs = options.killGraceMs;
    body.outputLimitBytes = options.outputLimitBytes;
    if (!job.check.isEmpty()) {
        body.check = job.check;
        const qint64 secs = job.checkTimeoutSecs > 0 ? job.checkTimeoutSecs
                                                     : kDefaultCheckTimeoutSecs;
        body.checkTimeoutMs = secs * 1000;
    }
    if (run.startAtMs > clock.nowMs() && node.holdsRuns)
        body.startAtMs = agentStartAtMs(run.startAtMs, estimateClockSkew(node.skewSamples),
                                        options.predispatch);
    return body;
}

// ---- stop and cancel -------------------------------------------------------------------------

void Engine::Private::sendStop(const ActiveRun &run, const QString &reason)
{
    const auto node = nodes.constFind(run.node);
    if (node == nodes.cend() || !node->channel || !node->channel->isOpen())
        return;  // sent again when the agent says hello with the run
    Protocol::RunStopBody body;
    body.runId = run.id;
    body.attempt = run.attempt;
    body.reason = reason;
    post(node->channel, body);
}

Result<RunRecord> Engine::Private::cancelOrStop(RunId id, const QString &reason)
{
    auto it = active.find(id);
    if (it == active.end()) {
        auto record = store.run(id);
        if (!record)
            return record.error();
        return makeError(ErrorCode::Conflict, Tr::tr("run %1 has already ended (%2)")
                                                      .arg(id.value())
                                                      .arg(runStateName(record->run.state())));
    }
    it->stopRequested = true;
    if (it->dispatched) {
        sendStop(*it, reason);
        return store.run(id);
    }
    if (it->retryPending) {
        // The failed attempt stays as it ended; no retry follows.
        for (auto r = retryDue.begin(); r != retryDue.end();) {
            r = r->second == id ? retryDue.erase(r) : std::next(r);
        }
        if (auto r = store.setRetryDue(id, QDateTime()); !r)
            return r.error();
        it->retryPending = false;
        auto record = store.run(id);
        if (!record)
            return record.error();
        onAttemptEnded(*record);
        return record;
    }
    auto record = store.transition(id, it->attempt, RunState::Cancelled, clock.now(), reason);
    if (!record)
        return record.error();
    onAttemptEnded(*record);
    return record;
}

void Engine::Private::loseRun(RunId id, const QString &reason)
{
    auto it = active.find(id);
    if (it == active.end())
        return;
    if (it->retryPending) {
        // Its failed attempt stays its last word (a broadcast run whose node went offline).
        for (auto r = retryDue.begin(); r != retryDue.end();)
            r = r->second == id ? retryDue.erase(r) : std::next(r);
        if (auto r = store.setRetryDue(id, QDateTime()); !r)
            qCWarning(lcEngine, "run %lld: cannot drop its retry time: %s", id.value(),
                      qPrintable(r.error().toString()));
        it->retryPending = false;
        it->stopRequested = true;  // no further retry
        if (auto record = store.run(id))
            onAttemptEnded(*record);
        return;
    }
    auto record = store.transition(id, it->attempt, RunState::Lost, clock.now(), reason);
    if (!record) {
        // The result arrived in the meantime (or the attempt moved on): read what is stored.
        auto current = store.run(id);
        if (current && isFinal(current->run.state())
            && current->run.currentAttempt().number == it->attempt)
            onAttemptEnded(*current);
        else
            qCWarning(lcEngine, "run %lld: cannot mark lost: %s", id.value(),
                      qPrintable(record.error().toString()));
        return;
    }
    qCWarning(lcEngine, "run %lld attempt %d of '%s' lost: %s", id.value(),
              record->run.currentAttempt().number, qPrintable(record->run.jobName()),
              qPrintable(reason));
    onAttemptEnded(*record);
}

Result<RunRecord> Engine::runJob(JobId id, const Actor &actor)
{
    auto runs = runJobs({id}, actor);
    if (!runs)
        return runs.error();
    return runs->first();
}

Result<QList<RunRecord>> Engine::runJobs(const QList<JobId> &ids, const Actor &actor)
{
    d->flush();
    for (JobId id : ids) {
        if (!d->jobs.contains(id))
            return makeError(ErrorCode::NotFound, Tr::tr("no task with id %1").arg(id.value()));
    }
    // One batch: the runs, their audit entries and the dispatches they lead to are committed
    // together, and the dispatches are sent after the commit.
    d->beginWork(false);
    QList<RunId> created;
    Error failure;
    for (JobId id : ids) {
        auto job = d->jobs.find(id);
        auto record = d->startManualRun(*job);
        if (!record) {
            failure = record.error();
            break;
        }
        created.append(record->run.id());
        d->audit(actor, u"task.execute"_s, job->record.job.name,
                 u"run=%1"_s.arg(record->run.id().toString()));
    }
    d->processPipelines();
    d->dispatchPending();
    if (!d->flush())
        return makeError(ErrorCode::Storage, Tr::tr("the runs could not be stored"));
    if (failure.code != ErrorCode::None)
        return failure;
    QList<RunRecord> out;
    out.reserve(created.size());
    for (RunId id : std::as_const(created)) {
        auto current = m_store.run(id);
        if (!current)
            return current.error();
        out.append(*current);
    }
    return out;
}

Result<QList<RunRecord>> Engine::stopJob(JobId id, const Actor &actor)
{
    d->flush();
    const auto job = d->jobs.constFind(id);
    if (job == d->jobs.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no task with id %1").arg(id.value()));
    const QString name = job->record.job.name;
    QList<RunId> ids;
    for (const ActiveRun &run : std::as_const(d->active)) {
        if (run.job == id)
            ids.append(run.id);
    }
    std::sort(ids.begin(), ids.end());
    QList<RunRecord> out;
    const QString reason = Tr::tr("stopped by %1").arg(actor.name);
    for (RunId run : std::as_const(ids)) {
        auto r = d->cancelOrStop(run, reason);
        if (!r)
            return r.error();
        out.append(*r);
    }
    d->audit(actor, u"task.stop"_s, name, u"runs=%1"_s.arg(out.size()));
    d->processPipelines();
    d->dispatchPending();
    return out;
}

Result<RunRecord> Engine::stopRun(RunId id, const Actor &actor)
{
    d->flush();
    auto r = d->cancelOrStop(id, Tr::tr("stopped by %1").arg(actor.name));
    if (!r)
        return r;
    d->audit(actor, u"run.stop"_s, id.toString(), r->run.jobName());
    d->processPipelines();
    d->dispatchPending();
    return r;
}

QString Engine::waitingReason(RunId id) const
{
    const auto run = d->active.constFind(id);
    if (run == d->active.cend())
        return {};
    if (run->retryPending || (run->state == RunState::Waiting && !run->dispatched)) {
        const QString reason = d->waitingReasons.value(id);
        return reason.isEmpty() ? d->globalWaitingReason : reason;
    }
    return {};
}

int Engine::activeRunCount() const
{
    return int(d->active.size());
}

}  // namespace Orrery::Master

// The way of a run from `waiting` to its end: creation, the dispatch queue, retries, stop and
// cancel, and the progression of pipeline runs.

#include "engineprivate.h"

#include <dag/dag.h>
#include <store/store.h>

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

using namespace Internal;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

QueueKey keyOf(const ActiveRun &run)
{
    return {static_cast<int>(run.priority), run.id.value()};
}

// The delay before retry number `retry` (1 = the first retry) of a job.
qint64 retryDelayMs(const RetryPolicy &policy, int retry)
{
    double secs = double(policy.delaySecs) * std::pow(std::max(1.0, policy.backoff), retry - 1);
    if (policy.maxDelaySecs > 0)
        secs = std::min(secs, double(policy.maxDelaySecs));
    secs = std::min(secs, 365.0 * 24 * 3600);
    return qint64(secs * 1000);
}

}  // namespace

// ---- creating and tracking -------------------------------------------------------------------

Result<RunRecord> Engine::Private::createRun(JobEntry &entry, RunTrigger trigger,
                                             const QDateTime &scheduledAt, qint64 pipelineRunId)
{
    const Job &job = entry.record.job;
    NewRun nr;
    nr.job = job.id;
    nr.jobName = job.name;
    nr.priority = job.priority;
    nr.trigger = trigger;
    nr.scheduledAt = scheduledAt;
    nr.pipelineRunId = pipelineRunId;
    // A scheduled or manual run of a pipeline's root job starts a pipeline run named after it.
    if (pipelineRunId == 0 && !entry.record.pipeline.isEmpty() && job.dependencies.isEmpty()
        && (trigger == RunTrigger::Schedule || trigger == RunTrigger::Manual
            || trigger == RunTrigger::Backfill)) {
        nr.id = store.newRunId();
        nr.pipelineRunId = nr.id.value();
    }
    auto record = store.createRun(nr);
    if (!record)
        return record.error();
    track(*record);
    emit q->runChanged(*record);
    if (record->pipelineRunId != 0)
        pendingPipelineRuns.insert(record->pipelineRunId);
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
    }
    if (run.state == RunState::Waiting)
        enqueue(run);
}

void Engine::Private::enqueue(const ActiveRun &run)
{
    queue.insert(keyOf(run));
}

void Engine::Private::unqueue(const ActiveRun &run)
{
    queue.erase(keyOf(run));
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
    for (const RunRecord &record : *runs) {
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
    auto job = jobs.find(run.job);
    if (run.dispatched) {
        auto node = nodes.find(run.node);
        if (node != nodes.end()) {
            node->runs.remove(id);
            node->status.running = int(node->runs.size());
        }
        if (job != jobs.end())
            --job->dispatched;
        run.dispatched = false;
        run.node.clear();
    }
    const RunState state = record.run.state();
    const int attempt = record.run.currentAttempt().number;
    const bool canRetry = job != jobs.end() && isRetryable(state) && !run.stopRequested
                          && attempt <= job->record.job.retry.count;
    if (canRetry) {
        const qint64 delay = retryDelayMs(job->record.job.retry, attempt);
        run.retryPending = true;
        run.state = state;
        waitingReasons.insert(id, Tr::tr("retry %1 of %2 in %3 s")
                                          .arg(attempt)
                                          .arg(job->record.job.retry.count)
                                          .arg(delay / 1000.0));
        emit q->runChanged(record);
        if (delay <= 0) {
            startRetry(id);
        } else {
            retryDue.emplace(clock.nowMs() + delay, id);
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
        pendingPipelineRuns.insert(pipelineRunId);
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
    waitingReasons.remove(id);
    enqueue(*it);
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
    while (!pendingPipelineRuns.isEmpty()) {
        const qint64 id = *pendingPipelineRuns.cbegin();
        pendingPipelineRuns.remove(id);
        progressPipeline(id);
    }
    progressing = false;
}

void Engine::Private::progressPipeline(qint64 pipelineRunId)
{
    auto runs = store.runsOfPipelineRun(pipelineRunId);
    if (!runs) {
        qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                  qPrintable(runs.error().toString()));
        return;
    }
    if (runs->isEmpty())
        return;
    const RunRecord &root = runs->first();
    const auto rootJob = jobs.constFind(root.run.jobId());
    if (rootJob == jobs.cend() || rootJob->record.pipeline.isEmpty())
        return;
    const auto pipeline = pipelines.constFind(rootJob->record.pipeline);
    if (pipeline == pipelines.cend())
        return;

    QHash<QString, RunState> states;
    for (const RunRecord &r : std::as_const(*runs)) {
        const auto a = active.constFind(r.run.id());
        // A failed attempt with a retry to come is not the job's final word.
        states.insert(r.run.jobName(),
                      a != active.cend() && a->retryPending ? RunState::Waiting : r.run.state());
    }

    const QStringList skips = Dag::propagateSkips(*pipeline, states);
    for (const QString &name : skips) {
        auto job = jobsByName.constFind(name);
        if (job == jobsByName.cend())
            continue;
        JobEntry &entry = jobs[*job];
        NewRun nr;
        nr.job = entry.record.job.id;
        nr.jobName = name;
        nr.priority = entry.record.job.priority;
        nr.trigger = root.trigger;
        nr.scheduledAt = root.scheduledAt;
        nr.pipelineRunId = pipelineRunId;
        auto created = store.createRun(nr);
        if (!created) {
            qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                      qPrintable(created.error().toString()));
            return;
        }
        auto skipped = store.transition(created->run.id(), 1, RunState::Skipped, clock.now(),
                                        Tr::tr("an upstream task did not end as required"));
        if (!skipped) {
            qCWarning(lcEngine, "pipeline run %lld: %s", pipelineRunId,
                      qPrintable(skipped.error().toString()));
            return;
        }
        states.insert(name, RunState::Skipped);
        qCInfo(lcEngine, "pipeline run %lld: '%s' skipped", pipelineRunId, qPrintable(name));
        emit q->runChanged(*skipped);
    }

    const QStringList ready = Dag::readyJobs(*pipeline, states);
    for (const QString &name : ready) {
        auto job = jobsByName.constFind(name);
        if (job == jobsByName.cend())
            continue;
        auto created = createRun(jobs[*job], root.trigger, root.scheduledAt, pipelineRunId);
        if (!created) {
            qCWarning(lcEngine, "pipeline run %lld: cannot start '%s': %s", pipelineRunId,
                      qPrintable(name), qPrintable(created.error().toString()));
            return;
        }
        qCInfo(lcEngine, "pipeline run %lld: '%s' is ready", pipelineRunId, qPrintable(name));
    }
    if (!skips.isEmpty())
        pendingPipelineRuns.insert(pipelineRunId);  // a skip may make `finished` jobs ready
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
    do {
        dispatchAgain = false;
        if (queue.empty())
            break;
        QList<NodeCandidate> list = candidates();
        int free = 0;
        for (const NodeCandidate &c : std::as_const(list)) {
            if (!c.draining)
                free += std::max(0, c.maxParallel - c.running);
        }
        if (list.isEmpty())
            globalWaitingReason = Tr::tr("no connected node");
        else if (free == 0)
            globalWaitingReason = Tr::tr("every connected node is at max_parallel");
        else
            globalWaitingReason.clear();
        for (auto key = queue.begin(); key != queue.end() && free > 0;) {
            const RunId id(key->second);
            auto run = active.find(id);
            if (run == active.end()) {
                key = queue.erase(key);
                continue;
            }
            auto job = jobs.find(run->job);
            if (job == jobs.end()) {
                ++key;
                waitingReasons.insert(id, Tr::tr("its task was deleted"));
                continue;
            }
            if (job->record.job.concurrency == ConcurrencyPolicy::Forbid && job->dispatched > 0) {
                waitingReasons.insert(id, Tr::tr("another run of the task is still running"));
                ++key;
                continue;
            }
            const DispatchChoice choice = options.dispatch(job->record.job, list, dispatchState);
            if (!choice.index || *choice.index < 0 || *choice.index >= list.size()) {
                waitingReasons.insert(id, choice.reason);
                ++key;
                continue;
            }
            NodeCandidate &target = list[*choice.index];
            auto node = nodes.find(target.name);
            if (node == nodes.end() || !sendDispatch(*run, *job, *node)) {
                waitingReasons.insert(id, Tr::tr("node %1 did not take the run").arg(target.name));
                ++key;
                continue;
            }
            ++target.running;
            --free;
            waitingReasons.remove(id);
            key = queue.erase(key);
        }
    } while (dispatchAgain);
    dispatching = false;
}

bool Engine::Private::sendDispatch(ActiveRun &run, const JobEntry &entry, NodeLive &node)
{
    if (!node.channel || !node.channel->isOpen())
        return false;
    const Job &job = entry.record.job;
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
    if (!post(node.channel, body))
        return false;
    run.dispatched = true;
    run.node = node.status.record.name;
    node.runs.insert(run.id);
    node.status.running = int(node.runs.size());
    ++jobs[run.job].dispatched;
    qCDebug(lcEngine, "run %lld attempt %d of '%s' dispatched to %s", run.id.value(), run.attempt,
            qPrintable(job.name), qPrintable(run.node));
    return true;
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
        auto record = d->createRun(*job, RunTrigger::Manual, d->clock.now(), 0);
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

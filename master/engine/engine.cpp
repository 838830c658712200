#include "engine.h"

#include "engineprivate.h"

#include <config/jobtemplate.h>

#include <config/pipelinefile.h>
#include <master/scheduling/misfire.h>
#include <store/store.h>

#include <QCoreApplication>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

Q_LOGGING_CATEGORY(lcEngine, "orrery.master.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAgents, "orrery.master.agents", QtInfoMsg)

using namespace Internal;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

// The timer is re-armed at least this often, so that a clock that jumps (NTP, suspend) is
// noticed within a minute.
constexpr qint64 kMaxTimerMs = 60 * 1000;

}  // namespace

Engine::Private::Private(Engine *qq, Store &s, const Clock &c, EngineOptions o)
    : q(qq), store(s), clock(c), options(std::move(o))
{
    if (!options.dispatch)
        options.dispatch = makeDispatchFunction(options.dispatchPolicy);
    if (options.reconcileGraceMs <= 0)
        options.reconcileGraceMs = options.heartbeatIntervalMs;
}

Engine::Engine(Store &store, const Clock &clock, EngineOptions options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , d(std::make_unique<Private>(this, store, clock, std::move(options)))
{
    d->fireTimer.setSingleShot(true);
    d->fireTimer.setTimerType(Qt::PreciseTimer);
    connect(&d->fireTimer, &QTimer::timeout, this, &Engine::processDueFires);
    d->livenessTimer.setInterval(
            int(std::clamp<qint64>(d->options.heartbeatIntervalMs, 50, 60000)));
    connect(&d->livenessTimer, &QTimer::timeout, this, &Engine::checkNodes);
}

Engine::~Engine()
{
    d->flush();
    // Sessions' channels belong to the server; stop listening to them.
    for (auto it = d->sessions.begin(); it != d->sessions.end(); ++it) {
        if (it->channel)
            it->channel->disconnect(this);
    }
}

void Engine::Private::beginWork(bool queueFlush)
{
    if (!store.inBatch()) {
        if (auto r = store.beginBatch(); !r) {
            qCWarning(lcEngine, "cannot open a batch, committing each change: %s",
                      qPrintable(r.error().toString()));
            return;
        }
        ownBatch = true;
    }
    if (!ownBatch)
        return;  // a caller's batch: it commits, and sends go out at once
    if (queueFlush && !flushQueued) {
        flushQueued = true;
        QMetaObject::invokeMethod(
                q, [this] { flush(); }, Qt::QueuedConnection);
    }
}

bool Engine::Private::flush()
{
    flushQueued = false;
    if (ownBatch) {
        ownBatch = false;
        if (auto r = store.commitBatch(); !r) {
            qCCritical(lcEngine, "commit failed, %lld message(s) not sent: %s",
                       qint64(outbox.size()), qPrintable(r.error().toString()));
            store.rollbackBatch();
            outbox.clear();
            return false;
        }
    }
    const QList<Outgoing> pending = std::exchange(outbox, {});
    for (const Outgoing &o : pending) {
        if (o.channel)
            o.channel->send(o.envelope);
    }
    return true;
}

bool Engine::Private::post(Net::Channel *channel, Protocol::Envelope envelope)
{
    if (!channel || !channel->isOpen())
        return false;
    if (!ownBatch)
        return channel->send(envelope);
    outbox.append({channel, std::move(envelope)});
    return true;
}

Result<void> Engine::start()
{
    if (d->started)
        return {};
    auto list = m_store.listJobs();
    if (!list)
        return list.error();
    for (const JobRecord &record : *list) {
        auto checked = d->check(record.job, false);
        if (!checked) {
            // A job stored by an older build with a zone this one does not know: keep it
            // visible but unscheduled.
            qCWarning(lcEngine, "job '%s' is not scheduled: %s", qPrintable(record.job.name),
                      qPrintable(checked.error().toString()));
            d->putJob(record, CheckedJob{});
            continue;
        }
        d->putJob(record, *checked);
    }
    auto settings = m_store.listPipelines();
    if (!settings)
        return settings.error();
    for (const Pipeline &p : std::as_const(*settings))
        d->pipelineSettings.insert(p.name, p);
    QSet<QString> pipelineNames;
    for (const JobEntry &e : std::as_const(d->jobs)) {
        if (!e.record.pipeline.isEmpty())
            pipelineNames.insert(e.record.pipeline);
    }
    for (const QString &name : std::as_const(pipelineNames))
        d->rebuildPipeline(name);

    if (auto r = d->loadNodes(); !r)
        return r;
    if (auto r = d->loadUnfinished(); !r)
        return r;
    if (auto r = d->loadBackfills(); !r)
        return r;
    if (auto r = d->fireMissed(); !r)
        return r;
    d->started = true;
    d->armTimer();
    d->livenessTimer.start();
    // One batch: a backfill's next pipeline run and its mark in the backfill are one commit.
    d->beginWork(false);
    d->processPipelines();
    d->dispatchPending();
    d->flush();
    qCInfo(lcEngine, "engine started: %lld jobs, %lld scheduled, %lld active runs",
           qint64(d->jobs.size()), qint64(d->fires.size()), qint64(d->active.size()));
    return {};
}

// ---- jobs ------------------------------------------------------------------------------------

JobCheckOptions Engine::Private::checkOptions(bool requireCommand) const
{
    JobCheckOptions o;
    o.defaultTimeZone = options.defaultTimeZone;
    o.requireCommand = requireCommand;
    o.zones = &zones;
    return o;
}

Result<CheckedJob> Engine::Private::check(const Job &job, bool requireCommand) const
{
    return checkJob(job, checkOptions(requireCommand));
}

void Engine::Private::putJob(const JobRecord &record, const CheckedJob &checked)
{
    JobEntry &entry = jobs[record.job.id];
    if (!entry.record.job.name.isEmpty() && entry.record.job.name != record.job.name)
        jobsByName.remove(entry.record.job.name);
    entry.record = JobDefinition(record);
    entry.checked = checked;
    if (entry.checked.schedule)
        entry.checked.schedule = schedules.share(*entry.checked.schedule);
    ++entry.generation;  // a fire of the old definition waiting for its instant is dropped
    jobsByName.insert(record.job.name, record.job.id);
    if (started || !record.job.schedule.isEmpty())
        scheduleNext(entry, clock.nowMs());
}

void Engine::Private::dropJob(JobId id)
{
    const auto it = jobs.constFind(id);
    if (it == jobs.cend())
        return;
    const QString pipeline = it->record.pipeline;
    jobsByName.remove(it->record.job.name);
    jobs.erase(it);
    fires.remove(id);
    if (!pipeline.isEmpty()) {
        rebuildPipeline(pipeline);
        if (!pipelines.contains(pipeline) && pipelineSettings.remove(pipeline) > 0) {
            if (auto r = store.deletePipeline(pipeline); !r)
                qCWarning(lcEngine, "pipeline '%s': %s", qPrintable(pipeline),
                          qPrintable(r.error().toString()));
        }
    }
    armTimer();
}

void Engine::Private::rebuildPipeline(const QString &name)
{
    Pipeline p = pipelineSettings.value(name);
    p.name = name;
    p.jobs.clear();
    for (const JobEntry &e : std::as_const(jobs)) {
        if (e.record.pipeline == name)
            p.jobs.append(e.record.toJob());
    }
    pipelineChanged(name);
    if (p.jobs.isEmpty()) {
        pipelines.remove(name);
        return;
    }
    std::sort(p.jobs.begin(), p.jobs.end(), [](const Job &a, const Job &b) { return a.id < b.id; });
    // Locks are shared by every pipeline: the capacity a pipeline file gives a key holds for
    // all its holders (the file applied last wins).
    for (auto it = p.lockCapacities.cbegin(); it != p.lockCapacities.cend(); ++it)
        locks.setCapacity(it.key(), it.value());
    if (!p.lockCapacities.isEmpty())
        locks.grant();
    pipelines.insert(name, p);
}

void Engine::Private::scheduleNext(JobEntry &entry, qint64 afterMs)
{
    const JobId id = entry.record.job.id;
    if (!entry.record.job.enabled || !entry.checked.schedule) {
        fires.remove(id);
        return;
    }
    // A fire already pre-dispatched is not scheduled again.
    afterMs = std::max(afterMs, entry.predispatchedFireMs);
    // afterMs is inside a second: the next fire is strictly after that second.
    const auto next = entry.checked.schedule->nextSecs(afterMs / 1000);
    if (next)
        fires.schedule(id, *next * 1000);
    else
        fires.remove(id);
}

void Engine::Private::armTimer()
{
    std::optional<qint64> due = fires.nextFireMs();
    if (due && options.predispatch.leadMs > 0)
        *due -= options.predispatch.leadMs;
    if (!instantFires.empty())
        due = due ? std::min(*due, instantFires.begin()->first) : instantFires.begin()->first;
    if (!retryDue.empty())
        due = due ? std::min(*due, retryDue.begin()->first) : retryDue.begin()->first;
    if (!gateDue.empty())
        due = due ? std::min(*due, gateDue.begin()->first) : gateDue.begin()->first;
    if (!instantDue.empty())
        due = due ? std::min(*due, instantDue.begin()->first) : instantDue.begin()->first;
    if (!due) {
        fireTimer.stop();
        return;
    }
    const qint64 delay = std::clamp<qint64>(*due - clock.nowMs(), 0, kMaxTimerMs);
    fireTimer.start(int(delay));
}

void Engine::processDueFires()
{
    d->beginWork(false);
    const qint64 now = d->clock.nowMs();
    // With pre-dispatch, the fires of the next `lead` ms are taken now.
    const auto due = d->fires.takeDue(now + std::max<qint64>(d->options.predispatch.leadMs, 0));
    for (const auto &[job, fireMs] : due) {
        if (fireMs <= now)
            d->fire(job, fireMs);
        else
            d->fireEarly(job, fireMs);
        const auto it = d->jobs.find(job);
        if (it != d->jobs.end() && !d->fires.contains(job))
            d->scheduleNext(*it, std::max(fireMs, now - 999));
    }
    d->processInstantFires(now);
    QList<RunId> retries;
    while (!d->retryDue.empty() && d->retryDue.begin()->first <= now) {
        retries.append(d->retryDue.begin()->second);
        d->retryDue.erase(d->retryDue.begin());
    }
    for (RunId id : std::as_const(retries))
        d->startRetry(id);
    d->processGates();
    // Runs no node could hold until their instant: dispatchPending() below sends them now.
    while (!d->instantDue.empty() && d->instantDue.begin()->first <= now)
        d->instantDue.erase(d->instantDue.begin());
    d->armTimer();
    d->processPipelines();
    d->dispatchPending();
    d->flush();
}

void Engine::Private::fire(JobId jobId, qint64 fireMs)
{
    auto it = jobs.find(jobId);
    if (it == jobs.end())
        return;
    JobEntry &entry = *it;
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(fireMs, QTimeZone::utc());
    if (auto r = store.recordFire(jobId, at); !r)
        qCWarning(lcEngine, "job '%s': cannot record the fire: %s",
                  qPrintable(entry.record.job.name), qPrintable(r.error().toString()));
    if (entry.active > 0) {
        switch (entry.record.job.concurrency) {
        case ConcurrencyPolicy::Forbid:
            qCInfo(lcEngine, "job '%s': fire at %s skipped, %d run(s) still active (forbid)",
                   qPrintable(entry.record.job.name), qPrintable(at.toString(Qt::ISODateWithMs)),
                   entry.active);
            return;
        case ConcurrencyPolicy::Replace: {
            QList<RunId> ids;
            for (const ActiveRun &run : std::as_const(active)) {
                if (run.job == jobId)
                    ids.append(run.id);
            }
            for (RunId id : std::as_const(ids)) {
                auto r = cancelOrStop(
                        id, Tr::tr("replaced by the fire at %1").arg(at.toString(Qt::ISODate)));
                if (!r)
                    qCWarning(lcEngine, "run %lld: %s", id.value(),
                              qPrintable(r.error().toString()));
            }
            break;
        }
        case ConcurrencyPolicy::Allow:
            break;
        }
    }
    auto run = createRun(entry, RunTrigger::Schedule, at, 0);
    if (!run)
        qCWarning(lcEngine, "job '%s': cannot create the run for %s: %s",
                  qPrintable(entry.record.job.name), qPrintable(at.toString(Qt::ISODate)),
                  qPrintable(run.error().toString()));
}

void Engine::Private::fireEarly(JobId jobId, qint64 fireMs)
{
    auto it = jobs.find(jobId);
    if (it == jobs.end())
        return;
    const PredispatchVeto veto = predispatchVeto(it->record.toJob(), !it->record.pipeline.isEmpty(),
                                                 it->active, options.predispatch);
    if (veto != PredispatchVeto::None) {
        instantFires.emplace(fireMs, InstantFire{jobId, it->generation});
        return;
    }
    // The run is created now, scheduled at fireMs: track() gives it fireMs as its start time,
    // and dispatchPending() sends it with that start_at to the node it picks.
    it->predispatchedFireMs = fireMs;
    fire(jobId, fireMs);
}

void Engine::Private::processInstantFires(qint64 nowMs)
{
    QList<std::pair<qint64, InstantFire>> due;
    while (!instantFires.empty() && instantFires.begin()->first <= nowMs) {
        due.append({instantFires.begin()->first, instantFires.begin()->second});
        instantFires.erase(instantFires.begin());
    }
    for (const auto &[fireMs, pending] : std::as_const(due)) {
        const auto it = jobs.constFind(pending.job);
        // A job changed since (putJob) has its fires scheduled again from its new definition.
        if (it != jobs.cend() && it->generation == pending.generation)
            fire(pending.job, fireMs);
    }
}

void Engine::Private::cancelHeldRuns(JobId jobId, const QString &reason)
{
    const qint64 now = clock.nowMs();
    QList<RunId> held;
    for (const ActiveRun &run : std::as_const(active)) {
        if (run.job == jobId && run.state == RunState::Waiting && run.startAtMs > now)
            held.append(run.id);
    }
    std::sort(held.begin(), held.end());
    for (RunId id : std::as_const(held)) {
        // Still queued: cancelled here; on its node: run.stop, and the agent reports it
        // cancelled without starting it (its slot is free again).
        if (auto r = cancelOrStop(id, reason); !r)
            qCWarning(lcEngine, "run %lld: %s", id.value(), qPrintable(r.error().toString()));
    }
    if (!held.isEmpty()) {
        processPipelines();
        dispatchPending();
    }
}

Result<void> Engine::Private::fireMissed()
{
    auto stored = store.lastFires();
    if (!stored)
        return stored.error();
    const QDateTime now = clock.now();
    for (auto it = jobs.begin(); it != jobs.end(); ++it) {
        JobEntry &entry = *it;
        if (!entry.record.job.enabled || !entry.checked.schedule)
            continue;
        // The last fire, or when the job got its current definition if it fired since.
        QDateTime since = entry.record.updatedAt();
        const QDateTime last = stored->value(entry.record.job.id);
        // A fire recorded ahead of now was pre-dispatched before the restart: its run exists.
        if (last.isValid() && last > now)
            entry.predispatchedFireMs = last.toMSecsSinceEpoch();
        if (last.isValid() && last > since)
            since = last;
        const QList<QDateTime> missed
                = missedFires(*entry.checked.schedule, entry.checked.zone, since, now,
                              entry.record.job.misfire, entry.record.job.misfireLimit);
        if (!missed.isEmpty())
            qCInfo(lcEngine, "job '%s': %lld fire(s) missed since %s, policy %s",
                   qPrintable(entry.record.job.name), qint64(missed.size()),
                   qPrintable(since.toString(Qt::ISODate)),
                   qPrintable(misfirePolicyName(entry.record.job.misfire)));
        for (const QDateTime &at : missed) {
            if (auto r = store.recordFire(entry.record.job.id, at); !r)
                return r;
            auto run = createRun(entry, RunTrigger::Schedule, at, 0);
            if (!run)
                return run.error();
        }
        scheduleNext(entry, now.toMSecsSinceEpoch());
    }
    return {};
}

void Engine::Private::audit(const Actor &actor, const QString &action, const QString &target,
                            const QString &detail)
{
    AuditEntry e;
    e.actor = actor.name;
    e.action = action;
    e.target = target;
    e.detail = detail;
    e.source = actor.source;
    if (auto r = store.appendAudit(e); !r)
        qCWarning(lcEngine, "audit entry %s %s not written: %s", qPrintable(action),
                  qPrintable(target), qPrintable(r.error().toString()));
}

Result<JobRecord> Engine::createJob(const Job &job, const Actor &actor)
{
    d->flush();
    auto checked = d->check(job, true);
    if (!checked)
        return checked.error();
    auto record = m_store.createJob(job);
    if (!record)
        return record.error();
    d->putJob(*record, *checked);
    d->armTimer();
    d->audit(actor, u"task.create"_s, record->job.name,
             u"id=%1 schedule=%2"_s.arg(record->job.id.toString(), record->job.schedule));
    emit jobChanged(record->job.id);
    return record;
}

Result<JobRecord> Engine::updateJob(const Job &job, const Actor &actor)
{
    d->flush();
    const auto it = d->jobs.constFind(job.id);
    if (it == d->jobs.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no task with id %1").arg(job.id.value()));
    const QString pipeline = it->record.pipeline;
    auto checked = d->check(job, pipeline.isEmpty());
    if (!checked)
        return checked.error();
    auto record = m_store.updateJob(job, pipeline);
    if (!record)
        return record.error();
    d->putJob(*record, *checked);
    if (!pipeline.isEmpty())
        d->rebuildPipeline(pipeline);
    d->armTimer();
    d->audit(actor, u"task.update"_s, record->job.name, u"id=%1"_s.arg(job.id.toString()));
    if (!record->job.enabled)
        d->cancelHeldRuns(job.id, Tr::tr("the task was disabled"));
    emit jobChanged(record->job.id);
    return record;
}

Result<void> Engine::deleteJob(JobId id, const Actor &actor)
{
    d->flush();
    const auto it = d->jobs.constFind(id);
    if (it == d->jobs.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no task with id %1").arg(id.value()));
    const QString name = it->record.job.name;
    auto stopped = stopJob(id, actor);
    if (!stopped)
        return stopped.error();
    if (auto r = m_store.deleteJob(id); !r)
        return r;
    d->dropJob(id);
    d->audit(actor, u"task.delete"_s, name, u"id=%1"_s.arg(id.toString()));
    emit jobRemoved(id);
    return {};
}

Result<QList<JobRecord>> Engine::applyYaml(const QByteArray &yaml, const QString &fileName,
                                           const Actor &actor)
{
    d->flush();
    auto parsed = Config::parsePipeline(yaml, fileName);
    if (!parsed)
        return parsed.error();
    Pipeline pipeline = *parsed;
    if (pipeline.name.isEmpty())
        return makeError(ErrorCode::MissingField, Tr::tr("the pipeline has no name"))
                .at(fileName, 0, 0);

    // Check every job before changing anything.
    QList<std::pair<Job, CheckedJob>> checked;
    for (Job job : std::as_const(pipeline.jobs)) {
        if (job.timeZone.isEmpty())
            job.timeZone = pipeline.timeZone;
        if (job.schedule.isEmpty() && job.dependencies.isEmpty())
            job.schedule = pipeline.schedule;
        auto c = d->check(job, false);
        if (!c) {
            Error e = c.error();
            e.message = e.file + u": "_s + e.message;
            return e.at(fileName, job.location.line, job.location.column);
        }
        const auto existing = d->jobsByName.constFind(job.name);
        if (existing != d->jobsByName.cend()) {
            const JobEntry &entry = d->jobs[*existing];
            if (entry.record.pipeline != pipeline.name) {
                Error e = makeError(
                        ErrorCode::Conflict,
                        entry.record.pipeline.isEmpty()
                                ? Tr::tr("a task named '%1' exists outside this pipeline")
                                          .arg(job.name)
                                : Tr::tr("a task named '%1' belongs to pipeline '%2'")
                                          .arg(job.name, entry.record.pipeline));
                return e.at(fileName, job.location.line, job.location.column);
            }
            job.id = entry.record.job.id;
        } else {
            job.id = JobId();
        }
        checked.append({job, *c});
    }

    QSet<QString> inFile;
    for (const auto &pair : std::as_const(checked))
        inFile.insert(pair.first.name);
    QList<JobId> removed;
    for (const JobEntry &e : std::as_const(d->jobs)) {
        if (e.record.pipeline == pipeline.name && !inFile.contains(e.record.job.name))
            removed.append(e.record.job.id);
    }
    for (JobId id : std::as_const(removed)) {
        if (auto r = deleteJob(id, actor); !r)
            return r.error();
    }

    Pipeline settings = pipeline;
    settings.jobs.clear();
    if (auto r = m_store.putPipeline(settings); !r)
        return r.error();
    d->pipelineSettings.insert(settings.name, settings);

    QList<JobRecord> out;
    for (const auto &[job, c] : std::as_const(checked)) {
        const bool exists = job.id.isValid();
        auto record = exists ? m_store.updateJob(job, pipeline.name)
                             : m_store.createJob(job, pipeline.name);
        if (!record)
            return record.error();
        d->putJob(*record, c);
        out.append(*record);
    }
    d->rebuildPipeline(pipeline.name);
    d->armTimer();
    d->audit(actor, u"pipeline.apply"_s, pipeline.name,
             u"file=%1 tasks=%2 removed=%3"_s.arg(fileName).arg(out.size()).arg(removed.size()));
    for (const JobRecord &r : std::as_const(out))
        emit jobChanged(r.job.id);
    return out;
}

Result<JobRecord> Engine::applyTemplate(const QByteArray &yaml, const QString &fileName,
                                       const QMap<QString, QString> &values, const Actor &actor)
{
    d->flush();
    auto parsed = Config::parseTemplate(yaml, fileName);
    if (!parsed)
        return parsed.error();
    auto rendered = Config::renderTemplate(*parsed, values);
    if (!rendered)
        return rendered.error();
    Job job = *rendered;
    const auto existing = d->jobsByName.constFind(job.name);
    if (existing == d->jobsByName.cend()) {
        job.id = JobId();
        return createJob(job, actor);
    }
    const JobEntry &entry = d->jobs[*existing];
    if (!entry.record.pipeline.isEmpty()) {
        return makeError(ErrorCode::Conflict, Tr::tr("a task named '%1' belongs to pipeline '%2'")
                                                      .arg(job.name, entry.record.pipeline))
                .at(fileName, 0, 0);
    }
    job.id = entry.record.job.id;
    return updateJob(job, actor);
}

Result<JobRecord> Engine::findJob(const QString &idOrName)
{
    const JobId id = JobId::fromString(idOrName);
    auto it = id.isValid() ? d->jobs.constFind(id) : d->jobs.cend();
    if (it == d->jobs.cend()) {
        const auto byName = d->jobsByName.constFind(idOrName);
        if (byName != d->jobsByName.cend())
            it = d->jobs.constFind(*byName);
    }
    if (it == d->jobs.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no task '%1'").arg(idOrName));
    return it->record.toRecord();
}

Result<JobStatus> Engine::jobStatus(JobId id)
{
    const auto it = d->jobs.constFind(id);
    if (it == d->jobs.cend())
        return makeError(ErrorCode::NotFound, Tr::tr("no task with id %1").arg(id.value()));
    JobStatus status;
    status.record = it->record.toRecord();
    status.nextFire = nextFireTime(id);
    status.active = it->active;
    auto runs = m_store.listRunsByJob(id, 1);
    if (!runs)
        return runs.error();
    if (!runs->isEmpty())
        status.lastRun = runs->first();
    return status;
}

std::optional<QDateTime> Engine::nextFireTime(JobId id) const
{
    const auto ms = d->fires.fireTimeOf(id);
    if (!ms)
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(*ms, QTimeZone::utc());
}

}  // namespace Orrery::Master

#pragma once

#include <master/scheduling/autoscale.h>
#include <master/scheduling/dispatch.h>
#include <master/scheduling/predispatch.h>
#include <master/scheduling/runqueue.h>
#include <model/clock.h>
#include <model/job.h>
#include <model/pipeline.h>
#include <model/result.h>
#include <protocol/messages.h>
#include <store/records.h>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>

#include <memory>
#include <optional>

namespace Orrery {
class Store;
namespace Net {
class Channel;
}
}  // namespace Orrery

namespace Orrery::Master {

// Who asks for a change: written to the audit log with every mutation.
struct Actor
{
    QString name;    // token name, "agent:<node>", "system"
    QString source;  // remote address, "" for the master itself
};

struct EngineOptions
{
    QString defaultTimeZone = QStringLiteral("UTC");
    qint64 heartbeatIntervalMs = 10000;
    int missedHeartbeats = 3;  // then offline, its runs lost
    qint64 killGraceMs = 5000;
    qint64 outputLimitBytes = 10 * 1024 * 1024;
    // The node for a run: empty = dispatch() with dispatchPolicy (the job's strategy, or the
    // policy's default strategy for `default`, with the resource-aware thresholds).
    DispatchFunction dispatch;
    DispatchPolicy dispatchPolicy;
    // Order of the waiting runs (priority, ageing), the P3 gate and the global limit.
    QueuePolicy queuePolicy;
    // Auto-scale: on every liveness tick the fleet is fed to an Autoscaler with this policy;
    // a decision runs `autoscaleHook` (through /bin/sh -c, the decision as JSON on stdin) and
    // a scale-in drains the node it names. Empty hook = no auto-scaling.
    QString autoscaleHook;
    AutoscalePolicy autoscalePolicy;
    // Mutual TLS for agents: when not empty, an agent must present a certificate signed by
    // one of these CAs (Net::verifyClientCertificate) whose common name is its node name, at
    // enrolment and at every hello. Clients with API tokens need none.
    QList<QSslCertificate> agentCertificateCa;
    // After a hello that announces spooled results, how long the master waits for them before
    // the node's runs the agent did not list become `lost`. 0 = heartbeatIntervalMs.
    qint64 reconcileGraceMs = 0;
    // Pre-dispatch (predispatch.h): lead > 0 creates and sends the run of a cron fire that
    // long before its instant, with the instant as the agent's start time.
    PredispatchPolicy predispatch;
};

// A node as the engine sees it now: the stored record plus the live connection.
struct NodeStatus
{
    NodeRecord record;
    bool connected = false;
    QString agentVersion;
    int maxParallel = 0;
    int running = 0;  // runs the master has dispatched there and not seen end
    std::optional<Protocol::HeartbeatBody> lastHeartbeat;
    QDateTime lastHeartbeatAt;
    qint64 clockSkewMs = 0;  // agent clock - master clock at the last heartbeat
    QString peer;            // address:port of the connection
    // Draining (record.state) and no run left on it: the node can be taken away.
    bool drained = false;
};

// A pipeline run: the runs of one pass over a pipeline's jobs, named after its first run.
struct PipelineRunStatus
{
    qint64 id = 0;
    QString pipeline;
    RunTrigger trigger = RunTrigger::Schedule;
    QDateTime scheduledAt;
    QDateTime createdAt;
    // The job a manual run of a job that is not a root started it from: the run holds that
    // job and its downstream jobs only (Dag::downstreamPart). Empty = the whole pipeline.
    QString startJob;
    PipelineRunState state = PipelineRunState::Running;
    QList<RunRecord> runs;  // one per job that has started or been skipped so far, oldest first
    QHash<RunId, QString> waitingReasons;  // Engine::waitingReason() of its waiting runs
};

// A pipeline as the engine holds it, for listings.
struct PipelineStatus
{
    Pipeline pipeline;  // jobs in id order
    std::optional<PipelineRunStatus> lastRun;
};

// Summary of a job for the REST status call and listings.
struct JobStatus
{
    JobRecord record;
    std::optional<QDateTime> nextFire;  // empty: no schedule, disabled or never fires
    std::optional<RunRecord> lastRun;   // newest run
    int active = 0;                     // runs waiting or running
};

// The master's brain: owns the fire queue, the agent connections and every run's way from
// `waiting` to its end. Every state change is committed to the Store before anything that
// depends on it is sent (an `ack` to an agent, an answer to a client).
//
// Single-threaded: lives in the main thread's event loop with the Store it was given.
class Engine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Engine)

public:
    Engine(Store &store, const Clock &clock, EngineOptions options, QObject *parent = nullptr);
    ~Engine() override;

    // Loads jobs, fires what was missed while down (misfire policy), marks runs that were
    // waiting for dispatch again, and arms the fire timer. Runs that were `running` stay so
    // until their agent reconnects (hello lists them) or the heartbeat deadline passes.
    Result<void> start();

    Store &store() const { return m_store; }

    // ---- jobs --------------------------------------------------------------------------
    // Validates (name, command, cron schedule, time zone); InvalidValue with file = field
    // name ("schedule"), Conflict when the name is taken. Schedules the job.
    Result<JobRecord> createJob(const Job &job, const Actor &actor);
    Result<JobRecord> updateJob(const Job &job, const Actor &actor);
    // Stops the job's active runs first.
    Result<void> deleteJob(JobId id, const Actor &actor);
    // A pipeline or template-free YAML file (core/config): creates or updates each job of the
    // pipeline (pipeline = its name); jobs of the pipeline no longer in the file are deleted.
    Result<QList<JobRecord>> applyYaml(const QByteArray &yaml, const QString &fileName,
                                       const Actor &actor);
    // A job template file (core/config) rendered with `values` (its parameters' defaults fill
    // the rest): creates the job, or updates the job of that name if it is not part of a
    // pipeline. Template and render errors are located in the file.
    Result<JobRecord> applyTemplate(const QByteArray &yaml, const QString &fileName,
                                    const QMap<QString, QString> &values, const Actor &actor);
    // Accepts an id (digits) or a name.
    Result<JobRecord> findJob(const QString &idOrName);
    Result<JobStatus> jobStatus(JobId id);
    std::optional<QDateTime> nextFireTime(JobId id) const;

    // ---- runs --------------------------------------------------------------------------
    // A manual run now (trigger Manual), whatever the schedule.
    Result<RunRecord> runJob(JobId id, const Actor &actor);
    // Manual runs of several jobs (a job may be listed more than once) created and audited in
    // one transaction: one disk flush for all of them, answered once it is durable. Every id
    // is checked first (NotFound: nothing is created); a later store error returns it, and
    // the runs created before it stay.
    Result<QList<RunRecord>> runJobs(const QList<JobId> &ids, const Actor &actor);
    // Cancels the job's waiting runs and stops its running ones (run.stop to the agent; the
    // run ends `cancelled` when the agent reports). Returns the runs it acted on.
    Result<QList<RunRecord>> stopJob(JobId id, const Actor &actor);
    Result<RunRecord> stopRun(RunId id, const Actor &actor);
    // Why a waiting run has not been placed on a node ("no connected node", "all 2 matching
    // nodes are at max_parallel", "retry in 30 s"); empty for a run that is not waiting.
    QString waitingReason(RunId id) const;
    // Runs the engine holds in memory: waiting (queued or dispatched) and running.
    int activeRunCount() const;

    // ---- pipelines ---------------------------------------------------------------------
    // Every pipeline, by name, with its newest pipeline run.
    Result<QList<PipelineStatus>> pipelines();
    // NotFound when no job belongs to a pipeline of that name.
    Result<Pipeline> pipeline(const QString &name) const;
    // A manual pipeline run now: its first root job (topological order) starts it, the other
    // jobs follow as their dependencies allow. Audited as pipeline.run.
    // `parameters` override the pipeline's defaults for this run (UnknownParameter for a name
    // the pipeline does not declare); they are stored with the pipeline run.
    Result<PipelineRunStatus> runPipeline(const QString &name, const Actor &actor,
                                          const QMap<QString, QString> &parameters = {});
    // Newest first, at most `limit`.
    Result<QList<PipelineRunStatus>> pipelineRuns(const QString &name, int limit);
    // NotFound for an id that names no pipeline run.
    Result<PipelineRunStatus> pipelineRun(qint64 id);
    // Re-runs an ended pipeline run that did not succeed from its failed jobs only: the runs
    // that failed, timed out, were lost or cancelled, and those skipped behind them, get a new
    // attempt; jobs that succeeded keep their result. The new attempts start as their upstream
    // jobs allow (and may be skipped again). Conflict while it is still running or when it
    // succeeded. Audited as pipeline.rerun.
    Result<PipelineRunStatus> rerunPipelineRun(qint64 id, const Actor &actor);
    // Backfill: one pipeline run (trigger backfill, scheduled at the fire time) for every fire
    // of the pipeline's schedule (its first root job's) in [from, to], oldest first, at most
    // `concurrency` of them running at once (1 = serial). At most 1000 fires (InvalidValue
    // beyond, and for a pipeline without a schedule or from > to). The first ones start now;
    // the others wait in memory (a restart forgets those not started yet). Audited as
    // pipeline.backfill. Returns the fire times.
    Result<QList<QDateTime>> backfill(const QString &name, const QDateTime &from,
                                      const QDateTime &to, int concurrency, const Actor &actor);

    // ---- time ----------------------------------------------------------------------------
    // Fires every job (and starts every delayed retry) due at the clock's now, then re-arms
    // the one timer. The timer calls it; tests that move a ManualClock call it directly.
    void processDueFires();
    // Marks offline the nodes whose heartbeats stopped (missedHeartbeats intervals) or whose
    // connection closed and did not come back in that time; their runs become `lost`. Called
    // by a timer every heartbeat interval; tests call it after moving the clock.
    void checkNodes();

    // ---- nodes -------------------------------------------------------------------------
    QList<NodeStatus> nodes() const;
    // Drain: the node gets no new runs; its running runs finish; then it shows `drained`.
    // Persisted (the state survives restarts and reconnections). NotFound for an unknown node,
    // Conflict for a revoked one. Audited as node.drain / node.enable.
    Result<NodeStatus> drainNode(const QString &name, const Actor &actor);
    // Ends a drain: the node takes runs again (online when connected, else offline).
    Result<NodeStatus> enableNode(const QString &name, const Actor &actor);

    // ---- connections -------------------------------------------------------------------
    // A channel from the WssServer: the engine serves it (enrol/hello/heartbeat/run.*)
    // until it closes.
    void attachAgent(Net::Channel *channel);

signals:
    // After the change is committed.
    void runChanged(const Orrery::RunRecord &run);
    void outputAppended(Orrery::RunId run, const Orrery::OutputChunk &chunk);
    void nodeChanged(const QString &nodeName);
    void jobChanged(Orrery::JobId job);
    void jobRemoved(Orrery::JobId job);
    // An auto-scale trigger fired (acted on, or held by the cooldown), after it was logged
    // and audited.
    void autoscaleDecided(const Orrery::Master::AutoscaleDecision &decision);

private:
    struct Private;
    Store &m_store;
    std::unique_ptr<Private> d;
};

}  // namespace Orrery::Master

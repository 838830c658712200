#pragma once

// Internal to the engine: the state Engine::Private holds, shared by engine.cpp (jobs and
// fires), runs.cpp (run lifecycle, dispatch, pipeline runs) and agents.cpp (connections).

#include "engine.h"
#include "jobdefinition.h"
#include "jobvalidation.h"

#include <dag/condition.h>
#include <dag/dag.h>
#include <master/scheduling/autoscale.h>
#include <master/scheduling/firequeue.h>
#include <master/scheduling/locks.h>
#include <master/scheduling/preemption.h>
#include <master/scheduling/runqueue.h>
#include <model/pipeline.h>
#include <net/channel.h>

#include <QHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <map>
#include <memory>
#include <set>
#include <utility>

namespace Orrery::Master {

Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcAgents)

namespace Internal {

// A job as the engine schedules it.
struct JobEntry
{
    JobDefinition record;
    CheckedJob checked;
    int active = 0;      // runs waiting or running
    int dispatched = 0;  // runs sent to a node and not ended
    // Bumped by every change of the definition: a fire taken early and waiting for its
    // instant (instantFires) is dropped when the job changed meanwhile.
    quint64 generation = 0;
    // The latest fire whose run was pre-dispatched: the next fire is scheduled after it.
    qint64 predispatchedFireMs = 0;
};

// A run that has not ended, as the engine follows it.
struct ActiveRun
{
    RunId id;
    JobId job;
    QString jobName;
    Priority priority = Priority::P2;
    int attempt = 1;
    RunState state = RunState::Waiting;  // the store's state: waiting or running
    QString node;                        // set once dispatched
    bool dispatched = false;
    bool retryPending = false;  // its attempt failed; the retry is waiting for its delay
    bool stopRequested = false;
    qint64 queuedMs = 0;      // when it entered the queue (ageing, lock order); kept on requeue
    qint64 dispatchedMs = 0;  // when it was sent to its node
    RunId preemptedBy;        // set while it is being stopped to make room for that P0 run
    RunId preempting;         // a P0 run: the run stopped to make room for it
    int preemptions = 0;      // attempts that ended by preemption (not counted as retries)
    QString avoidNode;        // its last attempt was lost there: another node if one qualifies
    bool gated = false;       // held out of the queue by its time dependency (gateDue)
    // A run of a pipeline run whose upstream jobs have not ended as it needs (a re-run, or
    // after a restart): kept out of the queue until its pipeline run makes it ready or skips it.
    bool held = false;
    // Broadcast: the node this run of a broadcast job belongs to (one run per matching node;
    // the first run picks its node by dispatch and creates the others pinned to theirs).
    QString pinnedNode;
    bool broadcastDone = false;
    qint64 pipelineRunId = 0;
    RunTrigger trigger = RunTrigger::Schedule;
    QDateTime scheduledAt;
    // A scheduled run created before its instant (pre-dispatch, or a restart in between): the
    // instant (master clock) its child starts at; 0 = at once.
    qint64 startAtMs = 0;
    int redispatches = 0;  // held runs sent again after their node vanished (not retries)
};

// A pipeline run that has not ended, as the engine follows it: the state of each of its runs
// by job. Built from the store when the pipeline run starts, after a restart or a re-run
// (Engine::Private::livePipelineRun), updated as its runs are created and end
// (notePipelineRun), dropped when every run has ended (progressPipeline).
struct PipelineRunLive
{
    qint64 id = 0;
    QString pipeline;
    RunTrigger trigger = RunTrigger::Schedule;  // the first run's, given to every run
    QDateTime scheduledAt;
    // Started from this job (not a root): only it and its downstream jobs take part
    // (Store::pipelineRunStartJob). Empty = the whole pipeline.
    QString startJob;
    QHash<QString, QList<std::pair<RunId, RunState>>> runs;  // by job, oldest first
    // What the pipeline's DAG sees (Dag::advance): each started job's state, the runs of a
    // broadcast job taken together. A job whose run waits for its upstream jobs has none.
    QHash<QString, RunState> states;
    QHash<QString, RunId> held;  // job -> its run waiting for its upstream jobs
    QStringList ended;           // jobs that reached a final state since the last pass
    int unfinished = 0;          // runs not in a final state
    bool full = true;            // the next pass looks at every job (new, rebuilt, redefined)
    // What ended jobs leave to the conditions of their downstream jobs, by job.
    QHash<QString, Dag::UpstreamResult> upstream;
};

// A node as the engine sees it, connected or not.
struct NodeLive
{
    NodeStatus status;
    QPointer<Net::Channel> channel;
    QDateTime lastSeen;         // the last message (clock time)
    QDateTime disconnectedAt;   // invalid while connected
    QSet<RunId> runs;           // active runs dispatched there
    bool runsChecks = false;    // its hello listed the "check" capability (Job::check)
    bool holdsRuns = false;     // its hello listed "start_at": it may be sent runs early
    QList<qint64> skewSamples;  // heartbeat clock_ms - master clock, newest last (predispatch.h)
};

// One agent connection until it closes.
struct Session
{
    QPointer<Net::Channel> channel;
    QString node;  // set after a successful hello
    bool authenticated = false;
    // hello reconciliation: the runs the master had on the node that the agent did not list;
    // lost unless their spooled results arrive before `reconcileDeadline`.
    QSet<RunId> unconfirmed;
    qint64 spooledLeft = 0;
    QTimer *graceTimer = nullptr;
};

}  // namespace Internal

struct Engine::Private
{
    Private(Engine *qq, Store &s, const Clock &c, EngineOptions o);

    Engine *q;
    Store &store;
    const Clock &clock;
    EngineOptions options;
    bool started = false;

    // jobs (engine.cpp)
    QHash<JobId, Internal::JobEntry> jobs;
    QHash<QString, JobId> jobsByName;
    QHash<QString, Pipeline> pipelines;  // by name, built from the jobs
    // A pipeline file's own fields (parameters, lock capacities...), by name, without jobs.
    QHash<QString, Pipeline> pipelineSettings;
    FireQueue fires;
    std::multimap<qint64, RunId> retryDue;  // ms -> run whose retry waits for its delay
    std::multimap<qint64, RunId> gateDue;   // ms -> run waiting for its time dependency
    // Runs made before their instant that no node could hold (none lists "start_at" and has
    // room): dispatched again at their instant.
    std::set<std::pair<qint64, RunId>> instantDue;
    // Fires taken from the queue a pre-dispatch lead early that are not pre-dispatched
    // (predispatchVeto): fired at their instant, unless the job changed meanwhile.
    struct InstantFire
    {
        JobId job;
        quint64 generation = 0;
    };
    std::multimap<qint64, InstantFire> instantFires;
    QTimer fireTimer;

    // Every job's time zone, shared by the jobs of one zone (check() fills it).
    mutable ZoneCache zones;
    // Every job's parsed schedule, shared by the jobs of one schedule and zone (putJob).
    ScheduleCache schedules;
    JobCheckOptions checkOptions(bool requireCommand) const;
    Result<CheckedJob> check(const Job &job, bool requireCommand) const;
    void putJob(const JobRecord &record, const CheckedJob &checked);
    void dropJob(JobId id);
    void rebuildPipeline(const QString &name);
    void scheduleNext(Internal::JobEntry &entry, qint64 afterMs);
    void armTimer();
    void fire(JobId job, qint64 fireMs);
    // A fire taken `lead` early: pre-dispatched (its run created now, started at fireMs) or
    // kept in instantFires until fireMs.
    void fireEarly(JobId job, qint64 fireMs);
    void processInstantFires(qint64 nowMs);
    // Cancels the job's pre-dispatched runs whose instant has not come (disable).
    void cancelHeldRuns(JobId job, const QString &reason);
    void audit(const Actor &actor, const QString &action, const QString &target,
               const QString &detail = {});
    Result<void> fireMissed();

    // runs (runs.cpp)
    QHash<RunId, Internal::ActiveRun> active;
    RunQueue queue;
    LockTable locks;
    QHash<RunId, QString> waitingReasons;
    QString globalWaitingReason;
    DispatchState dispatchState;
    QSet<qint64> pendingPipelineRuns;
    bool progressing = false;
    bool dispatching = false;
    bool dispatchAgain = false;

    // `id`: the run's id when it must be known before (invalid = a new one).
    Result<RunRecord> createRun(Internal::JobEntry &entry, RunTrigger trigger,
                                const QDateTime &scheduledAt, qint64 pipelineRunId,
                                RunId id = RunId());
    void track(const RunRecord &record);
    void enqueue(const Internal::ActiveRun &run);
    // Time dependencies (Cron::timeGate): Ready -> enqueue(); Wait -> out of the queue until
    // the gate's time (gateDue, the fire timer); Skip -> skipped at the next timer tick.
    void queueOrGate(Internal::ActiveRun &run);
    void processGates();
    // Takes a tracked waiting run out of the queue (and gives back its locks) until its
    // pipeline run releases it.
    void hold(Internal::ActiveRun &run);
    // Ends a waiting run as skipped (reason recorded) and moves its pipeline on.
    void skipRun(RunId id, const QString &reason);
    // The values of a pipeline run's parameters: the pipeline's defaults and those the run
    // was started with.
    QMap<QString, QString> runParameters(qint64 pipelineRunId);
    QHash<qint64, QMap<QString, QString>> parameterCache;
    // The pipeline runs that have not ended (std::map: references stay valid while runs are
    // created during a pass).
    std::map<qint64, Internal::PipelineRunLive> pipelineRuns;
    // Each pipeline's dependency index, and that of the part run from a start job (key
    // "pipeline\njob"), built when first needed, dropped when the pipeline changes.
    QHash<QString, std::shared_ptr<const Dag::DependencyIndex>> dependencyIndexes;
    // The live state of a pipeline run, built from the store when the engine has none (nullptr
    // when it has no runs or its pipeline is gone).
    Internal::PipelineRunLive *livePipelineRun(qint64 pipelineRunId);
    // A run of a pipeline run was created or changed state (waiting, or final): updates the
    // live state and, when its job reached a final state, queues a pass of the pipeline run.
    void notePipelineRun(qint64 pipelineRunId, const QString &job, RunId run, RunState state);
    // A pipeline's definition changed: its live runs look at every job at their next pass.
    void pipelineChanged(const QString &name);
    std::shared_ptr<const Dag::DependencyIndex> dependencyIndex(const QString &pipeline,
                                                                const QString &startJob = {});
    // The condition variables of `job` in a pipeline run: parameters and its upstream results.
    QHash<QString, QString> conditionVariables(Internal::PipelineRunLive &live, const Job &job,
                                               const QHash<QString, RunState> &states);
    // Resource locks: asks for the job's locks (granted at once when free), and whether the run
    // holds all it needs (a job without locks always does).
    void requestLocks(const Internal::ActiveRun &run);
    bool holdsLocks(const Internal::ActiveRun &run) const;
    void unqueue(const Internal::ActiveRun &run);
    void finishWithoutCommand(RunId id);
    // The run's attempt ended (state committed): retry or forget it, move its pipeline on.
    void onAttemptEnded(const RunRecord &record);
    void startRetry(RunId id);
    void processPipelines();
    void progressPipeline(qint64 pipelineRunId);
    void dispatchPending();
    bool sendDispatch(Internal::ActiveRun &run, const Internal::JobEntry &entry,
                      Internal::NodeLive &node);
    // The run.dispatch of the run's current attempt for that node (sendDispatch, and again to
    // the agent that holds it when it says hello: hello reconciliation).
    Protocol::RunDispatchBody dispatchBody(const Internal::ActiveRun &run,
                                           const Internal::JobEntry &entry,
                                           const Internal::NodeLive &node);
    // For a P0 run without a node: stops the lowest-priority running run (preemption.h) so
    // that the P0 gets its slot. False when no run qualifies.
    bool preemptFor(Internal::ActiveRun &urgent, const Job &job,
                    const QList<NodeCandidate> &candidates);
    void sendStop(const Internal::ActiveRun &run, const QString &reason);
    Result<RunRecord> cancelOrStop(RunId id, const QString &reason);
    // Ends the attempt of a run that was on a vanished node (lost), or requeues it.
    void loseRun(RunId id, const QString &reason);
    void emitRun(RunId id);
    Result<void> loadUnfinished();

    // auto-scale (autoscaling.cpp)
    std::optional<Autoscaler> autoscaler;
    void observeFleet();
    void runAutoscaleHook(const AutoscaleDecision &decision, const QString &drainNode);

    // pipelines, backfill and drain (pipelines.cpp)
    struct Backfill
    {
        qint64 id = 0;  // in the store (Store::createBackfill)
        QString pipeline;
        QList<QDateTime> pending;  // fire times not started yet, oldest first
        int concurrency = 1;
        QSet<qint64> running;  // its pipeline runs that have not ended
    };
    QList<Backfill> backfills;
    // Drops the ended pipeline runs of every backfill and starts the next fire times, each
    // marked started in the store in the batch that creates its pipeline run.
    void advanceBackfills();
    // The backfills a previous master left unfinished (after loadUnfinished()).
    Result<void> loadBackfills();
    // A run by hand (Engine::runJobs): of a job outside any pipeline; of a root job, which
    // starts a run of its whole pipeline; of another job of a pipeline, which starts a
    // pipeline run of that job and its downstream jobs only (Dag::downstreamPart).
    Result<RunRecord> startManualRun(Internal::JobEntry &entry);
    Result<qint64> startPipelineRun(const QString &name, RunTrigger trigger,
                                    const QDateTime &scheduledAt,
                                    const QMap<QString, QString> &parameters);
    Result<PipelineRunStatus> pipelineRunStatus(qint64 id);
    NodeStatus nodeStatus(const Internal::NodeLive &node) const;

    // agents (agents.cpp)
    QHash<QString, Internal::NodeLive> nodes;  // by name
    QHash<NodeId, QString> nodeNames;
    QHash<Net::Channel *, Internal::Session> sessions;
    QTimer livenessTimer;

    Result<void> loadNodes();
    void onMessage(Net::Channel *channel, const Protocol::Envelope &message);
    void onClosed(Net::Channel *channel, const QString &reason);
    void handleEnrol(Internal::Session &session, const Protocol::Envelope &message);
    // Why an agent's TLS certificate does not let it act as `nodeName` (mutual TLS,
    // options.agentCertificateCa); empty when it does or when no certificate is required.
    QString certificateProblem(const Internal::Session &session, const QString &nodeName) const;
    void handleHello(Internal::Session &session, const Protocol::Envelope &message);
    void handleHeartbeat(Internal::Session &session, const Protocol::Envelope &message);
    void handleStarted(Internal::Session &session, const Protocol::Envelope &message);
    void handleOutput(Internal::Session &session, const Protocol::Envelope &message);
    void handleResult(Internal::Session &session, const Protocol::Envelope &message);
    void refuse(Internal::Session &session, const Protocol::Envelope &message,
                const QString &nodeName, const QString &why);
    void finishReconcile(Net::Channel *channel);
    // Hello reconciliation: tells the agent that a run it holds (not started) is still its own.
    void confirmHeld(const Internal::ActiveRun &run, const Internal::NodeLive &node);
    // A run.output / run.result from a node for a run the engine has dispatched to another
    // node (logged): it must not change that run.
    bool reportedByOtherNode(const Internal::Session &session, RunId runId, int attempt) const;
    void setNodeOffline(Internal::NodeLive &node, const QString &reason);
    QList<NodeCandidate> candidates() const;
    qint64 heartbeatDeadlineMs() const;

    // group commit (engine.cpp). Agent messages and timer ticks run inside one Store batch;
    // what they send that depends on their changes (ack, enrolled, welcome, run.dispatch,
    // run.stop) waits in the outbox until the batch is committed. Public calls flush first
    // and commit each change themselves, so their answer is durable when they return.
    struct Outgoing
    {
        QPointer<Net::Channel> channel;
        Protocol::Envelope envelope;
    };
    QList<Outgoing> outbox;
    bool flushQueued = false;
    bool ownBatch = false;  // the open batch is the engine's (not a caller's)

    // Opens a batch if none is open; `queueFlush` commits it when the event loop is next idle
    // (so that every message already read is in it), otherwise the caller flushes.
    void beginWork(bool queueFlush);
    // Commits the open batch, then sends the outbox. On a failed commit nothing is sent (the
    // agents re-send what was not acknowledged) and false is returned.
    bool flush();
    // Sends now, or after the commit when a batch is open. False when the channel is closed.
    bool post(Net::Channel *channel, Protocol::Envelope envelope);
    template<typename Body>
    bool post(Net::Channel *channel, const Body &body, const QString &re = {})
    {
        if (!channel || !channel->isOpen())
            return false;
        return post(channel, Protocol::makeEnvelope(body, channel->nextId(), re));
    }
};

}  // namespace Orrery::Master

#pragma once

// Internal to the engine: the state Engine::Private holds, shared by engine.cpp (jobs and
// fires), runs.cpp (run lifecycle, dispatch, pipeline runs) and agents.cpp (connections).

#include "engine.h"
#include "jobvalidation.h"

#include <master/scheduling/firequeue.h>
#include <model/pipeline.h>
#include <net/channel.h>

#include <QHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <map>
#include <set>
#include <utility>

namespace Orrery::Master {

Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcAgents)

namespace Internal {

// A job as the engine schedules it.
struct JobEntry
{
    JobRecord record;
    CheckedJob checked;
    int active = 0;      // runs waiting or running
    int dispatched = 0;  // runs sent to a node and not ended
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
    qint64 pipelineRunId = 0;
    RunTrigger trigger = RunTrigger::Schedule;
    QDateTime scheduledAt;
};

// A node as the engine sees it, connected or not.
struct NodeLive
{
    NodeStatus status;
    QPointer<Net::Channel> channel;
    QDateTime lastSeen;        // the last message (clock time)
    QDateTime disconnectedAt;  // invalid while connected
    QSet<RunId> runs;          // active runs dispatched there
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

// Waiting runs by priority (P0 first) then age (run ids grow with time).
using QueueKey = std::pair<int, qint64>;

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
    FireQueue fires;
    std::multimap<qint64, RunId> retryDue;  // ms -> run whose retry waits for its delay
    QTimer fireTimer;

    JobCheckOptions checkOptions(bool requireCommand) const;
    Result<CheckedJob> check(const Job &job, bool requireCommand) const;
    void putJob(const JobRecord &record, const CheckedJob &checked);
    void dropJob(JobId id);
    void rebuildPipeline(const QString &name);
    void scheduleNext(Internal::JobEntry &entry, qint64 afterMs);
    void armTimer();
    void fire(JobId job, qint64 fireMs);
    void audit(const Actor &actor, const QString &action, const QString &target,
               const QString &detail = {});
    Result<void> fireMissed();

    // runs (runs.cpp)
    QHash<RunId, Internal::ActiveRun> active;
    std::set<Internal::QueueKey> queue;
    QHash<RunId, QString> waitingReasons;
    QString globalWaitingReason;
    DispatchState dispatchState;
    QSet<qint64> pendingPipelineRuns;
    bool progressing = false;
    bool dispatching = false;
    bool dispatchAgain = false;

    Result<RunRecord> createRun(Internal::JobEntry &entry, RunTrigger trigger,
                                const QDateTime &scheduledAt, qint64 pipelineRunId);
    void track(const RunRecord &record);
    void enqueue(const Internal::ActiveRun &run);
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
    void sendStop(const Internal::ActiveRun &run, const QString &reason);
    Result<RunRecord> cancelOrStop(RunId id, const QString &reason);
    // Ends the attempt of a run that was on a vanished node (lost), or requeues it.
    void loseRun(RunId id, const QString &reason);
    void emitRun(RunId id);
    Result<void> loadUnfinished();

    // agents (agents.cpp)
    QHash<QString, Internal::NodeLive> nodes;  // by name
    QHash<NodeId, QString> nodeNames;
    QHash<Net::Channel *, Internal::Session> sessions;
    QTimer livenessTimer;

    Result<void> loadNodes();
    void onMessage(Net::Channel *channel, const Protocol::Envelope &message);
    void onClosed(Net::Channel *channel, const QString &reason);
    void handleEnrol(Internal::Session &session, const Protocol::Envelope &message);
    void handleHello(Internal::Session &session, const Protocol::Envelope &message);
    void handleHeartbeat(Internal::Session &session, const Protocol::Envelope &message);
    void handleStarted(Internal::Session &session, const Protocol::Envelope &message);
    void handleOutput(Internal::Session &session, const Protocol::Envelope &message);
    void handleResult(Internal::Session &session, const Protocol::Envelope &message);
    void refuse(Internal::Session &session, const Protocol::Envelope &message,
                const QString &nodeName, const QString &why);
    void finishReconcile(Net::Channel *channel);
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

#pragma once

#include "agentconfig.h"
#include "executor.h"
#include "resourceprobe.h"
#include "resultspool.h"
#include "runoutcome.h"

#include <model/clock.h>
#include <model/error.h>
#include <model/id.h>
#include <model/result.h>
#include <net/backoff.h>
#include <protocol/envelope.h>
#include <protocol/messages.h>

#include <QHash>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <optional>
#include <random>

namespace Orrery::Net {
class Channel;
class WssClient;
}  // namespace Orrery::Net

namespace Orrery::Agent {

class Executor;

// The agent's protocol side: keeps the connection to the master (Net::WssClient, reconnects
// by itself), enrols once, says hello after every connect, sends heartbeats, runs dispatched
// commands through Executor, and reports them. Results go to the ResultSpool (fsync'ed)
// before they are sent and stay there until the master's `ack`; every result still spooled
// is re-sent after each `welcome`. Runs keep going while the connection is down; their
// output is streamed live only (what is produced while disconnected is not kept), their
// result is never lost.
//
// A dispatch with a `start_at_ms` still to come (pre-dispatch, docs/protocol.md) is held: it
// takes a max_parallel slot, is listed in `hello` as running, and is started by a precise
// timer at that time of this agent's clock, one timer for all runs due at one instant.
// kPrepareLeadMs before it, each such run's child is spawned through the launcher
// (Executor::prepare(): orrery-launch, which waits on a go pipe), so that at the instant the
// agent only writes one byte to each go pipe and the runs start together instead of one spawn
// after another; `run.started` then carries the time the launcher exec'd the command. Runs
// with a check, or without a launcher, are spawned at the instant. A `run.stop` before then
// (or a shutdown) ends it `cancelled` without starting it (a prepared launcher exits). A dispatch without start_at_ms, or with one already past, starts at once. A held run
// whose time comes while the agent is not welcomed is not started then (the master may have
// given it to another node): it waits for the master's word after the next hello, the same
// `run.dispatch` again (start it now) or a `run.stop` (cancel it).
//
// Dispatch rules, per (run_id, attempt):
// - held now: the master confirms it (above); kept, or started if its time has passed;
// - running now: refused with an `error` (conflict), nothing is started a second time;
// - finished and still spooled: the spooled `run.result` is sent again instead;
// - finished and acknowledged in this process: refused with an `error` (conflict);
// - max_parallel runs already going, or shutting down: refused with an `error` (conflict).
//
// A refused identity (an `error` with code `unauthorized` from the master, answering the
// `enrol` or the `hello`) is logged as critical and the agent keeps trying, with its own
// growing backoff (reconnect_min doubling up to reconnect_max): the administrator can fix
// it on the master (re-enable the node, issue a new token) without touching the agent. The
// credential file is kept as it is; the agent never re-enrols on its own.
class AgentService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentService)

public:
    // The clock is not owned and must outlive the service.
    AgentService(AgentConfig config, const Clock &clock, QObject *parent = nullptr);
    ~AgentService() override;  // running children are killed (Executor's destructor)

    // Refuses to run as root unless allow_root (Forbidden); creates the data directory
    // (0700) and opens the spool (Io); reads the credential; without one, an enrolment token
    // is required (MissingField "enrol_token"); builds the TLS configuration (Io naming the
    // file); then starts connecting. Call once.
    Result<void> start();

    // SIGTERM/SIGINT: stop taking runs (dispatches are refused), cancel every running run
    // (SIGTERM to its process group, SIGKILL after its kill grace), spool and send their
    // results, then emit stopped(). Emits stopped() at once (queued) when nothing runs.
    void shutdown(const QString &reason);

    const AgentConfig &config() const { return m_config; }
    bool isWelcomed() const { return m_welcomed; }
    bool isShuttingDown() const { return m_shuttingDown; }
    int runningCount() const { return static_cast<int>(m_executors.size()); }
    // Pre-dispatched runs waiting for their start time.
    int heldCount() const { return static_cast<int>(m_held.size()); }
    QString credential() const { return m_credential; }
    NodeId nodeId() const { return m_nodeId; }

    // Test seam for the root check in start() (default: the process's effective uid).
    void setEffectiveUidForTesting(uint uid) { m_effectiveUid = uid; }
    // The launcher of prepared starts (default: orrery-launch in the agent's own directory,
    // when it is there); empty: held runs are spawned at their time.
    void setLauncher(const QString &path) { m_launcher = path; }
    QString launcher() const { return m_launcher; }

    // How long before a held run's time its child is prepared (spawned through the launcher):
    // enough for the spawns of the runs due at one instant (56 take ~130 ms at 430 spawns/s).
    static constexpr qint64 kPrepareLeadMs = 300;

signals:
    void enrolled(Orrery::NodeId nodeId);
    void welcomed(Orrery::NodeId nodeId);
    // The master refused this agent's identity (unauthorized); the agent retries later.
    void identityRefused(const Orrery::Error &error, qint64 retryInMs);
    void runHeld(Orrery::RunId runId, int attempt, qint64 startAtMs);
    void runStarted(Orrery::RunId runId, int attempt);
    void runFinished(const Orrery::Agent::RunOutcome &outcome);
    void resultAcknowledged(Orrery::RunId runId, int attempt);
    void stopped();

private:
    struct Key
    {
        RunId runId;
        int attempt = 1;
        friend bool operator==(const Key &, const Key &) = default;
        friend size_t qHash(const Key &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.runId.value(), key.attempt);
        }
    };

    void onConnected(Net::Channel *channel);
    void onDisconnected(const QString &reason);
    void onMessage(const Protocol::Envelope &message);
    void onEnrolled(const Protocol::EnrolledBody &body);
    void onWelcome(const Protocol::WelcomeBody &body);
    void onDispatch(const Protocol::Envelope &message, const Protocol::RunDispatchBody &body);
    void onStop(const Protocol::Envelope &message, const Protocol::RunStopBody &body);
    void onAck(const Protocol::AckBody &body);
    void onErrorReply(const Protocol::Envelope &message, const Protocol::ErrorBody &body);
    void startRun(const RunSpec &runSpec);
    // A new Executor whose signals report the run (not in m_executors yet).
    Executor *makeExecutor(const RunSpec &runSpec);
    QList<Key> heldAt(qint64 startAtMs) const;
    void onInstant(qint64 startAtMs);
    // Spawns the held run's child through the launcher, waiting for its go (Executor::prepare);
    // a run that cannot be prepared (a check...) is spawned at its time instead.
    void prepareHeld(const Key &key);
    void startHeld(const Key &key);
    // Ends a held run as cancelled without starting it (stop, shutdown).
    void cancelHeld(const Key &key, const QString &reason);
    void onRunFinished(Executor *executor, const RunOutcome &outcome);
    void queueFinished(const RunOutcome &outcome);
    // Spools the results of the runs that ended since the last call (one disk flush for all of
    // them), then reports them. Queued once per event-loop turn by onRunFinished().
    void spoolFinished();
    bool endedUnspooled(const Key &key) const;  // in m_finished

    void sendEnrol();
    void sendHello();
    void sendHeartbeat();
    void sendResult(const RunOutcome &outcome);
    void resendSpooled();
    void refuse(const Protocol::Envelope &message, ErrorCode code, const QString &text);
    Result<void> storeCredential(const QString &credential);
    void finishShutdownIfIdle();

    // Sends only after `welcome` (the master ignores anything but enrol/hello before it).
    template<typename Body>
    bool sendWelcomed(const Body &body);

    AgentConfig m_config;
    const Clock *m_clock;  // not owned, see the constructor
    uint m_effectiveUid;
    std::optional<ResultSpool> m_spool;
    ResourceProbe m_probe;
    Net::WssClient *m_client = nullptr;  // child
    QPointer<Net::Channel> m_channel;    // owned by m_client
    QTimer m_heartbeatTimer;
    QTimer m_refusalTimer;  // restarts the client after a refused identity
    Net::Backoff m_refusalBackoff;
    std::mt19937_64 m_random;
    int m_refusals = 0;
    QString m_credential;
    NodeId m_nodeId;
    bool m_welcomed = false;
    bool m_started = false;
    bool m_shuttingDown = false;
    bool m_stoppedEmitted = false;
    QHash<Key, Executor *> m_executors;  // children, deleted (later) when they finish
    struct Held
    {
        RunSpec spec;
        QString job;
        qint64 startAtMs = 0;
        Executor *prepared = nullptr;  // child: its launcher waits for the go (prepareHeld)
        bool due = false;  // its time came while not welcomed: waits for the master's word
    };
    QHash<Key, Held> m_held;  // pre-dispatched, waiting for start_at_ms
    // One precise timer per start time of held runs: kPrepareLeadMs before it, the runs due
    // then are prepared (their launchers spawned); at it, they all go.
    struct Instant
    {
        QTimer *timer = nullptr;  // child, single shot, Qt::PreciseTimer
        bool preparing = true;    // the timer's next timeout prepares; then it is the go
    };
    QMap<qint64, Instant> m_instants;  // by start_at_ms
    QString m_launcher;                // orrery-launch next to the agent; empty: no prepared starts
    QHash<Key, RunOutcome> m_unacked;  // spooled, not acknowledged yet
    QList<RunOutcome> m_finished;      // ended, waiting for spoolFinished()
    QList<Key> m_acked;                // acknowledged in this process, newest last (bounded)
};

}  // namespace Orrery::Agent

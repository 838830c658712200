#pragma once

#include <model/id.h>
#include <model/job.h>
#include <model/run.h>

#include <QByteArray>
#include <QDateTime>
#include <QMap>
#include <QString>

#include <optional>

namespace Orrery {

// Value types the Store reads and writes. They carry what the model types do not: when a row
// was written, why a run exists, secrets' metadata.

struct JobRecord
{
    Job job;
    QString pipeline;  // empty = a job outside any pipeline
    QDateTime createdAt;
    QDateTime updatedAt;
};

enum class RunTrigger { Schedule, Manual, Retry, Backfill };
QString runTriggerName(RunTrigger t);  // "schedule" | "manual" | "retry" | "backfill"
std::optional<RunTrigger> runTriggerFromName(const QString &name);

// What createRun() needs. id 0 = the store takes one from its IdGenerator.
struct NewRun
{
    RunId id;
    JobId job;
    QString jobName;
    Priority priority = Priority::P2;
    RunTrigger trigger = RunTrigger::Schedule;
    QDateTime scheduledAt;     // the fire time the run is for (invalid = created now)
    qint64 pipelineRunId = 0;  // 0 = not part of a pipeline run
    // A run of a broadcast job created for one node (one run per matching node): it goes
    // there or nowhere. Empty = any node.
    QString pinnedNode;
};

struct RunRecord
{
    Run run;  // with every attempt, in order
    RunTrigger trigger = RunTrigger::Schedule;
    QDateTime scheduledAt;
    QDateTime createdAt;
    qint64 pipelineRunId = 0;
    int preemptions = 0;  // attempts stopped to make room for a P0 run (requeue(preempted))
    // Its current attempt failed and its retry waits until then (Store::setRetryDue);
    // invalid = no retry waiting.
    QDateTime retryDueAt;
    // Broadcast: the node this run belongs to; set on the run that fanned out to the other
    // matching nodes (Store::pinRun) and on the runs created for them. Empty = not pinned.
    QString pinnedNode;
};

// A backfill of a pipeline over a date range (Engine::backfill), as a restarted master takes
// it up again.
struct BackfillRecord
{
    qint64 id = 0;
    QString pipeline;
    int concurrency = 1;
    QList<QDateTime> pending;  // fire times not started yet, oldest first
    QList<qint64> started;     // the pipeline runs started for the others (0: not started)
};

// The newest run of a job (the largest run id), as the jobs list shows it.
struct LastRun
{
    RunId run;
    RunState state = RunState::Waiting;
    // When the run reached its state: its current attempt's end, else its start, else when
    // it was queued.
    QDateTime at;
};

// One row of run_events: every state change of every attempt. from is empty for the event
// that creates an attempt.
struct RunEvent
{
    RunId run;
    int attempt = 0;
    std::optional<RunState> from;
    RunState to = RunState::Waiting;
    QDateTime at;
    QString reason;
};

// The answer of recordResult(): applied = this report changed the attempt; otherwise it was a
// duplicate (or came after the attempt had already ended) and `state` is what is stored.
struct ResultOutcome
{
    bool applied = false;
    RunState state = RunState::Waiting;
};

enum class OutputStream { Stdout, Stderr };
QString outputStreamName(OutputStream s);  // "stdout" | "stderr"

struct OutputChunk
{
    int attempt = 0;
    OutputStream stream = OutputStream::Stdout;
    qint64 seq = 0;
    QByteArray data;
};

struct AppendOutcome
{
    bool applied = false;  // false: this (attempt, stream, seq) was stored before
    bool truncated
            = false;  // the run reached its output limit; only a prefix (or nothing) was kept
};

enum class NodeState { Online, Offline, Draining, Revoked };
QString nodeStateName(NodeState s);  // "online" | "offline" | "draining" | "revoked"
std::optional<NodeState> nodeStateFromName(const QString &name);

struct NodeRecord
{
    NodeId id;  // 0 on upsert of a new node = the store takes one
    QString name;
    QMap<QString, QString> labels;
    QString credentialHash;
    QDateTime enrolledAt;
    QDateTime lastSeenAt;
    NodeState state = NodeState::Offline;
};

enum class TokenRole { Admin, Operator, Viewer };
QString tokenRoleName(TokenRole r);  // "admin" | "operator" | "viewer"
std::optional<TokenRole> tokenRoleFromName(const QString &name);

// A freshly made secret: `plaintext` is shown once and never stored.
struct NewToken
{
    qint64 id = 0;
    QString plaintext;
};

struct ApiTokenInfo
{
    qint64 id = 0;
    QString name;
    TokenRole role = TokenRole::Viewer;
    QDateTime createdAt;
    QDateTime revokedAt;
    QDateTime lastUsedAt;
};

struct AuditEntry
{
    qint64 id = 0;  // set by the store
    QDateTime at;   // set by the store from its Clock
    QString actor;
    QString action;
    QString target;
    QString detail;
    QString source;
};

}  // namespace Orrery

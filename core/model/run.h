#pragma once

#include "id.h"
#include "runstate.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace Orrery {

// One try of a run on one node.
struct Attempt
{
    int number = 1;
    RunState state = RunState::Waiting;
    NodeId node;
    QDateTime queuedAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    int exitCode = -1;
    QString reason; // why it ended or was requeued ("preempted by run 42", "node lost")

    friend bool operator==(const Attempt &, const Attempt &) = default;
};

// A run of a job: created in `waiting` with its first attempt; every state change goes
// through transition(), which rejects what the state machine forbids; a retry adds an attempt.
class Run
{
public:
    Run() = default;
    Run(RunId id, JobId job, const QString &jobName, Priority priority, const QDateTime &queuedAt);
    // A run as it was stored (the store reads it back); attempts in order, not re-validated.
    static Run restore(RunId id, JobId job, const QString &jobName, Priority priority,
                       QList<Attempt> attempts);

    RunId id() const { return m_id; }
    JobId jobId() const { return m_job; }
    QString jobName() const { return m_jobName; }
    Priority priority() const { return m_priority; }
    const QList<Attempt> &attempts() const { return m_attempts; }
    const Attempt &currentAttempt() const { return m_attempts.last(); }
    RunState state() const { return m_attempts.isEmpty() ? RunState::Waiting : m_attempts.last().state; }

    Result<void> transition(RunState to, const QDateTime &at, const QString &reason = QString());
    // Starts a new attempt in `waiting` when the current one ended in a retryable state.
    Result<void> retry(const QDateTime &at);
    void assignNode(NodeId node) { m_attempts.last().node = node; }
    void setExitCode(int code) { m_attempts.last().exitCode = code; }

    friend bool operator==(const Run &, const Run &) = default;

private:
    RunId m_id;
    JobId m_job;
    QString m_jobName;
    Priority m_priority = Priority::P2;
    QList<Attempt> m_attempts;
};

} // namespace Orrery

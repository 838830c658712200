#include "run.h"

#include <QCoreApplication>

namespace Orrery {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Model)
};
} // namespace

Run::Run(RunId id, JobId job, const QString &jobName, Priority priority, const QDateTime &queuedAt)
    : m_id(id)
    , m_job(job)
    , m_jobName(jobName)
    , m_priority(priority)
{
    Attempt first;
    first.queuedAt = queuedAt;
    m_attempts.append(first);
}

Run Run::restore(RunId id, JobId job, const QString &jobName, Priority priority,
                 QList<Attempt> attempts)
{
    Run run;
    run.m_id = id;
    run.m_job = job;
    run.m_jobName = jobName;
    run.m_priority = priority;
    run.m_attempts = std::move(attempts);
    return run;
}

Result<void> Run::transition(RunState to, const QDateTime &at, const QString &reason)
{
    if (m_attempts.isEmpty())
        m_attempts.append(Attempt{});
    Attempt &a = m_attempts.last();
    if (auto ok = checkTransition(a.state, to); !ok)
        return ok;
    if (to == RunState::Running) {
        a.startedAt = at;
    } else if (to == RunState::Waiting) {
        // Requeued (preempted): the attempt keeps its number and goes back to the queue.
        a.queuedAt = at;
        a.startedAt = QDateTime();
        a.node = NodeId();
    } else {
        a.finishedAt = at;
    }
    a.state = to;
    if (!reason.isEmpty())
        a.reason = reason;
    return {};
}

Result<void> Run::retry(const QDateTime &at)
{
    const RunState s = state();
    if (!isRetryable(s))
        return makeError(ErrorCode::IllegalTransition,
                         Tr::tr("a run in state '%1' cannot be retried").arg(runStateName(s)));
    Attempt next;
    next.number = m_attempts.last().number + 1;
    next.queuedAt = at;
    m_attempts.append(next);
    return {};
}

} // namespace Orrery

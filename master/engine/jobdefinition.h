#pragma once

#include <model/job.h>
#include <store/records.h>

#include <QDateTime>
#include <QString>

#include <limits>
#include <memory>

namespace Orrery::Master::Internal {

// The fields of a Job that scheduling and dispatch read for every fire and run, under the
// names Job gives them.
struct JobCore
{
    JobId id;
    QString name;
    QString schedule;
    QString timeZone;
    QString command;
    qint64 timeoutSecs = 0;
    RetryPolicy retry;
    int misfireLimit = 10;
    Priority priority = Priority::P2;
    DispatchStrategy strategy = DispatchStrategy::Default;
    ConcurrencyPolicy concurrency = ConcurrencyPolicy::Forbid;
    MisfirePolicy misfire = MisfirePolicy::FireOnce;
    bool enabled = true;
};

// A job's definition as the engine's job table keeps it for every job (JobRecord's fields).
// Most jobs leave most of Job's fields at their defaults (description, environment, working
// directory, user, dependencies, locks, labels, time and condition dependencies, check...),
// so the table keeps JobCore and the times inline and the whole Job only for a job that sets
// one of the other fields: about 230 bytes for a job with a name, schedule and command instead
// of the 448 of a JobRecord, whose two QDateTimes also allocate.
class JobDefinition final
{
public:
    JobDefinition() = default;
    explicit JobDefinition(const JobRecord &record);

    JobCore job;
    QString pipeline;  // empty = a job outside any pipeline

    // The whole definition, as stored.
    Job toJob() const;
    JobRecord toRecord() const;
    // The fields JobCore does not hold (a default Job's when the job sets none of them; its
    // JobCore fields are then the defaults too: read those from `job`).
    const Job &rest() const;
    QDateTime createdAt() const;
    QDateTime updatedAt() const;

private:
    std::shared_ptr<const Job> m_whole;  // only when a field outside JobCore is not a default
    qint64 m_createdMs = kInvalidMs;
    qint64 m_updatedMs = kInvalidMs;
    static constexpr qint64 kInvalidMs = std::numeric_limits<qint64>::min();
};

}  // namespace Orrery::Master::Internal

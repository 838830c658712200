#include "jobdefinition.h"

#include <QTimeZone>

namespace Orrery::Master::Internal {

namespace {

JobCore coreOf(const Job &job)
{
    JobCore c;
    c.id = job.id;
    c.name = job.name;
    c.schedule = job.schedule;
    c.timeZone = job.timeZone;
    c.command = job.command;
    c.timeoutSecs = job.timeoutSecs;
    c.retry = job.retry;
    c.misfireLimit = job.misfireLimit;
    c.priority = job.priority;
    c.strategy = job.strategy;
    c.concurrency = job.concurrency;
    c.misfire = job.misfire;
    c.enabled = job.enabled;
    return c;
}

// A Job with `core`'s fields and the defaults for every other.
Job jobOf(const JobCore &core)
{
    Job job;
    job.id = core.id;
    job.name = core.name;
    job.schedule = core.schedule;
    job.timeZone = core.timeZone;
    job.command = core.command;
    job.timeoutSecs = core.timeoutSecs;
    job.retry = core.retry;
    job.misfireLimit = core.misfireLimit;
    job.priority = core.priority;
    job.strategy = core.strategy;
    job.concurrency = core.concurrency;
    job.misfire = core.misfire;
    job.enabled = core.enabled;
    return job;
}

qint64 msOf(const QDateTime &at, qint64 invalid)
{
    return at.isValid() ? at.toMSecsSinceEpoch() : invalid;
}

}  // namespace

JobDefinition::JobDefinition(const JobRecord &record)
    : job(coreOf(record.job))
    , pipeline(record.pipeline)
    , m_createdMs(msOf(record.createdAt, kInvalidMs))
    , m_updatedMs(msOf(record.updatedAt, kInvalidMs))
{
    // Job's operator== covers every field but the source locations.
    if (!(jobOf(job) == record.job) || record.job.location != SourceLocation{})
        m_whole = std::make_shared<const Job>(record.job);
}

Job JobDefinition::toJob() const
{
    return m_whole ? *m_whole : jobOf(job);
}

JobRecord JobDefinition::toRecord() const
{
    JobRecord r;
    r.job = toJob();
    r.pipeline = pipeline;
    r.createdAt = createdAt();
    r.updatedAt = m_updatedMs == m_createdMs ? r.createdAt : updatedAt();
    return r;
}

const Job &JobDefinition::rest() const
{
    static const Job defaults;
    return m_whole ? *m_whole : defaults;
}

QDateTime JobDefinition::createdAt() const
{
    return m_createdMs == kInvalidMs
                   ? QDateTime()
                   : QDateTime::fromMSecsSinceEpoch(m_createdMs, QTimeZone::utc());
}

QDateTime JobDefinition::updatedAt() const
{
    return m_updatedMs == kInvalidMs
                   ? QDateTime()
                   : QDateTime::fromMSecsSinceEpoch(m_updatedMs, QTimeZone::utc());
}

}  // namespace Orrery::Master::Internal

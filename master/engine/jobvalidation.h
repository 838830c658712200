#pragma once

#include <cron/cronexpression.h>
#include <model/job.h>
#include <model/result.h>

#include <QHash>
#include <QString>
#include <QTimeZone>

#include <optional>

namespace Orrery::Master {

// Time zones by name, each made once. Qt builds a private copy of a zone's data for every
// QTimeZone made from a name (for "UTC" alone about 200 bytes); the engine keeps the zone of
// every job, so its jobs share one QTimeZone per name through this cache.
class ZoneCache final
{
public:
    // Cron::timeZoneFromName()'s answer for `name`, the same QTimeZone for the same name (the
    // empty name, the system's zone, is not kept: it may change while the master runs).
    Result<QTimeZone> zone(const QString &name);
    qsizetype size() const { return m_zones.size(); }

private:
    QHash<QString, QTimeZone> m_zones;  // only valid zones
};

// Parsed schedules by zone and text, one for the jobs that have the same schedule in the same
// zone. The engine keeps every job's parsed schedule (about 150 bytes each) and many jobs
// share a few schedules; CronExpression's copies share their parsed form, so a job that takes
// the cache's expression costs a pointer. Expressions no job holds any more are dropped when
// the cache has doubled since it was last pruned.
class ScheduleCache final
{
public:
    // The expression of the same text and zone as `schedule` held here, or `schedule` itself,
    // kept from now on.
    Cron::CronExpression share(const Cron::CronExpression &schedule);
    qsizetype size() const { return m_schedules.size(); }
    // Drops the expressions only the cache holds.
    void prune();

private:
    QHash<QString, Cron::CronExpression> m_schedules;  // by zone id and text
    qsizetype m_pruneAt = 1024;
};

// The checks the engine makes before it stores a job. Errors are InvalidValue (MissingField
// for an absent name or command) with Error::file = the field in REST terms ("name",
// "command", "schedule", "time_zone", "timeout", "retries", "misfire_limit"); a cron error
// keeps its column inside the schedule text. No I/O; the zone cache, when given, is the only
// state it changes.
struct JobCheckOptions
{
    QString defaultTimeZone = QStringLiteral("UTC");  // for a job without time_zone
    // Pipeline files may leave a job's command out (the brief's example does): such a job is
    // a marker step that succeeds as soon as it runs. Jobs made through the API need one.
    bool requireCommand = true;
    // Where the job's zone comes from: shared between jobs when set, made anew otherwise.
    ZoneCache *zones = nullptr;
};

// What validation yields: the job's zone and its parsed schedule (none without one).
struct CheckedJob
{
    QTimeZone zone;
    std::optional<Cron::CronExpression> schedule;
};

Result<CheckedJob> checkJob(const Job &job, const JobCheckOptions &options);

}  // namespace Orrery::Master

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

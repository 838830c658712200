#pragma once

#include <cron/cronexpression.h>
#include <model/job.h>
#include <model/result.h>

#include <QString>
#include <QTimeZone>

#include <optional>

namespace Orrery::Master {

// The checks the engine makes before it stores a job. Errors are InvalidValue (MissingField
// for an absent name or command) with Error::file = the field in REST terms ("name",
// "command", "schedule", "time_zone", "timeout", "retries", "misfire_limit"); a cron error
// keeps its column inside the schedule text. Pure.
struct JobCheckOptions
{
    QString defaultTimeZone = QStringLiteral("UTC");  // for a job without time_zone
    // Pipeline files may leave a job's command out (the brief's example does): such a job is
    // a marker step that succeeds as soon as it runs. Jobs made through the API need one.
    bool requireCommand = true;
};

// What validation yields: the job's zone and its parsed schedule (none without one).
struct CheckedJob
{
    QTimeZone zone;
    std::optional<Cron::CronExpression> schedule;
};

Result<CheckedJob> checkJob(const Job &job, const JobCheckOptions &options);

}  // namespace Orrery::Master

#pragma once

#include "cronschedule.h"

#include <model/result.h>

#include <QString>

namespace Orrery::Cron::Internal {

struct ParsedCron
{
    CronSchedule schedule;
    qint64 everySecs = 0;  // > 0 for "@every <duration>"
};

// The grammar of docs/cron.md. BadCron errors name the field and carry the 1-based column
// of the offending token (line 0); NeverFires when no date can ever match.
Result<ParsedCron> parseCron(const QString &text);

}  // namespace Orrery::Cron::Internal

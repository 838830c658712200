#pragma once

#include <model/job.h>
#include <model/result.h>

#include <QDateTime>
#include <QString>
#include <QTimeZone>

#include <optional>

namespace Orrery::Cron {

// Time dependencies (issue 5): "not before HH:MM" and windows "between HH:MM and HH:MM",
// in the job's time zone.

// "08:00" -> 480. Hours 0-23, minutes 00-59, one or two hour digits. InvalidValue with the
// 1-based column of the offending character.
Result<int> parseTimeOfDay(const QString &text);
// "01:00-05:00" or "between 01:00 and 05:00" (case-insensitive); end <= start crosses
// midnight; equal start and end is an InvalidValue (an empty or a whole-day window: leave the
// window out instead). Errors carry the column inside `text`.
Result<DailyWindow> parseDailyWindow(const QString &text);
QString timeOfDayText(int minute);              // 480 -> "08:00"
QString dailyWindowText(const DailyWindow &w);  // "01:00-05:00"

struct TimeGate
{
    enum class State { Ready, Wait, Skip };
    State state = State::Ready;
    QDateTime until;  // Wait: when to look again (the run may start then)
    QString reason;   // Wait/Skip, for the user: "waits for its window 01:00-05:00 (...)"
};

// Whether a run of `job` created at `createdAt` (its fire time; for a run inside a pipeline
// run, the pipeline run's) may start at `now`, in `zone`:
//  - not_before: the run's day is the local date of createdAt; before HH:MM of that day it
//    waits until then, from then on it is ready (a run created at 23:00 with not_before 08:00
//    may start at once).
//  - window: the run belongs to the first occurrence of the window that ends after createdAt
//    (created at 01:00 with window 22:00-02:00: the one that opened at 22:00 the day before;
//    created at 06:00 with 01:00-05:00: tomorrow's). Before it opens (or before not_before,
//    whichever is later) the run waits; inside it, it is ready; once it has closed while the
//    run still waited (upstream jobs, locks, no node) the run is skipped
//    (WindowClosedPolicy::Skip) or waits for the next occurrence (Wait, the default).
// Wall times that do not exist on a DST day are taken as QDateTime resolves them in the zone
// (moved forward by the length of the gap); repeated wall times are their first occurrence.
// Pure.
TimeGate timeGate(const Job &job, const QDateTime &createdAt, const QDateTime &now,
                  const QTimeZone &zone);

}  // namespace Orrery::Cron

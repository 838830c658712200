#pragma once

#include <QtGlobal>

#include <array>
#include <optional>

namespace Orrery::Cron::Internal {

// A parsed 5/6-field cron schedule as bit sets, evaluated on "local seconds": wall-clock
// seconds counted from 1970-01-01T00:00:00 in the expression's zone (UTC seconds + offset).
struct CronSchedule
{
    quint64 seconds = 1;          // bit s; 5-field schedules fire at second 0
    quint64 minutes = 0;          // bit m (0-59)
    quint32 hours = 0;            // bit h (0-23)
    quint32 daysOfMonth = 0;      // bit d (1-31)
    quint32 lastDayOffsets = 0;   // bit k: "L-k" = the day k days before the last day of the month
    quint32 nearestWeekdays = 0;  // bit d: "dW"
    bool lastWeekday = false;     // "LW"
    quint16 months = 0;           // bit m (1-12)
    quint8 daysOfWeek = 0;        // bit w (0 = Sunday .. 6)
    quint8 lastDaysOfWeek = 0;    // bit w: "wL", the last such weekday of the month
    std::array<quint8, 7> nthDaysOfWeek = {};  // [w] bit n-1: "w#n"
    bool domStar = false;                      // the day-of-month field starts with '*' or is '?'
    bool dowStar = false;                      // the day-of-week field starts with '*' or is '?'
    bool hourFixed = false;   // the hour field neither starts with '*' nor contains '/'
    bool hasSeconds = false;  // six fields

    // Derived by finish(): days (bit d) matched by the day-of-week field when the 1st of the
    // month falls on weekday w, "w#n" included.
    std::array<quint32, 7> dowDaysByFirstWeekday = {};

    void finish();

    // Matching days (bit d) of a month with `dim` days whose 1st falls on weekday `wd1`.
    quint32 dayMask(int month, int dim, int wd1) const;
    // Whether any date at all can match (checks every month shape of the 400-year cycle).
    bool canFire() const;

    std::optional<int> nextTimeOfDay(int secondOfDay) const;
    std::optional<int> previousTimeOfDay(int secondOfDay) const;

    // The first matching local second in [from, limit] / the last in [lowerLimit, from].
    std::optional<qint64> nextLocal(qint64 from, qint64 limit) const;
    std::optional<qint64> previousLocal(qint64 from, qint64 lowerLimit) const;
};

}  // namespace Orrery::Cron::Internal

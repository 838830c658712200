#pragma once

#include <QtGlobal>

// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), after
// Howard Hinnant's "chrono-compatible low-level date algorithms". Internal to Orrery::Cron.

namespace Orrery::Cron::Internal {

constexpr qint64 kSecsPerDay = 86400;
constexpr int kLastSecondOfDay = 86399;

constexpr qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

constexpr qint64 floorMod(qint64 a, qint64 b)
{
    return a - floorDiv(a, b) * b;
}

constexpr qint64 daysFromCivil(qint64 year, int month, int day)
{
    const qint64 y = year - (month <= 2 ? 1 : 0);
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct CivilDate
{
    qint64 year = 1970;
    int month = 1;
    int day = 1;
};

constexpr CivilDate civilFromDays(qint64 days)
{
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

constexpr bool isLeapYear(qint64 year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr int daysInMonth(qint64 year, int month)
{
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
constexpr int weekdayFromDays(qint64 days)
{
    return static_cast<int>(floorMod(days + 4, 7));
}

// The range of wall-clock times the scheduler computes with: years 1 to 9999.
constexpr qint64 kMinLocalSecs = daysFromCivil(1, 1, 1) * kSecsPerDay;
constexpr qint64 kMaxLocalSecs = daysFromCivil(10000, 1, 1) * kSecsPerDay - 1;
// How far next()/previous() search: one 400-year Gregorian cycle (after which every day-level
// pattern repeats) plus a year of margin.
constexpr qint64 kSearchHorizonSecs = (146097 + 366) * kSecsPerDay;

}  // namespace Orrery::Cron::Internal

#include "cronschedule.h"

#include "civil.h"

#include <bit>

namespace Orrery::Cron::Internal {

namespace {

int lowestBit(quint64 v)
{
    return std::countr_zero(v);
}

int highestBit(quint64 v)
{
    return 63 - std::countl_zero(v);
}

// Bits >= n (n may be 64).
quint64 bitsFrom(int n)
{
    return n >= 64 ? 0 : ~quint64(0) << n;
}

// Bits <= n (n in 0..62).
quint64 bitsUpTo(int n)
{
    return (quint64(2) << n) - 1;
}

}  // namespace

void CronSchedule::finish()
{
    for (int wd1 = 0; wd1 < 7; ++wd1) {
        quint32 mask = 0;
        for (int day = 1; day <= 31; ++day) {
            if (daysOfWeek & (1u << ((wd1 + day - 1) % 7)))
                mask |= 1u << day;
        }
        for (int w = 0; w < 7; ++w) {
            const int first = 1 + (w - wd1 + 7) % 7;
            for (int n = 1; n <= 5; ++n) {
                const int day = first + 7 * (n - 1);
                if ((nthDaysOfWeek[w] & (1u << (n - 1))) && day <= 31)
                    mask |= 1u << day;
            }
        }
        dowDaysByFirstWeekday[wd1] = mask;
    }
}

quint32 CronSchedule::dayMask(int month, int dim, int wd1) const
{
    if (!(months & (1u << month)))
        return 0;
    const quint32 full = static_cast<quint32>(bitsUpTo(dim)) & ~1u;

    quint32 dom = daysOfMonth;
    for (quint32 bits = lastDayOffsets; bits; bits &= bits - 1) {
        const int day = dim - lowestBit(bits);
        if (day >= 1)
            dom |= 1u << day;
    }
    if (lastWeekday) {
        const int wd = (wd1 + dim - 1) % 7;
        dom |= 1u << (wd == 6 ? dim - 1 : wd == 0 ? dim - 2 : dim);
    }
    for (quint32 bits = nearestWeekdays; bits; bits &= bits - 1) {
        const int n = lowestBit(bits);
        if (n > dim)
            break;
        const int wd = (wd1 + n - 1) % 7;
        int day = n;
        if (wd == 6)
            day = n == 1 ? 3 : n - 1;
        else if (wd == 0)
            day = n == dim ? n - 2 : n + 1;
        dom |= 1u << day;
    }

    quint32 dow = dowDaysByFirstWeekday[wd1];
    if (lastDaysOfWeek) {
        const int wdLast = (wd1 + dim - 1) % 7;
        for (quint32 bits = lastDaysOfWeek; bits; bits &= bits - 1)
            dow |= 1u << (dim - (wdLast - lowestBit(bits) + 7) % 7);
    }
    // Vixie cron: when either field starts with '*' both must match, otherwise either.
    return ((domStar || dowStar) ? (dom & dow) : (dom | dow)) & full;
}

bool CronSchedule::canFire() const
{
    for (int month = 1; month <= 12; ++month) {
        if (!(months & (1u << month)))
            continue;
        const int minDays = month == 2 ? 28 : daysInMonth(2001, month);
        const int maxDays = month == 2 ? 29 : minDays;
        for (int dim = minDays; dim <= maxDays; ++dim) {
            for (int wd1 = 0; wd1 < 7; ++wd1) {
                if (dayMask(month, dim, wd1))
                    return true;
            }
        }
    }
    return false;
}

std::optional<int> CronSchedule::nextTimeOfDay(int secondOfDay) const
{
    int h = secondOfDay / 3600;
    int m = secondOfDay / 60 % 60;
    int s = secondOfDay % 60;
    while (h < 24) {
        const quint64 hs = hours & bitsFrom(h);
        if (!hs)
            return std::nullopt;
        if (const int h1 = lowestBit(hs); h1 != h) {
            h = h1;
            m = 0;
            s = 0;
        }
        if (const quint64 ms = minutes & bitsFrom(m)) {
            if (const int m1 = lowestBit(ms); m1 != m) {
                m = m1;
                s = 0;
            }
            if (const quint64 ss = seconds & bitsFrom(s))
                return h * 3600 + m * 60 + lowestBit(ss);
            if (++m < 60) {
                s = 0;
                continue;
            }
        }
        ++h;
        m = 0;
        s = 0;
    }
    return std::nullopt;
}

std::optional<int> CronSchedule::previousTimeOfDay(int secondOfDay) const
{
    int h = secondOfDay / 3600;
    int m = secondOfDay / 60 % 60;
    int s = secondOfDay % 60;
    while (h >= 0) {
        const quint64 hs = hours & bitsUpTo(h);
        if (!hs)
            return std::nullopt;
        if (const int h1 = highestBit(hs); h1 != h) {
            h = h1;
            m = 59;
            s = 59;
        }
        if (const quint64 ms = minutes & bitsUpTo(m)) {
            if (const int m1 = highestBit(ms); m1 != m) {
                m = m1;
                s = 59;
            }
            if (const quint64 ss = seconds & bitsUpTo(s))
                return h * 3600 + m * 60 + highestBit(ss);
            if (--m >= 0) {
                s = 59;
                continue;
            }
        }
        --h;
        m = 59;
        s = 59;
    }
    return std::nullopt;
}

std::optional<qint64> CronSchedule::nextLocal(qint64 from, qint64 limit) const
{
    if (from < kMinLocalSecs)
        from = kMinLocalSecs;
    if (limit > kMaxLocalSecs)
        limit = kMaxLocalSecs;
    if (from > limit)
        return std::nullopt;

    qint64 days = floorDiv(from, kSecsPerDay);
    int sod = static_cast<int>(from - days * kSecsPerDay);
    const CivilDate civil = civilFromDays(days);
    qint64 year = civil.year;
    int month = civil.month;
    int day = civil.day;

    while (days * kSecsPerDay <= limit) {
        if (!(months & (1u << month))) {
            // Jump to the first day of the next allowed month.
            const quint32 later = months & ~static_cast<quint32>(bitsUpTo(month));
            if (later) {
                month = lowestBit(later);
            } else {
                ++year;
                month = lowestBit(months);
            }
            day = 1;
            sod = 0;
            days = daysFromCivil(year, month, 1);
            continue;
        }
        const int dim = daysInMonth(year, month);
        quint32 mask = dayMask(month, dim, weekdayFromDays(days - (day - 1)))
                       & static_cast<quint32>(bitsFrom(day));
        while (mask) {
            const int d = lowestBit(mask);
            if (d != day) {
                days += d - day;
                day = d;
                sod = 0;
            }
            if (days * kSecsPerDay > limit)
                return std::nullopt;
            if (const auto t = nextTimeOfDay(sod)) {
                const qint64 result = days * kSecsPerDay + *t;
                return result <= limit ? std::optional<qint64>(result) : std::nullopt;
            }
            mask &= mask - 1;
            sod = 0;
        }
        days += dim - day + 1;
        day = 1;
        sod = 0;
        if (++month > 12) {
            month = 1;
            ++year;
        }
    }
    return std::nullopt;
}

std::optional<qint64> CronSchedule::previousLocal(qint64 from, qint64 lowerLimit) const
{
    if (from > kMaxLocalSecs)
        from = kMaxLocalSecs;
    if (lowerLimit < kMinLocalSecs)
        lowerLimit = kMinLocalSecs;
    if (from < lowerLimit)
        return std::nullopt;

    qint64 days = floorDiv(from, kSecsPerDay);
    int sod = static_cast<int>(from - days * kSecsPerDay);
    const CivilDate civil = civilFromDays(days);
    qint64 year = civil.year;
    int month = civil.month;
    int day = civil.day;

    while (days * kSecsPerDay + kSecsPerDay - 1 >= lowerLimit) {
        if (!(months & (1u << month))) {
            // Jump to the last day of the previous allowed month.
            const quint32 earlier = months & static_cast<quint32>(bitsUpTo(month - 1)) & ~1u;
            if (earlier) {
                month = highestBit(earlier);
            } else {
                --year;
                month = highestBit(months);
            }
            day = daysInMonth(year, month);
            sod = kLastSecondOfDay;
            days = daysFromCivil(year, month, day);
            continue;
        }
        const int dim = daysInMonth(year, month);
        quint32 mask = dayMask(month, dim, weekdayFromDays(days - (day - 1)))
                       & static_cast<quint32>(bitsUpTo(day));
        while (mask) {
            const int d = highestBit(mask);
            if (d != day) {
                days -= day - d;
                day = d;
                sod = kLastSecondOfDay;
            }
            if (days * kSecsPerDay + kSecsPerDay - 1 < lowerLimit)
                return std::nullopt;
            if (const auto t = previousTimeOfDay(sod)) {
                const qint64 result = days * kSecsPerDay + *t;
                return result >= lowerLimit ? std::optional<qint64>(result) : std::nullopt;
            }
            mask &= ~(1u << d);
            sod = kLastSecondOfDay;
        }
        days -= day;
        if (--month < 1) {
            month = 12;
            --year;
        }
        day = daysInMonth(year, month);
        sod = kLastSecondOfDay;
    }
    return std::nullopt;
}

}  // namespace Orrery::Cron::Internal

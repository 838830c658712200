#include "zonetable.h"

#include "civil.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace Orrery::Cron::Internal {

namespace {

constexpr qint64 kTableStart = daysFromCivil(1800, 1, 1) * kSecsPerDay;
constexpr qint64 kPeriodStart = daysFromCivil(2100, 1, 1) * kSecsPerDay;
constexpr qint64 kPeriodLength = 146097 * kSecsPerDay;  // 400 Gregorian years
constexpr qint64 kTableEnd = kPeriodStart + kPeriodLength;

int offsetFromUtc(const QTimeZone &zone, qint64 utcSecs)
{
    return zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(utcSecs, Qt::UTC));
}

}  // namespace

ZoneTable::ZoneTable(const QTimeZone &zone) : m_zone(zone) {}

void ZoneTable::collect(std::vector<Entry> &out, Entry last, qint64 cursor, qint64 end) const
{
    auto add = [&](qint64 at, int newOffset) {
        if (newOffset == last.offset || at <= last.at)
            return;
        last = {at, newOffset, std::max(last.newFrom, at + last.offset)};
        out.push_back(last);
    };
    while (cursor < end) {
        const QTimeZone::OffsetData next
                = m_zone.nextTransition(QDateTime::fromSecsSinceEpoch(cursor, Qt::UTC));
        const qint64 at = next.atUtc.isValid() ? next.atUtc.toSecsSinceEpoch() : cursor;
        if (at > cursor) {
            if (at >= end)
                break;
            add(at, next.offsetFromUtc);
            cursor = at;
            continue;
        }
        // No further transition, or Qt 6.4's tz backend stumbling right after the last
        // transition stored in the tzfile (later, rule-based transitions are found from a
        // little further on). Look again a day and a year later; a changed offset in between
        // is located by bisection.
        bool advanced = false;
        for (const qint64 probe : {cursor + kSecsPerDay, cursor + 366 * kSecsPerDay}) {
            if (probe >= end)
                break;
            const int current = last.offset;
            if (offsetFromUtc(m_zone, probe) != current) {
                qint64 lo = cursor;
                qint64 hi = probe;
                while (hi - lo > 1) {
                    const qint64 mid = lo + (hi - lo) / 2;
                    (offsetFromUtc(m_zone, mid) == current ? lo : hi) = mid;
                }
                add(hi, offsetFromUtc(m_zone, hi));
                cursor = hi;
                advanced = true;
                break;
            }
            const QTimeZone::OffsetData later
                    = m_zone.nextTransition(QDateTime::fromSecsSinceEpoch(probe, Qt::UTC));
            if (later.atUtc.isValid() && later.atUtc.toSecsSinceEpoch() > probe) {
                cursor = probe;
                advanced = true;
                break;
            }
        }
        if (!advanced)
            break;
    }
}

void ZoneTable::ensureNear() const
{
    std::call_once(m_nearBuilt, [this] {
        const int offset = offsetFromUtc(m_zone, kTableStart);
        m_near.push_back({kNegativeInfinity, offset, kNegativeInfinity + offset});
        collect(m_near, m_near.front(), kTableStart, kPeriodStart);
        m_nearCount = static_cast<int>(m_near.size());
    });
}

void ZoneTable::ensureFar() const
{
    ensureNear();
    std::call_once(m_farBuilt, [this] {
        collect(m_far, m_near.back(), kPeriodStart - 1, kTableEnd);
        m_periodIndex = !m_far.empty() && m_far.front().at == kPeriodStart ? m_nearCount
                                                                           : m_nearCount - 1;
        // The rules repeat every 400 years only if the offset at the end of the table is the
        // one in force at the period start; with no transition in the period (or a mismatch)
        // the last offset simply lasts forever.
        m_periodic = m_periodIndex + 1 < count()
                     && entry(m_periodIndex).offset == entry(count() - 1).offset;
    });
}

ZoneTable::Segment ZoneTable::makeSegment(int period, int index) const
{
    if (index + 1 >= m_nearCount)
        ensureFar();
    const Entry &e = entry(index);
    const bool last = index + 1 >= m_nearCount && index + 1 >= count();
    Segment s;
    s.period = period;
    s.index = index;
    s.offset = e.offset;
    if (period == 0) {
        s.start = e.at;
        s.end = !last ? entry(index + 1).at : (m_periodic ? kTableEnd : kPositiveInfinity);
        s.newFrom = e.newFrom;
    } else {
        const qint64 shift = period * kPeriodLength;
        s.start = (index == m_periodIndex ? kPeriodStart : e.at) + shift;
        s.end = (!last ? entry(index + 1).at : kTableEnd) + shift;
        s.newFrom = index == m_periodIndex ? s.start + s.offset : e.newFrom + shift;
    }
    return s;
}

ZoneTable::Segment ZoneTable::segmentAt(qint64 utcSecs) const
{
    ensureNear();
    auto byTime = [](qint64 t, const Entry &e) { return t < e.at; };
    if (utcSecs < kPeriodStart) {
        const auto it = std::upper_bound(m_near.begin(), m_near.end(), utcSecs, byTime);
        return makeSegment(0, static_cast<int>(it - m_near.begin()) - 1);
    }
    ensureFar();
    int period = 0;
    qint64 t = utcSecs;
    if (m_periodic && utcSecs >= kTableEnd) {
        period = static_cast<int>(floorDiv(utcSecs - kPeriodStart, kPeriodLength));
        t = utcSecs - period * kPeriodLength;
    }
    const auto it = std::upper_bound(m_far.begin(), m_far.end(), t, byTime);
    return makeSegment(period, m_nearCount + static_cast<int>(it - m_far.begin()) - 1);
}

ZoneTable::Segment ZoneTable::nextSegment(const Segment &segment) const
{
    const int next = segment.index + 1;
    if (next >= m_nearCount)
        ensureFar();
    if (next < m_nearCount || next < count())
        return makeSegment(segment.period, next);
    if (m_periodic)
        return makeSegment(segment.period + 1, m_periodIndex);
    return segment;  // the last segment lasts forever; callers stop at its end
}

ZoneTable::Segment ZoneTable::previousSegment(const Segment &segment) const
{
    if (segment.index > (segment.period == 0 ? 0 : m_periodIndex))
        return makeSegment(segment.period, segment.index - 1);
    if (segment.period > 0)
        return makeSegment(segment.period - 1, count() - 1);
    return segment;  // the first segment reaches back forever
}

std::shared_ptr<const ZoneTable> zoneTableFor(const QTimeZone &zone)
{
    static std::mutex mutex;
    static QHash<QByteArray, std::shared_ptr<const ZoneTable>> tables;
    const QByteArray id = zone.id();
    const std::lock_guard lock(mutex);
    auto &table = tables[id];
    if (!table)
        table = std::make_shared<const ZoneTable>(zone);
    return table;
}

}  // namespace Orrery::Cron::Internal

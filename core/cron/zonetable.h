#pragma once

#include <QTimeZone>

#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace Orrery::Cron::Internal {

// The UTC offsets of one time zone as a table of transitions, so that the scheduler does not
// call QTimeZone for every step. Built lazily and thread-safely from QTimeZone::nextTransition():
// 1800-2100 on first use, 2100-2500 only when a query reaches it (Qt computes rule-based
// transitions slowly); beyond 2500 the 400-year Gregorian cycle, which the zone's POSIX rule
// follows, repeats 2100-2500. Shared by every expression in the zone.
class ZoneTable final
{
public:
    // A stretch of time with one UTC offset. `newFrom` is the earliest wall time (local
    // seconds) that has not already occurred before the segment started: after a backward
    // jump it is later than start + offset, after a forward jump earlier (the skipped wall
    // times are [newFrom, start + offset)).
    struct Segment
    {
        qint64 start = 0;  // UTC seconds, inclusive
        qint64 end = 0;    // UTC seconds, exclusive
        int offset = 0;
        qint64 newFrom = 0;
        int period = 0;  // internal cursor
        int index = 0;
    };

    explicit ZoneTable(const QTimeZone &zone);

    Segment segmentAt(qint64 utcSecs) const;
    Segment nextSegment(const Segment &segment) const;
    Segment previousSegment(const Segment &segment) const;
    int offsetAt(qint64 utcSecs) const { return segmentAt(utcSecs).offset; }

    static constexpr qint64 kNegativeInfinity = std::numeric_limits<qint64>::min() / 4;
    static constexpr qint64 kPositiveInfinity = std::numeric_limits<qint64>::max() / 4;

private:
    struct Entry
    {
        qint64 at;
        int offset;
        qint64 newFrom;
    };

    const Entry &entry(int index) const
    {
        return index < m_nearCount ? m_near[index] : m_far[index - m_nearCount];
    }
    int count() const { return m_nearCount + static_cast<int>(m_far.size()); }
    void ensureNear() const;
    void ensureFar() const;
    // Appends the offset changes in [cursor, end) to `out`; `last` is the entry before them.
    void collect(std::vector<Entry> &out, Entry last, qint64 cursor, qint64 end) const;
    Segment makeSegment(int period, int index) const;

    QTimeZone m_zone;
    // Each part is written once, under its once_flag, and only read afterwards.
    mutable std::once_flag m_nearBuilt;
    mutable std::once_flag m_farBuilt;
    mutable std::vector<Entry> m_near;  // entries before 2100, the first from -infinity
    mutable std::vector<Entry> m_far;   // entries in 2100-2500
    mutable int m_nearCount = 0;
    mutable int m_periodIndex = 0;  // the entry in force at the start of the repeating period
    mutable bool m_periodic = false;
};

// The shared table of `zone` (one per zone id per process).
std::shared_ptr<const ZoneTable> zoneTableFor(const QTimeZone &zone);

}  // namespace Orrery::Cron::Internal

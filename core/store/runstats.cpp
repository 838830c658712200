#include "runstats.h"

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

std::optional<double> RunCounts::successRate() const
{
    if (finished <= 0)
        return std::nullopt;
    return double(successes) / double(finished);
}

std::optional<double> RunCounts::meanDurationMs() const
{
    if (durationCount <= 0)
        return std::nullopt;
    return double(durationSumMs) / double(durationCount);
}

RunCounts &RunCounts::operator+=(const RunCounts &other)
{
    runs += other.runs;
    successes += other.successes;
    finished += other.finished;
    abnormal += other.abnormal;
    durationSumMs += other.durationSumMs;
    durationCount += other.durationCount;
    return *this;
}

std::optional<StatsRange> statsRangeFromName(const QString &name)
{
    if (name == u"24h"_s)
        return StatsRange::Day;
    if (name == u"7d"_s)
        return StatsRange::Week;
    return std::nullopt;
}

QString statsRangeName(StatsRange range)
{
    return range == StatsRange::Day ? u"24h"_s : u"7d"_s;
}

StatsWindow statsWindow(StatsRange range, const QDateTime &now, const QTimeZone &zone)
{
    StatsWindow w;
    const QDateTime local = now.toTimeZone(zone);
    const QDate today = local.date();
    w.dayStart = today.startOfDay(zone).toUTC();
    w.end = now.toUTC().addMSecs(1);
    if (range == StatsRange::Day) {
        // The start of now's hour in the zone (the UTC hour unless the zone's offset has
        // minutes, as in India).
        const qint64 hourMs = 3600 * 1000;
        const qint64 offsetMs = qint64(zone.offsetFromUtc(now)) * 1000;
        const qint64 localMs = now.toMSecsSinceEpoch() + offsetMs;
        const qint64 thisHour = localMs - ((localMs % hourMs) + hourMs) % hourMs - offsetMs;
        for (int k = 23; k >= 0; --k)
            w.bucketStarts.append(QDateTime::fromMSecsSinceEpoch(thisHour - k * hourMs, Qt::UTC));
    } else {
        for (int k = 6; k >= 0; --k)
            w.bucketStarts.append(today.addDays(-k).startOfDay(zone).toUTC());
    }
    return w;
}

QList<RunStatsBucket> sumHours(const QDateTime &from, const QList<QDateTime> &bucketStarts,
                               const QList<std::pair<qint64, RunCounts>> &hours)
{
    QList<RunStatsBucket> buckets;
    for (const QDateTime &start : bucketStarts)
        buckets.append(RunStatsBucket{start, RunCounts()});
    for (const auto &[hour, counts] : hours) {
        const QDateTime at = from.addMSecs(hour * 3600 * 1000);
        // The last bucket that starts at or before the hour.
        for (qsizetype i = buckets.size() - 1; i >= 0; --i) {
            if (buckets.at(i).start <= at) {
                buckets[i].counts += counts;
                break;
            }
        }
    }
    return buckets;
}

}  // namespace Orrery

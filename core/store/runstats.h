#pragma once

#include <model/result.h>

#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <optional>

// The numbers behind the dashboard (GET /api/v1/stats): today's runs and how they ended, the
// queue, and the same per hour or per day. "Finished" runs are the ones that ended by
// themselves (success, failed, timed_out, lost): the success rate is successes / finished;
// cancelled and skipped runs count as runs only. "Abnormal" runs: failed, timed_out, lost.
// A run's duration is its last attempt's (finished - started).
namespace Orrery {

struct RunCounts
{
    qint64 runs = 0;
    qint64 successes = 0;
    qint64 finished = 0;
    qint64 abnormal = 0;
    qint64 durationSumMs = 0;  // over the finished runs with both instants
    qint64 durationCount = 0;

    std::optional<double> successRate() const;     // null without finished runs
    std::optional<double> meanDurationMs() const;  // null without durations
    RunCounts &operator+=(const RunCounts &other);
};

struct RunStatsBucket
{
    QDateTime start;  // UTC; the bucket ends where the next starts (the last at RunStats::end)
    RunCounts counts;
};

struct RunStats
{
    QDateTime dayStart;      // UTC instant of today's local midnight
    QDateTime end;           // UTC; exclusive
    RunCounts today;         // runs created in [dayStart, end)
    qint64 queueLength = 0;  // runs waiting now
    QList<RunStatsBucket> buckets;
};

enum class StatsRange { Day, Week };  // "24h": 24 hours by the hour; "7d": 7 days by the day

std::optional<StatsRange> statsRangeFromName(const QString &name);
QString statsRangeName(StatsRange range);

// Where the buckets start: the 24 whole hours up to and including now's, or the 7 local
// days up to and including today (midnight in `zone`, correct across DST changes).
struct StatsWindow
{
    QDateTime dayStart;
    QList<QDateTime> bucketStarts;  // ascending, UTC
    QDateTime end;                  // now + 1 ms (runs created at `now` count)
};
StatsWindow statsWindow(StatsRange range, const QDateTime &now, const QTimeZone &zone);

// Counts per whole hour after `from` (index h = [from + h hours, from + h + 1 hours)) summed
// into the buckets whose starts are given (whole hours after `from`, from first).
QList<RunStatsBucket> sumHours(const QDateTime &from, const QList<QDateTime> &bucketStarts,
                               const QList<std::pair<qint64, RunCounts>> &hours);

}  // namespace Orrery

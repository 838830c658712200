// The dashboard's statistics: the buckets' boundaries in a time zone (statsWindow), hours
// summed into buckets (sumHours), and Store::runStats aggregating real runs in the database
// (SQLite here; PostgreSQL through scripts/with-postgres.sh, tst_runstats_pg).

#include "storetestutil.h"

#include <store/runstats.h>
#include <store/store.h>

#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Orrery;
using namespace StoreTest;
using namespace Qt::Literals::StringLiterals;

namespace {

QDateTime utc(int month, int day, int hour, int minute = 0)
{
    return QDateTime(QDate(2026, month, day), QTime(hour, minute), QTimeZone::utc());
}

}  // namespace

class tst_RunStats : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void window_data();
    void window();
    void hoursIntoBuckets();
    void storeAggregatesRuns();

private:
    RunId runAt(Store &store, const QDateTime &created, std::optional<RunState> end,
                int durationSecs);

    QTemporaryDir m_dir;
    ManualClock m_clock{utc(1, 1, 0)};
};

void tst_RunStats::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qInfo("backend: %s", usePostgres() ? "PostgreSQL" : "SQLite");
}

void tst_RunStats::window_data()
{
    QTest::addColumn<QString>("range");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDateTime>("dayStart");
    QTest::addColumn<QDateTime>("firstBucket");
    QTest::addColumn<QDateTime>("lastBucket");
    QTest::addColumn<int>("bucketCount");

    QTest::newRow("24h-utc") << u"24h"_s << utc(1, 3, 10, 30) << QByteArray("UTC") << utc(1, 3, 0)
                             << utc(1, 2, 11) << utc(1, 3, 10) << 24;
    // 18:30 in Shanghai: today began at 16:00 UTC the day before.
    QTest::newRow("7d-shanghai") << u"7d"_s << utc(1, 3, 10, 30) << QByteArray("Asia/Shanghai")
                                 << utc(1, 2, 16) << utc(12, 27, 16).addYears(-1) << utc(1, 2, 16)
                                 << 7;
    // India is UTC+5:30: its hours start at half past the UTC hour.
    QTest::newRow("24h-kolkata") << u"24h"_s << utc(1, 3, 10, 10) << QByteArray("Asia/Kolkata")
                                 << utc(1, 2, 18, 30) << utc(1, 2, 10, 30) << utc(1, 3, 9, 30)
                                 << 24;
    // Berlin moves to summer time on 29 March: that day has 23 hours.
    QTest::newRow("7d-berlin-dst") << u"7d"_s << utc(3, 30, 12) << QByteArray("Europe/Berlin")
                                   << utc(3, 29, 22) << utc(3, 23, 23) << utc(3, 29, 22) << 7;
}

void tst_RunStats::window()
{
    QFETCH(QString, range);
    QFETCH(QDateTime, now);
    QFETCH(QByteArray, zone);
    QFETCH(QDateTime, dayStart);
    QFETCH(QDateTime, firstBucket);
    QFETCH(QDateTime, lastBucket);
    QFETCH(int, bucketCount);

    const std::optional<StatsRange> r = statsRangeFromName(range);
    QVERIFY(r);
    QCOMPARE(statsRangeName(*r), range);
    const StatsWindow w = statsWindow(*r, now, QTimeZone(zone));
    QCOMPARE(w.dayStart, dayStart);
    QCOMPARE(w.bucketStarts.size(), bucketCount);
    QCOMPARE(w.bucketStarts.first(), firstBucket);
    QCOMPARE(w.bucketStarts.last(), lastBucket);
    QCOMPARE(w.end, now.addMSecs(1));
    for (qsizetype i = 1; i < w.bucketStarts.size(); ++i)
        QVERIFY(w.bucketStarts.at(i - 1) < w.bucketStarts.at(i));
    QVERIFY(!statsRangeFromName(u"30d"_s));
}

void tst_RunStats::hoursIntoBuckets()
{
    // Berlin's midnights of 29 March (UTC+1; a day of 23 hours), 30 and 31 March (UTC+2).
    const QDateTime from = utc(3, 28, 23);
    const QList<QDateTime> starts{from, utc(3, 29, 22), utc(3, 30, 22)};
    RunCounts one;
    one.runs = 1;
    one.successes = 1;
    one.finished = 1;
    one.durationSumMs = 1000;
    one.durationCount = 1;
    RunCounts failed;
    failed.runs = 1;
    failed.finished = 1;
    failed.abnormal = 1;
    // Hours 0 and 22 are on the 29th; 23 opens the 30th and 46 closes it; 47 opens the 31st.
    const QList<RunStatsBucket> buckets
            = sumHours(from, starts, {{0, one}, {22, failed}, {23, one}, {46, failed}, {47, one}});
    QCOMPARE(buckets.size(), 3);
    QCOMPARE(buckets.at(0).start, from);
    QCOMPARE(buckets.at(0).counts.runs, 2);
    QCOMPARE(buckets.at(0).counts.abnormal, 1);
    QCOMPARE(buckets.at(0).counts.successRate(), std::optional<double>(0.5));
    QCOMPARE(buckets.at(1).counts.runs, 2);
    QCOMPARE(buckets.at(1).counts.meanDurationMs(), std::optional<double>(1000.0));
    QCOMPARE(buckets.at(2).counts.runs, 1);
    QCOMPARE(buckets.at(2).counts.abnormal, 0);
    QCOMPARE(RunCounts().successRate(), std::nullopt);
    QCOMPARE(RunCounts().meanDurationMs(), std::nullopt);
}

RunId tst_RunStats::runAt(Store &store, const QDateTime &created, std::optional<RunState> end,
                          int durationSecs)
{
    m_clock.set(created);
    NewRun nr;
    nr.job = JobId(7);
    nr.jobName = u"report"_s;
    nr.trigger = RunTrigger::Manual;
    const Result<RunRecord> run = store.createRun(nr);
    if (!run)
        return RunId();
    const RunId id = run->run.id();
    if (!end)
        return id;
    if (*end == RunState::Cancelled) {
        if (!store.transition(id, 1, RunState::Cancelled, created))
            return RunId();
        return id;
    }
    const Result<ResultOutcome> result = store.recordResult(
            id, 1, *end, *end == RunState::Success ? 0 : 1, created, created.addSecs(durationSecs));
    return result ? id : RunId();
}

void tst_RunStats::storeAggregatesRuns()
{
    auto opened = Store::open(freshUrl(m_dir.path(), true), m_clock);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
    Store &store = **opened;

    // Yesterday (UTC), then today: success 10 s, failed 30 s, timed out 20 s, cancelled,
    // one still waiting.
    QVERIFY(runAt(store, utc(1, 2, 23, 30), RunState::Success, 60).isValid());
    QVERIFY(runAt(store, utc(1, 3, 8, 10), RunState::Success, 10).isValid());
    QVERIFY(runAt(store, utc(1, 3, 8, 20), RunState::Failed, 30).isValid());
    QVERIFY(runAt(store, utc(1, 3, 9, 5), RunState::TimedOut, 20).isValid());
    QVERIFY(runAt(store, utc(1, 3, 9, 40), RunState::Cancelled, 0).isValid());
    QVERIFY(runAt(store, utc(1, 3, 10, 0), std::nullopt, 0).isValid());
    // A run that is retried: its second attempt's duration counts.
    const RunId retried = runAt(store, utc(1, 3, 10, 5), RunState::Failed, 100);
    QVERIFY(retried.isValid());
    QVERIFY(store.retry(retried, utc(1, 3, 10, 7)));
    QVERIFY(store.recordResult(retried, 2, RunState::Success, 0, utc(1, 3, 10, 8),
                               utc(1, 3, 10, 8).addSecs(40)));

    const QDateTime now = utc(1, 3, 10, 30);
    StatsWindow w = statsWindow(StatsRange::Day, now, QTimeZone("UTC"));
    Result<RunStats> stats = store.runStats(w.dayStart, w.bucketStarts, w.end);
    QVERIFY2(stats, qPrintable(stats ? QString() : stats.error().toString()));
    QCOMPARE(stats->today.runs, 6);
    QCOMPARE(stats->today.successes, 2);
    QCOMPARE(stats->today.finished, 4);
    QCOMPARE(stats->today.abnormal, 2);
    QCOMPARE(stats->today.successRate(), std::optional<double>(0.5));
    QCOMPARE(stats->today.meanDurationMs(), std::optional<double>((10 + 30 + 20 + 40) * 250.0));
    QCOMPARE(stats->queueLength, 1);
    QCOMPARE(stats->buckets.size(), 24);
    QList<qint64> runs;
    for (const RunStatsBucket &b : stats->buckets)
        runs.append(b.counts.runs);
    QList<qint64> expected(24, 0);
    expected[12] = 1;  // 23:00 yesterday
    expected[21] = 2;  // 08:00
    expected[22] = 2;  // 09:00
    expected[23] = 2;  // 10:00
    QCOMPARE(runs, expected);
    QCOMPARE(stats->buckets.at(12).counts.meanDurationMs(), std::optional<double>(60000.0));
    QCOMPARE(stats->buckets.at(22).counts.abnormal, 1);
    QCOMPARE(stats->buckets.at(22).counts.finished, 1);

    // In Shanghai it is 18:30: yesterday's 23:30 UTC run is today's 07:30.
    w = statsWindow(StatsRange::Week, now, QTimeZone("Asia/Shanghai"));
    stats = store.runStats(w.dayStart, w.bucketStarts, w.end);
    QVERIFY(stats);
    QCOMPARE(stats->today.runs, 7);
    QCOMPARE(stats->today.successes, 3);
    QCOMPARE(stats->buckets.size(), 7);
    QCOMPARE(stats->buckets.last().counts.runs, 7);
    QCOMPARE(stats->buckets.first().counts.runs, 0);
}

QTEST_GUILESS_MAIN(tst_RunStats)
#include "tst_runstats.moc"

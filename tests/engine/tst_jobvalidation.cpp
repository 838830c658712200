// The engine's job checks with and without the shared zone cache: the same zones, the same
// schedules and the same located errors; the cache keeps one zone per name. The schedule cache
// gives the jobs of one schedule and zone one expression and drops those no job holds.

#include <master/engine/jobvalidation.h>

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Master;

class tst_JobValidation : public QObject
{
    Q_OBJECT

private slots:
    void sameAnswerWithCache_data();
    void sameAnswerWithCache();
    void cacheKeepsOneZonePerName();
    void scheduleCacheSharesEqualSchedules();
    void scheduleCachePrunesUnheld();
};

void tst_JobValidation::sameAnswerWithCache_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("expectedZone");   // empty = an error on time_zone
    QTest::addColumn<qint64>("nextAfterEpoch");  // the first fire after 2026-03-08T00:00Z

    QTest::newRow("utc") << u"UTC"_s << u"30 2 * * *"_s << u"UTC"_s << qint64(1772937000);
    QTest::newRow("default-zone") << QString() << u"30 2 * * *"_s << u"UTC"_s << qint64(1772937000);
    // 2026-03-08 is the spring-forward day in New York: 02:30 does not exist, the fire moves.
    QTest::newRow("dst-spring-forward") << u"America/New_York"_s << u"30 2 * * *"_s
                                        << u"America/New_York"_s << qint64(1772953200);
    QTest::newRow("shanghai") << u"Asia/Shanghai"_s << u"0 8 * * *"_s << u"Asia/Shanghai"_s
                              << qint64(1773014400);
    QTest::newRow("unknown-zone") << u"Mars/Olympus_Mons"_s << u"0 8 * * *"_s << QString()
                                  << qint64(0);
}

void tst_JobValidation::sameAnswerWithCache()
{
    QFETCH(QString, zone);
    QFETCH(QString, schedule);
    QFETCH(QString, expectedZone);
    QFETCH(qint64, nextAfterEpoch);

    Job job;
    job.name = u"nightly"_s;
    job.command = u"true"_s;
    job.schedule = schedule;
    job.timeZone = zone;
    ZoneCache cache;
    JobCheckOptions withCache;
    withCache.zones = &cache;
    // Twice through the cache (made, then found), once without.
    for (const JobCheckOptions &options : {withCache, withCache, JobCheckOptions{}}) {
        const Result<CheckedJob> checked = checkJob(job, options);
        if (expectedZone.isEmpty()) {
            QVERIFY(!checked);
            QCOMPARE(checked.error().code, ErrorCode::InvalidValue);
            QCOMPARE(checked.error().file, u"time_zone"_s);
            continue;
        }
        QVERIFY2(checked, qPrintable(checked ? QString() : checked.error().toString()));
        QCOMPARE(QString::fromUtf8(checked->zone.id()), expectedZone);
        QVERIFY(checked->schedule.has_value());
        QCOMPARE(checked->schedule->nextSecs(1772928000), std::optional<qint64>(nextAfterEpoch));
    }
    QCOMPARE(cache.size(), expectedZone.isEmpty() ? 0 : 1);
}

void tst_JobValidation::cacheKeepsOneZonePerName()
{
    ZoneCache cache;
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(QString::fromUtf8(cache.zone(u"UTC"_s)->id()), u"UTC"_s);
        QCOMPARE(QString::fromUtf8(cache.zone(u"Europe/Berlin"_s)->id()), u"Europe/Berlin"_s);
        QVERIFY(!cache.zone(u"Nowhere"_s));
    }
    QCOMPARE(cache.size(), 2);
    // The system's zone (empty name) is answered but not kept.
    QVERIFY(cache.zone(QString()).has_value());
    QCOMPARE(cache.size(), 2);
}

void tst_JobValidation::scheduleCacheSharesEqualSchedules()
{
    ZoneCache zones;
    const auto parse = [&](const QString &text, const QString &zone) {
        return *Cron::CronExpression::parse(text, *zones.zone(zone));
    };
    ScheduleCache cache;
    const Cron::CronExpression first = cache.share(parse(u"0 2 * * *"_s, u"UTC"_s));
    QVERIFY(first.isShared());  // the cache holds it too
    const Cron::CronExpression same = cache.share(parse(u"0 2 * * *"_s, u"UTC"_s));
    const Cron::CronExpression otherZone = cache.share(parse(u"0 2 * * *"_s, u"Asia/Shanghai"_s));
    const Cron::CronExpression otherText = cache.share(parse(u"0 3 * * *"_s, u"UTC"_s));
    QCOMPARE(cache.size(), 3);
    QCOMPARE(same.text(), u"0 2 * * *"_s);
    QCOMPARE(QString::fromUtf8(same.timeZone().id()), u"UTC"_s);
    QCOMPARE(same.nextSecs(1772928000), std::optional<qint64>(1772935200));       // 02:00Z
    QCOMPARE(otherZone.nextSecs(1772928000), std::optional<qint64>(1772992800));  // 02:00+08
    QCOMPARE(otherText.nextSecs(1772928000), std::optional<qint64>(1772938800));  // 03:00Z
    // An invalid expression is answered as it is and not kept.
    QVERIFY(!cache.share(Cron::CronExpression()).isValid());
    QCOMPARE(cache.size(), 3);
}

void tst_JobValidation::scheduleCachePrunesUnheld()
{
    ZoneCache zones;
    ScheduleCache cache;
    std::optional<Cron::CronExpression> held
            = cache.share(*Cron::CronExpression::parse(u"*/5 * * * *"_s, *zones.zone(u"UTC"_s)));
    {
        const Cron::CronExpression dropped = cache.share(
                *Cron::CronExpression::parse(u"*/7 * * * *"_s, *zones.zone(u"UTC"_s)));
        QCOMPARE(cache.size(), 2);
        cache.prune();
        QCOMPARE(cache.size(), 2);  // both still held
    }
    cache.prune();
    QCOMPARE(cache.size(), 1);
    QVERIFY(held->isShared());
    held.reset();
    cache.prune();
    QCOMPARE(cache.size(), 0);
}

QTEST_APPLESS_MAIN(tst_JobValidation)

#include "tst_jobvalidation.moc"

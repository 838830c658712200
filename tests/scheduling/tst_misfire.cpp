#include <master/scheduling/misfire.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(Orrery::MisfirePolicy)

namespace {

// "2026-03-08T03:00:00-04:00": wall time and offset, so a test sees the zone as well.
QString stamp(const QDateTime &dt)
{
    const int offset = dt.offsetFromUtc();
    const int a = std::abs(offset);
    return dt.toString(u"yyyy-MM-ddTHH:mm:ss"_s) + (offset < 0 ? u'-' : u'+')
           + QString::number(a / 3600).rightJustified(2, u'0') + u':'
           + QString::number(a % 3600 / 60).rightJustified(2, u'0');
}

QString stamps(const QList<QDateTime> &list)
{
    QStringList parts;
    for (const QDateTime &dt : list)
        parts.append(stamp(dt));
    return parts.join(u' ');
}

QDateTime at(const QString &iso)
{
    const QDateTime dt = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!dt.isValid())
        qFatal("bad test time %s", qPrintable(iso));
    return dt;
}

Cron::CronExpression cron(const QString &text, const QByteArray &zone)
{
    const auto parsed = Cron::CronExpression::parse(text, QTimeZone(zone));
    if (!parsed)
        qFatal("bad test cron %s: %s", qPrintable(text), qPrintable(parsed.error().toString()));
    return *parsed;
}

}  // namespace

class tst_Misfire : public QObject
{
    Q_OBJECT

private slots:
    void missed_data();
    void missed();
    void longOutageIsBounded_data();
    void longOutageIsBounded();
    void invalidInputs();
};

void tst_Misfire::missed_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QByteArray>("zone");     // the schedule's
    QTest::addColumn<QByteArray>("outZone");  // the zone passed in; empty = invalid
    QTest::addColumn<QString>("lastFire");
    QTest::addColumn<QString>("now");
    QTest::addColumn<MisfirePolicy>("policy");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("expected");

    const auto once = MisfirePolicy::FireOnce;
    const auto skip = MisfirePolicy::Skip;
    const auto catchUp = MisfirePolicy::CatchUp;
    const QString hourly = u"0 * * * *"_s;

    // --- fire once: the latest missed instant only
    QTest::newRow("fire-once-hourly")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T10:00:00Z"_s << u"2026-01-01T13:30:00Z"_s << once << 10
            << u"2026-01-01T13:00:00+00:00"_s;
    QTest::newRow("fire-once-nothing-missed")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T10:00:00Z"_s << u"2026-01-01T10:59:59.999Z"_s << once << 10
            << QString();
    QTest::newRow("fire-once-now-inclusive")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T10:00:00Z"_s << u"2026-01-01T11:00:00Z"_s << once << 10
            << u"2026-01-01T11:00:00+00:00"_s;
    QTest::newRow("fire-once-last-exclusive")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T11:00:00Z"_s << u"2026-01-01T11:30:00Z"_s << once << 10
            << QString();
    QTest::newRow("fire-once-ignores-limit")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T10:00:00Z"_s << u"2026-01-01T13:30:00Z"_s << once << 0
            << u"2026-01-01T13:00:00+00:00"_s;
    QTest::newRow("fire-once-dst-fall-back")  // fixed hour: the first 01:30 only
            << u"30 1 * * *"_s << "America/New_York"_ba
            << "America/New_York"_ba << u"2026-10-31T01:30:00-04:00"_s
            << u"2026-11-01T01:45:00-05:00"_s << once << 10 << u"2026-11-01T01:30:00-04:00"_s;

    // --- skip: nothing
    QTest::newRow("skip") << hourly << "UTC"_ba
                          << "UTC"_ba << u"2026-01-01T10:00:00Z"_s << u"2026-01-01T13:30:00Z"_s
                          << skip << 10 << QString();

    // --- catch up: every missed instant, oldest first, the newest `limit`
    QTest::newRow("catch-up-all") << hourly << "UTC"_ba
                                  << "UTC"_ba << u"2026-01-01T10:00:00Z"_s
                                  << u"2026-01-01T13:30:00Z"_s << catchUp << 10
                                  << u"2026-01-01T11:00:00+00:00 2026-01-01T12:00:00+00:00 "
                                     "2026-01-01T13:00:00+00:00"_s;
    QTest::newRow("catch-up-limit-keeps-newest")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T00:00:00Z"_s << u"2026-01-01T13:30:00Z"_s << catchUp << 3
            << u"2026-01-01T11:00:00+00:00 2026-01-01T12:00:00+00:00 "
               "2026-01-01T13:00:00+00:00"_s;
    QTest::newRow("catch-up-limit-exactly-met")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T10:00:00Z"_s << u"2026-01-01T13:00:00Z"_s << catchUp << 3
            << u"2026-01-01T11:00:00+00:00 2026-01-01T12:00:00+00:00 "
               "2026-01-01T13:00:00+00:00"_s;
    QTest::newRow("catch-up-limit-one")
            << hourly << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T10:00:00Z"_s << u"2026-01-01T13:30:00Z"_s << catchUp << 1
            << u"2026-01-01T13:00:00+00:00"_s;
    QTest::newRow("catch-up-limit-zero") << hourly << "UTC"_ba
                                         << "UTC"_ba << u"2026-01-01T10:00:00Z"_s
                                         << u"2026-01-01T13:30:00Z"_s << catchUp << 0 << QString();
    QTest::newRow("catch-up-millisecond-bounds")
            << u"* * * * * *"_s << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T10:00:00.500Z"_s << u"2026-01-01T10:00:03.200Z"_s << catchUp
            << 10
            << u"2026-01-01T10:00:01+00:00 2026-01-01T10:00:02+00:00 "
               "2026-01-01T10:00:03+00:00"_s;
    QTest::newRow("catch-up-dst-spring-forward")  // 02:30 does not exist on 03-08: 03:00
            << u"30 2 * * *"_s << "America/New_York"_ba
            << "America/New_York"_ba << u"2026-03-07T02:30:00-05:00"_s
            << u"2026-03-09T12:00:00-04:00"_s << catchUp << 10
            << u"2026-03-08T03:00:00-04:00 2026-03-09T02:30:00-04:00"_s;
    QTest::newRow("catch-up-dst-fall-back")  // every real instant, 01:00 and 01:30 twice
            << u"*/30 * * * *"_s << "America/New_York"_ba
            << "America/New_York"_ba << u"2026-11-01T00:45:00-04:00"_s
            << u"2026-11-01T02:00:00-05:00"_s << catchUp << 10
            << u"2026-11-01T01:00:00-04:00 2026-11-01T01:30:00-04:00 "
               "2026-11-01T01:00:00-05:00 2026-11-01T01:30:00-05:00 "
               "2026-11-01T02:00:00-05:00"_s;
    QTest::newRow("catch-up-in-requested-zone")
            << u"0 9 * * *"_s << "Asia/Shanghai"_ba
            << "UTC"_ba << u"2026-01-01T00:00:00Z"_s << u"2026-01-03T00:00:00Z"_s << catchUp << 10
            << u"2026-01-01T01:00:00+00:00 2026-01-02T01:00:00+00:00"_s;
    QTest::newRow("catch-up-in-schedule-zone")
            << u"0 9 * * *"_s << "Asia/Shanghai"_ba << QByteArray() << u"2026-01-01T00:00:00Z"_s
            << u"2026-01-03T00:00:00Z"_s << catchUp << 10
            << u"2026-01-01T09:00:00+08:00 2026-01-02T09:00:00+08:00"_s;
    QTest::newRow("catch-up-every")
            << u"@every 90s"_s << "UTC"_ba
            << "UTC"_ba << u"2026-01-01T00:00:00Z"_s << u"2026-01-01T00:04:00Z"_s << catchUp << 10
            << u"2026-01-01T00:01:30+00:00 2026-01-01T00:03:00+00:00"_s;

    // --- nothing to miss
    QTest::newRow("now-equals-last") << hourly << "UTC"_ba
                                     << "UTC"_ba << u"2026-01-01T10:00:00Z"_s
                                     << u"2026-01-01T10:00:00Z"_s << catchUp << 10 << QString();
    QTest::newRow("now-before-last") << hourly << "UTC"_ba
                                     << "UTC"_ba << u"2026-01-01T13:00:00Z"_s
                                     << u"2026-01-01T10:00:00Z"_s << once << 10 << QString();
}

void tst_Misfire::missed()
{
    QFETCH(QString, schedule);
    QFETCH(QByteArray, zone);
    QFETCH(QByteArray, outZone);
    QFETCH(QString, lastFire);
    QFETCH(QString, now);
    QFETCH(MisfirePolicy, policy);
    QFETCH(int, limit);
    QFETCH(QString, expected);

    const QTimeZone out = outZone.isEmpty() ? QTimeZone() : QTimeZone(outZone);
    const QList<QDateTime> fires
            = missedFires(cron(schedule, zone), out, at(lastFire), at(now), policy, limit);
    QCOMPARE(stamps(fires), expected);
}

// A master down for ten years with a job firing every second: 315 million missed instants.
// Only `limit` (+1) are computed: a walk over all of them would not finish.
void tst_Misfire::longOutageIsBounded_data()
{
    QTest::addColumn<MisfirePolicy>("policy");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");
    QTest::addColumn<int>("count");

    QTest::newRow("fire-once") << MisfirePolicy::FireOnce << 1000 << u"2036-01-01T00:00:00+00:00"_s
                               << u"2036-01-01T00:00:00+00:00"_s << 1;
    QTest::newRow("catch-up-5") << MisfirePolicy::CatchUp << 5 << u"2035-12-31T23:59:56+00:00"_s
                                << u"2036-01-01T00:00:00+00:00"_s << 5;
    QTest::newRow("catch-up-1000")
            << MisfirePolicy::CatchUp << 1000 << u"2035-12-31T23:43:21+00:00"_s
            << u"2036-01-01T00:00:00+00:00"_s << 1000;
    QTest::newRow("skip") << MisfirePolicy::Skip << 1000 << QString() << QString() << 0;
}

void tst_Misfire::longOutageIsBounded()
{
    QFETCH(MisfirePolicy, policy);
    QFETCH(int, limit);
    QFETCH(QString, first);
    QFETCH(QString, last);
    QFETCH(int, count);

    const QList<QDateTime> fires = missedFires(cron(u"* * * * * *"_s, "UTC"), QTimeZone::utc(),
                                               at(u"2026-01-01T00:00:00Z"_s),
                                               at(u"2036-01-01T00:00:00Z"_s), policy, limit);
    QCOMPARE(fires.size(), count);
    if (count == 0)
        return;
    QCOMPARE(stamp(fires.first()), first);
    QCOMPARE(stamp(fires.last()), last);
    for (qsizetype i = 1; i < fires.size(); ++i)
        QCOMPARE(fires.at(i - 1).secsTo(fires.at(i)), 1);
}

void tst_Misfire::invalidInputs()
{
    const Cron::CronExpression hourly = cron(u"0 * * * *"_s, "UTC");
    const QDateTime last = at(u"2026-01-01T10:00:00Z"_s);
    const QDateTime now = at(u"2026-01-01T13:30:00Z"_s);
    QCOMPARE(missedFires(Cron::CronExpression(), QTimeZone::utc(), last, now,
                         MisfirePolicy::CatchUp, 10)
                     .size(),
             0);
    QCOMPARE(missedFires(hourly, QTimeZone::utc(), QDateTime(), now, MisfirePolicy::CatchUp, 10)
                     .size(),
             0);
    QCOMPARE(missedFires(hourly, QTimeZone::utc(), last, QDateTime(), MisfirePolicy::FireOnce, 10)
                     .size(),
             0);
    QCOMPARE(missedFires(hourly, QTimeZone::utc(), last, now, MisfirePolicy::CatchUp, -1).size(),
             0);
}

QTEST_APPLESS_MAIN(tst_Misfire)
#include "tst_misfire.moc"

#include <cron/cronexpression.h>
#include <cron/zonetable.h>

#include <model/error.h>

#include <QTest>

#include <limits>

using namespace Orrery;
using namespace Orrery::Cron;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(Orrery::ErrorCode)
Q_DECLARE_METATYPE(Orrery::Cron::Language)

namespace {

QTimeZone zoneNamed(const QByteArray &name)
{
    return name.isEmpty() ? QTimeZone::utc() : QTimeZone(name);
}

// "2026-03-08T03:00:00-04:00": wall time and offset, so a test sees the zone as well.
QString stamp(const QDateTime &dt)
{
    const int offset = dt.offsetFromUtc();
    const int a = std::abs(offset);
    return dt.toString(u"yyyy-MM-ddTHH:mm:ss"_s) + (offset < 0 ? u'-' : u'+')
           + QString::number(a / 3600).rightJustified(2, u'0') + u':'
           + QString::number(a % 3600 / 60).rightJustified(2, u'0');
}

QString stamp(const std::optional<QDateTime> &dt)
{
    return dt ? stamp(*dt) : u"none"_s;
}

QDateTime at(const QString &iso)
{
    const QDateTime dt = QDateTime::fromString(iso, Qt::ISODate);
    Q_ASSERT(dt.isValid());
    return dt;
}

QStringList normalized(const QStringList &isoTimes)
{
    QStringList out;
    for (const QString &s : isoTimes)
        out.append(s == u"none"_s ? s : stamp(at(s)));
    return out;
}

CronExpression parsed(const QString &text, const QByteArray &zone = {})
{
    auto result = CronExpression::parse(text, zoneNamed(zone));
    if (!result)
        qWarning("%s", qPrintable(result.error().toString()));
    return result ? *result : CronExpression();
}

}  // namespace

class tst_CronExpression : public QObject
{
    Q_OBJECT

private slots:
    void nextFire_data();
    void nextFire();
    void previousFire_data();
    void previousFire();
    void parseErrors_data();
    void parseErrors();
    void explain_data();
    void explain();
    void timeZoneFromName_data();
    void timeZoneFromName();
    void valueSemantics();
    void dateTimeEdges();
    void secsEdges();
    void zoneTableMatchesQt_data();
    void zoneTableMatchesQt();
    void roundTripAcrossDstYears_data();
    void roundTripAcrossDstYears();
};

void tst_CronExpression::nextFire_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    auto row = [](const char *name, const QString &text, const QByteArray &zone,
                  const QString &after, const QStringList &expected) {
        QTest::newRow(name) << text << zone << after << expected;
    };

    // Fields, lists, ranges, steps.
    row("every-minute", u"* * * * *"_s, {}, u"2026-01-01T00:00:30Z"_s,
        {u"2026-01-01T00:01:00Z"_s, u"2026-01-01T00:02:00Z"_s, u"2026-01-01T00:03:00Z"_s});
    row("step-every-5", u"*/5 * * * *"_s, {}, u"2026-01-01T10:03:00Z"_s,
        {u"2026-01-01T10:05:00Z"_s, u"2026-01-01T10:10:00Z"_s});
    row("range-with-step", u"10-50/7 * * * *"_s, {}, u"2026-01-01T10:40:00Z"_s,
        {u"2026-01-01T10:45:00Z"_s, u"2026-01-01T11:10:00Z"_s, u"2026-01-01T11:17:00Z"_s});
    row("start-with-step", u"3/15 * * * *"_s, {}, u"2026-01-01T10:50:00Z"_s,
        {u"2026-01-01T11:03:00Z"_s, u"2026-01-01T11:18:00Z"_s, u"2026-01-01T11:33:00Z"_s,
         u"2026-01-01T11:48:00Z"_s, u"2026-01-01T12:03:00Z"_s});
    row("list-of-hours", u"0 8,12,18 * * *"_s, {}, u"2026-01-01T12:00:00Z"_s,
        {u"2026-01-01T18:00:00Z"_s, u"2026-01-02T08:00:00Z"_s, u"2026-01-02T12:00:00Z"_s});
    row("hour-range", u"0 9-11 * * *"_s, {}, u"2026-01-01T11:00:00Z"_s,
        {u"2026-01-02T09:00:00Z"_s, u"2026-01-02T10:00:00Z"_s});
    row("mixed-list", u"5,10-12,*/30 * * * *"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-01T00:05:00Z"_s, u"2026-01-01T00:10:00Z"_s, u"2026-01-01T00:11:00Z"_s,
         u"2026-01-01T00:12:00Z"_s, u"2026-01-01T00:30:00Z"_s, u"2026-01-01T01:00:00Z"_s});
    row("whitespace-tabs", u"  0\t12  *  * *  "_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-01T12:00:00Z"_s});

    // Names.
    row("month-names-list", u"0 0 1 JAN,jul *"_s, {}, u"2026-02-01T00:00:00Z"_s,
        {u"2026-07-01T00:00:00Z"_s, u"2027-01-01T00:00:00Z"_s});
    row("month-name-range", u"0 0 1 mar-May *"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-03-01T00:00:00Z"_s, u"2026-04-01T00:00:00Z"_s, u"2026-05-01T00:00:00Z"_s,
         u"2027-03-01T00:00:00Z"_s});
    row("dow-name-range", u"0 9 * * MON-FRI"_s, {}, u"2026-01-02T10:00:00Z"_s,
        {u"2026-01-05T09:00:00Z"_s, u"2026-01-06T09:00:00Z"_s});
    row("dow-name-lowercase", u"0 0 * * sun"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-04T00:00:00Z"_s, u"2026-01-11T00:00:00Z"_s});
    row("dow-sunday-0", u"0 0 * * 0"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-04T00:00:00Z"_s, u"2026-01-11T00:00:00Z"_s});
    row("dow-sunday-7", u"0 0 * * 7"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-04T00:00:00Z"_s, u"2026-01-11T00:00:00Z"_s});
    row("dow-range-to-7", u"0 0 * * 5-7"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-02T00:00:00Z"_s, u"2026-01-03T00:00:00Z"_s, u"2026-01-04T00:00:00Z"_s,
         u"2026-01-09T00:00:00Z"_s});
    row("question-mark-dom", u"0 12 ? * WED"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-07T12:00:00Z"_s, u"2026-01-14T12:00:00Z"_s});
    row("question-mark-dow", u"0 0 13 * ?"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-13T00:00:00Z"_s, u"2026-02-13T00:00:00Z"_s});

    // Day-of-month / day-of-week: OR when both are restricted, AND when one starts with '*'.
    row("or-dom-and-dow", u"0 0 1,15 * MON"_s, {}, u"2026-06-01T00:00:00Z"_s,
        {u"2026-06-08T00:00:00Z"_s, u"2026-06-15T00:00:00Z"_s, u"2026-06-22T00:00:00Z"_s,
         u"2026-06-29T00:00:00Z"_s, u"2026-07-01T00:00:00Z"_s});
    row("or-last-day-or-friday", u"0 0 L * FRI"_s, {}, u"2026-01-24T00:00:00Z"_s,
        {u"2026-01-30T00:00:00Z"_s, u"2026-01-31T00:00:00Z"_s, u"2026-02-06T00:00:00Z"_s});
    row("and-dom-star-step", u"0 0 */2 * MON"_s, {}, u"2026-06-01T00:00:00Z"_s,
        {u"2026-06-15T00:00:00Z"_s, u"2026-06-29T00:00:00Z"_s, u"2026-07-13T00:00:00Z"_s});
    row("and-dow-star-step", u"0 0 13 * */7"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-09-13T00:00:00Z"_s, u"2026-12-13T00:00:00Z"_s});
    row("only-dow-restricted", u"0 0 * * MON"_s, {}, u"2026-06-01T00:00:00Z"_s,
        {u"2026-06-08T00:00:00Z"_s, u"2026-06-15T00:00:00Z"_s});

    // L, W, #.
    row("dom-last", u"0 0 L * *"_s, {}, u"2026-01-15T00:00:00Z"_s,
        {u"2026-01-31T00:00:00Z"_s, u"2026-02-28T00:00:00Z"_s, u"2026-03-31T00:00:00Z"_s,
         u"2026-04-30T00:00:00Z"_s});
    row("dom-last-leap-february", u"0 0 L 2 *"_s, {}, u"2027-03-01T00:00:00Z"_s,
        {u"2028-02-29T00:00:00Z"_s, u"2029-02-28T00:00:00Z"_s});
    row("dom-last-minus-3", u"0 0 L-3 * *"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-28T00:00:00Z"_s, u"2026-02-25T00:00:00Z"_s, u"2026-03-28T00:00:00Z"_s});
    row("dom-last-minus-30-only-31-day-months", u"0 0 L-30 * *"_s, {}, u"2026-01-02T00:00:00Z"_s,
        {u"2026-03-01T00:00:00Z"_s, u"2026-05-01T00:00:00Z"_s});
    row("dom-last-weekday", u"0 0 LW * *"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-30T00:00:00Z"_s, u"2026-02-27T00:00:00Z"_s, u"2026-03-31T00:00:00Z"_s});
    row("dom-last-weekday-sunday-31", u"0 0 LW 5 *"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-05-29T00:00:00Z"_s});
    row("dom-15w-saturday-to-friday-14", u"0 0 15W * *"_s, {}, u"2026-08-01T00:00:00Z"_s,
        {u"2026-08-14T00:00:00Z"_s, u"2026-09-15T00:00:00Z"_s});
    row("dom-15w-sunday-to-monday-16", u"0 0 15W * *"_s, {}, u"2026-03-01T00:00:00Z"_s,
        {u"2026-03-16T00:00:00Z"_s});
    row("dom-1w-saturday-to-monday-3", u"0 0 1W * *"_s, {}, u"2026-07-15T00:00:00Z"_s,
        {u"2026-08-03T00:00:00Z"_s, u"2026-09-01T00:00:00Z"_s});
    row("dom-31w-sunday-to-friday-29", u"0 0 31W * *"_s, {}, u"2026-05-01T00:00:00Z"_s,
        {u"2026-05-29T00:00:00Z"_s, u"2026-07-31T00:00:00Z"_s});
    row("dom-1w-sunday-to-monday-2", u"0 0 1w * *"_s, {}, u"2026-02-15T00:00:00Z"_s,
        {u"2026-03-02T00:00:00Z"_s});
    row("dow-last-friday", u"0 12 * * 5L"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-30T12:00:00Z"_s, u"2026-02-27T12:00:00Z"_s, u"2026-03-27T12:00:00Z"_s});
    row("dow-last-friday-name", u"0 12 * * FRIL"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-30T12:00:00Z"_s});
    row("dow-last-sunday-7l", u"0 0 * * 7L"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-25T00:00:00Z"_s, u"2026-02-22T00:00:00Z"_s});
    row("dow-second-monday-name", u"0 9 * * MON#2"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-12T09:00:00Z"_s, u"2026-02-09T09:00:00Z"_s, u"2026-03-09T09:00:00Z"_s});
    row("dow-second-monday-number", u"0 9 * * 1#2"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-12T09:00:00Z"_s});
    row("dow-fifth-friday", u"0 0 * * 5#5"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-30T00:00:00Z"_s, u"2026-05-29T00:00:00Z"_s, u"2026-07-31T00:00:00Z"_s});

    // Leap years, month ends, long gaps.
    row("leap-day", u"0 0 29 2 *"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2028-02-29T00:00:00Z"_s, u"2032-02-29T00:00:00Z"_s});
    row("leap-day-2100-is-not-leap", u"0 0 29 2 *"_s, {}, u"2097-01-01T00:00:00Z"_s,
        {u"2104-02-29T00:00:00Z"_s, u"2108-02-29T00:00:00Z"_s});
    row("rare-fifth-monday-of-february", u"0 0 * 2 1#5"_s, {}, u"2017-01-01T00:00:00Z"_s,
        {u"2044-02-29T00:00:00Z"_s, u"2072-02-29T00:00:00Z"_s, u"2112-02-29T00:00:00Z"_s});
    row("month-end-31", u"0 0 31 * *"_s, {}, u"2026-01-31T00:00:00Z"_s,
        {u"2026-03-31T00:00:00Z"_s, u"2026-05-31T00:00:00Z"_s, u"2026-07-31T00:00:00Z"_s});
    row("year-boundary", u"59 23 31 12 *"_s, {}, u"2026-06-01T00:00:00Z"_s,
        {u"2026-12-31T23:59:00Z"_s, u"2027-12-31T23:59:00Z"_s});
    row("last-possible-fire", u"59 23 31 12 *"_s, {}, u"9999-12-31T00:00:00Z"_s,
        {u"9999-12-31T23:59:00Z"_s, u"none"_s});

    // Macros.
    row("macro-yearly", u"@yearly"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2027-01-01T00:00:00Z"_s, u"2028-01-01T00:00:00Z"_s});
    row("macro-annually", u"@annually"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2027-01-01T00:00:00Z"_s});
    row("macro-monthly", u"@monthly"_s, {}, u"2026-01-15T00:00:00Z"_s,
        {u"2026-02-01T00:00:00Z"_s, u"2026-03-01T00:00:00Z"_s});
    row("macro-weekly-sunday", u"@weekly"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-04T00:00:00Z"_s, u"2026-01-11T00:00:00Z"_s});
    row("macro-daily", u"@daily"_s, {}, u"2026-01-01T00:00:00Z"_s, {u"2026-01-02T00:00:00Z"_s});
    row("macro-midnight", u"@midnight"_s, {}, u"2026-01-01T12:00:00Z"_s,
        {u"2026-01-02T00:00:00Z"_s});
    row("macro-hourly", u"@hourly"_s, {}, u"2026-01-01T12:00:00Z"_s,
        {u"2026-01-01T13:00:00Z"_s, u"2026-01-01T14:00:00Z"_s});
    row("macro-case-insensitive", u"@HOURLY"_s, {}, u"2026-01-01T12:30:00Z"_s,
        {u"2026-01-01T13:00:00Z"_s});

    // @every: multiples of the interval since the Unix epoch.
    row("every-90s", u"@every 90s"_s, {}, u"2026-01-01T00:00:10Z"_s,
        {u"2026-01-01T00:01:30Z"_s, u"2026-01-01T00:03:00Z"_s});
    row("every-1h30m", u"@every 1h30m"_s, {}, u"2026-01-01T00:10:00Z"_s,
        {u"2026-01-01T01:30:00Z"_s, u"2026-01-01T03:00:00Z"_s});
    row("every-11s-epoch-aligned", u"@every 11s"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-01T00:00:03Z"_s, u"2026-01-01T00:00:14Z"_s});
    row("every-plain-seconds", u"@Every 3600"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-01T01:00:00Z"_s});
    row("every-in-half-hour-zone", u"@every 1h"_s, "Asia/Kolkata", u"2026-01-01T00:00:00+05:30"_s,
        {u"2026-01-01T00:30:00+05:30"_s, u"2026-01-01T01:30:00+05:30"_s});
    row("every-at-exact-multiple", u"@every 1m"_s, {}, u"2026-01-01T00:01:00Z"_s,
        {u"2026-01-01T00:02:00Z"_s});

    // Six fields (seconds first).
    row("six-field-step-seconds", u"*/20 * * * * *"_s, {}, u"2026-01-01T00:00:30Z"_s,
        {u"2026-01-01T00:00:40Z"_s, u"2026-01-01T00:01:00Z"_s, u"2026-01-01T00:01:20Z"_s});
    row("six-field-exact", u"30 15 10 * * *"_s, {}, u"2026-01-01T10:15:30Z"_s,
        {u"2026-01-02T10:15:30Z"_s});
    row("six-field-leap-day", u"0 0 0 29 2 ?"_s, {}, u"2026-01-01T00:00:00Z"_s,
        {u"2028-02-29T00:00:00Z"_s});

    // Zones without DST.
    row("fixed-offset-zone", u"0 9 * * *"_s, "UTC+05:30", u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-01T09:00:00+05:30"_s, u"2026-01-02T09:00:00+05:30"_s});
    row("asia-shanghai", u"0 2 * * *"_s, "Asia/Shanghai", u"2026-01-01T00:00:00Z"_s,
        {u"2026-01-02T02:00:00+08:00"_s});
    row("far-future-new-york-dst", u"0 12 4 7 *"_s, "America/New_York", u"2999-01-01T00:00:00Z"_s,
        {u"2999-07-04T12:00:00-04:00"_s});

    // DST: spring forward (America/New_York 2026-03-08 02:00 EST -> 03:00 EDT).
    row("dst-spring-forward-new-york", u"30 2 * * *"_s, "America/New_York",
        u"2026-03-07T12:00:00-05:00"_s,
        {u"2026-03-08T03:00:00-04:00"_s, u"2026-03-09T02:30:00-04:00"_s});
    row("dst-spring-forward-new-york-gap-times-collapse", u"0,15,30,45 2 * * *"_s,
        "America/New_York", u"2026-03-08T00:00:00-05:00"_s,
        {u"2026-03-08T03:00:00-04:00"_s, u"2026-03-09T02:00:00-04:00"_s});
    row("dst-spring-forward-new-york-gap-and-normal-coincide", u"0 2,3 * * *"_s, "America/New_York",
        u"2026-03-08T00:00:00-05:00"_s,
        {u"2026-03-08T03:00:00-04:00"_s, u"2026-03-09T02:00:00-04:00"_s});
    row("dst-spring-forward-new-york-every-minute-of-hour-2", u"* 2 * * *"_s, "America/New_York",
        u"2026-03-08T01:59:00-05:00"_s,
        {u"2026-03-08T03:00:00-04:00"_s, u"2026-03-09T02:00:00-04:00"_s});
    row("dst-spring-forward-new-york-star-hour", u"*/15 * * * *"_s, "America/New_York",
        u"2026-03-08T01:40:00-05:00"_s,
        {u"2026-03-08T01:45:00-05:00"_s, u"2026-03-08T03:00:00-04:00"_s,
         u"2026-03-08T03:15:00-04:00"_s});
    row("dst-spring-forward-new-york-step-hour", u"30 */1 * * *"_s, "America/New_York",
        u"2026-03-08T00:40:00-05:00"_s,
        {u"2026-03-08T01:30:00-05:00"_s, u"2026-03-08T03:30:00-04:00"_s});
    row("dst-spring-forward-new-york-seconds", u"*/20 30 2 * * *"_s, "America/New_York",
        u"2026-03-08T01:59:59-05:00"_s,
        {u"2026-03-08T03:00:00-04:00"_s, u"2026-03-09T02:30:00-04:00"_s});
    row("dst-spring-forward-new-york-seconds-star-hour", u"0 0 * * * *"_s, "America/New_York",
        u"2026-03-08T01:30:00-05:00"_s,
        {u"2026-03-08T03:00:00-04:00"_s, u"2026-03-08T04:00:00-04:00"_s});
    row("dst-spring-forward-new-york-every", u"@every 1h"_s, "America/New_York",
        u"2026-03-08T01:30:00-05:00"_s,
        {u"2026-03-08T03:00:00-04:00"_s, u"2026-03-08T04:00:00-04:00"_s});

    // DST: fall back (America/New_York 2026-11-01 02:00 EDT -> 01:00 EST).
    row("dst-fall-back-new-york", u"30 1 * * *"_s, "America/New_York",
        u"2026-10-31T12:00:00-04:00"_s,
        {u"2026-11-01T01:30:00-04:00"_s, u"2026-11-02T01:30:00-05:00"_s});
    row("dst-fall-back-new-york-fixed-hour-every-minute", u"* 1 * * *"_s, "America/New_York",
        u"2026-11-01T01:58:00-04:00"_s,
        {u"2026-11-01T01:59:00-04:00"_s, u"2026-11-02T01:00:00-05:00"_s});
    row("dst-fall-back-new-york-star-hour", u"*/30 * * * *"_s, "America/New_York",
        u"2026-11-01T00:50:00-04:00"_s,
        {u"2026-11-01T01:00:00-04:00"_s, u"2026-11-01T01:30:00-04:00"_s,
         u"2026-11-01T01:00:00-05:00"_s, u"2026-11-01T01:30:00-05:00"_s,
         u"2026-11-01T02:00:00-05:00"_s});
    row("dst-fall-back-new-york-seconds-fixed-hour", u"0 0/30 1 * * *"_s, "America/New_York",
        u"2026-11-01T00:50:00-04:00"_s,
        {u"2026-11-01T01:00:00-04:00"_s, u"2026-11-01T01:30:00-04:00"_s,
         u"2026-11-02T01:00:00-05:00"_s});
    row("dst-fall-back-new-york-every", u"@every 30m"_s, "America/New_York",
        u"2026-11-01T01:40:00-04:00"_s,
        {u"2026-11-01T01:00:00-05:00"_s, u"2026-11-01T01:30:00-05:00"_s});

    // DST: Europe/Berlin 2026-03-29 02:00 CET -> 03:00 CEST, 2026-10-25 03:00 CEST -> 02:00 CET.
    row("dst-spring-forward-berlin", u"30 2 * * *"_s, "Europe/Berlin",
        u"2026-03-28T12:00:00+01:00"_s,
        {u"2026-03-29T03:00:00+02:00"_s, u"2026-03-30T02:30:00+02:00"_s});
    row("dst-spring-forward-berlin-star-hour", u"0 * * * *"_s, "Europe/Berlin",
        u"2026-03-29T00:30:00+01:00"_s,
        {u"2026-03-29T01:00:00+01:00"_s, u"2026-03-29T03:00:00+02:00"_s});
    row("dst-fall-back-berlin", u"30 2 * * *"_s, "Europe/Berlin", u"2026-10-24T12:00:00+02:00"_s,
        {u"2026-10-25T02:30:00+02:00"_s, u"2026-10-26T02:30:00+01:00"_s});
    row("dst-fall-back-berlin-star-hour", u"15 * * * *"_s, "Europe/Berlin",
        u"2026-10-25T01:30:00+02:00"_s,
        {u"2026-10-25T02:15:00+02:00"_s, u"2026-10-25T02:15:00+01:00"_s,
         u"2026-10-25T03:15:00+01:00"_s});
    row("dst-fall-back-berlin-hour-range-is-fixed", u"0 2-3 * * *"_s, "Europe/Berlin",
        u"2026-10-25T01:30:00+02:00"_s,
        {u"2026-10-25T02:00:00+02:00"_s, u"2026-10-25T03:00:00+01:00"_s});
}

void tst_CronExpression::nextFire()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, zone);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);

    const CronExpression cron = parsed(text, zone);
    QVERIFY(cron.isValid());
    QStringList actual;
    QDateTime t = at(after);
    for (int i = 0; i < expected.size(); ++i) {
        const auto fire = cron.next(t);
        actual.append(stamp(fire));
        if (!fire)
            break;
        t = *fire;
    }
    QCOMPARE(actual, normalized(expected));

    // previous() walks the same fire times back: previous(next(t)) round trips.
    for (int i = expected.size() - 1; i > 0; --i) {
        if (expected[i] == u"none"_s)
            continue;
        QCOMPARE(stamp(cron.previous(at(expected[i]))), stamp(at(expected[i - 1])));
    }
    const QDateTime firstFire = at(expected.first());
    const auto before = cron.previous(firstFire);
    QVERIFY(!before || *before <= at(after));
}

void tst_CronExpression::previousFire_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("before");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("previous-daily")
            << u"0 2 * * *"_s << QByteArray() << u"2026-01-05T02:00:00Z"_s
            << QStringList{u"2026-01-04T02:00:00Z"_s, u"2026-01-03T02:00:00Z"_s};
    QTest::newRow("previous-is-strict")
            << u"*/5 * * * *"_s << QByteArray() << u"2026-01-01T10:05:00Z"_s
            << QStringList{u"2026-01-01T10:00:00Z"_s};
    QTest::newRow("previous-leap-day-across-2100")
            << u"0 0 29 2 *"_s << QByteArray() << u"2104-01-01T00:00:00Z"_s
            << QStringList{u"2096-02-29T00:00:00Z"_s, u"2092-02-29T00:00:00Z"_s};
    QTest::newRow("previous-last-weekday")
            << u"0 0 LW * *"_s << QByteArray() << u"2026-06-01T00:00:00Z"_s
            << QStringList{u"2026-05-29T00:00:00Z"_s, u"2026-04-30T00:00:00Z"_s};
    QTest::newRow("previous-dst-spring-forward-new-york")
            << u"30 2 * * *"_s << QByteArray("America/New_York") << u"2026-03-09T00:00:00-04:00"_s
            << QStringList{u"2026-03-08T03:00:00-04:00"_s, u"2026-03-07T02:30:00-05:00"_s};
    QTest::newRow("previous-dst-spring-forward-new-york-star-hour")
            << u"*/15 * * * *"_s << QByteArray("America/New_York") << u"2026-03-08T03:10:00-04:00"_s
            << QStringList{u"2026-03-08T03:00:00-04:00"_s, u"2026-03-08T01:45:00-05:00"_s};
    QTest::newRow("previous-dst-fall-back-new-york")
            << u"30 1 * * *"_s << QByteArray("America/New_York") << u"2026-11-02T00:00:00-05:00"_s
            << QStringList{u"2026-11-01T01:30:00-04:00"_s, u"2026-10-31T01:30:00-04:00"_s};
    QTest::newRow("previous-dst-fall-back-new-york-star-hour")
            << u"*/30 * * * *"_s << QByteArray("America/New_York") << u"2026-11-01T02:00:00-05:00"_s
            << QStringList{u"2026-11-01T01:30:00-05:00"_s, u"2026-11-01T01:00:00-05:00"_s,
                           u"2026-11-01T01:30:00-04:00"_s, u"2026-11-01T01:00:00-04:00"_s};
    QTest::newRow("previous-dst-fall-back-berlin")
            << u"30 2 * * *"_s << QByteArray("Europe/Berlin") << u"2026-10-26T00:00:00+01:00"_s
            << QStringList{u"2026-10-25T02:30:00+02:00"_s, u"2026-10-24T02:30:00+02:00"_s};
    QTest::newRow("previous-every")
            << u"@every 90s"_s << QByteArray() << u"2026-01-01T00:03:00Z"_s
            << QStringList{u"2026-01-01T00:01:30Z"_s, u"2026-01-01T00:00:00Z"_s};
    QTest::newRow("previous-first-possible-fire")
            << u"0 0 1 1 *"_s << QByteArray() << u"0002-01-01T00:00:00Z"_s
            << QStringList{u"0001-01-01T00:00:00Z"_s, u"none"_s};
}

void tst_CronExpression::previousFire()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, zone);
    QFETCH(QString, before);
    QFETCH(QStringList, expected);

    const CronExpression cron = parsed(text, zone);
    QVERIFY(cron.isValid());
    QStringList actual;
    QDateTime t = at(before);
    for (int i = 0; i < expected.size(); ++i) {
        const auto fire = cron.previous(t);
        actual.append(stamp(fire));
        if (!fire)
            break;
        t = *fire;
    }
    QCOMPARE(actual, normalized(expected));
    // ... and next() walks them forward again.
    for (int i = expected.size() - 1; i > 0; --i) {
        if (expected[i] != u"none"_s)
            QCOMPARE(stamp(cron.next(at(expected[i]))), stamp(at(expected[i - 1])));
    }
}

void tst_CronExpression::parseErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("column");

    const ErrorCode bad = ErrorCode::BadCron;
    const ErrorCode never = ErrorCode::NeverFires;
    QTest::newRow("empty") << QString() << bad << 1;
    QTest::newRow("blank") << u"   "_s << bad << 1;
    QTest::newRow("too-few-fields") << u"0 0 * *"_s << bad << 8;
    QTest::newRow("too-many-fields") << u"0 0 * * * * *"_s << bad << 13;
    QTest::newRow("minute-out-of-range") << u"60 * * * *"_s << bad << 1;
    QTest::newRow("hour-out-of-range") << u"* 24 * * *"_s << bad << 3;
    QTest::newRow("dom-out-of-range-32") << u"0 0 32 * *"_s << bad << 5;
    QTest::newRow("dom-out-of-range-0") << u"0 0 0 * *"_s << bad << 5;
    QTest::newRow("month-out-of-range") << u"0 0 * 13 *"_s << bad << 7;
    QTest::newRow("dow-out-of-range") << u"0 0 * * 8"_s << bad << 9;
    QTest::newRow("second-out-of-range") << u"61 0 0 * * *"_s << bad << 1;
    QTest::newRow("out-of-range-in-list") << u"0 0 1,15,45 * *"_s << bad << 10;
    QTest::newRow("out-of-range-range-end") << u"0 20-25 * * *"_s << bad << 6;
    QTest::newRow("huge-number") << u"99999999999 * * * *"_s << bad << 1;
    QTest::newRow("reversed-range") << u"50-10 * * * *"_s << bad << 1;
    QTest::newRow("reversed-range-names") << u"0 0 * * FRI-MON"_s << bad << 9;
    QTest::newRow("reversed-range-in-list") << u"0 1,22-2 * * *"_s << bad << 5;
    QTest::newRow("step-zero") << u"*/0 * * * *"_s << bad << 3;
    QTest::newRow("step-zero-in-range") << u"0 0-12/0 * * *"_s << bad << 8;
    QTest::newRow("step-too-large") << u"*/61 * * * *"_s << bad << 3;
    QTest::newRow("step-missing") << u"*/ * * * *"_s << bad << 2;
    QTest::newRow("range-end-missing") << u"1- * * * *"_s << bad << 2;
    QTest::newRow("empty-list-item-middle") << u"1,,2 * * * *"_s << bad << 3;
    QTest::newRow("empty-list-item-leading") << u",1 * * * *"_s << bad << 1;
    QTest::newRow("empty-list-item-trailing") << u"1, * * * * *"_s << bad << 2;
    QTest::newRow("garbage-after-number") << u"5x * * * *"_s << bad << 2;
    QTest::newRow("garbage-character") << u"0 0 * * $"_s << bad << 9;
    QTest::newRow("garbage-after-star") << u"0 *5 * * *"_s << bad << 4;
    QTest::newRow("letters-in-minute") << u"a b c d e"_s << bad << 1;
    QTest::newRow("question-in-minute") << u"? * * * *"_s << bad << 1;
    QTest::newRow("question-in-list") << u"0 0 ?,1 * *"_s << bad << 5;
    QTest::newRow("dow-l-alone") << u"0 0 * * L"_s << bad << 9;
    QTest::newRow("dom-l-garbage") << u"0 0 LX * *"_s << bad << 6;
    QTest::newRow("dom-l-offset-too-large") << u"0 0 L-31 * *"_s << bad << 7;
    QTest::newRow("dom-l-offset-missing") << u"0 0 L- * *"_s << bad << 6;
    QTest::newRow("dom-w-zero") << u"0 0 0W * *"_s << bad << 5;
    QTest::newRow("dom-w-in-month-field") << u"0 0 1 1W *"_s << bad << 8;
    QTest::newRow("dow-nth-too-large") << u"0 0 * * MON#6"_s << bad << 13;
    QTest::newRow("dow-nth-zero") << u"0 0 * * 1#0"_s << bad << 11;
    QTest::newRow("dow-nth-missing") << u"0 0 * * MON#"_s << bad << 12;
    QTest::newRow("unknown-month-name") << u"0 0 * JAX *"_s << bad << 7;
    QTest::newRow("unknown-day-name") << u"0 0 * * MONDAY"_s << bad << 9;
    QTest::newRow("day-name-in-month") << u"0 0 * MON *"_s << bad << 7;
    QTest::newRow("unknown-macro") << u"@reboot"_s << bad << 1;
    QTest::newRow("macro-with-extra-text") << u"@daily 5"_s << bad << 8;
    QTest::newRow("every-missing-duration") << u"@every"_s << bad << 1;
    QTest::newRow("every-zero") << u"@every 0s"_s << bad << 8;
    QTest::newRow("every-bad-unit") << u"@every 5x"_s << bad << 9;
    QTest::newRow("every-space-inside") << u"@every 1h 30m"_s << bad << 10;
    QTest::newRow("six-field-garbage-in-seconds") << u"0x 0 0 * * *"_s << bad << 2;

    QTest::newRow("never-feb-30") << u"0 0 30 2 *"_s << never << 5;
    QTest::newRow("never-31-in-30-day-months") << u"0 0 31 4,6,9,11 *"_s << never << 5;
    QTest::newRow("never-last-minus-30-in-feb") << u"0 0 L-30 2 *"_s << never << 5;
    QTest::newRow("never-30w-in-feb") << u"0 0 30W 2 *"_s << never << 5;
    QTest::newRow("never-sixth-week-and-star")
            << u"0 0 * 2 MON#5,TUE#5,WED#5 "_s << ErrorCode::None << 0;
    QTest::newRow("never-six-field-feb-31") << u"0 0 0 31 FEB ?"_s << never << 7;
}

void tst_CronExpression::parseErrors()
{
    QFETCH(QString, text);
    QFETCH(ErrorCode, code);
    QFETCH(int, column);

    const auto result = CronExpression::parse(text, QTimeZone::utc());
    if (code == ErrorCode::None) {
        QVERIFY2(result.has_value(), qPrintable(result ? QString() : result.error().toString()));
        return;
    }
    QVERIFY(!result.has_value());
    QCOMPARE(errorCodeName(result.error().code), errorCodeName(code));
    QCOMPARE(result.error().line, 0);
    QCOMPARE(result.error().column, column);
    QVERIFY(!result.error().message.isEmpty());
}

void tst_CronExpression::explain_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("english");
    QTest::addColumn<QString>("chinese");

    auto row = [](const char *name, const QString &text, const QByteArray &zone, const QString &en,
                  const QString &zh) { QTest::newRow(name) << text << zone << en << zh; };
    row("daily", u"0 2 * * *"_s, {}, u"At 02:00 every day"_s, u"每天 02:00"_s);
    row("every-5-minutes", u"*/5 * * * *"_s, {}, u"Every 5 minutes"_s, u"每 5 分钟"_s);
    row("weekdays", u"30 9 * * MON-FRI"_s, {}, u"At 09:30 on Monday through Friday"_s,
        u"每周一至周五 09:30"_s);
    row("last-day", u"0 0 L * *"_s, {}, u"At 00:00 on the last day of the month"_s,
        u"每月最后一天 00:00"_s);
    row("every-minute", u"* * * * *"_s, {}, u"Every minute"_s, u"每分钟"_s);
    row("hourly", u"@hourly"_s, {}, u"Every hour"_s, u"每小时"_s);
    row("every-2-hours", u"0 */2 * * *"_s, {}, u"Every 2 hours"_s, u"每 2 小时"_s);
    row("minute-past-hour", u"15 * * * *"_s, {}, u"At minute 15 past every hour"_s,
        u"每小时第 15 分钟"_s);
    row("yearly", u"@yearly"_s, {}, u"At 00:00 on January 1"_s, u"每年 1 月 1 日 00:00"_s);
    row("nth-weekday", u"0 9 * * MON#2"_s, {}, u"At 09:00 on the second Monday of the month"_s,
        u"每月第二个周一 09:00"_s);
    row("last-friday", u"0 12 * * 5L"_s, {}, u"At 12:00 on the last Friday of the month"_s,
        u"每月最后一个周五 12:00"_s);
    row("last-weekday", u"0 0 LW * *"_s, {}, u"At 00:00 on the last weekday of the month"_s,
        u"每月最后一个工作日 00:00"_s);
    row("nearest-weekday", u"0 0 15W * *"_s, {},
        u"At 00:00 on the weekday nearest day 15 of the month"_s,
        u"每月最接近 15 日的工作日 00:00"_s);
    row("last-minus-3", u"0 0 L-3 * *"_s, {},
        u"At 00:00 on the last day of the month minus 3 days"_s, u"每月最后一天的前 3 天 00:00"_s);
    row("dom-or-dow", u"0 0 1,15 * MON"_s, {},
        u"At 00:00 on days 1 and 15 of the month or on Monday"_s, u"每月 1、15 日或每周一 00:00"_s);
    row("two-times", u"0 8,20 * * *"_s, {}, u"At 08:00 and 20:00 every day"_s,
        u"每天 08:00、20:00"_s);
    row("seconds-step", u"*/10 * * * * *"_s, {}, u"Every 10 seconds"_s, u"每 10 秒"_s);
    row("seconds-clock", u"30 15 10 * * *"_s, {}, u"At 10:15:30 every day"_s, u"每天 10:15:30"_s);
    row("generic-business-hours", u"0 */5 9-17 * * 1-5"_s, {},
        u"Every 5 minutes, during hours 9 through 17, on Monday through Friday"_s,
        u"每周一至周五，9 至 17 点的每 5 分钟"_s);
    row("generic-minute-list", u"5,20,35 * * * *"_s, {}, u"At minutes 5, 20 and 35 of every hour"_s,
        u"每小时的第 5、20、35 分钟"_s);
    row("generic-uneven-step", u"*/7 * * * *"_s, {},
        u"At minutes 0, 7, 14, 21, 28, 35, 42, 49 and 56 of every hour"_s,
        u"每小时的第 0、7、14、21、28、35、42、49、56 分钟"_s);
    row("months-range", u"0 0 1 1-3 *"_s, {},
        u"At 00:00 on day 1 of the month in January through March"_s,
        u"每年 1 至 3 月 1 日 00:00"_s);
    row("weekend", u"0 0 * * SAT,SUN"_s, {}, u"At 00:00 on Sunday and Saturday"_s,
        u"每周日、周六 00:00"_s);
    row("every-duration", u"@every 90s"_s, {}, u"Every 90 seconds (counted from the Unix epoch)"_s,
        u"每 90 秒（从 Unix 纪元起算）"_s);
    row("every-duration-hours", u"@every 1d"_s, "Asia/Shanghai",
        u"Every 24 hours (counted from the Unix epoch)"_s, u"每 24 小时（从 Unix 纪元起算）"_s);
    row("zone-appended", u"0 2 * * *"_s, "Asia/Shanghai", u"At 02:00 every day (Asia/Shanghai)"_s,
        u"每天 02:00（Asia/Shanghai）"_s);
}

void tst_CronExpression::explain()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, zone);
    QFETCH(QString, english);
    QFETCH(QString, chinese);

    const CronExpression cron = parsed(text, zone);
    QVERIFY(cron.isValid());
    QCOMPARE(cron.explain(), english);
    QCOMPARE(cron.explain(Language::English), english);
    QCOMPARE(cron.explain(Language::Chinese), chinese);
}

void tst_CronExpression::timeZoneFromName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("expectedId");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("empty-is-system")
            << QString() << QTimeZone::systemTimeZoneId() << ErrorCode::None;
    QTest::newRow("shanghai") << u"Asia/Shanghai"_s << QByteArray("Asia/Shanghai")
                              << ErrorCode::None;
    QTest::newRow("utc") << u"UTC"_s << QByteArray("UTC") << ErrorCode::None;
    QTest::newRow("fixed-offset") << u"UTC+08:00"_s << QByteArray("UTC+08:00") << ErrorCode::None;
    QTest::newRow("unknown") << u"Mars/Olympus_Mons"_s << QByteArray() << ErrorCode::InvalidValue;
    // glibc would read these as POSIX TZ strings (zone "Nowhere" at offset 0): a typo must
    // not silently become UTC.
    QTest::newRow("posix-looking-word") << u"Nowhere"_s << QByteArray() << ErrorCode::InvalidValue;
    QTest::newRow("lower-case-typo") << u"asia/shanghai"_s << QByteArray() << ErrorCode::InvalidValue;
}

void tst_CronExpression::timeZoneFromName()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, expectedId);
    QFETCH(ErrorCode, code);

    const auto zone = Cron::timeZoneFromName(name);
    if (code == ErrorCode::None) {
        QVERIFY(zone.has_value());
        QCOMPARE(zone->id(), expectedId);
    } else {
        QVERIFY(!zone.has_value());
        QCOMPARE(errorCodeName(zone.error().code), errorCodeName(code));
        QVERIFY(zone.error().message.contains(name));
    }
}

void tst_CronExpression::valueSemantics()
{
    const CronExpression empty;
    QVERIFY(!empty.isValid());
    QCOMPARE(empty.text(), QString());
    QVERIFY(!empty.next(at(u"2026-01-01T00:00:00Z"_s)));
    QVERIFY(!empty.previousSecs(0));
    QCOMPARE(empty.explain(), QString());

    const QTimeZone berlin("Europe/Berlin");
    CronExpression a = parsed(u"0 3 * * *"_s, "Europe/Berlin");
    QCOMPARE(a.text(), u"0 3 * * *"_s);
    QCOMPARE(a.timeZone(), berlin);

    CronExpression copy(a);
    QCOMPARE(copy.text(), a.text());
    QCOMPARE(copy.nextSecs(0), a.nextSecs(0));

    CronExpression assigned;
    assigned = a;
    QCOMPARE(assigned.text(), a.text());

    CronExpression moved(std::move(copy));
    QCOMPARE(moved.text(), a.text());
    QCOMPARE(stamp(moved.next(at(u"2026-01-01T00:00:00Z"_s))), u"2026-01-01T03:00:00+01:00"_s);

    CronExpression moveAssigned;
    moveAssigned = std::move(assigned);
    QCOMPARE(moveAssigned.text(), a.text());

    // An invalid zone means UTC.
    const CronExpression utc = *CronExpression::parse(u"0 3 * * *"_s, QTimeZone());
    QCOMPARE(stamp(utc.next(at(u"2026-01-01T00:00:00Z"_s))), u"2026-01-01T03:00:00+00:00"_s);
}

void tst_CronExpression::dateTimeEdges()
{
    const CronExpression cron = parsed(u"0 10 * * *"_s);
    // Strictly after 10:00:00.500 is the next day; strictly before it is 10:00:00 itself.
    const QDateTime half = at(u"2026-01-01T10:00:00.500Z"_s);
    QCOMPARE(stamp(cron.next(half)), u"2026-01-02T10:00:00+00:00"_s);
    QCOMPARE(stamp(cron.previous(half)), u"2026-01-01T10:00:00+00:00"_s);
    QCOMPARE(stamp(cron.previous(at(u"2026-01-01T10:00:00Z"_s))), u"2025-12-31T10:00:00+00:00"_s);
    QVERIFY(!cron.next(QDateTime()));
    QVERIFY(!cron.previous(QDateTime()));
    // The result is in the expression's zone, whatever the zone of the argument.
    const CronExpression tokyo = parsed(u"0 9 * * *"_s, "Asia/Tokyo");
    const auto fire = tokyo.next(at(u"2026-01-01T00:00:00-05:00"_s));
    QVERIFY(fire);
    QCOMPARE(fire->timeZone().id(), QByteArray("Asia/Tokyo"));
    QCOMPARE(stamp(fire), u"2026-01-02T09:00:00+09:00"_s);
}

void tst_CronExpression::secsEdges()
{
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
    for (const QByteArray &zone : {QByteArray(), QByteArray("America/New_York")}) {
        for (const QString &text : {u"*/5 * * * *"_s, u"@every 7s"_s, u"0 0 29 2 *"_s}) {
            const CronExpression cron = parsed(text, zone);
            QVERIFY(!cron.nextSecs(kMax));
            QVERIFY(!cron.previousSecs(kMin));
            const auto first = cron.nextSecs(kMin);
            const auto last = cron.previousSecs(kMax);
            QVERIFY(first);
            QVERIFY(last);
            QVERIFY(*first < *last);
            QVERIFY(!cron.previousSecs(*first));
            QVERIFY(!cron.nextSecs(*last));
        }
    }
    const CronExpression cron = parsed(u"0 0 1 1 *"_s);
    QCOMPARE(cron.nextSecs(0), std::optional<qint64>(31536000));  // 1971-01-01
    QCOMPARE(cron.previousSecs(31536000), std::optional<qint64>(0));
    QCOMPARE(cron.previousSecs(0), std::optional<qint64>(-31536000));
}

void tst_CronExpression::zoneTableMatchesQt_data()
{
    QTest::addColumn<QByteArray>("zone");
    for (const char *zone : {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                             "America/Sao_Paulo", "Africa/Casablanca", "Asia/Shanghai",
                             "Pacific/Apia", "Europe/Dublin", "America/Santiago"}) {
        QTest::newRow(zone) << QByteArray(zone);
    }
}

// The cached offset table (built around Qt 6.4's transition quirks after 2037 and extended
// by the 400-year cycle after 2500) agrees with QTimeZone: walking its segments from 1970 to
// 2700, both ends of every segment and a sample every 20 days inside have Qt's offset.
void tst_CronExpression::zoneTableMatchesQt()
{
    QFETCH(QByteArray, zone);
    const QTimeZone tz(zone);
    QVERIFY(tz.isValid());
    const Internal::ZoneTable table(tz);
    const qint64 from = QDateTime(QDate(1970, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    const qint64 to = QDateTime(QDate(2700, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    auto qtOffset = [&tz](qint64 t) {
        return tz.offsetFromUtc(QDateTime::fromSecsSinceEpoch(t, Qt::UTC));
    };
    int mismatches = 0;
    int segments = 0;
    auto check = [&](qint64 t, int offset) {
        const int expected = qtOffset(t);
        if (expected != offset && ++mismatches <= 3) {
            qWarning("%s at %s: table %d, Qt %d", zone.constData(),
                     qPrintable(QDateTime::fromSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODate)),
                     offset, expected);
        }
    };
    Internal::ZoneTable::Segment seg = table.segmentAt(from);
    while (seg.start < to) {
        ++segments;
        QCOMPARE(table.offsetAt(std::max(seg.start, from)), seg.offset);
        check(std::max(seg.start, from), seg.offset);
        check(std::min(seg.end, to) - 1, seg.offset);
        for (qint64 t = std::max(seg.start, from) + 20 * 86400 + 7 * 3600;
             t < std::min(seg.end, to); t += 20 * 86400)
            check(t, seg.offset);
        const Internal::ZoneTable::Segment next = table.nextSegment(seg);
        if (next.start == seg.start)
            break;  // the last segment lasts forever
        QCOMPARE(next.start, seg.end);
        QCOMPARE(table.previousSegment(next).start, seg.start);
        seg = next;
    }
    QCOMPARE(mismatches, 0);
    QVERIFY(segments >= 1);
}

void tst_CronExpression::roundTripAcrossDstYears_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("zone");
    for (const char *zone : {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}) {
        for (const char *text : {"30 2 * * *", "*/30 * * * *", "0 1,2 * * *", "0 0 * * *"}) {
            QTest::addRow("%s-%s", zone, text) << QString::fromLatin1(text) << QByteArray(zone);
        }
    }
}

// Over three years of a DST zone: next() strictly increases, previous(next(t)) == t for every
// fire time, and no fire is more than a day and an hour apart from the last one.
void tst_CronExpression::roundTripAcrossDstYears()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, zone);
    const CronExpression cron = parsed(text, zone);
    qint64 t = QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    const qint64 end = QDateTime(QDate(2028, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    auto fire = cron.nextSecs(t);
    QVERIFY(fire);
    while (*fire < end) {
        const auto following = cron.nextSecs(*fire);
        QVERIFY(following);
        QVERIFY(*following > *fire);
        QVERIFY(*following - *fire <= 25 * 3600);
        QCOMPARE(cron.previousSecs(*following), fire);
        fire = following;
    }
}

QTEST_APPLESS_MAIN(tst_CronExpression)

#include "tst_cronexpression.moc"

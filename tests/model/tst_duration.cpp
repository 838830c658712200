#include <model/duration.h>

#include <QTest>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

class tst_Duration : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void format_data();
    void format();
    void roundTrip();
};

void tst_Duration::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds"); // -1 = error
    QTest::addColumn<int>("column");     // error column

    QTest::newRow("plain-seconds") << u"3600"_s << qint64(3600) << 0;
    QTest::newRow("seconds") << u"90s"_s << qint64(90) << 0;
    QTest::newRow("minutes") << u"30m"_s << qint64(1800) << 0;
    QTest::newRow("hours") << u"2h"_s << qint64(7200) << 0;
    QTest::newRow("days") << u"1d"_s << qint64(86400) << 0;
    QTest::newRow("weeks") << u"1w"_s << qint64(604800) << 0;
    QTest::newRow("compound") << u"1h30m"_s << qint64(5400) << 0;
    QTest::newRow("upper-case-unit") << u"2H"_s << qint64(7200) << 0;
    QTest::newRow("surrounding-space") << u" 5m "_s << qint64(300) << 0;
    QTest::newRow("empty") << QString() << qint64(-1) << 1;
    QTest::newRow("zero") << u"0"_s << qint64(-1) << 1;
    QTest::newRow("unknown-unit") << u"10y"_s << qint64(-1) << 3;
    QTest::newRow("no-number") << u"h"_s << qint64(-1) << 1;
    QTest::newRow("negative") << u"-5"_s << qint64(-1) << 1;
    QTest::newRow("number-after-unit-without-unit") << u"1h30"_s << qint64(-1) << 3;
    QTest::newRow("space-inside") << u"1h 30m"_s << qint64(-1) << 3;
    QTest::newRow("overflow") << u"99999999999999999999s"_s << qint64(-1) << 1;
    QTest::newRow("decimal") << u"1.5h"_s << qint64(-1) << 2;
}

void tst_Duration::parse()
{
    QFETCH(QString, text);
    QFETCH(qint64, seconds);
    QFETCH(int, column);
    const Result<qint64> r = parseDuration(text);
    QCOMPARE(r.has_value(), seconds >= 0);
    if (r) {
        QCOMPARE(r.value(), seconds);
    } else {
        QCOMPARE(r.error().code, ErrorCode::InvalidValue);
        QCOMPARE(r.error().column, column);
    }
}

void tst_Duration::format_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << qint64(0) << u"0s"_s;
    QTest::newRow("seconds") << qint64(45) << u"45s"_s;
    QTest::newRow("hours") << qint64(7200) << u"2h"_s;
    QTest::newRow("compound") << qint64(5400) << u"1h30m"_s;
    QTest::newRow("day-and-second") << qint64(86401) << u"1d1s"_s;
}

void tst_Duration::format()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(formatDuration(seconds), text);
}

void tst_Duration::roundTrip()
{
    for (qint64 s : {qint64(1), qint64(59), qint64(61), qint64(3599), qint64(3601), qint64(90061),
                     qint64(1000000)}) {
        const Result<qint64> r = parseDuration(formatDuration(s));
        QVERIFY2(r.has_value(), qPrintable(formatDuration(s)));
        QCOMPARE(r.value(), s);
    }
}

QTEST_APPLESS_MAIN(tst_Duration)
#include "tst_duration.moc"

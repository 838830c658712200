#include <cron/timewindow.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Cron;
using namespace Qt::Literals::StringLiterals;

namespace {

const QTimeZone kShanghai(QByteArrayLiteral("Asia/Shanghai"));
const QTimeZone kBerlin(QByteArrayLiteral("Europe/Berlin"));

QDateTime sh(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, u"yyyy-MM-dd HH:mm"_s);
    t.setTimeZone(kShanghai);
    return t;
}

// "ready" | "wait <local time>" | "skip" in Shanghai time.
QString gate(const Job &job, const QString &created, const QString &now,
             const QTimeZone &zone = kShanghai)
{
    QDateTime c = QDateTime::fromString(created, u"yyyy-MM-dd HH:mm"_s);
    c.setTimeZone(zone);
    QDateTime n = QDateTime::fromString(now, u"yyyy-MM-dd HH:mm"_s);
    n.setTimeZone(zone);
    const TimeGate g = timeGate(job, c, n, zone);
    switch (g.state) {
    case TimeGate::State::Ready:
        return u"ready"_s;
    case TimeGate::State::Wait:
        return u"wait "_s + g.until.toTimeZone(zone).toString(u"yyyy-MM-dd HH:mm"_s);
    case TimeGate::State::Skip:
        return u"skip"_s;
    }
    return {};
}

Job windowJob(int start, int end, WindowClosedPolicy policy = WindowClosedPolicy::Wait)
{
    Job j;
    j.window = DailyWindow{start, end};
    j.windowClosed = policy;
    return j;
}

}  // namespace

class tst_TimeWindow : public QObject
{
    Q_OBJECT

private slots:
    void parseTime_data();
    void parseTime();
    void parseWindow_data();
    void parseWindow();
    void notBefore_data();
    void notBefore();
    void window_data();
    void window();
    void acrossMidnight_data();
    void acrossMidnight();
    void notBeforeAndWindow();
    void zoneMatters();
    void reasons();
    void springForward();
};

void tst_TimeWindow::parseTime_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("minute");  // -1 = error
    QTest::addColumn<int>("column");
    QTest::newRow("08:00") << u"08:00"_s << 480 << 0;
    QTest::newRow("8:05") << u"8:05"_s << 485 << 0;
    QTest::newRow("23:59") << u"23:59"_s << 1439 << 0;
    QTest::newRow("00:00-spaces") << u" 00:00 "_s << 0 << 0;
    QTest::newRow("24:00") << u"24:00"_s << -1 << 1;
    QTest::newRow("12:60") << u"12:60"_s << -1 << 4;
    QTest::newRow("no-colon") << u"0800"_s << -1 << 1;
    QTest::newRow("one-minute-digit") << u"08:5"_s << -1 << 4;
    QTest::newRow("trailing") << u"08:00 am"_s << -1 << 7;
    QTest::newRow("empty") << u""_s << -1 << 1;
}

void tst_TimeWindow::parseTime()
{
    QFETCH(QString, text);
    QFETCH(int, minute);
    QFETCH(int, column);
    const Result<int> r = parseTimeOfDay(text);
    if (minute >= 0) {
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(*r, minute);
        QCOMPARE(timeOfDayText(*r), text.trimmed().size() == 4 ? u'0' + text : text.trimmed());
    } else {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidValue);
        QCOMPARE(r.error().column, column);
    }
}

void tst_TimeWindow::parseWindow_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");  // empty = error
    QTest::addColumn<int>("column");
    QTest::newRow("dash") << u"01:00-05:00"_s << u"01:00-05:00"_s << 0;
    QTest::newRow("dash-spaces") << u"01:00 - 05:00"_s << u"01:00-05:00"_s << 0;
    QTest::newRow("between") << u"between 1:00 and 5:30"_s << u"01:00-05:30"_s << 0;
    QTest::newRow("between-case") << u"Between 22:00 AND 02:00"_s << u"22:00-02:00"_s << 0;
    QTest::newRow("same") << u"03:00-03:00"_s << QString() << 7;
    QTest::newRow("no-separator") << u"01:00 05:00"_s << QString() << 7;
    QTest::newRow("between-without-and") << u"between 01:00 - 05:00"_s << QString() << 15;
    QTest::newRow("bad-end") << u"01:00-25:00"_s << QString() << 7;
}

void tst_TimeWindow::parseWindow()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    QFETCH(int, column);
    const Result<DailyWindow> r = parseDailyWindow(text);
    if (!canonical.isEmpty()) {
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(dailyWindowText(*r), canonical);
    } else {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidValue);
        QCOMPARE(r.error().column, column);
    }
}

void tst_TimeWindow::notBefore_data()
{
    QTest::addColumn<QString>("created");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("expected");
    QTest::newRow("early") << u"2026-03-10 02:00"_s << u"2026-03-10 02:00"_s
                           << u"wait 2026-03-10 08:00"_s;
    QTest::newRow("a-minute-before")
            << u"2026-03-10 02:00"_s << u"2026-03-10 07:59"_s << u"wait 2026-03-10 08:00"_s;
    QTest::newRow("at") << u"2026-03-10 02:00"_s << u"2026-03-10 08:00"_s << u"ready"_s;
    QTest::newRow("created-after") << u"2026-03-10 23:00"_s << u"2026-03-10 23:00"_s << u"ready"_s;
}

void tst_TimeWindow::notBefore()
{
    QFETCH(QString, created);
    QFETCH(QString, now);
    QFETCH(QString, expected);
    Job j;
    j.notBeforeMinute = 8 * 60;
    QCOMPARE(gate(j, created, now), expected);
    QCOMPARE(gate(Job(), created, now), u"ready"_s);  // no time dependency
}

void tst_TimeWindow::window_data()
{
    QTest::addColumn<int>("policy");  // WindowClosedPolicy
    QTest::addColumn<QString>("created");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("expected");
    const int wait = int(WindowClosedPolicy::Wait);
    const int skip = int(WindowClosedPolicy::Skip);
    QTest::newRow("before-opens") << wait << u"2026-03-10 00:00"_s << u"2026-03-10 00:30"_s
                                  << u"wait 2026-03-10 01:00"_s;
    QTest::newRow("at-open") << wait << u"2026-03-10 00:00"_s << u"2026-03-10 01:00"_s
                             << u"ready"_s;
    QTest::newRow("last-minute") << wait << u"2026-03-10 00:00"_s << u"2026-03-10 04:59"_s
                                 << u"ready"_s;
    QTest::newRow("closed-wait") << wait << u"2026-03-10 00:00"_s << u"2026-03-10 05:00"_s
                                 << u"wait 2026-03-11 01:00"_s;
    QTest::newRow("closed-skip") << skip << u"2026-03-10 00:00"_s << u"2026-03-10 05:00"_s
                                 << u"skip"_s;
    QTest::newRow("created-after-close-waits")
            << skip << u"2026-03-10 06:00"_s << u"2026-03-10 06:00"_s << u"wait 2026-03-11 01:00"_s;
    QTest::newRow("closed-days-later-wait-inside-next")
            << wait << u"2026-03-10 00:00"_s << u"2026-03-13 02:00"_s << u"ready"_s;
    QTest::newRow("closed-days-later-wait")
            << wait << u"2026-03-10 00:00"_s << u"2026-03-13 06:00"_s << u"wait 2026-03-14 01:00"_s;
}

void tst_TimeWindow::window()
{
    QFETCH(int, policy);
    QFETCH(QString, created);
    QFETCH(QString, now);
    QFETCH(QString, expected);
    QCOMPARE(gate(windowJob(60, 300, WindowClosedPolicy(policy)), created, now), expected);
}

void tst_TimeWindow::acrossMidnight_data()
{
    QTest::addColumn<QString>("created");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("expected");
    QTest::newRow("evening-before")
            << u"2026-03-10 20:00"_s << u"2026-03-10 21:59"_s << u"wait 2026-03-10 22:00"_s;
    QTest::newRow("open-before-midnight")
            << u"2026-03-10 20:00"_s << u"2026-03-10 23:30"_s << u"ready"_s;
    QTest::newRow("open-after-midnight")
            << u"2026-03-10 20:00"_s << u"2026-03-11 01:59"_s << u"ready"_s;
    QTest::newRow("closed") << u"2026-03-10 20:00"_s << u"2026-03-11 02:00"_s << u"skip"_s;
    QTest::newRow("created-inside-after-midnight")
            << u"2026-03-11 01:00"_s << u"2026-03-11 01:30"_s << u"ready"_s;
    QTest::newRow("created-after-close")
            << u"2026-03-11 03:00"_s << u"2026-03-11 03:00"_s << u"wait 2026-03-11 22:00"_s;
}

void tst_TimeWindow::acrossMidnight()
{
    QFETCH(QString, created);
    QFETCH(QString, now);
    QFETCH(QString, expected);
    QCOMPARE(gate(windowJob(22 * 60, 2 * 60, WindowClosedPolicy::Skip), created, now), expected);
}

void tst_TimeWindow::notBeforeAndWindow()
{
    Job j = windowJob(60, 300);
    j.notBeforeMinute = 3 * 60;  // the later of the two opens the way
    QCOMPARE(gate(j, u"2026-03-10 00:00"_s, u"2026-03-10 01:30"_s), u"wait 2026-03-10 03:00"_s);
    QCOMPARE(gate(j, u"2026-03-10 00:00"_s, u"2026-03-10 03:00"_s), u"ready"_s);
    j.notBeforeMinute = 6 * 60;  // leaves no time in today's window: the next one
    QCOMPARE(gate(j, u"2026-03-10 00:00"_s, u"2026-03-10 00:30"_s), u"wait 2026-03-11 01:00"_s);
    j.windowClosed = WindowClosedPolicy::Skip;
    QCOMPARE(gate(j, u"2026-03-10 00:00"_s, u"2026-03-10 00:30"_s), u"skip"_s);
}

void tst_TimeWindow::zoneMatters()
{
    Job j;
    j.notBeforeMinute = 8 * 60;
    // 01:00 UTC is 09:00 in Shanghai: ready there; in UTC it waits 7 hours.
    const QDateTime created = sh(u"2026-03-10 09:00"_s);
    QCOMPARE(timeGate(j, created, created, kShanghai).state, TimeGate::State::Ready);
    const TimeGate utc = timeGate(j, created, created, QTimeZone::utc());
    QCOMPARE(utc.state, TimeGate::State::Wait);
    QCOMPARE(utc.until.toUTC(), QDateTime(QDate(2026, 3, 10), QTime(8, 0), QTimeZone::utc()));
}

void tst_TimeWindow::reasons()
{
    Job j = windowJob(60, 300, WindowClosedPolicy::Skip);
    const TimeGate wait
            = timeGate(j, sh(u"2026-03-10 00:00"_s), sh(u"2026-03-10 00:10"_s), kShanghai);
    QCOMPARE(wait.reason, u"waits for its window 01:00-05:00 (opens 2026-03-10 01:00)"_s);
    const TimeGate skip
            = timeGate(j, sh(u"2026-03-10 00:00"_s), sh(u"2026-03-10 07:00"_s), kShanghai);
    QCOMPARE(skip.reason, u"its window 01:00-05:00 closed at 2026-03-10 05:00"_s);
    Job nb;
    nb.notBeforeMinute = 8 * 60;
    QCOMPARE(timeGate(nb, sh(u"2026-03-10 00:00"_s), sh(u"2026-03-10 00:00"_s), kShanghai).reason,
             u"waits until 2026-03-10 08:00 (not before 08:00)"_s);
}

// 2026-03-29 02:00-03:00 does not exist in Berlin: a window opening at 02:30 opens at 03:30.
void tst_TimeWindow::springForward()
{
    const Job j = windowJob(2 * 60 + 30, 5 * 60);
    QCOMPARE(gate(j, u"2026-03-29 00:00"_s, u"2026-03-29 01:00"_s, kBerlin),
             u"wait 2026-03-29 03:30"_s);
    QCOMPARE(gate(j, u"2026-03-29 00:00"_s, u"2026-03-29 04:00"_s, kBerlin), u"ready"_s);
}

QTEST_APPLESS_MAIN(tst_TimeWindow)
#include "tst_timewindow.moc"

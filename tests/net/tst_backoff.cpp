// Backoff: exponential growth from initialMs, the cap at maxMs, and jitter bounds.

#include <net/backoff.h>

#include <QTest>

using namespace Orrery::Net;

class tst_Backoff : public QObject
{
    Q_OBJECT

private slots:
    void withoutJitter_data();
    void withoutJitter();
    void jitterBounds_data();
    void jitterBounds();
    void hugeAttemptStaysCapped();
    void degenerateSettings();
};

void tst_Backoff::withoutJitter_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("first") << 1 << qint64(500);
    QTest::newRow("second-doubles") << 2 << qint64(1000);
    QTest::newRow("third") << 3 << qint64(2000);
    QTest::newRow("seventh") << 7 << qint64(30000);  // 32000 capped
    QTest::newRow("sixth-below-cap") << 6 << qint64(16000);
    QTest::newRow("zero-is-first") << 0 << qint64(500);
    QTest::newRow("negative-is-first") << -3 << qint64(500);
}

void tst_Backoff::withoutJitter()
{
    QFETCH(int, attempt);
    QFETCH(qint64, expected);
    Backoff b;
    b.jitter = 0;
    QCOMPARE(b.delayMs(attempt, 0.0), expected);
    QCOMPARE(b.delayMs(attempt, 0.999), expected);
}

void tst_Backoff::jitterBounds_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<double>("random01");
    QTest::addColumn<qint64>("expected");
    // Default jitter 0.2: base * (1 + 0.2 * (2r - 1)).
    QTest::newRow("low-end") << 1 << 0.0 << qint64(400);
    QTest::newRow("middle") << 1 << 0.5 << qint64(500);
    QTest::newRow("high-end") << 1 << 0.9999999 << qint64(600);
    QTest::newRow("capped-low") << 20 << 0.0 << qint64(24000);
    QTest::newRow("capped-high") << 20 << 0.9999999 << qint64(36000);
    QTest::newRow("random-below-0-clamped") << 2 << -5.0 << qint64(800);
    QTest::newRow("random-above-1-clamped") << 2 << 7.0 << qint64(1200);
}

void tst_Backoff::jitterBounds()
{
    QFETCH(int, attempt);
    QFETCH(double, random01);
    QFETCH(qint64, expected);
    const Backoff b;
    QCOMPARE(b.delayMs(attempt, random01), expected);
    // Every draw stays within [base * 0.8, maxMs * 1.2].
    for (int i = 0; i < 100; ++i) {
        const qint64 d = b.delayMs(attempt, i / 100.0);
        QVERIFY2(d >= 400 && d <= 36000, qPrintable(QString::number(d)));
    }
}

void tst_Backoff::hugeAttemptStaysCapped()
{
    Backoff b;
    b.jitter = 0;
    QCOMPARE(b.delayMs(100000, 0.3), qint64(30000));
    QCOMPARE(b.delayMs(std::numeric_limits<int>::max(), 0.3), qint64(30000));
}

void tst_Backoff::degenerateSettings()
{
    Backoff b;
    b.initialMs = 0;
    QCOMPARE(b.delayMs(5, 0.9), qint64(0));
    b.initialMs = 100;
    b.factor = 0.5;  // a factor below 1 would shrink the delay; it is held at 1
    b.jitter = 0;
    QCOMPARE(b.delayMs(4, 0.1), qint64(100));
    b.jitter = 5;  // more than 100 % jitter is held at 100 %: never negative
    QCOMPARE(b.delayMs(1, 0.0), qint64(0));
    QCOMPARE(b.delayMs(1, 0.9999999), qint64(200));
}

QTEST_APPLESS_MAIN(tst_Backoff)
#include "tst_backoff.moc"

#include "protocoltestutils.h"

#include <model/clock.h>
#include <protocol/ratelimiter.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Protocol;
using namespace Qt::Literals::StringLiterals;

namespace {
const QDateTime kStart = QDateTime::fromMSecsSinceEpoch(1764080000000, Qt::UTC);
}

class tst_RateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void burstThenRefill_data();
    void burstThenRefill();
    void refillIsCappedAtCapacity();
    void clockSteppingBackAddsNothing();
    void acquireGivesCodedError();
    void waitTime_data();
    void waitTime();
    void noRefill();
};

// A full bucket allows `capacity` messages at once; after `advanceMs` the next `thenAllowed`
// pass and the one after is refused.
void tst_RateLimiter::burstThenRefill_data()
{
    QTest::addColumn<double>("capacity");
    QTest::addColumn<double>("perSecond");
    QTest::addColumn<int>("advanceMs");
    QTest::addColumn<int>("thenAllowed");
    QTest::newRow("100-burst-50ps-after-100ms") << 100.0 << 50.0 << 100 << 5;
    QTest::newRow("10-burst-10ps-after-1s") << 10.0 << 10.0 << 1000 << 10;
    QTest::newRow("10-burst-10ps-after-99ms") << 10.0 << 10.0 << 99 << 0;
    QTest::newRow("10-burst-10ps-after-100ms") << 10.0 << 10.0 << 100 << 1;
    QTest::newRow("1-burst-1ps-after-1h") << 1.0 << 1.0 << 3600000 << 1;
    QTest::newRow("5-burst-0.5ps-after-4s") << 5.0 << 0.5 << 4000 << 2;
}

void tst_RateLimiter::burstThenRefill()
{
    QFETCH(double, capacity);
    QFETCH(double, perSecond);
    QFETCH(int, advanceMs);
    QFETCH(int, thenAllowed);
    ManualClock clock(kStart);
    RateLimiter limiter(capacity, perSecond, clock.nowMs());
    for (int i = 0; i < int(capacity); ++i)
        QVERIFY2(limiter.tryAcquire(clock.nowMs()), qPrintable(QString::number(i)));
    QCOMPARE(limiter.tryAcquire(clock.nowMs()), false);
    clock.advanceMSecs(advanceMs);
    for (int i = 0; i < thenAllowed; ++i)
        QVERIFY2(limiter.tryAcquire(clock.nowMs()), qPrintable(QString::number(i)));
    QCOMPARE(limiter.tryAcquire(clock.nowMs()), false);
}

void tst_RateLimiter::refillIsCappedAtCapacity()
{
    ManualClock clock(kStart);
    RateLimiter limiter(3, 100, clock.nowMs());
    clock.advanceSecs(3600);
    QCOMPARE(limiter.available(clock.nowMs()), 3.0);
    int passed = 0;
    while (limiter.tryAcquire(clock.nowMs()))
        ++passed;
    QCOMPARE(passed, 3);
}

void tst_RateLimiter::clockSteppingBackAddsNothing()
{
    ManualClock clock(kStart);
    RateLimiter limiter(2, 1, clock.nowMs());
    QVERIFY(limiter.tryAcquire(clock.nowMs()));
    QVERIFY(limiter.tryAcquire(clock.nowMs()));
    clock.advanceSecs(-10);
    QCOMPARE(limiter.tryAcquire(clock.nowMs()), false);
    QCOMPARE(limiter.available(clock.nowMs()), 0.0);
    // Time lost going back is not counted twice when it comes forward again.
    clock.advanceSecs(10);
    QCOMPARE(limiter.available(clock.nowMs()), 0.0);
    clock.advanceMSecs(1000);
    QCOMPARE(limiter.available(clock.nowMs()), 1.0);
}

void tst_RateLimiter::acquireGivesCodedError()
{
    ManualClock clock(kStart);
    RateLimiter limiter(1, 4, clock.nowMs());
    QVERIFY(limiter.acquire(clock.nowMs()).has_value());
    const Result<void> refused = limiter.acquire(clock.nowMs());
    QVERIFY(!refused.has_value());
    QCOMPARE(refused.error().code, ErrorCode::RateLimited);
    // The refusal costs nothing: 250 ms later one message passes.
    clock.advanceMSecs(250);
    QVERIFY(limiter.acquire(clock.nowMs()).has_value());
}

void tst_RateLimiter::waitTime_data()
{
    QTest::addColumn<double>("capacity");
    QTest::addColumn<double>("perSecond");
    QTest::addColumn<int>("taken");
    QTest::addColumn<double>("cost");
    QTest::addColumn<qint64>("waitMs");
    QTest::newRow("available-now") << 5.0 << 1.0 << 4 << 1.0 << qint64(0);
    QTest::newRow("one-token-at-1ps") << 5.0 << 1.0 << 5 << 1.0 << qint64(1000);
    QTest::newRow("one-token-at-3ps-rounds-up") << 5.0 << 3.0 << 5 << 1.0 << qint64(334);
    QTest::newRow("two-tokens-at-10ps") << 5.0 << 10.0 << 5 << 2.0 << qint64(200);
    QTest::newRow("cost-over-capacity-never") << 5.0 << 10.0 << 0 << 6.0 << qint64(-1);
}

void tst_RateLimiter::waitTime()
{
    QFETCH(double, capacity);
    QFETCH(double, perSecond);
    QFETCH(int, taken);
    QFETCH(double, cost);
    QFETCH(qint64, waitMs);
    ManualClock clock(kStart);
    RateLimiter limiter(capacity, perSecond, clock.nowMs());
    for (int i = 0; i < taken; ++i)
        QVERIFY(limiter.tryAcquire(clock.nowMs()));
    QCOMPARE(limiter.msUntilAvailable(clock.nowMs(), cost), waitMs);
    if (waitMs > 0) {
        clock.advanceMSecs(waitMs - 1);
        QCOMPARE(limiter.tryAcquire(clock.nowMs(), cost), false);
        clock.advanceMSecs(1);
        QCOMPARE(limiter.tryAcquire(clock.nowMs(), cost), true);
    }
}

void tst_RateLimiter::noRefill()
{
    ManualClock clock(kStart);
    RateLimiter limiter(2, 0, clock.nowMs());
    QVERIFY(limiter.tryAcquire(clock.nowMs()));
    QVERIFY(limiter.tryAcquire(clock.nowMs()));
    clock.advanceSecs(86400);
    QCOMPARE(limiter.tryAcquire(clock.nowMs()), false);
    QCOMPARE(limiter.msUntilAvailable(clock.nowMs()), qint64(-1));
}

QTEST_APPLESS_MAIN(tst_RateLimiter)
#include "tst_ratelimiter.moc"

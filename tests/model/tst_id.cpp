#include <model/clock.h>
#include <model/id.h>

#include <QSet>
#include <QTest>

#include <unordered_set>

using namespace Orrery;

class tst_Id : public QObject
{
    Q_OBJECT

private slots:
    void timeOrdered();
    void uniqueWithinOneMillisecond();
    void clockSteppingBackStaysMonotonic();
    void generatorsDoNotCollide();
    void stringRoundTrip();
};

static QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

void tst_Id::timeOrdered()
{
    ManualClock clock(at(IdGenerator::kEpochMs + 1000));
    IdGenerator gen(clock);
    const qint64 a = gen.nextValue();
    clock.advanceMSecs(1);
    const qint64 b = gen.nextValue();
    clock.advanceSecs(3600);
    const qint64 c = gen.nextValue();
    QVERIFY(a < b);
    QVERIFY(b < c);
    QCOMPARE(IdGenerator::timestampMs(a), IdGenerator::kEpochMs + 1000);
    QCOMPARE(IdGenerator::timestampMs(c), IdGenerator::kEpochMs + 1001 + 3600 * 1000);
}

void tst_Id::uniqueWithinOneMillisecond()
{
    ManualClock clock(at(IdGenerator::kEpochMs + 5));
    IdGenerator gen(clock);
    std::unordered_set<qint64> seen;
    qint64 last = 0;
    // More ids than the 12-bit sequence holds: the generator borrows the next milliseconds.
    for (int i = 0; i < 10000; ++i) {
        const qint64 v = gen.nextValue();
        QVERIFY(v > last);
        last = v;
        seen.insert(v);
    }
    QCOMPARE(int(seen.size()), 10000);
}

void tst_Id::clockSteppingBackStaysMonotonic()
{
    ManualClock clock(at(IdGenerator::kEpochMs + 100000));
    IdGenerator gen(clock);
    const qint64 a = gen.nextValue();
    clock.advanceSecs(-50);
    const qint64 b = gen.nextValue();
    QVERIFY(b > a);
}

void tst_Id::generatorsDoNotCollide()
{
    ManualClock clock(at(IdGenerator::kEpochMs + 42));
    IdGenerator one(clock, 1);
    IdGenerator two(clock, 2);
    QSet<qint64> ids;
    for (int i = 0; i < 100; ++i) {
        ids.insert(one.nextValue());
        ids.insert(two.nextValue());
    }
    QCOMPARE(ids.size(), 200);
}

void tst_Id::stringRoundTrip()
{
    ManualClock clock(at(IdGenerator::kEpochMs + 7));
    IdGenerator gen(clock);
    const RunId id = gen.next<RunId>();
    QVERIFY(id.isValid());
    QCOMPARE(RunId::fromString(id.toString()), id);
    QCOMPARE(RunId::fromString(QStringLiteral("abc")).isValid(), false);
    QCOMPARE(RunId::fromString(QStringLiteral("-3")).isValid(), false);
    QCOMPARE(RunId().isValid(), false);
}

QTEST_APPLESS_MAIN(tst_Id)
#include "tst_id.moc"

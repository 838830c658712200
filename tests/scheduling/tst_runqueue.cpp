#include <master/scheduling/runqueue.h>

#include <QRandomGenerator>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr qint64 kMinute = 60 * 1000;

WaitingRun waiting(qint64 id, Priority p, qint64 queuedMs)
{
    return WaitingRun{RunId(id), p, queuedMs};
}

// "id id id" in the queue's order at nowMs.
QString order(const RunQueue &q, qint64 nowMs, const QueuePolicy &policy = {})
{
    QStringList ids;
    for (const WaitingRun &r : q.ordered(nowMs, policy))
        ids.append(QString::number(r.run.value()));
    return ids.join(u' ');
}

}  // namespace

class tst_RunQueue : public QObject
{
    Q_OBJECT

private slots:
    void byPriorityThenFifo();
    void ageing_data();
    void ageing();
    void agedRunsOvertake();
    void ageingDisabled();
    void removeAndReplace();
    void limit();
    void p3WaitsForIdleFleet_data();
    void p3WaitsForIdleFleet();
    void globalLimit();
    void orderMatchesSortedReference();
};

void tst_RunQueue::byPriorityThenFifo()
{
    RunQueue q;
    q.push(waiting(1, Priority::P2, 0));
    q.push(waiting(2, Priority::P1, 10));
    q.push(waiting(3, Priority::P3, 5));
    q.push(waiting(4, Priority::P0, 20));
    q.push(waiting(5, Priority::P1, 10));  // same time as 2: push order decides
    q.push(waiting(6, Priority::P2, 1));
    q.push(waiting(7, Priority::P1, 3));
    QCOMPARE(q.size(), 7);
    QCOMPARE(order(q, 30), u"4 7 2 5 1 6 3"_s);
}

void tst_RunQueue::ageing_data()
{
    QTest::addColumn<int>("declared");
    QTest::addColumn<qint64>("waitedMs");
    QTest::addColumn<int>("expected");
    QTest::newRow("p2-fresh") << 2 << qint64(0) << 2;
    QTest::newRow("p2-just-under-a-step") << 2 << 10 * kMinute - 1 << 2;
    QTest::newRow("p2-one-step") << 2 << 10 * kMinute << 1;
    QTest::newRow("p2-never-above-p1") << 2 << 1000 * kMinute << 1;
    QTest::newRow("p3-one-step") << 3 << 10 * kMinute << 2;
    QTest::newRow("p3-two-steps") << 3 << 20 * kMinute << 1;
    QTest::newRow("p1-stays") << 1 << 1000 * kMinute << 1;
    QTest::newRow("p0-stays") << 0 << 1000 * kMinute << 0;
    QTest::newRow("clock-before-queue") << 3 << -5 * kMinute << 3;
}

void tst_RunQueue::ageing()
{
    QFETCH(int, declared);
    QFETCH(qint64, waitedMs);
    QFETCH(int, expected);
    const qint64 queued = 1'000'000;
    QCOMPARE(int(effectivePriority(Priority(declared), queued, queued + waitedMs, {})), expected);
}

void tst_RunQueue::agedRunsOvertake()
{
    RunQueue q;
    q.push(waiting(1, Priority::P3, 0));
    q.push(waiting(2, Priority::P2, 5 * kMinute));
    q.push(waiting(3, Priority::P1, 14 * kMinute));
    q.push(waiting(4, Priority::P2, 15 * kMinute));
    QCOMPARE(order(q, 9 * kMinute), u"3 2 4 1"_s);  // nobody has aged yet: declared order
    // At 15 min run 2 (P2, 10 min) is P1 and queued before run 3; run 1 (P3, 15 min) is P2.
    QCOMPARE(order(q, 15 * kMinute), u"2 3 1 4"_s);
    // At 20 min: run 1 (P3, 20 min) is P1, run 2 (P2, 15 min) is P1; both queued before run 3.
    QCOMPARE(order(q, 20 * kMinute), u"1 2 3 4"_s);
    // A fresh P0 still goes first: ageing stops at P1.
    q.push(waiting(5, Priority::P0, 20 * kMinute));
    QCOMPARE(order(q, 500 * kMinute), u"5 1 2 3 4"_s);
}

void tst_RunQueue::ageingDisabled()
{
    QueuePolicy policy;
    policy.ageingStepSecs = 0;
    RunQueue q;
    q.push(waiting(1, Priority::P3, 0));
    q.push(waiting(2, Priority::P2, 100 * kMinute));
    QCOMPARE(order(q, 1000 * kMinute, policy), u"2 1"_s);
    policy.ageingStepSecs = 60;
    policy.ageingCap = Priority::P2;  // ageing may stop lower than P1
    q.push(waiting(3, Priority::P1, 999 * kMinute));
    QCOMPARE(order(q, 1000 * kMinute, policy), u"3 1 2"_s);
}

void tst_RunQueue::removeAndReplace()
{
    RunQueue q;
    q.push(waiting(1, Priority::P2, 0));
    q.push(waiting(2, Priority::P2, 1));
    q.push(waiting(3, Priority::P2, 2));
    QVERIFY(q.remove(RunId(2)));
    QVERIFY(!q.remove(RunId(2)));
    QVERIFY(!q.contains(RunId(2)));
    QCOMPARE(order(q, 10), u"1 3"_s);
    // A run pushed again is moved, not duplicated (a preempted run requeued as P1).
    q.push(waiting(3, Priority::P1, 2));
    QCOMPARE(q.size(), 2);
    QCOMPARE(order(q, 10), u"3 1"_s);
}

void tst_RunQueue::limit()
{
    RunQueue q;
    for (int i = 1; i <= 5; ++i)
        q.push(waiting(i, Priority(i % 4), i));
    QCOMPARE(q.ordered(10, {}, 2).size(), 2);
    QCOMPARE(q.ordered(10, {}, 2).first().run, RunId(4));
    QCOMPARE(q.ordered(10, {}, 0).size(), 0);
    QCOMPARE(q.ordered(10, {}, 99).size(), 5);
}

void tst_RunQueue::p3WaitsForIdleFleet_data()
{
    QTest::addColumn<int>("running");
    QTest::addColumn<int>("capacity");
    QTest::addColumn<qint64>("waitedMs");
    QTest::addColumn<bool>("admitted");
    QTest::newRow("idle") << 0 << 10 << qint64(0) << true;
    QTest::newRow("49%") << 49 << 100 << qint64(0) << true;
    QTest::newRow("50%") << 50 << 100 << qint64(0) << false;
    QTest::newRow("90%") << 9 << 10 << qint64(0) << false;
    QTest::newRow("no-capacity") << 0 << 0 << qint64(0) << false;
    QTest::newRow("aged-to-p2") << 9 << 10 << 10 * kMinute << true;
}

void tst_RunQueue::p3WaitsForIdleFleet()
{
    QFETCH(int, running);
    QFETCH(int, capacity);
    QFETCH(qint64, waitedMs);
    QFETCH(bool, admitted);
    const WaitingRun run = waiting(1, Priority::P3, 0);
    const auto why = RunQueue::admission(run, FleetLoad{running, capacity}, waitedMs, {});
    QCOMPARE(!why.has_value(), admitted);
    // A P2 is never held by utilisation.
    QVERIFY(!RunQueue::admission(waiting(2, Priority::P2, 0), FleetLoad{running, capacity}, 0, {}));
}

void tst_RunQueue::globalLimit()
{
    QueuePolicy policy;
    policy.globalMaxRunning = 3;
    const FleetLoad below{2, 100};
    const FleetLoad at{3, 100};
    QVERIFY(!RunQueue::admission(waiting(1, Priority::P1, 0), below, 0, policy));
    const auto why = RunQueue::admission(waiting(1, Priority::P1, 0), at, 0, policy);
    QCOMPARE(why.value_or(QString()), u"the global limit of 3 running runs is reached"_s);
    QVERIFY(!RunQueue::admission(waiting(2, Priority::P0, 0), at, 0, policy));
    const auto p3 = RunQueue::admission(waiting(3, Priority::P3, 0), FleetLoad{60, 100}, 0, {});
    QCOMPARE(p3.value_or(QString()),
             u"fleet utilisation 60 % is not below 50 %: P3 runs wait for an idle fleet"_s);
}

// The merge gives the same order as sorting every run by (effective priority, queued, push).
void tst_RunQueue::orderMatchesSortedReference()
{
    for (quint32 seed = 1; seed <= 20; ++seed) {
        QRandomGenerator rng(seed);
        RunQueue q;
        QList<std::pair<WaitingRun, int>> all;
        for (int i = 0; i < 200; ++i) {
            const WaitingRun r
                    = waiting(i + 1, Priority(rng.bounded(4)), qint64(rng.bounded(60)) * kMinute);
            q.push(r);
            all.append({r, i});
        }
        const qint64 now = 60 * kMinute;
        std::stable_sort(all.begin(), all.end(), [now](const auto &a, const auto &b) {
            const int pa = int(effectivePriority(a.first.priority, a.first.queuedMs, now, {}));
            const int pb = int(effectivePriority(b.first.priority, b.first.queuedMs, now, {}));
            return std::tuple(pa, a.first.queuedMs, a.second)
                   < std::tuple(pb, b.first.queuedMs, b.second);
        });
        QList<WaitingRun> expected;
        for (const auto &entry : all)
            expected.append(entry.first);
        QCOMPARE(q.ordered(now, {}), expected);
    }
}

QTEST_APPLESS_MAIN(tst_RunQueue)
#include "tst_runqueue.moc"

#include <master/scheduling/autoscale.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

using Action = AutoscaleDecision::Action;

namespace {

constexpr qint64 kMinute = 60 * 1000;

NodeCandidate node(qint64 id, double cpu, int running = 0)
{
    NodeCandidate n;
    n.id = NodeId(id);
    n.name = u"node-"_s + QString::number(id);
    n.connected = true;
    n.maxParallel = 4;
    n.running = running;
    n.cpuPercent = cpu;
    return n;
}

FleetSnapshot snapshot(qint64 atMs, int queue, qint64 waitMs, const QList<NodeCandidate> &nodes)
{
    return FleetSnapshot{atMs, queue, waitMs, nodes};
}

// Feeds a fleet at `cpu` % every minute from `fromMin` to `toMin` (inclusive); the last decision.
AutoscaleDecision feedCpu(Autoscaler &a, int fromMin, int toMin, double cpu, int queue = 0)
{
    AutoscaleDecision d;
    for (int m = fromMin; m <= toMin; ++m)
        d = a.observe(snapshot(m * kMinute, queue, 0, {node(1, cpu), node(2, cpu)}));
    return d;
}

}  // namespace

class tst_Autoscale : public QObject
{
    Q_OBJECT

private slots:
    void queueLength_data();
    void queueLength();
    void averageWait_data();
    void averageWait();
    void cpuMustBeSustained();
    void cpuDipResetsWindow();
    void cooldown();
    void scaleInPicksIdleNode();
    void scaleInRespectsMinNodes();
    void configurable();
    void fleetCpuMean();
};

void tst_Autoscale::queueLength_data()
{
    QTest::addColumn<int>("queue");
    QTest::addColumn<bool>("fires");
    QTest::newRow("100") << 100 << false;
    QTest::newRow("101") << 101 << true;
}

void tst_Autoscale::queueLength()
{
    QFETCH(int, queue);
    QFETCH(bool, fires);
    Autoscaler a;
    const AutoscaleDecision d = a.observe(snapshot(0, queue, 0, {node(1, 50)}));
    QCOMPARE(d.action, fires ? Action::ScaleOut : Action::None);
    if (fires) {
        QCOMPARE(d.triggers, QStringList{u"queue length 101 > 100"_s});
        QCOMPARE(d.summary, u"scale out: queue length 101 > 100"_s);
        QCOMPARE(a.lastActionMs(), std::optional<qint64>(0));
    }
}

void tst_Autoscale::averageWait_data()
{
    QTest::addColumn<qint64>("waitMs");
    QTest::addColumn<bool>("fires");
    QTest::newRow("5min") << 5 * kMinute << false;
    QTest::newRow("5min+1s") << 5 * kMinute + 1000 << true;
}

void tst_Autoscale::averageWait()
{
    QFETCH(qint64, waitMs);
    QFETCH(bool, fires);
    Autoscaler a;
    const AutoscaleDecision d = a.observe(snapshot(0, 3, waitMs, {node(1, 50)}));
    QCOMPARE(d.action, fires ? Action::ScaleOut : Action::None);
    if (fires)
        QCOMPARE(d.triggers, QStringList{u"average wait 301 s > 5 min"_s});
}

void tst_Autoscale::cpuMustBeSustained()
{
    Autoscaler a;
    // 85 % from minute 0: the 5-minute window is covered only at minute 5.
    QCOMPARE(feedCpu(a, 0, 4, 85).action, Action::None);
    const AutoscaleDecision d = feedCpu(a, 5, 5, 85);
    QCOMPARE(d.action, Action::ScaleOut);
    QCOMPARE(d.triggers, QStringList{u"fleet CPU above 80 % for 5 min (now 85 %)"_s});
    // Exactly 80 % is not above.
    Autoscaler b;
    QCOMPARE(feedCpu(b, 0, 20, 80).action, Action::None);
}

void tst_Autoscale::cpuDipResetsWindow()
{
    Autoscaler a;
    feedCpu(a, 0, 3, 90);
    QCOMPARE(feedCpu(a, 4, 4, 70).action, Action::None);  // one dip
    QCOMPARE(feedCpu(a, 5, 9, 90).action, Action::None);  // window 4..9 still starts in the dip
    QCOMPARE(feedCpu(a, 10, 10, 90).action, Action::ScaleOut);  // window 5..10: above throughout
    // A gap in reports (no node with CPU) also restarts the window.
    Autoscaler b;
    feedCpu(b, 0, 4, 90);
    b.observe(snapshot(5 * kMinute, 0, 0, {}));
    QCOMPARE(feedCpu(b, 6, 10, 90).action, Action::None);
    QCOMPARE(feedCpu(b, 11, 11, 90).action, Action::ScaleOut);
}

void tst_Autoscale::cooldown()
{
    Autoscaler a;
    QCOMPARE(a.observe(snapshot(0, 150, 0, {node(1, 50)})).action, Action::ScaleOut);
    const AutoscaleDecision held = a.observe(snapshot(9 * kMinute, 150, 0, {node(1, 50)}));
    QCOMPARE(held.action, Action::None);
    QVERIFY(held.heldByCooldown);
    QCOMPARE(held.cooldownUntilMs, 10 * kMinute);
    QCOMPARE(held.summary,
             u"scale out held by the cooldown (1 min left): queue length 150 > 100"_s);
    const AutoscaleDecision again = a.observe(snapshot(10 * kMinute, 150, 0, {node(1, 50)}));
    QCOMPARE(again.action, Action::ScaleOut);
    QVERIFY(!again.heldByCooldown);
    QCOMPARE(a.lastActionMs(), std::optional<qint64>(10 * kMinute));
}

void tst_Autoscale::scaleInPicksIdleNode()
{
    Autoscaler a;
    QList<NodeCandidate> nodes{node(1, 10, 2), node(2, 5, 1), node(3, 15, 0), node(4, 12, 0)};
    nodes[3].draining = true;  // already draining: not picked again
    AutoscaleDecision d;
    for (int m = 0; m <= 5; ++m)
        d = a.observe(snapshot(m * kMinute, 0, 0, nodes));
    QCOMPARE(d.action, Action::ScaleIn);
    QCOMPARE(d.drain, std::optional<NodeId>(NodeId(3)));  // idle, though its CPU is highest
    QCOMPARE(d.summary,
             u"scale in: queue empty and fleet CPU below 20 % for 5 min (now 11 %); "
             u"drain node 3"_s);
    // No idle node: the fewest running.
    Autoscaler b;
    nodes = {node(1, 10, 2), node(2, 5, 1), node(3, 15, 3)};
    for (int m = 0; m <= 5; ++m)
        d = b.observe(snapshot(m * kMinute, 0, 0, nodes));
    QCOMPARE(d.drain, std::optional<NodeId>(NodeId(2)));
    // A waiting run means no scale-in.
    Autoscaler c;
    for (int m = 0; m <= 5; ++m)
        d = c.observe(snapshot(m * kMinute, 1, 0, nodes));
    QCOMPARE(d.action, Action::None);
}

void tst_Autoscale::scaleInRespectsMinNodes()
{
    AutoscalePolicy p;
    p.minNodes = 2;
    Autoscaler a(p);
    AutoscaleDecision d;
    for (int m = 0; m <= 10; ++m)
        d = a.observe(snapshot(m * kMinute, 0, 0, {node(1, 1), node(2, 1)}));
    QCOMPARE(d.action, Action::None);
    d = a.observe(snapshot(11 * kMinute, 0, 0, {node(1, 1), node(2, 1), node(3, 1)}));
    QCOMPARE(d.action, Action::ScaleIn);
    QCOMPARE(d.drain, std::optional<NodeId>(NodeId(3)));  // all equal: the newest
}

void tst_Autoscale::configurable()
{
    AutoscalePolicy p;
    p.queueLengthAbove = 10;
    p.averageWaitAboveSecs = 60;
    p.fleetCpuAbove = 50;
    p.cpuWindowSecs = 120;
    p.cooldownSecs = 0;
    Autoscaler a(p);
    QCOMPARE(a.observe(snapshot(0, 11, 0, {node(1, 10)})).action, Action::ScaleOut);
    QCOMPARE(a.observe(snapshot(1, 2, 61'000, {node(1, 10)})).action, Action::ScaleOut);
    Autoscaler b(p);
    QCOMPARE(feedCpu(b, 0, 1, 60).action, Action::None);
    const AutoscaleDecision d = feedCpu(b, 2, 2, 60);
    QCOMPARE(d.action, Action::ScaleOut);
    QCOMPARE(d.triggers, QStringList{u"fleet CPU above 50 % for 2 min (now 60 %)"_s});
}

void tst_Autoscale::fleetCpuMean()
{
    QList<NodeCandidate> nodes{node(1, 20), node(2, 60), node(3, 99)};
    nodes[2].connected = false;
    nodes.append(NodeCandidate{});  // not connected, no report
    QCOMPARE(fleetCpu(nodes), std::optional<double>(40.0));
    QCOMPARE(fleetCpu({}), std::nullopt);
}

QTEST_APPLESS_MAIN(tst_Autoscale)
#include "tst_autoscale.moc"

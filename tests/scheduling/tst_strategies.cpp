#include <master/scheduling/dispatch.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

using Labels = QMap<QString, QString>;

namespace {

constexpr qint64 kGiB = qint64(1024) * 1024 * 1024;

NodeCandidate node(qint64 id, int weight = 1, int maxParallel = 10)
{
    NodeCandidate n;
    n.id = NodeId(id);
    n.name = u"node-"_s + QString::number(id);
    n.connected = true;
    n.maxParallel = maxParallel;
    n.weight = weight;
    return n;
}

NodeCandidate loaded(qint64 id, double cpu, qint64 freeMemory)
{
    NodeCandidate n = node(id);
    n.cpuPercent = cpu;
    n.freeMemoryBytes = freeMemory;
    return n;
}

Job job(qint64 id, DispatchStrategy strategy = DispatchStrategy::Default)
{
    Job j;
    j.id = JobId(id);
    j.name = u"job-"_s + QString::number(id);
    j.strategy = strategy;
    return j;
}

QString describe(const DispatchChoice &choice, const QList<NodeCandidate> &nodes)
{
    if (!choice.index)
        return u"none: "_s + choice.reason;
    return nodes.at(*choice.index).name;
}

using Strategy = DispatchChoice (*)(const Job &, const QList<NodeCandidate> &, DispatchState &);

// The names chosen by `count` calls; the chosen node's `running` goes up when `occupy`.
QString sequence(Strategy strategy, const Job &j, QList<NodeCandidate> &nodes, DispatchState &state,
                 int count, bool occupy = false)
{
    QStringList names;
    for (int i = 0; i < count; ++i) {
        const DispatchChoice choice = strategy(j, nodes, state);
        names.append(describe(choice, nodes));
        if (occupy && choice.index)
            ++nodes[*choice.index].running;
    }
    return names.join(u' ');
}

}  // namespace

class tst_Strategies : public QObject
{
    Q_OBJECT

private slots:
    void weightedIsSmooth_data();
    void weightedIsSmooth();
    void weightedSharesOverManyCalls();
    void weightedSkipsFullNodes();
    void weightedReason();
    void leastRunningPicksFewest();
    void leastRunningRotatesTies();
    void resourceAwareThresholds_data();
    void resourceAwareThresholds();
    void resourceAwareConfigurable();
    void resourceAwarePicksHeadroom();
    void resourceAwareReasons_data();
    void resourceAwareReasons();
    void broadcastAllMatching();
    void broadcastNone();
    void entryPointFollowsStrategy();
    void defaultStrategyConfigurable();
};

void tst_Strategies::weightedIsSmooth_data()
{
    QTest::addColumn<QList<int>>("weights");
    QTest::addColumn<QString>("expected");
    QTest::newRow("3-1") << QList<int>{3, 1}
                         << u"node-1 node-1 node-2 node-1 node-1 node-1 node-2 node-1"_s;
    QTest::newRow("5-1-1") << QList<int>{5, 1, 1}
                           << u"node-1 node-1 node-2 node-1 node-3 node-1 node-1"_s;
    QTest::newRow("equal") << QList<int>{2, 2, 2} << u"node-1 node-2 node-3 node-1 node-2 node-3"_s;
    QTest::newRow("zero-counts-as-one") << QList<int>{0, 1} << u"node-1 node-2 node-1 node-2"_s;
}

void tst_Strategies::weightedIsSmooth()
{
    QFETCH(QList<int>, weights);
    QFETCH(QString, expected);
    QList<NodeCandidate> nodes;
    for (int i = 0; i < weights.size(); ++i)
        nodes.append(node(i + 1, weights.at(i)));
    DispatchState state;
    QCOMPARE(sequence(weightedRoundRobin, job(1), nodes, state, int(expected.count(u' ') + 1)),
             expected);
}

void tst_Strategies::weightedSharesOverManyCalls()
{
    QList<NodeCandidate> nodes{node(1, 3), node(2, 1), node(3, 2)};
    DispatchState state;
    QHash<QString, int> counts;
    for (int i = 0; i < 600; ++i) {
        const DispatchChoice c = weightedRoundRobin(job(7), nodes, state);
        QVERIFY(c.index);
        ++counts[nodes.at(*c.index).name];
    }
    QCOMPARE(counts.value(u"node-1"_s), 300);
    QCOMPARE(counts.value(u"node-2"_s), 100);
    QCOMPARE(counts.value(u"node-3"_s), 200);
}

void tst_Strategies::weightedSkipsFullNodes()
{
    QList<NodeCandidate> nodes{node(1, 3, 2), node(2, 1, 10)};
    DispatchState state;
    // node-1 fills its two slots, then everything goes to node-2.
    QCOMPARE(sequence(weightedRoundRobin, job(1), nodes, state, 5, true),
             u"node-1 node-1 node-2 node-2 node-2"_s);
    nodes[0].running = 0;  // free again: its share resumes (it did not bank weight while full)
    QCOMPARE(sequence(weightedRoundRobin, job(1), nodes, state, 4),
             u"node-2 node-1 node-1 node-1"_s);
}

void tst_Strategies::weightedReason()
{
    QList<NodeCandidate> nodes{node(1, 3, 1), node(2, 1, 1)};
    nodes[0].running = 1;
    nodes[1].running = 1;
    DispatchState state;
    QCOMPARE(describe(weightedRoundRobin(job(1), nodes, state), nodes),
             u"none: all 2 matching nodes are at max_parallel"_s);
}

void tst_Strategies::leastRunningPicksFewest()
{
    QList<NodeCandidate> nodes{node(1), node(2), node(3)};
    nodes[0].running = 4;
    nodes[1].running = 1;
    nodes[2].running = 2;
    DispatchState state;
    // Ties (node-2 and node-3 at 2) go to the first tied node after the last one chosen.
    QCOMPARE(sequence(leastRunning, job(1), nodes, state, 5, true),
             u"node-2 node-3 node-2 node-3 node-2"_s);
    // All at 4 now: the rotation goes on from node-2.
    QCOMPARE(sequence(leastRunning, job(1), nodes, state, 3, true), u"node-3 node-1 node-2"_s);
}

void tst_Strategies::leastRunningRotatesTies()
{
    QList<NodeCandidate> nodes{node(1), node(2), node(3)};
    DispatchState state;
    // Runs end at once (running stays 0): every call is a tie, spread round-robin.
    QCOMPARE(sequence(leastRunning, job(1), nodes, state, 4), u"node-1 node-2 node-3 node-1"_s);
    nodes[1].maxParallel = 0;
    QCOMPARE(sequence(leastRunning, job(1), nodes, state, 2), u"node-3 node-1"_s);
}

void tst_Strategies::resourceAwareThresholds_data()
{
    QTest::addColumn<double>("cpu");
    QTest::addColumn<qint64>("freeMemory");
    QTest::addColumn<QString>("weight");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("qualifies");

    const qint64 plenty = 8 * kGiB;
    // CPU rule, light job: < 70 any, 70..90 light, > 90 none.
    QTest::newRow("light-cpu-69.9") << 69.9 << plenty << u"light"_s << u""_s << true;
    QTest::newRow("light-cpu-70") << 70.0 << plenty << u"light"_s << u""_s << true;
    QTest::newRow("light-cpu-90") << 90.0 << plenty << u"light"_s << u""_s << true;
    QTest::newRow("light-cpu-90.1") << 90.1 << plenty << u"light"_s << u""_s << false;
    // Heavy job: needs CPU < 70.
    QTest::newRow("heavy-cpu-69.9") << 69.9 << plenty << u"heavy"_s << u""_s << true;
    QTest::newRow("heavy-cpu-70") << 70.0 << plenty << u"heavy"_s << u""_s << false;
    QTest::newRow("heavy-cpu-90") << 90.0 << plenty << u"heavy"_s << u""_s << false;
    QTest::newRow("heavy-cpu-90.1") << 90.1 << plenty << u"heavy"_s << u""_s << false;
    // Memory rule: > 2 GB any, 0.5..2 GB light, < 0.5 GB none.
    QTest::newRow("light-mem-0.5GB") << 10.0 << kGiB / 2 << u"light"_s << u""_s << true;
    QTest::newRow("light-mem-below-0.5GB") << 10.0 << kGiB / 2 - 1 << u"light"_s << u""_s << false;
    QTest::newRow("light-mem-2GB") << 10.0 << 2 * kGiB << u"light"_s << u""_s << true;
    QTest::newRow("heavy-mem-2GB") << 10.0 << 2 * kGiB << u"heavy"_s << u""_s << false;
    QTest::newRow("heavy-mem-above-2GB") << 10.0 << 2 * kGiB + 1 << u"heavy"_s << u""_s << true;
    QTest::newRow("heavy-mem-0.5GB") << 10.0 << kGiB / 2 << u"heavy"_s << u""_s << false;
    // Kind: cpu-intensive is judged strictly by the CPU rule, memory-intensive by memory.
    QTest::newRow("cpu-kind-69.9") << 69.9 << kGiB << u"light"_s << u"cpu"_s << true;
    QTest::newRow("cpu-kind-70") << 70.0 << plenty << u"light"_s << u"cpu"_s << false;
    QTest::newRow("memory-kind-2GB") << 10.0 << 2 * kGiB << u"light"_s << u"memory"_s << false;
    QTest::newRow("memory-kind-above-2GB-cpu-85")
            << 85.0 << 2 * kGiB + 1 << u"light"_s << u"memory"_s << true;
    QTest::newRow("io-kind-busy-but-light") << 85.0 << kGiB << u"light"_s << u"io"_s << true;
    QTest::newRow("io-kind-heavy-85") << 85.0 << plenty << u"heavy"_s << u"io"_s << false;
}

void tst_Strategies::resourceAwareThresholds()
{
    QFETCH(double, cpu);
    QFETCH(qint64, freeMemory);
    QFETCH(QString, weight);
    QFETCH(QString, kind);
    QFETCH(bool, qualifies);
    Job j = job(1, DispatchStrategy::ResourceAware);
    j.weight = *jobWeightFromName(weight);
    j.resourceKind = *resourceKindFromName(kind);
    const QList<NodeCandidate> nodes{loaded(1, cpu, freeMemory)};
    const DispatchChoice c = resourceAware(j, nodes, ResourceThresholds());
    QCOMPARE(c.index.has_value(), qualifies);
    QCOMPARE(c.reason.isEmpty(), qualifies);
}

void tst_Strategies::resourceAwareConfigurable()
{
    ResourceThresholds t;
    t.cpuAnyBelow = 50;
    t.cpuLightMax = 60;
    t.memoryLightMin = kGiB;
    t.memoryAnyAbove = 4 * kGiB;
    Job heavy = job(1);
    heavy.weight = JobWeight::Heavy;
    const Job light = job(2);
    QVERIFY(!resourceAware(heavy, {loaded(1, 55, 8 * kGiB)}, t).index);
    QVERIFY(resourceAware(light, {loaded(1, 55, 8 * kGiB)}, t).index);
    QVERIFY(!resourceAware(light, {loaded(1, 60.5, 8 * kGiB)}, t).index);
    QVERIFY(!resourceAware(light, {loaded(1, 10, kGiB - 1)}, t).index);
    QVERIFY(!resourceAware(heavy, {loaded(1, 10, 4 * kGiB)}, t).index);
    QVERIFY(resourceAware(heavy, {loaded(1, 10, 4 * kGiB + 1)}, t).index);
}

void tst_Strategies::resourceAwarePicksHeadroom()
{
    QList<NodeCandidate> nodes{loaded(1, 40, 3 * kGiB), loaded(2, 20, 3 * kGiB),
                               loaded(3, 60, 16 * kGiB), loaded(4, 95, 32 * kGiB)};
    Job j = job(1);
    QCOMPARE(describe(resourceAware(j, nodes, {}), nodes), u"node-2"_s);
    j.resourceKind = ResourceKind::Memory;
    QCOMPARE(describe(resourceAware(j, nodes, {}), nodes), u"node-3"_s);  // node-4: CPU > 90
    // Equal CPU: fewer runs wins.
    nodes[0].cpuPercent = 20;
    nodes[1].running = 3;
    j.resourceKind = ResourceKind::Cpu;
    QCOMPARE(describe(resourceAware(j, nodes, {}), nodes), u"node-1"_s);
    // Labels still select first.
    nodes[2].labels = {{u"zone"_s, u"sh"_s}};
    j.labels = {{u"zone"_s, u"sh"_s}};
    QCOMPARE(describe(resourceAware(j, nodes, {}), nodes), u"node-3"_s);
}

void tst_Strategies::resourceAwareReasons_data()
{
    QTest::addColumn<QList<NodeCandidate>>("nodes");
    QTest::addColumn<QString>("weight");
    QTest::addColumn<QString>("reason");

    const qint64 plenty = 8 * kGiB;
    NodeCandidate unreported = node(9);
    NodeCandidate full = loaded(8, 10, plenty);
    full.running = full.maxParallel;
    QTest::newRow("all-above-90") << QList<NodeCandidate>{loaded(1, 95, plenty),
                                                          loaded(2, 90.1, plenty),
                                                          loaded(3, 100, plenty)}
                                  << u"light"_s
                                  << u"all 3 available matching nodes are above 90 % CPU"_s;
    QTest::newRow("one-above-90") << QList<NodeCandidate>{loaded(1, 95, plenty), full} << u"light"_s
                                  << u"the only available matching node is above 90 % CPU"_s;
    QTest::newRow("heavy-busy")
            << QList<NodeCandidate>{loaded(1, 75, plenty), loaded(2, 80, plenty)} << u"heavy"_s
            << u"all 2 available matching nodes are at or above 70 % CPU (too busy for a heavy "
               u"job)"_s;
    QTest::newRow("low-memory")
            << QList<NodeCandidate>{loaded(1, 10, kGiB / 4)} << u"light"_s
            << u"the only available matching node is below 0.5 GB free memory"_s;
    QTest::newRow("mixed") << QList<NodeCandidate>{loaded(1, 95, plenty), loaded(2, 10, 100),
                                                   loaded(3, 99, plenty), unreported}
                           << u"light"_s
                           << u"no available matching node qualifies: 2 above 90 % CPU, 1 below "
                              u"0.5 GB free memory, 1 without a CPU and memory report yet"_s;
    QTest::newRow("capacity-first") << QList<NodeCandidate>{full} << u"light"_s
                                    << u"the only matching node is at max_parallel"_s;
}

void tst_Strategies::resourceAwareReasons()
{
    QFETCH(QList<NodeCandidate>, nodes);
    QFETCH(QString, weight);
    QFETCH(QString, reason);
    Job j = job(1);
    j.weight = *jobWeightFromName(weight);
    QCOMPARE(describe(resourceAware(j, nodes, {}), nodes), u"none: "_s + reason);
}

void tst_Strategies::broadcastAllMatching()
{
    QList<NodeCandidate> nodes{node(1), node(2), node(3), node(4), node(5)};
    nodes[0].labels = {{u"role"_s, u"web"_s}};
    nodes[1].labels = {{u"role"_s, u"web"_s}};
    nodes[1].running = nodes[1].maxParallel;  // busy: still a member, its run waits
    nodes[2].labels = {{u"role"_s, u"web"_s}};
    nodes[2].draining = true;
    nodes[3].labels = {{u"role"_s, u"web"_s}};
    nodes[3].connected = false;
    Job j = job(1, DispatchStrategy::Broadcast);
    j.labels = {{u"role"_s, u"web"_s}};
    DispatchState state;
    const DispatchChoice c = dispatch(j, nodes, state, {});
    QCOMPARE(c.broadcast, (QList<qsizetype>{0, 1}));
    QCOMPARE(c.index, std::optional<qsizetype>(0));
    QVERIFY(c.reason.isEmpty());
    j.labels.clear();
    QCOMPARE(broadcast(j, nodes).broadcast, (QList<qsizetype>{0, 1, 4}));
}

void tst_Strategies::broadcastNone()
{
    QList<NodeCandidate> nodes{node(1)};
    Job j = job(1, DispatchStrategy::Broadcast);
    j.labels = {{u"zone"_s, u"sh"_s}};
    const DispatchChoice c = broadcast(j, nodes);
    QVERIFY(c.broadcast.isEmpty());
    QVERIFY(!c.index);
    QCOMPARE(c.reason, u"no connected node with labels zone=sh"_s);
}

void tst_Strategies::entryPointFollowsStrategy()
{
    QList<NodeCandidate> nodes{loaded(1, 95, 8 * kGiB), loaded(2, 10, 8 * kGiB)};
    nodes[0].weight = 5;
    nodes[1].running = 3;
    DispatchState state;
    const DispatchPolicy policy;
    QCOMPARE(describe(dispatch(job(1, DispatchStrategy::ResourceAware), nodes, state, policy),
                      nodes),
             u"node-2"_s);
    QCOMPARE(
            describe(dispatch(job(2, DispatchStrategy::LeastRunning), nodes, state, policy), nodes),
            u"node-1"_s);
    QCOMPARE(describe(dispatch(job(3, DispatchStrategy::RoundRobin), nodes, state, policy), nodes),
             u"node-1"_s);
    QCOMPARE(describe(dispatch(job(3, DispatchStrategy::RoundRobin), nodes, state, policy), nodes),
             u"node-2"_s);
    QCOMPARE(dispatch(job(4, DispatchStrategy::Broadcast), nodes, state, policy).broadcast.size(),
             2);
}

void tst_Strategies::defaultStrategyConfigurable()
{
    QList<NodeCandidate> nodes{loaded(1, 95, 8 * kGiB), loaded(2, 10, 8 * kGiB)};
    DispatchPolicy policy;
    DispatchState state;
    // Round-robin by default: node-1 first although it is above 90 % CPU.
    QCOMPARE(describe(dispatch(job(1), nodes, state, policy), nodes), u"node-1"_s);
    policy.defaultStrategy = DispatchStrategy::ResourceAware;
    const DispatchFunction f = makeDispatchFunction(policy);
    QCOMPARE(describe(f(job(2), nodes, state), nodes), u"node-2"_s);
    QCOMPARE(describe(f(job(2), nodes, state), nodes), u"node-2"_s);
    // A job's own strategy wins over the default.
    QCOMPARE(describe(f(job(3, DispatchStrategy::RoundRobin), nodes, state), nodes), u"node-1"_s);
}

QTEST_APPLESS_MAIN(tst_Strategies)
#include "tst_strategies.moc"

#include <master/scheduling/dispatch.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

using Labels = QMap<QString, QString>;
Q_DECLARE_METATYPE(Labels)

namespace {

NodeCandidate node(qint64 id, const Labels &labels = {}, int maxParallel = 1)
{
    NodeCandidate n;
    n.id = NodeId(id);
    n.name = u"node-"_s + QString::number(id);
    n.labels = labels;
    n.connected = true;
    n.maxParallel = maxParallel;
    return n;
}

Job job(qint64 id, const Labels &labels = {})
{
    Job j;
    j.id = JobId(id);
    j.name = u"job-"_s + QString::number(id);
    j.labels = labels;
    return j;
}

// The chosen node's name, or "none: <reason>".
QString describe(const DispatchChoice &choice, const QList<NodeCandidate> &nodes)
{
    if (!choice.index)
        return u"none: "_s + choice.reason;
    if (*choice.index < 0 || *choice.index >= nodes.size())
        return u"out of range"_s;
    return nodes.at(*choice.index).name;
}

// The names chosen by `count` calls in a row.
QString sequence(const Job &j, const QList<NodeCandidate> &nodes, DispatchState &state, int count)
{
    QStringList names;
    for (int i = 0; i < count; ++i)
        names.append(describe(roundRobin(j, nodes, state), nodes));
    return names.join(u' ');
}

}  // namespace

class tst_Dispatch : public QObject
{
    Q_OBJECT

private slots:
    void matchesLabels_data();
    void matchesLabels();
    void rotates();
    void fairOverManyCalls();
    void cursorsArePerJob();
    void onlyMatchingLabels();
    void skipsUnavailable_data();
    void skipsUnavailable();
    void reasons_data();
    void reasons();
    void cursorSurvivesInsertedNode();
    void cursorSurvivesRemovedNode();
    void cursorSurvivesReorder();
    void worksAsDispatchFunction();
};

void tst_Dispatch::matchesLabels_data()
{
    QTest::addColumn<Labels>("selector");
    QTest::addColumn<Labels>("labels");
    QTest::addColumn<bool>("matches");

    const Labels shDb{{u"zone"_s, u"sh"_s}, {u"role"_s, u"db"_s}};
    QTest::newRow("empty-selector") << Labels() << shDb << true;
    QTest::newRow("empty-both") << Labels() << Labels() << true;
    QTest::newRow("subset") << Labels{{u"zone"_s, u"sh"_s}} << shDb << true;
    QTest::newRow("all") << shDb << shDb << true;
    QTest::newRow("value-differs") << Labels{{u"zone"_s, u"bj"_s}} << shDb << false;
    QTest::newRow("key-missing") << Labels{{u"gpu"_s, u"yes"_s}} << shDb << false;
    QTest::newRow("node-has-none") << Labels{{u"zone"_s, u"sh"_s}} << Labels() << false;
    QTest::newRow("one-of-two-differs")
            << Labels{{u"zone"_s, u"sh"_s}, {u"role"_s, u"web"_s}} << shDb << false;
    QTest::newRow("case-sensitive") << Labels{{u"zone"_s, u"SH"_s}} << shDb << false;
    QTest::newRow("empty-value") << Labels{{u"zone"_s, QString()}} << shDb << false;
}

void tst_Dispatch::matchesLabels()
{
    QFETCH(Labels, selector);
    QFETCH(Labels, labels);
    QFETCH(bool, matches);
    QCOMPARE(Orrery::Master::matchesLabels(selector, labels), matches);
}

void tst_Dispatch::rotates()
{
    const QList<NodeCandidate> nodes{node(1), node(2), node(3)};
    DispatchState state;
    QCOMPARE(sequence(job(1), nodes, state, 7),
             u"node-1 node-2 node-3 node-1 node-2 node-3 node-1"_s);
    QCOMPARE(state.cursor.value(JobId(1)), quint64(1));
}

void tst_Dispatch::fairOverManyCalls()
{
    QList<NodeCandidate> nodes;
    for (qint64 id = 1; id <= 7; ++id)
        nodes.append(node(id, {{u"zone"_s, id % 2 ? u"sh"_s : u"bj"_s}}));
    nodes[2].connected = false;  // node-3: a matching node that is away
    DispatchState state;
    const Job j = job(9, {{u"zone"_s, u"sh"_s}});
    QHash<QString, int> counts;
    constexpr int kRounds = 1000;
    for (int i = 0; i < kRounds * 3; ++i) {
        const DispatchChoice choice = roundRobin(j, nodes, state);
        QVERIFY(choice.index);
        ++counts[nodes.at(*choice.index).name];
    }
    QCOMPARE(counts.size(), 3);
    QCOMPARE(counts.value(u"node-1"_s), kRounds);
    QCOMPARE(counts.value(u"node-5"_s), kRounds);
    QCOMPARE(counts.value(u"node-7"_s), kRounds);
}

void tst_Dispatch::cursorsArePerJob()
{
    const QList<NodeCandidate> nodes{node(1), node(2), node(3)};
    DispatchState state;
    QCOMPARE(sequence(job(1), nodes, state, 2), u"node-1 node-2"_s);
    QCOMPARE(sequence(job(2), nodes, state, 1), u"node-1"_s);
    QCOMPARE(sequence(job(1), nodes, state, 1), u"node-3"_s);
    QCOMPARE(sequence(job(2), nodes, state, 1), u"node-2"_s);
}

void tst_Dispatch::onlyMatchingLabels()
{
    const Labels sh{{u"zone"_s, u"sh"_s}};
    const Labels bj{{u"zone"_s, u"bj"_s}};
    const QList<NodeCandidate> nodes{node(1, bj), node(2, sh), node(3, bj),
                                     node(4, {{u"zone"_s, u"sh"_s}, {u"role"_s, u"db"_s}})};
    DispatchState state;
    QCOMPARE(sequence(job(1, sh), nodes, state, 4), u"node-2 node-4 node-2 node-4"_s);
    QCOMPARE(sequence(job(2, {{u"role"_s, u"db"_s}}), nodes, state, 2), u"node-4 node-4"_s);
    QCOMPARE(sequence(job(3), nodes, state, 4), u"node-1 node-2 node-3 node-4"_s);
}

void tst_Dispatch::skipsUnavailable_data()
{
    QTest::addColumn<int>("unavailable");  // which way node-2 cannot take the job
    QTest::newRow("disconnected") << 0;
    QTest::newRow("draining") << 1;
    QTest::newRow("at-max-parallel") << 2;
    QTest::newRow("over-max-parallel") << 3;
    QTest::newRow("max-parallel-zero") << 4;
}

void tst_Dispatch::skipsUnavailable()
{
    QFETCH(int, unavailable);
    QList<NodeCandidate> nodes{node(1, {}, 2), node(2, {}, 2), node(3, {}, 2)};
    NodeCandidate &n = nodes[1];
    switch (unavailable) {
    case 0:
        n.connected = false;
        break;
    case 1:
        n.draining = true;
        break;
    case 2:
        n.running = 2;
        break;
    case 3:
        n.running = 5;
        break;
    case 4:
        n.maxParallel = 0;
        break;
    }
    DispatchState state;
    QCOMPARE(sequence(job(1), nodes, state, 4), u"node-1 node-3 node-1 node-3"_s);

    // Free again: it takes its turn.
    nodes[1] = node(2, {}, 2);
    QCOMPARE(sequence(job(1), nodes, state, 3), u"node-1 node-2 node-3"_s);
}

void tst_Dispatch::reasons_data()
{
    QTest::addColumn<QList<NodeCandidate>>("nodes");
    QTest::addColumn<Labels>("selector");
    QTest::addColumn<QString>("reason");

    const Labels sh{{u"zone"_s, u"sh"_s}};
    const Labels bj{{u"zone"_s, u"bj"_s}};
    NodeCandidate away = node(1, sh);
    away.connected = false;
    NodeCandidate drainingSh = node(2, sh);
    drainingSh.draining = true;
    NodeCandidate busySh = node(3, sh, 2);
    busySh.running = 2;
    NodeCandidate busySh2 = node(4, sh, 1);
    busySh2.running = 1;

    QTest::newRow("no-nodes") << QList<NodeCandidate>() << Labels() << u"no connected node"_s;
    QTest::newRow("none-connected")
            << QList<NodeCandidate>{away} << Labels() << u"no connected node"_s;
    QTest::newRow("no-label-match") << QList<NodeCandidate>{away, node(5, bj)} << sh
                                    << u"no connected node with labels zone=sh"_s;
    QTest::newRow("no-label-match-two-labels")
            << QList<NodeCandidate>{node(5, sh)}
            << Labels{{u"zone"_s, u"sh"_s}, {u"role"_s, u"db"_s}}
            << u"no connected node with labels role=db, zone=sh"_s;
    QTest::newRow("all-draining") << QList<NodeCandidate>{drainingSh, node(5, bj)} << sh
                                  << u"all matching nodes are draining"_s;
    QTest::newRow("all-busy") << QList<NodeCandidate>{busySh, busySh2, node(5, bj), away} << sh
                              << u"all 2 matching nodes are at max_parallel"_s;
    QTest::newRow("only-one-busy")
            << QList<NodeCandidate>{busySh} << sh << u"the only matching node is at max_parallel"_s;
    QTest::newRow("busy-and-draining")
            << QList<NodeCandidate>{busySh, drainingSh, busySh2} << sh
            << u"all 2 matching nodes are at max_parallel (1 more draining)"_s;
}

void tst_Dispatch::reasons()
{
    QFETCH(QList<NodeCandidate>, nodes);
    QFETCH(Labels, selector);
    QFETCH(QString, reason);

    DispatchState state;
    state.cursor.insert(JobId(1), 3);
    const DispatchChoice choice = roundRobin(job(1, selector), nodes, state);
    QCOMPARE(describe(choice, nodes), u"none: "_s + reason);
    QCOMPARE(state.cursor.value(JobId(1)), quint64(3));  // nothing chosen, cursor unchanged
}

// A node joins the list before the cursor: the rotation goes on after the last node chosen.
void tst_Dispatch::cursorSurvivesInsertedNode()
{
    QList<NodeCandidate> nodes{node(10), node(20), node(30)};
    DispatchState state;
    QCOMPARE(sequence(job(1), nodes, state, 2), u"node-10 node-20"_s);
    nodes.prepend(node(5));
    QCOMPARE(sequence(job(1), nodes, state, 4), u"node-30 node-5 node-10 node-20"_s);
    nodes.insert(3, node(25));  // 5 10 20 25 30, cursor on 20
    QCOMPARE(sequence(job(1), nodes, state, 2), u"node-25 node-30"_s);
}

// The last node chosen leaves: the rotation goes on at the next id.
void tst_Dispatch::cursorSurvivesRemovedNode()
{
    QList<NodeCandidate> nodes{node(10), node(20), node(30), node(40)};
    DispatchState state;
    QCOMPARE(sequence(job(1), nodes, state, 2), u"node-10 node-20"_s);
    nodes.removeAt(1);  // node-20 goes
    QCOMPARE(sequence(job(1), nodes, state, 3), u"node-30 node-40 node-10"_s);
    nodes.removeAt(0);  // node-10 (the last chosen) goes
    QCOMPARE(sequence(job(1), nodes, state, 2), u"node-30 node-40"_s);
    nodes.removeLast();  // node-40 (the last chosen, the highest id) goes: wrap to the start
    QCOMPARE(sequence(job(1), nodes, state, 1), u"node-30"_s);
}

// The list is in any order: the rotation follows it, from the last node chosen.
void tst_Dispatch::cursorSurvivesReorder()
{
    QList<NodeCandidate> nodes{node(1), node(2), node(3), node(4)};
    DispatchState state;
    QCOMPARE(sequence(job(1), nodes, state, 2), u"node-1 node-2"_s);
    nodes = {node(4), node(2), node(1), node(3)};
    QCOMPARE(sequence(job(1), nodes, state, 4), u"node-1 node-3 node-4 node-2"_s);
}

void tst_Dispatch::worksAsDispatchFunction()
{
    const DispatchFunction dispatch = roundRobin;
    const QList<NodeCandidate> nodes{node(1), node(2)};
    DispatchState state;
    QCOMPARE(describe(dispatch(job(1), nodes, state), nodes), u"node-1"_s);
    QCOMPARE(describe(dispatch(job(1), nodes, state), nodes), u"node-2"_s);
}

QTEST_APPLESS_MAIN(tst_Dispatch)
#include "tst_dispatch.moc"

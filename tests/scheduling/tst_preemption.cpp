#include <master/scheduling/preemption.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

namespace {

NodeCandidate node(qint64 id, const QMap<QString, QString> &labels = {})
{
    NodeCandidate n;
    n.id = NodeId(id);
    n.name = u"node-"_s + QString::number(id);
    n.labels = labels;
    n.connected = true;
    n.maxParallel = 2;
    n.running = 2;
    return n;
}

Job urgentJob(const QMap<QString, QString> &labels = {})
{
    Job j;
    j.id = JobId(1);
    j.name = u"hotfix"_s;
    j.priority = Priority::P0;
    j.labels = labels;
    return j;
}

RunningRun running(qint64 id, Priority p, qint64 node, qint64 startedMs)
{
    return RunningRun{RunId(id), p, NodeId(node), startedMs};
}

qint64 victim(const Job &j, const QList<NodeCandidate> &nodes, const QList<RunningRun> &runs)
{
    const auto v = choosePreemptionVictim(j, nodes, runs);
    return v ? v->run.value() : 0;
}

}  // namespace

class tst_Preemption : public QObject
{
    Q_OBJECT

private slots:
    void lowestPriorityNewestFirst();
    void onlyQualifyingNodes();
    void neverP0();
    void onlyForP0();
    void reportsNode();
};

void tst_Preemption::lowestPriorityNewestFirst()
{
    const QList<NodeCandidate> nodes{node(1), node(2)};
    QList<RunningRun> runs{running(10, Priority::P1, 1, 100), running(11, Priority::P2, 1, 200),
                           running(12, Priority::P2, 2, 300), running(13, Priority::P1, 2, 900)};
    QCOMPARE(victim(urgentJob(), nodes, runs), 12);  // P2, started last
    runs.append(running(14, Priority::P3, 1, 50));
    QCOMPARE(victim(urgentJob(), nodes, runs), 14);  // P3 before any P2, however old
    runs.append(running(9, Priority::P3, 2, 50));
    QCOMPARE(victim(urgentJob(), nodes, runs), 14);  // same start: the higher run id
}

void tst_Preemption::onlyQualifyingNodes()
{
    const QMap<QString, QString> sh{{u"zone"_s, u"sh"_s}};
    QList<NodeCandidate> nodes{node(1, sh), node(2), node(3, sh)};
    nodes[2].draining = true;
    QList<RunningRun> runs{running(10, Priority::P1, 1, 100), running(11, Priority::P3, 2, 100),
                           running(12, Priority::P3, 3, 100), running(13, Priority::P3, 4, 100)};
    // node-2 lacks the label, node-3 drains, node 4 is not connected (not in the list).
    QCOMPARE(victim(urgentJob(sh), nodes, runs), 10);
    nodes[0].connected = false;
    QCOMPARE(victim(urgentJob(sh), nodes, runs), 0);
    QCOMPARE(victim(urgentJob(), nodes, runs), 11);
}

void tst_Preemption::neverP0()
{
    const QList<NodeCandidate> nodes{node(1)};
    const QList<RunningRun> runs{running(10, Priority::P0, 1, 100),
                                 running(11, Priority::P0, 1, 200)};
    QCOMPARE(victim(urgentJob(), nodes, runs), 0);
    QCOMPARE(victim(urgentJob(), nodes, {}), 0);
}

void tst_Preemption::onlyForP0()
{
    Job j = urgentJob();
    j.priority = Priority::P1;
    QCOMPARE(victim(j, {node(1)}, {running(10, Priority::P3, 1, 100)}), 0);
}

void tst_Preemption::reportsNode()
{
    const QList<NodeCandidate> nodes{node(5), node(7)};
    const auto v = choosePreemptionVictim(
            urgentJob(), nodes,
            {running(10, Priority::P2, 7, 100), running(11, Priority::P1, 5, 200)});
    QVERIFY(v);
    QCOMPARE(v->run, RunId(10));
    QCOMPARE(v->node, NodeId(7));
    QCOMPARE(v->nodeIndex, 1);
}

QTEST_APPLESS_MAIN(tst_Preemption)
#include "tst_preemption.moc"

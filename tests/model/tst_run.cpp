#include <model/node.h>
#include <model/run.h>

#include <QTest>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

class tst_Run : public QObject
{
    Q_OBJECT

private slots:
    void lifecycle();
    void illegalTransitionLeavesRunUnchanged();
    void retryCreatesNewAttempt();
    void preemptionRequeuesSameAttempt();
    void nodeSelector();
};

static const QDateTime t0 = QDateTime(QDate(2026, 3, 1), QTime(2, 0), Qt::UTC);

void tst_Run::lifecycle()
{
    Run run(RunId(1), JobId(7), u"backup"_s, Priority::P1, t0);
    QCOMPARE(run.state(), RunState::Waiting);
    QCOMPARE(run.attempts().size(), 1);
    QVERIFY(run.transition(RunState::Running, t0.addSecs(1)).has_value());
    run.setExitCode(0);
    QVERIFY(run.transition(RunState::Success, t0.addSecs(61)).has_value());
    QCOMPARE(run.state(), RunState::Success);
    QCOMPARE(run.currentAttempt().startedAt, t0.addSecs(1));
    QCOMPARE(run.currentAttempt().finishedAt, t0.addSecs(61));
    QCOMPARE(run.currentAttempt().exitCode, 0);
}

void tst_Run::illegalTransitionLeavesRunUnchanged()
{
    Run run(RunId(1), JobId(7), u"backup"_s, Priority::P2, t0);
    const Run before = run;
    const Result<void> r = run.transition(RunState::Success, t0.addSecs(5));
    QVERIFY(!r.has_value());
    QCOMPARE(r.error().code, ErrorCode::IllegalTransition);
    QVERIFY(run == before);

    QVERIFY(run.transition(RunState::Cancelled, t0.addSecs(5)).has_value());
    const Result<void> again = run.transition(RunState::Running, t0.addSecs(6));
    QCOMPARE(again.error().code, ErrorCode::IllegalTransition);
    QCOMPARE(run.state(), RunState::Cancelled);
}

void tst_Run::retryCreatesNewAttempt()
{
    Run run(RunId(1), JobId(7), u"etl"_s, Priority::P2, t0);
    QVERIFY(run.retry(t0).error().code == ErrorCode::IllegalTransition); // waiting: nothing to retry
    QVERIFY(run.transition(RunState::Running, t0.addSecs(1)).has_value());
    run.assignNode(NodeId(3));
    QVERIFY(run.transition(RunState::Lost, t0.addSecs(30), u"node lost"_s).has_value());
    QVERIFY(run.retry(t0.addSecs(40)).has_value());
    QCOMPARE(run.attempts().size(), 2);
    QCOMPARE(run.state(), RunState::Waiting);
    QCOMPARE(run.currentAttempt().number, 2);
    QCOMPARE(run.currentAttempt().queuedAt, t0.addSecs(40));
    QCOMPARE(run.attempts().first().state, RunState::Lost);
    QCOMPARE(run.attempts().first().node, NodeId(3));
    QCOMPARE(run.attempts().first().reason, u"node lost"_s);

    QVERIFY(run.transition(RunState::Running, t0.addSecs(41)).has_value());
    QVERIFY(run.transition(RunState::Success, t0.addSecs(50)).has_value());
    QCOMPARE(run.retry(t0.addSecs(60)).error().code, ErrorCode::IllegalTransition);
    QCOMPARE(run.attempts().size(), 2);
}

void tst_Run::preemptionRequeuesSameAttempt()
{
    Run run(RunId(9), JobId(1), u"report"_s, Priority::P3, t0);
    QVERIFY(run.transition(RunState::Running, t0.addSecs(1)).has_value());
    run.assignNode(NodeId(2));
    QVERIFY(run.transition(RunState::Waiting, t0.addSecs(2), u"preempted by run 10"_s).has_value());
    QCOMPARE(run.attempts().size(), 1);
    QCOMPARE(run.currentAttempt().number, 1);
    QCOMPARE(run.currentAttempt().state, RunState::Waiting);
    QCOMPARE(run.currentAttempt().node.isValid(), false);
    QCOMPARE(run.currentAttempt().startedAt.isValid(), false);
    QCOMPARE(run.currentAttempt().reason, u"preempted by run 10"_s);
}

void tst_Run::nodeSelector()
{
    Node node;
    node.labels = {{u"zone"_s, u"sh"_s}, {u"role"_s, u"db"_s}};
    QCOMPARE(node.matches({}), true);
    QCOMPARE(node.matches({{u"zone"_s, u"sh"_s}}), true);
    QCOMPARE(node.matches({{u"zone"_s, u"sh"_s}, {u"role"_s, u"db"_s}}), true);
    QCOMPARE(node.matches({{u"zone"_s, u"bj"_s}}), false);
    QCOMPARE(node.matches({{u"gpu"_s, u"yes"_s}}), false);
}

QTEST_APPLESS_MAIN(tst_Run)
#include "tst_run.moc"

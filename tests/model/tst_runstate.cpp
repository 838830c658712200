#include <model/runstate.h>

#include <QTest>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

class tst_RunState : public QObject
{
    Q_OBJECT

private slots:
    void names_data();
    void names();
    void transitions_data();
    void transitions();
    void finalStatesNeverChange();
    void priorities_data();
    void priorities();
    void pipelineRunStates_data();
    void pipelineRunStates();
};

void tst_RunState::names_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("state");
    QTest::newRow("waiting") << u"waiting"_s << int(RunState::Waiting);
    QTest::newRow("running") << u"running"_s << int(RunState::Running);
    QTest::newRow("success") << u"success"_s << int(RunState::Success);
    QTest::newRow("failed") << u"failed"_s << int(RunState::Failed);
    QTest::newRow("timed_out") << u"timed_out"_s << int(RunState::TimedOut);
    QTest::newRow("cancelled") << u"cancelled"_s << int(RunState::Cancelled);
    QTest::newRow("lost") << u"lost"_s << int(RunState::Lost);
    QTest::newRow("skipped") << u"skipped"_s << int(RunState::Skipped);
}

void tst_RunState::names()
{
    QFETCH(QString, name);
    QFETCH(int, state);
    QCOMPARE(runStateName(RunState(state)), name);
    const auto parsed = runStateFromName(name);
    QVERIFY(parsed.has_value());
    QCOMPARE(int(*parsed), state);
    QCOMPARE(runStateFromName(u"timedout"_s).has_value(), false);
    QCOMPARE(allRunStates().size(), 8);
}

void tst_RunState::transitions_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<bool>("legal");

    const QList<RunState> legalFromWaiting{RunState::Running, RunState::Cancelled, RunState::Skipped,
                                           RunState::Lost};
    const QList<RunState> legalFromRunning{RunState::Success,   RunState::Failed, RunState::TimedOut,
                                           RunState::Cancelled, RunState::Lost,   RunState::Waiting,
                                           RunState::Skipped};
    for (RunState from : allRunStates()) {
        for (RunState to : allRunStates()) {
            bool legal = false;
            if (from == RunState::Waiting)
                legal = legalFromWaiting.contains(to);
            else if (from == RunState::Running)
                legal = legalFromRunning.contains(to);
            const QByteArray row = (runStateName(from) + u"->"_s + runStateName(to)).toUtf8();
            QTest::newRow(row.constData()) << int(from) << int(to) << legal;
        }
    }
}

void tst_RunState::transitions()
{
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(bool, legal);
    QCOMPARE(canTransition(RunState(from), RunState(to)), legal);
    const Result<void> r = checkTransition(RunState(from), RunState(to));
    QCOMPARE(r.has_value(), legal);
    if (!legal) {
        QCOMPARE(r.error().code, ErrorCode::IllegalTransition);
        QVERIFY(r.error().message.contains(runStateName(RunState(to))));
    }
}

void tst_RunState::finalStatesNeverChange()
{
    int finals = 0;
    for (RunState s : allRunStates()) {
        if (!isFinal(s))
            continue;
        ++finals;
        for (RunState to : allRunStates())
            QCOMPARE(canTransition(s, to), false);
    }
    QCOMPARE(finals, 6);
    QCOMPARE(isRetryable(RunState::Failed), true);
    QCOMPARE(isRetryable(RunState::TimedOut), true);
    QCOMPARE(isRetryable(RunState::Lost), true);
    QCOMPARE(isRetryable(RunState::Cancelled), false);
    QCOMPARE(isRetryable(RunState::Success), false);
}

void tst_RunState::priorities_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected"); // -1 = rejected
    QTest::newRow("P0") << u"P0"_s << 0;
    QTest::newRow("p3-lower-case") << u"p3"_s << 3;
    QTest::newRow("spaces") << u" P1 "_s << 1;
    QTest::newRow("P4") << u"P4"_s << -1;
    QTest::newRow("number") << u"1"_s << -1;
    QTest::newRow("empty") << QString() << -1;
}

void tst_RunState::priorities()
{
    QFETCH(QString, text);
    QFETCH(int, expected);
    const auto p = priorityFromName(text);
    QCOMPARE(p.has_value(), expected >= 0);
    if (p) {
        QCOMPARE(int(*p), expected);
        QCOMPARE(priorityName(*p), u"P"_s + QString::number(expected));
    }
}

void tst_RunState::pipelineRunStates_data()
{
    QTest::addColumn<QList<RunState>>("jobs");
    QTest::addColumn<QString>("expected");
    using S = RunState;
    QTest::newRow("no-runs-yet") << QList<S>{} << u"running"_s;
    QTest::newRow("one-waiting") << QList<S>{S::Success, S::Waiting} << u"running"_s;
    QTest::newRow("failed-but-one-running") << QList<S>{S::Failed, S::Running} << u"running"_s;
    QTest::newRow("all-success") << QList<S>{S::Success, S::Success} << u"success"_s;
    QTest::newRow("skips-count-as-done") << QList<S>{S::Success, S::Skipped} << u"success"_s;
    QTest::newRow("failed") << QList<S>{S::Success, S::Failed, S::Skipped} << u"failed"_s;
    QTest::newRow("timed-out") << QList<S>{S::TimedOut} << u"failed"_s;
    QTest::newRow("lost") << QList<S>{S::Lost, S::Success} << u"failed"_s;
    QTest::newRow("cancelled") << QList<S>{S::Cancelled, S::Success} << u"cancelled"_s;
    QTest::newRow("failure-wins-over-cancel")
            << QList<S>{S::Cancelled, S::Failed} << u"failed"_s;
}

void tst_RunState::pipelineRunStates()
{
    QFETCH(QList<RunState>, jobs);
    QFETCH(QString, expected);
    QCOMPARE(pipelineRunStateName(pipelineRunState(jobs)), expected);
}

QTEST_APPLESS_MAIN(tst_RunState)
#include "tst_runstate.moc"

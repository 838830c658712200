// The prepared start of held runs (Executor::prepare() / go()) with the real launcher
// (agent/launcher/orrery-launch) and real processes: nothing runs before the go, the go starts
// the command with the run's environment and working directory, the start time is the time
// the command was exec'd, the timeout counts from it, and a stop before the go runs nothing.

#include <agent/executor.h>

#include <model/clock.h>

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

static constexpr int kTimeout = 20000;

static RunSpec spec(const QString &command, qint64 timeoutMs = 0)
{
    RunSpec s;
    s.runId = RunId(77);
    s.attempt = 2;
    s.command = command;
    s.timeoutMs = timeoutMs;
    s.killGraceMs = 1000;
    return s;
}

class tst_ExecutorPrepared final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void nothingRunsBeforeTheGo();
    void stopBeforeTheGoRunsNothing();
    void environmentAndWorkingDirectory();
    void startTimeIsWhenTheCommandIsExeced();
    void timeoutCountsFromTheGo();
    void runWithACheckIsNotPrepared();
    void missingLauncherIsNotPrepared();

private:
    // Output of the finished run, stdout chunks in order.
    static QByteArray stdoutOf(const QSignalSpy &output);

    SystemClock m_clock;
    const QString m_launcher = QStringLiteral(ORRERY_LAUNCHER);
};

void tst_ExecutorPrepared::initTestCase()
{
    QVERIFY2(QFileInfo(m_launcher).isExecutable(), qPrintable(m_launcher));
}

QByteArray tst_ExecutorPrepared::stdoutOf(const QSignalSpy &output)
{
    QByteArray out;
    for (const QList<QVariant> &args : output) {
        if (args.at(0).value<Executor::Stream>() == Executor::Stream::Stdout)
            out += args.at(2).toByteArray();
    }
    return out;
}

// The launcher is spawned at prepare() and blocks: the command has not run (its side effect
// is absent) until go().
void tst_ExecutorPrepared::nothingRunsBeforeTheGo()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString marker = dir.filePath(u"ran"_s);
    Executor executor(spec(u"touch '%1'; echo went"_s.arg(marker)), m_clock);
    QSignalSpy started(&executor, &Executor::started);
    QSignalSpy output(&executor, &Executor::output);
    QSignalSpy finished(&executor, &Executor::finished);
    QVERIFY(executor.prepare(m_launcher));
    QTest::qWait(300);  // time for a command that would run at once
    QVERIFY(!QFileInfo::exists(marker));
    QCOMPARE(started.size(), 0);
    QCOMPARE(finished.size(), 0);

    executor.go();
    QVERIFY(finished.wait(kTimeout));
    const auto outcome = finished.at(0).at(0).value<RunOutcome>();
    QCOMPARE(outcome.state, RunState::Success);
    QCOMPARE(outcome.exitCode, 0);
    QCOMPARE(started.size(), 1);
    QVERIFY(started.at(0).at(0).toLongLong() > 0);
    QVERIFY(QFileInfo::exists(marker));
    QCOMPARE(stdoutOf(output), "went\n"_ba);
}

// A stop before the go closes the go pipe: the launcher exits, the command never runs, the run
// ends cancelled without a start and without output.
void tst_ExecutorPrepared::stopBeforeTheGoRunsNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString marker = dir.filePath(u"ran"_s);
    Executor executor(spec(u"touch '%1'; echo went"_s.arg(marker)), m_clock);
    QSignalSpy started(&executor, &Executor::started);
    QSignalSpy output(&executor, &Executor::output);
    QSignalSpy finished(&executor, &Executor::finished);
    QVERIFY(executor.prepare(m_launcher));
    executor.stop(u"task disabled"_s);
    QVERIFY(finished.wait(kTimeout));
    const auto outcome = finished.at(0).at(0).value<RunOutcome>();
    QCOMPARE(outcome.state, RunState::Cancelled);
    QCOMPARE(outcome.reason, u"task disabled"_s);
    QCOMPARE(outcome.exitCode, -1);
    QCOMPARE(outcome.startedMs, qint64(0));
    QCOMPARE(outcome.stdoutBytes + outcome.stderrBytes, quint64(0));
    QCOMPARE(started.size(), 0);
    QCOMPARE(output.size(), 0);
    executor.go();  // too late: nothing happens
    QTest::qWait(100);
    QVERIFY(!QFileInfo::exists(marker));
    QCOMPARE(finished.size(), 1);
}

// The command gets the run's environment and working directory, in a session of its own, as
// through start().
void tst_ExecutorPrepared::environmentAndWorkingDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RunSpec s
            = spec(u"echo \"$ORRERY_RUN_ID/$ORRERY_ATTEMPT/$GREETING\"; pwd; "
                   u"ps -o sid= -p $$ | tr -d ' '; echo $$"_s);
    s.env = {{u"GREETING"_s, u"hello there"_s}};
    s.workingDirectory = dir.path();
    Executor executor(s, m_clock);
    QSignalSpy output(&executor, &Executor::output);
    QSignalSpy finished(&executor, &Executor::finished);
    QVERIFY(executor.prepare(m_launcher));
    executor.go();
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(finished.at(0).at(0).value<RunOutcome>().state, RunState::Success);
    const QList<QByteArray> lines = stdoutOf(output).trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines.at(0), "77/2/hello there"_ba);
    QCOMPARE(QFileInfo(QString::fromLocal8Bit(lines.at(1))).canonicalFilePath(),
             QFileInfo(dir.path()).canonicalFilePath());
    QCOMPARE(lines.at(2), lines.at(3));  // the shell leads its own session
}

// Prepared well before the go: the start time reported is the launcher's clock at the exec,
// after the go, and not later than the command's own clock.
void tst_ExecutorPrepared::startTimeIsWhenTheCommandIsExeced()
{
    Executor executor(spec(u"date +%s%3N"_s), m_clock);
    QSignalSpy finished(&executor, &Executor::finished);
    QSignalSpy output(&executor, &Executor::output);
    QVERIFY(executor.prepare(m_launcher));
    QTest::qWait(400);
    const qint64 goMs = m_clock.nowMs();
    executor.go();
    QVERIFY(finished.wait(kTimeout));
    const auto outcome = finished.at(0).at(0).value<RunOutcome>();
    QCOMPARE(outcome.state, RunState::Success);
    const qint64 commandMs = stdoutOf(output).trimmed().toLongLong();
    QVERIFY2(outcome.startedMs >= goMs && outcome.startedMs <= commandMs,
             qPrintable(u"go %1, started %2, command's clock %3"_s.arg(goMs)
                                .arg(outcome.startedMs)
                                .arg(commandMs)));
    QCOMPARE(executor.startedMs(), outcome.startedMs);
}

// The timeout counts from the go: a run prepared longer ago than its timeout still gets all of
// it, then ends timed_out.
void tst_ExecutorPrepared::timeoutCountsFromTheGo()
{
    Executor executor(spec(u"sleep 30"_s, 600), m_clock);
    QSignalSpy finished(&executor, &Executor::finished);
    QVERIFY(executor.prepare(m_launcher));
    QTest::qWait(800);
    QCOMPARE(finished.size(), 0);
    executor.go();
    QVERIFY(finished.wait(kTimeout));
    const auto outcome = finished.at(0).at(0).value<RunOutcome>();
    QCOMPARE(outcome.state, RunState::TimedOut);
    QVERIFY(outcome.startedMs > 0);
    // At least the timeout less the slack of a coarse timer (5 %), not counted from the prepare.
    QVERIFY2(outcome.finishedMs - outcome.startedMs >= 570,
             qPrintable(u"ran %1 ms"_s.arg(outcome.finishedMs - outcome.startedMs)));
}

// A check runs before the command (Executor::startCheck), which the launcher cannot do: not
// prepared, go() starts it as start() does.
void tst_ExecutorPrepared::runWithACheckIsNotPrepared()
{
    RunSpec s = spec(u"echo command"_s);
    s.check = u"true"_s;
    Executor executor(s, m_clock);
    QSignalSpy output(&executor, &Executor::output);
    QSignalSpy finished(&executor, &Executor::finished);
    QVERIFY(!executor.prepare(m_launcher));
    executor.go();
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(finished.at(0).at(0).value<RunOutcome>().state, RunState::Success);
    QVERIFY(stdoutOf(output).contains("[orrery: check true]"));
    QVERIFY(stdoutOf(output).endsWith("command\n"));
}

void tst_ExecutorPrepared::missingLauncherIsNotPrepared()
{
    Executor executor(spec(u"echo fallback"_s), m_clock);
    QSignalSpy output(&executor, &Executor::output);
    QSignalSpy finished(&executor, &Executor::finished);
    QVERIFY(!executor.prepare(u"/nonexistent/orrery-launch"_s));
    executor.go();
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(finished.at(0).at(0).value<RunOutcome>().state, RunState::Success);
    QCOMPARE(stdoutOf(output), "fallback\n"_ba);
}

QTEST_GUILESS_MAIN(tst_ExecutorPrepared)
#include "tst_executorprepared.moc"

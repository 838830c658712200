#include <agent/executor.h>
#include <agent/runmessages.h>

#include <model/clock.h>

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

// A job's check command (RunSpec::check) run by the Executor with real child processes: it
// runs first in the job's environment and directory; exit 0 runs the command in the same run,
// anything else ends the run skipped with the check's exit in the reason.
class tst_ExecutorCheck : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void passingCheckRunsTheCommand();
    void failingCheckSkipsTheRun();
    void checkTimeoutSkipsAndKillsTheCheck();
    void checkKilledBySignalSkips();
    void stopDuringTheCheckCancels();
    void checkInMissingDirectoryFails();
    void dispatchAndResultCarryTheCheck();

private:
    struct Ended
    {
        RunOutcome outcome;
        QByteArray out;
        QByteArray err;
        int started = 0;
        bool inOrder = true;  // output seq numbers 0, 1, 2...
    };
    Ended runToEnd(const RunSpec &spec, const std::function<void(Executor &)> &whileRunning = {});
    RunSpec specFor(const QString &check, const QString &command) const;

    SystemClock m_clock;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_ExecutorCheck::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

RunSpec tst_ExecutorCheck::specFor(const QString &check, const QString &command) const
{
    RunSpec spec;
    spec.runId = RunId(77);
    spec.attempt = 1;
    spec.check = check;
    spec.checkTimeoutMs = 20000;
    spec.command = command;
    spec.workingDirectory = m_dir->path();
    spec.env.insert(u"DAY"_s, u"2026-03-10"_s);
    spec.timeoutMs = 20000;
    spec.killGraceMs = 500;
    return spec;
}

tst_ExecutorCheck::Ended tst_ExecutorCheck::runToEnd(
        const RunSpec &spec, const std::function<void(Executor &)> &whileRunning)
{
    Ended ended;
    Executor exec(spec, m_clock);
    connect(&exec, &Executor::started, this, [&ended] { ++ended.started; });
    quint64 nextSeq = 0;
    connect(&exec, &Executor::output, this,
            [&](Executor::Stream stream, quint64 seq, const QByteArray &chunk) {
                ended.inOrder = ended.inOrder && seq == nextSeq;
                nextSeq = seq + 1;
                (stream == Executor::Stream::Stdout ? ended.out : ended.err) += chunk;
            });
    QSignalSpy finished(&exec, &Executor::finished);
    exec.start();
    if (whileRunning && QTest::qWaitFor([&ended] { return ended.started > 0; }, 10000))
        whileRunning(exec);
    if (finished.isEmpty())
        finished.wait(20000);
    if (finished.count() != 1) {
        qWarning("the executor finished %d times", int(finished.count()));
        return ended;
    }
    ended.outcome = finished.first().first().value<RunOutcome>();
    return ended;
}

void tst_ExecutorCheck::passingCheckRunsTheCommand()
{
    QFile ready(m_dir->filePath(u"ready-2026-03-10"_s));
    QVERIFY(ready.open(QIODevice::WriteOnly));
    ready.close();
    // Same environment and directory as the command: $DAY, the run id and the relative file.
    const Ended e = runToEnd(specFor(u"echo checking $ORRERY_RUN_ID; test -f ready-$DAY"_s,
                                     u"echo ran in $(pwd)"_s));
    QCOMPARE(e.outcome.runId, RunId(77));
    QCOMPARE(e.outcome.state, RunState::Success);
    QCOMPARE(e.outcome.exitCode, 0);
    QCOMPARE(e.outcome.reason, QString());
    QCOMPARE(e.out,
             "[orrery: check echo checking $ORRERY_RUN_ID; test -f ready-$DAY]\n"
             "checking 77\n"
             "[orrery: check passed, running the command]\n"
             "ran in "
                     + QDir(m_dir->path()).canonicalPath().toUtf8() + '\n');
    QCOMPARE(e.err, QByteArray());
    QCOMPARE(e.started, 2);  // the check, then the command
    QVERIFY(e.inOrder);
}

void tst_ExecutorCheck::failingCheckSkipsTheRun()
{
    const Ended e
            = runToEnd(specFor(u"echo not yet >&2; test -f ready-$DAY"_s, u"touch command-ran"_s));
    QCOMPARE(e.outcome.runId, RunId(77));
    QCOMPARE(e.outcome.state, RunState::Skipped);
    QCOMPARE(e.outcome.exitCode, -1);
    QCOMPARE(e.outcome.signal, 0);
    QCOMPARE(e.outcome.reason, u"check `echo not yet >&2; test -f ready-$DAY` exited 1"_s);
    QVERIFY(!QFile::exists(m_dir->filePath(u"command-ran"_s)));
    QCOMPARE(e.err, QByteArray("not yet\n"));
    QCOMPARE(e.out,
             "[orrery: check echo not yet >&2; test -f ready-$DAY]\n"
             "[orrery: check `echo not yet >&2; test -f ready-$DAY` exited 1: run "
             "skipped]\n"_ba);
    QCOMPARE(e.started, 1);
    QVERIFY(e.inOrder);
    QVERIFY(e.outcome.startedMs > 0);
    QVERIFY(e.outcome.finishedMs >= e.outcome.startedMs);
}

void tst_ExecutorCheck::checkTimeoutSkipsAndKillsTheCheck()
{
    RunSpec spec = specFor(u"echo $$ > check.pid; exec sleep 30"_s, u"touch command-ran"_s);
    spec.checkTimeoutMs = 300;
    const Ended e = runToEnd(spec);
    QCOMPARE(e.outcome.state, RunState::Skipped);
    QCOMPARE(e.outcome.reason,
             u"check `echo $$ > check.pid; exec sleep 30` timed out after 0.3 s"_s);
    QVERIFY(!QFile::exists(m_dir->filePath(u"command-ran"_s)));
    QFile pidFile(m_dir->filePath(u"check.pid"_s));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const auto pid = static_cast<pid_t>(pidFile.readAll().trimmed().toLongLong());
    QVERIFY(pid > 0);
    ::waitpid(pid, nullptr, WNOHANG);
    QVERIFY(::kill(pid, 0) != 0 && errno == ESRCH);
}

void tst_ExecutorCheck::checkKilledBySignalSkips()
{
    const Ended e = runToEnd(specFor(u"kill -KILL $$"_s, u"touch command-ran"_s));
    QCOMPARE(e.outcome.state, RunState::Skipped);
    QCOMPARE(e.outcome.reason, u"check `kill -KILL $$` killed by signal %1"_s.arg(SIGKILL));
    QVERIFY(!QFile::exists(m_dir->filePath(u"command-ran"_s)));
}

void tst_ExecutorCheck::stopDuringTheCheckCancels()
{
    const Ended e = runToEnd(specFor(u"exec sleep 30"_s, u"touch command-ran"_s),
                             [](Executor &exec) { exec.stop(u"cancelled by alice"_s); });
    QCOMPARE(e.outcome.state, RunState::Cancelled);
    QCOMPARE(e.outcome.reason, u"check `exec sleep 30`: cancelled by alice"_s);
    QVERIFY(!QFile::exists(m_dir->filePath(u"command-ran"_s)));
}

void tst_ExecutorCheck::checkInMissingDirectoryFails()
{
    RunSpec spec = specFor(u"true"_s, u"true"_s);
    spec.workingDirectory = m_dir->filePath(u"missing"_s);
    const Ended e = runToEnd(spec);
    QCOMPARE(e.outcome.state, RunState::Failed);
    QVERIFY2(e.outcome.reason.startsWith(u"check `true`: working directory"_s),
             qPrintable(e.outcome.reason));
    QCOMPARE(e.started, 0);
}

void tst_ExecutorCheck::dispatchAndResultCarryTheCheck()
{
    Protocol::RunDispatchBody dispatch;
    dispatch.runId = RunId(5);
    dispatch.job = u"data_load"_s;
    dispatch.command = u"/opt/etl/load"_s;
    dispatch.check = u"test -f /data/ready"_s;
    dispatch.checkTimeoutMs = 60000;
    const RunSpec spec = toRunSpec(dispatch, 5000);
    QCOMPARE(spec.check, u"test -f /data/ready"_s);
    QCOMPARE(spec.checkTimeoutMs, 60000);

    RunOutcome skipped;
    skipped.runId = RunId(5);
    skipped.state = RunState::Skipped;
    skipped.reason = u"check `test -f /data/ready` exited 1"_s;
    QCOMPARE(toRunResultBody(skipped).state, RunState::Skipped);
    QCOMPARE(toRunResultBody(skipped).reason, skipped.reason);
    RunOutcome failed = skipped;
    failed.state = RunState::Failed;
    failed.reason = u"exited with code 1"_s;
    QCOMPARE(toRunResultBody(failed).reason, QString());  // the master words its own
}

QTEST_GUILESS_MAIN(tst_ExecutorCheck)
#include "tst_executorcheck.moc"

#include <agent/executor.h>

#include <model/clock.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

// ---- the test binary as the job ------------------------------------------------------------
// ORRERY_TEST_CHILD_MODE="print N" | "bytes N" | "exit N" | "sleep MS" | "ignore-term"

static char patternByte(qint64 i)
{
    return i % 64 == 63 ? '\n' : static_cast<char>('a' + i % 26);
}

static QByteArray expectedBytes(qint64 n)
{
    QByteArray out(n, Qt::Uninitialized);
    for (qint64 i = 0; i < n; ++i)
        out[i] = patternByte(i);
    return out;
}

static bool writeAll(int fd, const char *data, size_t len)
{
    while (len > 0) {
        const ssize_t n = ::write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

static void sleepMs(long ms)
{
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int runChildMode(const char *mode)
{
    char verb[32] = {};
    long long n = 0;
    std::sscanf(mode, "%31s %lld", verb, &n);
    if (std::strcmp(verb, "print") == 0) {
        for (long long i = 0; i < n; ++i) {
            char line[64];
            const int len = std::snprintf(line, sizeof line, "line %lld\n", i);
            if (!writeAll(1, line, static_cast<size_t>(len)))
                return 1;
        }
        return 0;
    }
    if (std::strcmp(verb, "bytes") == 0) {
        char block[65536];
        for (long long done = 0; done < n;) {
            const long long len = std::min<long long>(n - done, sizeof block);
            for (long long i = 0; i < len; ++i)
                block[i] = patternByte(done + i);
            if (!writeAll(1, block, static_cast<size_t>(len)))
                return 1;
            done += len;
        }
        return 0;
    }
    if (std::strcmp(verb, "exit") == 0)
        return static_cast<int>(n);
    if (std::strcmp(verb, "sleep") == 0) {
        sleepMs(static_cast<long>(n));
        return 0;
    }
    if (std::strcmp(verb, "ignore-term") == 0) {
        std::signal(SIGTERM, SIG_IGN);
        writeAll(1, "ready\n", 6);
        for (;;)
            ::pause();
    }
    std::fprintf(stderr, "unknown ORRERY_TEST_CHILD_MODE '%s'\n", mode);
    return 2;
}

// ---- helpers -------------------------------------------------------------------------------

// True when the process no longer exists. The test process is a child subreaper (see main),
// so orphaned grandchildren become our zombies; reap them here so kill(pid, 0) says ESRCH.
static bool processGone(qint64 pid)
{
    ::waitpid(static_cast<pid_t>(pid), nullptr, WNOHANG);
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Every pid a job reported, so that a failed test does not leave its processes behind.
static QList<qint64> s_seenPids;

static QList<qint64> pidsIn(const QByteArray &text)
{
    static const QRegularExpression re(u"pid (\\d+)"_s);
    QList<qint64> pids;
    auto it = re.globalMatch(QString::fromLatin1(text));
    while (it.hasNext())
        pids.append(it.next().captured(1).toLongLong());
    for (qint64 pid : pids) {
        if (!s_seenPids.contains(pid))
            s_seenPids.append(pid);
    }
    return pids;
}

struct Recorder
{
    QByteArray out;
    QByteArray err;
    quint64 nextSeq = 0;
    bool seqInOrder = true;
    qsizetype maxChunk = 0;
    int chunks = 0;

    void attach(Executor &e)
    {
        QObject::connect(&e, &Executor::output, &e,
                         [this](Executor::Stream s, quint64 seq, const QByteArray &chunk) {
                             seqInOrder = seqInOrder && seq == nextSeq;
                             nextSeq = seq + 1;
                             maxChunk = std::max(maxChunk, chunk.size());
                             ++chunks;
                             (s == Executor::Stream::Stdout ? out : err) += chunk;
                         });
    }
};

static RunSpec specFor(const QString &command, const QString &childMode = {})
{
    RunSpec spec;
    spec.runId = RunId(42);
    spec.attempt = 2;
    spec.command = command;
    spec.timeoutMs = 30000;
    spec.killGraceMs = 1000;
    spec.outputLimitBytes = 64 * 1024 * 1024;
    spec.env.insert(u"ORRERY_TEST_BIN"_s, QCoreApplication::applicationFilePath());
    if (!childMode.isEmpty())
        spec.env.insert(u"ORRERY_TEST_CHILD_MODE"_s, childMode);
    return spec;
}

static const QString kSelf = u"\"$ORRERY_TEST_BIN\""_s;
static const QByteArray kMarker = "[orrery: output truncated after ";

class tst_Executor : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void successCapturesOutputInOrder();
    void stdoutAndStderrAreSeparate();
    void nonZeroExitFails();
    void killedBySignalFails();
    void plainCommand_data();
    void plainCommand();
    void plainCommandRunsWithoutShell();
    void environmentAndWorkingDirectory();
    void environmentFor();
    void badWorkingDirectory_data();
    void badWorkingDirectory();
    void timeoutKillsWholeGroup();
    void timeoutEscalatesToSigkillAfterGrace();
    void stopCancelsAndKillsGroup();
    void shellExitWithBackgroundChildrenDoesNotHang();
    void outputOverLimitIsTruncatedOnce_data();
    void outputOverLimitIsTruncatedOnce();
    void tenMegabytesDoNotStall();
    void destroyingRunningExecutorKillsGroup();
    void checkRunAsAllowed_data();
    void checkRunAsAllowed();

private:
    SystemClock m_clock;
};

#define RUN_TO_END(exec, outcomeVar, waitMs)              \
    QSignalSpy finishedSpy(&(exec), &Executor::finished); \
    (exec).start();                                       \
    QVERIFY(finishedSpy.wait(waitMs));                    \
    QCOMPARE(finishedSpy.count(), 1);                     \
    const RunOutcome outcomeVar = finishedSpy.first().first().value<RunOutcome>()

void tst_Executor::cleanup()
{
    if (QTest::currentTestFailed()) {
        for (qint64 pid : std::as_const(s_seenPids)) {
            if (!processGone(pid))
                ::kill(static_cast<pid_t>(pid), SIGKILL);
        }
    }
    s_seenPids.clear();
}

void tst_Executor::successCapturesOutputInOrder()
{
    Executor exec(specFor(kSelf, u"print 3000"_s), m_clock);
    Recorder rec;
    rec.attach(exec);
    QSignalSpy startedSpy(&exec, &Executor::started);
    const qint64 before = m_clock.nowMs();
    RUN_TO_END(exec, outcome, 10000);

    QByteArray expected;
    for (int i = 0; i < 3000; ++i)
        expected += "line " + QByteArray::number(i) + '\n';
    QCOMPARE(rec.out, expected);
    QCOMPARE(rec.err, QByteArray());
    QVERIFY(rec.seqInOrder);
    QCOMPARE(startedSpy.count(), 1);
    QVERIFY(startedSpy.first().first().toLongLong() > 0);
    QCOMPARE(outcome.state, RunState::Success);
    QCOMPARE(outcome.runId, RunId(42));
    QCOMPARE(outcome.attempt, 2);
    QCOMPARE(outcome.exitCode, 0);
    QCOMPARE(outcome.signal, 0);
    QCOMPARE(outcome.stdoutBytes, quint64(expected.size()));
    QCOMPARE(outcome.stderrBytes, quint64(0));
    QCOMPARE(outcome.truncated, false);
    QCOMPARE(outcome.reason, QString());
    QVERIFY(outcome.startedMs >= before);
    QVERIFY(outcome.finishedMs >= outcome.startedMs);
    QVERIFY(!exec.isRunning());
}

void tst_Executor::stdoutAndStderrAreSeparate()
{
    Executor exec(specFor(u"echo out1; echo err1 >&2; echo out2; echo err2 >&2"_s), m_clock);
    Recorder rec;
    rec.attach(exec);
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(rec.out, QByteArray("out1\nout2\n"));
    QCOMPARE(rec.err, QByteArray("err1\nerr2\n"));
    QCOMPARE(outcome.stdoutBytes, quint64(10));
    QCOMPARE(outcome.stderrBytes, quint64(10));
    QCOMPARE(outcome.state, RunState::Success);
}

void tst_Executor::nonZeroExitFails()
{
    Executor exec(specFor(kSelf, u"exit 3"_s), m_clock);
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(outcome.state, RunState::Failed);
    QCOMPARE(outcome.exitCode, 3);
    QCOMPARE(outcome.signal, 0);
    QVERIFY(outcome.reason.contains(u"3"_s));
}

void tst_Executor::killedBySignalFails()
{
    Executor exec(specFor(u"kill -KILL $$"_s), m_clock);
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(outcome.state, RunState::Failed);
    QCOMPARE(outcome.exitCode, -1);
    QCOMPARE(outcome.signal, SIGKILL);
}

void tst_Executor::plainCommand_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("words");  // empty: through /bin/sh -c
    QTest::newRow("absolute-with-args")
            << u"/bin/echo a  b=1 -x"_s << QStringList{u"/bin/echo"_s, u"a"_s, u"b=1"_s, u"-x"_s};
    QTest::newRow("surrounding-spaces") << u"  /bin/true  "_s << QStringList{u"/bin/true"_s};
    QTest::newRow("name-looked-up-in-path") << u"true"_s << QStringList();
    QTest::newRow("relative-path") << u"./run.sh"_s << QStringList();
    QTest::newRow("single-quotes") << u"/bin/echo 'a b'"_s << QStringList();
    QTest::newRow("double-quotes") << u"/bin/echo \"a\""_s << QStringList();
    QTest::newRow("variable") << u"/bin/echo $HOME"_s << QStringList();
    QTest::newRow("glob") << u"/bin/ls *.log"_s << QStringList();
    QTest::newRow("redirection") << u"/bin/true >out"_s << QStringList();
    QTest::newRow("sequence") << u"/bin/true; /bin/true"_s << QStringList();
    QTest::newRow("pipe") << u"/bin/true | /bin/cat"_s << QStringList();
    QTest::newRow("background") << u"/bin/sleep 1 &"_s << QStringList();
    QTest::newRow("tilde") << u"/bin/ls ~"_s << QStringList();
    QTest::newRow("comment") << u"/bin/true #x"_s << QStringList();
    QTest::newRow("tab") << u"/bin/echo\ta"_s << QStringList();
    QTest::newRow("newline") << u"/bin/true\n/bin/false"_s << QStringList();
    QTest::newRow("backslash") << u"/bin/echo a\\ b"_s << QStringList();
    QTest::newRow("missing-program") << u"/nonexistent/program"_s << QStringList();
    QTest::newRow("not-executable") << u"/etc/passwd"_s << QStringList();
    QTest::newRow("directory") << u"/bin"_s << QStringList();
    QTest::newRow("empty") << QString() << QStringList();
}

void tst_Executor::plainCommand()
{
    QFETCH(QString, command);
    QFETCH(QStringList, words);
    const std::optional<QStringList> plain = Executor::plainCommand(command);
    QCOMPARE(plain.value_or(QStringList()), words);
}

void tst_Executor::plainCommandRunsWithoutShell()
{
    // The test binary by its absolute path: no shell between the agent and it, and a kill by
    // a signal reads as the shell would report it (128 + signal), like killedBySignalFails'
    // shell reports its own.
    const QString self = QCoreApplication::applicationFilePath();
    QVERIFY(Executor::plainCommand(self).has_value());
    Executor exec(specFor(self, u"sleep 30000"_s), m_clock);
    QString exe;
    connect(&exec, &Executor::started, this, [&exe](qint64 pid) {
        s_seenPids.append(pid);
        exe = QFileInfo(u"/proc/%1/exe"_s.arg(pid)).symLinkTarget();
        ::kill(static_cast<pid_t>(pid), SIGKILL);
    });
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(exe, QFileInfo(self).canonicalFilePath());
    QCOMPARE(outcome.state, RunState::Failed);
    QCOMPARE(outcome.exitCode, 128 + SIGKILL);
    QCOMPARE(outcome.signal, 0);
    QVERIFY(outcome.reason.contains(u"137"_s));
}

void tst_Executor::environmentAndWorkingDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qputenv("ORRERY_TEST_LEAK", "leaked");
    RunSpec spec = specFor(
            u"printf '%s|%s|%s|%s|%s' \"$GREETING\" \"$ORRERY_RUN_ID\" "
            "\"$ORRERY_ATTEMPT\" \"${ORRERY_TEST_LEAK-unset}\" \"$(pwd -P)\""_s);
    spec.env.insert(u"GREETING"_s, u"hello world"_s);
    spec.env.insert(u"ORRERY_RUN_ID"_s, u"spoofed"_s);
    spec.workingDirectory = dir.path();
    Executor exec(spec, m_clock);
    Recorder rec;
    rec.attach(exec);
    RUN_TO_END(exec, outcome, 10000);
    qunsetenv("ORRERY_TEST_LEAK");
    QCOMPARE(outcome.state, RunState::Success);
    const QString canonical = QFileInfo(dir.path()).canonicalFilePath();
    QCOMPARE(QString::fromUtf8(rec.out), u"hello world|42|2|unset|"_s + canonical);
}

void tst_Executor::environmentFor()
{
    QProcessEnvironment agent;
    agent.insert(u"HOME"_s, u"/home/orrery"_s);
    agent.insert(u"SECRET_TOKEN"_s, u"x"_s);
    RunSpec spec = specFor(u"true"_s);
    spec.env = {{u"LANG"_s, u"de_DE.UTF-8"_s}, {u"ORRERY_ATTEMPT"_s, u"99"_s}};
    const QProcessEnvironment env = Executor::environmentFor(spec, agent);
    QCOMPARE(env.value(u"PATH"_s), u"/usr/local/bin:/usr/bin:/bin"_s);
    QCOMPARE(env.value(u"HOME"_s), u"/home/orrery"_s);
    QCOMPARE(env.value(u"LANG"_s), u"de_DE.UTF-8"_s);
    QCOMPARE(env.value(u"ORRERY_RUN_ID"_s), u"42"_s);
    QCOMPARE(env.value(u"ORRERY_ATTEMPT"_s), u"2"_s);
    QVERIFY(!env.contains(u"SECRET_TOKEN"_s));
    QCOMPARE(env.keys().size(), 5);
}

void tst_Executor::badWorkingDirectory_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reasonPart");
    QTest::newRow("missing") << u"missing"_s << u"does not exist"_s;
    QTest::newRow("regular-file") << u"file"_s << u"is not a directory"_s;
    if (::geteuid() != 0)
        QTest::newRow("not-enterable") << u"noexec"_s << u"permission denied"_s;
}

void tst_Executor::badWorkingDirectory()
{
    QFETCH(QString, kind);
    QFETCH(QString, reasonPart);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QString path = tmp.filePath(u"nowhere"_s);
    if (kind == u"file"_s) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
    } else if (kind == u"noexec"_s) {
        QVERIFY(QDir(tmp.path()).mkdir(u"nowhere"_s));
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner));
    }
    RunSpec spec = specFor(u"echo should-not-run"_s);
    spec.workingDirectory = path;
    Executor exec(spec, m_clock);
    Recorder rec;
    rec.attach(exec);
    QSignalSpy startedSpy(&exec, &Executor::started);
    RUN_TO_END(exec, outcome, 5000);
    QCOMPARE(outcome.state, RunState::Failed);
    QVERIFY2(outcome.reason.contains(reasonPart), qPrintable(outcome.reason));
    QVERIFY2(outcome.reason.contains(path), qPrintable(outcome.reason));
    QCOMPARE(startedSpy.count(), 0);
    QCOMPARE(rec.out, QByteArray());
    if (kind == u"noexec"_s)
        QFile::setPermissions(
                path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

void tst_Executor::timeoutKillsWholeGroup()
{
    // The shell, two background sleeps, and a child that ignores SIGTERM.
    RunSpec spec = specFor(kSelf + u" & echo \"pid $!\"; sleep 100 & echo \"pid $!\"; "
                                   "sleep 100 & echo \"pid $!\"; wait"_s,
                           u"ignore-term"_s);
    spec.timeoutMs = 2000;
    spec.killGraceMs = 20000;  // the shell dies on SIGTERM: the rest must go without this wait
    Executor exec(spec, m_clock);
    Recorder rec;
    rec.attach(exec);
    QSignalSpy startedSpy(&exec, &Executor::started);
    QSignalSpy finishedSpy(&exec, &Executor::finished);
    exec.start();
    QTRY_VERIFY_WITH_TIMEOUT(rec.out.contains("ready") && pidsIn(rec.out).size() == 3, 10000);
    QVERIFY(finishedSpy.wait(10000));
    const auto outcome = finishedSpy.first().first().value<RunOutcome>();
    QCOMPARE(outcome.state, RunState::TimedOut);
    QVERIFY(outcome.reason.contains(u"2000"_s));
    QVERIFY(outcome.finishedMs - outcome.startedMs < 10000);
    QList<qint64> pids = pidsIn(rec.out);
    pids.append(startedSpy.first().first().toLongLong());
    for (qint64 pid : pids)
        QTRY_VERIFY2_WITH_TIMEOUT(processGone(pid), qPrintable(QString::number(pid)), 5000);
}

void tst_Executor::timeoutEscalatesToSigkillAfterGrace()
{
    // The shell itself ignores SIGTERM (and so does its child): only SIGKILL ends them.
    RunSpec spec = specFor(u"trap '' TERM; "_s + kSelf + u" & echo \"pid $!\"; wait"_s,
                           u"ignore-term"_s);
    spec.timeoutMs = 800;
    spec.killGraceMs = 500;
    Executor exec(spec, m_clock);
    Recorder rec;
    rec.attach(exec);
    QSignalSpy startedSpy(&exec, &Executor::started);
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(outcome.state, RunState::TimedOut);
    QCOMPARE(outcome.signal, SIGKILL);
    QVERIFY2(outcome.finishedMs - outcome.startedMs >= 800 + 500 - 100,
             qPrintable(QString::number(outcome.finishedMs - outcome.startedMs)));
    QList<qint64> pids = pidsIn(rec.out);
    QCOMPARE(pids.size(), 1);
    pids.append(startedSpy.first().first().toLongLong());
    for (qint64 pid : pids)
        QTRY_VERIFY2_WITH_TIMEOUT(processGone(pid), qPrintable(QString::number(pid)), 5000);
}

void tst_Executor::stopCancelsAndKillsGroup()
{
    RunSpec spec = specFor(kSelf + u" & echo \"pid $!\"; sleep 100 & echo \"pid $!\"; wait"_s,
                           u"ignore-term"_s);
    spec.killGraceMs = 20000;
    Executor exec(spec, m_clock);
    Recorder rec;
    rec.attach(exec);
    QSignalSpy finishedSpy(&exec, &Executor::finished);
    exec.start();
    QTRY_VERIFY_WITH_TIMEOUT(rec.out.contains("ready") && pidsIn(rec.out).size() == 2, 10000);
    QVERIFY(exec.isRunning());
    QElapsedTimer timer;
    timer.start();
    exec.stop(u"cancelled by alice"_s);
    QVERIFY(finishedSpy.wait(10000));
    QVERIFY(timer.elapsed() < 10000);  // did not wait for the 20 s grace
    const auto outcome = finishedSpy.first().first().value<RunOutcome>();
    QCOMPARE(outcome.state, RunState::Cancelled);
    QCOMPARE(outcome.reason, u"cancelled by alice"_s);
    for (qint64 pid : pidsIn(rec.out))
        QTRY_VERIFY2_WITH_TIMEOUT(processGone(pid), qPrintable(QString::number(pid)), 5000);
    exec.stop(u"again"_s);  // no effect once finished
    QCOMPARE(finishedSpy.count(), 1);
}

void tst_Executor::shellExitWithBackgroundChildrenDoesNotHang()
{
    // The sleep keeps stdout open after the shell has exited.
    Executor exec(specFor(u"sleep 100 & echo \"pid $!\"; exit 0"_s), m_clock);
    Recorder rec;
    rec.attach(exec);
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(outcome.state, RunState::Success);
    const QList<qint64> pids = pidsIn(rec.out);
    QCOMPARE(pids.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(pids.first()), 5000);
}

void tst_Executor::outputOverLimitIsTruncatedOnce_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<quint64>("expectedStdout");
    QTest::addColumn<quint64>("expectedStderr");
    QTest::newRow("stdout") << kSelf << qint64(1000) << quint64(200000) << quint64(0);
    QTest::newRow("both-streams") << kSelf + u"; "_s + kSelf + u" >&2"_s << qint64(250000)
                                  << quint64(200000) << quint64(200000);
}

void tst_Executor::outputOverLimitIsTruncatedOnce()
{
    QFETCH(QString, command);
    QFETCH(qint64, limit);
    QFETCH(quint64, expectedStdout);
    QFETCH(quint64, expectedStderr);
    RunSpec spec = specFor(command, u"bytes 200000"_s);
    spec.outputLimitBytes = limit;
    Executor exec(spec, m_clock);
    Recorder rec;
    rec.attach(exec);
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(outcome.state, RunState::Success);
    QVERIFY(outcome.truncated);
    QCOMPARE(outcome.stdoutBytes, expectedStdout);
    QCOMPARE(outcome.stderrBytes, expectedStderr);

    const QByteArray all = rec.out + rec.err;
    QCOMPARE(all.count(kMarker), 1);
    const QByteArray marker
            = "\n[orrery: output truncated after " + QByteArray::number(limit) + " bytes]\n";
    QCOMPARE(all.size(), limit + marker.size());
    QVERIFY(rec.out.endsWith(marker) != rec.err.endsWith(marker));
    // What was delivered is a prefix of what was written, on each stream.
    const QByteArray written = expectedBytes(200000);
    QVERIFY(written.startsWith(QByteArray(rec.out).replace(marker, "")));
    QVERIFY(written.startsWith(QByteArray(rec.err).replace(marker, "")));
}

void tst_Executor::tenMegabytesDoNotStall()
{
    constexpr qint64 size = 10 * 1024 * 1024;
    RunSpec spec = specFor(kSelf, u"bytes %1"_s.arg(size));
    spec.outputLimitBytes = 0;  // unlimited
    Executor exec(spec, m_clock);
    Recorder rec;
    rec.attach(exec);
    RUN_TO_END(exec, outcome, 10000);
    QCOMPARE(outcome.state, RunState::Success);
    QCOMPARE(outcome.stdoutBytes, quint64(size));
    QCOMPARE(rec.out.size(), size);
    QVERIFY(rec.out == expectedBytes(size));
    QVERIFY(rec.maxChunk <= Executor::kMaxChunkBytes);
    QVERIFY(rec.seqInOrder);
    QVERIFY(!outcome.truncated);
}

void tst_Executor::destroyingRunningExecutorKillsGroup()
{
    auto exec = std::make_unique<Executor>(
            specFor(u"sleep 100 & echo \"pid $!\"; sleep 100 & echo \"pid $!\"; wait"_s), m_clock);
    Recorder rec;
    rec.attach(*exec);
    QSignalSpy startedSpy(exec.get(), &Executor::started);
    exec->start();
    QTRY_COMPARE_WITH_TIMEOUT(pidsIn(rec.out).size(), 2, 10000);
    QList<qint64> pids = pidsIn(rec.out);
    pids.append(startedSpy.first().first().toLongLong());
    exec.reset();
    for (qint64 pid : pids)
        QTRY_VERIFY2_WITH_TIMEOUT(processGone(pid), qPrintable(QString::number(pid)), 5000);
}

void tst_Executor::checkRunAsAllowed_data()
{
    QTest::addColumn<uint>("uid");
    QTest::addColumn<bool>("allowRoot");
    QTest::addColumn<bool>("ok");
    QTest::newRow("root-refused") << 0u << false << false;
    QTest::newRow("root-allowed") << 0u << true << true;
    QTest::newRow("user") << 1000u << false << true;
    QTest::newRow("user-allow-root") << 1000u << true << true;
}

void tst_Executor::checkRunAsAllowed()
{
    QFETCH(uint, uid);
    QFETCH(bool, allowRoot);
    QFETCH(bool, ok);
    const Result<void> r = Executor::checkRunAsAllowed(uid, allowRoot);
    QCOMPARE(r.has_value(), ok);
    if (!ok)
        QCOMPARE(r.error().code, ErrorCode::Forbidden);
    QCOMPARE(Executor::checkRunAsAllowed(true).has_value(), true);
    QCOMPARE(Executor::checkRunAsAllowed(false).has_value(), ::geteuid() != 0);
}

int main(int argc, char *argv[])
{
    if (const char *mode = std::getenv("ORRERY_TEST_CHILD_MODE"))
        return runChildMode(mode);
    // Orphaned grandchildren are re-parented to us rather than to a PID 1 that may never reap
    // them (containers), so processGone() can tell a dead process from a running one.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    QCoreApplication app(argc, argv);
    tst_Executor tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_executor.moc"

#include <agent/childprocess.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

// ---- the test binary as the child ----------------------------------------------------------
// ORRERY_TEST_CHILD_MODE="report": prints what the child inherited, one "key=value" a line.
// "exit N" exits with N; "sleep" sleeps until killed.

static QByteArray statusField(const char *name)
{
    FILE *f = std::fopen("/proc/self/status", "r");
    if (!f)
        return "unreadable";
    char line[256];
    QByteArray value = "missing";
    const size_t len = std::strlen(name);
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, name, len) == 0 && line[len] == ':') {
            value = QByteArray(line + len + 1).trimmed();
            break;
        }
    }
    std::fclose(f);
    return value;
}

// The open descriptors, ascending, comma-separated; inheritableOnly: those without FD_CLOEXEC.
static QByteArray describeFds(bool inheritableOnly)
{
    QList<int> fds;
    if (DIR *dir = ::opendir("/proc/self/fd")) {
        while (const dirent *e = ::readdir(dir)) {
            const int fd = std::atoi(e->d_name);
            if (e->d_name[0] == '.' || fd == ::dirfd(dir))
                continue;
            if (!inheritableOnly || (::fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0)
                fds.append(fd);
        }
        ::closedir(dir);
    }
    std::sort(fds.begin(), fds.end());
    QByteArray text;
    for (int fd : fds)
        text += (text.isEmpty() ? "" : ",") + QByteArray::number(fd);
    return text;
}

static int runChildMode(const char *mode)
{
    if (std::strncmp(mode, "exit ", 5) == 0)
        return std::atoi(mode + 5);
    if (std::strcmp(mode, "sleep") == 0) {
        for (;;)
            ::pause();
    }
    if (std::strcmp(mode, "report") != 0)
        return 2;
    QByteArray out;
    out += "sigign=" + statusField("SigIgn") + '\n';
    out += "sigblk=" + statusField("SigBlk") + '\n';
    out += "self=" + QByteArray::number(::getpid()) + '\n';
    out += "pgid=" + QByteArray::number(::getpgid(0)) + '\n';
    out += "sid=" + QByteArray::number(::getsid(0)) + '\n';
    out += "fds=" + describeFds(false) + '\n';
    char c = 0;
    out += "stdin=" + QByteArray(::read(0, &c, 1) == 0 ? "eof" : "data") + '\n';
    char cwd[4096] = {};
    out += "cwd=" + QByteArray(::getcwd(cwd, sizeof cwd) ? cwd : "?") + '\n';
    out += "env=";
    for (char **e = environ; *e; ++e)
        out += QByteArray(*e) + ';';
    out += '\n';
    std::fputs("to-stderr\n", stderr);
    std::fwrite(out.constData(), 1, static_cast<size_t>(out.size()), stdout);
    return 0;
}

// ---- helpers -------------------------------------------------------------------------------

struct Collected
{
    QByteArray out;
    QByteArray err;
    int exitCode = -2;
    int signal = -2;
    int exits = 0;
};

static void collect(ChildProcess &child, Collected &c)
{
    QObject::connect(&child, &ChildProcess::output, &child,
                     [&c](ChildProcess::Channel channel, const QByteArray &data) {
                         (channel == ChildProcess::Channel::Stdout ? c.out : c.err) += data;
                     });
    QObject::connect(&child, &ChildProcess::exited, &child, [&c](int exitCode, int signal) {
        c.exitCode = exitCode;
        c.signal = signal;
        ++c.exits;
    });
}

static QProcessEnvironment environmentWithMode(const QString &mode)
{
    QProcessEnvironment env;
    env.insert(u"ORRERY_TEST_CHILD_MODE"_s, mode);
    env.insert(u"GREETING"_s, u"hello world"_s);
    return env;
}

static QHash<QByteArray, QByteArray> reportOf(const QByteArray &out)
{
    QHash<QByteArray, QByteArray> fields;
    for (const QByteArray &line : out.split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            fields.insert(line.left(eq), line.mid(eq + 1));
    }
    return fields;
}

// True once the child was reaped by us: waitpid has nothing left to wait for.
static bool reaped(qint64 pid)
{
    return ::waitpid(static_cast<pid_t>(pid), nullptr, WNOHANG) < 0 && errno == ECHILD;
}

// True when the process no longer exists; an orphan re-parented to us (see main) is reaped first.
static bool gone(pid_t pid)
{
    ::waitpid(pid, nullptr, WNOHANG);
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

class tst_ChildProcess : public QObject
{
    Q_OBJECT

private slots:
    void startsCleanChildWhateverTheAgentInherits();
    void exitCodeAndSignal_data();
    void exitCodeAndSignal();
    void startFailures_data();
    void startFailures();
    void manyChildrenAtOnceAreAllReaped();
    void coexistsWithQProcess();
    void destroyingKillsAndReapsGroup();

private:
    const QString m_self = QCoreApplication::applicationFilePath();
};

void tst_ChildProcess::startsCleanChildWhateverTheAgentInherits()
{
    // The agent ignores SIGINT and SIGPIPE and blocks SIGUSR1 and SIGTERM; the child must not.
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction oldInt = {};
    struct sigaction oldPipe = {};
    ::sigaction(SIGINT, &ignore, &oldInt);
    ::sigaction(SIGPIPE, &ignore, &oldPipe);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGTERM);
    sigset_t oldMask;
    ::pthread_sigmask(SIG_BLOCK, &block, &oldMask);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ChildProcess child;
    Collected c;
    collect(child, c);
    QSignalSpy exited(&child, &ChildProcess::exited);
    const QByteArray inheritable = describeFds(true);
    QVERIFY(inheritable.startsWith("0,1,2"));
    const Result<void> started
            = child.start({m_self}, environmentWithMode(u"report"_s), dir.path());

    ::pthread_sigmask(SIG_SETMASK, &oldMask, nullptr);
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGPIPE, &oldPipe, nullptr);

    QVERIFY2(started.has_value(), qPrintable(started ? QString() : started.error().message));
    QVERIFY(child.pid() > 0);
    QVERIFY(exited.wait(10000));
    QCOMPARE(c.exits, 1);
    QCOMPARE(c.exitCode, 0);
    QCOMPARE(c.signal, 0);
    QCOMPARE(c.err, QByteArray("to-stderr\n"));
    const auto report = reportOf(c.out);
    // glibc's posix_spawn leaves its two internal signals (32 and 33, below SIGRTMIN) ignored
    // across exec; every glibc program installs its own handlers for them at start-up.
    const quint64 glibcInternal = (quint64(1) << (32 - 1)) | (quint64(1) << (33 - 1));
    bool hex = false;
    const quint64 ignored = report.value("sigign").toULongLong(&hex, 16);
    QVERIFY2(hex, report.value("sigign").constData());
    QCOMPARE(ignored & ~glibcInternal, quint64(0));
    QCOMPARE(report.value("sigblk"), QByteArray("0000000000000000"));
    const QByteArray pid = QByteArray::number(child.pid());
    QCOMPARE(report.value("self"), pid);
    QCOMPARE(report.value("pgid"), pid);  // its own process group...
    QCOMPARE(report.value("sid"), pid);   // ...in its own session
    // Only what the test process itself inherited without FD_CLOEXEC (0, 1, 2 and whatever
    // its caller passed on) reaches the child: no pipe or other descriptor of ChildProcess.
    QCOMPARE(report.value("fds"), inheritable);
    QCOMPARE(report.value("stdin"), QByteArray("eof"));
    QCOMPARE(report.value("cwd"), QFile::encodeName(QFileInfo(dir.path()).canonicalFilePath()));
    QCOMPARE(report.value("env"),
             QByteArray("GREETING=hello world;ORRERY_TEST_CHILD_MODE=report;"));
    QVERIFY(!child.isRunning());
    QVERIFY(reaped(child.pid()));
}

void tst_ChildProcess::exitCodeAndSignal_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<int>("killWith");  // 0: let it end
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::newRow("zero") << QStringList{u"/bin/sh"_s, u"-c"_s, u"exit 0"_s} << 0 << 0 << 0;
    QTest::newRow("seven") << QStringList{u"/bin/sh"_s, u"-c"_s, u"exit 7"_s} << 0 << 7 << 0;
    QTest::newRow("sigterm") << QStringList{m_self} << SIGTERM << -1 << SIGTERM;
    QTest::newRow("sigkill") << QStringList{m_self} << SIGKILL << -1 << SIGKILL;
}

void tst_ChildProcess::exitCodeAndSignal()
{
    QFETCH(QStringList, argv);
    QFETCH(int, killWith);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    ChildProcess child;
    Collected c;
    collect(child, c);
    QSignalSpy exited(&child, &ChildProcess::exited);
    QVERIFY(child.start(argv, environmentWithMode(u"sleep"_s), {}).has_value());
    QVERIFY(child.isRunning());
    if (killWith != 0)
        QVERIFY(child.signalGroup(killWith));
    QVERIFY(exited.wait(10000));
    QCOMPARE(c.exits, 1);
    QCOMPARE(c.exitCode, exitCode);
    QCOMPARE(c.signal, signal);
    QVERIFY(!child.isRunning());
    QVERIFY(reaped(child.pid()));
}

void tst_ChildProcess::startFailures_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<QString>("workingDirectory");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("missing-program") << QStringList{u"/nonexistent/program"_s} << QString()
                                     << int(ErrorCode::Io) << u"/nonexistent/program"_s;
    QTest::newRow("not-executable")
            << QStringList{u"/etc/passwd"_s} << QString() << int(ErrorCode::Io) << u"/etc/passwd"_s;
    QTest::newRow("missing-directory") << QStringList{u"/bin/true"_s} << u"/nonexistent/dir"_s
                                       << int(ErrorCode::Io) << u"/bin/true"_s;
    QTest::newRow("relative-program")
            << QStringList{u"true"_s} << QString() << int(ErrorCode::InvalidValue) << u""_s;
    QTest::newRow("empty") << QStringList() << QString() << int(ErrorCode::InvalidValue) << u""_s;
}

void tst_ChildProcess::startFailures()
{
    QFETCH(QStringList, argv);
    QFETCH(QString, workingDirectory);
    QFETCH(int, code);
    QFETCH(QString, messagePart);
    ChildProcess child;
    QSignalSpy exited(&child, &ChildProcess::exited);
    const Result<void> started = child.start(argv, {}, workingDirectory);
    QVERIFY(!started.has_value());
    QCOMPARE(int(started.error().code), code);
    QVERIFY2(started.error().message.contains(messagePart), qPrintable(started.error().message));
    QCOMPARE(child.pid(), 0);
    QVERIFY(!child.isRunning());
    QVERIFY(!child.signalGroup(SIGKILL));
    QCoreApplication::processEvents();
    QCOMPARE(exited.count(), 0);
}

void tst_ChildProcess::manyChildrenAtOnceAreAllReaped()
{
    constexpr int count = 40;
    std::vector<std::unique_ptr<ChildProcess>> children;
    std::vector<Collected> results(count);
    for (int i = 0; i < count; ++i) {
        children.push_back(std::make_unique<ChildProcess>());
        collect(*children.back(), results.at(static_cast<size_t>(i)));
        const QStringList argv{u"/bin/sh"_s, u"-c"_s, u"echo %1; exit %2"_s.arg(i).arg(i % 5)};
        QVERIFY(children.back()->start(argv, {}, {}).has_value());
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(results.cbegin(), results.cend(),
                                         [](const Collected &c) { return c.exits == 1; }),
                             20000);
    for (int i = 0; i < count; ++i) {
        const Collected &c = results.at(static_cast<size_t>(i));
        QCOMPARE(c.out, QByteArray::number(i) + '\n');
        QCOMPARE(c.exitCode, i % 5);
        QVERIFY(reaped(children.at(static_cast<size_t>(i))->pid()));
    }
}

void tst_ChildProcess::coexistsWithQProcess()
{
    // Qt reaps QProcess children itself: a ChildProcess must neither take them nor lose its own.
    QProcess process;
    process.start(u"/bin/sh"_s, {u"-c"_s, u"exit 5"_s});
    ChildProcess child;
    Collected c;
    collect(child, c);
    QVERIFY(child.start({u"/bin/sh"_s, u"-c"_s, u"exit 6"_s}, {}, {}).has_value());
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 5);
    QTRY_COMPARE_WITH_TIMEOUT(c.exits, 1, 10000);
    QCOMPARE(c.exitCode, 6);
}

void tst_ChildProcess::destroyingKillsAndReapsGroup()
{
    auto child = std::make_unique<ChildProcess>();
    Collected c;
    collect(*child, c);
    QVERIFY(child->start({u"/bin/sh"_s, u"-c"_s, u"sleep 100 & echo $!; wait"_s}, {}, {})
                    .has_value());
    QTRY_VERIFY_WITH_TIMEOUT(c.out.endsWith('\n'), 10000);
    const qint64 pid = child->pid();
    const auto grandchild = static_cast<pid_t>(c.out.trimmed().toLongLong());
    QVERIFY(grandchild > 0);
    child.reset();
    QVERIFY(reaped(pid));
    // The background sleep went with the group.
    QTRY_VERIFY_WITH_TIMEOUT(gone(grandchild), 5000);
}

int main(int argc, char *argv[])
{
    if (const char *mode = std::getenv("ORRERY_TEST_CHILD_MODE"))
        return runChildMode(mode);
    // Orphaned grandchildren are re-parented to us, so a dead one can be told from a running one.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    QCoreApplication app(argc, argv);
    tst_ChildProcess tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_childprocess.moc"

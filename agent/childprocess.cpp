#include "childprocess.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
extern "C" {
// glibc 2.36's header declares pidfd_open without C linkage for C++.
#include <sys/pidfd.h>
}
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Agent {

static Q_LOGGING_CATEGORY(lcChild, "orrery.agent.childprocess", QtInfoMsg)

        // Bytes read from one pipe per wake-up at most, so that a child writing fast cannot keep
        // the event loop from its other descriptors and timers.
        static constexpr qsizetype kMaxReadPerWakeUp = 1024 * 1024;
static constexpr qsizetype kReadBlock = 64 * 1024;
static constexpr int kReapOnDestroyMs = 2000;

static void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

static Error systemError(const QString &what, int error)
{
    return makeError(ErrorCode::Io, u"%1: %2"_s.arg(what, qt_error_string(error)));
}

// The argv or envp of posix_spawn: the encoded strings and the null-terminated pointer array.
class CStringArray
{
public:
    explicit CStringArray(const QList<QByteArray> &strings) : m_strings(strings)
    {
        m_pointers.reserve(static_cast<size_t>(m_strings.size()) + 1);
        for (QByteArray &s : m_strings)
            m_pointers.push_back(s.data());
        m_pointers.push_back(nullptr);
    }
    char *const *data() { return m_pointers.data(); }

private:
    QList<QByteArray> m_strings;
    std::vector<char *> m_pointers;
};

ChildProcess::ChildProcess(QObject *parent) : QObject(parent) {}

ChildProcess::~ChildProcess()
{
    if (isRunning()) {
        signalGroup(SIGKILL);
        pollfd pfd{m_pidfd, POLLIN, 0};
        int ready = 0;
        do
            ready = ::poll(&pfd, 1, kReapOnDestroyMs);
        while (ready < 0 && errno == EINTR);
        if (!reap(WNOHANG))
            qCWarning(lcChild) << "child" << m_pid << "still alive" << kReapOnDestroyMs
                               << "ms after SIGKILL; left unreaped";
    }
    closeChannel(Channel::Stdout);
    closeChannel(Channel::Stderr);
    delete m_pidfdNotifier;
    closeFd(m_pidfd);
    delete m_statusNotifier;
    closeFd(m_statusFd);
    closeFd(m_goFd);
}

Result<void> ChildProcess::start(const QStringList &argv, const QProcessEnvironment &environment,
                                 const QString &workingDirectory)
{
    return spawn(argv, environment, workingDirectory, -1, -1);
}

Result<void> ChildProcess::prepare(const QString &launcher, const QStringList &argv,
                                   const QProcessEnvironment &environment,
                                   const QString &workingDirectory)
{
    if (m_pid != 0 || argv.isEmpty())
        return makeError(ErrorCode::InvalidValue, u"a child process starts once"_s);
    int go[2] = {-1, -1};
    int status[2] = {-1, -1};
    if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(status, O_CLOEXEC) != 0) {
        const int error = errno;
        for (int *fd : {&go[0], &go[1], &status[0], &status[1]})
            closeFd(*fd);
        return systemError(u"cannot create the launcher's pipes"_s, error);
    }
    // The child's ends above 4, so that the dup2 onto 3 and 4 cannot overwrite one another.
    int childGo = ::fcntl(go[0], F_DUPFD_CLOEXEC, 10);
    int childStatus = ::fcntl(status[1], F_DUPFD_CLOEXEC, 10);
    closeFd(go[0]);
    closeFd(status[1]);
    const Result<void> spawned
            = childGo < 0 || childStatus < 0
                      ? Result<void>(systemError(u"cannot create the launcher's pipes"_s, errno))
                      : spawn(QStringList{launcher} + argv, environment, workingDirectory, childGo,
                              childStatus);
    closeFd(childGo);
    closeFd(childStatus);
    if (!spawned) {
        closeFd(go[1]);
        closeFd(status[0]);
        return spawned;
    }
    m_goFd = go[1];
    m_statusFd = status[0];
    ::fcntl(m_statusFd, F_SETFL, ::fcntl(m_statusFd, F_GETFL) | O_NONBLOCK);
    m_statusNotifier = new QSocketNotifier(m_statusFd, QSocketNotifier::Read, this);
    connect(m_statusNotifier, &QSocketNotifier::activated, this, &ChildProcess::readStatus);
    return {};
}

bool ChildProcess::go()
{
    if (m_goFd < 0 || !isRunning())
        return false;
    const char byte = 1;
    ssize_t n = 0;
    do
        n = ::write(m_goFd, &byte, 1);
    while (n < 0 && errno == EINTR);
    closeFd(m_goFd);
    return n == 1;
}

void ChildProcess::cancel()
{
    closeFd(m_goFd);
}

void ChildProcess::readStatus()
{
    while (m_status8.size() < 8) {
        char buffer[8];
        const ssize_t n = ::read(m_statusFd, buffer, size_t(8 - m_status8.size()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0) {
            m_status8.append(buffer, n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        break;  // EOF (the launcher ended without going) or an error
    }
    m_statusNotifier->setEnabled(false);
    m_statusNotifier->deleteLater();  // the sender of this call
    m_statusNotifier = nullptr;
    closeFd(m_statusFd);
    if (m_status8.size() == 8) {
        qint64 ms = 0;
        std::memcpy(&ms, m_status8.constData(), sizeof ms);
        emit launched(ms);
    }
}

Result<void> ChildProcess::spawn(const QStringList &argv, const QProcessEnvironment &environment,
                                 const QString &workingDirectory, int goFd, int statusFd)
{
    if (m_pid != 0 || argv.isEmpty() || !argv.first().startsWith(u'/'))
        return makeError(ErrorCode::InvalidValue,
                         u"a child process starts once, from an absolute program path"_s);

    QList<QByteArray> args;
    args.reserve(argv.size());
    args.append(QFile::encodeName(argv.first()));
    for (qsizetype i = 1; i < argv.size(); ++i)
        args.append(argv.at(i).toLocal8Bit());
    QList<QByteArray> vars;
    for (const QString &var : environment.toStringList())
        vars.append(var.toLocal8Bit());
    CStringArray argp(args);
    CStringArray envp(vars);
    const QByteArray cwd = QFile::encodeName(workingDirectory);

    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        const int error = errno;
        for (int *fd : {&out[0], &out[1], &err[0], &err[1]})
            closeFd(*fd);
        return systemError(u"cannot create the output pipes"_s, error);
    }

    // In the child, in this order: stdin from /dev/null, the pipes' write ends as stdout and
    // stderr (dup2 clears O_CLOEXEC on 1 and 2 only), then the working directory.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    if (goFd >= 0 && statusFd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, goFd, 3);
        posix_spawn_file_actions_adddup2(&actions, statusFd, 4);
    }
    if (!workingDirectory.isEmpty())
        posix_spawn_file_actions_addchdir_np(&actions, cwd.constData());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t pid = 0;
    // Returns once the child has exec'ed or failed to (the error is the child's errno).
    const int spawned = ::posix_spawn(&pid, args.first().constData(), &actions, &attr, argp.data(),
                                      envp.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    closeFd(out[1]);
    closeFd(err[1]);
    if (spawned != 0) {
        closeFd(out[0]);
        closeFd(err[0]);
        return systemError(u"cannot start %1"_s.arg(argv.first()), spawned);
    }
    m_pid = pid;

    m_pidfd = ::pidfd_open(pid, 0);
    if (m_pidfd < 0) {
        // Without it the exit could not be seen: end the child at once rather than lose it.
        const int error = errno;
        ::kill(-pid, SIGKILL);
        reap(0);
        closeFd(out[0]);
        closeFd(err[0]);
        return systemError(u"cannot watch process %1 (pidfd_open)"_s.arg(pid), error);
    }
    m_pidfdNotifier = new QSocketNotifier(m_pidfd, QSocketNotifier::Read, this);
    connect(m_pidfdNotifier, &QSocketNotifier::activated, this, &ChildProcess::onPidfdReadable);

    const std::array<Channel, 2> channels{Channel::Stdout, Channel::Stderr};
    const std::array<int, 2> readEnds{out[0], err[0]};
    for (size_t i = 0; i < channels.size(); ++i) {
        Pipe &pipe = m_pipes.at(i);
        pipe.fd = readEnds.at(i);
        ::fcntl(pipe.fd, F_SETFL, ::fcntl(pipe.fd, F_GETFL) | O_NONBLOCK);
        pipe.notifier = new QSocketNotifier(pipe.fd, QSocketNotifier::Read, this);
        connect(pipe.notifier, &QSocketNotifier::activated, this,
                [this, channel = channels.at(i)] { readChannel(channel); });
    }
    return {};
}

bool ChildProcess::signalGroup(int signal) const
{
    if (m_pid <= 0)
        return false;
    return ::kill(-static_cast<pid_t>(m_pid), signal) == 0;
}

void ChildProcess::readChannel(Channel channel)
{
    Pipe &pipe = m_pipes.at(static_cast<size_t>(channel));
    if (pipe.fd < 0)
        return;
    // Read into the stack first: most wake-ups of a short run read nothing but the end of the
    // pipe, and a 64 KiB heap block taken and given back for each of them makes the allocator
    // grow and trim the heap (brk, page faults) once or twice for every run.
    char block[kReadBlock];
    QByteArray data;
    bool atEnd = false;
    while (data.size() < kMaxReadPerWakeUp) {
        const ssize_t n = ::read(pipe.fd, block, sizeof block);
        if (n > 0) {
            data.append(block, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0)
            qCWarning(lcChild) << "reading the output of child" << m_pid
                               << "failed:" << qt_error_string(errno);
        atEnd = true;  // EOF: every writer has closed the pipe
        break;
    }
    if (atEnd)
        closeChannel(channel);
    if (!data.isEmpty())
        emit output(channel, data);
}

void ChildProcess::closeChannel(Channel channel)
{
    Pipe &pipe = m_pipes.at(static_cast<size_t>(channel));
    if (pipe.notifier) {
        pipe.notifier->setEnabled(false);
        pipe.notifier->deleteLater();  // it may be the sender of the current call
        pipe.notifier = nullptr;
    }
    closeFd(pipe.fd);
}

bool ChildProcess::reap(int options)
{
    if (m_reaped)
        return true;
    int status = 0;
    pid_t r = 0;
    do
        r = ::waitpid(static_cast<pid_t>(m_pid), &status, options);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return false;
    if (r < 0) {
        // Only when SIGCHLD is ignored (the kernel reaps) or someone waits for any child.
        qCWarning(lcChild) << "child" << m_pid << "was reaped elsewhere; exit status unknown";
        status = -1;
    }
    m_reaped = true;
    m_status = status;
    return true;
}

void ChildProcess::onPidfdReadable()
{
    if (!reap(WNOHANG))
        return;
    m_pidfdNotifier->setEnabled(false);
    m_pidfdNotifier->deleteLater();  // the sender of this call
    m_pidfdNotifier = nullptr;
    closeFd(m_pidfd);
    if (m_statusNotifier)
        readStatus();  // a launcher's time comes before its exit

    // What the child wrote before it ended is in the pipes now; what other members of its
    // group write later is not read (the caller decides their fate).
    readChannel(Channel::Stdout);
    readChannel(Channel::Stderr);
    closeChannel(Channel::Stdout);
    closeChannel(Channel::Stderr);

    if (m_status == -1)
        emit exited(-1, 0);
    else if (WIFSIGNALED(m_status))
        emit exited(-1, WTERMSIG(m_status));
    else
        emit exited(WEXITSTATUS(m_status), 0);
}

}  // namespace Orrery::Agent

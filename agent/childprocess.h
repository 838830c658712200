#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <array>
#include <memory>

class QSocketNotifier;

namespace Orrery::Agent {

// One child process started with posix_spawn: no fork of the agent (glibc spawns with
// CLONE_VM | CLONE_VFORK, so the cost does not grow with the agent's size), and the only code
// that runs in the child before exec is glibc's.
//
// The child gets exactly the given environment, the working directory (empty: the agent's),
// stdin from /dev/null and stdout/stderr into pipes the agent reads through QSocketNotifier. It
// runs in a session and process group of its own (POSIX_SPAWN_SETSID: process group id = pid,
// no controlling terminal), with an empty signal mask and every signal at its default action,
// whatever the agent blocks or ignores (except glibc's two internal signals 32 and 33, which
// its posix_spawn leaves ignored; glibc programs set their own handlers for them). No other
// descriptor of the agent reaches it: the pipes are O_CLOEXEC, like every descriptor Qt and the
// agent open.
//
// The exit is watched through a pidfd (pidfd_open, Linux 5.3): the descriptor turns readable
// when the child ends, and only then is the child reaped, with waitpid on its own pid. No
// SIGCHLD handler, no process-wide state: QProcess (Qt's forkfd) and other ChildProcesses in
// the same program are not disturbed, and no waitpid(-1) can steal their children.
class ChildProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChildProcess)

public:
    enum class Channel { Stdout, Stderr };
    Q_ENUM(Channel)

    explicit ChildProcess(QObject *parent = nullptr);
    // A child still running gets SIGKILL (its whole process group) and is reaped, waiting at
    // most two seconds for it to die.
    ~ChildProcess() override;

    // Starts argv[0] (an absolute path: no PATH lookup) with argv. On error nothing runs and
    // the error (code Io) says why: a missing program, a working directory that cannot be
    // entered, too many processes or descriptors. Call once.
    Result<void> start(const QStringList &argv, const QProcessEnvironment &environment,
                       const QString &workingDirectory);

    // Prepared start: spawns `launcher` (agent/launcher/orrery-launch) with argv as its
    // arguments, and everything else as start() does, plus the go pipe's read end as its fd 3
    // and the status pipe's write end as its fd 4. The launcher waits for go(), then reports
    // its clock time (launched()) and exec's argv. Call once, instead of start().
    Result<void> prepare(const QString &launcher, const QStringList &argv,
                         const QProcessEnvironment &environment, const QString &workingDirectory);
    // Lets a prepared launcher go on (one byte into the go pipe). False when not prepared, or
    // already gone or cancelled.
    bool go();
    // Closes the go pipe of a prepared launcher that has not gone: it exits without running
    // anything (exited() follows).
    void cancel();

    qint64 pid() const { return m_pid; }
    bool isRunning() const { return m_pid > 0 && !m_reaped; }

    // kill() on the child's process group (which outlives the child while members remain).
    // False when there is nothing to signal.
    bool signalGroup(int signal) const;

signals:
    // What one wake-up read from a pipe, in order per channel.
    void output(Orrery::Agent::ChildProcess::Channel channel, const QByteArray &data);
    // The child ended and was reaped; whatever it had written before is delivered by then.
    // exitCode is its exit status, or -1 when a signal (signal > 0) killed it.
    void exited(int exitCode, int signal);
    // A prepared launcher went: the time (ms since the Unix epoch, CLOCK_REALTIME) it read just
    // before exec'ing the command.
    void launched(qint64 execMs);

private:
    struct Pipe
    {
        int fd = -1;
        QSocketNotifier *notifier = nullptr;  // child QObject
    };

    // posix_spawn of argv; with goFd/statusFd >= 0 they become the child's fds 3 and 4.
    Result<void> spawn(const QStringList &argv, const QProcessEnvironment &environment,
                       const QString &workingDirectory, int goFd, int statusFd);
    void readStatus();
    void readChannel(Channel channel);
    void closeChannel(Channel channel);
    void onPidfdReadable();
    bool reap(int options);

    std::array<Pipe, 2> m_pipes;
    int m_pidfd = -1;
    QSocketNotifier *m_pidfdNotifier = nullptr;   // child QObject
    int m_goFd = -1;                              // prepared: the go pipe's write end
    int m_statusFd = -1;                          // prepared: the status pipe's read end
    QSocketNotifier *m_statusNotifier = nullptr;  // child QObject
    QByteArray m_status8;                         // the launcher's time, as it arrives
    qint64 m_pid = 0;
    bool m_reaped = false;
    int m_status = 0;
};

}  // namespace Orrery::Agent

#pragma once

#include "runoutcome.h"

#include <model/clock.h>
#include <model/id.h>
#include <model/result.h>

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <optional>

namespace Orrery::Agent {

class ChildProcess;

// What to run: one attempt of one run.
struct RunSpec
{
    RunId runId;
    int attempt = 1;
    QString command;              // given to /bin/sh -c, or run directly, see plainCommand()
    QMap<QString, QString> env;   // added to the minimal base environment, see environmentFor()
    QString workingDirectory;     // empty: the agent's own working directory
    qint64 timeoutMs = 0;         // 0 or less: no timeout
    qint64 killGraceMs = 5000;    // SIGTERM -> SIGKILL delay for the whole process group
    qint64 outputLimitBytes = 0;  // stdout + stderr delivered; 0 or less: unlimited
    // A job's check command (condition dependency), run first, see Executor::startCheck().
    QString check;              // empty: none
    qint64 checkTimeoutMs = 0;  // 0 or less: no timeout for the check
};

// Runs one RunSpec as `/bin/sh -c command` in its own session/process group (a ChildProcess:
// posix_spawn with POSIX_SPAWN_SETSID), streams its output in chunks and reports how it ended.
// A command without shell syntax whose first word is the absolute path of an executable file is
// run directly, without the shell (one process less per run), and reported as the shell would
// report it: a command killed by a signal the executor did not send exits with 128 + the signal.
// One difference remains: on timeout or stop, a command that ignores SIGTERM ends after the
// grace period by SIGKILL, where the shell (which dies of the SIGTERM) ended the run at once.
//
// Ending: the shell's exit ends the run. Whatever is left in its process group at that moment
// (background children that still hold the pipe, a child that ignores SIGTERM) is killed with
// SIGKILL at once, so the run never waits for EOF from processes it no longer owns. On timeout
// or stop() the whole group gets SIGTERM, then SIGKILL after killGraceMs. A process that calls
// setsid() itself leaves the group and escapes this (cgroups would be needed for that).
class Executor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Executor)

public:
    enum class Stream { Stdout, Stderr };
    Q_ENUM(Stream)

    static constexpr qint64 kMaxChunkBytes = 64 * 1024;

    // The clock is not owned and must outlive the executor (it only stamps start/finish).
    Executor(RunSpec spec, const Clock &clock, QObject *parent = nullptr);
    ~Executor() override;  // kills the process group if still running

    const RunSpec &spec() const { return m_spec; }
    bool isRunning() const { return m_running; }
    // True once the output limit was hit: the chunk being emitted when this turns true is the
    // "[orrery: output truncated ...]" marker, and no chunk follows it.
    bool isOutputTruncated() const { return m_outcome.truncated; }

    // Starts the run; started() is emitted before this returns when the child runs. Every
    // start ends in exactly one finished(), from the event loop, also when the process cannot
    // be started (bad working directory, ...: state failed with a reason).
    // With a spec.check, the check runs first (startCheck()).
    void start();
    // Prepared start (a held run, agent/agentservice.h): spawns the run's child now through
    // `launcher` (agent/launcher/orrery-launch), with the environment, working directory,
    // session, process group and output pipes of start(); the launcher waits for go(), which
    // then only costs a byte in a pipe. The run's start time (startedMs(), run.started) is the
    // launcher's clock when it exec's the command, and the timeout counts from it. False when
    // the run cannot be prepared: a run with a check (its check runs first, through start()),
    // a working directory that cannot be entered, or a launcher that cannot be started (said in
    // the log); go() then calls start(). Call before go(), at most once.
    bool prepare(const QString &launcher);
    // Starts a prepared run (or calls start()). started() follows when the command is exec'd.
    void go();
    // Cancels a running run (or its check): SIGTERM to the group, SIGKILL after the grace
    // period; the run ends as cancelled with this reason. A prepared run that has not gone is
    // cancelled by closing its go pipe: the launcher exits without running anything and the
    // run ends cancelled, never started (startedMs 0, exit code -1, no output). Does nothing
    // when not running or already stopping.
    void stop(const QString &reason);
    // When the command started (ms since the Unix epoch), 0 before.
    qint64 startedMs() const { return m_outcome.startedMs; }

    // The child's environment: PATH, HOME and LANG taken from the agent (PATH and LANG with
    // safe defaults when unset), then spec.env on top, then ORRERY_RUN_ID and ORRERY_ATTEMPT,
    // which a job's env cannot override. Nothing else of the agent's environment leaks.
    static QProcessEnvironment environmentFor(const RunSpec &spec,
                                              const QProcessEnvironment &agentEnv);

    // Error (Forbidden) when running as root (effective uid 0) and not allowed to.
    static Result<void> checkRunAsAllowed(bool allowRoot);
    static Result<void> checkRunAsAllowed(uint effectiveUid, bool allowRoot);  // test seam

    // The program and arguments of a command that needs no shell (see the class comment);
    // std::nullopt for one that goes through /bin/sh -c.
    static std::optional<QStringList> plainCommand(const QString &command);

signals:
    void started(qint64 pid);
    // seq counts chunks over both streams, from 0, so a consumer can interleave them.
    void output(Orrery::Agent::Executor::Stream stream, quint64 seq, const QByteArray &chunk);
    void finished(const Orrery::Agent::RunOutcome &outcome);

private:
    // The argv of the command (sets m_direct), see plainCommand().
    QStringList commandArgv();
    ChildProcess *makeChild();
    void onLaunched(qint64 execMs);
    void onChildExited(int exitCode, int signal);
    void beginTermination(RunState state, const QString &reason);
    void signalGroup(int signal);
    void deliver(Stream stream, const QByteArray &data);
    void finish();
    // The check command (spec.check) as a run of its own, with the same environment, working
    // directory and process-group handling, its output part of this run's output after a line
    // "[orrery: check <command>]". started() is emitted when it starts (and again when the
    // command does). Exit 0: the command starts. Another exit, a signal or checkTimeoutMs:
    // finished() with state skipped, exit code -1 and the reason "check `<command>` exited 1".
    // A check that cannot start fails the run; stop() while it runs cancels the run.
    void startCheck();
    void onCheckFinished(const RunOutcome &check);

    RunSpec m_spec;
    const Clock *m_clock;             // not owned, see the constructor
    ChildProcess *m_child = nullptr;  // child QObject
    QTimer m_timeoutTimer;
    QTimer m_killTimer;
    bool m_running = false;
    bool m_terminating = false;
    bool m_direct = false;    // run without /bin/sh, see plainCommand()
    bool m_prepared = false;  // prepare() spawned the launcher
    bool m_gone = false;      // go() let it go on
    bool m_done = false;
    quint64 m_seq = 0;
    quint64 m_delivered = 0;
    RunOutcome m_outcome;
    Executor *m_check = nullptr;  // child while the check runs, see startCheck()
    bool m_checkPassed = false;
};

}  // namespace Orrery::Agent

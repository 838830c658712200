#include "executor.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <algorithm>
#include <climits>

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Agent {

static Q_LOGGING_CATEGORY(lcExecutor, "orrery.agent.executor", QtInfoMsg)

        Executor::Executor(RunSpec spec, const Clock &clock, QObject *parent)
    : QObject(parent), m_spec(std::move(spec)), m_clock(&clock)
{
    m_outcome.runId = m_spec.runId;
    m_outcome.attempt = m_spec.attempt;
    m_timeoutTimer.setSingleShot(true);
    m_killTimer.setSingleShot(true);
    connect(&m_timeoutTimer, &QTimer::timeout, this, [this] {
        beginTermination(RunState::TimedOut, u"timed out after %1 ms"_s.arg(m_spec.timeoutMs));
    });
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcExecutor) << "run" << m_spec.runId.value() << "still alive after"
                           << m_spec.killGraceMs << "ms grace; sending SIGKILL to group" << m_pgid;
        signalGroup(SIGKILL);
    });
}

Executor::~Executor()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    if (m_process->state() != QProcess::NotRunning) {
        signalGroup(SIGKILL);
        m_process->waitForFinished(2000);
    }
    delete m_process;
    m_process = nullptr;
}

QProcessEnvironment Executor::environmentFor(const RunSpec &spec,
                                             const QProcessEnvironment &agentEnv)
{
    QProcessEnvironment env;
    env.insert(u"PATH"_s, agentEnv.value(u"PATH"_s, u"/usr/local/bin:/usr/bin:/bin"_s));
    if (agentEnv.contains(u"HOME"_s))
        env.insert(u"HOME"_s, agentEnv.value(u"HOME"_s));
    env.insert(u"LANG"_s, agentEnv.value(u"LANG"_s, u"C.UTF-8"_s));
    for (auto it = spec.env.cbegin(); it != spec.env.cend(); ++it)
        env.insert(it.key(), it.value());
    env.insert(u"ORRERY_RUN_ID"_s, spec.runId.toString());
    env.insert(u"ORRERY_ATTEMPT"_s, QString::number(spec.attempt));
    return env;
}

Result<void> Executor::checkRunAsAllowed(bool allowRoot)
{
    return checkRunAsAllowed(static_cast<uint>(::geteuid()), allowRoot);
}

Result<void> Executor::checkRunAsAllowed(uint effectiveUid, bool allowRoot)
{
    if (effectiveUid == 0 && !allowRoot)
        return makeError(ErrorCode::Forbidden,
                         u"refusing to run jobs as root; run the agent as an unprivileged user "
                         u"or allow root in the agent configuration"_s);
    return {};
}

static QString checkWorkingDirectory(const QString &dir)
{
    if (dir.isEmpty())
        return {};
    const QFileInfo info(dir);
    if (!info.exists())
        return u"working directory '%1' does not exist"_s.arg(dir);
    if (!info.isDir())
        return u"working directory '%1' is not a directory"_s.arg(dir);
    if (!info.isExecutable())
        return u"working directory '%1' cannot be entered (permission denied)"_s.arg(dir);
    return {};
}

std::optional<QStringList> Executor::plainCommand(const QString &command)
{
    // Characters with no meaning to the shell; anything else (quotes, $, globs, redirections,
    // ;, &, |, ~, #, tabs, newlines, backslashes...) goes through /bin/sh -c.
    static const QRegularExpression plain(u"^[A-Za-z0-9/._+,:=@%^ -]+$"_s);
    if (!plain.match(command).hasMatch())
        return std::nullopt;
    const QStringList words = command.split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty() || !words.first().startsWith(u'/'))
        return std::nullopt;  // a name looked up in PATH: the shell's lookup and messages
    const QFileInfo program(words.first());
    if (!program.isFile() || !program.isExecutable())
        return std::nullopt;  // the shell reports "not found" / "permission denied" (127/126)
    return words;
}

void Executor::start()
{
    if (m_running || m_done) {
        qCWarning(lcExecutor) << "run" << m_spec.runId.value() << "started twice; ignored";
        return;
    }
    m_running = true;

    if (const QString problem = checkWorkingDirectory(m_spec.workingDirectory);
        !problem.isEmpty()) {
        m_outcome.state = RunState::Failed;
        m_outcome.reason = problem;
        // Reported from the event loop, so a caller may delete us in its finished() slot.
        QMetaObject::invokeMethod(this, &Executor::finish, Qt::QueuedConnection);
        return;
    }

    m_process = new QProcess(this);
    if (std::optional<QStringList> words = plainCommand(m_spec.command)) {
        m_direct = true;
        m_process->setProgram(words->takeFirst());
        m_process->setArguments(*words);
    } else {
        m_process->setProgram(u"/bin/sh"_s);
        m_process->setArguments({u"-c"_s, m_spec.command});
    }
    m_process->setProcessEnvironment(
            environmentFor(m_spec, QProcessEnvironment::systemEnvironment()));
    if (!m_spec.workingDirectory.isEmpty())
        m_process->setWorkingDirectory(m_spec.workingDirectory);
    m_process->setStandardInputFile(QProcess::nullDevice());
    m_process->setChildProcessModifier([] {
        // Runs in the forked child before exec: only async-signal-safe calls here.
        ::setsid();  // own session and process group, no controlling terminal
        ::signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
    });
    connect(m_process, &QProcess::started, this, &Executor::onStarted);
    connect(m_process, &QProcess::readyReadStandardOutput, this,
            [this] { onReadyRead(Stream::Stdout); });
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { onReadyRead(Stream::Stderr); });
    connect(m_process, &QProcess::finished, this, &Executor::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, &Executor::onErrorOccurred);
    m_process->start();
}

void Executor::stop(const QString &reason)
{
    if (!m_running || !m_process)
        return;
    beginTermination(RunState::Cancelled, reason);
}

void Executor::onStarted()
{
    m_pgid = m_process->processId();
    m_outcome.startedMs = m_clock->nowMs();
    qCInfo(lcExecutor) << "run" << m_spec.runId.value() << "attempt" << m_spec.attempt
                       << "started, pid" << m_pgid;
    if (m_spec.timeoutMs > 0 && !m_terminating)
        m_timeoutTimer.start(static_cast<int>(std::min<qint64>(m_spec.timeoutMs, INT_MAX)));
    emit started(m_pgid);
}

void Executor::beginTermination(RunState state, const QString &reason)
{
    if (m_terminating || m_done)
        return;
    m_terminating = true;
    m_outcome.state = state;
    m_outcome.reason = reason;
    m_timeoutTimer.stop();
    qCInfo(lcExecutor) << "run" << m_spec.runId.value() << "terminating:" << reason;
    signalGroup(SIGTERM);
    m_killTimer.start(static_cast<int>(std::clamp<qint64>(m_spec.killGraceMs, 0, INT_MAX)));
}

void Executor::signalGroup(int signal)
{
    if (!m_process)
        return;
    const qint64 pid = m_pgid > 0 ? m_pgid : m_process->processId();
    if (pid <= 0)
        return;
    if (::kill(-static_cast<pid_t>(pid), signal) == 0)
        return;
    // Before the child's setsid() the group does not exist yet: signal the child itself.
    if (errno == ESRCH && m_process->state() != QProcess::NotRunning)
        ::kill(static_cast<pid_t>(pid), signal);
}

void Executor::onReadyRead(Stream stream)
{
    if (!m_process)
        return;
    const QByteArray data = stream == Stream::Stdout ? m_process->readAllStandardOutput()
                                                     : m_process->readAllStandardError();
    if (!data.isEmpty())
        deliver(stream, data);
}

void Executor::deliver(Stream stream, const QByteArray &data)
{
    const auto size = static_cast<quint64>(data.size());
    (stream == Stream::Stdout ? m_outcome.stdoutBytes : m_outcome.stderrBytes) += size;
    if (m_outcome.truncated)
        return;  // keep draining the pipe, drop the bytes

    qsizetype keep = data.size();
    const bool limited = m_spec.outputLimitBytes > 0;
    const auto limit = static_cast<quint64>(std::max<qint64>(m_spec.outputLimitBytes, 0));
    if (limited && m_delivered + size > limit)
        keep = static_cast<qsizetype>(limit - m_delivered);

    for (qsizetype pos = 0; pos < keep; pos += kMaxChunkBytes) {
        const qsizetype n = std::min<qsizetype>(kMaxChunkBytes, keep - pos);
        emit output(stream, m_seq++, data.mid(pos, n));
    }
    m_delivered += static_cast<quint64>(keep);

    if (keep < data.size()) {
        m_outcome.truncated = true;
        emit output(stream, m_seq++,
                    "\n[orrery: output truncated after " + QByteArray::number(limit) + " bytes]\n");
    }
}

void Executor::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    m_timeoutTimer.stop();
    m_killTimer.stop();
    onReadyRead(Stream::Stdout);
    onReadyRead(Stream::Stderr);
    // The shell is gone: whatever is left of its group (background children holding the
    // pipe, children ignoring SIGTERM) goes too, so we never wait for their EOF.
    signalGroup(SIGKILL);

    if (status == QProcess::CrashExit && m_direct && !m_terminating) {
        // What /bin/sh -c reports for a command killed by a signal: exit status 128 + signal.
        status = QProcess::NormalExit;
        exitCode += 128;
    }
    if (status == QProcess::NormalExit) {
        m_outcome.exitCode = exitCode;
        m_outcome.signal = 0;
    } else {
        m_outcome.exitCode = -1;
        m_outcome.signal = exitCode;  // QProcess reports the terminating signal here
    }
    if (!m_terminating) {
        if (status == QProcess::NormalExit && exitCode == 0) {
            m_outcome.state = RunState::Success;
            m_outcome.reason.clear();
        } else {
            m_outcome.state = RunState::Failed;
            m_outcome.reason = status == QProcess::NormalExit
                                       ? u"exited with code %1"_s.arg(exitCode)
                                       : u"killed by signal %1"_s.arg(exitCode);
        }
    }
    finish();
}

void Executor::onErrorOccurred(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return;  // the others are followed by finished()
    m_outcome.state = RunState::Failed;
    m_outcome.reason = u"cannot start %1: %2"_s.arg(m_process->program(), m_process->errorString());
    finish();
}

void Executor::finish()
{
    if (m_done)
        return;
    m_done = true;
    m_running = false;
    m_timeoutTimer.stop();
    m_killTimer.stop();
    m_outcome.finishedMs = m_clock->nowMs();
    qCInfo(lcExecutor) << "run" << m_spec.runId.value() << "attempt" << m_spec.attempt
                       << "finished:" << runStateName(m_outcome.state) << m_outcome.reason;
    emit finished(m_outcome);
}

}  // namespace Orrery::Agent

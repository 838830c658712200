#include "executor.h"

#include "childprocess.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <algorithm>
#include <climits>

#include <csignal>

#include <unistd.h>

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
                           << m_spec.killGraceMs << "ms grace; sending SIGKILL to its group";
        signalGroup(SIGKILL);
    });
}

Executor::~Executor()
{
    if (!m_child)
        return;
    m_child->disconnect(this);
    delete m_child;  // a child still running is killed with its group and reaped
    m_child = nullptr;
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
    if (!m_spec.check.isEmpty() && !m_checkPassed)
        return startCheck();
    m_running = true;

    if (const QString problem = checkWorkingDirectory(m_spec.workingDirectory);
        !problem.isEmpty()) {
        m_outcome.state = RunState::Failed;
        m_outcome.reason = problem;
        // Reported from the event loop, so a caller may delete us in its finished() slot.
        QMetaObject::invokeMethod(this, &Executor::finish, Qt::QueuedConnection);
        return;
    }

    const QStringList argv = commandArgv();
    m_child = makeChild();
    const QProcessEnvironment env
            = environmentFor(m_spec, QProcessEnvironment::systemEnvironment());
    if (const Result<void> started = m_child->start(argv, env, m_spec.workingDirectory); !started) {
        m_outcome.state = RunState::Failed;
        m_outcome.reason = started.error().message;
        QMetaObject::invokeMethod(this, &Executor::finish, Qt::QueuedConnection);
        return;
    }

    m_outcome.startedMs = m_clock->nowMs();
    qCInfo(lcExecutor) << "run" << m_spec.runId.value() << "attempt" << m_spec.attempt
                       << "started, pid" << m_child->pid();
    if (m_spec.timeoutMs > 0)
        m_timeoutTimer.start(static_cast<int>(std::min<qint64>(m_spec.timeoutMs, INT_MAX)));
    emit started(m_child->pid());
}

QStringList Executor::commandArgv()
{
    if (std::optional<QStringList> words = plainCommand(m_spec.command)) {
        m_direct = true;
        return std::move(*words);
    }
    return QStringList{u"/bin/sh"_s, u"-c"_s, m_spec.command};
}

ChildProcess *Executor::makeChild()
{
    auto *child = new ChildProcess(this);
    connect(child, &ChildProcess::output, this,
            [this](ChildProcess::Channel channel, const QByteArray &data) {
                const bool out = channel == ChildProcess::Channel::Stdout;
                deliver(out ? Stream::Stdout : Stream::Stderr, data);
            });
    connect(child, &ChildProcess::exited, this, &Executor::onChildExited);
    return child;
}

bool Executor::prepare(const QString &launcher)
{
    if (m_running || m_done || m_prepared || !m_spec.check.isEmpty()
        || !checkWorkingDirectory(m_spec.workingDirectory).isEmpty())
        return false;
    const QStringList argv = commandArgv();
    m_child = makeChild();
    connect(m_child, &ChildProcess::launched, this, &Executor::onLaunched);
    const QProcessEnvironment env
            = environmentFor(m_spec, QProcessEnvironment::systemEnvironment());
    if (const Result<void> prepared
        = m_child->prepare(launcher, argv, env, m_spec.workingDirectory);
        !prepared) {
        qCWarning(lcExecutor) << "run" << m_spec.runId.value()
                              << "not prepared:" << prepared.error().message;
        delete m_child;
        m_child = nullptr;
        m_direct = false;
        return false;
    }
    m_prepared = true;
    return true;
}

void Executor::go()
{
    if (!m_prepared)
        return start();
    if (m_gone || m_done || m_terminating)
        return;
    m_gone = true;
    m_running = true;
    if (!m_child->go())
        qCWarning(lcExecutor) << "run" << m_spec.runId.value() << "launcher gone before go";
}

void Executor::onLaunched(qint64 execMs)
{
    if (m_done)
        return;
    m_outcome.startedMs = execMs;
    qCInfo(lcExecutor) << "run" << m_spec.runId.value() << "attempt" << m_spec.attempt
                       << "started (prepared), pid" << m_child->pid();
    if (m_spec.timeoutMs > 0) {
        const qint64 left = m_spec.timeoutMs - std::max<qint64>(m_clock->nowMs() - execMs, 0);
        m_timeoutTimer.start(static_cast<int>(std::clamp<qint64>(left, 0, INT_MAX)));
    }
    emit started(m_child->pid());
}

void Executor::stop(const QString &reason)
{
    if (m_check)
        return m_check->stop(reason);
    if (m_prepared && !m_gone && !m_terminating && !m_done) {
        m_terminating = true;
        m_outcome.state = RunState::Cancelled;
        m_outcome.reason = reason;
        m_child->cancel();  // the launcher exits; onChildExited() ends the run
        m_killTimer.start(static_cast<int>(std::clamp<qint64>(m_spec.killGraceMs, 0, INT_MAX)));
        return;
    }
    if (!m_running || !m_child || !m_child->isRunning())
        return;
    beginTermination(RunState::Cancelled, reason);
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
    if (m_child)
        m_child->signalGroup(signal);
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

void Executor::onChildExited(int exitCode, int signal)
{
    m_timeoutTimer.stop();
    m_killTimer.stop();
    // The shell is gone: whatever is left of its group (background children holding the
    // pipe, children ignoring SIGTERM) goes too, so we never wait for their EOF.
    signalGroup(SIGKILL);

    if (m_prepared && m_outcome.startedMs == 0) {
        // The launcher ended without exec'ing the command: cancelled before its go, or it
        // could not report (then the run failed).
        if (!m_terminating) {
            m_outcome.state = RunState::Failed;
            m_outcome.reason
                    = u"the launcher ended before the command started (exit %1, signal %2)"_s
                              .arg(exitCode)
                              .arg(signal);
        }
        m_outcome.exitCode = -1;
        m_outcome.signal = 0;
        return finish();
    }
    if (signal > 0 && m_direct && !m_terminating) {
        // What /bin/sh -c reports for a command killed by a signal: exit status 128 + signal.
        exitCode = 128 + signal;
        signal = 0;
    }
    m_outcome.exitCode = exitCode;
    m_outcome.signal = signal;
    if (!m_terminating) {
        if (signal == 0 && exitCode == 0) {
            m_outcome.state = RunState::Success;
            m_outcome.reason.clear();
        } else {
            m_outcome.state = RunState::Failed;
            m_outcome.reason = signal == 0 ? u"exited with code %1"_s.arg(exitCode)
                                           : u"killed by signal %1"_s.arg(signal);
        }
    }
    finish();
}

void Executor::startCheck()
{
    m_running = true;
    RunSpec spec = m_spec;
    spec.command = m_spec.check;
    spec.check.clear();
    spec.timeoutMs = m_spec.checkTimeoutMs;
    spec.outputLimitBytes = 0;  // deliver() applies the run's limit to both
    m_check = new Executor(std::move(spec), *m_clock, this);
    connect(m_check, &Executor::started, this, [this](qint64 pid) {
        m_outcome.startedMs = m_clock->nowMs();
        emit started(pid);
        deliver(Stream::Stdout, "[orrery: check " + m_spec.check.toUtf8() + "]\n");
    });
    connect(m_check, &Executor::output, this,
            [this](Stream stream, quint64, const QByteArray &chunk) { deliver(stream, chunk); });
    connect(m_check, &Executor::finished, this, &Executor::onCheckFinished);
    m_check->start();
}

void Executor::onCheckFinished(const RunOutcome &check)
{
    m_check->deleteLater();
    m_check = nullptr;
    m_running = false;
    QString shown = m_spec.check.simplified();
    if (shown.size() > 80)
        shown = shown.left(79) + u'…';
    if (check.state == RunState::Success) {
        qCInfo(lcExecutor) << "run" << m_spec.runId.value() << "check passed";
        deliver(Stream::Stdout, "[orrery: check passed, running the command]\n");
        m_checkPassed = true;
        start();
        return;
    }
    m_outcome.exitCode = -1;
    m_outcome.signal = 0;
    if (check.state == RunState::Cancelled || check.startedMs == 0) {
        // Stopped while checking, or the check could not start (bad working directory): the
        // run did not decide to skip itself.
        const bool stopped = check.state == RunState::Cancelled;
        m_outcome.state = stopped ? RunState::Cancelled : RunState::Failed;
        m_outcome.reason = u"check `%1`: %2"_s.arg(shown, check.reason);
    } else {
        m_outcome.state = RunState::Skipped;
        if (check.state == RunState::TimedOut)
            m_outcome.reason = u"check `%1` timed out after %2 s"_s.arg(shown).arg(
                    double(m_spec.checkTimeoutMs) / 1000.0);
        else if (check.exitCode >= 0)
            m_outcome.reason = u"check `%1` exited %2"_s.arg(shown).arg(check.exitCode);
        else
            m_outcome.reason = u"check `%1` killed by signal %2"_s.arg(shown).arg(check.signal);
        deliver(Stream::Stdout, "[orrery: " + m_outcome.reason.toUtf8() + ": run skipped]\n");
    }
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

#include "agentservice.h"

#include "executor.h"
#include "runmessages.h"

#include <net/channel.h>
#include <net/tls.h>
#include <net/wssclient.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSysInfo>

#include <algorithm>
#include <climits>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Agent {

static Q_LOGGING_CATEGORY(lcAgent, "orrery.agent.service", QtInfoMsg)

        // How many acknowledged attempts are remembered to refuse a late duplicate dispatch.
        static constexpr qsizetype kAckedMemory = 4096;

static QString runName(RunId runId, int attempt)
{
    return u"%1/%2"_s.arg(runId.toString()).arg(attempt);
}

AgentService::AgentService(AgentConfig config, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_clock(&clock)
    , m_effectiveUid(static_cast<uint>(::geteuid()))
    , m_random(std::random_device{}())
{
    m_heartbeatTimer.setInterval(
            static_cast<int>(std::clamp<qint64>(m_config.heartbeatIntervalMs, 1, INT_MAX)));
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &AgentService::sendHeartbeat);
    if (QCoreApplication::instance()) {
        const QString launcher = QCoreApplication::applicationDirPath() + u"/orrery-launch"_s;
        if (QFileInfo(launcher).isExecutable())
            m_launcher = launcher;
    }
    m_refusalTimer.setSingleShot(true);
    connect(&m_refusalTimer, &QTimer::timeout, this, [this] {
        if (m_client && !m_shuttingDown)
            m_client->start();
    });
    m_refusalBackoff.initialMs = m_config.reconnectMinMs;
    m_refusalBackoff.maxMs = m_config.reconnectMaxMs;
}

AgentService::~AgentService()
{
    // Executors are children: their destructors kill what still runs. Their finished() must
    // not reach us half-destroyed.
    for (Executor *executor : std::as_const(m_executors))
        executor->disconnect(this);
    if (m_client)
        m_client->disconnect(this);
}

Result<void> AgentService::start()
{
    if (m_started)
        return makeError(ErrorCode::Conflict, u"the agent service was started twice"_s);

    if (const Result<void> allowed
        = Executor::checkRunAsAllowed(m_effectiveUid, m_config.allowRoot);
        !allowed) {
        Error e = allowed.error();
        e.file = u"allow_root"_s;
        return e;
    }

    const QDir dataDir(m_config.dataDir);
    if (!dataDir.mkpath(u"."_s)) {
        Error e = makeError(ErrorCode::Io, u"cannot create the data directory"_s);
        e.file = m_config.dataDir;
        return e;
    }
    QFile::setPermissions(m_config.dataDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    Result<ResultSpool> spool = ResultSpool::open(m_config.spoolDir());
    if (!spool)
        return spool.error();
    m_spool.emplace(std::move(*spool));
    const ResultSpool::Pending pending = m_spool->pending();
    for (const Error &error : pending.errors)
        qCWarning(lcAgent).noquote() << "unreadable spooled result set aside:" << error.toString();
    for (const RunOutcome &outcome : pending.results)
        m_unacked.insert({outcome.runId, outcome.attempt}, outcome);

    QFile credential(m_config.credentialPath());
    if (credential.exists()) {
        if (!credential.open(QIODevice::ReadOnly)) {
            Error e = makeError(ErrorCode::Io,
                                u"cannot read the credential: %1"_s.arg(credential.errorString()));
            e.file = credential.fileName();
            return e;
        }
        m_credential = QString::fromUtf8(credential.read(64 * 1024)).trimmed();
    }
    if (m_credential.isEmpty() && m_config.enrolToken.isEmpty()) {
        Error e = makeError(ErrorCode::MissingField,
                            u"this agent is not enrolled yet (no %1): give it a one-time "
                            u"enrolment token with enrol_token or enrol_token_file"_s.arg(
                                    m_config.credentialPath()));
        e.file = u"enrol_token"_s;
        return e;
    }

    const Result<QSslConfiguration> tls = Net::clientTlsConfiguration(
            {m_config.caFile, m_config.clientCertFile, m_config.clientKeyFile});
    if (!tls)
        return tls.error();
    if (const Result<void> urls = Net::WssClient::checkUrls(m_config.masterUrls); !urls)
        return urls.error();

    Net::Backoff backoff;
    backoff.initialMs = m_config.reconnectMinMs;
    backoff.maxMs = m_config.reconnectMaxMs;
    m_client = new Net::WssClient(m_config.masterUrls, *tls, Net::ChannelOptions{}, backoff, this);
    connect(m_client, &Net::WssClient::connected, this, &AgentService::onConnected);
    connect(m_client, &Net::WssClient::disconnected, this, &AgentService::onDisconnected);
    connect(m_client, &Net::WssClient::attemptFailed, this,
            [](const QUrl &url, const QString &error, qint64 delayMs) {
                qCWarning(lcAgent).noquote() << "cannot connect to" << url.toDisplayString() << "-"
                                             << error << "- next attempt in" << delayMs << "ms";
            });
    m_started = true;
    qCInfo(lcAgent).noquote() << "agent" << m_config.nodeName << "starting; max_parallel"
                              << m_config.maxParallel << "; spooled results" << m_unacked.size()
                              << (m_credential.isEmpty() ? "; not enrolled yet" : "");
    if (m_launcher.isEmpty())
        qCInfo(lcAgent) << "no orrery-launch next to the agent: held runs are spawned at their "
                           "start time, not prepared before it";
    m_client->start();
    return {};
}

void AgentService::shutdown(const QString &reason)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_refusalTimer.stop();
    qCInfo(lcAgent).noquote() << "shutting down (" << reason << "); cancelling"
                              << m_executors.size() << "running run(s) and" << m_held.size()
                              << "held run(s)";
    for (Executor *executor : std::as_const(m_executors))
        executor->stop(reason);
    const QList<Key> held = m_held.keys();
    for (const Key &key : held)
        cancelHeld(key, reason);
    QMetaObject::invokeMethod(this, &AgentService::finishShutdownIfIdle, Qt::QueuedConnection);
}

void AgentService::finishShutdownIfIdle()
{
    if (!m_shuttingDown || m_stoppedEmitted || !m_executors.isEmpty() || !m_finished.isEmpty())
        return;
    m_stoppedEmitted = true;
    m_heartbeatTimer.stop();
    if (m_client)
        m_client->stop();
    emit stopped();
}

// ---- connection -----------------------------------------------------------------------------

void AgentService::onConnected(Net::Channel *channel)
{
    m_channel = channel;
    m_welcomed = false;
    qCInfo(lcAgent).noquote() << "connected to" << channel->peer();
    connect(channel, &Net::Channel::received, this, &AgentService::onMessage);
    connect(channel, &Net::Channel::refused, this, [](const Error &error) {
        qCWarning(lcAgent).noquote() << "refused a message from the master:" << error.toString();
    });
    if (m_credential.isEmpty())
        sendEnrol();
    else
        sendHello();
}

void AgentService::onDisconnected(const QString &reason)
{
    m_channel = nullptr;
    m_welcomed = false;
    m_heartbeatTimer.stop();
    if (m_shuttingDown) {
        qCInfo(lcAgent).noquote() << "disconnected from the master:" << reason;
        return;
    }
    qCWarning(lcAgent).noquote() << "disconnected from the master:" << reason << "-"
                                 << m_executors.size() << "run(s) keep going";
}

template<typename Body>
bool AgentService::sendWelcomed(const Body &body)
{
    if (!m_channel || !m_welcomed)
        return false;
    return !m_channel->send(body).isEmpty();
}

void AgentService::sendEnrol()
{
    Protocol::EnrolBody body;
    body.token = m_config.enrolToken;
    body.nodeName = m_config.nodeName;
    body.hostname = QSysInfo::machineHostName().left(255);
    if (body.hostname.isEmpty())
        body.hostname = m_config.nodeName;
    qCInfo(lcAgent).noquote() << "enrolling as" << body.nodeName;
    m_channel->send(body);
}

void AgentService::sendHello()
{
    Protocol::HelloBody body;
    body.nodeName = m_config.nodeName;
    body.agentVersion = QStringLiteral(ORRERY_VERSION);
    body.labels = m_config.labels;
    body.maxParallel = m_config.maxParallel;
    for (auto it = m_executors.cbegin(); it != m_executors.cend(); ++it)
        body.running.append({it.key().runId, it.key().attempt});
    for (auto it = m_held.cbegin(); it != m_held.cend(); ++it)
        body.running.append({it.key().runId, it.key().attempt});
    body.spooledResults = m_unacked.size() + m_finished.size();
    body.credential = m_credential;
    // Executor runs RunSpec::check; onDispatch() holds a run until its start_at_ms.
    body.capabilities = {Protocol::checkCapability(), Protocol::startAtCapability()};
    m_channel->send(body);
}

void AgentService::onMessage(const Protocol::Envelope &message)
{
    using namespace Protocol;
    auto typed = [&](auto tag, auto handler) {
        using Body = decltype(tag);
        const Result<Body> body = bodyOf<Body>(message);
        if (!body) {
            if (m_channel)
                m_channel->sendError(body.error(), message.id);
            return;
        }
        handler(*body);
    };
    if (message.type == ErrorBody::type()) {
        typed(ErrorBody{}, [&](const ErrorBody &b) { onErrorReply(message, b); });
    } else if (message.type == EnrolledBody::type()) {
        typed(EnrolledBody{}, [&](const EnrolledBody &b) { onEnrolled(b); });
    } else if (message.type == WelcomeBody::type()) {
        typed(WelcomeBody{}, [&](const WelcomeBody &b) { onWelcome(b); });
    } else if (message.type == RunDispatchBody::type()) {
        typed(RunDispatchBody{}, [&](const RunDispatchBody &b) { onDispatch(message, b); });
    } else if (message.type == RunStopBody::type()) {
        typed(RunStopBody{}, [&](const RunStopBody &b) { onStop(message, b); });
    } else if (message.type == AckBody::type()) {
        typed(AckBody{}, [&](const AckBody &b) { onAck(b); });
    } else {
        refuse(message, ErrorCode::UnknownType,
               u"'%1' is not a message a master sends to an agent"_s.arg(message.type));
    }
}

void AgentService::refuse(const Protocol::Envelope &message, ErrorCode code, const QString &text)
{
    qCInfo(lcAgent).noquote() << "refusing" << message.type << message.id << "-" << text;
    if (m_channel)
        m_channel->sendError(makeError(code, text), message.id);
}

Result<void> AgentService::storeCredential(const QString &credential)
{
    QSaveFile file(m_config.credentialPath());
    auto failed = [&](const QString &what) {
        Error e = makeError(ErrorCode::Io,
                            u"cannot store the credential: %1: %2"_s.arg(what, file.errorString()));
        e.file = m_config.credentialPath();
        return e;
    };
    if (!file.open(QIODevice::WriteOnly))
        return failed(u"open"_s);
    // The temporary file gets the mode before the secret is in it; commit() renames it.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return failed(u"chmod 0600"_s);
    const QByteArray data = credential.toUtf8() + '\n';
    if (file.write(data) != data.size())
        return failed(u"write"_s);
    if (!file.commit())
        return failed(u"commit"_s);
    return {};
}

void AgentService::onEnrolled(const Protocol::EnrolledBody &body)
{
    if (!m_credential.isEmpty()) {
        qCWarning(lcAgent) << "unexpected 'enrolled' from the master: already enrolled; ignored";
        return;
    }
    if (const Result<void> stored = storeCredential(body.credential); !stored) {
        // Without the credential on disk the next start could not prove who it is: give up
        // this connection; the next one tries again.
        qCCritical(lcAgent).noquote() << stored.error().toString();
        if (m_channel)
            m_channel->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection,
                             u"agent cannot store its credential"_s);
        return;
    }
    m_credential = body.credential;
    m_nodeId = body.nodeId;
    qCInfo(lcAgent) << "enrolled as node" << body.nodeId.value() << "; credential stored in"
                    << m_config.credentialPath();
    emit enrolled(body.nodeId);
    if (m_channel)
        sendHello();
}

void AgentService::onWelcome(const Protocol::WelcomeBody &body)
{
    m_welcomed = true;
    m_refusals = 0;
    m_nodeId = body.nodeId;
    const qint64 interval = body.heartbeatIntervalMs > 0 ? body.heartbeatIntervalMs
                                                         : m_config.heartbeatIntervalMs;
    m_heartbeatTimer.setInterval(static_cast<int>(std::clamp<qint64>(interval, 1, INT_MAX)));
    m_heartbeatTimer.start();
    qCInfo(lcAgent) << "welcomed as node" << body.nodeId.value() << "; heartbeat every" << interval
                    << "ms; clock skew" << (m_clock->nowMs() - body.serverTimeMs) << "ms";
    emit welcomed(body.nodeId);
    sendHeartbeat();
    resendSpooled();
}

void AgentService::sendHeartbeat()
{
    Protocol::HeartbeatBody body;
    if (const Result<ResourceSample> sample = m_probe.sample(); sample) {
        body.cpuPercent = std::clamp(sample->cpuPercent, 0.0, 100.0);
        body.freeMemoryBytes = std::max<qint64>(sample->memAvailableBytes, 0);
        body.load1 = std::max(sample->load1, 0.0);
    } else {
        qCDebug(lcAgent).noquote() << "resource probe:" << sample.error().toString();
    }
    body.running = static_cast<int>(m_executors.size() + m_held.size());
    body.clockMs = m_clock->nowMs();
    sendWelcomed(body);
}

void AgentService::resendSpooled()
{
    if (!m_spool)
        return;
    const ResultSpool::Pending pending = m_spool->pending();
    for (const Error &error : pending.errors)
        qCWarning(lcAgent).noquote() << "unreadable spooled result set aside:" << error.toString();
    if (!pending.results.isEmpty())
        qCInfo(lcAgent) << "re-sending" << pending.results.size() << "spooled result(s)";
    for (const RunOutcome &outcome : pending.results) {
        m_unacked.insert({outcome.runId, outcome.attempt}, outcome);
        sendResult(outcome);
    }
}

void AgentService::sendResult(const RunOutcome &outcome)
{
    sendWelcomed(toRunResultBody(outcome));
}

// ---- runs -----------------------------------------------------------------------------------

void AgentService::onDispatch(const Protocol::Envelope &message,
                              const Protocol::RunDispatchBody &body)
{
    const Key key{body.runId, body.attempt};
    const QString name = runName(body.runId, body.attempt);
    if (const auto held = m_held.constFind(key); held != m_held.cend()) {
        // The master's word after hello that the held run is still this agent's.
        if (held->due) {
            qCInfo(lcAgent).noquote() << "held run" << name << "confirmed by the master, starts";
            startHeld(key);
        } else {
            qCDebug(lcAgent).noquote() << "held run" << name << "confirmed by the master";
        }
        return;
    }
    if (m_executors.contains(key)) {
        refuse(message, ErrorCode::Conflict, u"run %1 is already running here"_s.arg(name));
        return;
    }
    if (endedUnspooled(key)) {
        qCInfo(lcAgent).noquote() << "run" << name
                                  << "dispatched again as it ended; its result follows";
        return;
    }
    if (const auto it = m_unacked.constFind(key); it != m_unacked.constEnd()) {
        qCInfo(lcAgent).noquote() << "run" << name
                                  << "dispatched again after it finished; re-sending its result";
        sendResult(*it);
        return;
    }
    if (m_acked.contains(key)) {
        refuse(message, ErrorCode::Conflict,
               u"run %1 already finished here and its result was acknowledged"_s.arg(name));
        return;
    }
    if (m_shuttingDown) {
        refuse(message, ErrorCode::Conflict, u"the agent is shutting down"_s);
        return;
    }
    if (m_executors.size() + m_held.size() >= m_config.maxParallel) {
        refuse(message, ErrorCode::Conflict,
               u"the agent is running %1 run(s), its max_parallel"_s.arg(m_config.maxParallel));
        return;
    }

    const RunSpec spec = toRunSpec(body, m_config.killGraceMs);
    const qint64 waitMs = body.startAtMs - m_clock->nowMs();
    if (body.startAtMs > 0 && waitMs > 0) {
        qCInfo(lcAgent).noquote() << "run" << name << "of job" << body.job
                                  << "dispatched, held until" << body.startAtMs << "(in" << waitMs
                                  << "ms)";
        m_held.insert(key, Held{spec, body.job, body.startAtMs});
        Instant &instant = m_instants[body.startAtMs];
        if (!instant.timer) {
            instant.timer = new QTimer(this);
            instant.timer->setSingleShot(true);
            instant.timer->setTimerType(Qt::PreciseTimer);
            const qint64 at = body.startAtMs;
            connect(instant.timer, &QTimer::timeout, this, [this, at] { onInstant(at); });
            instant.preparing = waitMs > kPrepareLeadMs;
            instant.timer->start(static_cast<int>(std::min<qint64>(
                    instant.preparing ? waitMs - kPrepareLeadMs : waitMs, INT_MAX)));
        }
        if (!instant.preparing)
            prepareHeld(key);
        emit runHeld(body.runId, body.attempt, body.startAtMs);
        return;
    }
    qCInfo(lcAgent).noquote() << "run" << name << "of job" << body.job << "dispatched";
    startRun(spec);
}

QList<AgentService::Key> AgentService::heldAt(qint64 startAtMs) const
{
    QList<Key> keys;
    for (auto it = m_held.cbegin(); it != m_held.cend(); ++it) {
        if (it->startAtMs == startAtMs)
            keys.append(it.key());
    }
    return keys;
}

void AgentService::onInstant(qint64 startAtMs)
{
    const auto instant = m_instants.find(startAtMs);
    if (instant == m_instants.end())
        return;
    if (instant->preparing) {
        // kPrepareLeadMs before: every run due then gets its launcher now, then the go.
        for (const Key &key : heldAt(startAtMs))
            prepareHeld(key);
        instant->preparing = false;
        instant->timer->start(
                static_cast<int>(std::clamp<qint64>(startAtMs - m_clock->nowMs(), 0, INT_MAX)));
        return;
    }
    instant->timer->deleteLater();
    m_instants.erase(instant);
    // The prepared ones first: each go is a byte in a pipe; an unprepared one is a spawn.
    QList<Key> keys = heldAt(startAtMs);
    std::stable_partition(keys.begin(), keys.end(),
                          [this](const Key &key) { return m_held.value(key).prepared; });
    for (const Key &key : std::as_const(keys))
        startHeld(key);
}

void AgentService::prepareHeld(const Key &key)
{
    const auto it = m_held.find(key);
    if (it == m_held.end() || it->prepared || m_launcher.isEmpty())
        return;
    Executor *executor = makeExecutor(it->spec);
    if (executor->prepare(m_launcher))
        it->prepared = executor;
    else
        delete executor;  // started through start() at its time
}

void AgentService::startHeld(const Key &key)
{
    const auto it = m_held.find(key);
    if (it == m_held.end())
        return;
    if (!m_welcomed) {
        // The master may have given the run to another node meanwhile (a restart forgets
        // where it was held): it starts only when the master, after the next hello, sends it
        // again (run.stop cancels it).
        it->due = true;
        qCInfo(lcAgent).noquote() << "held run" << runName(key.runId, key.attempt)
                                  << "not started: the master is away at its start time";
        return;
    }
    const Held held = *it;
    m_held.erase(it);
    if (held.prepared) {
        m_executors.insert(key, held.prepared);
        held.prepared->go();
        return;
    }
    qCDebug(lcAgent).noquote() << "held run" << runName(key.runId, key.attempt) << "of job"
                               << held.job << "starts";
    startRun(held.spec);
}

void AgentService::cancelHeld(const Key &key, const QString &reason)
{
    const auto it = m_held.find(key);
    if (it == m_held.end())
        return;
    const Held held = *it;
    m_held.erase(it);
    qCInfo(lcAgent).noquote() << "held run" << runName(key.runId, key.attempt)
                              << "cancelled before its start:" << reason;
    if (held.prepared) {
        // Its launcher exits without running anything; the executor reports it cancelled.
        m_executors.insert(key, held.prepared);
        held.prepared->stop(reason);
        return;
    }
    RunOutcome outcome;
    outcome.runId = key.runId;
    outcome.attempt = key.attempt;
    outcome.state = RunState::Cancelled;
    outcome.exitCode = -1;
    outcome.finishedMs = m_clock->nowMs();  // never started: startedMs stays 0
    outcome.reason = reason;
    queueFinished(outcome);
}

void AgentService::startRun(const RunSpec &runSpec)
{
    Executor *executor = makeExecutor(runSpec);
    m_executors.insert({runSpec.runId, runSpec.attempt}, executor);
    executor->start();
}

Executor *AgentService::makeExecutor(const RunSpec &runSpec)
{
    auto *executor = new Executor(runSpec, *m_clock, this);
    connect(executor, &Executor::started, this, [this, executor](qint64 pid) {
        const RunSpec &spec = executor->spec();
        Protocol::RunStartedBody started;
        started.runId = spec.runId;
        started.attempt = spec.attempt;
        started.pid = pid;
        started.startedAtMs = executor->startedMs();
        sendWelcomed(started);
        emit runStarted(spec.runId, spec.attempt);
    });
    connect(executor, &Executor::output, this,
            [this, executor](Executor::Stream stream, quint64 seq, const QByteArray &chunk) {
                const RunSpec &spec = executor->spec();
                Protocol::RunOutputBody out;
                out.runId = spec.runId;
                out.attempt = spec.attempt;
                out.stream = stream == Executor::Stream::Stdout ? Protocol::OutputStream::Stdout
                                                                : Protocol::OutputStream::Stderr;
                out.seq = static_cast<qint64>(seq);
                out.data = chunk;
                out.truncated = executor->isOutputTruncated();
                sendWelcomed(out);
            });
    connect(executor, &Executor::finished, this,
            [this, executor](const RunOutcome &outcome) { onRunFinished(executor, outcome); });
    return executor;
}

void AgentService::onRunFinished(Executor *executor, const RunOutcome &outcome)
{
    const Key key{outcome.runId, outcome.attempt};
    m_executors.remove(key);
    if (const auto held = m_held.find(key); held != m_held.end() && held->prepared == executor)
        m_held.erase(held);  // its launcher died before the go (reported failed)
    executor->deleteLater();
    queueFinished(outcome);
}

void AgentService::queueFinished(const RunOutcome &outcome)
{
    // Runs that end in the same event-loop turn share one spool file and one disk flush.
    if (m_finished.isEmpty())
        QMetaObject::invokeMethod(this, &AgentService::spoolFinished, Qt::QueuedConnection);
    m_finished.append(outcome);
}

bool AgentService::endedUnspooled(const Key &key) const
{
    return std::any_of(m_finished.cbegin(), m_finished.cend(), [&](const RunOutcome &o) {
        return o.runId == key.runId && o.attempt == key.attempt;
    });
}

void AgentService::spoolFinished()
{
    const QList<RunOutcome> finished = std::exchange(m_finished, {});
    if (finished.isEmpty())
        return;
    // On disk first: once this returns, a crash or a lost connection cannot lose the results.
    if (const Result<void> stored = m_spool->store(finished); !stored) {
        qCCritical(lcAgent).noquote()
                << "cannot spool the results of" << finished.size()
                << "run(s) - they are sent but would be lost if the master does not get them:"
                << stored.error().toString();
    }
    for (const RunOutcome &outcome : finished) {
        m_unacked.insert({outcome.runId, outcome.attempt}, outcome);
        sendResult(outcome);
        emit runFinished(outcome);
    }
    finishShutdownIfIdle();
}

void AgentService::onStop(const Protocol::Envelope &message, const Protocol::RunStopBody &body)
{
    const Key key{body.runId, body.attempt};
    const QString reason = body.reason.isEmpty() ? u"stopped by the master"_s : body.reason;
    if (Executor *executor = m_executors.value(key)) {
        executor->stop(reason);
        return;
    }
    if (m_held.contains(key)) {
        cancelHeld(key, reason);
        return;
    }
    if (const auto it = m_unacked.constFind(key); it != m_unacked.constEnd()) {
        sendResult(*it);  // it ended already; the master may have missed the result
        return;
    }
    if (endedUnspooled(key))
        return;  // its result follows
    refuse(message, ErrorCode::NotFound,
           u"run %1 is not running here"_s.arg(runName(body.runId, body.attempt)));
}

void AgentService::onAck(const Protocol::AckBody &body)
{
    const Key key{body.runId, body.attempt};
    if (const Result<void> removed = m_spool->acknowledge(body.runId, body.attempt); !removed) {
        qCWarning(lcAgent).noquote()
                << "cannot remove an acknowledged result:" << removed.error().toString();
        return;  // still on disk: it is re-sent, and the master acks it again
    }
    m_unacked.remove(key);
    if (!m_acked.contains(key)) {
        m_acked.append(key);
        if (m_acked.size() > kAckedMemory)
            m_acked.removeFirst();
    }
    emit resultAcknowledged(body.runId, body.attempt);
}

void AgentService::onErrorReply(const Protocol::Envelope &message, const Protocol::ErrorBody &body)
{
    if (body.errorCode() != ErrorCode::Unauthorized) {
        qCWarning(lcAgent).noquote() << "the master refused message" << message.re << ":"
                                     << body.code << body.message << body.field;
        return;
    }
    ++m_refusals;
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    const qint64 delay = m_refusalBackoff.delayMs(m_refusals, draw(m_random));
    qCCritical(lcAgent).noquote()
            << "the master refused this agent's"
            << (m_credential.isEmpty() ? "enrolment token" : "credential") << "(node"
            << m_config.nodeName << "):" << body.message
            << "- an administrator has to fix this on the master (re-enable the node or issue "
               "a new enrolment token); trying again in"
            << delay << "ms";
    emit identityRefused(body.toError(), delay);
    if (m_client)
        m_client->stop();
    m_refusalTimer.start(static_cast<int>(std::clamp<qint64>(delay, 0, INT_MAX)));
}

}  // namespace Orrery::Agent

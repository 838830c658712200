// Agent connections: enrolment, hello and reconciliation, heartbeats and liveness, and the
// run.* reports of the agents.

#include "credential.h"
#include "engineprivate.h"

#include <net/pki.h>
#include <store/store.h>

#include <QCoreApplication>
#include <QSslCertificate>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

using namespace Internal;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

QDateTime fromMs(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()) : QDateTime();
}

Error unauthorized(const QString &message)
{
    return makeError(ErrorCode::Unauthorized, message);
}

}  // namespace

Result<void> Engine::Private::loadNodes()
{
    auto list = store.listNodes();
    if (!list)
        return list.error();
    for (const NodeRecord &record : *list) {
        NodeLive &node = nodes[record.name];
        node.status.record = record;
        node.status.connected = false;
        nodeNames.insert(record.id, record.name);
        if (record.state == NodeState::Online) {
            // Nobody is connected to a master that just started.
            node.status.record.state = NodeState::Offline;
            if (auto r = store.setNodeState(record.name, NodeState::Offline); !r)
                return r;
        }
    }
    return {};
}

qint64 Engine::Private::heartbeatDeadlineMs() const
{
    return options.heartbeatIntervalMs * std::max(1, options.missedHeartbeats);
}

void Engine::attachAgent(Net::Channel *channel)
{
    if (!channel)
        return;
    Session &session = d->sessions[channel];
    session.channel = channel;
    channel->setIdPrefix(u"m"_s);
    connect(channel, &Net::Channel::received, this,
            [this, channel](const Protocol::Envelope &message) { d->onMessage(channel, message); });
    connect(channel, &Net::Channel::closed, this,
            [this, channel](const QString &reason) { d->onClosed(channel, reason); });
    qCDebug(lcAgents, "connection from %s", qPrintable(channel->peer()));
}

void Engine::Private::onMessage(Net::Channel *channel, const Protocol::Envelope &message)
{
    beginWork(true);
    auto it = sessions.find(channel);
    if (it == sessions.end())
        return;
    Session &session = *it;
    if (!session.authenticated) {
        if (message.type == Protocol::EnrolBody::type())
            return handleEnrol(session, message);
        if (message.type == Protocol::HelloBody::type())
            return handleHello(session, message);
        if (message.type == Protocol::ErrorBody::type())
            return;
        channel->sendError(unauthorized(Tr::tr("say hello (or enrol) first")), message.id);
        channel->close(QWebSocketProtocol::CloseCodePolicyViolated, u"unauthorized"_s);
        return;
    }
    auto node = nodes.find(session.node);
    if (node != nodes.end())
        node->lastSeen = clock.now();
    if (message.type == Protocol::HeartbeatBody::type())
        handleHeartbeat(session, message);
    else if (message.type == Protocol::RunStartedBody::type())
        handleStarted(session, message);
    else if (message.type == Protocol::RunOutputBody::type())
        handleOutput(session, message);
    else if (message.type == Protocol::RunResultBody::type())
        handleResult(session, message);
    else if (message.type == Protocol::ErrorBody::type()) {
        auto body = Protocol::bodyOf<Protocol::ErrorBody>(message);
        if (body)
            qCWarning(lcAgents, "node %s refused message %s: %s %s", qPrintable(session.node),
                      qPrintable(message.re), qPrintable(body->code), qPrintable(body->message));
    } else {
        Error e = makeError(ErrorCode::InvalidValue,
                            Tr::tr("'%1' is not expected from an agent now").arg(message.type));
        e.file = u"type"_s;
        channel->sendError(e, message.id);
    }
}

void Engine::Private::refuse(Session &session, const Protocol::Envelope &message,
                             const QString &nodeName, const QString &why)
{
    Net::Channel *channel = session.channel;
    if (!channel)
        return;
    const QString peer = channel->peer();
    qCWarning(lcAgents, "refused %s from %s (node '%s'): %s", qPrintable(message.type),
              qPrintable(peer), qPrintable(nodeName), qPrintable(why));
    audit(Actor{u"agent:"_s + nodeName, peer}, u"agent.refused"_s, nodeName,
          message.type + u": "_s + why);
    // The agent learns only that it was refused, not why.
    channel->sendError(unauthorized(Tr::tr("not authorised")), message.id);
    channel->close(QWebSocketProtocol::CloseCodePolicyViolated, u"unauthorized"_s);
}

QString Engine::Private::certificateProblem(const Session &session, const QString &nodeName) const
{
    if (options.agentCertificateCa.isEmpty())
        return {};
    const Result<void> verified = Net::verifyClientCertificate(
            session.channel->peerCertificateChain(), options.agentCertificateCa);
    if (!verified)
        return verified.error().message;
    const QStringList cn
            = session.channel->peerCertificate().subjectInfo(QSslCertificate::CommonName);
    if (!cn.contains(nodeName))
        return u"certificate name '%1' does not match the node name"_s.arg(cn.join(u", "_s));
    return {};
}

void Engine::Private::handleEnrol(Session &session, const Protocol::Envelope &message)
{
    auto body = Protocol::bodyOf<Protocol::EnrolBody>(message);
    if (!body) {
        session.channel->sendError(body.error(), message.id);
        return;
    }
    if (const QString why = certificateProblem(session, body->nodeName); !why.isEmpty())
        return refuse(session, message, body->nodeName, why);
    auto existing = store.nodeByName(body->nodeName);
    if (existing && existing->state == NodeState::Revoked)
        return refuse(session, message, body->nodeName, u"the node is revoked"_s);
    if (auto token = store.consumeEnrolToken(body->token, body->nodeName); !token)
        return refuse(session, message, body->nodeName, u"invalid enrolment token"_s);

    const QString credential = newCredential();
    NodeRecord record = existing ? *existing : NodeRecord();
    record.name = body->nodeName;
    record.credentialHash = hashCredential(credential);
    record.enrolledAt = clock.now();
    record.state = NodeState::Offline;
    auto stored = store.upsertNode(record);
    if (!stored) {
        qCWarning(lcAgents, "enrolment of '%s' failed: %s", qPrintable(body->nodeName),
                  qPrintable(stored.error().toString()));
        session.channel->sendError(stored.error(), message.id);
        return;
    }
    NodeLive &node = nodes[stored->name];
    node.status.record = *stored;
    nodeNames.insert(stored->id, stored->name);
    audit(Actor{u"agent:"_s + stored->name, session.channel->peer()}, u"node.enrol"_s, stored->name,
          u"hostname=%1"_s.arg(body->hostname));
    Protocol::EnrolledBody reply;
    reply.nodeId = stored->id;
    reply.credential = credential;
    post(session.channel, reply, message.id);
    qCInfo(lcAgents, "node '%s' enrolled from %s", qPrintable(stored->name),
           qPrintable(session.channel->peer()));
    emit q->nodeChanged(stored->name);
}

void Engine::Private::handleHello(Session &session, const Protocol::Envelope &message)
{
    auto body = Protocol::bodyOf<Protocol::HelloBody>(message);
    if (!body) {
        session.channel->sendError(body.error(), message.id);
        return;
    }
    auto it = nodes.find(body->nodeName);
    if (it == nodes.end())
        return refuse(session, message, body->nodeName, u"unknown node"_s);
    NodeLive &node = *it;
    if (node.status.record.state == NodeState::Revoked)
        return refuse(session, message, body->nodeName, u"the node is revoked"_s);
    if (!verifyCredential(body->credential, node.status.record.credentialHash))
        return refuse(session, message, body->nodeName, u"wrong credential"_s);
    if (const QString why = certificateProblem(session, body->nodeName); !why.isEmpty())
        return refuse(session, message, body->nodeName, why);

    Net::Channel *channel = session.channel;
    if (node.channel && node.channel != channel) {
        // The agent reconnected before the old connection was seen to close.
        Net::Channel *old = node.channel;
        sessions.remove(old);
        old->disconnect(q);
        old->close(QWebSocketProtocol::CloseCodeNormal, u"replaced by a new connection"_s);
    }
    session.authenticated = true;
    session.node = body->nodeName;
    const QDateTime now = clock.now();
    node.channel = channel;
    node.lastSeen = now;
    node.disconnectedAt = QDateTime();
    node.skewSamples.clear();  // the agent (and its clock) may have been restarted
    node.status.connected = true;
    node.status.agentVersion = body->agentVersion;
    node.status.maxParallel = body->maxParallel;
    node.runsChecks = body->capabilities.contains(Protocol::checkCapability());
    node.holdsRuns = body->capabilities.contains(Protocol::startAtCapability());
    node.status.peer = channel->peer();
    NodeRecord record = node.status.record;
    record.labels = body->labels;
    record.lastSeenAt = now;
    if (record.state != NodeState::Draining)
        record.state = NodeState::Online;
    if (auto stored = store.upsertNode(record); stored)
        node.status.record = *stored;
    else
        qCWarning(lcAgents, "node '%s': %s", qPrintable(record.name),
                  qPrintable(stored.error().toString()));

    Protocol::WelcomeBody welcome;
    welcome.nodeId = node.status.record.id;
    welcome.heartbeatIntervalMs = options.heartbeatIntervalMs;
    welcome.serverTimeMs = now.toMSecsSinceEpoch();
    post(channel, welcome, message.id);
    qCInfo(lcAgents,
           "node '%s' connected from %s (agent %s, max_parallel %d, %lld running, %lld "
           "spooled)",
           qPrintable(body->nodeName), qPrintable(channel->peer()), qPrintable(body->agentVersion),
           body->maxParallel, qint64(body->running.size()), body->spooledResults);

    // Reconcile: what the agent runs against what the master has there.
    QSet<RunId> listed;
    for (const Protocol::RunRef &ref : std::as_const(body->running)) {
        listed.insert(ref.runId);
        if (auto held = active.find(ref.runId);
            held != active.end() && !held->dispatched && held->attempt == ref.attempt
            && held->state == RunState::Waiting && held->startAtMs > 0) {
            // Pre-dispatched there before the master restarted (which forgot where it sent
            // it): the agent holds it, so it stays there.
            unqueue(*held);
            held->dispatched = true;
            held->dispatchedMs = clock.nowMs();
            held->node = node.status.record.name;
            node.runs.insert(held->id);
            node.status.running = int(node.runs.size());
            if (auto job = jobs.find(held->job); job != jobs.end())
                ++job->dispatched;
            confirmHeld(*held, node);
            continue;
        }
        const auto run = active.constFind(ref.runId);
        if (run == active.cend() || run->attempt != ref.attempt
            || run->node != node.status.record.name) {
            // Ended, or given to another node meanwhile (a master restart forgets where a held
            // run was): the agent cancels it without starting it.
            Protocol::RunStopBody stop;
            stop.runId = ref.runId;
            stop.attempt = ref.attempt;
            stop.reason = u"the master does not expect this run on this node"_s;
            post(channel, stop);
            continue;
        }
        if (run->stopRequested)
            sendStop(*run, u"stop requested while the agent was away"_s);
        else if (run->state == RunState::Waiting)
            confirmHeld(*run, node);
    }
    session.unconfirmed.clear();
    for (RunId id : std::as_const(node.runs)) {
        if (!listed.contains(id))
            session.unconfirmed.insert(id);
    }
    session.spooledLeft = body->spooledResults;
    if (!session.unconfirmed.isEmpty()) {
        if (session.spooledLeft > 0) {
            if (!session.graceTimer) {
                session.graceTimer = new QTimer(channel);
                session.graceTimer->setSingleShot(true);
                QObject::connect(session.graceTimer, &QTimer::timeout, q,
                                 [this, channel] { finishReconcile(channel); });
            }
            session.graceTimer->start(int(std::min<qint64>(options.reconcileGraceMs, 3600000)));
        } else {
            finishReconcile(channel);
        }
    }
    emit q->nodeChanged(node.status.record.name);
    dispatchPending();
}

void Engine::Private::confirmHeld(const ActiveRun &run, const NodeLive &node)
{
    // An agent that holds runs does not start one whose start time passed while it was away
    // until it hears that it is still its own: the same run.dispatch again (it keeps the
    // run's timer if the time has not come).
    const auto job = jobs.constFind(run.job);
    if (!node.holdsRuns || job == jobs.cend())
        return;
    if (auto it = nodes.find(node.status.record.name); it != nodes.end())
        post(it->channel, dispatchBody(run, *job, *it));
}

void Engine::Private::finishReconcile(Net::Channel *channel)
{
    beginWork(true);
    auto it = sessions.find(channel);
    if (it == sessions.end())
        return;
    const QSet<RunId> missing = std::exchange(it->unconfirmed, {});
    if (it->graceTimer)
        it->graceTimer->stop();
    for (RunId id : missing) {
        const auto run = active.constFind(id);
        if (run == active.cend() || run->node != it->node)
            continue;
        loseRun(id, Tr::tr("node %1 reconnected without it").arg(it->node));
    }
    processPipelines();
    dispatchPending();
}

void Engine::Private::handleHeartbeat(Session &session, const Protocol::Envelope &message)
{
    auto body = Protocol::bodyOf<Protocol::HeartbeatBody>(message);
    if (!body) {
        session.channel->sendError(body.error(), message.id);
        return;
    }
    auto it = nodes.find(session.node);
    if (it == nodes.end())
        return;
    const QDateTime now = clock.now();
    it->status.lastHeartbeat = *body;
    it->status.lastHeartbeatAt = now;
    it->status.clockSkewMs = body->clockMs - now.toMSecsSinceEpoch();
    addClockSkewSample(it->skewSamples, it->status.clockSkewMs);
    emit q->nodeChanged(session.node);
    // New CPU and memory figures may let a resource-aware run go there.
    dispatchPending();
}

void Engine::Private::handleStarted(Session &session, const Protocol::Envelope &message)
{
    auto body = Protocol::bodyOf<Protocol::RunStartedBody>(message);
    if (!body) {
        session.channel->sendError(body.error(), message.id);
        return;
    }
    auto run = active.find(body->runId);
    if (run == active.end() || run->attempt != body->attempt || run->node != session.node
        || run->state != RunState::Waiting)
        return;  // a late or foreign report: the result will settle it
    const NodeId nodeId = nodes.value(session.node).status.record.id;
    const QDateTime at = body->startedAtMs > 0 ? fromMs(body->startedAtMs) : clock.now();
    auto record = store.transition(body->runId, body->attempt, RunState::Running, at, QString(),
                                   nodeId);
    if (!record) {
        qCWarning(lcAgents, "run %lld: start not recorded: %s", body->runId.value(),
                  qPrintable(record.error().toString()));
        return;
    }
    run->state = RunState::Running;
    emit q->runChanged(*record);
}

void Engine::Private::handleOutput(Session &session, const Protocol::Envelope &message)
{
    auto body = Protocol::bodyOf<Protocol::RunOutputBody>(message);
    if (!body) {
        session.channel->sendError(body.error(), message.id);
        return;
    }
    if (reportedByOtherNode(session, body->runId, body->attempt))
        return;
    OutputChunk chunk;
    chunk.attempt = body->attempt;
    chunk.stream = body->stream == Protocol::OutputStream::Stderr ? OutputStream::Stderr
                                                                  : OutputStream::Stdout;
    chunk.seq = body->seq;
    chunk.data = body->data;
    auto outcome = store.appendOutput(body->runId, chunk, options.outputLimitBytes);
    if (!outcome) {
        qCWarning(lcAgents, "run %lld: output not stored: %s", body->runId.value(),
                  qPrintable(outcome.error().toString()));
        return;
    }
    if (outcome->applied)
        emit q->outputAppended(body->runId, chunk);
}

void Engine::Private::handleResult(Session &session, const Protocol::Envelope &message)
{
    auto body = Protocol::bodyOf<Protocol::RunResultBody>(message);
    if (!body) {
        session.channel->sendError(body.error(), message.id);
        return;
    }
    Net::Channel *channel = session.channel;
    if (reportedByOtherNode(session, body->runId, body->attempt)) {
        // Not this node's run (any more): acknowledged so that the agent's spool drops it, and
        // the run, which another node holds now, is left as it is.
        Protocol::AckBody ack;
        ack.runId = body->runId;
        ack.attempt = body->attempt;
        post(channel, ack, message.id);
        return;
    }
    auto outcome = store.recordResult(body->runId, body->attempt, body->state, body->exitCode,
                                      fromMs(body->startedAtMs), fromMs(body->finishedAtMs),
                                      body->reason);
    if (!outcome && outcome.error().code != ErrorCode::NotFound) {
        // Not acknowledged: the agent keeps it in its spool and sends it again.
        qCWarning(lcAgents, "run %lld: result not recorded: %s", body->runId.value(),
                  qPrintable(outcome.error().toString()));
        return;
    }
    if (!outcome)
        qCWarning(lcAgents, "node %s reported a result for unknown run %lld attempt %d",
                  qPrintable(session.node), body->runId.value(), body->attempt);
    else if (outcome->applied) {
        const auto run = active.constFind(body->runId);
        if (run != active.cend() && run->attempt == body->attempt) {
            auto record = store.run(body->runId);
            if (record)
                onAttemptEnded(*record);
        }
    }
    Protocol::AckBody ack;
    ack.runId = body->runId;
    ack.attempt = body->attempt;
    post(channel, ack, message.id);

    session.unconfirmed.remove(body->runId);
    if (session.spooledLeft > 0 && --session.spooledLeft == 0 && !session.unconfirmed.isEmpty()) {
        finishReconcile(channel);  // every spooled result is in: the rest are lost
        return;
    }
    processPipelines();
    dispatchPending();
}

bool Engine::Private::reportedByOtherNode(const Session &session, RunId runId, int attempt) const
{
    const auto run = active.constFind(runId);
    if (run == active.cend() || run->attempt != attempt || !run->dispatched
        || run->node == session.node)
        return false;
    qCWarning(lcAgents, "node %s reported on run %lld attempt %d, which is on node %s: ignored",
              qPrintable(session.node), runId.value(), attempt, qPrintable(run->node));
    return true;
}

void Engine::Private::onClosed(Net::Channel *channel, const QString &reason)
{
    beginWork(true);
    auto it = sessions.find(channel);
    if (it == sessions.end())
        return;
    const QString name = it->node;
    const bool authenticated = it->authenticated;
    sessions.erase(it);
    if (!authenticated) {
        qCInfo(lcAgents, "connection from %s closed before it said hello: %s",
               qPrintable(channel->peer()), qPrintable(reason));
        return;
    }
    auto node = nodes.find(name);
    if (node == nodes.end() || node->channel != channel)
        return;
    node->channel = nullptr;
    node->status.connected = false;
    node->disconnectedAt = clock.now();
    qCInfo(lcAgents, "node '%s' disconnected: %s", qPrintable(name), qPrintable(reason));
    emit q->nodeChanged(name);
}

void Engine::checkNodes()
{
    d->beginWork(false);
    const QDateTime now = d->clock.now();
    const qint64 deadline = d->heartbeatDeadlineMs();
    QStringList offline;
    for (auto it = d->nodes.begin(); it != d->nodes.end(); ++it) {
        NodeLive &node = *it;
        if (node.status.connected) {
            if (node.lastSeen.isValid() && node.lastSeen.msecsTo(now) > deadline)
                offline.append(it.key());
        } else if (node.disconnectedAt.isValid() && node.disconnectedAt.msecsTo(now) > deadline) {
            offline.append(it.key());
        }
    }
    for (const QString &name : std::as_const(offline)) {
        auto it = d->nodes.find(name);
        if (it != d->nodes.end())
            d->setNodeOffline(
                    *it, it->status.connected
                                 ? Tr::tr("missed %1 heartbeats").arg(d->options.missedHeartbeats)
                                 : Tr::tr("did not reconnect in time"));
    }
    if (!offline.isEmpty()) {
        d->processPipelines();
        d->dispatchPending();
    }
    d->observeFleet();
    d->flush();
}

void Engine::Private::setNodeOffline(NodeLive &node, const QString &reason)
{
    const QString name = node.status.record.name;
    qCWarning(lcAgents, "node '%s' is offline: %s", qPrintable(name), qPrintable(reason));
    if (node.channel) {
        Net::Channel *channel = node.channel;
        sessions.remove(channel);
        channel->disconnect(q);
        channel->close(QWebSocketProtocol::CloseCodeGoingAway, u"heartbeat timeout"_s);
    }
    node.channel = nullptr;
    node.status.connected = false;
    node.disconnectedAt = QDateTime();
    if (node.status.record.state == NodeState::Online) {
        node.status.record.state = NodeState::Offline;
        if (auto r = store.setNodeState(name, NodeState::Offline); !r)
            qCWarning(lcAgents, "node '%s': %s", qPrintable(name),
                      qPrintable(r.error().toString()));
    }
    QList<RunId> runs(node.runs.cbegin(), node.runs.cend());
    // The runs of broadcast jobs that belong to this node and wait for it (or for a retry on
    // it) end too: they are not moved to another node.
    for (const ActiveRun &run : std::as_const(active)) {
        if (run.pinnedNode == name && !run.dispatched)
            runs.append(run.id);
    }
    std::sort(runs.begin(), runs.end());
    for (RunId id : std::as_const(runs))
        loseRun(id, Tr::tr("node %1 is offline: %2").arg(name, reason));
    audit(Actor{u"system"_s, QString()}, u"node.offline"_s, name,
          u"%1; %2 run(s) lost"_s.arg(reason).arg(runs.size()));
    emit q->nodeChanged(name);
}

QList<NodeStatus> Engine::nodes() const
{
    QList<NodeStatus> out;
    for (const NodeLive &node : std::as_const(d->nodes))
        out.append(d->nodeStatus(node));
    std::sort(out.begin(), out.end(), [](const NodeStatus &a, const NodeStatus &b) {
        return a.record.name < b.record.name;
    });
    return out;
}

}  // namespace Orrery::Master

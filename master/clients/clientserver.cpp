#include "clientserver.h"

#include <master/engine/engine.h>
#include <master/rest/jsonviews.h>
#include <master/rest/restapi.h>
#include <net/channel.h>
#include <protocol/envelope.h>
#include <protocol/messages.h>
#include <store/store.h>

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

namespace {

// Subscriptions one session may hold at once.
constexpr qsizetype kMaxTopicsPerSession = 1000;
// A slow client closed politely gets this long for the close handshake, then is aborted.
constexpr int kSlowCloseGraceMs = 2000;

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master::ClientServer)
};

}  // namespace

static Q_LOGGING_CATEGORY(lcClients, "orrery.master.clients", QtInfoMsg)

        struct ClientServer::Private
{
    struct Session
    {
        QPointer<Net::Channel> channel;
        QString secret;  // the API token, checked again on every request and subscription
        ApiTokenInfo token;
        QString source;  // peer address for the audit log, as REST writes it
        QSet<QString> topics;
    };

    Private(ClientServer *owner, Engine &e, RestApi &a, const ClientServerOptions &o)
        : q(owner), engine(&e), api(&a), options(o)
    {
    }

    void onFirstMessage(Net::Channel *channel, const Protocol::Envelope &message);
    void authenticate(Net::Channel *channel, const Protocol::Envelope &message);
    void onMessage(Session &session, const Protocol::Envelope &message);
    void onRequest(Session &session, const Protocol::Envelope &message);
    void onSubscribe(Session &session, const Protocol::Envelope &message, bool add);
    // The session's token again (revoked since?); closes the session when it is not valid.
    bool recheck(Session &session, const QString &re);
    void refuse(Net::Channel *channel, const Error &error, const QString &re);
    void audit(const QString &actor, const QString &action, const QString &target,
               const QString &detail, const QString &source);

    // Sends unless the client's unsent data is over the limit, in which case it is dropped.
    bool send(Session &session, const Protocol::Envelope &envelope);
    void publish(const QString &topic, const QString &kind, const QJsonObject &data);
    bool anySubscribed(const QString &topic) const;
    Rest::NodeNames nodeNames() const;

    ClientServer *q;
    QPointer<Engine> engine;
    QPointer<RestApi> api;
    ClientServerOptions options;
    QHash<Net::Channel *, Session> sessions;  // authenticated clients
    QHash<QString, int> subscriberCount;      // topic -> sessions subscribed
};

// ---- connection -----------------------------------------------------------------------------

void ClientServer::Private::onFirstMessage(Net::Channel *channel, const Protocol::Envelope &message)
{
    QObject::disconnect(channel, nullptr, q, nullptr);
    if (message.type != Protocol::AuthBody::type()) {
        // An agent (hello, enrol) or a peer the engine refuses: the engine decides, starting
        // with this message.
        if (!engine)
            return;
        engine->attachAgent(channel);
        emit channel->received(message);
        return;
    }
    authenticate(channel, message);
}

void ClientServer::Private::authenticate(Net::Channel *channel, const Protocol::Envelope &message)
{
    const QString source = channel->socket()->peerAddress().toString();
    const Result<Protocol::AuthBody> body = Protocol::bodyOf<Protocol::AuthBody>(message);
    if (!body)
        return refuse(channel, body.error(), message.id);
    if (!engine || !api)
        return refuse(channel, makeError(ErrorCode::Storage, Tr::tr("the master is stopping")),
                      message.id);
    const Result<ApiTokenInfo> token = engine->store().verifyApiToken(body->token);
    if (!token) {
        if (token.error().code != ErrorCode::Unauthorized)
            return refuse(channel, token.error(), message.id);
        qCInfo(lcClients).noquote() << "client" << channel->peer() << "refused: bad token";
        audit(QString(), u"client.refused"_s, QString(), u"unknown, wrong or revoked token"_s,
              source);
        return refuse(channel,
                      makeError(ErrorCode::Unauthorized,
                                Tr::tr("the token is unknown, wrong or revoked")),
                      message.id);
    }

    Session &session = sessions[channel];
    session.channel = channel;
    session.secret = body->token;
    session.token = *token;
    session.source = source;
    channel->setIdPrefix(u"c"_s);
    QObject::connect(channel, &Net::Channel::received, q,
                     [this, channel](const Protocol::Envelope &m) {
                         auto it = sessions.find(channel);
                         if (it != sessions.end())
                             onMessage(*it, m);
                     });
    QObject::connect(channel, &Net::Channel::closed, q, [this, channel](const QString &reason) {
        auto it = sessions.find(channel);
        if (it == sessions.end())
            return;
        const QString user = it->token.name;
        for (const QString &topic : std::as_const(it->topics)) {
            if (--subscriberCount[topic] <= 0)
                subscriberCount.remove(topic);
        }
        sessions.erase(it);
        qCInfo(lcClients).noquote() << "client" << user << "disconnected:" << reason;
        emit q->sessionClosed(user, reason);
    });
    audit(token->name, u"client.connect"_s, u"token:"_s + token->name,
          u"role=%1"_s.arg(tokenRoleName(token->role)), source);
    qCInfo(lcClients).noquote() << "client" << token->name << "connected from" << channel->peer();
    send(session,
         Protocol::makeEnvelope(Protocol::AuthenticatedBody{token->name, tokenRoleName(token->role),
                                                            QStringLiteral(ORRERY_VERSION)},
                                channel->nextId(), message.id));
}

void ClientServer::Private::refuse(Net::Channel *channel, const Error &error, const QString &re)
{
    channel->sendError(error, re);
    channel->close(
            QWebSocketProtocol::CloseCodePolicyViolated,
            error.code == ErrorCode::Unauthorized ? u"unauthorized"_s : errorCodeName(error.code));
}

void ClientServer::Private::audit(const QString &actor, const QString &action,
                                  const QString &target, const QString &detail,
                                  const QString &source)
{
    if (!engine)
        return;
    AuditEntry entry;
    entry.actor = actor;
    entry.action = action;
    entry.target = target;
    entry.detail = detail;
    entry.source = source;
    if (const Result<AuditEntry> stored = engine->store().appendAudit(entry); !stored)
        qCWarning(lcClients).noquote()
                << "cannot write the audit log:" << stored.error().toString();
}

bool ClientServer::Private::recheck(Session &session, const QString &re)
{
    const Result<ApiTokenInfo> token = engine->store().verifyApiToken(session.secret);
    if (token)
        return true;
    Net::Channel *channel = session.channel;
    refuse(channel,
           token.error().code == ErrorCode::Unauthorized ? makeError(
                   ErrorCode::Unauthorized, Tr::tr("the token is unknown, wrong or revoked"))
                                                         : token.error(),
           re);
    return false;
}

// ---- messages -------------------------------------------------------------------------------

void ClientServer::Private::onMessage(Session &session, const Protocol::Envelope &message)
{
    if (!engine || !api)
        return;
    if (message.type == Protocol::RequestBody::type())
        return onRequest(session, message);
    if (message.type == Protocol::SubscribeBody::type())
        return onSubscribe(session, message, true);
    if (message.type == Protocol::UnsubscribeBody::type())
        return onSubscribe(session, message, false);
    if (message.type == Protocol::ErrorBody::type())
        return;
    Error e = makeError(ErrorCode::UnknownType,
                        Tr::tr("'%1' is not a client message (request, subscribe, unsubscribe)")
                                .arg(message.type.left(64)));
    e.file = u"type"_s;
    session.channel->sendError(e, message.id);
}

void ClientServer::Private::onRequest(Session &session, const Protocol::Envelope &message)
{
    const Result<Protocol::RequestBody> body = Protocol::bodyOf<Protocol::RequestBody>(message);
    if (!body) {
        session.channel->sendError(body.error(), message.id);
        return;
    }
    ApiRequest request;
    request.method = body->method;
    request.path = body->path;
    request.query = QUrlQuery(body->query);
    if (body->body.isString())
        request.body = body->body.toString().toUtf8();
    else if (body->body.isObject())
        request.body = QJsonDocument(body->body.toObject()).toJson(QJsonDocument::Compact);
    else if (body->body.isArray())
        request.body = QJsonDocument(body->body.toArray()).toJson(QJsonDocument::Compact);
    request.authorization = "Bearer " + session.secret.toUtf8();
    request.source = session.source;
    const ApiResponse response = api->handle(request);

    Protocol::ResponseBody answer;
    answer.status = response.status;
    if (!response.body.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(response.body);
        if (doc.isObject())
            answer.body = doc.object();
        else if (doc.isArray())
            answer.body = doc.array();
        else  // not JSON: a text answer such as a pipeline's YAML (?format=yaml)
            answer.body = QString::fromUtf8(response.body);
    }
    Net::Channel *channel = session.channel;
    const Protocol::Envelope envelope
            = Protocol::makeEnvelope(answer, channel->nextId(), message.id);
    // The client refuses frames over its limit by closing the connection: say so instead.
    const qsizetype size = Protocol::encode(envelope).size();
    if (size > channel->options().limits.maxMessageBytes) {
        channel->sendError(
                makeError(ErrorCode::TooLarge,
                          Tr::tr("the answer has %1 bytes, over the message limit of %2; ask "
                                 "for less (limit, after)")
                                  .arg(size)
                                  .arg(channel->options().limits.maxMessageBytes)),
                message.id);
        return;
    }
    send(session, envelope);
    // A request may have revoked this very token: the next one is refused by handle().
}

void ClientServer::Private::onSubscribe(Session &session, const Protocol::Envelope &message,
                                        bool add)
{
    QStringList topics;
    if (add) {
        const Result<Protocol::SubscribeBody> body
                = Protocol::bodyOf<Protocol::SubscribeBody>(message);
        if (!body) {
            session.channel->sendError(body.error(), message.id);
            return;
        }
        topics = body->topics;
    } else {
        const Result<Protocol::UnsubscribeBody> body
                = Protocol::bodyOf<Protocol::UnsubscribeBody>(message);
        if (!body) {
            session.channel->sendError(body.error(), message.id);
            return;
        }
        topics = body->topics;
    }
    // Every topic is readable with the viewer role, the least one; a revoked token is not.
    if (!recheck(session, message.id))
        return;
    for (const QString &topic : std::as_const(topics)) {
        if (add && !session.topics.contains(topic)) {
            if (session.topics.size() >= kMaxTopicsPerSession) {
                session.channel->sendError(
                        makeError(ErrorCode::InvalidValue,
                                  Tr::tr("at most %1 subscriptions per connection")
                                          .arg(kMaxTopicsPerSession)),
                        message.id);
                return;
            }
            session.topics.insert(topic);
            ++subscriberCount[topic];
        } else if (!add && session.topics.remove(topic)) {
            if (--subscriberCount[topic] <= 0)
                subscriberCount.remove(topic);
        }
    }
    QStringList now(session.topics.cbegin(), session.topics.cend());
    std::sort(now.begin(), now.end());
    send(session, Protocol::makeEnvelope(Protocol::SubscribedBody{now}, session.channel->nextId(),
                                         message.id));
}

// ---- events ---------------------------------------------------------------------------------

bool ClientServer::Private::send(Session &session, const Protocol::Envelope &envelope)
{
    Net::Channel *channel = session.channel;
    if (!channel || !channel->isOpen())
        return false;
    const qint64 queued = channel->bytesToWrite();
    if (queued > options.maxQueuedBytes) {
        qCWarning(lcClients).noquote() << "client" << session.token.name << channel->peer()
                                       << "dropped:" << queued << "bytes not taken by the network";
        channel->close(QWebSocketProtocol::CloseCodePolicyViolated,
                       u"slow_client: %1 bytes waiting to be sent"_s.arg(queued));
        // The close frame waits behind the data the client does not read.
        QTimer::singleShot(kSlowCloseGraceMs, channel, [channel] { channel->socket()->abort(); });
        return false;
    }
    return channel->send(envelope);
}

bool ClientServer::Private::anySubscribed(const QString &topic) const
{
    return subscriberCount.value(topic) > 0;
}

void ClientServer::Private::publish(const QString &topic, const QString &kind,
                                    const QJsonObject &data)
{
    const Protocol::EventBody body{topic, kind, data};
    // Collected first: send() may close a slow session, which removes it from the hash.
    QList<Net::Channel *> targets;
    for (auto it = sessions.cbegin(); it != sessions.cend(); ++it) {
        if (it->topics.contains(topic))
            targets.append(it.key());
    }
    for (Net::Channel *channel : std::as_const(targets)) {
        auto it = sessions.find(channel);
        if (it != sessions.end())
            send(*it, Protocol::makeEnvelope(body, channel->nextId()));
    }
}

Rest::NodeNames ClientServer::Private::nodeNames() const
{
    Rest::NodeNames names;
    for (const NodeStatus &node : engine->nodes())
        names.insert(node.record.id, node.record.name);
    return names;
}

// ---------------------------------------------------------------------------------------------

ClientServer::ClientServer(Engine &engine, RestApi &api, const ClientServerOptions &options,
                           QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, engine, api, options))
{
    if (options.tokenRecheckMs > 0) {
        auto *timer = new QTimer(this);
        timer->setInterval(options.tokenRecheckMs);
        connect(timer, &QTimer::timeout, this, [this] {
            if (!d->engine)
                return;
            // Collected first: a refused session leaves the hash.
            const QList<Net::Channel *> channels = d->sessions.keys();
            for (Net::Channel *channel : channels) {
                auto it = d->sessions.find(channel);
                if (it != d->sessions.end() && it->channel)
                    d->recheck(*it, QString());
            }
        });
        timer->start();
    }
    connect(&engine, &Engine::runChanged, this, [this](const RunRecord &run) {
        if (d->anySubscribed(u"runs"_s))
            d->publish(u"runs"_s, u"run.changed"_s, Rest::runJson(run, d->nodeNames()));
    });
    connect(&engine, &Engine::outputAppended, this, [this](RunId run, const OutputChunk &chunk) {
        const QString topic = u"output:"_s + run.toString();
        if (!d->anySubscribed(topic))
            return;
        QJsonObject data = Rest::outputChunkJson(0, chunk);
        data.remove(u"index"_s);  // the position in the stored output is not known here
        data.insert(u"run_id"_s, run.toString());
        d->publish(topic, u"output"_s, data);
    });
    connect(&engine, &Engine::nodeChanged, this, [this](const QString &name) {
        if (!d->anySubscribed(u"nodes"_s))
            return;
        for (const NodeStatus &node : d->engine->nodes()) {
            if (node.record.name == name)
                d->publish(u"nodes"_s, u"node.changed"_s, Rest::nodeJson(node));
        }
    });
    connect(&engine, &Engine::jobChanged, this, [this](JobId id) {
        if (!d->anySubscribed(u"jobs"_s))
            return;
        const Result<JobRecord> job = d->engine->findJob(id.toString());
        if (job) {
            d->publish(u"jobs"_s, u"job.changed"_s,
                       Rest::taskJson(*job, d->engine->nextFireTime(id)));
        }
    });
    connect(&engine, &Engine::jobRemoved, this, [this](JobId id) {
        if (d->anySubscribed(u"jobs"_s))
            d->publish(u"jobs"_s, u"job.removed"_s, QJsonObject{{u"id"_s, id.toString()}});
    });
}

ClientServer::~ClientServer()
{
    for (auto it = d->sessions.cbegin(); it != d->sessions.cend(); ++it) {
        if (it->channel)
            disconnect(it->channel, nullptr, this, nullptr);
    }
}

void ClientServer::attachChannel(Net::Channel *channel)
{
    if (!channel)
        return;
    connect(channel, &Net::Channel::received, this,
            [this, channel](const Protocol::Envelope &message) {
                d->onFirstMessage(channel, message);
            });
    // Removed by onFirstMessage(), like the connection above.
    connect(channel, &Net::Channel::closed, this, [channel](const QString &reason) {
        qCInfo(lcClients, "connection from %s closed before its first message: %s",
               qPrintable(channel->peer()), qPrintable(reason));
    });
    qCDebug(lcClients, "connection from %s", qPrintable(channel->peer()));
}

int ClientServer::sessionCount() const
{
    return int(d->sessions.size());
}

}  // namespace Orrery::Master

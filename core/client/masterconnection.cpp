#include "masterconnection.h"

#include <net/channel.h>
#include <net/tls.h>
#include <net/wssclient.h>
#include <protocol/messages.h>

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Client {

static Error settingError(const QString &field, const QString &message)
{
    Error e = makeError(ErrorCode::InvalidValue, message);
    e.file = field;
    return e;
}

static Q_LOGGING_CATEGORY(lcConnection, "orrery.core.client.connection", QtInfoMsg)

        MasterConnection::MasterConnection(QObject *parent)
    : QObject(parent)
{
}

MasterConnection::~MasterConnection()
{
    if (m_client)
        disconnect(m_client.get(), nullptr, this, nullptr);
}

QByteArray MasterConnection::fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QByteArray();
    return QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256);
}

QString MasterConnection::fingerprintText(const QByteArray &sha256)
{
    return QString::fromLatin1(sha256.toHex(':').toUpper());
}

QSslCertificate MasterConnection::peerCertificate() const
{
    return m_client ? m_client->lastPeerCertificate() : QSslCertificate();
}

Result<void> MasterConnection::connectToMaster(const ConnectionSettings &settings)
{
    if (Result<void> ok = Net::WssClient::checkUrls({settings.url}); !ok)
        return ok.error();
    if (settings.token.isEmpty())
        return settingError(u"token"_s, tr("an API token is required"));
    if (!settings.pinnedSha256.isEmpty() && settings.pinnedSha256.size() != 32)
        return settingError(u"pinned_sha256"_s, tr("a SHA-256 fingerprint has 32 bytes, found %1")
                                                        .arg(settings.pinnedSha256.size()));
    QSslConfiguration tls;
    if (!settings.caFile.isEmpty()) {
        Net::ClientTlsFiles files;
        files.ca = settings.caFile;
        Result<QSslConfiguration> configured = Net::clientTlsConfiguration(files);
        if (!configured)
            return settingError(u"ca_file"_s, configured.error().message);
        tls = *configured;
    } else {
        // No CA at all (not the system's either): only the pinned fingerprint is trusted.
        tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({});
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        tls.setProtocol(QSsl::TlsV1_2OrLater);
    }

    disconnectFromMaster();
    m_settings = settings;
    Net::ChannelOptions options;
    options.limits = settings.limits;
    m_client = std::make_unique<Net::WssClient>(QList<QUrl>{settings.url}, tls, options,
                                                settings.backoff);
    m_client->setIdPrefix(u"c"_s);
    m_client->setConnectTimeoutMs(settings.connectTimeoutMs);
    if (!settings.pinnedSha256.isEmpty()) {
        const QByteArray pin = settings.pinnedSha256;
        m_client->setCertificateCheck([pin](const QSslCertificate &certificate) {
            return fingerprint(certificate) == pin;
        });
    }
    connect(m_client.get(), &Net::WssClient::connected, this, &MasterConnection::onConnected);
    connect(m_client.get(), &Net::WssClient::disconnected, this, &MasterConnection::onDisconnected);
    connect(m_client.get(), &Net::WssClient::attemptFailed, this,
            [this](const QUrl &, const QString &error, qint64 delayMs) {
                if (error.startsWith(u"TLS: "_s)) {
                    // An untrusted certificate does not heal by waiting.
                    const QByteArray seen = peerFingerprint();
                    refuse(seen.isEmpty() ? error
                                          : tr("the master's certificate (SHA-256 %1) is not "
                                               "trusted: %2")
                                                    .arg(fingerprintText(seen), error));
                    return;
                }
                if (delayMs < 0)
                    refuse(error);
                else
                    setState(State::Reconnecting, error);
            });
    setState(State::Connecting, QString());
    m_client->start();
    return {};
}

void MasterConnection::disconnectFromMaster()
{
    if (m_client) {
        Net::WssClient *client = m_client.release();
        disconnect(client, nullptr, this, nullptr);
        client->stop();
        client->deleteLater();  // we may be inside one of its signals
    }
    m_channel = nullptr;
    m_authId.clear();
    failPending(tr("disconnected"));
    if (m_state != State::Disconnected)
        setState(State::Disconnected, QString());
}

void MasterConnection::setState(State state, const QString &reason)
{
    if (state == m_state && reason == m_reason)
        return;
    m_state = state;
    m_reason = reason;
    qCDebug(lcConnection).noquote() << "state" << int(state) << reason;
    emit stateChanged(state, reason);
}

void MasterConnection::refuse(const QString &reason)
{
    qCInfo(lcConnection).noquote() << "refused:" << reason;
    if (m_client)
        m_client->stop();
    m_channel = nullptr;
    m_authId.clear();
    failPending(reason);
    setState(State::Refused, reason);
}

void MasterConnection::onConnected(Net::Channel *channel)
{
    m_channel = channel;
    connect(channel, &Net::Channel::received, this, &MasterConnection::onMessage);
    m_authId = channel->send(Protocol::AuthBody{m_settings.token});
}

void MasterConnection::onDisconnected(const QString &reason)
{
    m_channel = nullptr;
    m_authId.clear();
    failPending(tr("connection lost: %1").arg(reason));
    if (m_state == State::Refused || m_state == State::Disconnected)
        return;
    if (reason == u"unauthorized"_s) {
        // The master closed us for the token (revoked while connected).
        refuse(tr("the token is unknown, wrong or revoked"));
        return;
    }
    setState(State::Reconnecting, reason);
}

void MasterConnection::onMessage(const Protocol::Envelope &message)
{
    if (!m_authId.isEmpty()) {
        if (message.re != m_authId)
            return;
        if (message.type == Protocol::ErrorBody::type()) {
            const auto error = Protocol::bodyOf<Protocol::ErrorBody>(message);
            refuse(error ? error->message : tr("authentication failed"));
            return;
        }
        const auto hello = Protocol::bodyOf<Protocol::AuthenticatedBody>(message);
        if (!hello) {
            refuse(hello.error().toString());
            return;
        }
        m_authId.clear();
        m_user = hello->user;
        m_role = hello->role;
        m_serverVersion = hello->serverVersion;
        setState(State::Connected, QString());
        if (!m_topics.isEmpty())
            sendSubscriptions(true, m_topics);
        return;
    }
    if (message.type == Protocol::EventBody::type()) {
        if (const auto body = Protocol::bodyOf<Protocol::EventBody>(message))
            emit event(body->topic, body->kind, body->data);
        return;
    }
    if (message.type == Protocol::ResponseBody::type()) {
        const ReplyHandler handler = m_pending.take(message.re);
        const auto body = Protocol::bodyOf<Protocol::ResponseBody>(message);
        if (handler)
            handler(body ? ApiReply{body->status, body->body, QString()}
                         : ApiReply{0, QJsonValue(), body.error().toString()});
        return;
    }
    if (message.type == Protocol::SubscribedBody::type()) {
        if (const auto body = Protocol::bodyOf<Protocol::SubscribedBody>(message))
            emit subscribed(body->topics);
        return;
    }
    if (message.type == Protocol::ErrorBody::type()) {
        const auto body = Protocol::bodyOf<Protocol::ErrorBody>(message);
        const QString text
                = body ? u"%1: %2"_s.arg(body->code, body->message) : body.error().toString();
        if (const ReplyHandler handler = m_pending.take(message.re))
            handler(ApiReply{0, QJsonValue(), text});
        else
            qCWarning(lcConnection).noquote() << "the master refused a message:" << text;
    }
}

void MasterConnection::request(const QString &method, const QString &path, const QJsonValue &body,
                               ReplyHandler handler, const QString &query)
{
    if (!isConnected() || !m_channel) {
        replyLater(handler, ApiReply{0, QJsonValue(), tr("not connected to the master")});
        return;
    }
    Protocol::RequestBody request;
    request.method = method;
    request.path = path;
    request.query = query;
    request.body = body;
    const QString id = m_channel->send(request);
    if (id.isEmpty()) {
        replyLater(handler, ApiReply{0, QJsonValue(), tr("not connected to the master")});
        return;
    }
    m_pending.insert(id, std::move(handler));
}

void MasterConnection::subscribe(const QStringList &topics)
{
    QStringList added;
    for (const QString &topic : topics) {
        if (Protocol::isValidTopic(topic) && !m_topics.contains(topic)) {
            m_topics.append(topic);
            added.append(topic);
        } else if (!Protocol::isValidTopic(topic)) {
            qCWarning(lcConnection).noquote() << "not a topic:" << topic;
        }
    }
    if (!added.isEmpty() && isConnected())
        sendSubscriptions(true, added);
}

void MasterConnection::unsubscribe(const QStringList &topics)
{
    QStringList removed;
    for (const QString &topic : topics) {
        if (m_topics.removeAll(topic) > 0)
            removed.append(topic);
    }
    if (!removed.isEmpty() && isConnected())
        sendSubscriptions(false, removed);
}

void MasterConnection::sendSubscriptions(bool add, const QStringList &topics)
{
    if (!m_channel)
        return;
    // The protocol takes up to 100 topics per message.
    for (qsizetype i = 0; i < topics.size(); i += 100) {
        const QStringList part = topics.mid(i, 100);
        if (add)
            m_channel->send(Protocol::SubscribeBody{part});
        else
            m_channel->send(Protocol::UnsubscribeBody{part});
    }
}

void MasterConnection::failPending(const QString &reason)
{
    const QHash<QString, ReplyHandler> pending = std::exchange(m_pending, {});
    for (const ReplyHandler &handler : pending)
        replyLater(handler, ApiReply{0, QJsonValue(), reason});
}

void MasterConnection::replyLater(const ReplyHandler &handler, const ApiReply &reply)
{
    if (!handler)
        return;
    QTimer::singleShot(0, this, [handler, reply] { handler(reply); });
}

}  // namespace Orrery::Client

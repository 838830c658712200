#pragma once

#include <model/result.h>
#include <net/backoff.h>
#include <protocol/envelope.h>

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

namespace Orrery::Net {
class Channel;
class WssClient;
}  // namespace Orrery::Net

namespace Orrery::Client {

// Where and how to reach a master. Trust is either a CA file (the master's certificate must be
// signed by it) or the SHA-256 fingerprint of the master's certificate (trust on first use:
// see MasterConnection::peerFingerprint()); with neither, every connection is refused with the
// certificate available for the user to inspect.
struct ConnectionSettings
{
    QUrl url;                 // wss://host:port (the master's agent port)
    QString caFile;           // PEM
    QByteArray pinnedSha256;  // 32 bytes: SHA-256 of the certificate (DER)
    QString token;            // an API token (orrery-master admin-token, POST /api/v1/tokens)
    Net::Backoff backoff;     // reconnect delays
    Protocol::Limits limits;  // size of one message, both ways
    int connectTimeoutMs = 10000;
};

// The answer to request(): the REST API's status and JSON body (null for 204). status 0 when
// no answer came (not connected, connection lost, refused message) with the reason in `error`.
struct ApiReply
{
    int status = 0;
    QJsonValue body;
    QString error;

    bool ok() const { return status >= 200 && status < 300; }
    QJsonObject object() const { return body.toObject(); }
};

// A connection to orrery-master for the GUI and tools: authenticates with an API token, calls
// the REST API's routes over the connection (request()), receives the events of the topics it
// subscribed to, and after a loss reconnects by itself (Backoff) and subscribes again.
//
// A wrong or revoked token, or a certificate that is not trusted, ends in state Refused:
// no further attempts until connectToMaster() is called again.
class MasterConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MasterConnection)

public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting, Refused };
    Q_ENUM(State)

    using ReplyHandler = std::function<void(const ApiReply &)>;

    explicit MasterConnection(QObject *parent = nullptr);
    ~MasterConnection() override;

    // The SHA-256 of a certificate's DER form, what pinnedSha256 holds.
    static QByteArray fingerprint(const QSslCertificate &certificate);
    // "AB:CD:..." for people.
    static QString fingerprintText(const QByteArray &sha256);

    // Checks the settings (InvalidValue naming the field: url, ca_file, pinned_sha256, token)
    // and starts connecting. A connection already open is closed first.
    Result<void> connectToMaster(const ConnectionSettings &settings);
    // Closes and stops reconnecting (state Disconnected). Pending requests fail.
    void disconnectFromMaster();

    State state() const { return m_state; }
    // Why the state is what it is ("connection refused", "the token is unknown, ...").
    QString stateReason() const { return m_reason; }
    bool isConnected() const { return m_state == State::Connected; }

    // The master's certificate from the latest TLS handshake, also when it was not trusted.
    QSslCertificate peerCertificate() const;
    QByteArray peerFingerprint() const { return fingerprint(peerCertificate()); }

    // From `authenticated`.
    QString user() const { return m_user; }
    QString role() const { return m_role; }
    QString serverVersion() const { return m_serverVersion; }

    // A REST call ("GET", "/api/v1/tasks", ...). `body`: an object or array is sent as JSON, a
    // string as text (YAML for /api/v1/apply), undefined = none; `query` without '?', percent-
    // encoded. The handler runs once, later (never inside this call).
    void request(const QString &method, const QString &path, const QJsonValue &body,
                 ReplyHandler handler, const QString &query = QString());

    // Topics: "runs", "nodes", "jobs", "output:<run id>". Kept across reconnects.
    void subscribe(const QStringList &topics);
    void unsubscribe(const QStringList &topics);
    QStringList subscriptions() const { return m_topics; }

signals:
    void stateChanged(Orrery::Client::MasterConnection::State state, const QString &reason);
    // The master confirmed the subscriptions (after subscribe/unsubscribe, and after each
    // reconnect).
    void subscribed(const QStringList &topics);
    void event(const QString &topic, const QString &kind, const QJsonObject &data);

private:
    void setState(State state, const QString &reason);
    void onConnected(Net::Channel *channel);
    void onMessage(const Protocol::Envelope &message);
    void onDisconnected(const QString &reason);
    void refuse(const QString &reason);
    void failPending(const QString &reason);
    void sendSubscriptions(bool add, const QStringList &topics);
    void replyLater(const ReplyHandler &handler, const ApiReply &reply);

    std::unique_ptr<Net::WssClient> m_client;
    Net::Channel *m_channel = nullptr;  // owned by m_client; set while connected
    ConnectionSettings m_settings;
    State m_state = State::Disconnected;
    QString m_reason;
    QString m_authId;  // id of the `auth` message waiting for its answer
    QString m_user;
    QString m_role;
    QString m_serverVersion;
    QStringList m_topics;
    QHash<QString, ReplyHandler> m_pending;  // request id -> handler
    QSslCertificate m_lastCertificate;
};

}  // namespace Orrery::Client

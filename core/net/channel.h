#pragma once

#include <model/error.h>
#include <protocol/envelope.h>
#include <protocol/messages.h>
#include <protocol/ratelimiter.h>

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QString>
#include <QWebSocketProtocol>

class QTimer;
class QWebSocket;

namespace Orrery::Net {

struct ChannelOptions
{
    Protocol::Limits limits;          // size and depth of one frame
    double rateCapacity = 20000;      // token bucket per connection (messages)
    double ratePerSecond = 10000;     // refill; agents send ~3 messages per run
    int maxConsecutiveRefusals = 20;  // then the connection is closed (policy violation)
    qint64 idleTimeoutMs = 0;         // close when nothing arrived for this long; 0 = never
};

// One WebSocket connection speaking the envelope protocol, on either side.
//
// Incoming text frames are decoded (size, depth, JSON, envelope, body schema) and rate
// limited; a refused frame gets an `error` reply (re = its id when readable), is reported by
// refused() and is otherwise dropped: the connection stays up. After maxConsecutiveRefusals
// refused frames in a row, or on a binary frame, the connection is closed with a reason.
// Frames bigger than limits.maxMessageBytes are refused without being buffered further
// (QWebSocket::setMaxAllowedIncomingMessageSize/FrameSize): QWebSocket then closes that
// connection itself with 1009 (CloseCodeTooMuchData) and its own reason text, which the peer
// receives; closed() reports "too_large: <that text>". No `error` reply can be sent for such a
// frame; other connections are not affected. (Should a message still reach decode() over the
// byte limit, e.g. in fragments that QWebSocket counts in characters, it gets a `too_large`
// reply like any refused frame.)
// A frame that passes is decoded into `received` in order; refusals never reorder.
class Channel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Channel)

public:
    // Takes ownership of the socket (it becomes a child). The socket may be connected
    // already (server side) or not yet (client side: call open()).
    Channel(QWebSocket *socket, const ChannelOptions &options, QObject *parent = nullptr);
    ~Channel() override;

    QWebSocket *socket() const { return m_socket; }
    bool isOpen() const;
    // "address:port" of the other end, for logs and the audit log.
    QString peer() const;
    // The peer's TLS certificate (null when it presented none), and its chain, leaf first,
    // as the handshake gave it: not verified (verifyClientCertificate() in pki.h does that).
    QSslCertificate peerCertificate() const;
    QList<QSslCertificate> peerCertificateChain() const;

    // A fresh id for an outgoing message ("<prefix><n>"); the prefix is "m" unless set.
    QString nextId();
    void setIdPrefix(const QString &prefix) { m_idPrefix = prefix; }
    // Bytes sent with send() that the network has not taken yet (the WebSocket's TCP/TLS write
    // buffers). Grows while the peer does not read: servers bound it per connection.
    qint64 bytesToWrite() const;
    // The TCP (TLS) socket under the WebSocket, where it is not the WebSocket's child (the
    // server side: WssServer sets it), for bytesToWrite().
    void setTransport(QAbstractSocket *socket) { m_transport = socket; }
    // Sends one message; false when the connection is not open (nothing is queued).
    bool send(const Protocol::Envelope &envelope);
    // Encodes `body` in an envelope with a fresh id (and `re`, if given); returns the id, or
    // an empty string when not open.
    template<typename Body>
    QString send(const Body &body, const QString &re = {})
    {
        const QString id = nextId();
        return send(Protocol::makeEnvelope(body, id, re)) ? id : QString();
    }
    // Sends an `error` reply for `error` answering message `re`.
    void sendError(const Error &error, const QString &re);

    // Closes with a code and a reason (both reach the peer and closed()).
    void close(QWebSocketProtocol::CloseCode code, const QString &reason);

    const ChannelOptions &options() const { return m_options; }

signals:
    void received(const Orrery::Protocol::Envelope &message);
    // A frame was refused (already answered with an `error` message). For logging.
    void refused(const Orrery::Error &error);
    // The connection ended (by either side, or it failed); emitted once.
    void closed(const QString &reason);

private:
    void onTextMessage(const QString &text);
    void onBinaryMessage(const QByteArray &data);
    void onDisconnected();
    void onSocketError();
    void refuse(const Error &error, const QString &re);
    void finish(const QString &reason);

    QWebSocket *m_socket;
    QPointer<QAbstractSocket> m_transport;
    ChannelOptions m_options;
    Protocol::RateLimiter m_limiter;
    QElapsedTimer m_elapsed;
    QTimer *m_idleTimer = nullptr;
    QString m_idPrefix = QStringLiteral("m");
    quint64 m_nextId = 1;
    int m_consecutiveRefusals = 0;
    quint64 m_incomingBytes = 0;  // of the message being received, frame by frame
    bool m_closedEmitted = false;
    bool m_wasOpen = false;  // the connection came up (a failed dial reports its socket error)
    QString m_closeReason;   // set by close(): the reason we gave
    QString m_lastError;     // TLS/socket error text, for closed() when the link failed
};

}  // namespace Orrery::Net

#include "wssserver.h"

#include "heap.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSslError>
#include <QSslSocket>
#include <QTcpServer>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Net {

static Q_LOGGING_CATEGORY(lcServer, "orrery.core.net.server", QtInfoMsg)

        static QString peerOf(const QAbstractSocket *socket)
{
    const QHostAddress address = socket->peerAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                                 ? u"[%1]"_s.arg(address.toString())
                                 : address.toString();
    return u"%1:%2"_s.arg(host).arg(socket->peerPort());
}

namespace Internal {

// Accepts TCP connections and runs the TLS server handshake on each, within a time limit.
// Emits encrypted() for a socket that completed it (the receiver takes the socket over) and
// failed() once for one that did not (the socket is then deleted).
class TlsListener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsListener)

public:
    TlsListener(const QSslConfiguration &tls, QObject *parent) : QTcpServer(parent), m_tls(tls) {}

    int handshakeTimeoutMs = 10000;

signals:
    void encrypted(QSslSocket *socket);
    void failed(const QString &peer, const QString &reason);

protected:
    void incomingConnection(qintptr handle) override
    {
        auto *socket = new QSslSocket(this);
        socket->setSslConfiguration(m_tls);
        if (!socket->setSocketDescriptor(handle)) {
            qCWarning(lcServer).noquote() << "cannot take a connection:" << socket->errorString();
            delete socket;
            return;
        }
        // Without it the 101 response waits ~40 ms for Nagle and a delayed ACK.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        const QString peer = peerOf(socket);
        auto tlsErrors = std::make_shared<QStringList>();
        auto done = std::make_shared<bool>(false);

        auto fail = [this, socket, peer, tlsErrors, done](const QString &reason) {
            if (*done)
                return;
            *done = true;
            disconnect(socket, nullptr, this, nullptr);
            const QString full = tlsErrors->isEmpty()
                                         ? reason
                                         : u"%1 (%2)"_s.arg(reason, tlsErrors->join(u"; "_s));
            qCDebug(lcServer).noquote() << "TLS handshake with" << peer << "failed:" << full;
            socket->abort();
            socket->deleteLater();
            emit failed(peer, full);
        };

        auto *timer = new QTimer(socket);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this,
                [this, fail] { fail(u"no TLS handshake within %1 ms"_s.arg(handshakeTimeoutMs)); });
        timer->start(handshakeTimeoutMs);

        connect(socket, &QSslSocket::sslErrors, this, [tlsErrors](const QList<QSslError> &errors) {
            for (const QSslError &e : errors)
                *tlsErrors << e.errorString();
        });
        connect(socket, &QSslSocket::errorOccurred, this,
                [socket, fail](QAbstractSocket::SocketError) { fail(socket->errorString()); });
        connect(socket, &QSslSocket::disconnected, this,
                [fail] { fail(u"connection closed during the TLS handshake"_s); });
        connect(socket, &QSslSocket::encrypted, this, [this, socket, timer, done] {
            if (*done)
                return;
            *done = true;
            delete timer;
            disconnect(socket, nullptr, this, nullptr);
            emit encrypted(socket);
        });
        socket->startServerEncryption();
    }

private:
    QSslConfiguration m_tls;
};

}  // namespace Internal

WssServer::WssServer(const QSslConfiguration &tls, const ChannelOptions &options, QObject *parent)
    : QObject(parent)
    , m_tcp(new Internal::TlsListener(tls, this))
    , m_ws(new QWebSocketServer(u"orrery"_s, QWebSocketServer::NonSecureMode, this))
    , m_trimTimer(new QTimer(this))
    , m_options(options)
{
    m_ws->setHandshakeTimeout(10000);
    m_trimTimer->setSingleShot(true);
    m_trimTimer->setInterval(1000);
    connect(m_trimTimer, &QTimer::timeout, this, [] { releaseFreedMemory(); });
    connect(m_tcp, &Internal::TlsListener::encrypted, this, &WssServer::onEncrypted);
    connect(m_tcp, &Internal::TlsListener::failed, this, &WssServer::handshakeFailed);
    connect(m_tcp, &Internal::TlsListener::failed, this, &WssServer::noteHandshakeEnded);
    connect(m_tcp, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        qCWarning(lcServer).noquote() << "accept failed:" << m_tcp->errorString();
    });

    connect(m_ws, &QWebSocketServer::newConnection, this, &WssServer::onUpgraded);
    connect(m_ws, &QWebSocketServer::serverError, this, [this](QWebSocketProtocol::CloseCode code) {
        const QString reason
                = u"WebSocket upgrade failed (%1): %2"_s.arg(int(code)).arg(m_ws->errorString());
        qCDebug(lcServer).noquote() << reason;
        emit handshakeFailed(QString(), reason);
    });
}

WssServer::~WssServer()
{
    // Channels (and their sockets) go first, silently; then the listener and the WebSocket
    // server.
    const QList<Channel *> channels = findChildren<Channel *>(Qt::FindDirectChildrenOnly);
    for (Channel *channel : channels)
        disconnect(channel, nullptr, this, nullptr);
    qDeleteAll(channels);
}

Result<quint16> WssServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_tcp->listen(address, port)) {
        const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                                     ? u"[%1]"_s.arg(address.toString())
                                     : address.toString();
        return makeError(ErrorCode::Io, u"cannot listen on %1:%2: %3"_s.arg(host).arg(port).arg(
                                                m_tcp->errorString()));
    }
    qCInfo(lcServer).noquote() << "listening on" << address.toString() << m_tcp->serverPort();
    return m_tcp->serverPort();
}

quint16 WssServer::port() const
{
    return m_tcp->serverPort();
}

bool WssServer::isListening() const
{
    return m_tcp->isListening();
}

void WssServer::close()
{
    m_tcp->close();
    for (Channel *channel : findChildren<Channel *>(Qt::FindDirectChildrenOnly))
        channel->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
}

void WssServer::setHandshakeTimeoutMs(int ms)
{
    m_tcp->handshakeTimeoutMs = ms;
    m_ws->setHandshakeTimeout(ms);
}

void WssServer::onEncrypted(QSslSocket *socket)
{
    // QWebSocketServer frees a socket that fails the upgrade; QWebSocket owns one that passes.
    socket->setParent(nullptr);
    m_upgrading.removeAll(QPointer<QSslSocket>());
    m_upgrading.append(socket);
    m_ws->handleConnection(socket);
}

void WssServer::onUpgraded()
{
    while (m_ws->hasPendingConnections()) {
        QWebSocket *socket = m_ws->nextPendingConnection();
        if (!socket)
            continue;
        auto *channel = new Channel(socket, m_options, this);
        for (qsizetype i = 0; i < m_upgrading.size(); ++i) {
            QSslSocket *tcp = m_upgrading.at(i);
            if (tcp && tcp->peerPort() == socket->peerPort()
                && tcp->peerAddress() == socket->peerAddress()) {
                channel->setTransport(tcp);
                m_upgrading.removeAt(i);
                break;
            }
        }
        connect(channel, &Channel::closed, this, [channel](const QString &reason) {
            qCDebug(lcServer).noquote()
                    << "connection from" << channel->peer() << "closed:" << reason;
            channel->deleteLater();
        });
        qCDebug(lcServer).noquote() << "connection from" << channel->peer();
        emit connected(channel);
    }
    noteHandshakeEnded();
}

void WssServer::noteHandshakeEnded()
{
    m_trimTimer->start();  // restarted by every handshake of a burst: fires once it is over
}

}  // namespace Orrery::Net

#include "wssserver.moc"

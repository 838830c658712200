#include "channel.h"

#include <QLoggingCategory>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslSocket>
#include <QTimer>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Net {

static Q_LOGGING_CATEGORY(lcChannel, "orrery.core.net.channel", QtInfoMsg)

        Channel::Channel(QWebSocket *socket, const ChannelOptions &options, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_options(options)
    , m_limiter(options.rateCapacity, options.ratePerSecond, 0)
{
    Q_ASSERT(m_socket);
    m_elapsed.start();
    m_socket->setParent(this);
    // QWebSocket drops a frame over the limit without buffering it further and closes the
    // connection with 1009 (too much data). A message split into frames (QWebSocket sends 512
    // KiB frames) is counted here frame by frame and closed with 1009 and our reason as soon as
    // it passes the limit; QWebSocket's own message limit (twice ours) is only a backstop, as
    // its close is followed by confusing errors about the frames still arriving.
    const quint64 maxBytes = quint64(std::max<qsizetype>(1, m_options.limits.maxMessageBytes));
    m_socket->setMaxAllowedIncomingMessageSize(2 * maxBytes);
    m_socket->setMaxAllowedIncomingFrameSize(maxBytes);
    connect(m_socket, &QWebSocket::textFrameReceived, this,
            [this, maxBytes](const QString &frame, bool isLastFrame) {
                m_incomingBytes += quint64(frame.size());
                if (m_incomingBytes > maxBytes && !m_closedEmitted && m_closeReason.isEmpty()) {
                    close(QWebSocketProtocol::CloseCodeTooMuchData,
                          u"too_large: a message over %1 bytes"_s.arg(maxBytes));
                    return;
                }
                if (isLastFrame)
                    m_incomingBytes = 0;
            });

    m_wasOpen = m_socket->state() == QAbstractSocket::ConnectedState;
    connect(m_socket, &QWebSocket::connected, this, [this] { m_wasOpen = true; });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &Channel::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &Channel::onBinaryMessage);
    connect(m_socket, &QWebSocket::disconnected, this, &Channel::onDisconnected);
    connect(m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            &Channel::onSocketError);
    connect(m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors)
            texts << e.errorString();
        m_lastError = u"TLS: "_s + texts.join(u"; "_s);
    });

    if (m_options.idleTimeoutMs > 0) {
        m_idleTimer = new QTimer(this);
        m_idleTimer->setSingleShot(true);
        m_idleTimer->setInterval(int(std::min<qint64>(m_options.idleTimeoutMs, INT_MAX)));
        connect(m_idleTimer, &QTimer::timeout, this, [this] {
            close(QWebSocketProtocol::CloseCodeGoingAway,
                  u"idle: nothing received for %1 ms"_s.arg(m_options.idleTimeoutMs));
        });
        // Client side: the clock starts once the connection is up.
        if (m_socket->state() == QAbstractSocket::ConnectedState)
            m_idleTimer->start();
        connect(m_socket, &QWebSocket::connected, m_idleTimer, qOverload<>(&QTimer::start));
    }
}

Channel::~Channel()
{
    // The socket is a child and dies with us; nothing may reach our slots from it meanwhile.
    disconnect(m_socket, nullptr, this, nullptr);
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
}

bool Channel::isOpen() const
{
    return !m_closedEmitted && m_socket->state() == QAbstractSocket::ConnectedState;
}

QString Channel::peer() const
{
    const QHostAddress address = m_socket->peerAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                                 ? u"[%1]"_s.arg(address.toString())
                                 : address.toString();
    return u"%1:%2"_s.arg(host).arg(m_socket->peerPort());
}

QSslCertificate Channel::peerCertificate() const
{
    return m_socket->sslConfiguration().peerCertificate();
}

QList<QSslCertificate> Channel::peerCertificateChain() const
{
    return m_socket->sslConfiguration().peerCertificateChain();
}

qint64 Channel::bytesToWrite() const
{
    // QWebSocket writes each frame into its TCP (TLS) socket at once and does not say how
    // much of it is still buffered. That socket is its child on the client side; the server
    // side hands it over (setTransport()).
    QList<QAbstractSocket *> sockets = m_socket->findChildren<QAbstractSocket *>();
    if (m_transport && !sockets.contains(m_transport.data()))
        sockets.append(m_transport.data());
    qint64 total = 0;
    for (const QAbstractSocket *socket : std::as_const(sockets)) {
        total += socket->bytesToWrite();
        if (const auto *tls = qobject_cast<const QSslSocket *>(socket))
            total += tls->encryptedBytesToWrite();
    }
    return total;
}

QString Channel::nextId()
{
    return m_idPrefix + QString::number(m_nextId++);
}

bool Channel::send(const Protocol::Envelope &envelope)
{
    if (!isOpen())
        return false;
    m_socket->sendTextMessage(QString::fromUtf8(Protocol::encode(envelope)));
    return true;
}

void Channel::sendError(const Error &error, const QString &re)
{
    send(Protocol::errorEnvelope(error, re, nextId()));
}

void Channel::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_closedEmitted)
        return;
    if (m_closeReason.isEmpty())
        m_closeReason = reason;
    qCInfo(lcChannel).noquote() << "closing" << peer() << "code" << int(code) << reason;
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        // The close handshake ends in disconnected(); the peer sees code and reason.
        m_socket->close(code, reason);
    } else {
        m_socket->abort();
        finish(reason);
    }
}

void Channel::onTextMessage(const QString &text)
{
    if (m_closedEmitted)
        return;
    if (m_idleTimer)
        m_idleTimer->start();
    const QByteArray frame = text.toUtf8();
    // The rate limit comes first: it is cheaper than parsing and protects it.
    if (Result<void> allowed = m_limiter.acquire(m_elapsed.elapsed()); !allowed) {
        refuse(allowed.error(), Protocol::readableId(frame, m_options.limits));
        return;
    }
    Result<Protocol::Envelope> message = Protocol::decode(frame, m_options.limits);
    if (!message) {
        refuse(message.error(), Protocol::readableId(frame, m_options.limits));
        return;
    }
    m_consecutiveRefusals = 0;
    emit received(*message);
}

void Channel::onBinaryMessage(const QByteArray &data)
{
    Q_UNUSED(data)
    close(QWebSocketProtocol::CloseCodeDatatypeNotSupported,
          u"binary frames are not part of the protocol"_s);
}

void Channel::refuse(const Error &error, const QString &re)
{
    ++m_consecutiveRefusals;
    qCDebug(lcChannel).noquote() << "refused a message from" << peer() << error.toString();
    sendError(error, re);
    emit refused(error);
    if (m_options.maxConsecutiveRefusals > 0
        && m_consecutiveRefusals >= m_options.maxConsecutiveRefusals && !m_closedEmitted) {
        close(QWebSocketProtocol::CloseCodePolicyViolated,
              u"%1 refused messages in a row"_s.arg(m_consecutiveRefusals));
    }
}

void Channel::onDisconnected()
{
    QString reason = m_closeReason;
    if (reason.isEmpty()) {
        const QWebSocketProtocol::CloseCode code = m_socket->closeCode();
        const QString peerReason = m_socket->closeReason();
        if (code == QWebSocketProtocol::CloseCodeTooMuchData)
            reason = u"too_large: "_s + (peerReason.isEmpty() ? u"message too big"_s : peerReason);
        else if (!peerReason.isEmpty())
            reason = peerReason;
        else if (!m_lastError.isEmpty())
            reason = m_lastError;
        else if (m_socket->error() != QAbstractSocket::UnknownSocketError)
            reason = m_socket->errorString();
        else
            reason = u"connection closed (code %1)"_s.arg(int(code));
        if (!m_wasOpen && m_lastError.isEmpty()) {
            // A failed dial: QWebSocket reports the socket error (refused, unreachable) after
            // disconnected(); wait for it.
            QMetaObject::invokeMethod(
                    this, [this, reason] { finish(m_lastError.isEmpty() ? reason : m_lastError); },
                    Qt::QueuedConnection);
            return;
        }
    }
    finish(reason);
}

void Channel::onSocketError()
{
    if (m_lastError.isEmpty())
        m_lastError = m_socket->errorString();
    // A connection that never came up gets no disconnected() from QWebSocket in every case.
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        QMetaObject::invokeMethod(
                this,
                [this] {
                    if (m_socket->state() != QAbstractSocket::ConnectedState)
                        finish(m_closeReason.isEmpty() ? m_lastError : m_closeReason);
                },
                Qt::QueuedConnection);
    }
}

void Channel::finish(const QString &reason)
{
    if (m_closedEmitted)
        return;
    m_closedEmitted = true;
    if (m_idleTimer)
        m_idleTimer->stop();
    emit closed(reason);
}

}  // namespace Orrery::Net

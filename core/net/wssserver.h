#pragma once

#include "channel.h"

#include <model/result.h>

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

class QSslSocket;
class QTimer;
class QWebSocketServer;

namespace Orrery::Net {

namespace Internal {
class TlsListener;
}

// A TLS-only WebSocket server (wss://). Accepts TCP connections, runs the TLS server
// handshake on a QSslSocket with a timeout (our own small QTcpServer: QSslServer 6.4 reported
// nothing at all for a plain ws:// client in our tests, not even after its handshake timeout), sets
// TCP_NODELAY on each socket (the handshake otherwise stalls ~40 ms on Nagle/delayed ACK), then
// hands the encrypted socket to a QWebSocketServer in non-secure mode for the upgrade. A client
// that speaks plain ws:// or plain HTTP fails the TLS handshake and is dropped (logged at debug).
// Every accepted connection becomes a Channel (child of the server).
// A TLS handshake allocates and frees far more than the connection keeps (key exchange,
// certificate chains, Qt's socket set-up); glibc keeps the freed pages resident. Once no
// handshake has ended for a second, the server gives the free heap pages back to the system
// (releaseFreedMemory(), heap.h), so a burst of connections (1,000 agents reconnecting) does
// not leave the master larger than what it holds.
class WssServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WssServer)

public:
    WssServer(const QSslConfiguration &tls, const ChannelOptions &options,
              QObject *parent = nullptr);
    ~WssServer() override;

    // Port 0 = any free port. Io error "cannot listen on ADDRESS:PORT: <reason>" (address in
    // use, permission denied).
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    bool isListening() const;
    // Stops listening and closes every open channel (1001 going away, "server shutting down").
    void close();
    // The TLS handshake must finish within this time (default 10 s); then the socket is dropped.
    void setHandshakeTimeoutMs(int ms);

signals:
    // A new connection passed TLS and the WebSocket upgrade. The server owns the channel
    // and deletes it (deleteLater) after it emits closed().
    void connected(Orrery::Net::Channel *channel);
    // A connection failed before it became a channel (TLS handshake error, bad upgrade).
    void handshakeFailed(const QString &peer, const QString &reason);

private:
    void onEncrypted(QSslSocket *socket);
    void onUpgraded();
    // A connection came up or failed its handshake: the heap is trimmed once the handshakes
    // have been quiet for a while (releaseFreedMemory).
    void noteHandshakeEnded();

    Internal::TlsListener *m_tcp;
    QWebSocketServer *m_ws;
    QTimer *m_trimTimer;
    // Sockets handed to m_ws and not yet upgraded: each becomes its Channel's transport.
    QList<QPointer<QSslSocket>> m_upgrading;
    ChannelOptions m_options;
};

}  // namespace Orrery::Net

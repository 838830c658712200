#pragma once

#include "backoff.h"
#include "channel.h"

#include <model/result.h>

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <random>

namespace Orrery::Net {

// The dialling side: connects to the first reachable of a list of wss:// URLs, and after a
// loss (or a failed attempt) reconnects by itself, trying the URLs in turn, with Backoff
// delays. TLS errors are never ignored: the CA in the configuration is pinned.
class WssClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WssClient)

public:
    // InvalidValue (file = "url") for an empty list or a URL that is not wss://host[:port]...
    static Result<void> checkUrls(const QList<QUrl> &urls);

    WssClient(const QList<QUrl> &urls, const QSslConfiguration &tls, const ChannelOptions &options,
              const Backoff &backoff = {}, QObject *parent = nullptr);
    ~WssClient() override;

    void start();  // first attempt at once
    void stop();   // closes the channel, no reconnect
    bool isRunning() const { return m_running; }

    // An attempt that has not connected (TLS + upgrade) after this long fails (default 10 s), so
    // that a black-holed host does not hold the client.
    void setConnectTimeoutMs(int ms) { m_connectTimer.setInterval(ms); }
    // The Channel id prefix of the channels this client opens (default "m").
    void setIdPrefix(const QString &prefix) { m_idPrefix = prefix; }
    // Pinning by certificate instead of by CA: when the TLS verification fails (with an empty
    // CA list in the configuration it always does), the handshake goes on only if `accept`
    // returns true for the server's certificate. Unset = TLS errors are never ignored.
    void setCertificateCheck(std::function<bool(const QSslCertificate &)> accept)
    {
        m_certificateCheck = std::move(accept);
    }
    // The server certificate of the latest TLS handshake, trusted or not (null before one).
    QSslCertificate lastPeerCertificate() const { return m_lastPeerCertificate; }

    // The open channel, or nullptr while disconnected. Owned by the client; valid until
    // disconnected() is emitted.
    Channel *channel() const { return m_channel; }
    QUrl currentUrl() const;

signals:
    void connected(Orrery::Net::Channel *channel);
    void disconnected(const QString &reason);
    // One attempt failed (TLS error, refused, timeout); the next one is scheduled in delayMs.
    void attemptFailed(const QUrl &url, const QString &error, qint64 delayMs);

private:
    void attempt();
    void scheduleReconnect(const QString &error);
    void onPendingClosed(Channel *channel, const QString &reason);
    void onChannelClosed(Channel *channel, const QString &reason);
    void dropPending();

    QList<QUrl> m_urls;
    QSslConfiguration m_tls;
    ChannelOptions m_options;
    Backoff m_backoff;
    QTimer m_retryTimer;
    QTimer m_connectTimer;
    QString m_idPrefix = QStringLiteral("m");
    std::function<bool(const QSslCertificate &)> m_certificateCheck;
    QSslCertificate m_lastPeerCertificate;
    Channel *m_channel = nullptr;  // open channel
    Channel *m_pending = nullptr;  // connecting
    int m_urlIndex = 0;
    int m_failures = 0;
    bool m_running = false;
    std::mt19937_64 m_random;
};

}  // namespace Orrery::Net

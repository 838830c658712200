#include "wssclient.h"

#include <QAbstractSocket>
#include <QLoggingCategory>
#include <QSslError>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Net {

static Q_LOGGING_CATEGORY(lcClient, "orrery.core.net.client", QtInfoMsg)

        static Error urlError(const QString &message)
{
    Error e = makeError(ErrorCode::InvalidValue, message);
    e.file = u"url"_s;
    return e;
}

Result<void> WssClient::checkUrls(const QList<QUrl> &urls)
{
    if (urls.isEmpty())
        return urlError(u"no master URL given"_s);
    for (const QUrl &url : urls) {
        const QString shown = url.toDisplayString();
        if (!url.isValid())
            return urlError(u"'%1' is not a valid URL: %2"_s.arg(shown, url.errorString()));
        if (url.scheme() != u"wss"_s)
            return urlError(
                    u"'%1' is not a wss:// URL (only TLS WebSockets are allowed)"_s.arg(shown));
        if (url.host().isEmpty())
            return urlError(u"'%1' has no host"_s.arg(shown));
        if (!url.userInfo().isEmpty())
            return urlError(u"'%1' must not carry a user or password"_s.arg(shown));
        if (url.hasFragment())
            return urlError(u"'%1' must not have a fragment"_s.arg(shown));
    }
    return {};
}

WssClient::WssClient(const QList<QUrl> &urls, const QSslConfiguration &tls,
                     const ChannelOptions &options, const Backoff &backoff, QObject *parent)
    : QObject(parent)
    , m_urls(urls)
    , m_tls(tls)
    , m_options(options)
    , m_backoff(backoff)
    , m_random(std::random_device{}())
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &WssClient::attempt);
    m_connectTimer.setSingleShot(true);
    m_connectTimer.setInterval(10000);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (!m_pending)
            return;
        const QString error = u"no connection after %1 ms"_s.arg(m_connectTimer.interval());
        dropPending();
        scheduleReconnect(error);
    });
}

WssClient::~WssClient()
{
    m_running = false;
    for (Channel *channel : {m_pending, m_channel}) {
        if (channel)
            disconnect(channel, nullptr, this, nullptr);
    }
}

QUrl WssClient::currentUrl() const
{
    return m_urls.value(m_urlIndex);
}

void WssClient::start()
{
    if (m_running)
        return;
    m_running = true;
    m_failures = 0;
    if (Result<void> ok = checkUrls(m_urls); !ok) {
        // Not retried: a wrong URL does not heal by waiting.
        m_running = false;
        emit attemptFailed(currentUrl(), ok.error().message, -1);
        return;
    }
    attempt();
}

void WssClient::stop()
{
    m_running = false;
    m_retryTimer.stop();
    m_connectTimer.stop();
    dropPending();
    if (m_channel)
        m_channel->close(QWebSocketProtocol::CloseCodeNormal, u"client stopping"_s);
}

void WssClient::attempt()
{
    if (!m_running || m_pending || m_channel)
        return;
    const QUrl url = currentUrl();
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest);
    socket->setSslConfiguration(m_tls);
    auto *channel = new Channel(socket, m_options, this);
    channel->setIdPrefix(m_idPrefix);
    m_pending = channel;
    connect(socket, &QWebSocket::sslErrors, this, [this, socket](const QList<QSslError> &errors) {
        QSslCertificate peer = socket->sslConfiguration().peerCertificate();
        for (const QSslError &e : errors) {
            if (peer.isNull() && !e.certificate().isNull())
                peer = e.certificate();
        }
        m_lastPeerCertificate = peer;
        if (m_certificateCheck && !peer.isNull() && m_certificateCheck(peer))
            socket->ignoreSslErrors();
    });
    connect(socket, &QWebSocket::connected, this, [this, channel, socket] {
        if (channel != m_pending)
            return;
        m_lastPeerCertificate = socket->sslConfiguration().peerCertificate();
        m_connectTimer.stop();
        m_pending = nullptr;
        m_channel = channel;
        m_failures = 0;
        qCInfo(lcClient).noquote() << "connected to" << currentUrl().toDisplayString();
        emit connected(channel);
    });
    connect(channel, &Channel::closed, this, [this, channel](const QString &reason) {
        if (channel == m_pending)
            onPendingClosed(channel, reason);
        else if (channel == m_channel)
            onChannelClosed(channel, reason);
    });
    m_connectTimer.start();
    qCDebug(lcClient).noquote() << "connecting to" << url.toDisplayString();
    socket->open(url);
    // TCP_NODELAY, as on the server: QWebSocket has no option for it, but its TCP socket is
    // its child once open() has run. Without it every small message that follows another
    // waits for the peer's delayed ACK (Nagle), about 40 ms.
    for (QAbstractSocket *tcp : socket->findChildren<QAbstractSocket *>())
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

void WssClient::onPendingClosed(Channel *channel, const QString &reason)
{
    m_connectTimer.stop();
    m_pending = nullptr;
    channel->deleteLater();
    scheduleReconnect(reason.isEmpty() ? u"connection failed"_s : reason);
}

void WssClient::onChannelClosed(Channel *channel, const QString &reason)
{
    m_channel = nullptr;
    channel->deleteLater();
    qCInfo(lcClient).noquote() << "disconnected from" << currentUrl().toDisplayString() << reason;
    emit disconnected(reason);
    if (!m_running)
        return;
    // A lost connection is retried at the same URL first, after the first backoff step (with
    // jitter, so that many agents do not come back in one burst).
    m_failures = 0;
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    m_retryTimer.start(int(m_backoff.delayMs(1, draw(m_random))));
}

void WssClient::dropPending()
{
    if (!m_pending)
        return;
    Channel *channel = m_pending;
    m_pending = nullptr;
    disconnect(channel, nullptr, this, nullptr);
    disconnect(channel->socket(), nullptr, this, nullptr);
    channel->socket()->abort();
    channel->deleteLater();
}

void WssClient::scheduleReconnect(const QString &error)
{
    const QUrl failed = currentUrl();
    if (!m_running)
        return;
    ++m_failures;
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    const qint64 delay = m_backoff.delayMs(m_failures, draw(m_random));
    // The next attempt goes to the next URL in the list.
    if (!m_urls.isEmpty())
        m_urlIndex = (m_urlIndex + 1) % int(m_urls.size());
    qCInfo(lcClient).noquote() << "attempt at" << failed.toDisplayString() << "failed:" << error
                               << "- next in" << delay << "ms";
    m_retryTimer.start(int(std::min<qint64>(delay, INT_MAX)));
    emit attemptFailed(failed, error, delay);
}

}  // namespace Orrery::Net

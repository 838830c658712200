// WssServer, WssClient and Channel over real TLS on loopback, with certificates from initPki and
// issueClientCertificate: pinning, host names, plain ws://, mutual TLS, refused frames and the
// error replies, rate limits, binary frames, oversize frames, and reconnects.

#include <net/pki.h>
#include <net/tls.h>
#include <net/wssclient.h>
#include <net/wssserver.h>

#include <protocol/messages.h>

#include <QJsonDocument>
#include <QPointer>
#include <QSignalSpy>
#include <QSslError>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Net;

static constexpr int kTimeout = 20000;

static Protocol::HeartbeatBody heartbeat(int running = 1)
{
    Protocol::HeartbeatBody body;
    body.cpuPercent = 12.5;
    body.freeMemoryBytes = 1 << 20;
    body.running = running;
    body.clockMs = 1700000000000;
    return body;
}

static QString heartbeatFrame(const QString &id)
{
    return QString::fromUtf8(Protocol::encode(Protocol::makeEnvelope(heartbeat(), id)));
}

// One error reply as the raw peer sees it.
struct Reply
{
    QString type;
    QString re;
    QString code;
};

static Reply parseReply(const QString &text)
{
    const auto decoded = Protocol::decode(text.toUtf8());
    if (!decoded)
        return {u"<undecodable>"_s, {}, decoded.error().toString()};
    Reply r{decoded->type, decoded->re, {}};
    if (auto body = Protocol::bodyOf<Protocol::ErrorBody>(*decoded))
        r.code = body->code;
    return r;
}

// A plain QWebSocket with the pinned CA, to send what a well-behaved Channel never would.
struct RawClient
{
    std::unique_ptr<QWebSocket> socket = std::make_unique<QWebSocket>();
    QStringList received;
    QList<QSslError> sslErrors;

    explicit RawClient(const QSslConfiguration &tls)
    {
        socket->setSslConfiguration(tls);
        QObject::connect(socket.get(), &QWebSocket::textMessageReceived, socket.get(),
                         [this](const QString &m) { received << m; });
        QObject::connect(socket.get(), &QWebSocket::sslErrors, socket.get(),
                         [this](const QList<QSslError> &e) { sslErrors += e; });
    }
    bool open(const QUrl &url)
    {
        QSignalSpy connected(socket.get(), &QWebSocket::connected);
        QSignalSpy disconnected(socket.get(), &QWebSocket::disconnected);
        socket->open(url);
        const bool settled = QTest::qWaitFor(
                [&] {
                    return !connected.isEmpty() || !disconnected.isEmpty()
                           || socket->state() == QAbstractSocket::UnconnectedState;
                },
                kTimeout);
        return settled && !connected.isEmpty();
    }
};

class tst_Channel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void exchangeBothWays();
    void clientPinningAnotherCaFails();
    void hostNameNotInCertificateFails();
    void plainWebSocketFails();
    void oversizeFrameClosesWithTooMuchData();
    void garbledJsonGetsSyntaxError();
    void unknownTypeGetsUnknownTypeError();
    void rateLimited();
    void binaryFrameCloses();
    void consecutiveRefusalsClose();
    void sendWhenClosedFails();
    void mutualTls();
    void reconnectsAfterServerRestart();
    void connectAttemptTimesOut();
    void checkUrls_data();
    void checkUrls();

private:
    // A server with `options` on 127.0.0.1, port chosen by the system.
    WssServer *startServer(const ChannelOptions &options = {},
                           const QSslConfiguration *tls = nullptr);
    QUrl url(const QString &host = u"127.0.0.1"_s) const;
    // Connects a RawClient and returns the server's channel for it.
    Channel *connectRaw(RawClient &client);

    QTemporaryDir m_tmp;
    PkiFiles m_pki;
    QString m_pkiDir;
    QSslConfiguration m_serverTls;
    QSslConfiguration m_clientTls;
    QSslConfiguration m_otherClientTls;  // pins another CA
    std::unique_ptr<WssServer> m_server;
    std::unique_ptr<QSignalSpy> m_connected;
};

void tst_Channel::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_pkiDir = m_tmp.filePath(u"pki"_s);
    PkiOptions options;
    options.dir = m_pkiDir;
    options.names = {u"localhost"_s};
    options.addresses = {u"127.0.0.1"_s};
    auto pki = initPki(options);
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error().toString()));
    m_pki = *pki;
    options.dir = m_tmp.filePath(u"other"_s);
    auto other = initPki(options);
    QVERIFY(other);

    auto server = serverTlsConfiguration({m_pki.masterCert, m_pki.masterKey, {}, false});
    auto client = clientTlsConfiguration({m_pki.caCert, {}, {}});
    auto otherClient = clientTlsConfiguration({other->caCert, {}, {}});
    QVERIFY(server && client && otherClient);
    m_serverTls = *server;
    m_clientTls = *client;
    m_otherClientTls = *otherClient;
}

void tst_Channel::init()
{
    m_server.reset();
    m_connected.reset();
}

void tst_Channel::cleanup()
{
    m_connected.reset();
    m_server.reset();
}

WssServer *tst_Channel::startServer(const ChannelOptions &options, const QSslConfiguration *tls)
{
    m_connected.reset();
    m_server = std::make_unique<WssServer>(tls ? *tls : m_serverTls, options);
    m_connected = std::make_unique<QSignalSpy>(m_server.get(), &WssServer::connected);
    const Result<quint16> port = m_server->listen(QHostAddress::LocalHost, 0);
    if (!port)
        qFatal("listen: %s", qPrintable(port.error().toString()));
    return m_server.get();
}

QUrl tst_Channel::url(const QString &host) const
{
    QUrl u;
    u.setScheme(u"wss"_s);
    u.setHost(host);
    u.setPort(m_server->port());
    u.setPath(u"/agent"_s);
    return u;
}

Channel *tst_Channel::connectRaw(RawClient &client)
{
    const qsizetype before = m_connected->size();
    if (!client.open(url()))
        return nullptr;
    if (!QTest::qWaitFor([&] { return m_connected->size() > before; }, kTimeout))
        return nullptr;
    return m_connected->last().at(0).value<Channel *>();
}

void tst_Channel::exchangeBothWays()
{
    startServer();
    QPointer<Channel> serverSide;
    QList<Protocol::Envelope> atServer;
    connect(m_server.get(), &WssServer::connected, this, [&](Channel *channel) {
        serverSide = channel;
        connect(channel, &Channel::received, this,
                [&](const Protocol::Envelope &m) { atServer << m; });
    });

    WssClient client({url()}, m_clientTls, {});
    client.setIdPrefix(u"a"_s);
    QSignalSpy clientConnected(&client, &WssClient::connected);
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(!clientConnected.isEmpty() && serverSide, kTimeout);
    Channel *channel = client.channel();
    QVERIFY(channel);
    QCOMPARE(clientConnected.first().at(0).value<Channel *>(), channel);
    QVERIFY(channel->isOpen());
    QVERIFY(serverSide->isOpen());
    QVERIFY(serverSide->peer().startsWith(u"127.0.0.1:"_s));
    QVERIFY(serverSide->peerCertificate().isNull());  // no mutual TLS here
    QCOMPARE(channel->peerCertificate().subjectInfo(QSslCertificate::CommonName),
             QStringList{u"localhost"_s});

    QList<Protocol::Envelope> atClient;
    connect(channel, &Channel::received, this, [&](const Protocol::Envelope &m) { atClient << m; });

    QCOMPARE(channel->send(heartbeat(3)), u"a1"_s);
    QCOMPARE(channel->send(heartbeat(4)), u"a2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(atServer.size(), 2, kTimeout);
    QCOMPARE(atServer.at(0).id, u"a1"_s);
    QCOMPARE(atServer.at(1).id, u"a2"_s);
    auto hb = Protocol::bodyOf<Protocol::HeartbeatBody>(atServer.at(1));
    QVERIFY(hb);
    QCOMPARE(*hb, heartbeat(4));

    Protocol::AckBody ack;
    ack.runId = RunId(9007199254740993LL);
    ack.attempt = 2;
    QCOMPARE(serverSide->send(ack, atServer.at(0).id), u"m1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(atClient.size(), 1, kTimeout);
    QCOMPARE(atClient.first().type, Protocol::AckBody::type());
    QCOMPARE(atClient.first().re, u"a1"_s);
    QCOMPARE(Protocol::bodyOf<Protocol::AckBody>(atClient.first()).value(), ack);

    // The client closes: the server's channel reports it once, with the reason, and goes away.
    QSignalSpy serverClosed(serverSide.data(), &Channel::closed);
    QSignalSpy clientDisconnected(&client, &WssClient::disconnected);
    client.stop();
    QTRY_COMPARE_WITH_TIMEOUT(serverClosed.size(), 1, kTimeout);
    QCOMPARE(serverClosed.first().at(0).toString(), u"client stopping"_s);
    QTRY_COMPARE_WITH_TIMEOUT(clientDisconnected.size(), 1, kTimeout);
    QCOMPARE(client.channel(), nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(serverSide.isNull(), kTimeout);  // deleteLater'd by the server
}

void tst_Channel::clientPinningAnotherCaFails()
{
    startServer();
    QSignalSpy failed(m_server.get(), &WssServer::handshakeFailed);

    Backoff fast{10, 50, 2.0, 0.2};
    WssClient wrong({url()}, m_otherClientTls, {}, fast);
    QSignalSpy attemptFailed(&wrong, &WssClient::attemptFailed);
    QSignalSpy wrongConnected(&wrong, &WssClient::connected);
    wrong.start();
    QTRY_VERIFY_WITH_TIMEOUT(!attemptFailed.isEmpty(), kTimeout);
    wrong.stop();
    QVERIFY(wrongConnected.isEmpty());
    QCOMPARE(attemptFailed.first().at(0).toUrl(), url());
    QVERIFY2(attemptFailed.first().at(1).toString().startsWith(u"TLS: "_s),
             qPrintable(attemptFailed.first().at(1).toString()));
    const qint64 delay = attemptFailed.first().at(2).toLongLong();
    QVERIFY2(delay >= 8 && delay <= 12, qPrintable(QString::number(delay)));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kTimeout);
    QVERIFY(failed.first().at(0).toString().startsWith(u"127.0.0.1:"_s));

    // The raw view: the certificate's issuer is unknown to the client.
    RawClient raw(m_otherClientTls);
    QVERIFY(!raw.open(url()));
    QVERIFY(std::any_of(raw.sslErrors.cbegin(), raw.sslErrors.cend(), [](const QSslError &e) {
        return e.error() == QSslError::UnableToGetLocalIssuerCertificate
               || e.error() == QSslError::CertificateUntrusted
               || e.error() == QSslError::UnableToVerifyFirstCertificate;
    }));

    // The server carries on.
    RawClient good(m_clientTls);
    QVERIFY(connectRaw(good));
}

void tst_Channel::hostNameNotInCertificateFails()
{
    // A certificate for localhost only: 127.0.0.1 is not among its names.
    PkiOptions options;
    options.dir = m_tmp.filePath(u"nameonly"_s);
    options.names = {u"localhost"_s};
    options.addresses = {};
    auto pki = initPki(options);
    QVERIFY(pki);
    auto serverTls = serverTlsConfiguration({pki->masterCert, pki->masterKey, {}, false});
    auto clientTls = clientTlsConfiguration({pki->caCert, {}, {}});
    QVERIFY(serverTls && clientTls);
    startServer({}, &*serverTls);

    RawClient raw(*clientTls);
    QVERIFY(!raw.open(url(u"127.0.0.1"_s)));
    QVERIFY(!raw.sslErrors.isEmpty());
    QVERIFY(std::any_of(raw.sslErrors.cbegin(), raw.sslErrors.cend(), [](const QSslError &e) {
        return e.error() == QSslError::HostNameMismatch;
    }));
    QVERIFY(m_connected->isEmpty());
}

void tst_Channel::plainWebSocketFails()
{
    startServer();
    QSignalSpy failed(m_server.get(), &WssServer::handshakeFailed);
    QWebSocket plain;
    QSignalSpy plainConnected(&plain, &QWebSocket::connected);
    QUrl u = url();
    u.setScheme(u"ws"_s);
    plain.open(u);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(plain.state(), QAbstractSocket::UnconnectedState, kTimeout);
    QVERIFY(plainConnected.isEmpty());
    QVERIFY(m_connected->isEmpty());

    RawClient good(m_clientTls);
    Channel *channel = connectRaw(good);
    QVERIFY(channel);
    QSignalSpy received(channel, &Channel::received);
    good.socket->sendTextMessage(heartbeatFrame(u"h1"_s));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kTimeout);
}

void tst_Channel::oversizeFrameClosesWithTooMuchData()
{
    ChannelOptions options;
    options.limits.maxMessageBytes = 1024;
    startServer(options);
    RawClient big(m_clientTls);
    Channel *channel = connectRaw(big);
    QVERIFY(channel);
    QSignalSpy closed(channel, &Channel::closed);
    QSignalSpy received(channel, &Channel::received);
    QSignalSpy disconnected(big.socket.get(), &QWebSocket::disconnected);

    // Exactly the limit still passes.
    QString atLimit = heartbeatFrame(u"h1"_s);
    atLimit.insert(1, u"\"pad\":\"%1\","_s.arg(QString(1024 - atLimit.size() - 9, u'x')));
    QCOMPARE(atLimit.toUtf8().size(), 1024);
    big.socket->sendTextMessage(atLimit);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kTimeout);

    big.socket->sendTextMessage(QString(1025, u'x'));
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kTimeout);
    QVERIFY2(closed.first().at(0).toString().startsWith(u"too_large"_s),
             qPrintable(closed.first().at(0).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), kTimeout);
    QCOMPARE(big.socket->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    QCOMPARE(received.size(), 1);

    // Others are still served.
    RawClient next(m_clientTls);
    Channel *second = connectRaw(next);
    QVERIFY(second);
    QSignalSpy secondReceived(second, &Channel::received);
    next.socket->sendTextMessage(heartbeatFrame(u"h2"_s));
    QTRY_COMPARE_WITH_TIMEOUT(secondReceived.size(), 1, kTimeout);
}

void tst_Channel::garbledJsonGetsSyntaxError()
{
    startServer();
    RawClient raw(m_clientTls);
    Channel *channel = connectRaw(raw);
    QVERIFY(channel);
    QSignalSpy refused(channel, &Channel::refused);
    QSignalSpy received(channel, &Channel::received);

    raw.socket->sendTextMessage(u"{\"v\": 1, \"id\": \"g1\", "_s);
    QTRY_COMPARE_WITH_TIMEOUT(raw.received.size(), 1, kTimeout);
    const Reply reply = parseReply(raw.received.first());
    QCOMPARE(reply.type, u"error"_s);
    QCOMPARE(reply.code, u"syntax"_s);
    QCOMPARE(reply.re, QString());
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().at(0).value<Error>().code, ErrorCode::Syntax);

    // The connection stays up.
    raw.socket->sendTextMessage(heartbeatFrame(u"h1"_s));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kTimeout);
    QVERIFY(channel->isOpen());
}

void tst_Channel::unknownTypeGetsUnknownTypeError()
{
    startServer();
    RawClient raw(m_clientTls);
    Channel *channel = connectRaw(raw);
    QVERIFY(channel);
    raw.socket->sendTextMessage(u"{\"v\":1,\"type\":\"frobnicate\",\"id\":\"x7\",\"body\":{}}"_s);
    QTRY_COMPARE_WITH_TIMEOUT(raw.received.size(), 1, kTimeout);
    const Reply reply = parseReply(raw.received.first());
    QCOMPARE(reply.type, u"error"_s);
    QCOMPARE(reply.code, u"unknown_type"_s);
    QCOMPARE(reply.re, u"x7"_s);
    QVERIFY(channel->isOpen());
}

void tst_Channel::rateLimited()
{
    ChannelOptions options;
    options.rateCapacity = 2;
    options.ratePerSecond = 0.001;  // no refill within the test
    startServer(options);
    RawClient raw(m_clientTls);
    Channel *channel = connectRaw(raw);
    QVERIFY(channel);
    QSignalSpy received(channel, &Channel::received);
    for (const QString &id : {u"h1"_s, u"h2"_s, u"h3"_s})
        raw.socket->sendTextMessage(heartbeatFrame(id));
    QTRY_COMPARE_WITH_TIMEOUT(raw.received.size(), 1, kTimeout);
    QCOMPARE(received.size(), 2);
    const Reply reply = parseReply(raw.received.first());
    QCOMPARE(reply.code, u"rate_limited"_s);
    QCOMPARE(reply.re, u"h3"_s);
    QVERIFY(channel->isOpen());
}

void tst_Channel::binaryFrameCloses()
{
    startServer();
    RawClient raw(m_clientTls);
    QPointer<Channel> channel = connectRaw(raw);
    QVERIFY(channel);
    QSignalSpy closed(channel.data(), &Channel::closed);
    QSignalSpy disconnected(raw.socket.get(), &QWebSocket::disconnected);
    raw.socket->sendBinaryMessage(QByteArray("\x01\x02\x03", 3));
    QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), kTimeout);
    QCOMPARE(raw.socket->closeCode(), QWebSocketProtocol::CloseCodeDatatypeNotSupported);
    QVERIFY(!raw.socket->closeReason().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kTimeout);
    QCOMPARE(closed.first().at(0).toString(), raw.socket->closeReason());
    QVERIFY(raw.received.isEmpty());
    // closed() is emitted exactly once, even when close() is called again.
    if (channel)
        channel->close(QWebSocketProtocol::CloseCodeNormal, u"again"_s);
    QTest::qWait(50);
    QCOMPARE(closed.size(), 1);
}

void tst_Channel::consecutiveRefusalsClose()
{
    ChannelOptions options;
    options.maxConsecutiveRefusals = 3;
    startServer(options);
    RawClient raw(m_clientTls);
    Channel *channel = connectRaw(raw);
    QVERIFY(channel);
    QSignalSpy closed(channel, &Channel::closed);
    QSignalSpy received(channel, &Channel::received);
    QSignalSpy disconnected(raw.socket.get(), &QWebSocket::disconnected);

    // Two refusals, then a good message: the count starts again.
    raw.socket->sendTextMessage(u"nope"_s);
    raw.socket->sendTextMessage(u"nope"_s);
    raw.socket->sendTextMessage(heartbeatFrame(u"h1"_s));
    raw.socket->sendTextMessage(u"nope"_s);
    raw.socket->sendTextMessage(u"nope"_s);
    QTRY_COMPARE_WITH_TIMEOUT(raw.received.size(), 4, kTimeout);
    QCOMPARE(received.size(), 1);
    QVERIFY(channel->isOpen());
    QVERIFY(closed.isEmpty());

    raw.socket->sendTextMessage(u"nope"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), kTimeout);
    QCOMPARE(raw.socket->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(raw.received.size(), 5);  // the last one was answered before the close
    QCOMPARE(parseReply(raw.received.last()).code, u"syntax"_s);
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kTimeout);
}

void tst_Channel::sendWhenClosedFails()
{
    startServer();
    RawClient raw(m_clientTls);
    QPointer<Channel> channel = connectRaw(raw);
    QVERIFY(channel);
    QSignalSpy closed(channel.data(), &Channel::closed);
    raw.socket->close(QWebSocketProtocol::CloseCodeNormal, u"bye"_s);
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kTimeout);
    QCOMPARE(closed.first().at(0).toString(), u"bye"_s);
    if (channel) {
        QVERIFY(!channel->isOpen());
        QCOMPARE(channel->send(heartbeat()), QString());
    }
}

void tst_Channel::mutualTls()
{
    auto issued = issueClientCertificate(m_pkiDir, u"agent-07"_s);
    QVERIFY2(issued, qPrintable(issued ? QString() : issued.error().toString()));
    auto serverTls
            = serverTlsConfiguration({m_pki.masterCert, m_pki.masterKey, m_pki.caCert, true});
    auto withCert = clientTlsConfiguration({m_pki.caCert, issued->certificate, issued->privateKey});
    QVERIFY(serverTls && withCert);
    startServer({}, &*serverTls);

    // The handshake asks for a certificate but lets a peer without one in (clients with
    // tokens share the port); the master refuses such an agent at its hello.
    WssClient anonymous({url()}, m_clientTls, {});
    QSignalSpy anonymousConnected(&anonymous, &WssClient::connected);
    anonymous.start();
    QTRY_VERIFY_WITH_TIMEOUT(!anonymousConnected.isEmpty() && m_connected->size() == 1, kTimeout);
    auto *anonymousSide = m_connected->first().at(0).value<Channel *>();
    QVERIFY(anonymousSide->peerCertificate().isNull());
    QVERIFY(!verifyClientCertificate(anonymousSide->peerCertificateChain(),
                                     serverTls->caCertificates()));
    anonymous.stop();

    WssClient agent({url()}, *withCert, {});
    QSignalSpy agentConnected(&agent, &WssClient::connected);
    agent.start();
    QTRY_VERIFY_WITH_TIMEOUT(!agentConnected.isEmpty() && m_connected->size() == 2, kTimeout);
    auto *serverSide = m_connected->at(1).at(0).value<Channel *>();
    QCOMPARE(serverSide->peerCertificate().subjectInfo(QSslCertificate::CommonName),
             QStringList{u"agent-07"_s});
    const Result<void> verified = verifyClientCertificate(serverSide->peerCertificateChain(),
                                                          serverTls->caCertificates());
    QVERIFY2(verified, qPrintable(verified ? QString() : verified.error().message));
}

void tst_Channel::reconnectsAfterServerRestart()
{
    startServer();
    const quint16 port = m_server->port();
    const QUrl target = url();

    Backoff fast{20, 100, 2.0, 0.2};
    WssClient client({target}, m_clientTls, {}, fast);
    QSignalSpy connected(&client, &WssClient::connected);
    QSignalSpy disconnected(&client, &WssClient::disconnected);
    QSignalSpy attemptFailed(&client, &WssClient::attemptFailed);
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, kTimeout);

    m_server->close();
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kTimeout);
    QCOMPARE(disconnected.first().at(0).toString(), u"server shutting down"_s);
    m_server.reset();

    // Nobody listens: attempts fail with growing, capped, jittered delays.
    QTRY_VERIFY_WITH_TIMEOUT(attemptFailed.size() >= 3, kTimeout);
    for (const QList<QVariant> &failure : attemptFailed) {
        QCOMPARE(failure.at(0).toUrl(), target);
        QVERIFY(!failure.at(1).toString().isEmpty());
        const qint64 delay = failure.at(2).toLongLong();
        QVERIFY2(delay >= 16 && delay <= 120, qPrintable(QString::number(delay)));
    }
    QVERIFY(attemptFailed.at(2).at(2).toLongLong() >= 64);  // 80 +/- 20 %

    m_server = std::make_unique<WssServer>(m_serverTls, ChannelOptions{});
    const Result<quint16> again = m_server->listen(QHostAddress::LocalHost, port);
    QVERIFY2(again, qPrintable(again ? QString() : again.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 2, kTimeout);
    QVERIFY(client.channel());
    QVERIFY(client.channel()->isOpen());
}

void tst_Channel::connectAttemptTimesOut()
{
    // A host that accepts TCP and never answers the TLS handshake.
    QTcpServer blackHole;
    QVERIFY(blackHole.listen(QHostAddress::LocalHost, 0));
    QUrl target(u"wss://127.0.0.1/"_s);
    target.setPort(blackHole.serverPort());
    WssClient client({target}, m_clientTls, {}, Backoff{10000, 10000, 2.0, 0.0});
    client.setConnectTimeoutMs(300);
    QSignalSpy attemptFailed(&client, &WssClient::attemptFailed);
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(attemptFailed.size(), 1, kTimeout);
    QVERIFY2(attemptFailed.first().at(1).toString().contains(u"300"_s),
             qPrintable(attemptFailed.first().at(1).toString()));
    QCOMPARE(attemptFailed.first().at(2).toLongLong(), qint64(10000));
    QCOMPARE(client.channel(), nullptr);
    client.stop();
}

void tst_Channel::checkUrls_data()
{
    QTest::addColumn<QStringList>("urls");
    QTest::addColumn<bool>("ok");
    QTest::newRow("wss") << QStringList{u"wss://master.example.com:8443/agent"_s} << true;
    QTest::newRow("wss-two") << QStringList{u"wss://a:1"_s, u"wss://[::1]:2"_s} << true;
    QTest::newRow("empty-list") << QStringList{} << false;
    QTest::newRow("ws") << QStringList{u"ws://master:8443"_s} << false;
    QTest::newRow("http") << QStringList{u"http://master:8443"_s} << false;
    QTest::newRow("https") << QStringList{u"https://master"_s} << false;
    QTest::newRow("one-bad-of-two") << QStringList{u"wss://a:1"_s, u"ws://b:2"_s} << false;
    QTest::newRow("no-host") << QStringList{u"wss:///path"_s} << false;
    QTest::newRow("user-info") << QStringList{u"wss://user:pw@master"_s} << false;
    QTest::newRow("no-scheme") << QStringList{u"master:8443"_s} << false;
}

void tst_Channel::checkUrls()
{
    QFETCH(QStringList, urls);
    QFETCH(bool, ok);
    QList<QUrl> list;
    for (const QString &u : urls)
        list << QUrl(u);
    const Result<void> r = WssClient::checkUrls(list);
    QCOMPARE(bool(r), ok);
    if (!ok) {
        QCOMPARE(r.error().code, ErrorCode::InvalidValue);
        QCOMPARE(r.error().file, u"url"_s);
    }
}

QTEST_GUILESS_MAIN(tst_Channel)
#include "tst_channel.moc"

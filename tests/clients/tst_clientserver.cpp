// The master's client sessions in-process (Store, Engine, RestApi, WssServer, ClientServer on
// loopback with real TLS): a client that stops reading is dropped once its unsent data passes
// the limit, while a client that reads gets every event; agents' first messages still reach
// the engine.

#include "../rest/restfixture.h"

#include <client/masterconnection.h>
#include <master/clients/clientserver.h>
#include <net/wssclient.h>
#include <net/wssserver.h>

#include <QSslSocket>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Test;
using namespace Qt::Literals::StringLiterals;

namespace {

// One client-to-server WebSocket text frame (masked, as RFC 6455 requires of clients).
QByteArray maskedTextFrame(const QByteArray &payload)
{
    QByteArray frame;
    frame.append(char(0x81));  // FIN + text
    const qsizetype n = payload.size();
    if (n < 126) {
        frame.append(char(0x80 | n));
    } else {
        frame.append(char(0x80 | 126));
        frame.append(char((n >> 8) & 0xff));
        frame.append(char(n & 0xff));
    }
    const char key[4] = {0x11, 0x22, 0x33, 0x44};
    frame.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(char(payload.at(i) ^ key[i % 4]));
    return frame;
}

}  // namespace

class tst_ClientServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void slowClientIsDropped();
    void agentsStillReachTheEngine();
    void revokedTokenEndsTheSession();

private:
    QTemporaryDir m_pkiDir;
    Net::PkiFiles m_pki;
};

void tst_ClientServer::initTestCase()
{
    const Result<Net::PkiFiles> pki = RestFixture::makePki(m_pkiDir.path());
    QVERIFY2(pki.has_value(), pki ? "" : qPrintable(pki.error().toString()));
    m_pki = *pki;
}

void tst_ClientServer::slowClientIsDropped()
{
    RestFixture f;
    const QString started = f.start(m_pki);
    QVERIFY2(started.isEmpty(), qPrintable(started));
    Net::WssServer server(f.serverTls(), Net::ChannelOptions());
    Master::ClientServerOptions options;
    // Several events' worth: a client that reads is never over it for long.
    options.maxQueuedBytes = 4 * 1024 * 1024;
    Master::ClientServer clients(*f.engine, *f.api, options);
    connect(&server, &Net::WssServer::connected, &clients, &Master::ClientServer::attachChannel);
    const Result<quint16> port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port.has_value());

    // A client that reads: it must get every event.
    Client::MasterConnection reader;
    Client::ConnectionSettings s;
    s.url = QUrl(u"wss://127.0.0.1:%1"_s.arg(*port));
    s.caFile = m_pki.caCert;
    s.token = f.adminToken;
    QVERIFY(reader.connectToMaster(s).has_value());
    QSignalSpy readerSubscribed(&reader, &Client::MasterConnection::subscribed);
    reader.subscribe({u"jobs"_s});
    QVERIFY(readerSubscribed.wait(10000));
    QSignalSpy readerEvents(&reader, &Client::MasterConnection::event);

    // A client that authenticates, subscribes and then reads nothing more.
    QSslSocket slow;
    slow.setSslConfiguration(f.clientTls);
    QSignalSpy encrypted(&slow, &QSslSocket::encrypted);
    slow.connectToHostEncrypted(u"127.0.0.1"_s, *port);  // the server runs in this thread too
    QVERIFY(encrypted.wait(10000));
    slow.write(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen += slow.readAll()).contains("\r\n\r\n"), 10000);
    QVERIFY2(seen.startsWith("HTTP/1.1 101"), seen.constData());
    slow.write(maskedTextFrame(R"({"v":1,"type":"auth","id":"s1","body":{"token":")"
                               + f.adminToken.toUtf8() + R"("}})"));
    slow.write(
            maskedTextFrame(R"({"v":1,"type":"subscribe","id":"s2","body":{"topics":["jobs"]}})"));
    QTRY_VERIFY_WITH_TIMEOUT((seen += slow.readAll()).contains("\"subscribed\""), 10000);
    QCOMPARE(clients.sessionCount(), 2);
    slow.setReadBufferSize(1024);  // from now on the socket takes nothing more from the network

    QSignalSpy closed(&clients, &Master::ClientServer::sessionClosed);
    // Big events: a job whose command is 400 KB, changed again and again.
    Job job;
    job.name = u"big"_s;
    job.command = QString(400 * 1024, u'x');
    const Master::Actor actor{u"test"_s, QString()};
    Result<JobRecord> record = f.engine->createJob(job, actor);
    QVERIFY(record.has_value());
    int changes = 1;
    for (int i = 0; i < 80 && closed.isEmpty(); ++i) {
        Job changed = record->job;
        changed.command = job.command + QString::number(i);
        record = f.engine->updateJob(changed, actor);
        QVERIFY(record.has_value());
        ++changes;
        QTest::qWait(5);  // the event loop writes to both sockets
    }
    QVERIFY(!closed.isEmpty() || closed.wait(10000));
    QTest::qWait(200);  // a second (wrong) drop would show here
    QVERIFY2(closed.count() == 1,
             qPrintable(closed.last().at(0).toString() + u": "_s + closed.last().at(1).toString()));
    QVERIFY2(closed.first().at(1).toString().startsWith(u"slow_client"_s),
             qPrintable(closed.first().at(1).toString()));
    QCOMPARE(clients.sessionCount(), 1);
    // The reader got every change, in order.
    QTRY_COMPARE_WITH_TIMEOUT(readerEvents.count(), changes, 20000);
    QCOMPARE(readerEvents.last().at(1).toString(), u"job.changed"_s);
    QCOMPARE(readerEvents.last().at(2).toJsonObject().value(u"command"_s).toString(),
             record->job.command);
    QCOMPARE(reader.state(), Client::MasterConnection::State::Connected);
}

void tst_ClientServer::agentsStillReachTheEngine()
{
    RestFixture f;
    const QString started = f.start(m_pki);
    QVERIFY2(started.isEmpty(), qPrintable(started));
    Net::WssServer server(f.serverTls(), Net::ChannelOptions());
    Master::ClientServer clients(*f.engine, *f.api, Master::ClientServerOptions());
    connect(&server, &Net::WssServer::connected, &clients, &Master::ClientServer::attachChannel);
    const Result<quint16> port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port.has_value());

    // An agent's first message (enrol with a valid one-time token) is the engine's to answer.
    const Result<NewToken> enrol
            = f.store->createEnrolToken(RestFixture::startTime().addSecs(3600));
    QVERIFY(enrol.has_value());
    Net::WssClient agent({QUrl(u"wss://127.0.0.1:%1"_s.arg(*port))}, f.clientTls,
                         Net::ChannelOptions());
    QSignalSpy connected(&agent, &Net::WssClient::connected);
    agent.start();
    QVERIFY(connected.wait(10000));
    Net::Channel *channel = agent.channel();
    QSignalSpy received(channel, &Net::Channel::received);
    Protocol::EnrolBody body;
    body.token = enrol->plaintext;
    body.nodeName = u"edge-1"_s;
    body.hostname = u"edge-1.example"_s;
    channel->send(body);
    QVERIFY(received.wait(10000));
    const auto reply = received.first().at(0).value<Protocol::Envelope>();
    QCOMPARE(reply.type, Protocol::EnrolledBody::type());
    QCOMPARE(clients.sessionCount(), 0);
    bool listed = false;
    for (const Master::NodeStatus &node : f.engine->nodes())
        listed = listed || node.record.name == u"edge-1"_s;
    QVERIFY(listed);
}

// A revoked token stops a session that only listens to events, within tokenRecheckMs.
void tst_ClientServer::revokedTokenEndsTheSession()
{
    RestFixture f;
    const QString started = f.start(m_pki);
    QVERIFY2(started.isEmpty(), qPrintable(started));
    Net::WssServer server(f.serverTls(), Net::ChannelOptions());
    Master::ClientServerOptions options;
    options.tokenRecheckMs = 100;
    Master::ClientServer clients(*f.engine, *f.api, options);
    connect(&server, &Net::WssServer::connected, &clients, &Master::ClientServer::attachChannel);
    const Result<quint16> port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port.has_value());

    const Result<NewToken> token = f.store->createApiToken(u"listener"_s, TokenRole::Viewer);
    QVERIFY(token.has_value());
    Client::MasterConnection listener;
    Client::ConnectionSettings s;
    s.url = QUrl(u"wss://127.0.0.1:%1"_s.arg(*port));
    s.caFile = m_pki.caCert;
    s.token = token->plaintext;
    QVERIFY(listener.connectToMaster(s).has_value());
    QSignalSpy subscribed(&listener, &Client::MasterConnection::subscribed);
    listener.subscribe({u"runs"_s});
    QVERIFY(subscribed.wait(10000));
    QTest::qWait(300);  // several rechecks pass while the token is valid
    QCOMPARE(listener.state(), Client::MasterConnection::State::Connected);

    QVERIFY(f.store->revokeApiToken(token->id).has_value());
    QTRY_COMPARE_WITH_TIMEOUT(listener.state(), Client::MasterConnection::State::Refused, 10000);
    QCOMPARE(clients.sessionCount(), 0);
}

QTEST_GUILESS_MAIN(tst_ClientServer)
#include "tst_clientserver.moc"

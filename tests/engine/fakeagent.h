#pragma once

// A test "agent" for the engine tests: speaks the agent protocol by hand through a WssClient
// to a real WssServer on loopback, and the messages an agent sends.

#include <master/engine/engine.h>
#include <model/runstate.h>
#include <net/channel.h>
#include <net/pki.h>
#include <net/tls.h>
#include <net/wssclient.h>
#include <net/wssserver.h>
#include <protocol/messages.h>
#include <store/store.h>

#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QSslConfiguration>
#include <QStringList>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <memory>

namespace EngineTest {

using namespace Orrery;
using namespace Orrery::Net;

constexpr int kAgentTimeout = 20000;

// The TLS of a master on loopback and of the agents that trust it: a CA and a master
// certificate for localhost / 127.0.0.1 created under `pkiDir`.
struct LoopbackTls
{
    QSslConfiguration server;
    QSslConfiguration client;
};

inline Result<LoopbackTls> loopbackTls(const QString &pkiDir)
{
    PkiOptions options;
    options.dir = pkiDir;
    options.names = {QStringLiteral("localhost")};
    options.addresses = {QStringLiteral("127.0.0.1")};
    const Result<PkiFiles> pki = initPki(options);
    if (!pki)
        return pki.error();
    const auto server = serverTlsConfiguration({pki->masterCert, pki->masterKey, {}, false});
    if (!server)
        return server.error();
    const auto client = clientTlsConfiguration({pki->caCert, {}, {}});
    if (!client)
        return client.error();
    return LoopbackTls{*server, *client};
}

// One agent connection, driven by the test.
class FakeAgent final
{
public:
    FakeAgent(const QUrl &url, const QSslConfiguration &tls) : m_client({url}, tls, {})
    {
        m_client.setIdPrefix(QStringLiteral("a"));
        QObject::connect(&m_client, &WssClient::connected, [this](Channel *channel) {
            QObject::connect(channel, &Channel::received,
                             [this](const Protocol::Envelope &m) { received.append(m); });
        });
        QObject::connect(&m_client, &WssClient::disconnected,
                         [this](const QString &reason) { disconnects.append(reason); });
        m_client.start();
    }
    ~FakeAgent() { m_client.stop(); }

    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return m_client.channel() != nullptr; },
                               EngineTest::kAgentTimeout);
    }
    Channel *channel() const { return m_client.channel(); }

    template<typename Body>
    QString send(const Body &body)
    {
        return m_client.channel() ? m_client.channel()->send(body) : QString();
    }

    // The first received message of `type` not taken before (removes it), or an empty
    // envelope after the timeout.
    Protocol::Envelope take(const QString &type)
    {
        Protocol::Envelope out;
        [[maybe_unused]] const bool found = QTest::qWaitFor(
                [&] {
                    for (qsizetype i = 0; i < received.size(); ++i) {
                        if (received.at(i).type == type) {
                            out = received.takeAt(i);
                            return true;
                        }
                    }
                    return false;
                },
                EngineTest::kAgentTimeout);
        return out;
    }
    qsizetype count(const QString &type) const
    {
        return std::count_if(received.cbegin(), received.cend(),
                             [&](const Protocol::Envelope &m) { return m.type == type; });
    }
    void stop() { m_client.stop(); }

    QList<Protocol::Envelope> received;
    QStringList disconnects;

private:
    WssClient m_client;
};

inline Protocol::HelloBody hello(const QString &node, const QString &credential,
                                 int maxParallel = 4)
{
    Protocol::HelloBody h;
    h.nodeName = node;
    h.agentVersion = QStringLiteral("0.1.0-test");
    h.labels = {{QStringLiteral("zone"), QStringLiteral("a")}};
    h.maxParallel = maxParallel;
    h.credential = credential;
    return h;
}

inline Protocol::RunResultBody result(const Protocol::RunDispatchBody &dispatch, RunState state,
                                      int exitCode, const QDateTime &startedAt)
{
    Protocol::RunResultBody r;
    r.runId = dispatch.runId;
    r.attempt = dispatch.attempt;
    r.state = state;
    r.exitCode = exitCode;
    r.startedAtMs = startedAt.toMSecsSinceEpoch();
    r.finishedAtMs = startedAt.toMSecsSinceEpoch() + 10;
    return r;
}

// The agents' endpoint of a server listening on loopback `port`.
inline QUrl agentUrl(quint16 port)
{
    return QUrl(QStringLiteral("wss://127.0.0.1:%1/agent").arg(port));
}

// A TLS WebSocket server on a free loopback port that hands its connections to `engine`
// (as orrery-master does); null when it cannot listen.
inline std::unique_ptr<WssServer> serveAgents(Master::Engine &engine,
                                              const QSslConfiguration &tls)
{
    auto server = std::make_unique<WssServer>(tls, ChannelOptions{});
    QObject::connect(server.get(), &WssServer::connected, &engine, &Master::Engine::attachAgent);
    if (!server->listen(QHostAddress::LocalHost, 0))
        return nullptr;
    return server;
}

// Enrols `node` over `agent` with a fresh one-time token from `store`: the credential the
// master gave it, or empty when enrolment failed.
inline QString enrolNode(FakeAgent &agent, Store &store, const QDateTime &now,
                         const QString &node)
{
    auto token = store.createEnrolToken(now.addSecs(3600));
    if (!token)
        return {};
    Protocol::EnrolBody enrol;
    enrol.token = token->plaintext;
    enrol.nodeName = node;
    enrol.hostname = node + QStringLiteral(".example");
    agent.send(enrol);
    auto enrolled
            = Protocol::bodyOf<Protocol::EnrolledBody>(agent.take(Protocol::EnrolledBody::type()));
    return enrolled ? enrolled->credential : QString();
}

// The next run.dispatch the agent received (a default body after the timeout).
inline Protocol::RunDispatchBody takeDispatch(FakeAgent &agent)
{
    auto body = Protocol::bodyOf<Protocol::RunDispatchBody>(
            agent.take(Protocol::RunDispatchBody::type()));
    return body ? *body : Protocol::RunDispatchBody();
}

}  // namespace EngineTest

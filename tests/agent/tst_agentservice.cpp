// AgentService against a fake master: a Net::WssServer in the test, real TLS with a CA and
// server certificate from initPki, real child processes. Each test drives the protocol by
// hand and asserts what the master sees and what is on the agent's disk.

#include <agent/agentservice.h>
#include <agent/resultspool.h>

#include <model/clock.h>
#include <net/channel.h>
#include <net/pki.h>
#include <net/tls.h>
#include <net/wssserver.h>
#include <protocol/messages.h>

#include <QDir>
#include <QFile>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

static constexpr int kTimeout = 20000;
static const QString kCredential = u"node-7-secret"_s;

// The master's side, scripted: answers enrol and hello unless told otherwise, records
// everything it receives.
class FakeMaster final : public QObject
{
    Q_OBJECT

public:
    explicit FakeMaster(const QSslConfiguration &tls) : m_server(tls, Net::ChannelOptions{})
    {
        connect(&m_server, &Net::WssServer::connected, this, [this](Net::Channel *channel) {
            channel->setIdPrefix(u"m"_s);
            m_channel = channel;
            ++connections;
            connect(channel, &Net::Channel::received, this,
                    [this, channel](const Protocol::Envelope &message) {
                        received.append(message);
                        answer(channel, message);
                    });
        });
    }

    quint16 listen()
    {
        const Result<quint16> port = m_server.listen(QHostAddress::LocalHost, 0);
        return port ? *port : 0;
    }

    QList<Protocol::Envelope> ofType(const QString &type) const
    {
        QList<Protocol::Envelope> out;
        for (const Protocol::Envelope &m : received) {
            if (m.type == type)
                out.append(m);
        }
        return out;
    }
    int count(const QString &type) const { return static_cast<int>(ofType(type).size()); }

    template<typename Body>
    QString send(const Body &body)
    {
        return m_channel ? m_channel->send(body) : QString();
    }
    void dropConnection()
    {
        if (m_channel)
            m_channel->close(QWebSocketProtocol::CloseCodeGoingAway, u"test drops it"_s);
    }

    bool autoEnrol = true;
    bool autoWelcome = true;
    bool refuseHello = false;
    int connections = 0;
    QList<Protocol::Envelope> received;

private:
    void answer(Net::Channel *channel, const Protocol::Envelope &message)
    {
        if (message.type == Protocol::EnrolBody::type() && autoEnrol) {
            Protocol::EnrolledBody enrolled;
            enrolled.nodeId = NodeId(7);
            enrolled.credential = kCredential;
            channel->send(enrolled, message.id);
        } else if (message.type == Protocol::HelloBody::type()) {
            if (refuseHello) {
                channel->sendError(makeError(ErrorCode::Unauthorized, u"unknown credential"_s),
                                   message.id);
            } else if (autoWelcome) {
                Protocol::WelcomeBody welcome;
                welcome.nodeId = NodeId(7);
                welcome.heartbeatIntervalMs = 60000;
                welcome.serverTimeMs = QDateTime::currentMSecsSinceEpoch();
                channel->send(welcome, message.id);
            }
        }
    }

    Net::WssServer m_server;
    QPointer<Net::Channel> m_channel;
};

static Protocol::RunDispatchBody dispatch(qint64 runId, const QString &command,
                                          qint64 timeoutMs = 0)
{
    Protocol::RunDispatchBody body;
    body.runId = RunId(runId);
    body.attempt = 1;
    body.job = u"test-job"_s;
    body.command = command;
    body.timeoutMs = timeoutMs;
    body.killGraceMs = 2000;
    return body;
}

// The typed body; records a test failure (and returns a default body) when it is not one.
template<typename Body>
static Body typedBody(const Protocol::Envelope &message)
{
    const Result<Body> body = Protocol::bodyOf<Body>(message);
    if (!body) {
        QTest::qFail(qPrintable(u"not a %1: %2"_s.arg(Body::type(), body.error().toString())),
                     __FILE__, __LINE__);
        return Body{};
    }
    return *body;
}

class tst_AgentService final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void enrolStoresCredentialThenHello();
    void helloCarriesStoredCredential();
    void notEnrolledWithoutToken();
    void refusesRootUnlessAllowed();
    void dispatchStreamsOutputAndSpoolsResult();
    void outputLimitMarksTruncated();
    void unackedResultIsResentAfterReconnect();
    void runFinishingWhileDisconnectedIsReported();
    void duplicateDispatchDoesNotStartTwice();
    void maxParallelIsRespected();
    void stopCancels();
    void timeoutEndsTimedOut();
    void refusedCredentialIsRetried();
    void shutdownCancelsAndSpools();
    void heldRunStartsAtItsTime();
    void heldRunTakesASlotAndIsCancelledUnstarted();
    void heldRunDueWhileAwayWaitsForTheMaster();

private:
    std::unique_ptr<AgentService> makeService(bool withToken = true);
    // Starts a service, lets it enrol and be welcomed.
    std::unique_ptr<AgentService> startWelcomed();
    Protocol::Envelope waitForResult(qint64 runId, int count = 1);

    QTemporaryDir m_pkiDir;
    Net::PkiFiles m_pki;
    QSslConfiguration m_serverTls;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<FakeMaster> m_master;
    quint16 m_port = 0;
    SystemClock m_clock;
};

void tst_AgentService::initTestCase()
{
    QVERIFY(m_pkiDir.isValid());
    Net::PkiOptions options;
    options.dir = m_pkiDir.filePath(u"pki"_s);
    const Result<Net::PkiFiles> pki = Net::initPki(options);
    QVERIFY2(pki.has_value(), qPrintable(pki ? QString() : pki.error().toString()));
    m_pki = *pki;
    const Result<QSslConfiguration> tls
            = Net::serverTlsConfiguration({m_pki.masterCert, m_pki.masterKey, {}, false});
    QVERIFY2(tls.has_value(), qPrintable(tls ? QString() : tls.error().toString()));
    m_serverTls = *tls;
}

void tst_AgentService::init()
{
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    m_master = std::make_unique<FakeMaster>(m_serverTls);
    m_port = m_master->listen();
    QVERIFY(m_port != 0);
}

void tst_AgentService::cleanup()
{
    m_master.reset();
    m_dataDir.reset();
}

std::unique_ptr<AgentService> tst_AgentService::makeService(bool withToken)
{
    AgentConfig config;
    config.masterUrls = {QUrl(u"wss://localhost:%1"_s.arg(m_port))};
    config.caFile = m_pki.caCert;
    config.dataDir = m_dataDir->filePath(u"data"_s);
    config.nodeName = u"worker-1"_s;
    config.labels = {{u"zone"_s, u"test"_s}};
    config.maxParallel = 2;
    config.enrolToken = withToken ? u"enrol-token-1"_s : QString();
    config.killGraceMs = 2000;
    config.reconnectMinMs = 50;
    config.reconnectMaxMs = 200;
    auto service = std::make_unique<AgentService>(config, m_clock);
    service->setEffectiveUidForTesting(1000);               // the tests may run as root
    service->setLauncher(QStringLiteral(ORRERY_LAUNCHER));  // held runs start prepared
    return service;
}

std::unique_ptr<AgentService> tst_AgentService::startWelcomed()
{
    auto service = makeService();
    QSignalSpy welcomed(service.get(), &AgentService::welcomed);
    const Result<void> started = service->start();
    if (!started)
        qWarning() << started.error().toString();
    if (!started || !welcomed.wait(kTimeout))
        return nullptr;
    return service;
}

Protocol::Envelope tst_AgentService::waitForResult(qint64 runId, int count)
{
    auto results = [&] {
        QList<Protocol::Envelope> out;
        for (const Protocol::Envelope &m : m_master->ofType(Protocol::RunResultBody::type())) {
            if (typedBody<Protocol::RunResultBody>(m).runId == RunId(runId))
                out.append(m);
        }
        return out;
    };
    if (!QTest::qWaitFor([&] { return results().size() >= count; }, kTimeout))
        return {};  // an empty envelope fails typedBody()
    return results().value(count - 1);
}

void tst_AgentService::enrolStoresCredentialThenHello()
{
    auto service = makeService();
    QSignalSpy enrolled(service.get(), &AgentService::enrolled);
    QSignalSpy welcomed(service.get(), &AgentService::welcomed);
    QVERIFY(service->start().has_value());
    QVERIFY(welcomed.wait(kTimeout));
    QCOMPARE(enrolled.count(), 1);
    QCOMPARE(enrolled.at(0).at(0).value<NodeId>(), NodeId(7));

    QCOMPARE(m_master->received.at(0).type, Protocol::EnrolBody::type());
    const auto enrol = typedBody<Protocol::EnrolBody>(m_master->received.at(0));
    QCOMPARE(enrol.token, u"enrol-token-1"_s);
    QCOMPARE(enrol.nodeName, u"worker-1"_s);
    QVERIFY(!enrol.hostname.isEmpty());

    QCOMPARE(m_master->received.at(1).type, Protocol::HelloBody::type());
    const auto hello = typedBody<Protocol::HelloBody>(m_master->received.at(1));
    QCOMPARE(hello.credential, kCredential);
    QCOMPARE(hello.nodeName, u"worker-1"_s);
    QCOMPARE(hello.maxParallel, 2);
    QCOMPARE(hello.labels.value(u"zone"_s), u"test"_s);
    QCOMPARE(hello.spooledResults, 0);
    QVERIFY(hello.running.isEmpty());

    const QString path = service->config().credentialPath();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().trimmed(), kCredential.toUtf8());
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                            | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                            | QFileDevice::WriteOther | QFileDevice::ExeOther;
    QCOMPARE(file.permissions() & others, QFileDevice::Permissions());
    QVERIFY(file.permissions() & QFileDevice::ReadOwner);

    // The first heartbeat follows the welcome at once.
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::HeartbeatBody::type()), 1, kTimeout);
    const auto beat = typedBody<Protocol::HeartbeatBody>(
            m_master->ofType(Protocol::HeartbeatBody::type()).at(0));
    QCOMPARE(beat.running, 0);
    QVERIFY(beat.clockMs > 0);
}

void tst_AgentService::helloCarriesStoredCredential()
{
    {
        auto first = startWelcomed();
        QVERIFY(first);
    }
    m_master->received.clear();
    // A restart with the credential on disk and no token: straight to hello.
    auto second = makeService(false);
    QSignalSpy welcomed(second.get(), &AgentService::welcomed);
    QVERIFY(second->start().has_value());
    QVERIFY(welcomed.wait(kTimeout));
    QCOMPARE(m_master->count(Protocol::EnrolBody::type()), 0);
    const auto hello
            = typedBody<Protocol::HelloBody>(m_master->ofType(Protocol::HelloBody::type()).at(0));
    QCOMPARE(hello.credential, kCredential);
}

void tst_AgentService::notEnrolledWithoutToken()
{
    auto service = makeService(false);
    const Result<void> started = service->start();
    QVERIFY(!started.has_value());
    QCOMPARE(started.error().code, ErrorCode::MissingField);
    QCOMPARE(started.error().file, u"enrol_token"_s);
}

void tst_AgentService::refusesRootUnlessAllowed()
{
    auto service = makeService();
    service->setEffectiveUidForTesting(0);
    const Result<void> started = service->start();
    QVERIFY(!started.has_value());
    QCOMPARE(started.error().code, ErrorCode::Forbidden);
    QCOMPARE(started.error().file, u"allow_root"_s);
    QVERIFY(!QFileInfo::exists(service->config().dataDir));  // refused before touching disk
}

void tst_AgentService::dispatchStreamsOutputAndSpoolsResult()
{
    auto service = startWelcomed();
    QVERIFY(service);
    m_master->send(dispatch(101, u"echo hi; echo err >&2"_s));

    const Protocol::Envelope resultMessage = waitForResult(101);
    const auto result = typedBody<Protocol::RunResultBody>(resultMessage);
    QCOMPARE(result.state, RunState::Success);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.outputBytes, 7);
    QCOMPARE(result.outputTruncated, false);
    QVERIFY(result.startedAtMs > 0);
    QVERIFY(result.finishedAtMs >= result.startedAtMs);

    QCOMPARE(m_master->count(Protocol::RunStartedBody::type()), 1);
    const auto started = typedBody<Protocol::RunStartedBody>(
            m_master->ofType(Protocol::RunStartedBody::type()).at(0));
    QCOMPARE(started.runId, RunId(101));
    QVERIFY(started.pid > 0);

    QByteArray out;
    QByteArray err;
    QList<qint64> seqs;
    for (const Protocol::Envelope &m : m_master->ofType(Protocol::RunOutputBody::type())) {
        const auto chunk = typedBody<Protocol::RunOutputBody>(m);
        QCOMPARE(chunk.runId, RunId(101));
        QCOMPARE(chunk.truncated, false);
        seqs.append(chunk.seq);
        (chunk.stream == Protocol::OutputStream::Stdout ? out : err) += chunk.data;
    }
    QCOMPARE(out, QByteArray("hi\n"));
    QCOMPARE(err, QByteArray("err\n"));
    for (qsizetype i = 0; i < seqs.size(); ++i)
        QCOMPARE(seqs.at(i), qint64(i));

    // On disk until the master acknowledges it.
    const QString spoolFile = QDir(service->config().spoolDir()).filePath(u"101-1.json"_s);
    QVERIFY(QFileInfo::exists(spoolFile));
    QSignalSpy acked(service.get(), &AgentService::resultAcknowledged);
    Protocol::AckBody ack;
    ack.runId = RunId(101);
    ack.attempt = 1;
    m_master->send(ack);
    QVERIFY(acked.wait(kTimeout));
    QVERIFY(!QFileInfo::exists(spoolFile));
}

void tst_AgentService::outputLimitMarksTruncated()
{
    auto service = startWelcomed();
    QVERIFY(service);
    Protocol::RunDispatchBody body = dispatch(102, u"printf 0123456789abcdef"_s);
    body.outputLimitBytes = 4;
    m_master->send(body);
    const auto result = typedBody<Protocol::RunResultBody>(waitForResult(102));
    QCOMPARE(result.outputTruncated, true);
    QCOMPARE(result.outputBytes, 16);
    const QList<Protocol::Envelope> chunks = m_master->ofType(Protocol::RunOutputBody::type());
    QVERIFY(!chunks.isEmpty());
    QByteArray data;
    for (const Protocol::Envelope &m : chunks)
        data += typedBody<Protocol::RunOutputBody>(m).data;
    QVERIFY2(data.startsWith("0123"), data.constData());
    QVERIFY(!data.contains("4567"));
    // The last chunk (the marker) says so; none before it does.
    QCOMPARE(typedBody<Protocol::RunOutputBody>(chunks.last()).truncated, true);
    QCOMPARE(typedBody<Protocol::RunOutputBody>(chunks.first()).truncated, chunks.size() == 1);
}

void tst_AgentService::unackedResultIsResentAfterReconnect()
{
    auto service = startWelcomed();
    QVERIFY(service);
    m_master->send(dispatch(103, u"exit 3"_s));
    const auto first = typedBody<Protocol::RunResultBody>(waitForResult(103));
    QCOMPARE(first.state, RunState::Failed);
    QCOMPARE(first.exitCode, 3);
    const QString spoolFile = QDir(service->config().spoolDir()).filePath(u"103-1.json"_s);
    QVERIFY(QFileInfo::exists(spoolFile));

    // No ack; the connection drops; the agent comes back by itself.
    QSignalSpy welcomed(service.get(), &AgentService::welcomed);
    m_master->dropConnection();
    QVERIFY(welcomed.wait(kTimeout));
    QCOMPARE(m_master->connections, 2);
    const QList<Protocol::Envelope> hellos = m_master->ofType(Protocol::HelloBody::type());
    QCOMPARE(hellos.size(), 2);
    QCOMPARE(typedBody<Protocol::HelloBody>(hellos.at(1)).spooledResults, 1);

    const auto again = typedBody<Protocol::RunResultBody>(waitForResult(103, 2));
    QCOMPARE(again, first);
    QVERIFY(QFileInfo::exists(spoolFile));

    QSignalSpy acked(service.get(), &AgentService::resultAcknowledged);
    Protocol::AckBody ack;
    ack.runId = RunId(103);
    m_master->send(ack);
    QVERIFY(acked.wait(kTimeout));
    QVERIFY(!QFileInfo::exists(spoolFile));
}

void tst_AgentService::runFinishingWhileDisconnectedIsReported()
{
    auto service = startWelcomed();
    QVERIFY(service);
    const QString gate = m_dataDir->filePath(u"gate"_s);
    m_master->send(
            dispatch(104, u"while [ ! -e '%1' ]; do sleep 0.05; done; echo done"_s.arg(gate)));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::RunStartedBody::type()), 1, kTimeout);

    // The master does not answer the next hello: the agent is connected but not welcomed,
    // so nothing about the run can reach the master while it finishes.
    m_master->autoWelcome = false;
    m_master->dropConnection();
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::HelloBody::type()), 2, kTimeout);
    const auto hello
            = typedBody<Protocol::HelloBody>(m_master->ofType(Protocol::HelloBody::type()).at(1));
    QCOMPARE(hello.running.size(), 1);
    QCOMPARE(hello.running.at(0).runId, RunId(104));
    QVERIFY(!service->isWelcomed());

    QSignalSpy finished(service.get(), &AgentService::runFinished);
    QFile(gate).open(QIODevice::WriteOnly);
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(m_master->count(Protocol::RunResultBody::type()), 0);
    QVERIFY(QFileInfo::exists(QDir(service->config().spoolDir()).filePath(u"104-1.json"_s)));

    // The master welcomes the next connection: the spooled result arrives.
    m_master->autoWelcome = true;
    m_master->dropConnection();
    const auto result = typedBody<Protocol::RunResultBody>(waitForResult(104));
    QCOMPARE(result.state, RunState::Success);
    QCOMPARE(result.outputBytes, 5);
}

void tst_AgentService::duplicateDispatchDoesNotStartTwice()
{
    auto service = startWelcomed();
    QVERIFY(service);
    const QString marker = m_dataDir->filePath(u"starts"_s);
    const QString gate = m_dataDir->filePath(u"gate"_s);
    const Protocol::RunDispatchBody body = dispatch(
            105,
            u"echo started >> '%1'; while [ ! -e '%2' ]; do sleep 0.05; done"_s.arg(marker, gate));
    m_master->send(body);
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::RunStartedBody::type()), 1, kTimeout);

    // Again while it runs: refused, with the dispatch's id in `re`.
    const QString secondId = m_master->send(body);
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::ErrorBody::type()), 1, kTimeout);
    const Protocol::Envelope refusal = m_master->ofType(Protocol::ErrorBody::type()).at(0);
    QCOMPARE(refusal.re, secondId);
    QCOMPARE(typedBody<Protocol::ErrorBody>(refusal).errorCode(), ErrorCode::Conflict);
    QCOMPARE(service->runningCount(), 1);

    QFile(gate).open(QIODevice::WriteOnly);
    const auto result = typedBody<Protocol::RunResultBody>(waitForResult(105));
    QCOMPARE(result.state, RunState::Success);

    // Again after it finished (result not acknowledged): the result is sent again, nothing
    // is started.
    m_master->send(body);
    const auto resent = typedBody<Protocol::RunResultBody>(waitForResult(105, 2));
    QCOMPARE(resent, result);
    QCOMPARE(m_master->count(Protocol::RunStartedBody::type()), 1);

    // Acknowledged, then dispatched once more: refused.
    QSignalSpy acked(service.get(), &AgentService::resultAcknowledged);
    Protocol::AckBody ack;
    ack.runId = RunId(105);
    m_master->send(ack);
    QVERIFY(acked.wait(kTimeout));
    const QString lateId = m_master->send(body);
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::ErrorBody::type()), 2, kTimeout);
    QCOMPARE(m_master->ofType(Protocol::ErrorBody::type()).at(1).re, lateId);

    QFile starts(marker);
    QVERIFY(starts.open(QIODevice::ReadOnly));
    QCOMPARE(starts.readAll(), QByteArray("started\n"));
    QCOMPARE(m_master->count(Protocol::RunStartedBody::type()), 1);
}

void tst_AgentService::maxParallelIsRespected()
{
    auto service = startWelcomed();
    QVERIFY(service);
    m_master->send(dispatch(201, u"sleep 30"_s));
    m_master->send(dispatch(202, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::RunStartedBody::type()), 2, kTimeout);
    const QString thirdId = m_master->send(dispatch(203, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::ErrorBody::type()), 1, kTimeout);
    const Protocol::Envelope refusal = m_master->ofType(Protocol::ErrorBody::type()).at(0);
    QCOMPARE(refusal.re, thirdId);
    QCOMPARE(typedBody<Protocol::ErrorBody>(refusal).errorCode(), ErrorCode::Conflict);
    QCOMPARE(service->runningCount(), 2);

    // Once one ends, the next dispatch is taken.
    Protocol::RunStopBody stop;
    stop.runId = RunId(201);
    m_master->send(stop);
    QCOMPARE(typedBody<Protocol::RunResultBody>(waitForResult(201)).state, RunState::Cancelled);
    m_master->send(dispatch(203, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::RunStartedBody::type()), 3, kTimeout);
    QCOMPARE(service->runningCount(), 2);
}

void tst_AgentService::stopCancels()
{
    auto service = startWelcomed();
    QVERIFY(service);
    m_master->send(dispatch(301, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::RunStartedBody::type()), 1, kTimeout);
    Protocol::RunStopBody stop;
    stop.runId = RunId(301);
    stop.reason = u"operator said so"_s;
    m_master->send(stop);
    const auto result = typedBody<Protocol::RunResultBody>(waitForResult(301));
    QCOMPARE(result.state, RunState::Cancelled);
    QCOMPARE(result.exitCode, -1);
    QCOMPARE(result.signal, 15);

    // Stopping a run the agent does not have: not_found.
    stop.runId = RunId(399);
    const QString id = m_master->send(stop);
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::ErrorBody::type()), 1, kTimeout);
    const Protocol::Envelope refusal = m_master->ofType(Protocol::ErrorBody::type()).at(0);
    QCOMPARE(refusal.re, id);
    QCOMPARE(typedBody<Protocol::ErrorBody>(refusal).errorCode(), ErrorCode::NotFound);
}

void tst_AgentService::timeoutEndsTimedOut()
{
    auto service = startWelcomed();
    QVERIFY(service);
    m_master->send(dispatch(401, u"sleep 30"_s, 300));
    const auto result = typedBody<Protocol::RunResultBody>(waitForResult(401));
    QCOMPARE(result.state, RunState::TimedOut);
    QCOMPARE(result.exitCode, -1);
}

void tst_AgentService::refusedCredentialIsRetried()
{
    m_master->refuseHello = true;
    auto service = makeService();
    QSignalSpy refused(service.get(), &AgentService::identityRefused);
    QVERIFY(service->start().has_value());
    QVERIFY(refused.wait(kTimeout));
    QCOMPARE(refused.at(0).at(0).value<Error>().code, ErrorCode::Unauthorized);
    // The credential from enrolment stays; the agent comes back and says hello again.
    QVERIFY(QFileInfo::exists(service->config().credentialPath()));
    QTRY_VERIFY_WITH_TIMEOUT(m_master->connections >= 2, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(m_master->count(Protocol::HelloBody::type()) >= 2, kTimeout);
    QCOMPARE(m_master->count(Protocol::EnrolBody::type()), 1);

    // The administrator fixes it on the master: the next hello is welcomed.
    QSignalSpy welcomed(service.get(), &AgentService::welcomed);
    m_master->refuseHello = false;
    QVERIFY(welcomed.wait(kTimeout));
}

void tst_AgentService::shutdownCancelsAndSpools()
{
    auto service = startWelcomed();
    QVERIFY(service);
    m_master->send(dispatch(501, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(service->runningCount(), 1, kTimeout);
    QSignalSpy stopped(service.get(), &AgentService::stopped);
    service->shutdown(u"SIGTERM"_s);
    QVERIFY(stopped.wait(kTimeout));
    QCOMPARE(service->runningCount(), 0);

    // The result is on disk (it is re-sent by the next start) and was sent on the way out.
    const Result<ResultSpool> spool = ResultSpool::open(service->config().spoolDir());
    QVERIFY(spool.has_value());
    const ResultSpool::Pending pending = spool->pending();
    QCOMPARE(pending.results.size(), 1);
    QCOMPARE(pending.results.at(0).state, RunState::Cancelled);
    QCOMPARE(pending.results.at(0).reason, u"SIGTERM"_s);
    const auto sent = typedBody<Protocol::RunResultBody>(waitForResult(501));
    QCOMPARE(sent.state, RunState::Cancelled);
    QVERIFY(service->isShuttingDown());
}

// Pre-dispatch: a dispatch with a start_at_ms ahead is held (listed in the heartbeat's running
// count) and its child starts at that time, not before; run.started carries the spawn time.
void tst_AgentService::heldRunStartsAtItsTime()
{
    auto service = startWelcomed();
    QVERIFY(service);
    QSignalSpy held(service.get(), &AgentService::runHeld);
    Protocol::RunDispatchBody body = dispatch(601, u"echo at-its-time"_s);
    body.startAtMs = m_clock.nowMs() + 700;
    m_master->send(body);
    QVERIFY(held.wait(kTimeout));
    QCOMPARE(held.at(0).at(2).toLongLong(), body.startAtMs);
    QCOMPARE(service->heldCount(), 1);
    QCOMPARE(service->runningCount(), 0);
    QCOMPARE(m_master->count(Protocol::RunStartedBody::type()), 0);

    const auto result = typedBody<Protocol::RunResultBody>(waitForResult(601));
    QCOMPARE(result.state, RunState::Success);
    QCOMPARE(service->heldCount(), 0);
    const auto started = typedBody<Protocol::RunStartedBody>(
            m_master->ofType(Protocol::RunStartedBody::type()).value(0));
    QCOMPARE(started.runId, RunId(601));
    QVERIFY2(started.startedAtMs >= body.startAtMs,
             qPrintable(u"started %1, start_at %2"_s.arg(started.startedAtMs).arg(body.startAtMs)));
    QVERIFY(result.startedAtMs >= body.startAtMs);
}

// A held run takes one of max_parallel's slots, is listed in hello after a reconnect, and a
// run.stop ends it cancelled without a child; its slot is free again.
void tst_AgentService::heldRunTakesASlotAndIsCancelledUnstarted()
{
    auto service = startWelcomed();
    QVERIFY(service);
    Protocol::RunDispatchBody body = dispatch(701, u"echo never"_s);
    body.startAtMs = m_clock.nowMs() + 60000;
    m_master->send(body);
    m_master->send(dispatch(702, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::RunStartedBody::type()), 1, kTimeout);
    QCOMPARE(service->heldCount(), 1);
    const QString refusedId = m_master->send(dispatch(703, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::ErrorBody::type()), 1, kTimeout);
    QCOMPARE(m_master->ofType(Protocol::ErrorBody::type()).at(0).re, refusedId);

    // After a reconnect, hello lists the held run with the running one.
    QSignalSpy welcomed(service.get(), &AgentService::welcomed);
    m_master->dropConnection();
    QVERIFY(welcomed.wait(kTimeout));
    const auto hello
            = typedBody<Protocol::HelloBody>(m_master->ofType(Protocol::HelloBody::type()).last());
    QCOMPARE(hello.running.size(), 2);
    QVERIFY(hello.running.contains(Protocol::RunRef{RunId(701), 1}));

    Protocol::RunStopBody stop;
    stop.runId = RunId(701);
    stop.reason = u"task disabled"_s;
    m_master->send(stop);
    const auto result = typedBody<Protocol::RunResultBody>(waitForResult(701));
    QCOMPARE(result.state, RunState::Cancelled);
    QCOMPARE(result.exitCode, -1);
    QCOMPARE(result.startedAtMs, qint64(0));
    QCOMPARE(service->heldCount(), 0);
    QCOMPARE(m_master->count(Protocol::RunStartedBody::type()), 1);  // 702 only
    m_master->send(dispatch(703, u"sleep 30"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::RunStartedBody::type()), 2, kTimeout);
}

// A held run whose time comes while the agent has no welcomed connection is not started (the
// master may have given it to another node): after the next welcome, the master's run.stop
// cancels it unstarted and its run.dispatch again starts it.
void tst_AgentService::heldRunDueWhileAwayWaitsForTheMaster()
{
    auto service = startWelcomed();
    QVERIFY(service);
    QSignalSpy held(service.get(), &AgentService::runHeld);
    Protocol::RunDispatchBody moved = dispatch(801, u"echo moved"_s);
    moved.startAtMs = m_clock.nowMs() + 400;
    Protocol::RunDispatchBody kept = dispatch(802, u"echo kept"_s);
    kept.startAtMs = moved.startAtMs;
    m_master->send(moved);
    m_master->send(kept);
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 2, kTimeout);

    m_master->autoWelcome = false;
    const int hellos = m_master->count(Protocol::HelloBody::type());
    m_master->dropConnection();
    QTRY_COMPARE_WITH_TIMEOUT(m_master->count(Protocol::HelloBody::type()), hellos + 1, kTimeout);
    QSignalSpy started(service.get(), &AgentService::runStarted);
    QTRY_VERIFY_WITH_TIMEOUT(m_clock.nowMs() > kept.startAtMs + 200, kTimeout);
    QCOMPARE(started.size(), 0);
    QCOMPARE(service->heldCount(), 2);
    QCOMPARE(service->runningCount(), 0);

    Protocol::WelcomeBody welcome;
    welcome.nodeId = NodeId(7);
    welcome.heartbeatIntervalMs = 60000;
    welcome.serverTimeMs = m_clock.nowMs();
    QSignalSpy welcomed(service.get(), &AgentService::welcomed);
    m_master->send(welcome);
    QVERIFY(welcomed.wait(kTimeout));
    QCOMPARE(started.size(), 0);  // a welcome alone starts nothing

    Protocol::RunStopBody stop;
    stop.runId = RunId(801);
    stop.reason = u"the master does not expect this run on this node"_s;
    m_master->send(stop);
    m_master->send(kept);
    const auto cancelled = typedBody<Protocol::RunResultBody>(waitForResult(801));
    QCOMPARE(cancelled.state, RunState::Cancelled);
    QCOMPARE(cancelled.startedAtMs, qint64(0));
    const auto ran = typedBody<Protocol::RunResultBody>(waitForResult(802));
    QCOMPARE(ran.state, RunState::Success);
    QVERIFY(ran.startedAtMs > kept.startAtMs);
    QCOMPARE(started.size(), 1);
    const auto startedBody = typedBody<Protocol::RunStartedBody>(
            m_master->ofType(Protocol::RunStartedBody::type()).value(0));
    QCOMPARE(startedBody.runId, RunId(802));
    QCOMPARE(service->heldCount(), 0);
    QCOMPARE(m_master->count(Protocol::ErrorBody::type()), 0);  // the re-dispatch is no conflict
}

QTEST_GUILESS_MAIN(tst_AgentService)
#include "tst_agentservice.moc"

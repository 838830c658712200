// What survives a restart of the master (a new engine on the same store) in the middle of a
// run's life: a retry waiting out its delay. The engine in process on a ManualClock, a real
// WssServer on loopback and test agents that speak the protocol by hand.

#include "enginetestutil.h"
#include "fakeagent.h"

#include <master/engine/engine.h>
#include <net/wssserver.h>
#include <store/store.h>

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Orrery::Net;
using namespace Qt::Literals::StringLiterals;
using namespace EngineTest;

namespace {

const QDateTime kStart = utc(2026, 3, 1, 0, 0, 30);

// Lets messages in flight arrive before a test checks that none came.
void settle()
{
    QTest::qWait(150);
}

}  // namespace

class tst_EngineRestart : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void retryWaitsOutItsDelayAcrossARestart();
    void retryDueWhileNoMasterRanStartsAtOnce();
    void stopDuringTheDelayIsNotRetriedAfterARestart();

private:
    // A new engine and server on the store (the same store again: a restart of the master).
    void startEngine();
    void stopEngine();
    // A new node (enrolled) or one enrolled before (its credential), connected and welcomed.
    // `running`: the runs it says it has (hello reconciliation after a restart).
    std::unique_ptr<FakeAgent> connectAgent(const QString &node, int maxParallel = 4,
                                            const QMap<QString, QString> &labels = {},
                                            const QList<Protocol::RunRef> &running = {});
    Protocol::RunDispatchBody takeDispatch(FakeAgent &agent);
    void finish(FakeAgent &agent, const Protocol::RunDispatchBody &dispatch, RunState state,
                int exitCode = 0);
    // Reports the dispatched run as started and waits until the store has it running.
    void start(FakeAgent &agent, const Protocol::RunDispatchBody &dispatch);
    // A job whose attempts fail: two retries, the first after 60 s.
    JobId createRetryingJob();

    QTemporaryDir m_tmp;
    QSslConfiguration m_serverTls;
    QSslConfiguration m_clientTls;
    ManualClock m_clock{kStart};
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<WssServer> m_server;
    QHash<QString, QString> m_credentials;
    int m_dbCount = 0;
};

void tst_EngineRestart::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const Result<LoopbackTls> tls = loopbackTls(m_tmp.filePath(u"pki"_s));
    QVERIFY2(tls, qPrintable(errorText(tls)));
    m_serverTls = tls->server;
    m_clientTls = tls->client;
}

void tst_EngineRestart::init()
{
    m_clock.set(kStart);
    m_credentials.clear();
    auto store = Store::open(u"sqlite:"_s + m_tmp.path() + u"/db%1/orrery.db"_s.arg(++m_dbCount),
                             m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    m_store = std::move(*store);
    startEngine();
}

void tst_EngineRestart::cleanup()
{
    stopEngine();
    m_store.reset();
}

void tst_EngineRestart::startEngine()
{
    EngineOptions options;
    options.heartbeatIntervalMs = 1000;
    m_engine = std::make_unique<Engine>(*m_store, m_clock, options);
    QVERIFY(m_engine->start());
    m_server = std::make_unique<WssServer>(m_serverTls, ChannelOptions{});
    connect(m_server.get(), &WssServer::connected, m_engine.get(), &Engine::attachAgent);
    auto port = m_server->listen(QHostAddress::LocalHost, 0);
    QVERIFY2(port, qPrintable(errorText(port)));
}

void tst_EngineRestart::stopEngine()
{
    m_server.reset();
    m_engine.reset();
}

std::unique_ptr<FakeAgent> tst_EngineRestart::connectAgent(const QString &node, int maxParallel,
                                                           const QMap<QString, QString> &labels,
                                                           const QList<Protocol::RunRef> &running)
{
    auto agent = std::make_unique<FakeAgent>(
            QUrl(u"wss://127.0.0.1:%1/agent"_s.arg(m_server->port())), m_clientTls);
    if (!agent->waitConnected())
        return nullptr;
    QString credential = m_credentials.value(node);
    if (credential.isEmpty()) {
        auto token = m_store->createEnrolToken(m_clock.now().addSecs(3600));
        if (!token)
            return nullptr;
        Protocol::EnrolBody enrol;
        enrol.token = token->plaintext;
        enrol.nodeName = node;
        enrol.hostname = node + u".example"_s;
        agent->send(enrol);
        auto enrolled = Protocol::bodyOf<Protocol::EnrolledBody>(
                agent->take(Protocol::EnrolledBody::type()));
        if (!enrolled)
            return nullptr;
        credential = enrolled->credential;
        m_credentials.insert(node, credential);
    }
    Protocol::HelloBody h = hello(node, credential, maxParallel);
    h.labels = labels;
    h.running = running;
    agent->send(h);
    if (agent->take(Protocol::WelcomeBody::type()).type.isEmpty())
        return nullptr;
    return agent;
}

Protocol::RunDispatchBody tst_EngineRestart::takeDispatch(FakeAgent &agent)
{
    auto body = Protocol::bodyOf<Protocol::RunDispatchBody>(
            agent.take(Protocol::RunDispatchBody::type()));
    return body ? *body : Protocol::RunDispatchBody();
}

void tst_EngineRestart::finish(FakeAgent &agent, const Protocol::RunDispatchBody &dispatch,
                               RunState state, int exitCode)
{
    const QString id = agent.send(result(dispatch, state, exitCode, m_clock.now()));
    QCOMPARE(agent.take(Protocol::AckBody::type()).re, id);
}

void tst_EngineRestart::start(FakeAgent &agent, const Protocol::RunDispatchBody &dispatch)
{
    Protocol::RunStartedBody started;
    started.runId = dispatch.runId;
    started.attempt = dispatch.attempt;
    started.pid = 4242;
    started.startedAtMs = m_clock.nowMs();
    agent.send(started);
    QTRY_COMPARE(m_store->run(dispatch.runId)->run.state(), RunState::Running);
}

JobId tst_EngineRestart::createRetryingJob()
{
    Job job;
    job.name = u"flaky"_s;
    job.command = u"flaky --once"_s;
    job.retry.count = 2;
    job.retry.delaySecs = 60;
    auto created = m_engine->createJob(job, tester());
    if (!created)
        qWarning("createJob: %s", qPrintable(errorText(created)));
    return created ? created->job.id : JobId();
}

// A failed attempt's retry waits 60 s; the master restarts 20 s into the delay. The retry
// comes once, after the delay (not before it, not twice), as attempt 2 of the same run.
void tst_EngineRestart::retryWaitsOutItsDelayAcrossARestart()
{
    auto agent = connectAgent(u"solo"_s);
    QVERIFY(agent);
    const JobId job = createRetryingJob();
    QVERIFY(job.isValid());
    auto run = m_engine->runJob(job, tester());
    QVERIFY(run);
    const RunId id = run->run.id();
    const auto first = takeDispatch(*agent);
    QCOMPARE(first.runId, id);
    QCOMPARE(first.attempt, 1);
    finish(*agent, first, RunState::Failed, 3);
    const QDateTime due = m_clock.now().addSecs(60);
    QCOMPARE(m_store->run(id)->retryDueAt, due);

    m_clock.advanceMSecs(20000);
    agent.reset();
    stopEngine();
    startEngine();
    agent = connectAgent(u"solo"_s);
    QVERIFY(agent);
    QCOMPARE(m_engine->activeRunCount(), 1);
    QCOMPARE(m_engine->waitingReason(id), u"retry 1 of 2 in 40 s"_s);
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);

    m_clock.advanceMSecs(39000);  // 1 s before the retry is due
    m_engine->processDueFires();
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);

    m_clock.advanceMSecs(1000);
    m_engine->processDueFires();
    const auto second = takeDispatch(*agent);
    QCOMPARE(second.runId, id);
    QCOMPARE(second.attempt, 2);
    m_engine->processDueFires();
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);  // once
    QVERIFY(!m_store->run(id)->retryDueAt.isValid());
    finish(*agent, second, RunState::Success);

    auto stored = m_store->run(id);
    QVERIFY(stored);
    QCOMPARE(stored->run.state(), RunState::Success);
    QCOMPARE(stored->run.attempts().size(), 2);
    QCOMPARE(stored->run.attempts().at(1).queuedAt, due);
    QCOMPARE(runsOf(*m_store, job).size(), 1);
    QCOMPARE(m_engine->activeRunCount(), 0);
}

// The retry became due while no master ran: the restarted master retries at once, once.
void tst_EngineRestart::retryDueWhileNoMasterRanStartsAtOnce()
{
    auto agent = connectAgent(u"solo"_s);
    QVERIFY(agent);
    const JobId job = createRetryingJob();
    QVERIFY(job.isValid());
    auto run = m_engine->runJob(job, tester());
    QVERIFY(run);
    finish(*agent, takeDispatch(*agent), RunState::Failed, 1);

    agent.reset();
    stopEngine();
    m_clock.advanceMSecs(600000);
    startEngine();
    agent = connectAgent(u"solo"_s);
    QVERIFY(agent);
    const auto second = takeDispatch(*agent);  // the engine's timer, not the test, fires it
    QCOMPARE(second.runId, run->run.id());
    QCOMPARE(second.attempt, 2);
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    QCOMPARE(m_store->run(run->run.id())->run.attempts().size(), 2);
}

// A run stopped while its retry waits is not retried, by this master or the next one.
void tst_EngineRestart::stopDuringTheDelayIsNotRetriedAfterARestart()
{
    auto agent = connectAgent(u"solo"_s);
    QVERIFY(agent);
    const JobId job = createRetryingJob();
    QVERIFY(job.isValid());
    auto run = m_engine->runJob(job, tester());
    QVERIFY(run);
    const RunId id = run->run.id();
    finish(*agent, takeDispatch(*agent), RunState::Failed, 1);
    QVERIFY(m_store->run(id)->retryDueAt.isValid());
    auto stopped = m_engine->stopRun(id, tester());
    QVERIFY2(stopped, qPrintable(errorText(stopped)));
    QVERIFY(!m_store->run(id)->retryDueAt.isValid());
    QVERIFY(m_store->pendingRetries()->isEmpty());

    agent.reset();
    stopEngine();
    startEngine();
    agent = connectAgent(u"solo"_s);
    QVERIFY(agent);
    QCOMPARE(m_engine->activeRunCount(), 0);
    m_clock.advanceMSecs(120000);
    m_engine->processDueFires();
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    auto stored = m_store->run(id);
    QVERIFY(stored);
    QCOMPARE(stored->run.state(), RunState::Failed);
    QCOMPARE(stored->run.attempts().size(), 1);
}

QTEST_GUILESS_MAIN(tst_EngineRestart)
#include "tst_enginerestart.moc"

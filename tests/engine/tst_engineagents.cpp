// The engine with agents: a real WssServer on loopback with certificates from initPki, and a
// test "agent" that speaks the protocol by hand through a WssClient.

#include "enginetestutil.h"
#include "fakeagent.h"

#include <master/engine/engine.h>
#include <net/pki.h>
#include <net/tls.h>
#include <net/wssclient.h>
#include <net/wssserver.h>
#include <store/store.h>

#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Orrery::Net;
using namespace Qt::Literals::StringLiterals;
using namespace EngineTest;

namespace {

constexpr int kTimeout = 20000;
const QDateTime kStart = utc(2026, 3, 1, 0, 0, 30);
constexpr qint64 kHeartbeatMs = 1000;

Protocol::RunResultBody result(const Protocol::RunDispatchBody &dispatch, RunState state,
                               int exitCode)
{
    return EngineTest::result(dispatch, state, exitCode, kStart);
}

}  // namespace

class tst_EngineAgents : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void enrolHelloDispatchResult();
    void wrongCredentialIsRefusedAndAudited();
    void badEnrolTokenIsRefused();
    void pipelineFollowsResults();
    void missedHeartbeatsLoseAndRetry();
    void helloWaitsForSpooledResults();

private:
    QUrl url() const;
    // Enrols `node` on a fresh connection and says hello; returns the connected agent.
    std::unique_ptr<FakeAgent> connectAgent(const QString &node, int maxParallel = 4);

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

void tst_EngineAgents::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const Result<LoopbackTls> tls = loopbackTls(m_tmp.filePath(u"pki"_s));
    QVERIFY2(tls, qPrintable(errorText(tls)));
    m_serverTls = tls->server;
    m_clientTls = tls->client;
}

void tst_EngineAgents::init()
{
    m_clock.set(kStart);
    m_credentials.clear();
    auto store = Store::open(u"sqlite:"_s + m_tmp.path() + u"/db%1/orrery.db"_s.arg(++m_dbCount),
                             m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    m_store = std::move(*store);
    EngineOptions options;
    options.heartbeatIntervalMs = kHeartbeatMs;
    options.missedHeartbeats = 3;
    options.killGraceMs = 2500;
    options.outputLimitBytes = 4096;
    m_engine = std::make_unique<Engine>(*m_store, m_clock, options);
    QVERIFY(m_engine->start());
    m_server = serveAgents(*m_engine, m_serverTls);
    QVERIFY(m_server);
}

void tst_EngineAgents::cleanup()
{
    m_server.reset();
    m_engine.reset();
    m_store.reset();
}

QUrl tst_EngineAgents::url() const
{
    return agentUrl(m_server->port());
}

std::unique_ptr<FakeAgent> tst_EngineAgents::connectAgent(const QString &node, int maxParallel)
{
    auto agent = std::make_unique<FakeAgent>(url(), m_clientTls);
    if (!agent->waitConnected())
        return nullptr;
    if (!m_credentials.contains(node)) {
        const QString credential = enrolNode(*agent, *m_store, m_clock.now(), node);
        if (credential.isEmpty())
            return nullptr;
        m_credentials.insert(node, credential);
    }
    agent->send(hello(node, m_credentials.value(node), maxParallel));
    if (agent->take(Protocol::WelcomeBody::type()).type.isEmpty())
        return nullptr;
    return agent;
}

void tst_EngineAgents::enrolHelloDispatchResult()
{
    auto agent = connectAgent(u"node-a"_s);
    QVERIFY(agent);

    // Enrolment stored only a salted hash of the credential.
    auto node = m_store->nodeByName(u"node-a"_s);
    QVERIFY(node);
    QVERIFY(node->credentialHash.startsWith(u"sha256:"_s));
    QVERIFY(!node->credentialHash.contains(m_credentials.value(u"node-a"_s)));
    QCOMPARE(node->state, NodeState::Online);
    QCOMPARE(node->labels.value(u"zone"_s), u"a"_s);
    const auto nodes = m_engine->nodes();
    QCOMPARE(nodes.size(), 1);
    QVERIFY(nodes[0].connected);
    QCOMPARE(nodes[0].maxParallel, 4);
    QCOMPARE(nodes[0].agentVersion, u"0.1.0-test"_s);

    // A heartbeat gives the node's resources and clock skew.
    Protocol::HeartbeatBody hb;
    hb.cpuPercent = 12.5;
    hb.freeMemoryBytes = 1 << 30;
    hb.clockMs = kStart.toMSecsSinceEpoch() + 1500;
    agent->send(hb);
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->nodes().at(0).lastHeartbeat.has_value(), kTimeout);
    QCOMPARE(m_engine->nodes().at(0).clockSkewMs, 1500);
    QCOMPARE(m_engine->nodes().at(0).lastHeartbeat->cpuPercent, 12.5);

    Job job;
    job.name = u"hello"_s;
    job.command = u"echo hello"_s;
    job.timeoutSecs = 60;
    job.environment = {{u"GREETING"_s, u"hi"_s}};
    auto created = m_engine->createJob(job, tester());
    QVERIFY(created);
    auto run = m_engine->runJob(created->job.id, tester());
    QVERIFY(run);

    const auto dispatch = takeDispatch(*agent);
    QCOMPARE(dispatch.runId, run->run.id());
    QCOMPARE(dispatch.attempt, 1);
    QCOMPARE(dispatch.job, u"hello"_s);
    QCOMPARE(dispatch.command, u"echo hello"_s);
    QCOMPARE(dispatch.env.value(u"GREETING"_s), u"hi"_s);
    QCOMPARE(dispatch.timeoutMs, 60000);
    QCOMPARE(dispatch.killGraceMs, 2500);
    QCOMPARE(dispatch.outputLimitBytes, 4096);
    QCOMPARE(m_engine->nodes().at(0).running, 1);

    Protocol::RunStartedBody started;
    started.runId = dispatch.runId;
    started.attempt = 1;
    started.pid = 4242;
    started.startedAtMs = kStart.toMSecsSinceEpoch();
    agent->send(started);
    QTRY_COMPARE_WITH_TIMEOUT(m_store->run(dispatch.runId)->run.state(), RunState::Running,
                              kTimeout);
    QCOMPARE(m_store->run(dispatch.runId)->run.currentAttempt().node, node->id);

    QSignalSpy output(m_engine.get(), &Engine::outputAppended);
    Protocol::RunOutputBody out;
    out.runId = dispatch.runId;
    out.attempt = 1;
    out.seq = 0;
    out.data = "hello\n";
    agent->send(out);
    agent->send(out);  // a re-send is stored once
    QTRY_COMPARE_WITH_TIMEOUT(output.size(), 1, kTimeout);

    QSignalSpy changed(m_engine.get(), &Engine::runChanged);
    const QString resultId = agent->send(result(dispatch, RunState::Success, 0));
    const auto ack = agent->take(Protocol::AckBody::type());
    QCOMPARE(ack.re, resultId);
    QCOMPARE(Protocol::bodyOf<Protocol::AckBody>(ack)->runId, dispatch.runId);
    auto stored = m_store->run(dispatch.runId);
    QCOMPARE(stored->run.state(), RunState::Success);
    QCOMPARE(stored->run.currentAttempt().exitCode, 0);
    QCOMPARE(changed.size(), 1);
    const qsizetype events = m_store->runEvents(dispatch.runId)->size();
    QCOMPARE(m_store->readOutput(dispatch.runId, 10)->size(), 1);
    QCOMPARE(m_engine->nodes().at(0).running, 0);

    // The same result again (the agent did not see the ack): acknowledged, nothing changes.
    const QString againId = agent->send(result(dispatch, RunState::Failed, 1));
    const auto ack2 = agent->take(Protocol::AckBody::type());
    QCOMPARE(ack2.re, againId);
    QCOMPARE(m_store->run(dispatch.runId)->run.state(), RunState::Success);
    QCOMPARE(m_store->runEvents(dispatch.runId)->size(), events);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_engine->activeRunCount(), 0);
}

void tst_EngineAgents::wrongCredentialIsRefusedAndAudited()
{
    {
        auto agent = connectAgent(u"node-b"_s);
        QVERIFY(agent);
    }
    FakeAgent intruder(url(), m_clientTls);
    QVERIFY(intruder.waitConnected());
    const QString peerPort = QString::number(intruder.channel()->socket()->localPort());
    intruder.send(hello(u"node-b"_s, u"orrn_not-the-credential"_s));
    const auto error = intruder.take(Protocol::ErrorBody::type());
    QCOMPARE(Protocol::bodyOf<Protocol::ErrorBody>(error)->errorCode(), ErrorCode::Unauthorized);
    QTRY_VERIFY_WITH_TIMEOUT(!intruder.disconnects.isEmpty(), kTimeout);
    QCOMPARE(intruder.count(Protocol::WelcomeBody::type()), 0);

    auto audit = m_store->listAudit(10);
    QVERIFY(audit);
    QCOMPARE(audit->first().action, u"agent.refused"_s);
    QCOMPARE(audit->first().target, u"node-b"_s);
    QCOMPARE(audit->first().source, u"127.0.0.1:"_s + peerPort);
    // The node itself is not disturbed by the refused attempt.
    QCOMPARE(m_store->nodeByName(u"node-b"_s)->state, NodeState::Online);
}

void tst_EngineAgents::badEnrolTokenIsRefused()
{
    FakeAgent agent(url(), m_clientTls);
    QVERIFY(agent.waitConnected());
    Protocol::EnrolBody enrol;
    enrol.token = u"orre_1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s;
    enrol.nodeName = u"node-x"_s;
    enrol.hostname = u"x"_s;
    agent.send(enrol);
    const auto error = agent.take(Protocol::ErrorBody::type());
    QCOMPARE(Protocol::bodyOf<Protocol::ErrorBody>(error)->errorCode(), ErrorCode::Unauthorized);
    QTRY_VERIFY_WITH_TIMEOUT(!agent.disconnects.isEmpty(), kTimeout);
    QCOMPARE(m_store->nodeByName(u"node-x"_s).error().code, ErrorCode::NotFound);
    QCOMPARE(m_store->listAudit(1)->first().action, u"agent.refused"_s);

    // Messages before hello are refused as well.
    FakeAgent rude(url(), m_clientTls);
    QVERIFY(rude.waitConnected());
    Protocol::HeartbeatBody hb;
    rude.send(hb);
    const auto error2 = rude.take(Protocol::ErrorBody::type());
    QCOMPARE(Protocol::bodyOf<Protocol::ErrorBody>(error2)->errorCode(), ErrorCode::Unauthorized);
}

// extract -> transform -(success)-> load -(finished)-> report; transform -(failed)-> alert.
// transform fails: load is skipped, report still runs (skipped satisfies `finished`), and
// alert runs.
void tst_EngineAgents::pipelineFollowsResults()
{
    // Shortly before the extract's fire time, so that the node's last message stays within
    // the heartbeat deadline when the clock reaches it.
    m_clock.set(utc(2026, 3, 1, 1, 59, 59));
    auto agent = connectAgent(u"node-p"_s);
    QVERIFY(agent);
    const QByteArray yaml
            = readFile(QStringLiteral(ORRERY_TEST_DATA_DIR) + u"/etl_pipeline.yaml"_s);
    auto applied = m_engine->applyYaml(yaml, u"etl_pipeline.yaml"_s, tester());
    QVERIFY2(applied, qPrintable(errorText(applied)));
    QCOMPARE(applied->size(), 5);
    const JobId extract = m_engine->findJob(u"extract"_s)->job.id;

    m_clock.set(utc(2026, 3, 1, 2));
    m_engine->processDueFires();
    auto d1 = takeDispatch(*agent);
    QCOMPARE(d1.job, u"extract"_s);
    const qint64 pipelineRun = d1.runId.value();
    QCOMPARE(m_store->run(d1.runId)->pipelineRunId, pipelineRun);
    QCOMPARE(m_store->run(d1.runId)->run.jobId(), extract);
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);  // nothing else yet

    agent->send(result(d1, RunState::Success, 0));
    QVERIFY(!agent->take(Protocol::AckBody::type()).type.isEmpty());
    auto d2 = takeDispatch(*agent);
    QCOMPARE(d2.job, u"transform"_s);
    QCOMPARE(m_store->run(d2.runId)->pipelineRunId, pipelineRun);

    agent->send(result(d2, RunState::Failed, 3));
    QVERIFY(!agent->take(Protocol::AckBody::type()).type.isEmpty());
    auto d3 = takeDispatch(*agent);
    auto d4 = takeDispatch(*agent);
    QStringList next{d3.job, d4.job};
    next.sort();
    QCOMPARE(next, (QStringList{u"alert"_s, u"report"_s}));

    QHash<QString, RunState> states;
    const auto members = m_store->runsOfPipelineRun(pipelineRun);
    QVERIFY(members);
    for (const RunRecord &r : *members)
        states.insert(r.run.jobName(), r.run.state());
    QCOMPARE(states.value(u"extract"_s), RunState::Success);
    QCOMPARE(states.value(u"transform"_s), RunState::Failed);
    QCOMPARE(states.value(u"load"_s), RunState::Skipped);
    QCOMPARE(states.value(u"report"_s), RunState::Waiting);
    QCOMPARE(states.value(u"alert"_s), RunState::Waiting);

    agent->send(result(d3, RunState::Success, 0));
    agent->send(result(d4, RunState::Success, 0));
    QVERIFY(!agent->take(Protocol::AckBody::type()).type.isEmpty());
    QVERIFY(!agent->take(Protocol::AckBody::type()).type.isEmpty());
    QCOMPARE(m_engine->activeRunCount(), 0);
    QCOMPARE(m_store->runsOfPipelineRun(pipelineRun)->size(), 5);
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
}

void tst_EngineAgents::missedHeartbeatsLoseAndRetry()
{
    auto agent = connectAgent(u"node-h"_s);
    QVERIFY(agent);
    Job job;
    job.name = u"fragile"_s;
    job.command = u"sleep 100"_s;
    job.retry.count = 1;
    auto created = m_engine->createJob(job, tester());
    QVERIFY(created);
    QVERIFY(m_engine->runJob(created->job.id, tester()));
    const auto dispatch = takeDispatch(*agent);
    Protocol::RunStartedBody started;
    started.runId = dispatch.runId;
    started.attempt = 1;
    started.pid = 7;
    started.startedAtMs = kStart.toMSecsSinceEpoch();
    agent->send(started);
    QTRY_COMPARE_WITH_TIMEOUT(m_store->run(dispatch.runId)->run.state(), RunState::Running,
                              kTimeout);

    // Within the deadline nothing happens.
    m_clock.advanceMSecs(3 * kHeartbeatMs);
    m_engine->checkNodes();
    QVERIFY(m_engine->nodes().at(0).connected);
    QCOMPARE(m_store->run(dispatch.runId)->run.state(), RunState::Running);

    m_clock.advanceMSecs(1);
    m_engine->checkNodes();
    QCOMPARE(m_store->nodeByName(u"node-h"_s)->state, NodeState::Offline);
    QVERIFY(!m_engine->nodes().at(0).connected);
    auto run = m_store->run(dispatch.runId);
    QCOMPARE(run->run.attempts().size(), 2);
    QCOMPARE(run->run.attempts().at(0).state, RunState::Lost);
    QCOMPARE(run->run.currentAttempt().state, RunState::Waiting);
    QCOMPARE(m_engine->waitingReason(dispatch.runId), u"no connected node"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!agent->disconnects.isEmpty(), kTimeout);
    agent.reset();
    QCOMPARE(m_store->listAudit(1)->first().action, u"node.offline"_s);

    // The agent comes back: attempt 2 goes to it. Its late result for attempt 1 changes
    // nothing but is acknowledged.
    auto back = connectAgent(u"node-h"_s);
    QVERIFY(back);
    const auto retry = takeDispatch(*back);
    QCOMPARE(retry.runId, dispatch.runId);
    QCOMPARE(retry.attempt, 2);
    back->send(result(dispatch, RunState::Success, 0));
    QVERIFY(!back->take(Protocol::AckBody::type()).type.isEmpty());
    QCOMPARE(m_store->run(dispatch.runId)->run.attempts().at(0).state, RunState::Lost);
    back->send(result(retry, RunState::Success, 0));
    QVERIFY(!back->take(Protocol::AckBody::type()).type.isEmpty());
    QCOMPARE(m_store->run(dispatch.runId)->run.state(), RunState::Success);
}

void tst_EngineAgents::helloWaitsForSpooledResults()
{
    auto agent = connectAgent(u"node-s"_s);
    QVERIFY(agent);
    Job job;
    job.name = u"pair"_s;
    job.command = u"true"_s;
    job.concurrency = ConcurrencyPolicy::Allow;
    auto created = m_engine->createJob(job, tester());
    QVERIFY(created);
    QVERIFY(m_engine->runJob(created->job.id, tester()));
    QVERIFY(m_engine->runJob(created->job.id, tester()));
    const auto first = takeDispatch(*agent);
    const auto second = takeDispatch(*agent);
    QVERIFY(first.runId.isValid() && second.runId.isValid());

    // The connection drops; the agent comes back with one spooled result and no running run.
    agent.reset();
    auto back = std::make_unique<FakeAgent>(url(), m_clientTls);
    QVERIFY(back->waitConnected());
    Protocol::HelloBody h = hello(u"node-s"_s, m_credentials.value(u"node-s"_s));
    h.spooledResults = 1;
    back->send(h);
    QVERIFY(!back->take(Protocol::WelcomeBody::type()).type.isEmpty());
    // Until the spooled result is in, neither run is lost.
    QCOMPARE(m_store->run(first.runId)->run.state(), RunState::Waiting);
    QCOMPARE(m_store->run(second.runId)->run.state(), RunState::Waiting);

    back->send(result(first, RunState::Success, 0));
    QVERIFY(!back->take(Protocol::AckBody::type()).type.isEmpty());
    QCOMPARE(m_store->run(first.runId)->run.state(), RunState::Success);
    QCOMPARE(m_store->run(second.runId)->run.state(), RunState::Lost);
    QCOMPARE(m_engine->activeRunCount(), 0);
}

QTEST_GUILESS_MAIN(tst_EngineAgents)
#include "tst_engineagents.moc"

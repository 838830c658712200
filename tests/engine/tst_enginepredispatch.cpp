// Pre-dispatch in a running engine (EngineOptions::predispatch): the engine in process on a
// ManualClock, a real WssServer on loopback and test agents that speak the protocol by hand.
// When the run of a fire is created and sent, with which start_at_ms and to which agents, what
// is decided at the instant instead, and a restart of the master in between.

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
const QDateTime kInstant = utc(2026, 3, 1, 0, 1, 0);  // "0 * * * * *" fires here first
constexpr qint64 kLeadMs = 1000;

// The capabilities of an agent of this version, and of one that predates start_at_ms.
const QStringList kHolds = {Protocol::checkCapability(), Protocol::startAtCapability()};
const QStringList kOld = {Protocol::checkCapability()};

void settle()
{
    QTest::qWait(150);
}

}  // namespace

class tst_EnginePredispatch : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void sentALeadEarlyWithTheInstantInTheAgentsClock();
    void forbidWithAnActiveRunIsDecidedAtTheInstant();
    void restartBetweenPredispatchAndInstant();
    void oldAgentsGetTheRunAtItsInstant();
    void restartMovedTheHeldRunToAnotherAgent();

private:
    void startEngine();
    // Enrols `node` (without a credential) and says hello with these capabilities.
    std::unique_ptr<FakeAgent> connectAgent(const QString &node, const QString &credential = {},
                                            const QStringList &capabilities = kHolds,
                                            int maxParallel = 4);
    JobId createJob(const QString &name);
    void at(const QDateTime &t);  // moves the clock and lets the engine fire what is due

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

void tst_EnginePredispatch::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const Result<LoopbackTls> tls = loopbackTls(m_tmp.filePath(u"pki"_s));
    QVERIFY2(tls, qPrintable(errorText(tls)));
    m_serverTls = tls->server;
    m_clientTls = tls->client;
}

void tst_EnginePredispatch::startEngine()
{
    if (!m_store) {
        m_clock.set(kStart);
        m_credentials.clear();
        auto store = Store::open(
                u"sqlite:"_s + m_tmp.path() + u"/db%1/orrery.db"_s.arg(++m_dbCount), m_clock);
        QVERIFY2(store, qPrintable(errorText(store)));
        m_store = std::move(*store);
    }
    EngineOptions options;
    options.heartbeatIntervalMs = 1000;
    options.predispatch.leadMs = kLeadMs;
    m_engine = std::make_unique<Engine>(*m_store, m_clock, options);
    QVERIFY(m_engine->start());
    m_server = serveAgents(*m_engine, m_serverTls);
    QVERIFY(m_server);
}

void tst_EnginePredispatch::cleanup()
{
    m_server.reset();
    m_engine.reset();
    m_store.reset();
}

std::unique_ptr<FakeAgent> tst_EnginePredispatch::connectAgent(const QString &node,
                                                               const QString &credential,
                                                               const QStringList &capabilities,
                                                               int maxParallel)
{
    auto agent = std::make_unique<FakeAgent>(agentUrl(m_server->port()), m_clientTls);
    if (!agent->waitConnected())
        return nullptr;
    QString secret = credential;
    if (secret.isEmpty()) {
        secret = enrolNode(*agent, *m_store, m_clock.now(), node);
        if (secret.isEmpty())
            return nullptr;
        m_credentials.insert(node, secret);
        Protocol::HelloBody h = hello(node, secret, maxParallel);
        h.capabilities = capabilities;
        agent->send(h);
    }
    return agent;
}

JobId tst_EnginePredispatch::createJob(const QString &name)
{
    Job job;
    job.name = name;
    job.schedule = u"0 * * * * *"_s;  // every minute at second 0
    job.command = u"true"_s;
    auto created = m_engine->createJob(job, tester());
    return created ? created->job.id : JobId();
}

void tst_EnginePredispatch::at(const QDateTime &t)
{
    m_clock.set(t);
    m_engine->processDueFires();
}

// The run is created a lead before the instant and sent with the instant in the agent's clock
// (this agent is 5 s ahead); the fire is not made again at the instant, not even after an edit.
void tst_EnginePredispatch::sentALeadEarlyWithTheInstantInTheAgentsClock()
{
    startEngine();
    auto agent = connectAgent(u"n1"_s);
    QVERIFY(agent);
    QVERIFY(!agent->take(Protocol::WelcomeBody::type()).type.isEmpty());
    Protocol::HeartbeatBody hb;
    hb.clockMs = m_clock.nowMs() + 5000;
    agent->send(hb);
    QTRY_VERIFY_WITH_TIMEOUT(m_engine->nodes().value(0).lastHeartbeat.has_value(), kAgentTimeout);
    const JobId job = createJob(u"report"_s);
    QVERIFY(job.isValid());

    at(kInstant.addMSecs(-kLeadMs - 1));
    QCOMPARE(m_engine->activeRunCount(), 0);
    at(kInstant.addMSecs(-kLeadMs));
    QCOMPARE(m_engine->activeRunCount(), 1);
    const Protocol::RunDispatchBody dispatch = takeDispatch(*agent);
    QVERIFY(dispatch.runId.isValid());
    QCOMPARE(dispatch.startAtMs, kInstant.toMSecsSinceEpoch() + 5000);
    auto run = m_store->run(dispatch.runId);
    QVERIFY(run);
    QCOMPARE(run->run.state(), RunState::Waiting);
    QCOMPARE(run->trigger, RunTrigger::Schedule);
    QCOMPARE(run->scheduledAt, kInstant);
    QCOMPARE(m_engine->nodes().value(0).running, 1);  // the held run takes its slot
    QCOMPARE(m_engine->nextFireTime(job), std::optional(kInstant.addSecs(60)));

    // An edit before the instant keeps the fire pre-dispatched, and the next one next.
    auto record = m_engine->findJob(u"report"_s);
    QVERIFY(record);
    Job edited = record->job;
    edited.description = u"edited"_s;
    QVERIFY(m_engine->updateJob(edited, tester()));
    QCOMPARE(m_engine->nextFireTime(job), std::optional(kInstant.addSecs(60)));
    at(kInstant);
    settle();
    QCOMPARE(m_engine->activeRunCount(), 1);
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);

    // The agent starts it at the instant and reports the time the child was spawned.
    Protocol::RunStartedBody started;
    started.runId = dispatch.runId;
    started.attempt = dispatch.attempt;
    started.pid = 4242;
    started.startedAtMs = dispatch.startAtMs + 1;  // agent clock
    agent->send(started);
    QTRY_COMPARE_WITH_TIMEOUT(m_store->run(dispatch.runId)->run.state(), RunState::Running,
                              kAgentTimeout);
    QCOMPARE(m_store->run(dispatch.runId)->run.currentAttempt().startedAt.toMSecsSinceEpoch(),
             dispatch.startAtMs + 1);
}

// Forbid (the default) with a run still active a lead before the instant: no pre-dispatch;
// the fire is taken at the instant, where forbid decides (here: the other run has ended, so
// the fire runs, sent without a start time).
void tst_EnginePredispatch::forbidWithAnActiveRunIsDecidedAtTheInstant()
{
    startEngine();
    auto agent = connectAgent(u"n1"_s);
    QVERIFY(agent);
    QVERIFY(!agent->take(Protocol::WelcomeBody::type()).type.isEmpty());
    const JobId job = createJob(u"guarded"_s);
    QVERIFY(job.isValid());
    auto manual = m_engine->runJob(job, tester());
    QVERIFY(manual);
    const Protocol::RunDispatchBody first = takeDispatch(*agent);
    QCOMPARE(first.runId, manual->run.id());
    QCOMPARE(first.startAtMs, qint64(0));  // manual runs start at once

    at(kInstant.addMSecs(-kLeadMs));
    settle();
    QCOMPARE(m_engine->activeRunCount(), 1);  // only the manual run
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);

    m_clock.set(kInstant.addMSecs(-200));
    const QString id = agent->send(result(first, RunState::Success, 0, m_clock.now()));
    QCOMPARE(agent->take(Protocol::AckBody::type()).re, id);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->activeRunCount(), 0, kAgentTimeout);

    at(kInstant);
    QCOMPARE(m_engine->activeRunCount(), 1);
    const Protocol::RunDispatchBody fired = takeDispatch(*agent);
    QVERIFY(fired.runId.isValid());
    QVERIFY(fired.runId != first.runId);
    QCOMPARE(fired.startAtMs, qint64(0));
    QCOMPARE(m_store->run(fired.runId)->scheduledAt, kInstant);
}

// The master restarts after the pre-dispatch and before the instant: the fire is not made a
// second time, the run stays with the agent that holds it (its hello lists it), and it is
// never sent anywhere else.
void tst_EnginePredispatch::restartBetweenPredispatchAndInstant()
{
    startEngine();
    auto agent = connectAgent(u"n1"_s);
    QVERIFY(agent);
    QVERIFY(!agent->take(Protocol::WelcomeBody::type()).type.isEmpty());
    const JobId job = createJob(u"survivor"_s);
    QVERIFY(job.isValid());
    at(kInstant.addMSecs(-kLeadMs));
    const Protocol::RunDispatchBody dispatch = takeDispatch(*agent);
    QVERIFY(dispatch.runId.isValid());
    QCOMPARE(dispatch.startAtMs, kInstant.toMSecsSinceEpoch());

    agent.reset();
    m_server.reset();
    m_engine.reset();
    m_clock.set(kInstant.addMSecs(-500));
    startEngine();
    QCOMPARE(m_engine->activeRunCount(), 1);
    QCOMPARE(m_engine->nextFireTime(job), std::optional(kInstant.addSecs(60)));

    agent = connectAgent(u"n1"_s, m_credentials.value(u"n1"_s));
    QVERIFY(agent);
    Protocol::HelloBody h = hello(u"n1"_s, m_credentials.value(u"n1"_s));
    h.running = {Protocol::RunRef{dispatch.runId, dispatch.attempt}};
    h.capabilities = kHolds;
    agent->send(h);
    QVERIFY(!agent->take(Protocol::WelcomeBody::type()).type.isEmpty());
    // The master confirms the held run with its dispatch again (an agent holds a run whose
    // time came while it was away until then).
    const Protocol::RunDispatchBody confirmed = takeDispatch(*agent);
    QCOMPARE(confirmed.runId, dispatch.runId);
    QCOMPARE(confirmed.attempt, dispatch.attempt);
    QCOMPARE(confirmed.startAtMs, dispatch.startAtMs);
    settle();
    QCOMPARE(agent->count(Protocol::RunStopBody::type()), 0);
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    QCOMPARE(m_engine->nodes().value(0).running, 1);

    at(kInstant);
    settle();
    QCOMPARE(m_engine->activeRunCount(), 1);
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    const QString id = agent->send(result(dispatch, RunState::Success, 0, m_clock.now()));
    QCOMPARE(agent->take(Protocol::AckBody::type()).re, id);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->activeRunCount(), 0, kAgentTimeout);
    QCOMPARE(m_store->run(dispatch.runId)->run.state(), RunState::Success);
}

// An agent whose hello does not list "start_at" would start a run with start_at_ms at once: it
// never gets one. The run goes early to an agent that holds it; with none that has room, it
// waits for its instant and is then sent to any node without start_at_ms.
void tst_EnginePredispatch::oldAgentsGetTheRunAtItsInstant()
{
    startEngine();
    auto old = connectAgent(u"old"_s, {}, kOld);
    QVERIFY(old);
    QVERIFY(!old->take(Protocol::WelcomeBody::type()).type.isEmpty());
    auto current = connectAgent(u"new"_s, {}, kHolds, 1);
    QVERIFY(current);
    QVERIFY(!current->take(Protocol::WelcomeBody::type()).type.isEmpty());
    QVERIFY(createJob(u"first"_s).isValid());
    QVERIFY(createJob(u"second"_s).isValid());

    at(kInstant.addMSecs(-kLeadMs));
    QCOMPARE(m_engine->activeRunCount(), 2);
    const Protocol::RunDispatchBody held = takeDispatch(*current);
    QVERIFY(held.runId.isValid());
    QCOMPARE(held.startAtMs, kInstant.toMSecsSinceEpoch());
    settle();
    QCOMPARE(old->count(Protocol::RunDispatchBody::type()), 0);
    QCOMPARE(current->count(Protocol::RunDispatchBody::type()), 0);  // its one slot is taken
    RunId waiting;
    const auto unfinished = m_store->unfinishedRuns();
    QVERIFY(unfinished);
    for (const RunRecord &r : *unfinished) {
        if (r.run.id() != held.runId)
            waiting = r.run.id();
    }
    QVERIFY(waiting.isValid());
    QVERIFY2(m_engine->waitingReason(waiting).contains(u"old"_s),
             qPrintable(m_engine->waitingReason(waiting)));

    m_clock.set(kInstant.addMSecs(-1));
    m_engine->processDueFires();
    settle();
    QCOMPARE(old->count(Protocol::RunDispatchBody::type()), 0);

    at(kInstant);
    const Protocol::RunDispatchBody late = takeDispatch(*old);
    QCOMPARE(late.runId, waiting);
    QCOMPARE(late.startAtMs, qint64(0));
    QCOMPARE(m_store->run(waiting)->scheduledAt, kInstant);
}

// The master restarts while agent A holds a run; agent B says hello first and gets the run (the
// master does not know where it was held). A's hello then lists it: A is told to stop it, never
// to start it, and A's `cancelled` for it (and any output) is acknowledged without ending the
// run that B holds.
void tst_EnginePredispatch::restartMovedTheHeldRunToAnotherAgent()
{
    startEngine();
    auto a = connectAgent(u"a"_s);
    QVERIFY(a);
    QVERIFY(!a->take(Protocol::WelcomeBody::type()).type.isEmpty());
    QVERIFY(createJob(u"moved"_s).isValid());
    at(kInstant.addMSecs(-kLeadMs));
    const Protocol::RunDispatchBody onA = takeDispatch(*a);
    QVERIFY(onA.runId.isValid());
    QCOMPARE(onA.startAtMs, kInstant.toMSecsSinceEpoch());
    auto b = connectAgent(u"b"_s);  // enrolled before the restart, idle
    QVERIFY(b);
    QVERIFY(!b->take(Protocol::WelcomeBody::type()).type.isEmpty());

    a.reset();
    b.reset();
    m_server.reset();
    m_engine.reset();
    m_clock.set(kInstant.addMSecs(-500));
    startEngine();
    QCOMPARE(m_engine->activeRunCount(), 1);

    b = connectAgent(u"b"_s, m_credentials.value(u"b"_s));
    QVERIFY(b);
    Protocol::HelloBody hb = hello(u"b"_s, m_credentials.value(u"b"_s));
    hb.capabilities = kHolds;
    b->send(hb);
    QVERIFY(!b->take(Protocol::WelcomeBody::type()).type.isEmpty());
    const Protocol::RunDispatchBody onB = takeDispatch(*b);
    QCOMPARE(onB.runId, onA.runId);
    QCOMPARE(onB.attempt, onA.attempt);
    QCOMPARE(onB.startAtMs, kInstant.toMSecsSinceEpoch());

    a = connectAgent(u"a"_s, m_credentials.value(u"a"_s));
    QVERIFY(a);
    Protocol::HelloBody ha = hello(u"a"_s, m_credentials.value(u"a"_s));
    ha.capabilities = kHolds;
    ha.running = {Protocol::RunRef{onA.runId, onA.attempt}};
    a->send(ha);
    QVERIFY(!a->take(Protocol::WelcomeBody::type()).type.isEmpty());
    const auto stop
            = Protocol::bodyOf<Protocol::RunStopBody>(a->take(Protocol::RunStopBody::type()));
    QVERIFY(stop);
    QCOMPARE(stop->runId, onA.runId);
    QCOMPARE(stop->attempt, onA.attempt);
    settle();
    QCOMPARE(a->count(Protocol::RunDispatchBody::type()), 0);  // never told to start it

    // A's reports for it change nothing: acknowledged, the run stays waiting on B.
    Protocol::RunOutputBody output;
    output.runId = onA.runId;
    output.attempt = onA.attempt;
    output.data = "not from the node that holds it\n";
    a->send(output);
    Protocol::RunResultBody cancelled = result(onA, RunState::Cancelled, -1, m_clock.now());
    cancelled.startedAtMs = 0;
    cancelled.reason = stop->reason;
    const QString id = a->send(cancelled);
    const Protocol::Envelope ack = a->take(Protocol::AckBody::type());
    QCOMPARE(ack.re, id);
    settle();
    QCOMPARE(m_engine->activeRunCount(), 1);
    QCOMPARE(m_store->run(onA.runId)->run.state(), RunState::Waiting);
    QCOMPARE(m_engine->nodes().size(), 2);
    for (const NodeStatus &n : m_engine->nodes())
        QCOMPARE(n.running, n.record.name == u"b"_s ? 1 : 0);

    // B starts it at the instant and it ends with B's result and output only.
    at(kInstant);
    Protocol::RunStartedBody started;
    started.runId = onB.runId;
    started.attempt = onB.attempt;
    started.pid = 4343;
    started.startedAtMs = kInstant.toMSecsSinceEpoch() + 1;
    b->send(started);
    QTRY_COMPARE_WITH_TIMEOUT(m_store->run(onB.runId)->run.state(), RunState::Running,
                              kAgentTimeout);
    const QString done = b->send(result(onB, RunState::Success, 0, m_clock.now()));
    QCOMPARE(b->take(Protocol::AckBody::type()).re, done);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->activeRunCount(), 0, kAgentTimeout);
    const auto run = m_store->run(onB.runId);
    QCOMPARE(run->run.state(), RunState::Success);
    QCOMPARE(run->run.attempts().size(), 1);
    const auto out = m_store->readOutput(onB.runId, 100);
    QVERIFY(out);
    QVERIFY2(out->isEmpty(), "output from the node that does not hold the run was stored");
}

QTEST_GUILESS_MAIN(tst_EnginePredispatch)
#include "tst_enginepredispatch.moc"

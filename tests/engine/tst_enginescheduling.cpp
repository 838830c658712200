// The scheduling semantics of issue 5 in a running engine: the engine in process on a
// ManualClock, a real WssServer on loopback and test agents that speak the protocol by hand.
// Strategies and waiting reasons, priorities and the P3 gate, P0 preemption, resource locks,
// conditions with output variables and parameters, time gates, a lost run retried on another
// node, drain, and the auto-scale hook.

#include "enginetestutil.h"
#include "fakeagent.h"

#include <master/engine/engine.h>
#include <net/pki.h>
#include <net/tls.h>
#include <net/wssserver.h>
#include <store/store.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Orrery::Net;
using namespace Qt::Literals::StringLiterals;
using namespace EngineTest;

namespace {
// A broadcast job on every node labelled role=web, then a job that needs all of them to succeed.
constexpr char kBroadcastPipeline[] = R"(name: cleanup
pipeline:
  - name: clean_logs
    command: find /var/log/app -mtime +7 -delete
    strategy: broadcast
    labels:
      role: web
  - name: report
    command: report
    dependencies:
      - task: clean_logs
        status: success
)";
}  // namespace

namespace {

const QDateTime kStart = utc(2026, 3, 1, 0, 0, 30);

// Lets messages in flight arrive before a test checks that none came.
void settle()
{
    QTest::qWait(150);
}

Protocol::HeartbeatBody heartbeat(double cpu, qint64 freeMemory)
{
    Protocol::HeartbeatBody hb;
    hb.cpuPercent = cpu;
    hb.freeMemoryBytes = freeMemory;
    hb.clockMs = kStart.toMSecsSinceEpoch();
    return hb;
}

}  // namespace

class tst_EngineScheduling : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void labelsAndResourceAwareReasons();
    void priorityOrderAndP3Gate();
    void p0PreemptsLowestPriority();
    void lockServesOneHolderAtATime();
    void conditionsOutputVariablesAndParameters();
    void notBeforeWaitsForItsTime();
    void lostRunRetriesOnAnotherNode();
    void drainLetsRunsFinish();
    void rerunFromFailedJobsOnly();
    void backfillKeepsItsConcurrency();
    void broadcastRunsOnEveryMatchingNode();
    void autoscaleHookGetsTheDecision();
    void restartInTheMiddleOfAPipelineRun();
    void broadcastRunOfAnOfflineNodeIsLost();
    void checkGoesOnlyToAgentsThatRunChecks();

private:
    void startEngine(EngineOptions options = {});
    // A new engine and server on the same store, as after a restart of the master.
    void restartEngine();
    std::unique_ptr<FakeAgent> connectAgent(const QString &node, int maxParallel,
                                            const QMap<QString, QString> &labels = {},
                                            const QStringList &capabilities = {});
    // Reports the dispatched run as ended (state, exit code) and waits for the ack.
    void finish(FakeAgent &agent, const Protocol::RunDispatchBody &dispatch, RunState state,
                int exitCode = 0);
    Result<QList<JobRecord>> apply(const QByteArray &yaml);

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

void tst_EngineScheduling::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const Result<LoopbackTls> tls = loopbackTls(m_tmp.filePath(u"pki"_s));
    QVERIFY2(tls, qPrintable(errorText(tls)));
    m_serverTls = tls->server;
    m_clientTls = tls->client;
}

void tst_EngineScheduling::startEngine(EngineOptions options)
{
    m_clock.set(kStart);
    m_credentials.clear();
    auto store = Store::open(u"sqlite:"_s + m_tmp.path() + u"/db%1/orrery.db"_s.arg(++m_dbCount),
                             m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    m_store = std::move(*store);
    options.heartbeatIntervalMs = 1000;
    m_engine = std::make_unique<Engine>(*m_store, m_clock, options);
    QVERIFY(m_engine->start());
    m_server = serveAgents(*m_engine, m_serverTls);
    QVERIFY(m_server);
}

void tst_EngineScheduling::restartEngine()
{
    m_server.reset();
    m_engine.reset();
    EngineOptions options;
    options.heartbeatIntervalMs = 1000;
    m_engine = std::make_unique<Engine>(*m_store, m_clock, options);
    QVERIFY(m_engine->start());
    m_server = serveAgents(*m_engine, m_serverTls);
    QVERIFY(m_server);
}

void tst_EngineScheduling::cleanup()
{
    m_server.reset();
    m_engine.reset();
    m_store.reset();
}

std::unique_ptr<FakeAgent> tst_EngineScheduling::connectAgent(const QString &node, int maxParallel,
                                                              const QMap<QString, QString> &labels,
                                                              const QStringList &capabilities)
{
    auto agent = std::make_unique<FakeAgent>(agentUrl(m_server->port()), m_clientTls);
    if (!agent->waitConnected())
        return nullptr;
    const QString credential = enrolNode(*agent, *m_store, m_clock.now(), node);
    if (credential.isEmpty())
        return nullptr;
    m_credentials.insert(node, credential);
    Protocol::HelloBody h = hello(node, credential, maxParallel);
    h.labels = labels;
    h.capabilities = capabilities;
    agent->send(h);
    if (agent->take(Protocol::WelcomeBody::type()).type.isEmpty())
        return nullptr;
    return agent;
}

void tst_EngineScheduling::finish(FakeAgent &agent, const Protocol::RunDispatchBody &dispatch,
                                  RunState state, int exitCode)
{
    const QString id = agent.send(result(dispatch, state, exitCode, m_clock.now()));
    QCOMPARE(agent.take(Protocol::AckBody::type()).re, id);
}

Result<QList<JobRecord>> tst_EngineScheduling::apply(const QByteArray &yaml)
{
    return m_engine->applyYaml(yaml, u"pipeline.yaml"_s, tester());
}

// A job's labels and the resource-aware table decide; a run that no node takes says why.
void tst_EngineScheduling::labelsAndResourceAwareReasons()
{
    EngineOptions options;
    options.dispatchPolicy.defaultStrategy = DispatchStrategy::ResourceAware;
    startEngine(options);
    auto busy = connectAgent(u"busy"_s, 4, {{u"zone"_s, u"sh"_s}});
    auto idle = connectAgent(u"idle"_s, 4, {{u"zone"_s, u"bj"_s}});
    QVERIFY(busy && idle);
    busy->send(heartbeat(95.0, qint64(8) << 30));
    idle->send(heartbeat(10.0, qint64(8) << 30));
    QTRY_VERIFY_WITH_TIMEOUT(
            m_engine->nodes().at(0).lastHeartbeat && m_engine->nodes().at(1).lastHeartbeat,
            kAgentTimeout);

    Job sh;
    sh.name = u"in_shanghai"_s;
    sh.command = u"true"_s;
    sh.labels = {{u"zone"_s, u"sh"_s}};
    auto job = m_engine->createJob(sh, tester());
    QVERIFY(job);
    auto run = m_engine->runJob(job->job.id, tester());
    QVERIFY(run);
    // The only node in zone sh is above 90 % CPU: the run waits, and says so.
    const QString reason = m_engine->waitingReason(run->run.id());
    QVERIFY2(reason.contains(u"90"_s), qPrintable(reason));
    settle();
    QCOMPARE(busy->count(Protocol::RunDispatchBody::type()), 0);

    Job gz = sh;
    gz.name = u"in_guangzhou"_s;
    gz.labels = {{u"zone"_s, u"gz"_s}};
    job = m_engine->createJob(gz, tester());
    QVERIFY(job);
    run = m_engine->runJob(job->job.id, tester());
    QVERIFY(run);
    QVERIFY2(m_engine->waitingReason(run->run.id()).contains(u"zone=gz"_s),
             qPrintable(m_engine->waitingReason(run->run.id())));

    // Without a selector the resource-aware default takes the idle node.
    Job any = sh;
    any.name = u"anywhere"_s;
    any.labels.clear();
    job = m_engine->createJob(any, tester());
    QVERIFY(job);
    run = m_engine->runJob(job->job.id, tester());
    QVERIFY(run);
    QCOMPARE(takeDispatch(*idle).runId, run->run.id());

    // The busy node cools down: its run goes there.
    busy->send(heartbeat(20.0, qint64(8) << 30));
    const auto dispatch = takeDispatch(*busy);
    QCOMPARE(dispatch.job, u"in_shanghai"_s);
}

// One slot: P1 before P2 (FIFO inside a level); a P3 waits while the fleet is half busy.
void tst_EngineScheduling::priorityOrderAndP3Gate()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 2);
    QVERIFY(agent);
    QList<JobId> ids;
    for (const auto &[name, priority] :
         {std::pair{u"first"_s, Priority::P2}, std::pair{u"later_p2"_s, Priority::P2},
          std::pair{u"urgent_p1"_s, Priority::P1}, std::pair{u"idle_p3"_s, Priority::P3}}) {
        Job j;
        j.name = name;
        j.command = u"true"_s;
        j.priority = priority;
        j.concurrency = ConcurrencyPolicy::Allow;
        auto created = m_engine->createJob(j, tester());
        QVERIFY(created);
        ids.append(created->job.id);
    }
    // Two runs of `first` take both slots; then the others queue.
    auto first = m_engine->runJobs({ids[0], ids[0]}, tester());
    QVERIFY(first);
    const auto d1 = takeDispatch(*agent);
    const auto d2 = takeDispatch(*agent);
    QCOMPARE(d1.job, u"first"_s);
    QCOMPARE(d2.job, u"first"_s);
    auto queued = m_engine->runJobs({ids[1], ids[2], ids[3]}, tester());
    QVERIFY(queued);
    QCOMPARE(m_engine->waitingReason(queued->at(0).run.id()),
             u"every connected node is at max_parallel"_s);

    finish(*agent, d1, RunState::Success);
    QCOMPARE(takeDispatch(*agent).job, u"urgent_p1"_s);
    finish(*agent, d2, RunState::Success);
    const auto d3 = takeDispatch(*agent);
    QCOMPARE(d3.job, u"later_p2"_s);
    // urgent_p1 and later_p2 fill the node: the P3 waits for an idle fleet (utilisation 100 %,
    // then 50 % once one ends, still not below 50 %).
    finish(*agent, d3, RunState::Success);
    const QString reason = m_engine->waitingReason(queued->at(2).run.id());
    QVERIFY2(reason.contains(u"P3"_s), qPrintable(reason));
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
}

// A P0 with no free slot stops the lowest-priority run, which goes back to the queue with a
// new attempt and the reason recorded, and runs again after the P0.
void tst_EngineScheduling::p0PreemptsLowestPriority()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 2);
    QVERIFY(agent);
    QList<JobId> ids;
    for (const auto &[name, priority] :
         {std::pair{u"low"_s, Priority::P2}, std::pair{u"lower"_s, Priority::P3},
          std::pair{u"urgent"_s, Priority::P0}}) {
        Job j;
        j.name = name;
        j.command = u"true"_s;
        j.priority = priority;
        auto created = m_engine->createJob(j, tester());
        QVERIFY(created);
        ids.append(created->job.id);
    }
    // The P3 goes first while the fleet is idle, then the P2.
    auto lower = m_engine->runJob(ids[1], tester());
    QVERIFY(lower);
    const auto dLower = takeDispatch(*agent);
    QCOMPARE(dLower.job, u"lower"_s);
    auto low = m_engine->runJob(ids[0], tester());
    QVERIFY(low);
    const auto dLow = takeDispatch(*agent);
    QCOMPARE(dLow.job, u"low"_s);

    auto urgent = m_engine->runJob(ids[2], tester());
    QVERIFY(urgent);
    const auto stop
            = Protocol::bodyOf<Protocol::RunStopBody>(agent->take(Protocol::RunStopBody::type()));
    QVERIFY(stop);
    QCOMPARE(stop->runId, lower->run.id());
    QCOMPARE(stop->reason, u"preempted by run %1"_s.arg(urgent->run.id().value()));
    QVERIFY(m_engine->waitingReason(urgent->run.id()).contains(lower->run.id().toString()));

    // The agent stops it: the P0 gets the slot, the P3 is waiting again as attempt 2.
    finish(*agent, dLower, RunState::Cancelled, -1);
    const auto dUrgent = takeDispatch(*agent);
    QCOMPARE(dUrgent.runId, urgent->run.id());
    auto requeued = m_store->run(lower->run.id());
    QVERIFY(requeued);
    QCOMPARE(requeued->run.state(), RunState::Waiting);
    QCOMPARE(requeued->run.currentAttempt().number, 2);
    const auto events = m_store->runEvents(lower->run.id());
    QVERIFY(events);
    QCOMPARE(events->last().reason, u"preempted by run %1"_s.arg(urgent->run.id().value()));
    const auto audit = m_store->listAudit(5);
    QVERIFY(audit);
    QCOMPARE(audit->first().action, u"run.preempt"_s);

    // When the P0 ends and the fleet is idle enough, the P3 runs its second attempt.
    finish(*agent, dUrgent, RunState::Success);
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);  // 1 of 2 busy: P3 waits
    finish(*agent, dLow, RunState::Success);
    const auto again = takeDispatch(*agent);
    QCOMPARE(again.runId, lower->run.id());
    QCOMPARE(again.attempt, 2);
}

// Two pipelines share database_lock:primary_db (capacity 1): never two holders, the second
// waits with the lock as its reason and starts when the first ends.
void tst_EngineScheduling::lockServesOneHolderAtATime()
{
    startEngine();
    auto a = connectAgent(u"node-a"_s, 4);
    auto b = connectAgent(u"node-b"_s, 4);
    QVERIFY(a && b);
    for (const QString &name : {u"nightly"_s, u"hourly"_s}) {
        const QByteArray yaml
                = u"name: %1\n"
                  "pipeline:\n"
                  "  - name: %1_load\n"
                  "    command: load\n"
                  "    resources:\n"
                  "      - database_lock: primary_db\n"_s.arg(name)
                          .toUtf8();
        auto applied = apply(yaml);
        QVERIFY2(applied, qPrintable(errorText(applied)));
    }
    auto first = m_engine->runPipeline(u"nightly"_s, tester());
    auto second = m_engine->runPipeline(u"hourly"_s, tester());
    QVERIFY(first && second);
    const RunId secondRun = second->runs.first().run.id();
    QVERIFY2(m_engine->waitingReason(secondRun).contains(u"database_lock:primary_db"_s),
             qPrintable(m_engine->waitingReason(secondRun)));
    QTRY_COMPARE_WITH_TIMEOUT(a->count(Protocol::RunDispatchBody::type())
                                      + b->count(Protocol::RunDispatchBody::type()),
                              1, kAgentTimeout);
    FakeAgent *holder = a->count(Protocol::RunDispatchBody::type()) > 0 ? a.get() : b.get();
    FakeAgent *other = holder == a.get() ? b.get() : a.get();
    const auto d1 = takeDispatch(*holder);
    QCOMPARE(d1.job, u"nightly_load"_s);
    settle();
    QCOMPARE(other->count(Protocol::RunDispatchBody::type()), 0);
    QCOMPARE(holder->count(Protocol::RunDispatchBody::type()), 0);

    finish(*holder, d1, RunState::Success);
    QTRY_COMPARE_WITH_TIMEOUT(a->count(Protocol::RunDispatchBody::type())
                                      + b->count(Protocol::RunDispatchBody::type()),
                              1, kAgentTimeout);
    QVERIFY(m_engine->waitingReason(secondRun).isEmpty());
}

// Output variables (`::set`) and pipeline parameters feed conditions; a false condition skips
// its job with the reason and the skip propagates; ${name} reaches the command.
void tst_EngineScheduling::conditionsOutputVariablesAndParameters()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 4);
    QVERIFY(agent);
    const QByteArray yaml = R"(name: etl
parameters:
  env: prod
  table: facts
pipeline:
  - name: extract
    command: extract --env ${env}
  - name: load
    command: load ${table} into ${env}
    dependencies:
      - task: extract
        status: success
    condition: ${upstream.extract.rows} > 3 && ${param.env} == "prod"
  - name: archive
    command: archive
    dependencies:
      - task: extract
        status: success
    condition: ${upstream.extract.rows} > 100
  - name: after_archive
    command: notify
    dependencies:
      - task: archive
        status: success
)";
    auto applied = apply(yaml);
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto run = m_engine->runPipeline(u"etl"_s, tester(), {{u"table"_s, u"dims"_s}});
    QVERIFY2(run, qPrintable(errorText(run)));
    const auto extract = takeDispatch(*agent);
    QCOMPARE(extract.command, u"extract --env prod"_s);
    Protocol::RunOutputBody out;
    out.runId = extract.runId;
    out.attempt = extract.attempt;
    out.seq = 0;
    out.data = "reading\n::set rows=42\n";
    agent->send(out);
    finish(*agent, extract, RunState::Success);

    const auto load = takeDispatch(*agent);
    QCOMPARE(load.job, u"load"_s);
    QCOMPARE(load.command, u"load dims into prod"_s);
    auto status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QHash<QString, RunRecord> byJob;
    for (const RunRecord &r : status->runs)
        byJob.insert(r.run.jobName(), r);
    QCOMPARE(byJob.value(u"archive"_s).run.state(), RunState::Skipped);
    QCOMPARE(byJob.value(u"archive"_s).run.currentAttempt().reason,
             u"its condition is false: ${upstream.extract.rows} > 100"_s);
    QCOMPARE(byJob.value(u"after_archive"_s).run.state(), RunState::Skipped);
    finish(*agent, load, RunState::Success);
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->pipelineRun(run->id)->state, PipelineRunState::Success,
                              kAgentTimeout);
    // An unknown parameter is refused before anything starts.
    auto bad = m_engine->runPipeline(u"etl"_s, tester(), {{u"tabel"_s, u"x"_s}});
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::UnknownParameter);
    QVERIFY(bad.error().message.contains(u"table"_s));
}

// not_before 08:00: the run waits (with the reason) until the clock reaches it.
void tst_EngineScheduling::notBeforeWaitsForItsTime()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 4);
    QVERIFY(agent);
    auto applied = apply(R"(name: morning
pipeline:
  - name: report
    command: report
    not_before: "08:00"
)");
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto run = m_engine->runPipeline(u"morning"_s, tester());
    QVERIFY(run);
    const RunId id = run->runs.first().run.id();
    QVERIFY2(m_engine->waitingReason(id).contains(u"08:00"_s),
             qPrintable(m_engine->waitingReason(id)));
    m_clock.set(utc(2026, 3, 1, 7, 59, 59));
    m_engine->processDueFires();
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    m_clock.set(utc(2026, 3, 1, 8, 0, 0));
    m_engine->processDueFires();
    QCOMPARE(takeDispatch(*agent).runId, id);
}

// A run lost with its node is retried on the other node.
void tst_EngineScheduling::lostRunRetriesOnAnotherNode()
{
    startEngine();
    auto a = connectAgent(u"node-a"_s, 4);
    auto b = connectAgent(u"node-b"_s, 4);
    QVERIFY(a && b);
    Job j;
    j.name = u"important"_s;
    j.command = u"true"_s;
    j.retry.count = 1;
    auto job = m_engine->createJob(j, tester());
    QVERIFY(job);
    auto run = m_engine->runJob(job->job.id, tester());
    QVERIFY(run);
    QTRY_COMPARE_WITH_TIMEOUT(a->count(Protocol::RunDispatchBody::type())
                                      + b->count(Protocol::RunDispatchBody::type()),
                              1, kAgentTimeout);
    FakeAgent *first = a->count(Protocol::RunDispatchBody::type()) > 0 ? a.get() : b.get();
    FakeAgent *second = first == a.get() ? b.get() : a.get();
    QCOMPARE(takeDispatch(*first).attempt, 1);
    // Only the second node keeps sending heartbeats.
    m_clock.set(kStart.addMSecs(2500));
    second->send(heartbeat(5.0, qint64(8) << 30));
    QTRY_VERIFY_WITH_TIMEOUT(
            m_engine->nodes().at(second == a.get() ? 0 : 1).lastHeartbeatAt == m_clock.now(),
            kAgentTimeout);
    m_clock.set(kStart.addMSecs(3500));
    m_engine->checkNodes();
    QCOMPARE(m_store->run(run->run.id())->run.attempts().first().state, RunState::Lost);
    const auto retry = takeDispatch(*second);
    QCOMPARE(retry.runId, run->run.id());
    QCOMPARE(retry.attempt, 2);
}

// A draining node gets no new run, its running run finishes, then it is drained.
void tst_EngineScheduling::drainLetsRunsFinish()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 4);
    QVERIFY(agent);
    Job j;
    j.name = u"work"_s;
    j.command = u"true"_s;
    j.concurrency = ConcurrencyPolicy::Allow;
    auto job = m_engine->createJob(j, tester());
    QVERIFY(job);
    QVERIFY(m_engine->runJob(job->job.id, tester()));
    const auto running = takeDispatch(*agent);
    auto drained = m_engine->drainNode(u"solo"_s, tester());
    QVERIFY(drained);
    QCOMPARE(drained->record.state, NodeState::Draining);
    QVERIFY(!drained->drained);
    auto next = m_engine->runJob(job->job.id, tester());
    QVERIFY(next);
    QCOMPARE(m_engine->waitingReason(next->run.id()), u"every connected node is draining"_s);
    finish(*agent, running, RunState::Success);
    QVERIFY(m_engine->nodes().at(0).drained);
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    QVERIFY(m_engine->enableNode(u"solo"_s, tester()));
    QCOMPARE(takeDispatch(*agent).runId, next->run.id());
    QCOMPARE(m_store->nodeByName(u"solo"_s)->state, NodeState::Online);
}

// Queue length over the threshold: the hook gets the decision as JSON on stdin, once per
// cooldown, and the decision is audited.
void tst_EngineScheduling::autoscaleHookGetsTheDecision()
{
    const QString out = m_tmp.filePath(u"hook-%1.json"_s.arg(m_dbCount + 1));
    EngineOptions options;
    options.autoscaleHook = u"cat >> '%1'"_s.arg(out);
    options.autoscalePolicy.queueLengthAbove = 1;
    options.autoscalePolicy.cooldownSecs = 600;
    startEngine(options);
    Job j;
    j.name = u"queued"_s;
    j.command = u"true"_s;
    j.concurrency = ConcurrencyPolicy::Allow;
    auto job = m_engine->createJob(j, tester());
    QVERIFY(job);
    QVERIFY(m_engine->runJobs({job->job.id, job->job.id}, tester()));
    m_engine->checkNodes();
    QFile file(out);
    QTRY_VERIFY_WITH_TIMEOUT(file.exists() && file.size() > 0, kAgentTimeout);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject decision = QJsonDocument::fromJson(file.readLine()).object();
    QCOMPARE(decision.value(u"action"_s).toString(), u"scale_out"_s);
    QCOMPARE(decision.value(u"queue_length"_s).toInt(), 2);
    QVERIFY(decision.value(u"summary"_s).toString().contains(u"queue length 2 > 1"_s));
    file.close();

    // Inside the cooldown: held, audited, no second call.
    m_clock.set(kStart.addSecs(60));
    m_engine->checkNodes();
    const auto audit = m_store->listAudit(5);
    QVERIFY(audit);
    QCOMPARE(audit->at(0).action, u"autoscale.held"_s);
    QCOMPARE(audit->at(1).action, u"autoscale.scale_out"_s);
    QTest::qWait(200);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 1);
}

// extract succeeds, transform fails, load is skipped: the re-run runs transform again (and
// then load), not extract.
void tst_EngineScheduling::rerunFromFailedJobsOnly()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 4);
    QVERIFY(agent);
    auto applied = apply(R"(name: etl
pipeline:
  - name: extract
    command: extract
  - name: transform
    command: transform
    dependencies:
      - task: extract
        status: success
  - name: load
    command: load
    dependencies:
      - task: transform
        status: success
)");
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto run = m_engine->runPipeline(u"etl"_s, tester());
    QVERIFY(run);
    finish(*agent, takeDispatch(*agent), RunState::Success);
    const auto transform = takeDispatch(*agent);
    QCOMPARE(transform.job, u"transform"_s);
    finish(*agent, transform, RunState::Failed, 3);
    auto status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QCOMPARE(status->state, PipelineRunState::Failed);
    QCOMPARE(status->runs.size(), 3);
    QCOMPARE(status->runs.at(2).run.state(), RunState::Skipped);

    auto rerun = m_engine->rerunPipelineRun(run->id, tester());
    QVERIFY2(rerun, qPrintable(errorText(rerun)));
    QCOMPARE(rerun->state, PipelineRunState::Running);
    const auto again = takeDispatch(*agent);
    QCOMPARE(again.job, u"transform"_s);
    QCOMPARE(again.attempt, 2);
    const RunId loadRun = rerun->runs.at(2).run.id();
    QCOMPARE(m_engine->waitingReason(loadRun), u"waiting for its upstream tasks"_s);
    QCOMPARE(m_engine->rerunPipelineRun(run->id, tester()).error().code, ErrorCode::Conflict);

    finish(*agent, again, RunState::Success);
    const auto load = takeDispatch(*agent);
    QCOMPARE(load.runId, loadRun);
    QCOMPARE(load.attempt, 2);
    finish(*agent, load, RunState::Success);
    status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QCOMPARE(status->state, PipelineRunState::Success);
    QCOMPARE(status->runs.size(), 3);
    QCOMPARE(status->runs.at(0).run.attempts().size(), 1);  // extract ran once
    QCOMPARE(m_engine->rerunPipelineRun(run->id, tester()).error().code, ErrorCode::Conflict);
}

// Four daily fires, two at a time: the third starts when one of the first two ends.
void tst_EngineScheduling::backfillKeepsItsConcurrency()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 8);
    QVERIFY(agent);
    auto applied = apply(R"(name: daily
pipeline:
  - name: report
    command: report
    schedule: "0 2 * * *"
    concurrency: allow
)");
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto fires = m_engine->backfill(u"daily"_s, utc(2026, 2, 25), utc(2026, 2, 28, 23, 59), 2,
                                    tester());
    QVERIFY2(fires, qPrintable(errorText(fires)));
    QCOMPARE(*fires, (QList<QDateTime>{utc(2026, 2, 25, 2), utc(2026, 2, 26, 2),
                                       utc(2026, 2, 27, 2), utc(2026, 2, 28, 2)}));
    const auto first = takeDispatch(*agent);
    const auto second = takeDispatch(*agent);
    QVERIFY(first.runId.isValid() && second.runId.isValid());
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    auto runs = m_engine->pipelineRuns(u"daily"_s, 10);
    QVERIFY(runs);
    QCOMPARE(runs->size(), 2);
    QCOMPARE(runs->last().trigger, RunTrigger::Backfill);
    QCOMPARE(runs->last().scheduledAt, utc(2026, 2, 25, 2));

    finish(*agent, first, RunState::Success);
    const auto third = takeDispatch(*agent);
    QVERIFY(third.runId.isValid());
    finish(*agent, second, RunState::Success);
    finish(*agent, third, RunState::Success);
    finish(*agent, takeDispatch(*agent), RunState::Success);
    runs = m_engine->pipelineRuns(u"daily"_s, 10);
    QCOMPARE(runs->size(), 4);
    QCOMPARE(runs->first().scheduledAt, utc(2026, 2, 28, 2));
    for (const PipelineRunStatus &r : *runs)
        QCOMPARE(r.state, PipelineRunState::Success);

    QCOMPARE(m_engine->backfill(u"daily"_s, utc(2026, 3, 2), utc(2026, 3, 1), 1, tester())
                     .error()
                     .code,
             ErrorCode::InvalidValue);
}

// A broadcast job runs once on each node with its labels; in a pipeline the job counts as
// done only when every one of its runs has ended, and failed when one failed.
void tst_EngineScheduling::broadcastRunsOnEveryMatchingNode()
{
    startEngine();
    std::unique_ptr<FakeAgent> agents[3];
    const QString names[3] = {u"web-1"_s, u"web-2"_s, u"db-1"_s};
    for (int i = 0; i < 3; ++i) {
        agents[i] = connectAgent(names[i], 4, {{u"role"_s, i < 2 ? u"web"_s : u"db"_s}});
        QVERIFY(agents[i]);
    }
    auto applied = apply(kBroadcastPipeline);
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto run = m_engine->runPipeline(u"cleanup"_s, tester());
    QVERIFY(run);
    const auto d1 = takeDispatch(*agents[0]);
    const auto d2 = takeDispatch(*agents[1]);
    QCOMPARE(d1.job, u"clean_logs"_s);
    QCOMPARE(d2.job, u"clean_logs"_s);
    QVERIFY(d1.runId != d2.runId);
    settle();
    QCOMPARE(agents[2]->count(Protocol::RunDispatchBody::type()), 0);  // not a web node

    // One ended: the job is not done yet; the other fails: report is skipped.
    finish(*agents[0], d1, RunState::Success);
    settle();
    QCOMPARE(agents[0]->count(Protocol::RunDispatchBody::type()), 0);
    QCOMPARE(agents[1]->count(Protocol::RunDispatchBody::type()), 0);
    finish(*agents[1], d2, RunState::Failed, 1);
    auto status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QCOMPARE(status->runs.size(), 3);
    QCOMPARE(status->runs.last().run.jobName(), u"report"_s);
    QCOMPARE(status->runs.last().run.state(), RunState::Skipped);
    QCOMPARE(status->state, PipelineRunState::Failed);
}

// The master restarts while a pipeline run is half done (one job ended, one skipped, one
// running, one waiting for it): the new engine rebuilds the pipeline run from the store and
// finishes it as without the restart, every job run once.
void tst_EngineScheduling::restartInTheMiddleOfAPipelineRun()
{
    startEngine();
    auto agent = connectAgent(u"solo"_s, 4);
    QVERIFY(agent);
    auto applied = apply(R"(name: nightly
pipeline:
  - name: extract
    command: extract
  - name: on_failure
    command: alert
    dependencies:
      - task: extract
        status: failed
  - name: transform
    command: transform
    dependencies:
      - task: extract
        status: success
  - name: index
    command: index
    dependencies:
      - task: extract
        status: success
  - name: publish
    command: publish
    dependencies:
      - task: transform
        status: success
      - task: index
        status: success
      - task: on_failure
        status: finished
)");
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto run = m_engine->runPipeline(u"nightly"_s, tester());
    QVERIFY(run);
    finish(*agent, takeDispatch(*agent), RunState::Success);
    const auto first = takeDispatch(*agent);
    const auto second = takeDispatch(*agent);
    QCOMPARE((QSet<QString>{first.job, second.job}), (QSet<QString>{u"transform"_s, u"index"_s}));
    finish(*agent, first, RunState::Success);
    Protocol::RunStartedBody started;
    started.runId = second.runId;
    started.attempt = second.attempt;
    started.pid = 4242;
    started.startedAtMs = m_clock.nowMs();
    agent->send(started);
    QTRY_COMPARE(m_store->run(second.runId)->run.state(), RunState::Running);

    agent.reset();
    restartEngine();
    auto status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QCOMPARE(status->state, PipelineRunState::Running);
    QCOMPARE(status->runs.size(), 4);  // publish waits for the running job

    // The agent comes back with the running job and reports it.
    auto back = std::make_unique<FakeAgent>(
            QUrl(u"wss://127.0.0.1:%1/agent"_s.arg(m_server->port())), m_clientTls);
    QVERIFY(back->waitConnected());
    Protocol::HelloBody h = hello(u"solo"_s, m_credentials.value(u"solo"_s), 4);
    h.running = {Protocol::RunRef{second.runId, second.attempt}};
    back->send(h);
    QVERIFY(!back->take(Protocol::WelcomeBody::type()).type.isEmpty());
    settle();
    QCOMPARE(back->count(Protocol::RunDispatchBody::type()), 0);
    finish(*back, second, RunState::Success);
    const auto publish = takeDispatch(*back);
    QCOMPARE(publish.job, u"publish"_s);
    finish(*back, publish, RunState::Success);

    status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QCOMPARE(status->state, PipelineRunState::Success);
    QStringList jobs;
    for (const RunRecord &r : std::as_const(status->runs)) {
        jobs.append(r.run.jobName() + u'=' + runStateName(r.run.state()));
        QCOMPARE(r.run.attempts().size(), 1);
    }
    jobs.sort();
    QCOMPARE(jobs, (QStringList{u"extract=success"_s, u"index=success"_s, u"on_failure=skipped"_s,
                                u"publish=success"_s, u"transform=success"_s}));
    settle();
    QCOMPARE(back->count(Protocol::RunDispatchBody::type()), 0);
    QCOMPARE(m_engine->activeRunCount(), 0);
}

// A broadcast job's run that waits for its node (busy) when the node goes offline is lost
// with it, not moved to the other node; the job's result is then not success and the job
// after it, which needs success, is skipped.
void tst_EngineScheduling::broadcastRunOfAnOfflineNodeIsLost()
{
    startEngine();
    auto web1 = connectAgent(u"web-1"_s, 4, {{u"role"_s, u"web"_s}});
    auto web2 = connectAgent(u"web-2"_s, 1, {{u"role"_s, u"web"_s}, {u"slot"_s, u"hog"_s}});
    QVERIFY(web1 && web2);
    Job hog;
    hog.name = u"hog"_s;
    hog.command = u"sleep 600"_s;
    hog.labels = {{u"slot"_s, u"hog"_s}};
    auto created = m_engine->createJob(hog, tester());
    QVERIFY2(created, qPrintable(errorText(created)));
    QVERIFY(m_engine->runJob(created->job.id, tester()));
    QCOMPARE(takeDispatch(*web2).job, u"hog"_s);  // web-2's only slot is taken

    auto applied = apply(kBroadcastPipeline);
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto run = m_engine->runPipeline(u"cleanup"_s, tester());
    QVERIFY(run);
    const auto onWeb1 = takeDispatch(*web1);
    QCOMPARE(onWeb1.job, u"clean_logs"_s);
    auto status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QCOMPARE(status->runs.size(), 2);
    const RunId forWeb2 = status->runs.at(1).run.id();
    QCOMPARE(m_engine->waitingReason(forWeb2), u"waiting for node web-2 (broadcast)"_s);

    // web-2 goes away and does not come back in time; web-1 stays (its heartbeat).
    web2.reset();
    const auto web2Connected = [this] {
        const QList<NodeStatus> nodes = m_engine->nodes();
        return std::any_of(nodes.cbegin(), nodes.cend(), [](const NodeStatus &node) {
            return node.record.name == u"web-2"_s && node.connected;
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(!web2Connected(), 10000);  // the engine saw the disconnect
    m_clock.advanceMSecs(60000);
    web1->send(heartbeat(10, 8LL << 30));
    settle();
    m_engine->checkNodes();
    QCOMPARE(m_store->nodeByName(u"web-2"_s)->state, NodeState::Offline);
    QCOMPARE(m_store->nodeByName(u"web-1"_s)->state, NodeState::Online);
    auto lost = m_store->run(forWeb2);
    QVERIFY(lost);
    QCOMPARE(lost->run.state(), RunState::Lost);
    QCOMPARE(lost->run.attempts().size(), 1);  // not retried
    QVERIFY2(lost->run.currentAttempt().reason.contains(u"web-2"_s),
             qPrintable(lost->run.currentAttempt().reason));
    settle();
    QCOMPARE(web1->count(Protocol::RunDispatchBody::type()), 0);  // not moved to web-1

    finish(*web1, onWeb1, RunState::Success);
    status = m_engine->pipelineRun(run->id);
    QVERIFY(status);
    QCOMPARE(status->runs.size(), 3);
    QCOMPARE(status->runs.last().run.jobName(), u"report"_s);
    QCOMPARE(status->runs.last().run.state(), RunState::Skipped);
    QCOMPARE(status->state, PipelineRunState::Failed);
    settle();
    QCOMPARE(web1->count(Protocol::RunDispatchBody::type()), 0);
}

// A job with a check command is never sent to an agent whose hello does not list the "check"
// capability (it would run the command without the check): the run waits with a reason that
// names that agent, and goes to the first agent that runs checks.
void tst_EngineScheduling::checkGoesOnlyToAgentsThatRunChecks()
{
    startEngine();
    auto old = connectAgent(u"old-1"_s, 4);
    QVERIFY(old);
    Job job;
    job.name = u"guarded"_s;
    job.command = u"echo ready"_s;
    job.check = u"test -f /tmp/ready"_s;
    auto created = m_engine->createJob(job, tester());
    QVERIFY2(created, qPrintable(errorText(created)));
    auto run = m_engine->runJob(created->job.id, tester());
    QVERIFY(run);
    settle();
    QCOMPARE(old->count(Protocol::RunDispatchBody::type()), 0);
    const QString reason = m_engine->waitingReason(run->run.id());
    QVERIFY2(reason.contains(u"old-1"_s) && reason.contains(u"check"_s), qPrintable(reason));

    auto current = connectAgent(u"new-1"_s, 4, {}, {Protocol::checkCapability()});
    QVERIFY(current);
    const auto dispatch = takeDispatch(*current);
    QCOMPARE(dispatch.runId, run->run.id());
    QCOMPARE(dispatch.check, u"test -f /tmp/ready"_s);
    settle();
    QCOMPARE(old->count(Protocol::RunDispatchBody::type()), 0);
}

QTEST_GUILESS_MAIN(tst_EngineScheduling)
#include "tst_enginescheduling.moc"

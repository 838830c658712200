// What survives a restart of the master (a new engine on the same store) in the middle of a
// run's life: a retry waiting out its delay, the runs of a broadcast job pinned to their
// nodes, and a pipeline run started from one job (that job and its downstream jobs only). The engine in process on a ManualClock, a real WssServer on loopback and test agents
// that speak the protocol by hand.

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
    void broadcastRunsKeepTheirNodesAcrossARestart();
    void manualRunOfAJobRunsItAndItsDownstreamOnly();

private:
    // A new engine and server on the store (the same store again: a restart of the master).
    void startEngine();
    void stopEngine();
    // A new node (enrolled) or one enrolled before (its credential), connected and welcomed.
    // `running`: the runs it says it has (hello reconciliation after a restart).
    std::unique_ptr<FakeAgent> connectAgent(const QString &node, int maxParallel = 4,
                                            const QMap<QString, QString> &labels = {},
                                            const QList<Protocol::RunRef> &running = {});
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
    m_server = serveAgents(*m_engine, m_serverTls);
    QVERIFY(m_server);
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
    auto agent = std::make_unique<FakeAgent>(agentUrl(m_server->port()), m_clientTls);
    if (!agent->waitConnected())
        return nullptr;
    QString credential = m_credentials.value(node);
    if (credential.isEmpty()) {
        credential = enrolNode(*agent, *m_store, m_clock.now(), node);
        if (credential.isEmpty())
            return nullptr;
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

// A broadcast job on web-1 and web-2: the first run goes to web-1 and creates the run for
// web-2, which waits (web-2's only slot is busy) when the master restarts. The new master
// keeps that run for web-2 although web-1 has room, and a retry of the first run (on web-1
// again) does not create runs for the other nodes a second time: one run per node.
void tst_EngineRestart::broadcastRunsKeepTheirNodesAcrossARestart()
{
    const QMap<QString, QString> web{{u"role"_s, u"web"_s}};
    const QMap<QString, QString> hogSlot{{u"role"_s, u"web"_s}, {u"slot"_s, u"hog"_s}};
    auto web1 = connectAgent(u"web-1"_s, 4, web);
    auto web2 = connectAgent(u"web-2"_s, 1, hogSlot);
    QVERIFY(web1 && web2);
    Job hog;
    hog.name = u"hog"_s;
    hog.command = u"sleep 600"_s;
    hog.labels = {{u"slot"_s, u"hog"_s}};
    auto created = m_engine->createJob(hog, tester());
    QVERIFY2(created, qPrintable(errorText(created)));
    QVERIFY(m_engine->runJob(created->job.id, tester()));
    const auto hogRun = takeDispatch(*web2);
    QCOMPARE(hogRun.job, u"hog"_s);
    start(*web2, hogRun);

    auto applied = m_engine->applyYaml(R"(name: cleanup
pipeline:
  - name: clean_logs
    command: find /var/log/app -mtime +7 -delete
    strategy: broadcast
    retries: 1
    labels:
      role: web
  - name: report
    command: report
    dependencies:
      - task: clean_logs
        status: success
)",
                                       u"cleanup.yaml"_s, tester());
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto pipelineRun = m_engine->runPipeline(u"cleanup"_s, tester());
    QVERIFY2(pipelineRun, qPrintable(errorText(pipelineRun)));
    const auto first = takeDispatch(*web1);
    QCOMPARE(first.job, u"clean_logs"_s);
    start(*web1, first);
    auto status = m_engine->pipelineRun(pipelineRun->id);
    QVERIFY(status);
    QCOMPARE(status->runs.size(), 2);
    const RunId forWeb2 = status->runs.at(1).run.id();
    QCOMPARE(m_store->run(first.runId)->pinnedNode, u"web-1"_s);
    QCOMPARE(m_store->run(forWeb2)->pinnedNode, u"web-2"_s);

    web1.reset();
    web2.reset();
    stopEngine();
    startEngine();
    web1 = connectAgent(u"web-1"_s, 4, web, {Protocol::RunRef{first.runId, first.attempt}});
    QVERIFY(web1);
    QCOMPARE(m_engine->waitingReason(forWeb2), u"waiting for node web-2 (broadcast)"_s);
    settle();
    QCOMPARE(web1->count(Protocol::RunDispatchBody::type()), 0);  // not moved to web-1

    // The first run fails on web-1 and is retried there, without a second fan-out.
    finish(*web1, first, RunState::Failed, 1);
    const auto retry = takeDispatch(*web1);
    QCOMPARE(retry.runId, first.runId);
    QCOMPARE(retry.attempt, 2);
    settle();
    QCOMPARE(web1->count(Protocol::RunDispatchBody::type()), 0);
    QCOMPARE(m_engine->pipelineRun(pipelineRun->id)->runs.size(), 2);
    finish(*web1, retry, RunState::Success);

    // web-2 comes back with its busy slot, frees it, and gets its own run.
    web2 = connectAgent(u"web-2"_s, 1, hogSlot, {Protocol::RunRef{hogRun.runId, hogRun.attempt}});
    QVERIFY(web2);
    finish(*web2, hogRun, RunState::Success);
    const auto second = takeDispatch(*web2);
    QCOMPARE(second.runId, forWeb2);
    QCOMPARE(second.job, u"clean_logs"_s);
    finish(*web2, second, RunState::Success);
    const QString dispatchType = Protocol::RunDispatchBody::type();
    QTRY_COMPARE_WITH_TIMEOUT(web1->count(dispatchType) + web2->count(dispatchType), 1,
                              kAgentTimeout);
    FakeAgent &reporter = web1->count(dispatchType) > 0 ? *web1 : *web2;
    const auto report = takeDispatch(reporter);
    QCOMPARE(report.job, u"report"_s);
    finish(reporter, report, RunState::Success);

    status = m_engine->pipelineRun(pipelineRun->id);
    QVERIFY(status);
    QCOMPARE(status->state, PipelineRunState::Success);
    // One run per node: the first (web-1, two attempts) and the one made for web-2.
    QStringList runs;
    for (const RunRecord &r : std::as_const(status->runs))
        runs.append(r.run.jobName() + u'@' + r.pinnedNode + u'=' + runStateName(r.run.state())
                    + u'/' + QString::number(r.run.attempts().size()));
    QCOMPARE(runs, (QStringList{u"clean_logs@web-1=success/2"_s, u"clean_logs@web-2=success/1"_s,
                                u"report@=success/1"_s}));
    settle();
    QCOMPARE(web1->count(dispatchType), 0);
    QCOMPARE(web2->count(dispatchType), 0);
}

// A manual run of `transform` (not a root) runs transform and its downstream jobs only:
// extract (upstream) and index (another branch) get no run, publish does not wait for index.
// The master restarts in the middle; a re-run after load failed stays within that part too.
// A manual run of the root job runs the whole pipeline, as before.
void tst_EngineRestart::manualRunOfAJobRunsItAndItsDownstreamOnly()
{
    auto agent = connectAgent(u"solo"_s);
    QVERIFY(agent);
    auto applied = m_engine->applyYaml(R"(name: etl
pipeline:
  - name: extract
    command: extract
  - name: transform
    command: transform
    dependencies:
      - task: extract
  - name: index
    command: index
    dependencies:
      - task: extract
  - name: load
    command: load
    dependencies:
      - task: transform
  - name: publish
    command: publish
    dependencies:
      - task: load
      - task: index
)",
                                       u"etl.yaml"_s, tester());
    QVERIFY2(applied, qPrintable(errorText(applied)));
    auto transform = m_store->jobByName(u"transform"_s);
    QVERIFY(transform);
    auto run = m_engine->runJob(transform->job.id, tester());
    QVERIFY2(run, qPrintable(errorText(run)));
    QCOMPARE(run->pipelineRunId, run->run.id().value());
    const qint64 pipelineRunId = run->pipelineRunId;
    auto status = m_engine->pipelineRun(pipelineRunId);
    QVERIFY(status);
    QCOMPARE(status->startJob, u"transform"_s);
    QCOMPARE(status->trigger, RunTrigger::Manual);

    const auto first = takeDispatch(*agent);
    QCOMPARE(first.job, u"transform"_s);
    finish(*agent, first, RunState::Success);
    const auto load = takeDispatch(*agent);
    QCOMPARE(load.job, u"load"_s);
    start(*agent, load);

    agent.reset();
    stopEngine();
    startEngine();
    agent = connectAgent(u"solo"_s, 4, {}, {Protocol::RunRef{load.runId, load.attempt}});
    QVERIFY(agent);
    finish(*agent, load, RunState::Failed, 2);
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    status = m_engine->pipelineRun(pipelineRunId);
    QVERIFY(status);
    QCOMPARE(status->state, PipelineRunState::Failed);
    QCOMPARE(status->startJob, u"transform"_s);
    const auto describe = [](const PipelineRunStatus &s) {
        QStringList out;
        for (const RunRecord &r : s.runs)
            out.append(r.run.jobName() + u'=' + runStateName(r.run.state()));
        return out;
    };
    QCOMPARE(describe(*status),
             (QStringList{u"transform=success"_s, u"load=failed"_s, u"publish=skipped"_s}));

    // Re-run from the failed job: load, then publish, and still nothing upstream or aside.
    auto rerun = m_engine->rerunPipelineRun(pipelineRunId, tester());
    QVERIFY2(rerun, qPrintable(errorText(rerun)));
    const auto again = takeDispatch(*agent);
    QCOMPARE(again.job, u"load"_s);
    finish(*agent, again, RunState::Success);
    const auto publish = takeDispatch(*agent);
    QCOMPARE(publish.job, u"publish"_s);
    finish(*agent, publish, RunState::Success);
    settle();
    QCOMPARE(agent->count(Protocol::RunDispatchBody::type()), 0);
    status = m_engine->pipelineRun(pipelineRunId);
    QVERIFY(status);
    QCOMPARE(status->state, PipelineRunState::Success);
    QCOMPARE(describe(*status),
             (QStringList{u"transform=success"_s, u"load=success"_s, u"publish=success"_s}));
    for (const QString &name : {u"extract"_s, u"index"_s})
        QCOMPARE(runsOf(*m_store, m_store->jobByName(name)->job.id).size(), 0);

    // The root job: the whole pipeline, no start job.
    auto extract = m_store->jobByName(u"extract"_s);
    QVERIFY(extract);
    auto whole = m_engine->runJob(extract->job.id, tester());
    QVERIFY(whole);
    QCOMPARE(takeDispatch(*agent).job, u"extract"_s);
    status = m_engine->pipelineRun(whole->pipelineRunId);
    QVERIFY(status);
    QVERIFY(status->startJob.isEmpty());
}

QTEST_GUILESS_MAIN(tst_EngineRestart)
#include "tst_enginerestart.moc"

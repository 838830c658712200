#include "enginetestutil.h"

#include <master/engine/engine.h>
#include <store/store.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;
using namespace EngineTest;

Q_DECLARE_METATYPE(Orrery::ErrorCode)
Q_DECLARE_METATYPE(Orrery::MisfirePolicy)

namespace {

const QDateTime kStart = utc(2026, 3, 1, 0, 0, 30);

Job makeJob(const QString &name, const QString &schedule = {})
{
    Job j;
    j.name = name;
    j.command = u"true"_s;
    j.schedule = schedule;
    return j;
}

}  // namespace

class tst_Engine : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void createValidates_data();
    void createValidates();
    void createConflictAndAudit();
    void updateAndDelete();
    void firesAtScheduledInstants();
    void forbidSkipsFireWhileActive();
    void allowFiresAgain();
    void misfireAfterRestart_data();
    void misfireAfterRestart();
    void stopJobCancelsWaitingRuns();
    void runJobsCreatesAllOrNothingUnknown();
    void waitingRunsSurviveRestart();
    void examplePipelineRunsInOrder();
    void applyYamlErrorsAreLocated();
    void applyYamlRemovesDroppedJobs();

private:
    std::unique_ptr<Engine> newEngine();

    QTemporaryDir m_dir;
    QString m_url;
    int m_dbCount = 0;
    ManualClock m_clock{kStart};
    std::unique_ptr<Store> m_store;
};

void tst_Engine::init()
{
    QVERIFY(m_dir.isValid());
    m_clock.set(kStart);
    m_url = u"sqlite:"_s + m_dir.path() + u"/db%1/orrery.db"_s.arg(++m_dbCount);
    auto store = Store::open(m_url, m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    m_store = std::move(*store);
}

void tst_Engine::cleanup()
{
    m_store.reset();
}

std::unique_ptr<Engine> tst_Engine::newEngine()
{
    auto engine = std::make_unique<Engine>(*m_store, m_clock, EngineOptions{});
    auto started = engine->start();
    if (!started) {
        qWarning("start failed: %s", qPrintable(started.error().toString()));
        return nullptr;
    }
    return engine;
}

void tst_Engine::createValidates_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<qint64>("timeout");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("field");
    QTest::addColumn<int>("column");

    QTest::newRow("no-name") << u""_s << u"true"_s << u""_s << u""_s << qint64(0)
                             << ErrorCode::MissingField << u"name"_s << 0;
    QTest::newRow("digits-name") << u"123"_s << u"true"_s << u""_s << u""_s << qint64(0)
                                 << ErrorCode::InvalidValue << u"name"_s << 0;
    QTest::newRow("no-command") << u"a"_s << u"  "_s << u""_s << u""_s << qint64(0)
                                << ErrorCode::MissingField << u"command"_s << 0;
    QTest::newRow("bad-cron") << u"a"_s << u"true"_s << u"0 2 * * * * *"_s << u""_s << qint64(0)
                              << ErrorCode::BadCron << u"schedule"_s << 0;
    QTest::newRow("bad-cron-field") << u"a"_s << u"true"_s << u"0 25 * * *"_s << u""_s << qint64(0)
                                    << ErrorCode::BadCron << u"schedule"_s << 3;
    QTest::newRow("never-fires") << u"a"_s << u"true"_s << u"0 0 30 2 *"_s << u""_s << qint64(0)
                                 << ErrorCode::NeverFires << u"schedule"_s << 0;
    QTest::newRow("bad-zone") << u"a"_s << u"true"_s << u"0 2 * * *"_s << u"Mars/Olympus"_s
                              << qint64(0) << ErrorCode::InvalidValue << u"time_zone"_s << 0;
    QTest::newRow("negative-timeout") << u"a"_s << u"true"_s << u""_s << u""_s << qint64(-1)
                                      << ErrorCode::InvalidValue << u"timeout"_s << 0;
}

void tst_Engine::createValidates()
{
    QFETCH(QString, name);
    QFETCH(QString, command);
    QFETCH(QString, schedule);
    QFETCH(QString, zone);
    QFETCH(qint64, timeout);
    QFETCH(ErrorCode, code);
    QFETCH(QString, field);
    QFETCH(int, column);

    auto engine = newEngine();
    QVERIFY(engine);
    Job job = makeJob(name, schedule);
    job.command = command;
    job.timeZone = zone;
    job.timeoutSecs = timeout;
    auto r = engine->createJob(job, tester());
    QVERIFY(!r);
    QCOMPARE(r.error().code, code);
    QCOMPARE(r.error().file, field);
    if (column > 0)
        QCOMPARE(r.error().column, column);
    QCOMPARE(m_store->listJobs()->size(), 0);
    QCOMPARE(m_store->listAudit(10)->size(), 0);
}

void tst_Engine::createConflictAndAudit()
{
    auto engine = newEngine();
    QVERIFY(engine);
    QSignalSpy changed(engine.get(), &Engine::jobChanged);
    auto created = engine->createJob(makeJob(u"backup"_s, u"0 2 * * *"_s), tester());
    QVERIFY2(created, qPrintable(errorText(created)));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(engine->nextFireTime(created->job.id), utc(2026, 3, 1, 2));

    auto again = engine->createJob(makeJob(u"backup"_s), tester());
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::Conflict);

    auto audit = m_store->listAudit(10);
    QVERIFY(audit);
    QCOMPARE(audit->size(), 1);
    QCOMPARE(audit->first().action, u"task.create"_s);
    QCOMPARE(audit->first().actor, u"tester"_s);
    QCOMPARE(audit->first().target, u"backup"_s);
    QCOMPARE(audit->first().source, u"127.0.0.1"_s);

    QCOMPARE(engine->findJob(u"backup"_s)->job.id, created->job.id);
    QCOMPARE(engine->findJob(created->job.id.toString())->job.name, u"backup"_s);
    QCOMPARE(engine->findJob(u"nope"_s).error().code, ErrorCode::NotFound);
}

void tst_Engine::updateAndDelete()
{
    auto engine = newEngine();
    QVERIFY(engine);
    auto created = engine->createJob(makeJob(u"report"_s, u"0 2 * * *"_s), tester());
    QVERIFY(created);
    Job job = created->job;
    job.schedule = u"30 1 * * *"_s;
    auto updated = engine->updateJob(job, tester());
    QVERIFY2(updated, qPrintable(errorText(updated)));
    QCOMPARE(engine->nextFireTime(job.id), utc(2026, 3, 1, 1, 30));

    job.schedule = u"61 * * * *"_s;
    auto bad = engine->updateJob(job, tester());
    QVERIFY(!bad);
    QCOMPARE(bad.error().file, u"schedule"_s);
    QCOMPARE(engine->nextFireTime(job.id), utc(2026, 3, 1, 1, 30));  // unchanged

    job.enabled = false;
    job.schedule = u"30 1 * * *"_s;
    QVERIFY(engine->updateJob(job, tester()));
    QCOMPARE(engine->nextFireTime(job.id), std::nullopt);

    QVERIFY(engine->deleteJob(job.id, tester()));
    QCOMPARE(engine->findJob(u"report"_s).error().code, ErrorCode::NotFound);
    QCOMPARE(m_store->job(job.id).error().code, ErrorCode::NotFound);
    QCOMPARE(m_store->listAudit(10)->first().action, u"task.delete"_s);
}

void tst_Engine::firesAtScheduledInstants()
{
    auto engine = newEngine();
    QVERIFY(engine);
    Job job = makeJob(u"tick"_s, u"*/5 * * * *"_s);
    job.concurrency = ConcurrencyPolicy::Allow;
    auto created = engine->createJob(job, tester());
    QVERIFY(created);
    const JobId id = created->job.id;
    QCOMPARE(engine->nextFireTime(id), utc(2026, 3, 1, 0, 5));

    m_clock.set(utc(2026, 3, 1, 0, 4, 59));
    engine->processDueFires();
    QCOMPARE(runsOf(*m_store, id).size(), 0);

    m_clock.set(utc(2026, 3, 1, 0, 5, 0));
    engine->processDueFires();
    auto runs = runsOf(*m_store, id);
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs[0].trigger, RunTrigger::Schedule);
    QCOMPARE(runs[0].scheduledAt, utc(2026, 3, 1, 0, 5));
    QCOMPARE(runs[0].run.state(), RunState::Waiting);
    QCOMPARE(engine->nextFireTime(id), utc(2026, 3, 1, 0, 10));
    QCOMPARE(engine->waitingReason(runs[0].run.id()), u"no connected node"_s);

    // Allow: a second fire while the first run waits makes a second run.
    m_clock.set(utc(2026, 3, 1, 0, 10, 0));
    engine->processDueFires();
    runs = runsOf(*m_store, id);
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs[1].scheduledAt, utc(2026, 3, 1, 0, 10));
    QCOMPARE(engine->jobStatus(id)->active, 2);
    QCOMPARE(engine->jobStatus(id)->lastRun->run.id(), runs[1].run.id());
}

void tst_Engine::forbidSkipsFireWhileActive()
{
    auto engine = newEngine();
    QVERIFY(engine);
    auto created = engine->createJob(makeJob(u"slow"_s, u"* * * * *"_s), tester());
    QVERIFY(created);
    const JobId id = created->job.id;
    m_clock.set(utc(2026, 3, 1, 0, 1));
    engine->processDueFires();
    QCOMPARE(runsOf(*m_store, id).size(), 1);
    // The first run is still waiting (no agent): the next fire is skipped.
    m_clock.set(utc(2026, 3, 1, 0, 2));
    engine->processDueFires();
    QCOMPARE(runsOf(*m_store, id).size(), 1);
    QCOMPARE(engine->nextFireTime(id), utc(2026, 3, 1, 0, 3));
    // Once it is gone, fires create runs again.
    QVERIFY(engine->stopJob(id, tester()));
    m_clock.set(utc(2026, 3, 1, 0, 3));
    engine->processDueFires();
    QCOMPARE(runsOf(*m_store, id).size(), 2);
}

void tst_Engine::allowFiresAgain()
{
    auto engine = newEngine();
    QVERIFY(engine);
    Job job = makeJob(u"many"_s, u"* * * * *"_s);
    job.concurrency = ConcurrencyPolicy::Allow;
    auto created = engine->createJob(job, tester());
    QVERIFY(created);
    for (int minute = 1; minute <= 3; ++minute) {
        m_clock.set(utc(2026, 3, 1, 0, minute));
        engine->processDueFires();
    }
    QCOMPARE(runsOf(*m_store, created->job.id).size(), 3);
}

void tst_Engine::misfireAfterRestart_data()
{
    QTest::addColumn<MisfirePolicy>("policy");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QList<int>>("hours");  // scheduled hours of the runs made at restart

    QTest::newRow("fire-once") << MisfirePolicy::FireOnce << 10 << QList<int>{5};
    QTest::newRow("skip") << MisfirePolicy::Skip << 10 << QList<int>{};
    QTest::newRow("catch-up") << MisfirePolicy::CatchUp << 10 << QList<int>{2, 3, 4, 5};
    QTest::newRow("catch-up-limited") << MisfirePolicy::CatchUp << 2 << QList<int>{4, 5};
}

void tst_Engine::misfireAfterRestart()
{
    QFETCH(MisfirePolicy, policy);
    QFETCH(int, limit);
    QFETCH(QList<int>, hours);

    JobId id;
    {
        auto engine = newEngine();
        QVERIFY(engine);
        Job job = makeJob(u"hourly"_s, u"0 * * * *"_s);
        job.misfire = policy;
        job.misfireLimit = limit;
        auto created = engine->createJob(job, tester());
        QVERIFY(created);
        id = created->job.id;
        m_clock.set(utc(2026, 3, 1, 1, 0));
        engine->processDueFires();
        QCOMPARE(runsOf(*m_store, id).size(), 1);
        QVERIFY(engine->stopJob(id, tester()));
    }
    // Down from 01:00:10 to 05:30: 02:00, 03:00, 04:00 and 05:00 were missed.
    m_clock.set(utc(2026, 3, 1, 5, 30));
    auto engine = newEngine();
    QVERIFY(engine);
    const auto runs = runsOf(*m_store, id);
    QCOMPARE(runs.size(), 1 + hours.size());
    for (int i = 0; i < hours.size(); ++i) {
        QCOMPARE(runs[i + 1].scheduledAt, utc(2026, 3, 1, hours[i]));
        QCOMPARE(runs[i + 1].trigger, RunTrigger::Schedule);
    }
    QCOMPARE(engine->nextFireTime(id), utc(2026, 3, 1, 6));

    // A second restart does not fire the same instants again.
    engine.reset();
    m_clock.set(utc(2026, 3, 1, 5, 40));
    engine = newEngine();
    QVERIFY(engine);
    QCOMPARE(runsOf(*m_store, id).size(), 1 + hours.size());
}

void tst_Engine::runJobsCreatesAllOrNothingUnknown()
{
    auto engine = newEngine();
    QVERIFY(engine);
    Job job = makeJob(u"manual"_s);
    job.concurrency = ConcurrencyPolicy::Allow;
    auto created = engine->createJob(job, tester());
    QVERIFY(created);
    const JobId id = created->job.id;

    // An unknown id anywhere in the list: nothing is created.
    auto refused = engine->runJobs({id, JobId(987654321)}, tester());
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::NotFound);
    QCOMPARE(runsOf(*m_store, id).size(), 0);

    auto runs = engine->runJobs({id, id, id}, tester());
    QVERIFY2(runs, qPrintable(errorText(runs)));
    QCOMPARE(runs->size(), 3);
    for (const RunRecord &r : *runs) {
        QCOMPARE(r.trigger, RunTrigger::Manual);
        QCOMPARE(r.run.state(), RunState::Waiting);
        QCOMPARE(m_store->run(r.run.id())->run.state(), RunState::Waiting);
    }
    QVERIFY(runs->at(0).run.id() != runs->at(1).run.id());
    QCOMPARE(runsOf(*m_store, id).size(), 3);
    QCOMPARE(engine->activeRunCount(), 3);
    QVERIFY(!m_store->inBatch());  // committed before the answer
}

void tst_Engine::stopJobCancelsWaitingRuns()
{
    auto engine = newEngine();
    QVERIFY(engine);
    Job job = makeJob(u"manual"_s);
    job.concurrency = ConcurrencyPolicy::Allow;
    auto created = engine->createJob(job, tester());
    QVERIFY(created);
    QSignalSpy runChanged(engine.get(), &Engine::runChanged);
    auto first = engine->runJob(created->job.id, tester());
    auto second = engine->runJob(created->job.id, tester());
    QVERIFY2(first && second, qPrintable(errorText(first)));
    QCOMPARE(first->trigger, RunTrigger::Manual);
    QCOMPARE(first->run.state(), RunState::Waiting);
    QCOMPARE(engine->activeRunCount(), 2);
    QCOMPARE(engine->waitingReason(first->run.id()), u"no connected node"_s);

    auto stopped = engine->stopJob(created->job.id, tester());
    QVERIFY2(stopped, qPrintable(errorText(stopped)));
    QCOMPARE(stopped->size(), 2);
    for (const RunRecord &r : *stopped) {
        QCOMPARE(r.run.state(), RunState::Cancelled);
        QCOMPARE(m_store->run(r.run.id())->run.state(), RunState::Cancelled);
    }
    QCOMPARE(engine->activeRunCount(), 0);
    QCOMPARE(engine->waitingReason(first->run.id()), QString());
    QCOMPARE(runChanged.size(), 4);  // two created, two cancelled

    // A run that has ended cannot be stopped again.
    auto again = engine->stopRun(first->run.id(), tester());
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::Conflict);

    const auto audit = m_store->listAudit(10);
    QCOMPARE(audit->first().action, u"task.stop"_s);
    QCOMPARE(audit->at(1).action, u"task.execute"_s);
}

void tst_Engine::waitingRunsSurviveRestart()
{
    RunId run;
    {
        auto engine = newEngine();
        QVERIFY(engine);
        auto created = engine->createJob(makeJob(u"queued"_s), tester());
        QVERIFY(created);
        auto r = engine->runJob(created->job.id, tester());
        QVERIFY(r);
        run = r->run.id();
    }
    auto engine = newEngine();
    QVERIFY(engine);
    QCOMPARE(engine->activeRunCount(), 1);
    QCOMPARE(engine->waitingReason(run), u"no connected node"_s);
    auto stopped = engine->stopRun(run, tester());
    QVERIFY(stopped);
    QCOMPARE(stopped->run.state(), RunState::Cancelled);
}

// The brief's pipeline as printed: jobs without a command are marker steps that succeed as
// soon as they run, so the whole pipeline runs in order on the master alone.
void tst_Engine::examplePipelineRunsInOrder()
{
    auto engine = newEngine();
    QVERIFY(engine);
    const QByteArray yaml
            = readFile(QStringLiteral(ORRERY_SOURCE_DIR) + u"/examples/data_pipeline.yaml"_s);
    auto applied = engine->applyYaml(yaml, u"data_pipeline.yaml"_s, tester());
    QVERIFY2(applied, qPrintable(errorText(applied)));
    QCOMPARE(applied->size(), 3);
    for (const JobRecord &r : *applied)
        QCOMPARE(r.pipeline, u"data_pipeline"_s);
    const JobId extract = engine->findJob(u"data_extract"_s)->job.id;
    const JobId transform = engine->findJob(u"data_transform"_s)->job.id;
    const JobId load = engine->findJob(u"data_load"_s)->job.id;
    QCOMPARE(engine->nextFireTime(extract), utc(2026, 3, 1, 2));
    QCOMPARE(engine->nextFireTime(transform), std::nullopt);
    QCOMPARE(m_store->listAudit(1)->first().action, u"pipeline.apply"_s);

    m_clock.set(utc(2026, 3, 1, 2));
    engine->processDueFires();
    const auto e = runsOf(*m_store, extract);
    const auto t = runsOf(*m_store, transform);
    const auto l = runsOf(*m_store, load);
    QCOMPARE(e.size(), 1);
    QCOMPARE(t.size(), 1);
    QCOMPARE(l.size(), 1);
    const qint64 pipelineRun = e[0].run.id().value();
    for (const auto *runs : {&e, &t, &l}) {
        QCOMPARE(runs->first().run.state(), RunState::Success);
        QCOMPARE(runs->first().pipelineRunId, pipelineRun);
        QCOMPARE(runs->first().scheduledAt, utc(2026, 3, 1, 2));
    }
    // In order: each run was created after its upstream ended.
    QVERIFY(e[0].run.id() < t[0].run.id());
    QVERIFY(t[0].run.id() < l[0].run.id());
    QCOMPARE(m_store->runsOfPipelineRun(pipelineRun)->size(), 3);
    QCOMPARE(engine->activeRunCount(), 0);

    // Run by hand, the root starts a new pipeline run.
    auto manual = engine->runJob(extract, tester());
    QVERIFY(manual);
    QCOMPARE(manual->pipelineRunId, manual->run.id().value());
    QCOMPARE(m_store->runsOfPipelineRun(manual->pipelineRunId)->size(), 3);
}

void tst_Engine::applyYamlErrorsAreLocated()
{
    auto engine = newEngine();
    QVERIFY(engine);
    const QByteArray bad
            = "pipeline:\n"
              "  - name: a\n"
              "    command: run-a\n"
              "    schedule: \"0 2 * * *\"\n"
              "  - name: b\n"
              "    command: run-b\n"
              "    dependencies: [c]\n";
    auto r = engine->applyYaml(bad, u"bad.yaml"_s, tester());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::UnknownDependency);
    QCOMPARE(r.error().file, u"bad.yaml"_s);
    QCOMPARE(r.error().line, 7);
    QVERIFY(r.error().column > 0);
    QCOMPARE(m_store->listJobs()->size(), 0);

    // A name taken by a job outside the pipeline.
    QVERIFY(engine->createJob(makeJob(u"b"_s), tester()));
    const QByteArray clash
            = "pipeline:\n"
              "  - name: a\n"
              "    command: run-a\n"
              "  - name: b\n"
              "    command: run-b\n";
    r = engine->applyYaml(clash, u"clash.yaml"_s, tester());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Conflict);
    QCOMPARE(r.error().file, u"clash.yaml"_s);
    QCOMPARE(r.error().line, 4);
    QCOMPARE(m_store->listJobs()->size(), 1);
}

void tst_Engine::applyYamlRemovesDroppedJobs()
{
    auto engine = newEngine();
    QVERIFY(engine);
    const QByteArray v1
            = "name: etl\n"
              "pipeline:\n"
              "  - name: one\n"
              "    command: echo 1\n"
              "  - name: two\n"
              "    command: echo 2\n"
              "    dependencies: [one]\n";
    auto first = engine->applyYaml(v1, u"etl.yaml"_s, tester());
    QVERIFY2(first, qPrintable(errorText(first)));
    QCOMPARE(first->size(), 2);
    const JobId one = engine->findJob(u"one"_s)->job.id;

    const QByteArray v2
            = "name: etl\n"
              "pipeline:\n"
              "  - name: one\n"
              "    command: echo one\n";
    auto second = engine->applyYaml(v2, u"etl.yaml"_s, tester());
    QVERIFY2(second, qPrintable(errorText(second)));
    QCOMPARE(second->size(), 1);
    QCOMPARE(second->first().job.id, one);  // updated in place
    QCOMPARE(m_store->job(one)->job.command, u"echo one"_s);
    QCOMPARE(engine->findJob(u"two"_s).error().code, ErrorCode::NotFound);
    QCOMPARE(m_store->listJobs()->size(), 1);
}

QTEST_GUILESS_MAIN(tst_Engine)
#include "tst_engine.moc"

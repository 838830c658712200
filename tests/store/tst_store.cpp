#include "storetestutil.h"

#include <store/migrations.h>
#include <store/store.h>

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;
using namespace StoreTest;

Q_DECLARE_METATYPE(Orrery::ErrorCode)
Q_DECLARE_METATYPE(Orrery::RunState)

namespace QTest {
template<>
char *toString(const Orrery::ErrorCode &code)
{
    return qstrdup(qPrintable(errorCodeName(code)));
}
template<>
char *toString(const Orrery::RunState &state)
{
    return qstrdup(qPrintable(runStateName(state)));
}
}  // namespace QTest

namespace {
// QVERIFY2 evaluates its message even when the check passes.
template<typename R>
QString errorText(const R &r)
{
    return r ? QString() : r.error().toString();
}

const QDateTime kStart = QDateTime(QDate(2026, 1, 1), QTime(0, 0), QTimeZone::utc());

Job fullJob()
{
    Job j;
    j.name = u"nightly-etl"_s;
    j.description = u"loads the warehouse"_s;
    j.schedule = u"0 2 * * *"_s;
    j.timeZone = u"Europe/Berlin"_s;
    j.command = u"/opt/etl/run.sh --all"_s;
    j.workingDirectory = u"/opt/etl"_s;
    j.environment = {{u"MODE"_s, u"full"_s}, {u"LANG"_s, u"C"_s}};
    j.runAs = u"etl"_s;
    j.timeoutSecs = 3600;
    j.retry = RetryPolicy{3, 60, 2.0, 600};
    j.priority = Priority::P1;
    j.dependencies = {Dependency{u"extract"_s, DependencyStatus::Finished, {}}};
    j.resources = {ResourceLock{u"database_lock"_s, u"primary_db"_s, {}}};
    j.labels = {{u"zone"_s, u"eu"_s}};
    j.strategy = DispatchStrategy::LeastRunning;
    j.resourceKind = ResourceKind::Io;
    j.weight = JobWeight::Heavy;
    j.concurrency = ConcurrencyPolicy::Replace;
    j.misfire = MisfirePolicy::CatchUp;
    j.misfireLimit = 5;
    j.notBeforeMinute = 8 * 60;
    j.window = DailyWindow{22 * 60, 2 * 60};
    j.windowClosed = WindowClosedPolicy::Skip;
    j.condition = u"${upstream.extract.exit_code} == 0 && ${param.mode} == 'full'"_s;
    j.enabled = false;
    return j;
}
}  // namespace

class tst_Store : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void openAppliesSchema();
    void openRejectsBadUrl_data();
    void openRejectsBadUrl();
    void jobRoundTrip_data();
    void jobRoundTrip();
    void jobNameConflictAndNotFound();
    void runCreatedWaitingWithEvent();
    void transitions_data();
    void transitions();
    void illegalTransitionWritesNothing();
    void recordResultIdempotent();
    void recordResultWithoutStart();
    void retryAddsAttempt();
    void listsAndReconciliation();
    void lastRunOfEachJob();
    void pipelineRunsAndFires();
    void pipelineSettingsAndRunParameters();
    void backfillsSurviveAReopen();
    void preemptionsCountedWithTheRequeue();
    void retryDueSurvivesAReopenUntilTheRetry();
    void pinnedNodeSurvivesAReopen();
    void pipelineRunStartJobSurvivesAReopen();
    void outputAppendReadAndLimit();
    void nodes();
    void apiTokens();
    void apiTokenStoredHashed();
    void enrolTokenSingleUse();
    void audit();
    void batchCommitsOnceAndUndoesOnlyAFailedCall();
    void reopenKeepsEverything();
    void twoStoresOneDatabase();
    void readOnlyDatabaseGivesStorageError();

private:
    std::unique_ptr<Store> open(const StoreOptions &options = {});
    RunId newRun(Store &store, const QString &job = u"job"_s);

    QTemporaryDir m_dir;
    QString m_url;
    ManualClock m_clock{kStart};
};

void tst_Store::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qInfo("backend: %s", usePostgres() ? "PostgreSQL" : "SQLite");
}

void tst_Store::init()
{
    m_clock.set(kStart);
    m_url = freshUrl(m_dir.path(), true);
}

void tst_Store::cleanup()
{
    if (!usePostgres())  // one SQLite file per test; PostgreSQL keeps its one connection
        closeCachedRaw();
}

std::unique_ptr<Store> tst_Store::open(const StoreOptions &options)
{
    auto store = Store::open(m_url, m_clock, options);
    if (!store) {
        qWarning("open failed: %s", qPrintable(errorText(store)));
        return nullptr;
    }
    return std::move(*store);
}

RunId tst_Store::newRun(Store &store, const QString &job)
{
    NewRun nr;
    nr.job = JobId(7);
    nr.jobName = job;
    nr.trigger = RunTrigger::Manual;
    auto r = store.createRun(nr);
    if (!r) {
        qWarning("createRun failed: %s", qPrintable(errorText(r)));
        return RunId();
    }
    return r->run.id();
}

void tst_Store::openAppliesSchema()
{
    auto store = open();
    QVERIFY(store);
    QCOMPARE(store->isPostgres(), usePostgres());
    QVERIFY(store->schemaVersion() >= 1);
    QCOMPARE(rawValue(m_url, u"SELECT MAX(version) FROM schema_version"_s).toInt(),
             store->schemaVersion());
    if (!usePostgres()) {
        QCOMPARE(rawValue(m_url, u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
        QVERIFY(QFile::exists(m_url.mid(7)));
    }
}

void tst_Store::openRejectsBadUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("unknown-scheme") << u"mysql://x/y"_s << ErrorCode::InvalidValue;
    QTest::newRow("sqlite-no-path") << u"sqlite:"_s << ErrorCode::InvalidValue;
    QTest::newRow("postgres-refused") << u"postgresql://u:p@127.0.0.1:1/db"_s << ErrorCode::Storage;
}

void tst_Store::openRejectsBadUrl()
{
    QFETCH(QString, url);
    QFETCH(ErrorCode, code);
    auto store = Store::open(url, m_clock);
    QVERIFY(!store);
    QCOMPARE(store.error().code, code);
    QVERIFY(!store.error().message.isEmpty());
}

void tst_Store::jobRoundTrip_data()
{
    QTest::addColumn<Job>("job");
    QTest::addColumn<QString>("pipeline");
    Job minimal;
    minimal.name = u"hello"_s;
    minimal.command = u"echo hi"_s;
    QTest::newRow("minimal") << minimal << QString();
    QTest::newRow("every-field-in-pipeline") << fullJob() << u"warehouse"_s;
}

void tst_Store::jobRoundTrip()
{
    QFETCH(Job, job);
    QFETCH(QString, pipeline);
    auto store = open();
    QVERIFY(store);
    auto created = store->createJob(job, pipeline);
    QVERIFY2(created, qPrintable(errorText(created)));
    QVERIFY(created->job.id.isValid());
    job.id = created->job.id;
    QCOMPARE(created->createdAt, kStart);

    auto byId = store->job(job.id);
    QVERIFY(byId);
    QCOMPARE(byId->job, job);
    QCOMPARE(byId->pipeline, pipeline);
    auto byName = store->jobByName(job.name);
    QVERIFY(byName);
    QCOMPARE(byName->job, job);

    m_clock.advanceSecs(60);
    job.command = u"echo changed"_s;
    auto updated = store->updateJob(job, pipeline);
    QVERIFY(updated);
    QCOMPARE(updated->job.command, u"echo changed"_s);
    QCOMPARE(updated->createdAt, kStart);
    QCOMPARE(updated->updatedAt, kStart.addSecs(60));

    auto list = store->listJobs();
    QVERIFY(list);
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->first().job, job);

    QVERIFY(store->deleteJob(job.id));
    QCOMPARE(store->job(job.id).error().code, ErrorCode::NotFound);
    QCOMPARE(rawCount(m_url, u"jobs"_s), 0);
}

void tst_Store::jobNameConflictAndNotFound()
{
    auto store = open();
    QVERIFY(store);
    Job a;
    a.name = u"a"_s;
    auto ra = store->createJob(a);
    QVERIFY(ra);
    QCOMPARE(store->createJob(a).error().code, ErrorCode::Conflict);
    Job b;
    b.name = u"b"_s;
    auto rb = store->createJob(b);
    QVERIFY(rb);
    Job renamed = rb->job;
    renamed.name = u"a"_s;
    QCOMPARE(store->updateJob(renamed).error().code, ErrorCode::Conflict);
    QCOMPARE(store->jobByName(u"b"_s)->job.name, u"b"_s);
    Job ghost;
    ghost.id = JobId(424242);
    ghost.name = u"ghost"_s;
    QCOMPARE(store->updateJob(ghost).error().code, ErrorCode::NotFound);
    QCOMPARE(store->deleteJob(JobId(424242)).error().code, ErrorCode::NotFound);
    QCOMPARE(store->jobByName(u"ghost"_s).error().code, ErrorCode::NotFound);
    QCOMPARE(rawCount(m_url, u"jobs"_s), 2);
}

void tst_Store::runCreatedWaitingWithEvent()
{
    auto store = open();
    QVERIFY(store);
    NewRun nr;
    nr.job = JobId(7);
    nr.jobName = u"job"_s;
    nr.priority = Priority::P0;
    nr.trigger = RunTrigger::Backfill;
    nr.scheduledAt = kStart.addDays(-1);
    nr.pipelineRunId = 99;
    auto r = store->createRun(nr);
    QVERIFY2(r, qPrintable(errorText(r)));
    QCOMPARE(r->run.state(), RunState::Waiting);
    QCOMPARE(r->run.attempts().size(), 1);
    QCOMPARE(r->run.currentAttempt().queuedAt, kStart);
    QCOMPARE(r->run.priority(), Priority::P0);
    QCOMPARE(r->trigger, RunTrigger::Backfill);
    QCOMPARE(r->scheduledAt, kStart.addDays(-1));
    QCOMPARE(r->pipelineRunId, qint64(99));
    auto events = store->runEvents(r->run.id());
    QVERIFY(events);
    QCOMPARE(events->size(), 1);
    QVERIFY(!events->first().from.has_value());
    QCOMPARE(events->first().to, RunState::Waiting);
    QCOMPARE(store->run(RunId(1)).error().code, ErrorCode::NotFound);
}

void tst_Store::transitions_data()
{
    QTest::addColumn<QList<RunState>>("steps");
    QTest::addColumn<ErrorCode>("lastError");
    using S = RunState;
    QTest::newRow("run-to-success") << QList<S>{S::Running, S::Success} << ErrorCode::None;
    QTest::newRow("run-to-timeout") << QList<S>{S::Running, S::TimedOut} << ErrorCode::None;
    QTest::newRow("preempted-requeued")
            << QList<S>{S::Running, S::Waiting, S::Running, S::Failed} << ErrorCode::None;
    QTest::newRow("skip-from-waiting") << QList<S>{S::Skipped} << ErrorCode::None;
    QTest::newRow("success-from-waiting") << QList<S>{S::Success} << ErrorCode::IllegalTransition;
    QTest::newRow("running-after-success")
            << QList<S>{S::Running, S::Success, S::Running} << ErrorCode::IllegalTransition;
    QTest::newRow("running-twice")
            << QList<S>{S::Running, S::Running} << ErrorCode::IllegalTransition;
}

void tst_Store::transitions()
{
    QFETCH(QList<RunState>, steps);
    QFETCH(ErrorCode, lastError);
    auto store = open();
    QVERIFY(store);
    const RunId id = newRun(*store);
    QVERIFY(id.isValid());
    Run expected = store->run(id)->run;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        m_clock.advanceSecs(10);
        auto r = store->transition(id, 1, steps[i], m_clock.now(), u"step"_s, NodeId(5));
        auto model = expected.transition(steps[i], m_clock.now(), u"step"_s);
        QCOMPARE(r.has_value(), model.has_value());
        if (i + 1 < steps.size() || lastError == ErrorCode::None) {
            QVERIFY2(r, qPrintable(errorText(r)));
            if (steps[i] == RunState::Running)
                expected.assignNode(NodeId(5));
        } else {
            QCOMPARE(r.error().code, lastError);
        }
    }
    auto stored = store->run(id);
    QVERIFY(stored);
    QCOMPARE(stored->run.attempts(), expected.attempts());
    QCOMPARE(rawValue(m_url, u"SELECT state FROM runs WHERE id = %1"_s.arg(id.value())).toString(),
             runStateName(expected.state()));
    const qsizetype applied = lastError == ErrorCode::None ? steps.size() : steps.size() - 1;
    QCOMPARE(store->runEvents(id)->size(), 1 + applied);
}

void tst_Store::illegalTransitionWritesNothing()
{
    auto store = open();
    QVERIFY(store);
    const RunId id = newRun(*store);
    QVERIFY(store->transition(id, 1, RunState::Running, kStart.addSecs(1)));
    QVERIFY(store->transition(id, 1, RunState::Success, kStart.addSecs(2)));
    const auto before = store->run(id)->run;
    const qint64 eventsBefore = rawCount(m_url, u"run_events"_s);
    auto r = store->transition(id, 1, RunState::Failed, kStart.addSecs(3), u"late"_s);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::IllegalTransition);
    QCOMPARE(store->run(id)->run, before);
    QCOMPARE(rawCount(m_url, u"run_events"_s), eventsBefore);
    QCOMPARE(rawValue(m_url, u"SELECT reason FROM attempts WHERE run_id = %1"_s.arg(id.value()))
                     .toString(),
             QString());
    // Unknown attempt / run.
    QCOMPARE(store->transition(id, 2, RunState::Running, kStart).error().code, ErrorCode::NotFound);
    QCOMPARE(store->transition(RunId(12345), 1, RunState::Running, kStart).error().code,
             ErrorCode::NotFound);
}

void tst_Store::recordResultIdempotent()
{
    auto store = open();
    QVERIFY(store);
    const RunId id = newRun(*store);
    QVERIFY(store->transition(id, 1, RunState::Running, kStart.addSecs(1), {}, NodeId(3)));
    auto first = store->recordResult(id, 1, RunState::Success, 0, kStart.addSecs(1),
                                     kStart.addSecs(9));
    QVERIFY2(first, qPrintable(errorText(first)));
    QVERIFY(first->applied);
    QCOMPARE(first->state, RunState::Success);
    const Run after = store->run(id)->run;

    auto second = store->recordResult(id, 1, RunState::Success, 0, kStart.addSecs(1),
                                      kStart.addSecs(9));
    QVERIFY(second);
    QVERIFY(!second->applied);
    QCOMPARE(second->state, RunState::Success);
    auto conflicting = store->recordResult(id, 1, RunState::Failed, 2, kStart.addSecs(1),
                                           kStart.addSecs(20));
    QVERIFY(conflicting);
    QVERIFY(!conflicting->applied);
    QCOMPARE(conflicting->state, RunState::Success);

    QCOMPARE(store->run(id)->run, after);
    QCOMPARE(after.currentAttempt().exitCode, 0);
    QCOMPARE(after.currentAttempt().finishedAt, kStart.addSecs(9));
    QCOMPARE(after.currentAttempt().node, NodeId(3));
    QCOMPARE(rawCount(m_url, u"run_events"_s, u"run_id = %1"_s.arg(id.value())), 3);
    QCOMPARE(rawCount(m_url, u"run_events"_s, u"to_state = 'success'"_s), 1);
    QCOMPARE(store->recordResult(id, 1, RunState::Running, 0, {}, {}).error().code,
             ErrorCode::InvalidValue);
    QCOMPARE(store->recordResult(id, 5, RunState::Success, 0, {}, {}).error().code,
             ErrorCode::NotFound);
}

void tst_Store::recordResultWithoutStart()
{
    auto store = open();
    QVERIFY(store);
    const RunId id = newRun(*store);
    auto r = store->recordResult(id, 1, RunState::Failed, 3, kStart.addSecs(2), kStart.addSecs(5));
    QVERIFY2(r, qPrintable(errorText(r)));
    QVERIFY(r->applied);
    const Attempt a = store->run(id)->run.currentAttempt();
    QCOMPARE(a.state, RunState::Failed);
    QCOMPARE(a.startedAt, kStart.addSecs(2));
    QCOMPARE(a.finishedAt, kStart.addSecs(5));
    QCOMPARE(a.exitCode, 3);
    auto events = store->runEvents(id);
    QCOMPARE(events->size(), 3);
    QCOMPARE(events->at(1).to, RunState::Running);
    QCOMPARE(events->at(2).from, std::optional<RunState>(RunState::Running));
    QCOMPARE(events->at(2).to, RunState::Failed);
}

void tst_Store::retryAddsAttempt()
{
    auto store = open();
    QVERIFY(store);
    const RunId id = newRun(*store);
    QCOMPARE(store->retry(id, kStart).error().code, ErrorCode::IllegalTransition);
    QVERIFY(store->recordResult(id, 1, RunState::Failed, 1, kStart, kStart.addSecs(1)));
    auto r = store->retry(id, kStart.addSecs(30));
    QVERIFY2(r, qPrintable(errorText(r)));
    QCOMPARE(r->run.attempts().size(), 2);
    QCOMPARE(r->run.currentAttempt().number, 2);
    QCOMPARE(r->run.state(), RunState::Waiting);
    QCOMPARE(r->run.currentAttempt().queuedAt, kStart.addSecs(30));
    QCOMPARE(r->run.attempts().first().state, RunState::Failed);
    // The old attempt cannot move any more; a late result for it is a duplicate.
    QCOMPARE(store->transition(id, 1, RunState::Running, kStart).error().code, ErrorCode::Conflict);
    auto late = store->recordResult(id, 1, RunState::Success, 0, kStart, kStart);
    QVERIFY(late);
    QVERIFY(!late->applied);
    QCOMPARE(late->state, RunState::Failed);
    QVERIFY(store->transition(id, 2, RunState::Running, kStart.addSecs(31)));
    QVERIFY(store->recordResult(id, 2, RunState::Success, 0, kStart.addSecs(31),
                                kStart.addSecs(40)));
    QCOMPARE(store->retry(id, kStart).error().code, ErrorCode::IllegalTransition);
    QCOMPARE(rawValue(m_url, u"SELECT state FROM runs WHERE id = %1"_s.arg(id.value())).toString(),
             u"success"_s);
    QCOMPARE(store->retry(RunId(999), kStart).error().code, ErrorCode::NotFound);
}

void tst_Store::listsAndReconciliation()
{
    auto store = open();
    QVERIFY(store);
    QList<RunId> ids;
    for (int i = 0; i < 5; ++i) {
        NewRun nr;
        nr.job = JobId(i % 2 == 0 ? 1 : 2);
        nr.jobName = i % 2 == 0 ? u"even"_s : u"odd"_s;
        auto r = store->createRun(nr);
        QVERIFY(r);
        ids.append(r->run.id());
    }
    QVERIFY(store->transition(ids[0], 1, RunState::Running, kStart));
    QVERIFY(store->transition(ids[1], 1, RunState::Cancelled, kStart));
    QVERIFY(store->transition(ids[2], 1, RunState::Skipped, kStart));

    auto even = store->listRunsByJob(JobId(1), 10);
    QVERIFY(even);
    QCOMPARE(even->size(), 3);
    QCOMPARE(even->at(0).run.id(), ids[4]);  // newest first
    QCOMPARE(even->at(2).run.id(), ids[0]);
    QCOMPARE(even->at(2).run.state(), RunState::Running);
    QCOMPARE(store->listRunsByJob(JobId(1), 2)->size(), 2);

    auto waiting = store->listRunsByState(RunState::Waiting, 10);
    QCOMPARE(waiting->size(), 2);
    QCOMPARE(waiting->at(0).run.id(), ids[4]);
    QCOMPARE(waiting->at(1).run.id(), ids[3]);

    // Pages: only runs older than `before`.
    auto older = store->listRunsByJob(JobId(1), 10, ids[4]);
    QVERIFY(older);
    QCOMPARE(older->size(), 2);
    QCOMPARE(older->at(0).run.id(), ids[2]);
    QCOMPARE(older->at(1).run.id(), ids[0]);
    QCOMPARE(store->listRunsByJob(JobId(1), 1, ids[2])->first().run.id(), ids[0]);
    QVERIFY(store->listRunsByJob(JobId(1), 10, ids[0])->isEmpty());
    auto olderWaiting = store->listRunsByState(RunState::Waiting, 10, ids[4]);
    QCOMPARE(olderWaiting->size(), 1);
    QCOMPARE(olderWaiting->first().run.id(), ids[3]);

    auto unfinished = store->unfinishedRuns();
    QVERIFY(unfinished);
    QList<RunId> got;
    for (const RunRecord &r : *unfinished)
        got.append(r.run.id());
    QCOMPARE(got, (QList<RunId>{ids[0], ids[3], ids[4]}));
}

void tst_Store::lastRunOfEachJob()
{
    auto store = open();
    QVERIFY(store);
    QVERIFY(store->lastRuns()->isEmpty());
    const auto create = [&store](qint64 job) {
        NewRun nr;
        nr.job = JobId(job);
        nr.jobName = u"job%1"_s.arg(job);
        auto r = store->createRun(nr);
        return r ? r->run.id() : RunId();
    };
    // Job 1: a run that succeeded, then a newer one still waiting (queued at +100 s).
    const RunId done = create(1);
    QVERIFY(store->recordResult(done, 1, RunState::Success, 0, kStart, kStart.addSecs(2)));
    // Job 2: failed, retried, and the second attempt succeeded at +40 s.
    const RunId retried = create(2);
    QVERIFY(store->recordResult(retried, 1, RunState::Failed, 1, kStart, kStart.addSecs(1)));
    QVERIFY(store->retry(retried, kStart.addSecs(30)));
    QVERIFY(store->recordResult(retried, 2, RunState::Success, 0, kStart.addSecs(31),
                                kStart.addSecs(40)));
    // Job 3: running since +50 s.
    const RunId running = create(3);
    QVERIFY(store->transition(running, 1, RunState::Running, kStart.addSecs(50)));
    m_clock.set(kStart.addSecs(100));
    const RunId waiting = create(1);
    QVERIFY(done.isValid() && retried.isValid() && running.isValid() && waiting.isValid());

    const Result<QHash<JobId, LastRun>> last = store->lastRuns();
    QVERIFY2(last, qPrintable(errorText(last)));
    QCOMPARE(last->size(), 3);
    QCOMPARE(last->value(JobId(1)).run, waiting);
    QCOMPARE(last->value(JobId(1)).state, RunState::Waiting);
    QCOMPARE(last->value(JobId(1)).at, kStart.addSecs(100));
    QCOMPARE(last->value(JobId(2)).run, retried);
    QCOMPARE(last->value(JobId(2)).state, RunState::Success);
    QCOMPARE(last->value(JobId(2)).at, kStart.addSecs(40));
    QCOMPARE(last->value(JobId(3)).run, running);
    QCOMPARE(last->value(JobId(3)).state, RunState::Running);
    QCOMPARE(last->value(JobId(3)).at, kStart.addSecs(50));
    QVERIFY(!last->contains(JobId(4)));
}

void tst_Store::pipelineRunsAndFires()
{
    auto store = open();
    QVERIFY(store);
    const RunId root = store->newRunId();
    QVERIFY(root.isValid());
    NewRun first;
    first.id = root;
    first.job = JobId(1);
    first.jobName = u"extract"_s;
    first.pipelineRunId = root.value();
    QVERIFY(store->createRun(first));
    NewRun other;
    other.job = JobId(3);
    other.jobName = u"unrelated"_s;
    QVERIFY(store->createRun(other));
    NewRun second = first;
    second.id = RunId();
    second.job = JobId(2);
    second.jobName = u"transform"_s;
    auto secondRun = store->createRun(second);
    QVERIFY(secondRun);
    QVERIFY(secondRun->run.id() > root);

    auto members = store->runsOfPipelineRun(root.value());
    QVERIFY(members);
    QCOMPARE(members->size(), 2);
    QCOMPARE(members->at(0).run.id(), root);
    QCOMPARE(members->at(1).run.jobName(), u"transform"_s);
    QCOMPARE(members->at(1).pipelineRunId, root.value());

    // The later instant wins; an earlier one does not move it back.
    const JobId job(42);
    QVERIFY(store->lastFires()->isEmpty());
    QVERIFY(store->recordFire(job, kStart.addSecs(120)));
    QVERIFY(store->recordFire(job, kStart.addSecs(60)));
    auto fires = store->lastFires();
    QVERIFY(fires);
    QCOMPARE(fires->size(), 1);
    QCOMPARE(fires->value(job), kStart.addSecs(120));
    QVERIFY(store->recordFire(job, kStart.addSecs(180)));
    QCOMPARE(store->lastFires()->value(job), kStart.addSecs(180));

    // Deleting a job forgets its fires.
    Job j;
    j.name = u"fired"_s;
    j.command = u"true"_s;
    auto created = store->createJob(j);
    QVERIFY(created);
    QVERIFY(store->recordFire(created->job.id, kStart));
    QCOMPARE(store->lastFires()->size(), 2);
    QVERIFY(store->deleteJob(created->job.id));
    QCOMPARE(store->lastFires()->size(), 1);
}

// A backfill's fire times, each with the pipeline run started for it, survive a reopen; a
// finished backfill is deleted with its fire times.
void tst_Store::backfillsSurviveAReopen()
{
    const QList<QDateTime> fires{kStart.addDays(-3), kStart.addDays(-2), kStart.addDays(-1)};
    qint64 id = 0;
    {
        auto store = open();
        QVERIFY(store);
        QVERIFY(store->listBackfills()->isEmpty());
        auto created = store->createBackfill(u"daily"_s, 1, fires);
        QVERIFY2(created, qPrintable(errorText(created)));
        id = *created;
        auto other = store->createBackfill(u"weekly"_s, 2, {kStart});
        QVERIFY(other);
        QVERIFY(store->startBackfillFire(id, fires.at(0), 7001));
        QVERIFY(store->startBackfillFire(id, fires.at(1), 0));  // could not be started
        QCOMPARE(store->startBackfillFire(id, kStart.addDays(5), 7002).error().code,
                 ErrorCode::NotFound);
        QVERIFY(store->deleteBackfill(*other));
        QCOMPARE(store->deleteBackfill(*other).error().code, ErrorCode::NotFound);
    }
    auto store = open();
    QVERIFY(store);
    auto list = store->listBackfills();
    QVERIFY2(list, qPrintable(errorText(list)));
    QCOMPARE(list->size(), 1);
    const BackfillRecord &b = list->first();
    QCOMPARE(b.id, id);
    QCOMPARE(b.pipeline, u"daily"_s);
    QCOMPARE(b.concurrency, 1);
    QCOMPARE(b.pending, QList<QDateTime>{fires.at(2)});
    QCOMPARE(b.started, (QList<qint64>{7001, 0}));
    QCOMPARE(rawCount(m_url, u"backfill_fires"_s), qint64(3));
    QVERIFY(store->deleteBackfill(id));
    QCOMPARE(rawCount(m_url, u"backfill_fires"_s), qint64(0));
    QVERIFY(store->listBackfills()->isEmpty());
}

// requeue(preempted) counts the stopped attempt in the run's record, which a reopen keeps; a
// requeue for another reason does not.
void tst_Store::preemptionsCountedWithTheRequeue()
{
    RunId id;
    {
        auto store = open();
        QVERIFY(store);
        id = newRun(*store);
        QCOMPARE(store->run(id)->preemptions, 0);
        QVERIFY(store->transition(id, 1, RunState::Running, kStart));
        QVERIFY(store->transition(id, 1, RunState::Cancelled, kStart.addSecs(1)));
        auto requeued = store->requeue(id, kStart.addSecs(2), u"preempted by run 9"_s, true);
        QVERIFY2(requeued, qPrintable(errorText(requeued)));
        QCOMPARE(requeued->preemptions, 1);
        QVERIFY(store->transition(id, 2, RunState::Cancelled, kStart.addSecs(3)));
        auto again = store->requeue(id, kStart.addSecs(4), u"re-run by bob"_s);
        QVERIFY(again);
        QCOMPARE(again->preemptions, 1);
        QCOMPARE(again->run.attempts().size(), 3);
    }
    auto store = open();
    QVERIFY(store);
    QCOMPARE(store->run(id)->preemptions, 1);
    auto unfinished = store->unfinishedRuns();
    QVERIFY(unfinished);
    QCOMPARE(unfinished->size(), 1);
    QCOMPARE(unfinished->first().preemptions, 1);
}

// A failed attempt's retry due time is stored with the run and survives a reopen; the run is
// then among pendingRetries() until retry() creates the next attempt, or the due time is
// dropped (the retry was cancelled).
void tst_Store::retryDueSurvivesAReopenUntilTheRetry()
{
    RunId retried;
    RunId cancelled;
    const QDateTime due = kStart.addSecs(30);
    {
        auto store = open();
        QVERIFY(store);
        retried = newRun(*store, u"a"_s);
        cancelled = newRun(*store, u"b"_s);
        const RunId other = newRun(*store, u"c"_s);
        for (RunId id : {retried, cancelled, other}) {
            QVERIFY(store->transition(id, 1, RunState::Running, kStart));
            QVERIFY(store->recordResult(id, 1, RunState::Failed, 1, kStart, kStart.addSecs(1)));
        }
        QVERIFY(!store->run(retried)->retryDueAt.isValid());
        QVERIFY(store->setRetryDue(retried, due));
        QVERIFY(store->setRetryDue(cancelled, due.addSecs(5)));
        QCOMPARE(store->setRetryDue(RunId(999999), due).error().code, ErrorCode::NotFound);
    }
    auto store = open();
    QVERIFY(store);
    QCOMPARE(store->run(retried)->retryDueAt, due);
    auto pending = store->pendingRetries();
    QVERIFY2(pending, qPrintable(errorText(pending)));
    QCOMPARE(pending->size(), 2);
    QCOMPARE(pending->at(0).run.id(), retried);
    QCOMPARE(pending->at(0).run.state(), RunState::Failed);
    QCOMPARE(pending->at(1).run.id(), cancelled);
    QCOMPARE(pending->at(1).retryDueAt, due.addSecs(5));

    auto next = store->retry(retried, due, u"retry 1"_s);
    QVERIFY2(next, qPrintable(errorText(next)));
    QVERIFY(!next->retryDueAt.isValid());
    QCOMPARE(next->run.attempts().size(), 2);
    QVERIFY(store->setRetryDue(cancelled, QDateTime()));
    QVERIFY(store->pendingRetries()->isEmpty());
    QCOMPARE(store->run(cancelled)->run.state(), RunState::Failed);
}

// A broadcast run's node, given when it is created or stored later on the run that fanned
// out, survives a reopen; other runs have none.
void tst_Store::pinnedNodeSurvivesAReopen()
{
    RunId first;
    RunId sibling;
    RunId plain;
    {
        auto store = open();
        QVERIFY(store);
        first = newRun(*store, u"clean"_s);
        plain = newRun(*store, u"other"_s);
        NewRun nr;
        nr.job = JobId(7);
        nr.jobName = u"clean"_s;
        nr.pinnedNode = u"web-2"_s;
        auto created = store->createRun(nr);
        QVERIFY2(created, qPrintable(errorText(created)));
        QCOMPARE(created->pinnedNode, u"web-2"_s);
        sibling = created->run.id();
        QVERIFY(store->pinRun(first, u"web-1"_s));
        QCOMPARE(store->pinRun(RunId(999999), u"web-1"_s).error().code, ErrorCode::NotFound);
    }
    auto store = open();
    QVERIFY(store);
    QCOMPARE(store->run(first)->pinnedNode, u"web-1"_s);
    QCOMPARE(store->run(sibling)->pinnedNode, u"web-2"_s);
    QVERIFY(store->run(plain)->pinnedNode.isEmpty());
    auto unfinished = store->unfinishedRuns();
    QVERIFY(unfinished);
    QCOMPARE(unfinished->size(), 3);
    QCOMPARE(unfinished->at(2).pinnedNode, u"web-2"_s);
}

// The job a pipeline run was started from survives a reopen, beside the run's parameters in
// either order of writing; a pipeline run of the whole pipeline has none.
void tst_Store::pipelineRunStartJobSurvivesAReopen()
{
    {
        auto store = open();
        QVERIFY(store);
        QVERIFY(store->setPipelineRunStartJob(50, u"etl"_s, u"transform"_s));
        QVERIFY(store->setPipelineRunParameters(50, u"etl"_s, {{u"ds"_s, u"d1"_s}}));
        QVERIFY(store->setPipelineRunParameters(51, u"etl"_s, {{u"ds"_s, u"d2"_s}}));
        QVERIFY(store->setPipelineRunStartJob(51, u"etl"_s, u"load"_s));
        QVERIFY(store->setPipelineRunParameters(52, u"etl"_s, {{u"ds"_s, u"d3"_s}}));
    }
    auto store = open();
    QVERIFY(store);
    QCOMPARE(*store->pipelineRunStartJob(50), u"transform"_s);
    QCOMPARE(*store->pipelineRunParameters(50), (QMap<QString, QString>{{u"ds"_s, u"d1"_s}}));
    QCOMPARE(*store->pipelineRunStartJob(51), u"load"_s);
    QCOMPARE(*store->pipelineRunParameters(51), (QMap<QString, QString>{{u"ds"_s, u"d2"_s}}));
    QVERIFY(store->pipelineRunStartJob(52)->isEmpty());
    QVERIFY(store->pipelineRunStartJob(53)->isEmpty());
    QVERIFY(store->pipelineRunParameters(50 + 3)->isEmpty());
}

// A pipeline's own fields and the parameters of its runs survive a reopen; a bad stored
// capacity is a Storage error, not a silent default.
void tst_Store::pipelineSettingsAndRunParameters()
{
    Pipeline p;
    p.name = u"warehouse"_s;
    p.description = u"nightly load"_s;
    p.schedule = u"0 2 * * *"_s;
    p.timeZone = u"Asia/Shanghai"_s;
    p.parameters = {{u"mode"_s, u"full"_s}, {u"target"_s, u"dw"_s}};
    p.lockCapacities = {{u"database_lock:primary_db"_s, 2}};
    {
        auto store = open();
        QVERIFY(store);
        QVERIFY(store->putPipeline(p));
        Pipeline other;
        other.name = u"archive"_s;
        QVERIFY(store->putPipeline(other));
        p.description = u"changed"_s;
        QVERIFY(store->putPipeline(p));  // replaces
        QVERIFY(store->setPipelineRunParameters(42, u"warehouse"_s, {{u"ds"_s, u"2026-01-02"_s}}));
        QCOMPARE(store->putPipeline(Pipeline()).error().code, ErrorCode::MissingField);
    }
    auto store = open();
    QVERIFY(store);
    auto list = store->listPipelines();
    QVERIFY2(list, qPrintable(errorText(list)));
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).name, u"archive"_s);
    QCOMPARE(list->at(1), p);
    auto params = store->pipelineRunParameters(42);
    QVERIFY(params);
    QCOMPARE(*params, (QMap<QString, QString>{{u"ds"_s, u"2026-01-02"_s}}));
    QVERIFY(store->pipelineRunParameters(43)->isEmpty());

    QVERIFY(store->deletePipeline(u"archive"_s));
    QCOMPARE(store->listPipelines()->size(), 1);
    QVERIFY(rawExec(m_url, {u"UPDATE pipelines SET definition ="
                            " '{\"lock_capacities\":{\"database_lock:x\":0}}'"_s}));
    QCOMPARE(store->listPipelines().error().code, ErrorCode::Storage);
}

void tst_Store::outputAppendReadAndLimit()
{
    auto store = open();
    QVERIFY(store);
    const RunId id = newRun(*store);
    const QByteArray binary("\x00\xff\x01 bytes\n", 10);
    auto a = store->appendOutput(id, {1, OutputStream::Stdout, 1, "hello "}, 20);
    QVERIFY2(a, qPrintable(errorText(a)));
    QVERIFY(a->applied);
    QVERIFY(!a->truncated);
    QVERIFY(store->appendOutput(id, {1, OutputStream::Stderr, 1, binary}, 20));
    QVERIFY(store->appendOutput(id, {1, OutputStream::Stdout, 0, "first "}, 100)->applied);
    auto dup = store->appendOutput(id, {1, OutputStream::Stdout, 1, "again"}, 100);
    QVERIFY(dup);
    QVERIFY(!dup->applied);
    // 6 + 10 + 6 = 22 bytes stored; a limit of 25 keeps 3 more bytes, then nothing.
    auto cut = store->appendOutput(id, {1, OutputStream::Stdout, 2, "world"}, 25);
    QVERIFY(cut->applied);
    QVERIFY(cut->truncated);
    auto full = store->appendOutput(id, {1, OutputStream::Stdout, 3, "more"}, 25);
    QVERIFY(!full->applied);
    QVERIFY(full->truncated);

    auto out = store->readOutput(id, 100);
    QVERIFY(out);
    QCOMPARE(out->size(), 4);
    QCOMPARE(out->at(0).data, QByteArray("first "));
    QCOMPARE(out->at(1).stream, OutputStream::Stderr);
    QCOMPARE(out->at(1).data, binary);
    QCOMPARE(out->at(2).data, QByteArray("hello "));
    QCOMPARE(out->at(3).data, QByteArray("wor"));
    QCOMPARE(store->readOutput(id, 2)->size(), 2);
}

void tst_Store::nodes()
{
    auto store = open();
    QVERIFY(store);
    NodeRecord n;
    n.name = u"agent-01"_s;
    n.labels = {{u"zone"_s, u"eu"_s}};
    n.credentialHash = u"abc"_s;
    n.enrolledAt = kStart;
    n.lastSeenAt = kStart;
    n.state = NodeState::Online;
    auto first = store->upsertNode(n);
    QVERIFY2(first, qPrintable(errorText(first)));
    QVERIFY(first->id.isValid());
    n.labels.insert(u"gpu"_s, u"yes"_s);
    n.lastSeenAt = kStart.addSecs(30);
    auto second = store->upsertNode(n);
    QVERIFY(second);
    QCOMPARE(second->id, first->id);
    QCOMPARE(second->labels, n.labels);
    QCOMPARE(second->lastSeenAt, kStart.addSecs(30));
    NodeRecord other;
    other.name = u"agent-00"_s;
    QVERIFY(store->upsertNode(other));
    auto list = store->listNodes();
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->first().name, u"agent-00"_s);
    QVERIFY(store->setNodeState(u"agent-01"_s, NodeState::Draining));
    QCOMPARE(store->nodeByName(u"agent-01"_s)->state, NodeState::Draining);
    QCOMPARE(store->setNodeState(u"nope"_s, NodeState::Online).error().code, ErrorCode::NotFound);
    QCOMPARE(store->nodeByName(u"nope"_s).error().code, ErrorCode::NotFound);
}

void tst_Store::apiTokens()
{
    auto store = open();
    QVERIFY(store);
    auto admin = store->createApiToken(u"ci"_s, TokenRole::Admin);
    QVERIFY2(admin, qPrintable(errorText(admin)));
    QVERIFY(admin->plaintext.startsWith(u"orr_"_s));
    auto viewer = store->createApiToken(u"grafana"_s, TokenRole::Viewer);
    QVERIFY(viewer);
    QVERIFY(admin->plaintext != viewer->plaintext);

    m_clock.advanceSecs(5);
    auto v = store->verifyApiToken(admin->plaintext);
    QVERIFY(v);
    QCOMPARE(v->role, TokenRole::Admin);
    QCOMPARE(v->name, u"ci"_s);
    QCOMPARE(store->verifyApiToken(viewer->plaintext)->role, TokenRole::Viewer);

    QString tampered = admin->plaintext;
    tampered[tampered.size() - 1] = tampered.endsWith(u'A') ? u'B' : u'A';
    const QStringList bad{tampered, u""_s, u"orr_"_s, u"garbage"_s,
                          // viewer's secret under admin's id
                          u"orr_%1_%2"_s.arg(admin->id).arg(viewer->plaintext.section(u'_', 2))};
    for (const QString &t : bad)
        QCOMPARE(store->verifyApiToken(t).error().code, ErrorCode::Unauthorized);

    QVERIFY(store->revokeApiToken(admin->id));
    QCOMPARE(store->verifyApiToken(admin->plaintext).error().code, ErrorCode::Unauthorized);
    QCOMPARE(store->revokeApiToken(admin->id).error().code, ErrorCode::NotFound);
    auto list = store->listApiTokens();
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).revokedAt, kStart.addSecs(5));
    QCOMPARE(list->at(0).lastUsedAt, kStart.addSecs(5));
    QVERIFY(!list->at(1).revokedAt.isValid());
}

void tst_Store::apiTokenStoredHashed()
{
    QString plaintext;
    qint64 id = 0;
    {
        auto store = open();
        QVERIFY(store);
        auto t = store->createApiToken(u"ci"_s, TokenRole::Operator);
        QVERIFY(t);
        plaintext = t->plaintext;
        id = t->id;
    }
    const QString secret = plaintext.section(u'_', 2);
    QCOMPARE(QByteArray::fromBase64(secret.toLatin1(), QByteArray::Base64UrlEncoding).size(), 32);
    QSqlDatabase db = openRaw(m_url);
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT salt, hash, role, name FROM api_tokens WHERE id = %1"_s.arg(id)));
        QVERIFY(q.next());
        const QByteArray salt = QByteArray::fromBase64(q.value(0).toString().toLatin1());
        const QByteArray hash = QByteArray::fromBase64(q.value(1).toString().toLatin1());
        QCOMPARE(salt.size(), 16);
        QCOMPARE(hash,
                 QCryptographicHash::hash(salt + plaintext.toUtf8(), QCryptographicHash::Sha256));
        for (int c = 0; c < 4; ++c) {
            QVERIFY(!q.value(c).toString().contains(secret));
            QVERIFY(!q.value(c).toString().contains(plaintext));
        }
    }
    closeRaw(db);
    if (!usePostgres()) {
        // Nothing in the database files holds the secret either.
        const QString path = m_url.mid(7);
        for (const QString &f : {path, path + u"-wal"_s}) {
            QFile file(f);
            if (file.open(QIODevice::ReadOnly))
                QVERIFY(!file.readAll().contains(secret.toLatin1()));
        }
    }
}

void tst_Store::enrolTokenSingleUse()
{
    auto store = open();
    QVERIFY(store);
    auto t = store->createEnrolToken(kStart.addSecs(3600));
    QVERIFY2(t, qPrintable(errorText(t)));
    auto used = store->consumeEnrolToken(t->plaintext, u"agent-01"_s);
    QVERIFY2(used, qPrintable(errorText(used)));
    QCOMPARE(*used, t->id);
    QCOMPARE(store->consumeEnrolToken(t->plaintext, u"agent-02"_s).error().code,
             ErrorCode::Unauthorized);
    QCOMPARE(rawValue(m_url, u"SELECT used_by_node FROM enrol_tokens WHERE id = %1"_s.arg(t->id))
                     .toString(),
             u"agent-01"_s);

    auto expiring = store->createEnrolToken(kStart.addSecs(60));
    QVERIFY(expiring);
    m_clock.advanceSecs(61);
    QCOMPARE(store->consumeEnrolToken(expiring->plaintext, u"agent-03"_s).error().code,
             ErrorCode::Unauthorized);
    auto fresh = store->createEnrolToken(m_clock.now().addSecs(60));
    QCOMPARE(store->consumeEnrolToken(fresh->plaintext + u"x"_s, u"agent-04"_s).error().code,
             ErrorCode::Unauthorized);
    QCOMPARE(rawCount(m_url, u"enrol_tokens"_s, u"used_ms IS NOT NULL"_s), 1);
}

void tst_Store::audit()
{
    auto store = open();
    QVERIFY(store);
    for (int i = 0; i < 3; ++i) {
        m_clock.advanceSecs(1);
        auto e = store->appendAudit(
                {0, {}, u"alice"_s, u"job.update"_s, u"job-%1"_s.arg(i), u"{}"_s, u"api"_s});
        QVERIFY2(e, qPrintable(errorText(e)));
        QCOMPARE(e->at, m_clock.now());
    }
    auto list = store->listAudit(2);
    QVERIFY(list);
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).target, u"job-2"_s);
    QCOMPARE(list->at(1).target, u"job-1"_s);
    QCOMPARE(list->at(0).actor, u"alice"_s);
    QCOMPARE(list->at(0).source, u"api"_s);
}

void tst_Store::batchCommitsOnceAndUndoesOnlyAFailedCall()
{
    auto store = open();
    QVERIFY(store);
    QVERIFY(!store->inBatch());
    QCOMPARE(store->commitBatch().error().code, ErrorCode::Conflict);
    QVERIFY(store->beginBatch());
    QVERIFY(store->inBatch());
    QCOMPARE(store->beginBatch().error().code, ErrorCode::Conflict);
    Job a;
    a.name = u"batch_a"_s;
    a.command = u"true"_s;
    QVERIFY(store->createJob(a));
    // A failing call inside the batch undoes itself only.
    QCOMPARE(store->createJob(a).error().code, ErrorCode::Conflict);
    Job b = a;
    b.name = u"batch_b"_s;
    QVERIFY(store->createJob(b));
    // Not visible to another connection before the commit...
    {
        auto other = open();
        QVERIFY(other);
        QCOMPARE(other->jobByName(u"batch_b"_s).error().code, ErrorCode::NotFound);
    }
    QVERIFY(store->commitBatch());
    QVERIFY(!store->inBatch());
    // ...and visible to every connection after it.
    auto other = open();
    QVERIFY(other);
    QVERIFY(other->jobByName(u"batch_a"_s));
    QVERIFY(other->jobByName(u"batch_b"_s));

    // A rolled back batch leaves nothing.
    QVERIFY(store->beginBatch());
    Job c = a;
    c.name = u"batch_c"_s;
    QVERIFY(store->createJob(c));
    store->rollbackBatch();
    QVERIFY(!store->inBatch());
    QCOMPARE(store->jobByName(u"batch_c"_s).error().code, ErrorCode::NotFound);
    // Calls outside a batch commit by themselves again.
    QVERIFY(store->createJob(c));
    QVERIFY(other->jobByName(u"batch_c"_s));
}

void tst_Store::reopenKeepsEverything()
{
    Job job = fullJob();
    RunRecord run;
    QString token;
    {
        auto store = open();
        QVERIFY(store);
        job.id = store->createJob(job, u"warehouse"_s)->job.id;
        const RunId id = newRun(*store, job.name);
        QVERIFY(store->transition(id, 1, RunState::Running, kStart.addSecs(1), {}, NodeId(8)));
        QVERIFY(store->recordResult(id, 1, RunState::Failed, 4, kStart.addSecs(1),
                                    kStart.addSecs(2)));
        QVERIFY(store->retry(id, kStart.addSecs(3)));
        QVERIFY(store->appendOutput(id, {1, OutputStream::Stdout, 0, "out"}, 1000));
        NodeRecord n;
        n.name = u"agent-01"_s;
        n.state = NodeState::Online;
        QVERIFY(store->upsertNode(n));
        token = store->createApiToken(u"ci"_s, TokenRole::Operator)->plaintext;
        QVERIFY(store->appendAudit({0, {}, u"bob"_s, u"run.retry"_s, id.toString(), {}, u"cli"_s}));
        run = *store->run(id);
    }
    auto store = open();
    QVERIFY(store);
    QCOMPARE(store->jobByName(job.name)->job, job);
    QCOMPARE(store->jobByName(job.name)->pipeline, u"warehouse"_s);
    auto again = store->run(run.run.id());
    QVERIFY(again);
    QCOMPARE(again->run, run.run);
    QCOMPARE(again->run.attempts().size(), 2);
    QCOMPARE(again->trigger, RunTrigger::Manual);
    QCOMPARE(store->runEvents(run.run.id())->size(), 4);
    QCOMPARE(store->readOutput(run.run.id(), 10)->first().data, QByteArray("out"));
    QCOMPARE(store->nodeByName(u"agent-01"_s)->state, NodeState::Online);
    QCOMPARE(store->verifyApiToken(token)->role, TokenRole::Operator);
    QCOMPARE(store->listAudit(10)->first().action, u"run.retry"_s);
    QCOMPARE(store->unfinishedRuns()->size(), 1);
    // Reopening applied no migration again.
    QCOMPARE(rawCount(m_url, u"schema_version"_s), qint64(Internal::latestSchemaVersion()));
}

void tst_Store::twoStoresOneDatabase()
{
    auto a = open();
    auto b = open();
    QVERIFY(a);
    QVERIFY(b);
    Job job;
    job.name = u"shared"_s;
    QVERIFY(a->createJob(job));
    QCOMPARE(b->jobByName(u"shared"_s)->job.name, u"shared"_s);
    QCOMPARE(b->createJob(job).error().code, ErrorCode::Conflict);

    const RunId id = newRun(*a);
    // Both saw the run in waiting; the second start is checked against the stored state.
    QCOMPARE(b->run(id)->run.state(), RunState::Waiting);
    QVERIFY(a->transition(id, 1, RunState::Running, kStart.addSecs(1)));
    QCOMPARE(b->transition(id, 1, RunState::Running, kStart.addSecs(1)).error().code,
             ErrorCode::IllegalTransition);
    QVERIFY(b->recordResult(id, 1, RunState::Success, 0, kStart.addSecs(1), kStart.addSecs(2))
                    ->applied);
    QVERIFY(!a->recordResult(id, 1, RunState::Success, 0, kStart.addSecs(1), kStart.addSecs(2))
                     ->applied);
    QCOMPARE(a->run(id)->run.state(), RunState::Success);
    QCOMPARE(rawCount(m_url, u"run_events"_s, u"run_id = %1"_s.arg(id.value())), 3);
}

void tst_Store::readOnlyDatabaseGivesStorageError()
{
    // Tests run as root, where chmod does not stop writes: the read-only seam opens the
    // database read-only instead (SQLite flag / PostgreSQL read-only session).
    RunId id;
    {
        auto store = open();
        QVERIFY(store);
        id = newRun(*store);
    }
    StoreOptions ro;
    ro.readOnly = true;
    auto store = open(ro);
    QVERIFY(store);
    Job job;
    job.name = u"x"_s;
    auto created = store->createJob(job);
    QVERIFY(!created);
    QCOMPARE(created.error().code, ErrorCode::Storage);
    QVERIFY(!created.error().message.isEmpty());
    QCOMPARE(store->transition(id, 1, RunState::Running, kStart).error().code, ErrorCode::Storage);
    QCOMPARE(store->appendAudit({}).error().code, ErrorCode::Storage);
    QCOMPARE(store->createApiToken(u"t"_s, TokenRole::Admin).error().code, ErrorCode::Storage);
    // Reads still work and nothing changed.
    QCOMPARE(store->run(id)->run.state(), RunState::Waiting);
    QCOMPARE(store->runEvents(id)->size(), 1);
    QCOMPARE(rawCount(m_url, u"jobs"_s), 0);
}

QTEST_GUILESS_MAIN(tst_Store)
#include "tst_store.moc"

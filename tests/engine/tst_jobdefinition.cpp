// The engine's job table entry (jobdefinition.h): whatever a job sets, the definition and the
// record it gives back are the ones it was made from, and a job that sets only the fields the
// table keeps inline keeps nothing else.

#include <master/engine/jobdefinition.h>

#include <config/jobtemplate.h>

#include <QTest>
#include <QTimeZone>

#include <functional>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Master::Internal;

namespace Orrery {

char *toString(const Job &job)
{
    return QTest::toString(QString::fromUtf8(Config::writeJob(job)));
}

}  // namespace Orrery

using JobChange = std::function<void(Job &)>;
Q_DECLARE_METATYPE(JobChange)

class tst_JobDefinition : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void times_data();
    void times();
};

namespace {

Job minimalJob()
{
    Job job;
    job.id = JobId(42);
    job.name = u"nightly_report"_s;
    job.schedule = u"0 2 * * *"_s;
    job.command = u"report --daily"_s;
    return job;
}

}  // namespace

void tst_JobDefinition::roundTrip_data()
{
    QTest::addColumn<JobChange>("change");
    QTest::addColumn<bool>("inlineOnly");  // only fields the table keeps inline are set

    QTest::newRow("name-schedule-command") << JobChange([](Job &) {}) << true;
    // The fields kept inline (JobCore).
    QTest::newRow("time-zone") << JobChange([](Job &j) { j.timeZone = u"Asia/Shanghai"_s; })
                               << true;
    QTest::newRow("timeout") << JobChange([](Job &j) { j.timeoutSecs = 3600; }) << true;
    QTest::newRow("retry") << JobChange([](Job &j) {
        j.retry = RetryPolicy{3, 60, 2.0, 600};
    }) << true;
    QTest::newRow("priority") << JobChange([](Job &j) { j.priority = Priority::P0; }) << true;
    QTest::newRow("strategy") << JobChange([](Job &j) { j.strategy = DispatchStrategy::Broadcast; })
                              << true;
    QTest::newRow("concurrency") << JobChange([](Job &j) {
        j.concurrency = ConcurrencyPolicy::Replace;
    }) << true;
    QTest::newRow("misfire") << JobChange([](Job &j) {
        j.misfire = MisfirePolicy::CatchUp;
        j.misfireLimit = 3;
    }) << true;
    QTest::newRow("disabled") << JobChange([](Job &j) { j.enabled = false; }) << true;
    QTest::newRow("no-schedule-no-command") << JobChange([](Job &j) {
        j.schedule.clear();
        j.command.clear();
    }) << true;
    // Each field kept only in the whole definition.
    QTest::newRow("description") << JobChange([](Job &j) { j.description = u"for finance"_s; })
                                 << false;
    QTest::newRow("working-directory")
            << JobChange([](Job &j) { j.workingDirectory = u"/srv/reports"_s; }) << false;
    QTest::newRow("environment") << JobChange([](Job &j) {
        j.environment.insert(u"LANG"_s, u"C"_s);
    }) << false;
    QTest::newRow("run-as") << JobChange([](Job &j) { j.runAs = u"reports"_s; }) << false;
    QTest::newRow("dependencies") << JobChange([](Job &j) {
        j.dependencies.append(Dependency{u"extract"_s, DependencyStatus::Finished, {}});
    }) << false;
    QTest::newRow("resources") << JobChange([](Job &j) {
        j.resources.append(ResourceLock{u"database_lock"_s, u"primary_db"_s, {}});
    }) << false;
    QTest::newRow("labels") << JobChange([](Job &j) { j.labels.insert(u"zone"_s, u"east"_s); })
                            << false;
    QTest::newRow("resource-kind")
            << JobChange([](Job &j) { j.resourceKind = ResourceKind::Io; }) << false;
    QTest::newRow("weight") << JobChange([](Job &j) { j.weight = JobWeight::Heavy; }) << false;
    QTest::newRow("not-before") << JobChange([](Job &j) { j.notBeforeMinute = 120; }) << false;
    QTest::newRow("window") << JobChange([](Job &j) {
        j.window = DailyWindow{1320, 120};
    }) << false;
    QTest::newRow("window-closed")
            << JobChange([](Job &j) { j.windowClosed = WindowClosedPolicy::Skip; }) << false;
    QTest::newRow("condition") << JobChange([](Job &j) { j.condition = u"env == 'prod'"_s; })
                               << false;
    QTest::newRow("check") << JobChange([](Job &j) { j.check = u"test -f /tmp/ready"_s; }) << false;
    QTest::newRow("check-timeout") << JobChange([](Job &j) { j.checkTimeoutSecs = 5; }) << false;
    QTest::newRow("location") << JobChange([](Job &j) {
        j.location = SourceLocation{12, 5};
    }) << false;
}

void tst_JobDefinition::roundTrip()
{
    QFETCH(JobChange, change);
    QFETCH(bool, inlineOnly);
    Job job = minimalJob();
    change(job);
    JobRecord record;
    record.job = job;
    record.pipeline = u"finance"_s;
    record.createdAt = QDateTime::fromMSecsSinceEpoch(1764115200123, QTimeZone::utc());
    record.updatedAt = record.createdAt;

    const JobDefinition definition(record);
    QCOMPARE(definition.toJob(), job);
    // operator== leaves the source location out.
    QCOMPARE(definition.toJob().location, job.location);
    const JobRecord back = definition.toRecord();
    QCOMPARE(back.job, job);
    QCOMPARE(back.pipeline, record.pipeline);
    QCOMPARE(back.createdAt, record.createdAt);
    QCOMPARE(back.updatedAt, record.updatedAt);

    // The inline fields under Job's names.
    QCOMPARE(definition.job.id, job.id);
    QCOMPARE(definition.job.name, job.name);
    QCOMPARE(definition.job.schedule, job.schedule);
    QCOMPARE(definition.job.timeZone, job.timeZone);
    QCOMPARE(definition.job.command, job.command);
    QCOMPARE(definition.job.timeoutSecs, job.timeoutSecs);
    QCOMPARE(definition.job.retry, job.retry);
    QCOMPARE(definition.job.priority, job.priority);
    QCOMPARE(definition.job.strategy, job.strategy);
    QCOMPARE(definition.job.concurrency, job.concurrency);
    QCOMPARE(definition.job.misfire, job.misfire);
    QCOMPARE(definition.job.misfireLimit, job.misfireLimit);
    QCOMPARE(definition.job.enabled, job.enabled);
    QCOMPARE(definition.pipeline, record.pipeline);

    // rest(): the other fields as the job sets them; all defaults for a job that sets none.
    const Job &rest = definition.rest();
    QCOMPARE(rest.description, job.description);
    QCOMPARE(rest.workingDirectory, job.workingDirectory);
    QCOMPARE(rest.environment, job.environment);
    QCOMPARE(rest.runAs, job.runAs);
    QCOMPARE(rest.dependencies, job.dependencies);
    QCOMPARE(rest.resources, job.resources);
    QCOMPARE(rest.labels, job.labels);
    QCOMPARE(rest.resourceKind, job.resourceKind);
    QCOMPARE(rest.weight, job.weight);
    QCOMPARE(rest.notBeforeMinute, job.notBeforeMinute);
    QCOMPARE(rest.window, job.window);
    QCOMPARE(rest.windowClosed, job.windowClosed);
    QCOMPARE(rest.condition, job.condition);
    QCOMPARE(rest.check, job.check);
    QCOMPARE(rest.checkTimeoutSecs, job.checkTimeoutSecs);
    if (inlineOnly)
        QCOMPARE(rest, Job());
}

void tst_JobDefinition::times_data()
{
    QTest::addColumn<QDateTime>("createdAt");
    QTest::addColumn<QDateTime>("updatedAt");

    const QDateTime created = QDateTime::fromMSecsSinceEpoch(1764115200123, QTimeZone::utc());
    QTest::newRow("never-updated") << created << created;
    QTest::newRow("updated-later") << created << created.addMSecs(86400001);
    QTest::newRow("no-times") << QDateTime() << QDateTime();
}

void tst_JobDefinition::times()
{
    QFETCH(QDateTime, createdAt);
    QFETCH(QDateTime, updatedAt);
    JobRecord record;
    record.job = minimalJob();
    record.createdAt = createdAt;
    record.updatedAt = updatedAt;
    const JobDefinition definition(record);
    QCOMPARE(definition.createdAt(), createdAt);
    QCOMPARE(definition.updatedAt(), updatedAt);
    QCOMPARE(definition.createdAt().isValid(), createdAt.isValid());
    const JobRecord back = definition.toRecord();
    QCOMPARE(back.createdAt, createdAt);
    QCOMPARE(back.updatedAt, updatedAt);
    if (createdAt.isValid())
        QCOMPARE(back.createdAt.toMSecsSinceEpoch(), createdAt.toMSecsSinceEpoch());
}

QTEST_APPLESS_MAIN(tst_JobDefinition)
#include "tst_jobdefinition.moc"

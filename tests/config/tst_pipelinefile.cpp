#include "configtestutils.h"

#include <config/pipelinefile.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Config;
using namespace Qt::Literals::StringLiterals;

class tst_PipelineFile : public QObject
{
    Q_OBJECT

private slots:
    void seedPipeline();
    void seedWrittenCanonically();
    void fullPipeline();
    void pipelineDefaults_data();
    void pipelineDefaults();
    void jobValues_data();
    void jobValues();
    void errors_data();
    void errors();
    void largeFileLocatesInLinearTime();
    void roundTrip_data();
    void roundTrip();
    void writerQuoting_data();
    void writerQuoting();
    void saveAndLoad();
    void saveFails();
    void loadMissingFile();
};

static Job job(const QString &name)
{
    Job j;
    j.name = name;
    return j;
}

void tst_PipelineFile::seedPipeline()
{
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"pipeline.yaml"_s));
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));

    Pipeline expected;
    expected.name = u"pipeline"_s;  // the file's base name
    Job extract = job(u"data_extract"_s);
    extract.schedule = u"0 2 * * *"_s;
    Job transform = job(u"data_transform"_s);
    transform.dependencies = {Dependency{u"data_extract"_s, DependencyStatus::Success, {}}};
    transform.timeoutSecs = 3600;
    Job load = job(u"data_load"_s);
    load.dependencies = {Dependency{u"data_transform"_s, DependencyStatus::Success, {}}};
    load.resources = {ResourceLock{u"database_lock"_s, u"primary_db"_s, {}}};
    expected.jobs = {extract, transform, load};
    QCOMPARE(*p, expected);

    // Locations, which == ignores: the job's name and each dependency's task.
    QCOMPARE(p->jobs.at(0).location, (SourceLocation{4, 11}));
    QCOMPARE(p->jobs.at(1).location, (SourceLocation{8, 11}));
    QCOMPARE(p->jobs.at(2).location, (SourceLocation{14, 11}));
    QCOMPARE(p->jobs.at(1).dependencies.at(0).location, (SourceLocation{10, 15}));
    QCOMPARE(p->jobs.at(2).dependencies.at(0).location, (SourceLocation{16, 15}));
    QCOMPARE(p->jobs.at(2).resources.at(0).location, (SourceLocation{19, 9}));
    // Everything else is at its default.
    QCOMPARE(p->jobs.at(0).priority, Priority::P2);
    QCOMPARE(p->jobs.at(0).retry, RetryPolicy());
    QCOMPARE(p->jobs.at(0).misfireLimit, 10);
    QVERIFY(p->jobs.at(0).enabled);
}

void tst_PipelineFile::seedWrittenCanonically()
{
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"pipeline.yaml"_s));
    QVERIFY(p);
    QCOMPARE(QString::fromUtf8(writePipeline(*p)),
             u"name: pipeline\n"
             "pipeline:\n"
             "  - name: data_extract\n"
             "    schedule: \"0 2 * * *\"\n"
             "  - name: data_transform\n"
             "    timeout: 1h\n"
             "    dependencies:\n"
             "      - task: data_extract\n"
             "  - name: data_load\n"
             "    dependencies:\n"
             "      - task: data_transform\n"
             "    resources:\n"
             "      - database_lock: primary_db\n"_s);
}

void tst_PipelineFile::fullPipeline()
{
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"full_pipeline.yaml"_s));
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));

    Pipeline expected;
    expected.name = u"nightly_etl"_s;
    expected.description = u"夜间数据处理 (every field)"_s;
    expected.schedule = u"30 1 * * *"_s;
    expected.timeZone = u"Asia/Shanghai"_s;

    Job extract = job(u"extract"_s);
    extract.description = u"Pull the day's orders.\nTwo lines.\n"_s;
    extract.schedule = u"0 2 * * 1-5"_s;
    extract.timeZone = u"Europe/Berlin"_s;
    extract.command
            = u"set -e\n"
              "echo \"start: $(date +%s)\" # not a YAML comment\n"
              "  indented line\n"
              "/opt/etl/extract --day \"${DAY:-today}\"\n"_s;
    extract.workingDirectory = u"/srv/etl"_s;
    extract.environment
            = {{u"DB_HOST"_s, u"db1.internal"_s}, {u"EMPTY"_s, QString()}, {u"PORT"_s, u"5432"_s}};
    extract.runAs = u"etl"_s;
    extract.timeoutSecs = 5400;
    extract.retry = RetryPolicy{3, 30, 2.5, 600};
    extract.priority = Priority::P1;
    extract.resources = {ResourceLock{u"database_lock"_s, u"primary_db"_s, {}},
                         ResourceLock{u"api_quota"_s, u"partner"_s, {}}};
    extract.labels = {{u"zone"_s, u"cn-east"_s}, {u"role"_s, u"etl"_s}};
    extract.strategy = DispatchStrategy::ResourceAware;
    extract.resourceKind = ResourceKind::Io;
    extract.weight = JobWeight::Heavy;
    extract.concurrency = ConcurrencyPolicy::Replace;
    extract.misfire = MisfirePolicy::CatchUp;
    extract.misfireLimit = 3;

    Job load = job(u"load"_s);
    load.command = u"echo 'load: done'"_s;
    load.timeoutSecs = 600;
    load.retry.count = 1;
    load.priority = Priority::P0;
    load.dependencies = {Dependency{u"extract"_s, DependencyStatus::Finished, {}},
                         Dependency{u"cleanup"_s, DependencyStatus::Failed, {}}};
    load.strategy = DispatchStrategy::Broadcast;
    load.resourceKind = ResourceKind::Memory;
    load.concurrency = ConcurrencyPolicy::Allow;
    load.misfire = MisfirePolicy::Skip;
    load.enabled = false;

    Job cleanup = job(u"cleanup"_s);
    cleanup.command = u"rm -rf /tmp/etl-*"_s;
    cleanup.strategy = DispatchStrategy::WeightedRoundRobin;
    cleanup.resourceKind = ResourceKind::Cpu;

    expected.jobs = {extract, load, cleanup};
    QCOMPARE(*p, expected);
}

void tst_PipelineFile::pipelineDefaults_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("name");

    QTest::newRow("name-from-file") << "pipeline: []\n"_ba << u"/etc/orrery/etl.yaml"_s << u"etl"_s;
    QTest::newRow("name-from-file-last-suffix-only")
            << "pipeline: []\n"_ba << u"daily.reports.yml"_s << u"daily.reports"_s;
    QTest::newRow("explicit-name")
            << "name: reports\npipeline: []\n"_ba << u"etl.yaml"_s << u"reports"_s;
}

void tst_PipelineFile::pipelineDefaults()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, fileName);
    QFETCH(QString, name);
    const Result<Pipeline> p = parsePipeline(yaml, fileName);
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
    QCOMPARE(p->name, name);
    QCOMPARE(p->jobs.size(), 0);
}

void tst_PipelineFile::jobValues_data()
{
    QTest::addColumn<QByteArray>("yaml");  // the keys of job "j", indented by 4
    QTest::addColumn<Job>("expected");

    Job j = job(u"j"_s);
    Job e;

    e = j;
    e.timeoutSecs = 3600;
    QTest::newRow("timeout-seconds") << "timeout: 3600"_ba << e;
    QTest::newRow("timeout-duration") << "timeout: 1h"_ba << e;
    QTest::newRow("timeout-quoted") << "timeout: \"60m\""_ba << e;
    e = j;
    QTest::newRow("timeout-zero") << "timeout: 0"_ba << e;
    e = j;
    e.retry.count = 2;
    QTest::newRow("retries") << "retries: 2"_ba << e;
    QTest::newRow("retry-times-alias") << "retry_times: 2"_ba << e;
    e = j;
    e.retry.backoff = 2;
    QTest::newRow("backoff-integer") << "retry_backoff: 2"_ba << e;
    e = j;
    e.priority = Priority::P3;
    QTest::newRow("priority-lower-case") << "priority: p3"_ba << e;
    e = j;
    e.dependencies = {Dependency{u"up"_s, DependencyStatus::Success, {}}};
    QTest::newRow("dependency-status-default") << "dependencies:\n      - task: up"_ba << e;
    QTest::newRow("dependency-shorthand") << "dependencies: [up]"_ba << e;
    e = j;
    QTest::newRow("dependencies-empty") << "dependencies: []"_ba << e;
    QTest::newRow("env-null") << "env:"_ba << e;
    e = j;
    e.enabled = false;
    QTest::newRow("enabled-no") << "enabled: no"_ba << e;
    e = j;
    e.schedule = u"@every 5m"_s;
    QTest::newRow("cron-macro") << "schedule: \"@every 5m\""_ba << e;
    e = j;
    e.schedule = u"0 0 * * *"_s;
    e.timeZone = u"America/New_York"_s;
    QTest::newRow("job-zone") << "schedule: 0 0 * * *\n    timezone: America/New_York"_ba << e;
    e = j;
    e.command = u"echo ${HOME} $PATH"_s;  // no templates in pipelines: text as written
    QTest::newRow("dollar-text-literal") << "command: echo ${HOME} $PATH"_ba << e;
}

void tst_PipelineFile::jobValues()
{
    QFETCH(QByteArray, yaml);
    QFETCH(Job, expected);
    const QByteArray file = "pipeline:\n  - name: j\n    " + yaml + "\n  - name: up\n";
    const Result<Pipeline> p = parsePipeline(file, u"t.yaml"_s);
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
    QCOMPARE(p->jobs.size(), 2);
    QCOMPARE(p->jobs.at(0), expected);
}

void tst_PipelineFile::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");  // a word the message must contain, if any

    const QByteArray head = "pipeline:\n  - name: a\n";  // job keys go on line 3, column 5

    // YAML itself
    QTest::newRow("syntax-unclosed-flow")
            << "pipeline:\n  - name: [a\n"_ba << ErrorCode::Syntax << 3 << 1 << QString();
    QTest::newRow("syntax-map-value")
            << "pipeline: a: b\n"_ba << ErrorCode::Syntax << 1 << 12 << QString();
    QTest::newRow("syntax-bad-indent") << head + "    timeout: 1\n   retries: 2\n"
                                       << ErrorCode::Syntax << 4 << 4 << QString();
    QTest::newRow("syntax-tab") << head + "\ttimeout: 1\n"
                                << ErrorCode::Syntax << 3 << 1 << QString();
    QTest::newRow("two-documents")
            << "pipeline: []\n---\npipeline: []\n"_ba << ErrorCode::Syntax << 2 << 1 << QString();
    QTest::newRow("stray-comma") << ",\n"_ba << ErrorCode::Syntax << 1 << 1 << u"','"_s;
    QTest::newRow("stray-comma-before-content")
            << "\n,\npipeline: []\n"_ba << ErrorCode::Syntax << 2 << 1 << u"','"_s;
    // yaml-cpp keeps no position for an alias: its errors point at the anchored node.
    // Refused before any reader walks them (they used to hang validation).
    QTest::newRow("recursive-alias") << "pipeline:\n  - &j\n    name: a\n    env: *j\n"_ba
                                     << ErrorCode::InvalidValue << 2 << 5 << u"alias"_s;
    QTest::newRow("recursive-alias-twice")
            << "pipeline:\n  - name: a\n    env: &e {b: *e, c: *e}\n"_ba << ErrorCode::InvalidValue
            << 3 << 10 << u"alias"_s;
    // 10^9 values from 11 lines; the error is at the node where the count passes the bound.
    QTest::newRow("alias-expansion-bomb")
            << "x0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
               "x1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n"
               "x2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n"
               "x3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n"
               "x4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\n"
               "x5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\n"
               "x6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]\n"
               "x7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]\n"
               "x8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]\n"
               "pipeline:\n  - name: a\n    env: *a8\n"_ba
            << ErrorCode::InvalidValue << -1 << -1 << u"1000000"_s;
    // keys
    QTest::newRow("unknown-key-typo") << head + "    retires: 3\n"
                                      << ErrorCode::UnknownKey << 3 << 5 << u"retries"_s;
    QTest::newRow("unknown-key-case") << head + "    Retries: 3\n"
                                      << ErrorCode::UnknownKey << 3 << 5 << u"'retries'"_s;
    // Columns count characters: '[' is the 21st character, the 25th byte of its line.
    QTest::newRow("column-after-multibyte") << head + "    env: {A: \u540d\u5b57, B: [x]}\n"
                                            << ErrorCode::WrongType << 3 << 21 << u"'B'"_s;
    QTest::newRow("unknown-top-key")
            << "name: x\npipelines: []\n"_ba << ErrorCode::UnknownKey << 2 << 1 << u"'pipeline'"_s;
    QTest::newRow("unknown-dependency-key")
            << head + "    dependencies:\n      - task: b\n        stauts: failed\n  - name: b\n"
            << ErrorCode::UnknownKey << 5 << 9 << u"status"_s;
    QTest::newRow("duplicate-key") << head + "    timeout: 5\n    timeout: 6\n"
                                   << ErrorCode::DuplicateName << 4 << 5 << u"timeout"_s;
    QTest::newRow("duplicate-top-key") << "pipeline: []\npipeline: []\n"_ba
                                       << ErrorCode::DuplicateName << 2 << 1 << u"pipeline"_s;
    QTest::newRow("retries-and-alias") << head + "    retries: 1\n    retry_times: 2\n"
                                       << ErrorCode::DuplicateName << 4 << 5 << u"retries"_s;
    QTest::newRow("duplicate-env-key") << head + "    env:\n      A: 1\n      A: 2\n"
                                       << ErrorCode::DuplicateName << 5 << 7 << u"'A'"_s;
    // missing fields
    QTest::newRow("missing-pipeline")
            << "name: x\n"_ba << ErrorCode::MissingField << 1 << 1 << u"pipeline"_s;
    QTest::newRow("missing-job-name")
            << "pipeline:\n  - timeout: 5\n"_ba << ErrorCode::MissingField << 2 << 5 << u"name"_s;
    QTest::newRow("missing-dependency-task") << head + "    dependencies:\n      - status: failed\n"
                                             << ErrorCode::MissingField << 4 << 9 << u"task"_s;
    // wrong types
    QTest::newRow("empty-file") << QByteArray() << ErrorCode::WrongType << 1 << 1 << QString();
    QTest::newRow("top-level-list")
            << "- a\n- b\n"_ba << ErrorCode::WrongType << 1 << 1 << QString();
    QTest::newRow("pipeline-scalar")
            << "pipeline: abc\n"_ba << ErrorCode::WrongType << 1 << 11 << QString();
    QTest::newRow("pipeline-map") << "pipeline: {a: 1}\n"_ba << ErrorCode::WrongType << 1 << 11
                                  << QString();
    QTest::newRow("job-scalar") << "pipeline:\n  - just_a_name\n"_ba << ErrorCode::WrongType << 2
                                << 5 << QString();
    QTest::newRow("dependencies-scalar") << head + "    dependencies: data_x\n"
                                         << ErrorCode::WrongType << 3 << 19 << QString();
    QTest::newRow("command-map") << head + "    command: {a: 1}\n"
                                 << ErrorCode::WrongType << 3 << 14 << QString();
    QTest::newRow("command-null") << head + "    command:\n"
                                  << ErrorCode::WrongType << 3 << 5 << QString();
    QTest::newRow("env-list") << head + "    env: [A]\n"
                              << ErrorCode::WrongType << 3 << 10 << QString();
    QTest::newRow("timeout-word") << head + "    timeout: abc\n"
                                  << ErrorCode::WrongType << 3 << 14 << u"timeout"_s;
    QTest::newRow("timeout-list") << head + "    timeout: [1]\n"
                                  << ErrorCode::WrongType << 3 << 14 << QString();
    QTest::newRow("retries-word") << head + "    retries: two\n"
                                  << ErrorCode::WrongType << 3 << 14 << QString();
    QTest::newRow("retries-decimal") << head + "    retries: 1.5\n"
                                     << ErrorCode::WrongType << 3 << 14 << QString();
    QTest::newRow("enabled-word") << head + "    enabled: maybe\n"
                                  << ErrorCode::WrongType << 3 << 14 << QString();
    // values
    QTest::newRow("bad-duration-unit") << head + "    timeout: 10y\n"
                                       << ErrorCode::InvalidValue << 3 << 16 << QString();
    QTest::newRow("bad-retry-delay") << head + "    retry_delay: 1.5h\n"
                                     << ErrorCode::InvalidValue << 3 << 19 << QString();
    QTest::newRow("negative-retries") << head + "    retries: -1\n"
                                      << ErrorCode::InvalidValue << 3 << 14 << QString();
    QTest::newRow("backoff-below-one") << head + "    retry_backoff: 0.5\n"
                                       << ErrorCode::InvalidValue << 3 << 20 << QString();
    QTest::newRow("bad-priority") << head + "    priority: P5\n"
                                  << ErrorCode::InvalidValue << 3 << 15 << u"P0"_s;
    QTest::newRow("bad-strategy") << head + "    strategy: random\n"
                                  << ErrorCode::InvalidValue << 3 << 15 << u"round_robin"_s;
    QTest::newRow("strategy-typo") << head + "    strategy: least_runing\n"
                                   << ErrorCode::InvalidValue << 3 << 15 << u"least_running"_s;
    QTest::newRow("bad-resource-kind") << head + "    resource_kind: disk\n"
                                       << ErrorCode::InvalidValue << 3 << 20 << u"memory"_s;
    QTest::newRow("bad-weight") << head + "    weight: medium\n"
                                << ErrorCode::InvalidValue << 3 << 13 << u"heavy"_s;
    QTest::newRow("bad-concurrency") << head + "    concurrency: queue\n"
                                     << ErrorCode::InvalidValue << 3 << 18 << u"forbid"_s;
    QTest::newRow("bad-misfire") << head + "    misfire: run_all\n"
                                 << ErrorCode::InvalidValue << 3 << 14 << u"catch_up"_s;
    QTest::newRow("bad-dependency-status")
            << head + "    dependencies:\n      - task: b\n        status: done\n  - name: b\n"
            << ErrorCode::InvalidValue << 5 << 17 << u"finished"_s;
    QTest::newRow("bad-env-name") << head + "    env:\n      1X: y\n"
                                  << ErrorCode::InvalidValue << 4 << 7 << QString();
    QTest::newRow("resource-two-keys") << head + "    resources:\n      - {a: x, b: y}\n"
                                       << ErrorCode::InvalidValue << 4 << 9 << QString();
    QTest::newRow("empty-name") << "pipeline:\n  - name: ''\n"_ba << ErrorCode::InvalidValue << 2
                                << 11 << QString();
    // cron and zones
    QTest::newRow("cron-double-quoted") << head + "    schedule: \"0 2 * * x\"\n"
                                        << ErrorCode::BadCron << 3 << 24 << QString();
    QTest::newRow("cron-single-quoted") << head + "    schedule: '0 2 * * x'\n"
                                        << ErrorCode::BadCron << 3 << 24 << QString();
    QTest::newRow("cron-plain") << head + "    schedule: 0 2 * * x\n"
                                << ErrorCode::BadCron << 3 << 23 << QString();
    QTest::newRow("cron-bad-minute") << head + "    schedule: \"61 2 * * *\"\n"
                                     << ErrorCode::BadCron << 3 << 16 << QString();
    QTest::newRow("cron-pipeline-level") << "schedule: \"0 25 * * *\"\npipeline: []\n"_ba
                                         << ErrorCode::BadCron << 1 << 14 << QString();
    QTest::newRow("cron-never-fires") << head + "    schedule: \"0 0 30 2 *\"\n"
                                      << ErrorCode::NeverFires << 3 << -1 << QString();
    QTest::newRow("bad-timezone") << head + "    timezone: Mars/Olympus\n"
                                  << ErrorCode::InvalidValue << 3 << 15 << u"Mars/Olympus"_s;
    QTest::newRow("bad-pipeline-timezone") << "timezone: Atlantis/Capital\npipeline: []\n"_ba
                                           << ErrorCode::InvalidValue << 1 << 11 << QString();
    // the DAG
    QTest::newRow("cycle-of-two") << "pipeline:\n  - name: a\n    dependencies:\n      - task: b\n"
                                     "  - name: b\n    dependencies:\n      - task: a\n"_ba
                                  << ErrorCode::Cycle << 4 << 15 << u"a -> b -> a"_s;
    QTest::newRow("self-dependency") << head + "    dependencies:\n      - task: a\n"
                                     << ErrorCode::SelfDependency << 4 << 15 << QString();
    QTest::newRow("unknown-dependency")
            << "pipeline:\n  - name: extract\n  - name: load\n    dependencies:\n      - task: extrct\n"_ba
            << ErrorCode::UnknownDependency << 5 << 15 << u"extract"_s;
    QTest::newRow("duplicate-job") << head + "  - name: a\n"
                                   << ErrorCode::DuplicateName << 3 << 11 << QString();
}

void tst_PipelineFile::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);

    const Result<Pipeline> p = parsePipeline(yaml, u"dir/t.yaml"_s);
    QVERIFY2(!p, "expected an error");
    const Error &e = p.error();
    QCOMPARE(e.code, code);
    QCOMPARE(e.file, u"dir/t.yaml"_s);
    if (line >= 0)
        QCOMPARE(e.line, line);
    else
        QVERIFY(e.line > 0);
    if (column >= 0)
        QCOMPARE(e.column, column);
    else
        QVERIFY(e.column > 0);
    if (!mentions.isEmpty())
        QVERIFY2(e.message.contains(mentions), qPrintable(e.toString()));
}

// Every node is located while reading; locating used to rescan the file from the start, so
// 5,000 jobs took about a minute. Now it is a lookup, and the last job's error is exact.
void tst_PipelineFile::largeFileLocatesInLinearTime()
{
    constexpr int kJobs = 5000;
    QByteArray yaml = "pipeline:\n";
    for (int i = 0; i < kJobs; ++i) {
        yaml += "  - name: job" + QByteArray::number(i) + "\n    command: echo\n";
        if (i > 0)
            yaml += "    dependencies: [{task: job" + QByteArray::number(i - 1) + "}]\n";
    }
    yaml += "    retires: 1\n";
    QElapsedTimer timer;
    timer.start();
    const Result<Pipeline> p = parsePipeline(yaml, u"big.yaml"_s);
    const qint64 elapsed = timer.elapsed();
    QVERIFY(!p);
    QCOMPARE(p.error().code, ErrorCode::UnknownKey);
    QCOMPARE(p.error().line, 1 + 2 + 3 * (kJobs - 1) + 1);
    QCOMPARE(p.error().column, 5);
    QVERIFY2(elapsed < 20000, qPrintable(u"%1 ms"_s.arg(elapsed)));
}

void tst_PipelineFile::roundTrip_data()
{
    QTest::addColumn<Pipeline>("pipeline");

    QTest::newRow("seed") << *loadPipeline(ConfigTest::dataPath(u"pipeline.yaml"_s));
    QTest::newRow("every-field") << *loadPipeline(ConfigTest::dataPath(u"full_pipeline.yaml"_s));

    // Strings the writer has to quote or put in a block.
    Pipeline p;
    p.name = u"tricky: name"_s;
    p.description = u"  leading spaces and trailing  "_s;
    p.timeZone = u"UTC"_s;
    Job a = job(u"a b"_s);
    a.description = u"- starts like a list"_s;
    a.command = u"  indented first line\nsecond\n\n"_s;  // indentation indicator and |+
    a.workingDirectory = u"#not-a-comment"_s;
    a.environment = {{u"A"_s, u"yes"_s},
                     {u"B"_s, u"null"_s},
                     {u"C"_s, u"~"_s},
                     {u"D"_s, u"tab\there"_s},
                     {u"E"_s, u"quote \" and backslash \\"_s},
                     {u"F"_s, u"bell \a"_s},
                     {u"G"_s, u"0123"_s},
                     {u"H"_s, u"{not: a map}"_s},
                     {u"I"_s, u"line\r\nbreak"_s},
                     {u"J"_s, u"中文"_s}};
    a.labels = {{u"key: with colon"_s, u"v"_s}, {u"[x]"_s, u"*star"_s}};
    a.runAs = u"'quoted'"_s;
    a.retry = RetryPolicy{5, 90, 1.5, 3600};
    a.misfireLimit = 0;
    Job b = job(u"b"_s);
    b.command = u"no trailing newline\nhere"_s;
    b.dependencies = {Dependency{u"a b"_s, DependencyStatus::Failed, {}}};
    b.resources = {ResourceLock{u"lock"_s, u"name: with colon"_s, {}}};
    b.timeZone = u"Asia/Shanghai"_s;
    b.schedule = u"*/5 * * * *"_s;
    p.jobs = {a, b};
    QTest::newRow("quoting") << p;

    Pipeline empty;
    empty.name = u"empty"_s;
    QTest::newRow("no-jobs") << empty;
}

void tst_PipelineFile::roundTrip()
{
    QFETCH(Pipeline, pipeline);
    const QByteArray written = writePipeline(pipeline);
    const Result<Pipeline> reread = parsePipeline(written, u"rt.yaml"_s);
    QVERIFY2(reread,
             qPrintable(reread ? QString()
                               : reread.error().toString() + u"\n"_s + QString::fromUtf8(written)));
    QCOMPARE(*reread, pipeline);
    QCOMPARE(QString::fromUtf8(writePipeline(*reread)), QString::fromUtf8(written));
}

void tst_PipelineFile::writerQuoting_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("line");  // the line the writer must produce for it

    QTest::newRow("plain") << u"/usr/bin/backup --all"_s << u"command: /usr/bin/backup --all"_s;
    QTest::newRow("colon-space") << u"echo a: b"_s << u"command: \"echo a: b\""_s;
    QTest::newRow("leading-dash") << u"-x"_s << u"command: \"-x\""_s;
    QTest::newRow("boolean-word") << u"true"_s << u"command: \"true\""_s;
    QTest::newRow("empty-line-block") << u"a\nb\n"_s << u"command: |"_s;
    QTest::newRow("no-final-newline") << u"a\nb"_s << u"command: |-"_s;
    QTest::newRow("indented-first") << u" a\nb\n"_s << u"command: |2"_s;
    QTest::newRow("control-char") << u"a\u0001b"_s << u"command: \"a\\u0001b\""_s;
}

void tst_PipelineFile::writerQuoting()
{
    QFETCH(QString, command);
    QFETCH(QString, line);
    Job j = job(u"j"_s);
    j.command = command;
    const QStringList lines = QString::fromUtf8(writeJob(j)).split(u'\n');
    QCOMPARE(lines.at(1), line);
}

void tst_PipelineFile::saveAndLoad()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"full_pipeline.yaml"_s));
    QVERIFY(p);
    const QString path = dir.filePath(u"saved.yaml"_s);
    const Result<void> saved = savePipeline(*p, path);
    QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().toString()));
    const Result<Pipeline> loaded = loadPipeline(path);
    QVERIFY(loaded);
    QCOMPARE(*loaded, *p);
}

void tst_PipelineFile::saveFails()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"no/such/dir/p.yaml"_s);
    const Result<void> saved = savePipeline(Pipeline(), path);
    QVERIFY(!saved);
    QCOMPARE(saved.error().code, ErrorCode::Io);
    QCOMPARE(saved.error().file, path);
}

void tst_PipelineFile::loadMissingFile()
{
    const Result<Pipeline> p = loadPipeline(u"/nonexistent/p.yaml"_s);
    QVERIFY(!p);
    QCOMPARE(p.error().code, ErrorCode::Io);
    QCOMPARE(p.error().file, u"/nonexistent/p.yaml"_s);
    QCOMPARE(p.error().line, 0);
}

QTEST_APPLESS_MAIN(tst_PipelineFile)
#include "tst_pipelinefile.moc"

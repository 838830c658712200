#include "configtestutils.h"

#include <config/jobtemplate.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Config;
using namespace Qt::Literals::StringLiterals;

using Values = QMap<QString, QString>;

class tst_JobTemplate : public QObject
{
    Q_OBJECT

private slots:
    void seedTemplate();
    void renderSeed();
    void renderSeedWritten();
    void renderSeedOverrides();
    void substitution_data();
    void substitution();
    void loadErrors_data();
    void loadErrors();
    void renderErrors_data();
    void renderErrors();
    void loadMissingFile();
};

static JobTemplate seed()
{
    const Result<JobTemplate> t = loadTemplate(ConfigTest::dataPath(u"database_backup.yaml"_s));
    if (!t)
        qFatal("%s", qPrintable(t.error().toString()));
    return *t;
}

void tst_JobTemplate::seedTemplate()
{
    const JobTemplate t = seed();
    QCOMPARE(t.name, u"database_backup"_s);
    QCOMPARE(t.description, u"数据库备份任务标准模板"_s);
    QCOMPARE(t.fileName, ConfigTest::dataPath(u"database_backup.yaml"_s));

    const QList<TemplateParameter> expected{
            {u"database_host"_s, ParameterType::String, true, std::nullopt, QString(), {}},
            {u"backup_path"_s, ParameterType::Path, false, u"/data/backup"_s, QString(), {}},
            {u"retention_days"_s, ParameterType::Integer, false, u"7"_s, QString(), {}},
    };
    QCOMPARE(t.parameters, expected);
    QCOMPARE(t.parameters.at(0).location, (SourceLocation{4, 11}));
    QCOMPARE(t.parameters.at(1).location, (SourceLocation{7, 11}));
    QCOMPARE(t.parameters.at(2).location, (SourceLocation{10, 11}));
    QVERIFY(t.parameter(u"backup_path"_s));
    QVERIFY(!t.parameter(u"nope"_s));
}

void tst_JobTemplate::renderSeed()
{
    const Result<Job> job = renderTemplate(seed(), {{u"database_host"_s, u"db1"_s}});
    QVERIFY2(job, qPrintable(job ? QString() : job.error().toString()));

    Job expected;
    expected.name = u"database_backup"_s;  // no name in task_definition: the template's
    expected.schedule = u"0 2 * * *"_s;
    expected.timeoutSecs = 7200;
    expected.retry.count = 2;  // retry_times
    expected.command
            = u"mysqldump -h db1 -u backup_user \\\n"
              "--single-transaction --routines --triggers \\\n"
              "--all-databases > /data/backup/backup_$(date +%Y%m%d).sql\n"_s;
    QCOMPARE(*job, expected);
}

void tst_JobTemplate::renderSeedWritten()
{
    const Result<Job> job = renderTemplate(seed(), {{u"database_host"_s, u"db1"_s}});
    QVERIFY(job);
    QCOMPARE(QString::fromUtf8(writeJob(*job)),
             u"name: database_backup\n"
             "schedule: \"0 2 * * *\"\n"
             "command: |\n"
             "  mysqldump -h db1 -u backup_user \\\n"
             "  --single-transaction --routines --triggers \\\n"
             "  --all-databases > /data/backup/backup_$(date +%Y%m%d).sql\n"
             "timeout: 2h\n"
             "retries: 2\n"_s);
}

void tst_JobTemplate::renderSeedOverrides()
{
    const Result<Job> job = renderTemplate(seed(), {{u"database_host"_s, u"db2.internal"_s},
                                                    {u"backup_path"_s, u"/mnt/b"_s},
                                                    {u"retention_days"_s, u"30"_s}});
    QVERIFY(job);
    QCOMPARE(job->command,
             u"mysqldump -h db2.internal -u backup_user \\\n"
             "--single-transaction --routines --triggers \\\n"
             "--all-databases > /mnt/b/backup_$(date +%Y%m%d).sql\n"_s);
}

// A small template: parameters a (string), n (integer, default 5), p (path, optional).
static QByteArray smallTemplate(const QByteArray &definition)
{
    return "template_name: small\n"
           "parameters:\n"
           "  - name: a\n"
           "    type: string\n"
           "  - name: n\n"
           "    type: integer\n"
           "    default: 5\n"
           "  - name: p\n"
           "    type: path\n"
           "task_definition:\n"
           + definition;
}

void tst_JobTemplate::substitution_data()
{
    QTest::addColumn<QByteArray>("definition");  // the task_definition keys, indented by 2
    QTest::addColumn<Values>("values");
    QTest::addColumn<Job>("expected");

    Job base;
    base.name = u"small"_s;
    Job e;

    e = base;
    e.command = u"echo x $(date +%Y%m%d) $HOME $((1+1)) ${HOME:-/} \\ $$"_s;
    QTest::newRow("shell-syntax-untouched")
            << "  command: echo ${a} $(date +%Y%m%d) $HOME $((1+1)) ${HOME:-/} \\ $$\n"_ba
            << Values{{u"a"_s, u"x"_s}} << e;
    e = base;
    e.command = u"echo ${a} ${undeclared} $x"_s;
    QTest::newRow("escape") << "  command: echo $${a} $${undeclared} $x\n"_ba
                            << Values{{u"a"_s, u"x"_s}} << e;
    e = base;
    e.command = u"keep 5 days"_s;
    QTest::newRow("default-filled") << "  command: keep ${n} days\n"_ba << Values{} << e;
    e = base;
    e.command = u"ls ''"_s;
    QTest::newRow("optional-without-default-is-empty")
            << "  command: ls '${p}'\n"_ba << Values{} << e;
    e = base;
    e.timeoutSecs = 5;
    e.retry.count = 3;
    QTest::newRow("numbers-after-substitution")
            << "  timeout: ${n}\n  retries: ${a}\n"_ba << Values{{u"a"_s, u"3"_s}} << e;
    e = base;
    e.timeoutSecs = 5400;
    QTest::newRow("duration-after-substitution")
            << "  timeout: ${a}\n"_ba << Values{{u"a"_s, u"1h30m"_s}} << e;
    e = base;
    e.name = u"backup_db1"_s;
    e.description = u"Backup of db1"_s;
    e.schedule = u"0 3 * * *"_s;
    e.environment = {{u"HOST_db1"_s, u"db1"_s}};
    e.labels = {{u"host"_s, u"db1"_s}};
    e.dependencies = {Dependency{u"prepare_db1"_s, DependencyStatus::Success, {}}};
    e.resources = {ResourceLock{u"database_lock"_s, u"db1"_s, {}}};
    e.workingDirectory = u"/srv/3"_s;
    e.priority = Priority::P1;
    QTest::newRow("every-string") << "  name: backup_${a}\n"
                                     "  description: Backup of ${a}\n"
                                     "  schedule: \"0 ${n} * * *\"\n"
                                     "  working_directory: ${p}/${n}\n"
                                     "  env:\n"
                                     "    HOST_${a}: ${a}\n"
                                     "  labels:\n"
                                     "    host: ${a}\n"
                                     "  dependencies:\n"
                                     "    - task: prepare_${a}\n"
                                     "  resources:\n"
                                     "    - database_lock: ${a}\n"
                                     "  priority: P${n}\n"_ba
                                  << Values{{u"a"_s, u"db1"_s},
                                            {u"n"_s, u"3"_s},
                                            {u"p"_s, u"/srv"_s}}
                                  << [&] {
                                         Job j = e;
                                         j.priority = Priority::P3;
                                         return j;
                                     }();
}

void tst_JobTemplate::substitution()
{
    QFETCH(QByteArray, definition);
    QFETCH(Values, values);
    QFETCH(Job, expected);
    const Result<JobTemplate> t = parseTemplate(smallTemplate(definition), u"small.yaml"_s);
    QVERIFY2(t, qPrintable(t ? QString() : t.error().toString()));
    const Result<Job> job = renderTemplate(*t, values);
    QVERIFY2(job, qPrintable(job ? QString() : job.error().toString()));
    QCOMPARE(*job, expected);
}

void tst_JobTemplate::loadErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");

    // Line 11 is the first line of task_definition's keys.
    QTest::newRow("unknown-placeholder-plain")
            << smallTemplate("  command: echo ${a} ${b}\n") << ErrorCode::UnknownParameter << 11
            << 22 << u"${b}"_s;
    QTest::newRow("unknown-placeholder-quoted")
            << smallTemplate("  command: \"echo ${nn}\"\n") << ErrorCode::UnknownParameter << 11
            << 18 << u"${nn}"_s;
    QTest::newRow("unknown-placeholder-block")
            << smallTemplate("  command: |\n    echo ${a}\n    tar ${a} ${b}\n")
            << ErrorCode::UnknownParameter << 13 << 14 << u"${b}"_s;
    QTest::newRow("unknown-placeholder-repeated")
            << smallTemplate("  command: |\n    echo ${b}x\n    tar ${b}\n")
            << ErrorCode::UnknownParameter << 12 << 10 << u"${b}"_s;
    QTest::newRow("unknown-placeholder-in-key")
            << smallTemplate("  env:\n    X_${zz}: 1\n") << ErrorCode::UnknownParameter << 12 << 7
            << u"${zz}"_s;
    QTest::newRow("default-wrong-type") << "template_name: t\nparameters:\n  - name: days\n    "
                                           "type: integer\n    default: seven\n"
                                           "task_definition:\n  command: x\n"_ba
                                        << ErrorCode::WrongType << 5 << 14 << u"days"_s;
    QTest::newRow("default-empty-path")
            << "template_name: t\nparameters:\n  - name: dir\n    type: path\n    default: ''\n"
               "task_definition:\n  command: x\n"_ba
            << ErrorCode::WrongType << 5 << 14 << u"dir"_s;
    QTest::newRow("required-with-default")
            << "template_name: t\nparameters:\n  - name: h\n    required: true\n    default: x\n"
               "task_definition:\n  command: x\n"_ba
            << ErrorCode::InvalidValue << 5 << 5 << u"'h'"_s;
    QTest::newRow("bad-parameter-type")
            << "template_name: t\nparameters:\n  - name: h\n    type: number\n"
               "task_definition:\n  command: x\n"_ba
            << ErrorCode::InvalidValue << 4 << 11 << u"integer"_s;
    QTest::newRow("parameter-key-typo")
            << "template_name: t\nparameters:\n  - name: h\n    requird: true\n"
               "task_definition:\n  command: x\n"_ba
            << ErrorCode::UnknownKey << 4 << 5 << u"required"_s;
    QTest::newRow("bad-parameter-name") << "template_name: t\nparameters:\n  - name: db-host\n"
                                           "task_definition:\n  command: x\n"_ba
                                        << ErrorCode::InvalidValue << 3 << 11 << QString();
    QTest::newRow("duplicate-parameter")
            << "template_name: t\nparameters:\n  - name: h\n  - name: h\n"
               "task_definition:\n  command: x\n"_ba
            << ErrorCode::DuplicateName << 4 << 11 << u"'h'"_s;
    QTest::newRow("parameter-without-name") << "template_name: t\nparameters:\n  - type: string\n"
                                               "task_definition:\n  command: x\n"_ba
                                            << ErrorCode::MissingField << 3 << 5 << QString();
    QTest::newRow("parameters-scalar")
            << "template_name: t\nparameters: h\ntask_definition:\n  command: x\n"_ba
            << ErrorCode::WrongType << 2 << 13 << QString();
    QTest::newRow("missing-template-name") << "task_definition:\n  command: x\n"_ba
                                           << ErrorCode::MissingField << 1 << 1 << QString();
    QTest::newRow("missing-task-definition")
            << "template_name: t\n"_ba << ErrorCode::MissingField << 1 << 1 << u"task_definition"_s;
    QTest::newRow("task-definition-scalar") << "template_name: t\ntask_definition: run\n"_ba
                                            << ErrorCode::WrongType << 2 << 18 << QString();
    QTest::newRow("job-key-typo") << smallTemplate("  retires: 2\n") << ErrorCode::UnknownKey << 11
                                  << 3 << u"retries"_s;
    QTest::newRow("job-value-without-placeholder")
            << smallTemplate("  timeout: soon\n") << ErrorCode::WrongType << 11 << 12 << QString();
    QTest::newRow("job-cron-without-placeholder") << smallTemplate("  schedule: \"0 2 * * x\"\n")
                                                  << ErrorCode::BadCron << 11 << 22 << QString();
    // The placeholder check walked this 2^64 times (it stopped only at depth 64).
    QTest::newRow("recursive-alias-in-definition")
            << smallTemplate("  command: echo\n  env: &e {b: *e, c: *e}\n")
            << ErrorCode::InvalidValue << 12 << 8 << u"alias"_s;
    QTest::newRow("top-level-typo") << "template_nme: t\ntask_definition:\n  command: x\n"_ba
                                    << ErrorCode::UnknownKey << 1 << 1 << u"template_name"_s;
}

void tst_JobTemplate::loadErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);
    const Result<JobTemplate> t = parseTemplate(yaml, u"t.yaml"_s);
    QVERIFY2(!t, "expected an error");
    QCOMPARE(t.error().code, code);
    QCOMPARE(t.error().file, u"t.yaml"_s);
    QCOMPARE(t.error().line, line);
    QCOMPARE(t.error().column, column);
    if (!mentions.isEmpty())
        QVERIFY2(t.error().message.contains(mentions), qPrintable(t.error().toString()));
}

void tst_JobTemplate::renderErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");  // empty = the seed template
    QTest::addColumn<Values>("values");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("missing-required") << QByteArray() << Values{} << ErrorCode::MissingParameter
                                      << 4 << 11 << u"database_host"_s;
    QTest::newRow("integer-not-a-number")
            << QByteArray() << Values{{u"database_host"_s, u"h"_s}, {u"retention_days"_s, u"abc"_s}}
            << ErrorCode::WrongType << 10 << 11 << u"retention_days"_s;
    QTest::newRow("empty-path") << QByteArray()
                                << Values{{u"database_host"_s, u"h"_s},
                                          {u"backup_path"_s, QString()}}
                                << ErrorCode::WrongType << 7 << 11 << u"backup_path"_s;
    QTest::newRow("undeclared-parameter")
            << QByteArray() << Values{{u"database_host"_s, u"h"_s}, {u"colour"_s, u"blue"_s}}
            << ErrorCode::UnknownParameter << 0 << 0 << u"colour"_s;
    QTest::newRow("undeclared-parameter-typo")
            << QByteArray() << Values{{u"database_hots"_s, u"h"_s}} << ErrorCode::UnknownParameter
            << 0 << 0 << u"database_host"_s;
    QTest::newRow("bad-duration-after-substitution")
            << smallTemplate("  timeout: ${a}\n") << Values{{u"a"_s, u"10y"_s}}
            << ErrorCode::InvalidValue << 11 << 12 << u"timeout"_s;
    QTest::newRow("not-a-number-after-substitution")
            << smallTemplate("  retries: ${a}\n") << Values{{u"a"_s, u"many"_s}}
            << ErrorCode::WrongType << 11 << 12 << u"retries"_s;
    QTest::newRow("bad-cron-after-substitution")
            << smallTemplate("  schedule: \"0 ${n} * * *\"\n") << Values{{u"n"_s, u"25"_s}}
            << ErrorCode::BadCron << 11 << 13 << QString();
    QTest::newRow("bad-word-after-substitution")
            << smallTemplate("  priority: ${a}\n") << Values{{u"a"_s, u"urgent"_s}}
            << ErrorCode::InvalidValue << 11 << 13 << u"P0"_s;
}

void tst_JobTemplate::renderErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(Values, values);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);
    JobTemplate t;
    if (yaml.isEmpty()) {
        t = seed();
    } else {
        const Result<JobTemplate> parsed = parseTemplate(yaml, u"t.yaml"_s);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().toString()));
        t = *parsed;
    }
    const Result<Job> job = renderTemplate(t, values);
    QVERIFY2(!job, "expected an error");
    QCOMPARE(job.error().code, code);
    QCOMPARE(job.error().file, t.fileName);
    QCOMPARE(job.error().line, line);
    QCOMPARE(job.error().column, column);
    if (!mentions.isEmpty())
        QVERIFY2(job.error().message.contains(mentions), qPrintable(job.error().toString()));
}

void tst_JobTemplate::loadMissingFile()
{
    const Result<JobTemplate> t = loadTemplate(u"/nonexistent/t.yaml"_s);
    QVERIFY(!t);
    QCOMPARE(t.error().code, ErrorCode::Io);
}

QTEST_APPLESS_MAIN(tst_JobTemplate)
#include "tst_jobtemplate.moc"

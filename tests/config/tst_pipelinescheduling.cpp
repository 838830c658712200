#include "configtestutils.h"

#include <config/pipelinefile.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Config;
using namespace Qt::Literals::StringLiterals;

// The scheduling fields of pipeline files (issue 5): conditions, time dependencies,
// parameters, lock capacities.
class tst_PipelineScheduling : public QObject
{
    Q_OBJECT

private slots:
    void readsEveryField();
    void seedStillLoads();
    void roundTrip();
    void errors_data();
    void errors();
    void parameters();
};

void tst_PipelineScheduling::readsEveryField()
{
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"scheduling_pipeline.yaml"_s));
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
    QCOMPARE(p->parameters,
             (QMap<QString, QString>{{u"region"_s, u"cn"_s}, {u"day"_s, u"today"_s}}));
    QCOMPARE(p->lockCapacities,
             (QMap<QString, int>{{u"database_lock:primary_db"_s, 2}, {u"ftp_lock:upload"_s, 1}}));
    QCOMPARE(p->jobs.size(), 4);
    const Job &extract = p->jobs.at(0);
    QCOMPARE(extract.notBeforeMinute, std::optional<int>(90));
    QVERIFY(!extract.window);
    const Job &transform = p->jobs.at(1);
    QCOMPARE(transform.condition,
             u"${upstream.data_extract.exit_code} == 0 && ${param.region} == \"cn\""_s);
    QCOMPARE(transform.window, std::optional<DailyWindow>(DailyWindow{60, 300}));
    QCOMPARE(transform.windowClosed, WindowClosedPolicy::Skip);
    const Job &load = p->jobs.at(2);
    QCOMPARE(load.window, std::optional<DailyWindow>(DailyWindow{22 * 60, 2 * 60}));
    QCOMPARE(load.windowClosed, WindowClosedPolicy::Wait);
    QCOMPARE(load.resources.first().key(), u"database_lock:primary_db"_s);
    QCOMPARE(load.check, u"test -f /data/ready/${day}"_s);
    QCOMPARE(load.checkTimeoutSecs, 30);
    QCOMPARE(transform.check, QString());
    QCOMPARE(transform.checkTimeoutSecs, 0);
    QCOMPARE(p->jobs.at(3).strategy, DispatchStrategy::Broadcast);
}

void tst_PipelineScheduling::seedStillLoads()
{
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"pipeline.yaml"_s));
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
    QVERIFY(p->parameters.isEmpty());
    QVERIFY(p->lockCapacities.isEmpty());
    for (const Job &j : p->jobs) {
        QVERIFY(j.condition.isEmpty());
        QVERIFY(j.check.isEmpty());
        QVERIFY(!j.window);
        QVERIFY(!j.notBeforeMinute);
    }
}

void tst_PipelineScheduling::roundTrip()
{
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"scheduling_pipeline.yaml"_s));
    QVERIFY(p);
    const QByteArray written = writePipeline(*p);
    const Result<Pipeline> again = parsePipeline(written, u"rt.yaml"_s);
    QVERIFY2(again,
             qPrintable(again ? QString()
                              : again.error().toString() + u'\n' + QString::fromUtf8(written)));
    QCOMPARE(*again, *p);
    QCOMPARE(writePipeline(*again), written);
    QVERIFY(written.contains("window: \"22:00-02:00\""));
    QVERIFY(written.contains("locks:\n  database_lock:\n    primary_db: 2\n"));
    QVERIFY(written.contains("    check: test -f /data/ready/${day}\n    check_timeout: 30s\n"));
}

void tst_PipelineScheduling::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    const QByteArray head = "pipeline:\n  - name: a\n  - name: b\n    dependencies: [a]\n";
    // Keys of job b go on line 5, column 5.
    QTest::newRow("condition-syntax") << head + "    condition: ${upstream.a.exit_code} = 0\n"
                                      << ErrorCode::Syntax << 5 << 40;
    QTest::newRow("condition-quoted-syntax") << head + "    condition: \"1 == 1 &&\"\n"
                                             << ErrorCode::Syntax << 5 << 26;
    QTest::newRow("condition-not-upstream")
            << head + "    condition: ${upstream.c.exit_code} == 0\n"
            << ErrorCode::UnknownDependency << 3 << 11;
    QTest::newRow("condition-unknown-param") << head + "    condition: ${param.zone} == 'sh'\n"
                                             << ErrorCode::UnknownParameter << 3 << 11;
    QTest::newRow("not-before-hour") << head + "    not_before: \"25:00\"\n"
                                     << ErrorCode::InvalidValue << 5 << 18;
    QTest::newRow("not-before-minute") << head + "    not_before: 8:75\n"
                                       << ErrorCode::InvalidValue << 5 << 19;
    QTest::newRow("window-separator") << head + "    window: 01:00 05:00\n"
                                      << ErrorCode::InvalidValue << 5 << 19;
    QTest::newRow("window-empty") << head + "    window: 03:00-03:00\n"
                                  << ErrorCode::InvalidValue << 5 << 19;
    QTest::newRow("window-closed-word") << head + "    window_closed: later\n"
                                        << ErrorCode::InvalidValue << 5 << 20;
    QTest::newRow("check-empty") << head + "    check: \"  \"\n"
                                 << ErrorCode::InvalidValue << 5 << 12;
    QTest::newRow("check-null") << head + "    check:\n" << ErrorCode::WrongType << 5 << 5;
    QTest::newRow("check-list") << head + "    check: [test, -f, x]\n"
                                << ErrorCode::WrongType << 5 << 12;
    QTest::newRow("check-timeout-zero") << head + "    check: 'true'\n    check_timeout: 0\n"
                                        << ErrorCode::InvalidValue << 6 << 20;
    QTest::newRow("check-timeout-word") << head + "    check: 'true'\n    check_timeout: soon\n"
                                        << ErrorCode::WrongType << 6 << 20;
    QTest::newRow("check-timeout-alone") << head + "    check_timeout: 10s\n"
                                         << ErrorCode::InvalidValue << 5 << 5;
    QTest::newRow("check-typo") << head + "    chek: 'true'\n" << ErrorCode::UnknownKey << 5 << 5;
    QTest::newRow("condition-typo") << head + "    conditon: true\n"
                                    << ErrorCode::UnknownKey << 5 << 5;
    QTest::newRow("parameter-name")
            << "parameters:\n  9lives: x\npipeline: []\n"_ba << ErrorCode::InvalidValue << 2 << 3;
    QTest::newRow("parameters-list")
            << "parameters: [a]\npipeline: []\n"_ba << ErrorCode::WrongType << 1 << 13;
    QTest::newRow("lock-capacity-zero") << "locks:\n  database_lock:\n    primary_db: 0\n"
                                           "pipeline: []\n"_ba
                                        << ErrorCode::InvalidValue << 3 << 17;
    QTest::newRow("lock-capacity-flat")
            << "locks:\n  primary_db: 2\npipeline: []\n"_ba << ErrorCode::WrongType << 2 << 15;
}

void tst_PipelineScheduling::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);
    const Result<Pipeline> p = parsePipeline(yaml, u"t.yaml"_s);
    QVERIFY2(!p, "expected an error");
    QCOMPARE(p.error().code, code);
    QCOMPARE(p.error().file, u"t.yaml"_s);
    QCOMPARE(p.error().line, line);
    QCOMPARE(p.error().column, column);
}

void tst_PipelineScheduling::parameters()
{
    const Result<Pipeline> p = loadPipeline(ConfigTest::dataPath(u"scheduling_pipeline.yaml"_s));
    QVERIFY(p);
    QMap<QString, QString> values = p->parameters;
    values.insert(u"day"_s, u"2026-03-10"_s);  // given when the run is started
    const Job extract = applyParameters(p->jobs.at(0), values);
    QCOMPARE(extract.command, u"/opt/etl/extract --region cn --day 2026-03-10 --home ${HOME}"_s);
    QCOMPARE(substituteParameters(u"$${region} ${region}$region"_s, values),
             u"${region} cn$region"_s);
    Job j;
    j.workingDirectory = u"/data/${region}"_s;
    j.environment = {{u"REGION"_s, u"${region}"_s}};
    j = applyParameters(j, values);
    QCOMPARE(j.workingDirectory, u"/data/cn"_s);
    QCOMPARE(j.environment.value(u"REGION"_s), u"cn"_s);
    const Job load = applyParameters(p->jobs.at(2), values);
    QCOMPARE(load.check, u"test -f /data/ready/2026-03-10"_s);
}

QTEST_APPLESS_MAIN(tst_PipelineScheduling)
#include "tst_pipelinescheduling.moc"

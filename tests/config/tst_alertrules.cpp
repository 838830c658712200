#include "configtestutils.h"

#include <config/alertrules.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Config;
using namespace Qt::Literals::StringLiterals;

class tst_AlertRules : public QObject
{
    Q_OBJECT

private slots:
    void seedRules();
    void optionalKeys();
    void errors_data();
    void errors();
    void loadMissingFile();
};

void tst_AlertRules::seedRules()
{
    const Result<QList<AlertRule>> rules
            = loadAlertRules(ConfigTest::dataPath(u"alert_rules.yaml"_s));
    QVERIFY2(rules, qPrintable(rules ? QString() : rules.error().toString()));
    QCOMPARE(rules->size(), 3);

    const AlertRule &critical = rules->at(0);
    QCOMPARE(critical.name, u"critical_task_failure"_s);
    QCOMPARE(critical.conditionText, u"priority = P0 AND status = failed"_s);
    QCOMPARE(critical.condition.toString(), u"priority = P0 AND status = failed"_s);
    QCOMPARE(critical.condition.kind, Condition::Kind::And);
    QCOMPARE(critical.channels, (QStringList{u"phone"_s, u"email"_s, u"dingtalk"_s}));
    QCOMPARE(critical.severity, u"warning"_s);  // the default
    QCOMPARE(critical.description, QString());
    QVERIFY(critical.enabled);
    QCOMPARE(critical.location, (SourceLocation{2, 11}));

    const AlertRule &rate = rules->at(1);
    QCOMPARE(rate.name, u"high_failure_rate"_s);
    QCOMPARE(rate.condition.toString(), u"failure_rate > 5% in last 1h"_s);
    QCOMPARE(rate.condition.windowSecs, std::optional<qint64>(3600));
    QCOMPARE(rate.channels, (QStringList{u"email"_s, u"dingtalk"_s}));
    QCOMPARE(rate.location, (SourceLocation{6, 11}));

    const AlertRule &queue = rules->at(2);
    QCOMPARE(queue.name, u"queue_overflow"_s);
    QCOMPARE(queue.condition.toString(), u"pending_tasks > 100"_s);
    QCOMPARE(queue.channels, QStringList{u"dingtalk"_s});
    QCOMPARE(queue.location, (SourceLocation{10, 11}));
}

void tst_AlertRules::optionalKeys()
{
    const QByteArray yaml
            = "alert_rules:\n"
              "  - name: skew\n"
              "    condition: clock_skew > 500ms\n"
              "    channels:\n"
              "      - WeCom\n"
              "      - webhook\n"
              "    severity: Critical\n"
              "    description: 时钟偏差过大\n"
              "    enabled: false\n"_ba;
    // 500ms is not a duration Orrery knows (whole seconds): an error first.
    const Result<QList<AlertRule>> bad = parseAlertRules(yaml, u"a.yaml"_s);
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::InvalidValue);
    QCOMPARE(bad.error().line, 3);

    QByteArray fixed = yaml;
    fixed.replace("500ms", "5s");
    const Result<QList<AlertRule>> rules = parseAlertRules(fixed, u"a.yaml"_s);
    QVERIFY2(rules, qPrintable(rules ? QString() : rules.error().toString()));
    const AlertRule &r = rules->at(0);
    QCOMPARE(r.channels, (QStringList{u"wecom"_s, u"webhook"_s}));
    QCOMPARE(r.severity, u"critical"_s);
    QCOMPARE(r.description, u"时钟偏差过大"_s);
    QVERIFY(!r.enabled);
    QCOMPARE(r.condition.toString(), u"clock_skew > 5s"_s);
}

void tst_AlertRules::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");

    const QByteArray rule = "alert_rules:\n  - name: r\n";
    QTest::newRow("condition-value")
            << rule + "    condition: priority = P9\n    channels: [email]\n"
            << ErrorCode::InvalidValue << 3 << 27 << u"P0"_s;
    QTest::newRow("condition-field-quoted")
            << rule + "    condition: \"priorty = P0\"\n    channels: [email]\n"
            << ErrorCode::UnknownKey << 3 << 17 << u"priority"_s;
    QTest::newRow("condition-syntax") << rule + "    condition: status = failed AND\n"
                                                "    channels: [email]\n"
                                      << ErrorCode::Syntax << 3 << 35 << QString();
    QTest::newRow("condition-window") << rule + "    condition: pending_tasks > 1 in last 1h\n"
                                                "    channels: [email]\n"
                                      << ErrorCode::InvalidValue << 3 << 34 << QString();
    QTest::newRow("condition-list") << rule + "    condition: [a]\n    channels: [email]\n"
                                    << ErrorCode::WrongType << 3 << 16 << QString();
    QTest::newRow("unknown-channel") << rule + "    condition: pending_tasks > 1\n"
                                               "    channels: [email, fax]\n"
                                     << ErrorCode::InvalidValue << 4 << 23 << u"dingtalk"_s;
    QTest::newRow("channel-typo") << rule + "    condition: pending_tasks > 1\n"
                                            "    channels: [dingtalkk]\n"
                                  << ErrorCode::InvalidValue << 4 << 16 << u"'dingtalk'?"_s;
    QTest::newRow("channels-scalar") << rule + "    condition: pending_tasks > 1\n"
                                               "    channels: email\n"
                                     << ErrorCode::WrongType << 4 << 15 << QString();
    QTest::newRow("channels-empty") << rule + "    condition: pending_tasks > 1\n"
                                              "    channels: []\n"
                                    << ErrorCode::InvalidValue << 4 << 15 << QString();
    QTest::newRow("channel-twice") << rule + "    condition: pending_tasks > 1\n"
                                             "    channels: [sms, sms]\n"
                                   << ErrorCode::DuplicateName << 4 << 21 << QString();
    QTest::newRow("bad-severity") << rule + "    condition: pending_tasks > 1\n"
                                            "    channels: [sms]\n    severity: urgent\n"
                                  << ErrorCode::InvalidValue << 5 << 15 << u"critical"_s;
    QTest::newRow("bad-enabled") << rule + "    condition: pending_tasks > 1\n"
                                           "    channels: [sms]\n    enabled: sometimes\n"
                                 << ErrorCode::WrongType << 5 << 14 << QString();
    QTest::newRow("missing-condition") << rule + "    channels: [sms]\n"
                                       << ErrorCode::MissingField << 2 << 5 << u"condition"_s;
    QTest::newRow("missing-channels") << rule + "    condition: pending_tasks > 1\n"
                                      << ErrorCode::MissingField << 2 << 5 << u"channels"_s;
    QTest::newRow("missing-name") << "alert_rules:\n  - condition: pending_tasks > 1\n"
                                     "    channels: [sms]\n"_ba
                                  << ErrorCode::MissingField << 2 << 5 << u"name"_s;
    QTest::newRow("key-typo") << rule + "    condition: pending_tasks > 1\n    chanels: [sms]\n"
                              << ErrorCode::UnknownKey << 4 << 5 << u"channels"_s;
    QTest::newRow("duplicate-name")
        << rule + "    condition: pending_tasks > 1\n    channels: [sms]\n"
                  "  - name: r\n    condition: pending_tasks > 2\n    channels: [sms]\n"
        << ErrorCode::DuplicateName << 5 << 11 << u"'r'"_s;
    QTest::newRow("rules-map") << "alert_rules: {a: 1}\n"_ba << ErrorCode::WrongType << 1 << 14
                               << QString();
    QTest::newRow("top-level-typo")
            << "alert_rule: []\n"_ba << ErrorCode::UnknownKey << 1 << 1 << u"alert_rules"_s;
    QTest::newRow("rule-scalar") << "alert_rules:\n  - r\n"_ba << ErrorCode::WrongType << 2 << 5
                                 << QString();
}

void tst_AlertRules::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);
    const Result<QList<AlertRule>> rules = parseAlertRules(yaml, u"a.yaml"_s);
    QVERIFY2(!rules, "expected an error");
    QCOMPARE(rules.error().code, code);
    QCOMPARE(rules.error().file, u"a.yaml"_s);
    QCOMPARE(rules.error().line, line);
    QCOMPARE(rules.error().column, column);
    if (!mentions.isEmpty())
        QVERIFY2(rules.error().message.contains(mentions), qPrintable(rules.error().toString()));
}

void tst_AlertRules::loadMissingFile()
{
    const Result<QList<AlertRule>> rules = loadAlertRules(u"/nonexistent/a.yaml"_s);
    QVERIFY(!rules);
    QCOMPARE(rules.error().code, ErrorCode::Io);
}

QTEST_APPLESS_MAIN(tst_AlertRules)
#include "tst_alertrules.moc"

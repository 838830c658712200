// Runs the real orreryctl binary and checks what a user or a script sees: stdout, stderr and
// the exit code.

#include <QJsonArray>
#include <QJsonDocument>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

static Outcome orreryctl(const QStringList &args, const QByteArray &lang = "C.UTF-8")
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"LANG"_s, QString::fromLatin1(lang));
    env.insert(u"LC_ALL"_s, QString::fromLatin1(lang));
    env.insert(u"TZ"_s, u"UTC"_s);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ORRERYCTL_PATH), args);
    if (!p.waitForFinished(30000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

static QString example(const QString &name)
{
    return QStringLiteral(ORRERY_SOURCE_DIR) + u"/examples/"_s + name;
}

static QString data(const QString &name)
{
    return QStringLiteral(ORRERY_TEST_DATA_DIR) + u'/' + name;
}

class tst_Orreryctl : public QObject
{
    Q_OBJECT

private slots:
    void cronNext_data();
    void cronNext();
    void cronNextDefaultsToFiveTimes();
    void cronNextJson();
    void cronNextBadExpression();
    void cronNextBadOptions_data();
    void cronNextBadOptions();
    void cronExplain_data();
    void cronExplain();
    void validateExamples();
    void validateReportsEveryError();
    void validateCycle();
    void validateMissingFile();
    void renderSeedTemplate();
    void renderErrors_data();
    void renderErrors();
    void preview();
    void helpAndVersion_data();
    void helpAndVersion();
    void unknownCommand();
    void pkiInit();
    void pkiInitHelp();
    void pkiIssueAgent();
};

void tst_Orreryctl::cronNext_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");

    QTest::newRow("daily-utc") << QStringList{u"0 2 * * *"_s, u"--tz"_s, u"UTC"_s, u"--from"_s,
                                              u"2026-01-30T02:00:00Z"_s, u"--count"_s, u"2"_s}
                               << u"2026-01-31T02:00:00+00:00\n2026-02-01T02:00:00+00:00\n"_s;
    QTest::newRow("dst-gap-new-york")
        << QStringList{u"30 2 * * *"_s, u"--tz"_s, u"America/New_York"_s, u"--from"_s,
                       u"2026-03-07T02:30:00-05:00"_s, u"--count"_s, u"3"_s}
        << u"2026-03-08T03:00:00-04:00\n2026-03-09T02:30:00-04:00\n2026-03-10T02:30:00-04:00\n"_s;
    QTest::newRow("from-without-offset-is-wall-time-in-zone")
        << QStringList{u"0 9 * * MON-FRI"_s, u"--tz"_s, u"Asia/Shanghai"_s, u"--from"_s,
                       u"2026-11-27T09:00:00"_s, u"--count"_s, u"1"_s}
        << u"2026-11-30T09:00:00+08:00\n"_s;
    QTest::newRow("from-is-exclusive")
        << QStringList{u"*/15 * * * *"_s, u"--tz"_s, u"UTC"_s, u"--from"_s,
                       u"2026-05-01T10:15:00Z"_s, u"--count"_s, u"1"_s}
        << u"2026-05-01T10:30:00+00:00\n"_s;
    QTest::newRow("never-again-prints-what-there-is")
        << QStringList{u"0 0 29 2 *"_s, u"--tz"_s, u"UTC"_s, u"--from"_s, u"2027-01-01T00:00:00Z"_s,
                       u"--count"_s, u"2"_s}
        << u"2028-02-29T00:00:00+00:00\n2032-02-29T00:00:00+00:00\n"_s;
}

void tst_Orreryctl::cronNext()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const Outcome o = orreryctl(QStringList{u"cron"_s, u"next"_s} + args);
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.out, expected);
}

void tst_Orreryctl::cronNextDefaultsToFiveTimes()
{
    const Outcome o = orreryctl({u"cron"_s, u"next"_s, u"@hourly"_s});
    QCOMPARE(o.exitCode, 0);
    const QStringList lines = o.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    const QDateTime first = QDateTime::fromString(lines.first(), Qt::ISODate);
    QVERIFY(first > QDateTime::currentDateTimeUtc());
    QVERIFY(first <= QDateTime::currentDateTimeUtc().addSecs(3600));
    QCOMPARE(first.time().minute(), 0);
}

void tst_Orreryctl::cronNextJson()
{
    const Outcome o = orreryctl({u"cron"_s, u"next"_s, u"0 0 1 * *"_s, u"--tz"_s, u"Europe/Berlin"_s,
                                 u"--from"_s, u"2026-01-15T00:00:00+01:00"_s, u"--count"_s, u"3"_s,
                                 u"--json"_s});
    QCOMPARE(o.exitCode, 0);
    const QJsonArray array = QJsonDocument::fromJson(o.out.toUtf8()).array();
    QCOMPARE(array.size(), 3);
    QCOMPARE(array.at(0).toString(), u"2026-02-01T00:00:00+01:00"_s);
    QCOMPARE(array.at(1).toString(), u"2026-03-01T00:00:00+01:00"_s);
    QCOMPARE(array.at(2).toString(), u"2026-04-01T00:00:00+02:00"_s);
}

void tst_Orreryctl::cronNextBadExpression()
{
    const Outcome o = orreryctl({u"cron"_s, u"next"_s, u"0 2 * * x"_s});
    QCOMPARE(o.exitCode, 1);
    QCOMPARE(o.out, QString());
    QVERIFY2(o.err.contains(u"day-of-week"_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(u"(column 9)"_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(u"\n  0 2 * * x\n          ^\n"_s), qPrintable(o.err));

    const Outcome never = orreryctl({u"cron"_s, u"next"_s, u"0 0 30 2 *"_s});
    QCOMPARE(never.exitCode, 1);
    QCOMPARE(never.out, QString());
    QVERIFY2(never.err.contains(u"never fires"_s), qPrintable(never.err));
    QVERIFY2(never.err.contains(u"(column 5)"_s), qPrintable(never.err));
}

void tst_Orreryctl::cronNextBadOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("bad-zone") << QStringList{u"@daily"_s, u"--tz"_s, u"Mars/Olympus"_s}
                              << u"Mars/Olympus"_s;
    QTest::newRow("bad-from") << QStringList{u"@daily"_s, u"--from"_s, u"yesterday"_s}
                              << u"yesterday"_s;
    QTest::newRow("bad-count") << QStringList{u"@daily"_s, u"--count"_s, u"0"_s} << u"--count"_s;
    QTest::newRow("no-expression") << QStringList{} << u"expression"_s;
    QTest::newRow("unknown-option") << QStringList{u"@daily"_s, u"--bogus"_s} << u"bogus"_s;
}

void tst_Orreryctl::cronNextBadOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const Outcome o = orreryctl(QStringList{u"cron"_s, u"next"_s} + args);
    QVERIFY(o.exitCode != 0);
    QCOMPARE(o.out, QString());
    QVERIFY2(o.err.contains(mentions), qPrintable(o.err));
}

void tst_Orreryctl::cronExplain_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("locale");
    QTest::addColumn<QString>("expected");
    QTest::newRow("chinese") << QStringList{u"0 2 * * *"_s, u"--lang"_s, u"zh_CN"_s}
                             << QByteArray("C.UTF-8") << u"每天 02:00\n"_s;
    QTest::newRow("english") << QStringList{u"0 2 * * *"_s, u"--lang"_s, u"en"_s}
                             << QByteArray("C.UTF-8") << u"At 02:00 every day\n"_s;
    QTest::newRow("locale-chinese") << QStringList{u"0 2 * * *"_s} << QByteArray("zh_CN.UTF-8")
                                    << u"每天 02:00\n"_s;
}

void tst_Orreryctl::cronExplain()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, locale);
    QFETCH(QString, expected);
    const Outcome o = orreryctl(QStringList{u"cron"_s, u"explain"_s} + args, locale);
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.out, expected);
}

void tst_Orreryctl::validateExamples()
{
    const QStringList files{example(u"data_pipeline.yaml"_s), example(u"database_backup.yaml"_s),
                            example(u"alert_rules.yaml"_s)};
    const Outcome o = orreryctl(QStringList{u"validate"_s} + files);
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.out, files.at(0) + u": ok (pipeline)\n"_s + files.at(1) + u": ok (template)\n"_s
                        + files.at(2) + u": ok (alert_rules)\n"_s);
}

void tst_Orreryctl::validateReportsEveryError()
{
    const QString file = data(u"broken_pipeline.yaml"_s);
    const Outcome o = orreryctl({u"validate"_s, example(u"data_pipeline.yaml"_s), file});
    QCOMPARE(o.exitCode, 1);
    QCOMPARE(o.out, example(u"data_pipeline.yaml"_s) + u": ok (pipeline)\n"_s);
    const QStringList lines = o.err.split(u'\n', Qt::SkipEmptyParts);
    // cron error at the 'x' inside the quoted string, the misspelt key, the unknown dependency
    QVERIFY2(lines.size() >= 4, qPrintable(o.err));
    QVERIFY2(lines.at(0).startsWith(file + u":3:24: error: "_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(file + u":4:5: error: "_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(u"retries"_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(file + u":7:15: error: "_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(u"extract"_s), qPrintable(o.err));
    QCOMPARE(lines.last(), u"1 of 2 files invalid"_s);
}

void tst_Orreryctl::validateCycle()
{
    const QString file = data(u"cyclic_pipeline.yaml"_s);
    const Outcome o = orreryctl({u"validate"_s, file});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(u"a -> b -> a"_s) || o.err.contains(u"b -> a -> b"_s), qPrintable(o.err));
    QVERIFY2(o.err.startsWith(file + u':'), qPrintable(o.err));
}

void tst_Orreryctl::validateMissingFile()
{
    const Outcome o = orreryctl({u"validate"_s, u"/nonexistent/pipeline.yaml"_s});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.startsWith(u"/nonexistent/pipeline.yaml: error: "_s), qPrintable(o.err));
}

void tst_Orreryctl::renderSeedTemplate()
{
    const Outcome o = orreryctl({u"render"_s, example(u"database_backup.yaml"_s), u"--set"_s,
                                 u"database_host=db1.internal"_s});
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    QVERIFY2(o.out.contains(u"mysqldump -h db1.internal -u backup_user"_s), qPrintable(o.out));
    QVERIFY2(o.out.contains(u"--all-databases > /data/backup/backup_$(date +%Y%m%d).sql"_s),
             qPrintable(o.out));
    QVERIFY2(o.out.contains(u"schedule: \"0 2 * * *\""_s), qPrintable(o.out));
    QVERIFY2(o.out.contains(u"timeout: 7200"_s) || o.out.contains(u"timeout: 2h"_s), qPrintable(o.out));
    QVERIFY2(o.out.contains(u"retries: 2"_s), qPrintable(o.out));
    QVERIFY(!o.out.contains(u"${"_s));
}

void tst_Orreryctl::renderErrors_data()
{
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("missing-required") << QStringList{} << u"database_host"_s;
    QTest::newRow("wrong-type") << QStringList{u"--set"_s, u"database_host=h"_s, u"--set"_s,
                                               u"retention_days=abc"_s}
                                << u"retention_days"_s;
    QTest::newRow("undeclared") << QStringList{u"--set"_s, u"database_host=h"_s, u"--set"_s,
                                               u"colour=blue"_s}
                                << u"colour"_s;
    QTest::newRow("malformed-set") << QStringList{u"--set"_s, u"database_host"_s} << u"key=value"_s;
}

void tst_Orreryctl::renderErrors()
{
    QFETCH(QStringList, sets);
    QFETCH(QString, mentions);
    const Outcome o = orreryctl(QStringList{u"render"_s, example(u"database_backup.yaml"_s)} + sets);
    QVERIFY(o.exitCode != 0);
    QCOMPARE(o.out, QString());
    QVERIFY2(o.err.contains(mentions), qPrintable(o.err));
}

void tst_Orreryctl::preview()
{
    const Outcome o = orreryctl({u"preview"_s, example(u"data_pipeline.yaml"_s),
                                 example(u"database_backup.yaml"_s), u"--set"_s,
                                 u"database_host=db1"_s, u"--tz"_s, u"Asia/Shanghai"_s, u"--from"_s,
                                 u"2026-11-25T12:00:00+08:00"_s, u"--count"_s, u"2"_s, u"--lang"_s,
                                 u"en"_s});
    QCOMPARE(o.err, QString());
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.out,
             u"data_pipeline/data_extract  \"0 2 * * *\"  At 02:00 every day (Asia/Shanghai)\n"
             "  2026-11-26T02:00:00+08:00\n"
             "  2026-11-27T02:00:00+08:00\n"
             "template database_backup  \"0 2 * * *\"  At 02:00 every day (Asia/Shanghai)\n"
             "  2026-11-26T02:00:00+08:00\n"
             "  2026-11-27T02:00:00+08:00\n"_s);
}

void tst_Orreryctl::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("top") << QStringList{u"--help"_s} << u"validate FILE..."_s;
    QTest::newRow("cron") << QStringList{u"cron"_s, u"--help"_s} << u"explain"_s;
    QTest::newRow("cron-next") << QStringList{u"cron"_s, u"next"_s, u"--help"_s} << u"--count"_s;
    QTest::newRow("cron-explain") << QStringList{u"cron"_s, u"explain"_s, u"--help"_s} << u"--lang"_s;
    QTest::newRow("validate") << QStringList{u"validate"_s, u"--help"_s} << u"file:line:col"_s;
    QTest::newRow("render") << QStringList{u"render"_s, u"--help"_s} << u"--set"_s;
    QTest::newRow("preview") << QStringList{u"preview"_s, u"--help"_s} << u"--count"_s;
    QTest::newRow("version") << QStringList{u"--version"_s} << u"orreryctl " ORRERY_VERSION ""_s;
}

void tst_Orreryctl::helpAndVersion()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const Outcome o = orreryctl(args);
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.err, QString());
    QVERIFY2(o.out.contains(mentions), qPrintable(o.out));
}

void tst_Orreryctl::unknownCommand()
{
    const Outcome o = orreryctl({u"frobnicate"_s});
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.contains(u"frobnicate"_s), qPrintable(o.err));
    const Outcome none = orreryctl({});
    QCOMPARE(none.exitCode, 2);
    QVERIFY(none.err.contains(u"Usage"_s));
}

void tst_Orreryctl::pkiInit()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(u"pki"_s);
    const Outcome o = orreryctl({u"pki"_s, u"init"_s, dir, u"--name"_s, u"master.example.com"_s,
                                 u"--ip"_s, u"10.0.0.5"_s});
    QVERIFY2(o.exitCode == 0, qPrintable(o.err));
    for (const QString &file : {u"ca.crt"_s, u"ca.key"_s, u"master.crt"_s, u"master.key"_s}) {
        QVERIFY2(QFileInfo::exists(dir + u'/' + file), qPrintable(file));
        QVERIFY2(o.out.contains(dir + u'/' + file), qPrintable(o.out));
    }
    QVERIFY2(o.out.contains(QRegularExpression(u"SHA-256.*([0-9A-F]{2}:){31}[0-9A-F]{2}"_s)),
             qPrintable(o.out));

    QFile key(dir + u"/ca.key"_s);
    QVERIFY(key.open(QIODevice::ReadOnly));
    const QByteArray before = key.readAll();
    key.close();
    const Outcome again = orreryctl({u"pki"_s, u"init"_s, dir});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains(u"already exists"_s) && again.err.contains(dir + u"/"_s),
             qPrintable(again.err));
    QVERIFY(key.open(QIODevice::ReadOnly));
    QCOMPARE(key.readAll(), before);

    const Outcome badIp = orreryctl({u"pki"_s, u"init"_s, tmp.filePath(u"other"_s), u"--ip"_s,
                                     u"1.2.3"_s});
    QCOMPARE(badIp.exitCode, 1);
    QVERIFY2(badIp.err.contains(u"1.2.3"_s), qPrintable(badIp.err));
    QVERIFY(!QFileInfo::exists(tmp.filePath(u"other"_s)));
}

void tst_Orreryctl::pkiIssueAgent()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(u"pki"_s);
    QCOMPARE(orreryctl({u"pki"_s, u"init"_s, dir}).exitCode, 0);
    const Outcome o = orreryctl({u"pki"_s, u"issue-agent"_s, dir, u"--name"_s, u"agent-01"_s});
    QVERIFY2(o.exitCode == 0, qPrintable(o.err));
    const QString cert = dir + u"/agents/agent-01.crt"_s;
    QVERIFY2(o.out.contains(cert), qPrintable(o.out));
    QFile file(cert);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(QFileInfo::exists(dir + u"/agents/agent-01.key"_s));

    const Outcome again = orreryctl({u"pki"_s, u"issue-agent"_s, dir, u"--name"_s, u"agent-01"_s});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains(u"already exists"_s), qPrintable(again.err));
    const Outcome noName = orreryctl({u"pki"_s, u"issue-agent"_s, dir});
    QCOMPARE(noName.exitCode, 2);
    const Outcome badName = orreryctl({u"pki"_s, u"issue-agent"_s, dir, u"--name"_s, u"../x"_s});
    QCOMPARE(badName.exitCode, 1);
}

void tst_Orreryctl::pkiInitHelp()
{
    const Outcome help = orreryctl({u"pki"_s, u"init"_s, u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains(u"--name"_s));
    QVERIFY(help.out.contains(u"--ip"_s));
    QVERIFY(help.out.contains(u"--force"_s));
    const Outcome usage = orreryctl({u"--help"_s});
    QVERIFY(usage.out.contains(u"pki init"_s));
    const Outcome noDir = orreryctl({u"pki"_s, u"init"_s});
    QCOMPARE(noDir.exitCode, 2);
    const Outcome unknown = orreryctl({u"pki"_s, u"bogus"_s});
    QCOMPARE(unknown.exitCode, 2);
}

QTEST_GUILESS_MAIN(tst_Orreryctl)
#include "tst_orreryctl.moc"

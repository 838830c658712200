#include <agent/agentconfig.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(Orrery::ErrorCode)

class tst_AgentConfig final : public QObject
{
    Q_OBJECT

private slots:
    void fullFile();
    void relativePathsFollowTheFile();
    void errors_data();
    void errors();
    void flagsOverrideTheFile();
    void flagErrors_data();
    void flagErrors();
    void resolveDefaults();
    void resolveErrors_data();
    void resolveErrors();
    void enrolTokenFile();
    void commandLine();
    void commandLineErrors_data();
    void commandLineErrors();
    void loadFromFileAndFlags();
};

void tst_AgentConfig::fullFile()
{
    const QByteArray text = R"(# agent
[agent]
master_urls = wss://m1.example:7443, wss://m2.example:7443/agents
ca_file = /etc/orrery/ca.crt
client_cert = /etc/orrery/agent.crt
client_key = /etc/orrery/agent.key
node_name = "worker 7"
labels = zone=eu-1, role=db ,  empty=
data_dir = /var/lib/orrery-agent
max_parallel = 6
allow_root = yes
enrol_token = tok-123
heartbeat_interval = 15s
kill_grace = 0
reconnect_min = 2s
reconnect_max = 1m
; comment
log_level = DEBUG
)";
    const Result<AgentConfig> c = parseAgentConfig(text, u"agent.conf"_s, u"/etc/orrery"_s);
    QVERIFY2(c.has_value(), qPrintable(c ? QString() : c.error().toString()));
    QCOMPARE(c->masterUrls, (QList<QUrl>{QUrl(u"wss://m1.example:7443"_s),
                                         QUrl(u"wss://m2.example:7443/agents"_s)}));
    QCOMPARE(c->caFile, u"/etc/orrery/ca.crt"_s);
    QCOMPARE(c->clientCertFile, u"/etc/orrery/agent.crt"_s);
    QCOMPARE(c->clientKeyFile, u"/etc/orrery/agent.key"_s);
    QCOMPARE(c->nodeName, u"worker 7"_s);
    const QMap<QString, QString> labels{
            {u"zone"_s, u"eu-1"_s}, {u"role"_s, u"db"_s}, {u"empty"_s, QString()}};
    QCOMPARE(c->labels, labels);
    QCOMPARE(c->dataDir, u"/var/lib/orrery-agent"_s);
    QCOMPARE(c->spoolDir(), u"/var/lib/orrery-agent/spool"_s);
    QCOMPARE(c->credentialPath(), u"/var/lib/orrery-agent/credential"_s);
    QCOMPARE(c->maxParallel, 6);
    QCOMPARE(c->allowRoot, true);
    QCOMPARE(c->enrolToken, u"tok-123"_s);
    QCOMPARE(c->heartbeatIntervalMs, 15000);
    QCOMPARE(c->killGraceMs, 0);
    QCOMPARE(c->reconnectMinMs, 2000);
    QCOMPARE(c->reconnectMaxMs, 60000);
    QCOMPARE(c->logLevel, u"debug"_s);
}

void tst_AgentConfig::relativePathsFollowTheFile()
{
    const Result<AgentConfig> c = parseAgentConfig("ca_file = tls/ca.crt\r\ndata_dir = ../data\r\n",
                                                   u"/etc/orrery/agent.conf"_s, u"/etc/orrery"_s);
    QVERIFY(c.has_value());
    QCOMPARE(c->caFile, u"/etc/orrery/tls/ca.crt"_s);
    QCOMPARE(c->dataDir, u"/etc/data"_s);
    // Defaults stay for keys the file does not set.
    QCOMPARE(c->killGraceMs, 5000);
    QCOMPARE(c->allowRoot, false);
}

void tst_AgentConfig::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("unknown-key-typo") << QByteArray("[agent]\n  max_paralel = 3\n")
                                      << ErrorCode::UnknownKey << 2 << 3 << u"max_parallel"_s;
    QTest::newRow("unknown-section")
            << QByteArray("[master]\n") << ErrorCode::UnknownKey << 1 << 1 << u"master"_s;
    QTest::newRow("no-equals") << QByteArray("# c\ndata_dir /x\n") << ErrorCode::Syntax << 2 << 1
                               << QString();
    QTest::newRow("unclosed-section")
            << QByteArray("[agent\n") << ErrorCode::Syntax << 1 << 1 << QString();
    QTest::newRow("duplicate") << QByteArray("ca_file=a\nca_file=b\n") << ErrorCode::DuplicateName
                               << 2 << 1 << u"ca_file"_s;
    QTest::newRow("max-parallel-text") << QByteArray("max_parallel = many\n")
                                       << ErrorCode::WrongType << 1 << 16 << u"max_parallel"_s;
    QTest::newRow("max-parallel-zero") << QByteArray("max_parallel = 0\n")
                                       << ErrorCode::InvalidValue << 1 << 16 << u"max_parallel"_s;
    QTest::newRow("allow-root-word") << QByteArray("allow_root = sometimes\n")
                                     << ErrorCode::WrongType << 1 << 14 << u"allow_root"_s;
    QTest::newRow("http-url") << QByteArray("master_urls = https://m:1\n")
                              << ErrorCode::InvalidValue << 1 << 15 << u"master_urls"_s;
    QTest::newRow("empty-urls") << QByteArray("master_urls =\n") << ErrorCode::InvalidValue << 1
                                << 14 << u"master_urls"_s;
    QTest::newRow("label-without-value")
            << QByteArray("labels = zone\n") << ErrorCode::InvalidValue << 1 << 10 << u"labels"_s;
    QTest::newRow("label-twice") << QByteArray("labels = a=1, a=2\n") << ErrorCode::DuplicateName
                                 << 1 << 10 << u"labels"_s;
    // The column points into the value at the character the duration parser stopped at.
    QTest::newRow("bad-duration") << QByteArray("kill_grace = 5x\n") << ErrorCode::InvalidValue << 1
                                  << 15 << u"kill_grace"_s;
    QTest::newRow("zero-heartbeat")
            << QByteArray("heartbeat_interval = 0\n") << ErrorCode::InvalidValue << 1 << 22
            << u"heartbeat_interval"_s;
    QTest::newRow("log-level") << QByteArray("log_level = loud\n") << ErrorCode::InvalidValue << 1
                               << 13 << u"log_level"_s;
}

void tst_AgentConfig::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);

    const Result<AgentConfig> c = parseAgentConfig(text, u"agent.conf"_s, u"/etc"_s);
    QVERIFY(!c.has_value());
    QCOMPARE(c.error().code, code);
    QCOMPARE(c.error().file, u"agent.conf"_s);
    QCOMPARE(c.error().line, line);
    if (c.error().column != column)
        qWarning() << c.error().toString();
    QCOMPARE(c.error().column, column);
    if (!mentions.isEmpty())
        QVERIFY2(c.error().message.contains(mentions), qPrintable(c.error().message));
}

void tst_AgentConfig::flagsOverrideTheFile()
{
    const Result<AgentConfig> file = parseAgentConfig(
            "master_urls = wss://a:1, wss://b:1\nlabels = zone=x\nmax_parallel = 2\n"
            "ca_file = ca.pem\n",
            u"f"_s, u"/etc"_s);
    QVERIFY(file.has_value());
    const Result<AgentConfig> c = applyAgentFlags(*file,
                                                  {{u"master_urls"_s, u"wss://c:1"_s},
                                                   {u"max_parallel"_s, u"8"_s},
                                                   {u"master_urls"_s, u"wss://d:1"_s},
                                                   {u"labels"_s, u"role=web"_s},
                                                   {u"labels"_s, u"tier=1"_s},
                                                   {u"ca_file"_s, u"mine.pem"_s},
                                                   {u"allow_root"_s, u"true"_s}},
                                                  u"/home/op"_s);
    QVERIFY(c.has_value());
    // A list flag replaces the file's list; a repeated one adds to it.
    QCOMPARE(c->masterUrls, (QList<QUrl>{QUrl(u"wss://c:1"_s), QUrl(u"wss://d:1"_s)}));
    const QMap<QString, QString> labels{{u"role"_s, u"web"_s}, {u"tier"_s, u"1"_s}};
    QCOMPARE(c->labels, labels);
    QCOMPARE(c->maxParallel, 8);
    QCOMPARE(c->caFile, u"/home/op/mine.pem"_s);
    QCOMPARE(c->allowRoot, true);
}

void tst_AgentConfig::flagErrors_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("flag");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("max-parallel") << u"max_parallel"_s << u"-1"_s << u"--max-parallel"_s
                                  << ErrorCode::InvalidValue;
    QTest::newRow("master-url") << u"master_urls"_s << u"ws://plain:1"_s << u"--master-url"_s
                                << ErrorCode::InvalidValue;
    QTest::newRow("label") << u"labels"_s << u"=v"_s << u"--label"_s << ErrorCode::InvalidValue;
    QTest::newRow("kill-grace") << u"kill_grace"_s << u"soon"_s << u"--kill-grace"_s
                                << ErrorCode::InvalidValue;
}

void tst_AgentConfig::flagErrors()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, flag);
    QFETCH(ErrorCode, code);
    const Result<AgentConfig> c = applyAgentFlags({}, {{key, value}}, u"/"_s);
    QVERIFY(!c.has_value());
    QCOMPARE(c.error().code, code);
    QCOMPARE(c.error().file, flag);
}

static AgentConfig minimal()
{
    AgentConfig c;
    c.masterUrls = {QUrl(u"wss://m:7443"_s)};
    c.caFile = u"/ca.crt"_s;
    c.dataDir = u"/data"_s;
    return c;
}

void tst_AgentConfig::resolveDefaults()
{
    const Result<AgentConfig> c = resolveAgentConfig(minimal(), u"a.conf"_s, u"host-1"_s, 12);
    QVERIFY(c.has_value());
    QCOMPARE(c->nodeName, u"host-1"_s);
    QCOMPARE(c->maxParallel, 12);

    AgentConfig given = minimal();
    given.nodeName = u"n"_s;
    given.maxParallel = 3;
    const Result<AgentConfig> kept = resolveAgentConfig(given, {}, u"host-1"_s, 12);
    QVERIFY(kept.has_value());
    QCOMPARE(kept->nodeName, u"n"_s);
    QCOMPARE(kept->maxParallel, 3);
}

void tst_AgentConfig::resolveErrors_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no-urls") << 0 << ErrorCode::MissingField << u"master_urls"_s;
    QTest::newRow("no-ca") << 1 << ErrorCode::MissingField << u"ca_file"_s;
    QTest::newRow("no-data-dir") << 2 << ErrorCode::MissingField << u"data_dir"_s;
    QTest::newRow("cert-without-key") << 3 << ErrorCode::InvalidValue << u"client_key"_s;
    QTest::newRow("reconnect-order") << 4 << ErrorCode::InvalidValue << u"reconnect_min"_s;
    QTest::newRow("token-twice") << 5 << ErrorCode::InvalidValue << u"enrol_token_file"_s;
    QTest::newRow("token-file-missing") << 6 << ErrorCode::Io << QString();
}

void tst_AgentConfig::resolveErrors()
{
    QFETCH(int, which);
    QFETCH(ErrorCode, code);
    QFETCH(QString, mentions);
    AgentConfig c = minimal();
    switch (which) {
    case 0:
        c.masterUrls.clear();
        break;
    case 1:
        c.caFile.clear();
        break;
    case 2:
        c.dataDir.clear();
        break;
    case 3:
        c.clientCertFile = u"/c.crt"_s;
        break;
    case 4:
        c.reconnectMinMs = 60000;
        c.reconnectMaxMs = 1000;
        break;
    case 5:
        c.enrolToken = u"t"_s;
        c.enrolTokenFile = u"/t"_s;
        break;
    case 6:
        c.enrolTokenFile = u"/nonexistent/orrery-token"_s;
        break;
    }
    const Result<AgentConfig> r = resolveAgentConfig(c, u"a.conf"_s, u"h"_s, 1);
    QVERIFY(!r.has_value());
    QCOMPARE(r.error().code, code);
    QCOMPARE(r.error().file, which == 6 ? u"/nonexistent/orrery-token"_s : u"a.conf"_s);
    if (!mentions.isEmpty())
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
}

void tst_AgentConfig::enrolTokenFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile f(dir.filePath(u"token"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("  secret-token\n");
    f.close();
    AgentConfig c = minimal();
    c.enrolTokenFile = f.fileName();
    const Result<AgentConfig> r = resolveAgentConfig(c, {}, u"h"_s, 1);
    QVERIFY(r.has_value());
    QCOMPARE(r->enrolToken, u"secret-token"_s);
}

void tst_AgentConfig::commandLine()
{
    const Result<AgentCommandLine> cl = parseAgentCommandLine(
            {u"orrery-agent"_s, u"--config"_s, u"/etc/a.conf"_s, u"--max-parallel=3"_s,
             u"--allow-root"_s, u"--label"_s, u"a=b"_s, u"--master-url"_s, u"wss://x:1"_s,
             u"--enrol-token-file"_s, u"t.txt"_s});
    QVERIFY(cl.has_value());
    QCOMPARE(cl->configFile, u"/etc/a.conf"_s);
    QCOMPARE(cl->help, false);
    QCOMPARE(cl->flags.size(), 5);
    QCOMPARE(cl->flags.at(0).key, u"max_parallel"_s);
    QCOMPARE(cl->flags.at(0).value, u"3"_s);
    QCOMPARE(cl->flags.at(1).key, u"allow_root"_s);
    QCOMPARE(cl->flags.at(1).value, u"true"_s);
    QCOMPARE(cl->flags.at(2).key, u"labels"_s);
    QCOMPARE(cl->flags.at(3).key, u"master_urls"_s);
    QCOMPARE(cl->flags.at(4).key, u"enrol_token_file"_s);

    const Result<AgentCommandLine> help = parseAgentCommandLine({u"a"_s, u"--help"_s});
    QVERIFY(help.has_value());
    QVERIFY(help->help);
    const Result<AgentCommandLine> version = parseAgentCommandLine({u"a"_s, u"--version"_s});
    QVERIFY(version.has_value());
    QVERIFY(version->version);
}

void tst_AgentConfig::commandLineErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown") << QStringList{u"a"_s, u"--max-paralel"_s, u"3"_s}
                             << u"--max-paralel"_s << u"--max-parallel"_s;
    QTest::newRow("missing-value")
            << QStringList{u"a"_s, u"--data-dir"_s} << u"--data-dir"_s << QString();
    QTest::newRow("stray") << QStringList{u"a"_s, u"agent.conf"_s} << u"agent.conf"_s << QString();
}

void tst_AgentConfig::commandLineErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, option);
    QFETCH(QString, mentions);
    const Result<AgentCommandLine> cl = parseAgentCommandLine(arguments);
    QVERIFY(!cl.has_value());
    QCOMPARE(cl.error().code, ErrorCode::InvalidValue);
    QCOMPARE(cl.error().file, option);
    if (!mentions.isEmpty())
        QVERIFY2(cl.error().message.contains(mentions), qPrintable(cl.error().message));
}

void tst_AgentConfig::loadFromFileAndFlags()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile f(dir.filePath(u"agent.conf"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[agent]\nmaster_urls = wss://m:1\nca_file = ca.crt\ndata_dir = data\n");
    f.close();
    AgentCommandLine cl;
    cl.configFile = f.fileName();
    cl.flags = {{u"node_name"_s, u"override"_s}};
    const Result<AgentConfig> c = loadAgentConfig(cl, u"host"_s, 4);
    QVERIFY2(c.has_value(), qPrintable(c ? QString() : c.error().toString()));
    QCOMPARE(c->caFile, dir.filePath(u"ca.crt"_s));
    QCOMPARE(c->dataDir, dir.filePath(u"data"_s));
    QCOMPARE(c->nodeName, u"override"_s);
    QCOMPARE(c->maxParallel, 4);

    cl.configFile = dir.filePath(u"missing.conf"_s);
    const Result<AgentConfig> missing = loadAgentConfig(cl, u"host"_s, 4);
    QVERIFY(!missing.has_value());
    QCOMPARE(missing.error().code, ErrorCode::Io);
    QCOMPARE(missing.error().file, cl.configFile);
}

QTEST_APPLESS_MAIN(tst_AgentConfig)
#include "tst_agentconfig.moc"

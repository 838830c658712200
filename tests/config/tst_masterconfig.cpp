#include "configtestutils.h"

#include <config/masterconfig.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

namespace {

// Every field, one per line, so that a failing QCOMPARE shows what differs.
QString describe(const MasterConfig &c)
{
    return QStringList{
            u"listen_address="_s + c.listenAddress,
            u"api_port="_s + QString::number(c.apiPort),
            u"agent_port="_s + QString::number(c.agentPort),
            u"data_dir="_s + c.dataDir,
            u"store="_s + c.store,
            u"tls.certificate="_s + c.tlsCertificate,
            u"tls.private_key="_s + c.tlsPrivateKey,
            u"tls.client_ca="_s + c.tlsClientCa,
            u"tls.require_client_certificate="_s
                    + (c.requireClientCertificate ? u"true"_s : u"false"_s),
            u"log_level="_s + c.logLevel,
            u"time_zone="_s + c.timeZone,
            u"heartbeat_interval_ms="_s + QString::number(c.heartbeatIntervalMs),
            u"missed_heartbeats="_s + QString::number(c.missedHeartbeats),
            u"kill_grace_ms="_s + QString::number(c.killGraceMs),
            u"output_limit="_s + QString::number(c.outputLimitBytes),
            u"max_message_bytes="_s + QString::number(c.maxMessageBytes),
            u"scheduling.default_strategy="_s + c.defaultStrategy,
            u"scheduling.ageing_step_secs="_s + QString::number(c.ageingStepSecs),
            u"scheduling.p3_max_utilisation="_s + QString::number(c.p3MaxUtilisationPercent),
            u"scheduling.max_running="_s + QString::number(c.maxRunning),
            u"scheduling.cpu_any_below="_s + QString::number(c.cpuAnyBelow),
            u"scheduling.cpu_light_max="_s + QString::number(c.cpuLightMax),
            u"scheduling.memory_any_above="_s + QString::number(c.memoryAnyAboveBytes),
            u"scheduling.memory_light_min="_s + QString::number(c.memoryLightMinBytes),
            u"scheduling.predispatch_ms="_s + QString::number(c.predispatchMs),
            u"autoscale.hook="_s + c.autoscaleHook,
            u"autoscale.queue_length_above="_s + QString::number(c.scaleOutQueueLength),
            u"autoscale.average_wait_above_secs="_s + QString::number(c.scaleOutAverageWaitSecs),
            u"autoscale.fleet_cpu_above="_s + QString::number(c.scaleOutFleetCpu),
            u"autoscale.scale_in_cpu_below="_s + QString::number(c.scaleInFleetCpu),
            u"autoscale.cpu_window_secs="_s + QString::number(c.autoscaleCpuWindowSecs),
            u"autoscale.cooldown_secs="_s + QString::number(c.autoscaleCooldownSecs),
            u"autoscale.min_nodes="_s + QString::number(c.autoscaleMinNodes),
    }
            .join(u'\n');
}

Result<MasterConfig> parse(const QByteArray &yaml, const QString &baseDir = u"/etc/orrery"_s)
{
    return parseMasterConfig(yaml, u"master.yaml"_s, baseDir);
}

}  // namespace

class tst_MasterConfig : public QObject
{
    Q_OBJECT

private slots:
    void fullExample();
    void defaults_data();
    void defaults();
    void someKeys();
    void relativePaths_data();
    void relativePaths();
    void storeUrl_data();
    void storeUrl();
    void errors_data();
    void errors();
    void unknownKeySuggests_data();
    void unknownKeySuggests();
    void validate_data();
    void validate();
    void missingFile();
};

void tst_MasterConfig::fullExample()
{
    const QString path = ConfigTest::dataPath(u"master.yaml"_s);
    const Result<MasterConfig> config = loadMasterConfig(path);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().toString()));
    const QString dir = QFileInfo(path).absolutePath();

    MasterConfig expected;
    expected.listenAddress = u"0.0.0.0"_s;
    expected.apiPort = 9443;
    expected.agentPort = 9442;
    expected.dataDir = dir + u"/state"_s;
    expected.store = u"postgresql://orrery:secret@db.example.com:5432/orrery"_s;
    expected.tlsCertificate = dir + u"/pki/master.crt"_s;
    expected.tlsPrivateKey = dir + u"/pki/master.key"_s;
    expected.tlsClientCa = u"/etc/orrery/pki/ca.crt"_s;
    expected.requireClientCertificate = true;
    expected.logLevel = u"warning"_s;
    expected.timeZone = u"Asia/Shanghai"_s;
    expected.heartbeatIntervalMs = 15000;
    expected.missedHeartbeats = 4;
    expected.killGraceMs = 60000;
    expected.outputLimitBytes = 2097152;
    expected.maxMessageBytes = 524288;
    expected.defaultStrategy = u"least_running"_s;
    expected.ageingStepSecs = 300;
    expected.p3MaxUtilisationPercent = 40;
    expected.maxRunning = 200;
    expected.cpuAnyBelow = 60;
    expected.cpuLightMax = 85.5;
    expected.memoryAnyAboveBytes = 4294967296;
    expected.memoryLightMinBytes = 1073741824;
    expected.predispatchMs = 1500;
    expected.autoscaleHook = u"/usr/local/bin/orrery-scale --pool etl"_s;
    expected.scaleOutQueueLength = 50;
    expected.scaleOutAverageWaitSecs = 120;
    expected.scaleOutFleetCpu = 75;
    expected.scaleInFleetCpu = 10;
    expected.autoscaleCpuWindowSecs = 600;
    expected.autoscaleCooldownSecs = 900;
    expected.autoscaleMinNodes = 2;
    QCOMPARE(describe(*config), describe(expected));
    QCOMPARE(config->storeUrl(), expected.store);
    QVERIFY(validateMasterConfig(*config));
}

void tst_MasterConfig::defaults_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("comments-only") << "# nothing set\n\n# at all\n"_ba;
    QTest::newRow("empty-map") << "{}\n"_ba;
    QTest::newRow("empty-tls") << "tls:\n"_ba;
}

void tst_MasterConfig::defaults()
{
    QFETCH(QByteArray, yaml);
    const Result<MasterConfig> config = parse(yaml);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().toString()));
    QCOMPARE(describe(*config), describe(MasterConfig()));
    QCOMPARE(config->listenAddress, u"127.0.0.1"_s);
    QCOMPARE(config->apiPort, 8443);
    QCOMPARE(config->agentPort, 8442);
    QCOMPARE(config->dataDir, u"/var/lib/orrery"_s);
    QCOMPARE(config->heartbeatIntervalMs, 10000);
    QCOMPARE(config->missedHeartbeats, 3);
    QCOMPARE(config->killGraceMs, 5000);
    QCOMPARE(config->outputLimitBytes, 10 * 1024 * 1024);
    QCOMPARE(config->maxMessageBytes, 1024 * 1024);
    QCOMPARE(config->predispatchMs, qint64(1000));
    QCOMPARE(config->storeUrl(), u"sqlite:/var/lib/orrery/orrery.db"_s);
    QVERIFY(validateMasterConfig(*config));
}

void tst_MasterConfig::someKeys()
{
    const Result<MasterConfig> config
            = parse("api_port: 0\n"
                    "log_level: DEBUG\n"
                    "kill_grace: 0\n"
                    "heartbeat_interval: 1m30s\n"
                    "tls:\n"
                    "  require_client_certificate: no\n"_ba);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().toString()));
    MasterConfig expected;
    expected.apiPort = 0;  // the system picks a port
    expected.logLevel = u"debug"_s;
    expected.killGraceMs = 0;
    expected.heartbeatIntervalMs = 90000;
    QCOMPARE(describe(*config), describe(expected));
}

void tst_MasterConfig::relativePaths_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("baseDir");
    QTest::addColumn<QString>("dataDir");
    QTest::addColumn<QString>("store");
    QTest::addColumn<QString>("certificate");

    const QByteArray tls = "tls:\n  certificate: pki/master.crt\n  private_key: k\n"_ba;
    QTest::newRow("relative") << "data_dir: data\n"_ba + tls << u"/etc/orrery"_s
                              << u"/etc/orrery/data"_s << QString()
                              << u"/etc/orrery/pki/master.crt"_s;
    QTest::newRow("dot-dot") << "data_dir: ../var/./orrery\n"_ba + tls << u"/etc/orrery"_s
                             << u"/etc/var/orrery"_s << QString()
                             << u"/etc/orrery/pki/master.crt"_s;
    QTest::newRow("absolute") << "data_dir: /srv/orrery\n"
                                 "tls:\n  certificate: /pki/m.crt\n  private_key: /pki/m.key\n"_ba
                              << u"/etc/orrery"_s << u"/srv/orrery"_s << QString()
                              << u"/pki/m.crt"_s;
    QTest::newRow("sqlite-relative")
            << "store: sqlite:db/orrery.db\n"_ba << u"/etc/orrery"_s << u"/var/lib/orrery"_s
            << u"sqlite:/etc/orrery/db/orrery.db"_s << QString();
    QTest::newRow("sqlite-double-slash")
            << "store: sqlite://db.sqlite\n"_ba << u"/etc/orrery"_s << u"/var/lib/orrery"_s
            << u"sqlite:/etc/orrery/db.sqlite"_s << QString();
    QTest::newRow("sqlite-absolute") << "store: sqlite:/data/o.db\n"_ba << u"/etc/orrery"_s
                                     << u"/var/lib/orrery"_s << u"sqlite:/data/o.db"_s << QString();
    QTest::newRow("postgres-kept") << "store: postgres://u@h/db\n"_ba << u"/etc/orrery"_s
                                   << u"/var/lib/orrery"_s << u"postgres://u@h/db"_s << QString();
}

void tst_MasterConfig::relativePaths()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, baseDir);
    QFETCH(QString, dataDir);
    QFETCH(QString, store);
    QFETCH(QString, certificate);

    const Result<MasterConfig> config = parse(yaml, baseDir);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().toString()));
    QCOMPARE(config->dataDir, dataDir);
    QCOMPARE(config->store, store);
    QCOMPARE(config->tlsCertificate, certificate);
}

void tst_MasterConfig::storeUrl_data()
{
    QTest::addColumn<QString>("dataDir");
    QTest::addColumn<QString>("store");
    QTest::addColumn<QString>("url");

    QTest::newRow("default") << u"/var/lib/orrery"_s << QString()
                             << u"sqlite:/var/lib/orrery/orrery.db"_s;
    QTest::newRow("trailing-slash")
            << u"/srv/orrery/"_s << QString() << u"sqlite:/srv/orrery/orrery.db"_s;
    QTest::newRow("explicit-sqlite")
            << u"/srv/orrery"_s << u"sqlite:/data/x.db"_s << u"sqlite:/data/x.db"_s;
    QTest::newRow("postgresql") << u"/srv/orrery"_s << u"postgresql://u:p@h:5432/orrery"_s
                                << u"postgresql://u:p@h:5432/orrery"_s;
}

void tst_MasterConfig::storeUrl()
{
    QFETCH(QString, dataDir);
    QFETCH(QString, store);
    QFETCH(QString, url);
    MasterConfig config;
    config.dataDir = dataDir;
    config.store = store;
    QCOMPARE(config.storeUrl(), url);
}

void tst_MasterConfig::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("syntax") << "api_port: [8443\n"_ba << ErrorCode::Syntax << 2 << 1;
    QTest::newRow("not-a-map") << "- api_port\n"_ba << ErrorCode::WrongType << 1 << 1;
    QTest::newRow("unknown-key") << "api_port: 1\n\napi_prot: 2\n"_ba << ErrorCode::UnknownKey << 3
                                 << 1;
    QTest::newRow("unknown-tls-key")
            << "tls:\n  certficate: a.crt\n"_ba << ErrorCode::UnknownKey << 2 << 3;
    QTest::newRow("duplicate-key")
            << "api_port: 1\napi_port: 2\n"_ba << ErrorCode::DuplicateName << 2 << 1;
    QTest::newRow("port-not-integer") << "api_port: https\n"_ba << ErrorCode::WrongType << 1 << 11;
    QTest::newRow("port-out-of-range")
            << "log_level: info\nagent_port: 70000\n"_ba << ErrorCode::InvalidValue << 2 << 13;
    QTest::newRow("port-negative") << "api_port: -1\n"_ba << ErrorCode::InvalidValue << 1 << 11;
    QTest::newRow("same-ports") << "api_port: 9000\nagent_port: 9000\n"_ba
                                << ErrorCode::InvalidValue << 2 << 13;
    QTest::newRow("same-as-default-port")
            << "api_port: 8442\n"_ba << ErrorCode::InvalidValue << 1 << 11;
    QTest::newRow("listen-address-list")
            << "listen_address: [a, b]\n"_ba << ErrorCode::WrongType << 1 << 17;
    QTest::newRow("listen-address-space")
            << "listen_address: my host\n"_ba << ErrorCode::InvalidValue << 1 << 17;
    QTest::newRow("data-dir-empty") << "data_dir: ''\n"_ba << ErrorCode::InvalidValue << 1 << 11;
    QTest::newRow("store-scheme") << "store: mysql://h/db\n"_ba << ErrorCode::InvalidValue << 1
                                  << 8;
    QTest::newRow("store-no-path") << "store: 'sqlite:'\n"_ba << ErrorCode::InvalidValue << 1 << 8;
    QTest::newRow("tls-not-a-map") << "tls: yes\n"_ba << ErrorCode::WrongType << 1 << 6;
    QTest::newRow("tls-bool") << "tls:\n  client_ca: ca.crt\n  require_client_certificate: "
                                 "maybe\n"_ba
                              << ErrorCode::WrongType << 3 << 31;
    QTest::newRow("client-cert-without-ca") << "tls:\n  require_client_certificate: true\n"_ba
                                            << ErrorCode::InvalidValue << 2 << 31;
    QTest::newRow("certificate-without-key")
            << "tls:\n  certificate: m.crt\n"_ba << ErrorCode::InvalidValue << 2 << 16;
    QTest::newRow("key-without-certificate")
            << "tls:\n  private_key: m.key\n"_ba << ErrorCode::InvalidValue << 2 << 16;
    QTest::newRow("log-level") << "log_level: verbose\n"_ba << ErrorCode::InvalidValue << 1 << 12;
    QTest::newRow("time-zone-unknown")
            << "time_zone: Mars/Olympus\n"_ba << ErrorCode::InvalidValue << 1 << 12;
    QTest::newRow("time-zone-empty")
            << "time_zone: \"\"\n"_ba << ErrorCode::InvalidValue << 1 << 12;
    QTest::newRow("heartbeat-bad-unit")
            << "heartbeat_interval: 10x\n"_ba << ErrorCode::InvalidValue << 1 << 23;
    QTest::newRow("heartbeat-zero")
            << "heartbeat_interval: 0s\n"_ba << ErrorCode::InvalidValue << 1 << 21;
    QTest::newRow("heartbeat-too-long")
            << "heartbeat_interval: 2h\n"_ba << ErrorCode::InvalidValue << 1 << 21;
    QTest::newRow("heartbeat-word")
            << "heartbeat_interval: often\n"_ba << ErrorCode::WrongType << 1 << 21;
    QTest::newRow("missed-heartbeats-zero")
            << "missed_heartbeats: 0\n"_ba << ErrorCode::InvalidValue << 1 << 20;
    QTest::newRow("kill-grace-too-long")
            << "kill_grace: 2h\n"_ba << ErrorCode::InvalidValue << 1 << 13;
    QTest::newRow("strategy-unknown")
            << "scheduling:\n  default_strategy: random\n"_ba << ErrorCode::InvalidValue << 2 << 21;
    QTest::newRow("strategy-broadcast") << "scheduling:\n  default_strategy: broadcast\n"_ba
                                        << ErrorCode::InvalidValue << 2 << 21;
    QTest::newRow("scheduling-unknown-key")
            << "scheduling:\n  ageing: 10m\n"_ba << ErrorCode::UnknownKey << 2 << 3;
    QTest::newRow("p3-over-100") << "scheduling:\n  p3_max_utilisation: 150\n"_ba
                                 << ErrorCode::InvalidValue << 2 << 23;
    QTest::newRow("cpu-bands-crossed")
            << "scheduling:\n  cpu_any_below: 95\n  cpu_light_max: 90\n"_ba
            << ErrorCode::InvalidValue << 2 << 18;
    QTest::newRow("predispatch-negative")
            << "scheduling:\n  predispatch_ms: -1\n"_ba << ErrorCode::InvalidValue << 2 << 19;
    QTest::newRow("predispatch-over-an-hour")
            << "scheduling:\n  predispatch_ms: 3600001\n"_ba << ErrorCode::InvalidValue << 2 << 19;
    QTest::newRow("autoscale-cpu-over-100")
            << "autoscale:\n  fleet_cpu_above: 180\n"_ba << ErrorCode::InvalidValue << 2 << 20;
    QTest::newRow("autoscale-in-above-out")
            << "autoscale:\n  fleet_cpu_above: 50\n  scale_in_cpu_below: 60\n"_ba
            << ErrorCode::InvalidValue << 3 << 23;
    QTest::newRow("output-limit-small")
            << "output_limit: 10\n"_ba << ErrorCode::InvalidValue << 1 << 15;
    QTest::newRow("max-message-huge")
            << "max_message_bytes: 1073741824\n"_ba << ErrorCode::InvalidValue << 1 << 20;
    QTest::newRow("first-in-file-order")
            << "log_level: loud\napi_port: x\n"_ba << ErrorCode::InvalidValue << 1 << 12;
}

void tst_MasterConfig::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);

    const Result<MasterConfig> config = parse(yaml);
    QVERIFY(!config);
    const Error &e = config.error();
    QCOMPARE(e.code, code);
    QCOMPARE(e.file, u"master.yaml"_s);
    QCOMPARE(e.line, line);
    QCOMPARE(e.column, column);
    QVERIFY(!e.message.isEmpty());
}

void tst_MasterConfig::unknownKeySuggests_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("suggestion");

    QTest::newRow("api_prot") << "api_prot: 1\n"_ba << u"api_port"_s;
    QTest::newRow("datadir") << "datadir: /x\n"_ba << u"data_dir"_s;
    QTest::newRow("timezone") << "timezone: UTC\n"_ba << u"time_zone"_s;
    QTest::newRow("tls-privatekey") << "tls:\n  privatekey: k\n"_ba << u"private_key"_s;
}

void tst_MasterConfig::unknownKeySuggests()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, suggestion);
    const Result<MasterConfig> config = parse(yaml);
    QVERIFY(!config);
    QCOMPARE(config.error().code, ErrorCode::UnknownKey);
    QVERIFY2(config.error().message.contains(u'\'' + suggestion + u'\''),
             qPrintable(config.error().message));
}

void tst_MasterConfig::validate_data()
{
    QTest::addColumn<int>("change");
    QTest::addColumn<QString>("key");  // "" = valid

    QTest::newRow("defaults") << 0 << QString();
    QTest::newRow("api-port-range") << 1 << u"api_port"_s;
    QTest::newRow("agent-port-range") << 2 << u"agent_port"_s;
    QTest::newRow("same-ports") << 3 << u"agent_port"_s;
    QTest::newRow("both-ports-zero") << 4 << QString();
    QTest::newRow("client-ca-missing") << 5 << u"tls.require_client_certificate"_s;
    QTest::newRow("client-ca-given") << 6 << QString();
    QTest::newRow("log-level") << 7 << u"log_level"_s;
    QTest::newRow("zone") << 8 << u"time_zone"_s;
    QTest::newRow("heartbeat") << 9 << u"heartbeat_interval"_s;
    QTest::newRow("missed-heartbeats") << 10 << u"missed_heartbeats"_s;
    QTest::newRow("kill-grace") << 11 << u"kill_grace"_s;
    QTest::newRow("output-limit") << 12 << u"output_limit"_s;
    QTest::newRow("max-message") << 13 << u"max_message_bytes"_s;
    QTest::newRow("store") << 14 << u"store"_s;
    QTest::newRow("certificate-alone") << 15 << u"tls.certificate"_s;
    QTest::newRow("listen-address") << 16 << u"listen_address"_s;
}

void tst_MasterConfig::validate()
{
    QFETCH(int, change);
    QFETCH(QString, key);

    MasterConfig c;
    switch (change) {
    case 1:
        c.apiPort = 65536;
        break;
    case 2:
        c.agentPort = -1;
        break;
    case 3:
        c.agentPort = c.apiPort;
        break;
    case 4:
        c.apiPort = 0;
        c.agentPort = 0;
        break;
    case 5:
        c.requireClientCertificate = true;
        break;
    case 6:
        c.requireClientCertificate = true;
        c.tlsClientCa = u"/etc/orrery/ca.crt"_s;
        break;
    case 7:
        c.logLevel = u"INFO"_s;  // the file reader lower-cases; the struct holds the word
        break;
    case 8:
        c.timeZone = u"Europe/Atlantis"_s;
        break;
    case 9:
        c.heartbeatIntervalMs = 0;
        break;
    case 10:
        c.missedHeartbeats = 0;
        break;
    case 11:
        c.killGraceMs = -1;
        break;
    case 12:
        c.outputLimitBytes = 0;
        break;
    case 13:
        c.maxMessageBytes = qint64(1) << 40;
        break;
    case 14:
        c.store = u"/var/lib/orrery/orrery.db"_s;
        break;
    case 15:
        c.tlsCertificate = u"/etc/orrery/master.crt"_s;
        break;
    case 16:
        c.listenAddress = QString();
        break;
    }
    const Result<void> result = validateMasterConfig(c);
    if (key.isEmpty()) {
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        return;
    }
    QVERIFY(!result);
    QCOMPARE(result.error().code, ErrorCode::InvalidValue);
    QVERIFY2(result.error().message.contains(u'\'' + key + u'\'')
                     || (key == u"time_zone"_s
                         && result.error().message.contains(u"Europe/Atlantis"_s)),
             qPrintable(result.error().message));
}

void tst_MasterConfig::missingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"absent.yaml"_s);
    const Result<MasterConfig> config = loadMasterConfig(path);
    QVERIFY(!config);
    QCOMPARE(config.error().code, ErrorCode::Io);
    QCOMPARE(config.error().file, path);
}

QTEST_APPLESS_MAIN(tst_MasterConfig)
#include "tst_masterconfig.moc"

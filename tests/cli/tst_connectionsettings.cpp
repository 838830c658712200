// Where orreryctl's online commands take the master's URL, the token and the CA from.

#include <connectionsettings.h>

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Cli;

namespace QTest {
template<>
char *toString(const ErrorCode &code)
{
    return qstrdup(errorCodeName(code).toUtf8().constData());
}
}  // namespace QTest

static const QString kConfig = u"/home/ann/.config/orrery/orreryctl.conf"_s;
static const QString kQuickstart = u"/work/repo/.orrery/quickstart.env"_s;

// Inputs from the four sources; a null QByteArray = that file does not exist.
static ConnectionInputs inputs(const QStringList &flags, const QStringList &env,
                               const QByteArray &config, const QByteArray &quickstart)
{
    ConnectionInputs in;
    in.flags = {flags.value(0), flags.value(1), flags.value(2)};
    const QStringList keys{u"ORRERY_URL"_s, u"ORRERY_TOKEN"_s, u"ORRERY_CA"_s};
    for (int i = 0; i < env.size(); ++i) {
        if (!env.at(i).isNull())
            in.environment.insert(keys.at(i), env.at(i));
    }
    in.configPath = kConfig;
    if (!config.isNull())
        in.configText = config;
    in.quickstartPath = kQuickstart;
    if (!quickstart.isNull())
        in.quickstartText = quickstart;
    return in;
}

class tst_ConnectionSettings : public QObject
{
    Q_OBJECT

private slots:
    void resolve_data();
    void resolve();
    void errors_data();
    void errors();
    void quickstartFile();
    void configFileSections();
    void defaultConfigPath_data();
    void defaultConfigPath();
    void helpNamesTheOrder();
};

void tst_ConnectionSettings::resolve_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("quickstart");
    QTest::addColumn<QStringList>("expected");  // server, token, ca
    QTest::addColumn<QStringList>("origins");   // of server, token, ca

    const QByteArray config = "server = https://from-config:1\ntoken = conf-token\nca = ca.pem\n";
    const QByteArray quick
            = "ORRERY_URL=https://from-quickstart:2\nORRERY_TOKEN=quick-token\n"
              "ORRERY_CA=.orrery/pki/ca.crt\n";

    QTest::newRow("flags-win-over-everything")
            << QStringList{u"https://flag:3"_s, u"flag-token"_s, u"/flag/ca.crt"_s}
            << QStringList{u"https://env:4"_s, u"env-token"_s, u"/env/ca.crt"_s} << config << quick
            << QStringList{u"https://flag:3"_s, u"flag-token"_s, u"/flag/ca.crt"_s}
            << QStringList{u"--server"_s, u"--token"_s, u"--ca"_s};
    QTest::newRow("environment-over-files")
            << QStringList{} << QStringList{u"https://env:4"_s, u"env-token"_s, u"/env/ca.crt"_s}
            << config << quick << QStringList{u"https://env:4"_s, u"env-token"_s, u"/env/ca.crt"_s}
            << QStringList{u"ORRERY_URL"_s, u"ORRERY_TOKEN"_s, u"ORRERY_CA"_s};
    QTest::newRow("config-over-quickstart-ca-relative-to-config")
            << QStringList{} << QStringList{} << config << quick
            << QStringList{u"https://from-config:1"_s, u"conf-token"_s,
                           u"/home/ann/.config/orrery/ca.pem"_s}
            << QStringList{kConfig, kConfig, kConfig};
    QTest::newRow("quickstart-ca-relative-to-its-project")
            << QStringList{} << QStringList{} << QByteArray() << quick
            << QStringList{u"https://from-quickstart:2"_s, u"quick-token"_s,
                           u"/work/repo/.orrery/pki/ca.crt"_s}
            << QStringList{kQuickstart, kQuickstart, kQuickstart};
    QTest::newRow("each-setting-separately")
            << QStringList{u"https://flag:3"_s, QString(), QString()}
            << QStringList{QString(), u"env-token"_s, QString()} << config << quick
            << QStringList{u"https://flag:3"_s, u"env-token"_s,
                           u"/home/ann/.config/orrery/ca.pem"_s}
            << QStringList{u"--server"_s, u"ORRERY_TOKEN"_s, kConfig};
    QTest::newRow("empty-values-count-as-unset")
            << QStringList{u""_s, u"  "_s, u""_s} << QStringList{u""_s, u""_s, u""_s}
            << QByteArray() << quick
            << QStringList{u"https://from-quickstart:2"_s, u"quick-token"_s,
                           u"/work/repo/.orrery/pki/ca.crt"_s}
            << QStringList{kQuickstart, kQuickstart, kQuickstart};
    QTest::newRow("no-ca-anywhere-is-fine")
            << QStringList{u"https://flag:3/"_s, u"t"_s} << QStringList{} << QByteArray()
            << QByteArray() << QStringList{u"https://flag:3"_s, u"t"_s, QString()}
            << QStringList{u"--server"_s, u"--token"_s, QString()};
    QTest::newRow("absolute-ca-in-config-kept")
            << QStringList{} << QStringList{}
            << QByteArray("server=https://h\ntoken=x\nca=/etc/o/ca.crt\n") << QByteArray()
            << QStringList{u"https://h"_s, u"x"_s, u"/etc/o/ca.crt"_s}
            << QStringList{kConfig, kConfig, kConfig};
    QTest::newRow("path-prefix-kept-trailing-slash-dropped")
            << QStringList{u"https://proxy.example/orrery//"_s, u"t"_s} << QStringList{}
            << QByteArray() << QByteArray()
            << QStringList{u"https://proxy.example/orrery"_s, u"t"_s, QString()}
            << QStringList{u"--server"_s, u"--token"_s, QString()};
}

void tst_ConnectionSettings::resolve()
{
    QFETCH(QStringList, flags);
    QFETCH(QStringList, env);
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, quickstart);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, origins);

    const Result<ConnectionSettings> s = resolveConnection(inputs(flags, env, config, quickstart));
    QVERIFY2(s.has_value(), qPrintable(s ? QString() : s.error().toString()));
    QCOMPARE(s->server, expected.at(0));
    QCOMPARE(s->token, expected.at(1));
    QCOMPARE(s->ca, expected.at(2));
    QCOMPARE(s->serverOrigin, origins.at(0));
    QCOMPARE(s->tokenOrigin, origins.at(1));
    QCOMPARE(s->caOrigin, origins.at(2));
}

void tst_ConnectionSettings::errors_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("quickstart");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("no-server") << QStringList{QString(), u"t"_s} << QByteArray() << QByteArray()
                               << ErrorCode::MissingField << QString() << 0 << 0 << u"ORRERY_URL"_s;
    QTest::newRow("no-token") << QStringList{u"https://h"_s} << QByteArray() << QByteArray()
                              << ErrorCode::MissingField << QString() << 0 << 0
                              << u"ORRERY_TOKEN"_s;
    QTest::newRow("plain-http") << QStringList{u"http://h:8443"_s, u"t"_s} << QByteArray()
                                << QByteArray() << ErrorCode::InvalidValue << QString() << 0 << 0
                                << u"--server"_s;
    QTest::newRow("no-scheme") << QStringList{u"localhost:8443"_s, u"t"_s} << QByteArray()
                               << QByteArray() << ErrorCode::InvalidValue << QString() << 0 << 0
                               << u"localhost:8443"_s;
    QTest::newRow("https-without-host")
            << QStringList{u"https://"_s, u"t"_s} << QByteArray() << QByteArray()
            << ErrorCode::InvalidValue << QString() << 0 << 0 << u"https://"_s;
    QTest::newRow("config-unknown-key-did-you-mean")
            << QStringList{} << QByteArray("# orreryctl\nserver = https://h\n  tokn = x\n")
            << QByteArray() << ErrorCode::UnknownKey << kConfig << 3 << 3 << u"'token'"_s;
    QTest::newRow("config-line-without-equals")
            << QStringList{} << QByteArray("[General]\nserver https://h\n") << QByteArray()
            << ErrorCode::Syntax << kConfig << 2 << 1 << u"key = value"_s;
    QTest::newRow("config-unclosed-section")
            << QStringList{} << QByteArray("\n\n [General\n") << QByteArray() << ErrorCode::Syntax
            << kConfig << 3 << 2 << u"]"_s;
    QTest::newRow("quickstart-not-key-value")
            << QStringList{} << QByteArray()
            << QByteArray("ORRERY_URL=https://h\nthis is not an assignment\n") << ErrorCode::Syntax
            << kQuickstart << 2 << 1 << u"KEY=VALUE"_s;
    QTest::newRow("broken-file-is-reported-even-when-flags-suffice")
            << QStringList{u"https://h"_s, u"t"_s} << QByteArray("token\n") << QByteArray()
            << ErrorCode::Syntax << kConfig << 1 << 1 << u"key = value"_s;
}

void tst_ConnectionSettings::errors()
{
    QFETCH(QStringList, flags);
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, quickstart);
    QFETCH(ErrorCode, code);
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);

    const Result<ConnectionSettings> s = resolveConnection(inputs(flags, {}, config, quickstart));
    QVERIFY(!s.has_value());
    QCOMPARE(s.error().code, code);
    QCOMPARE(s.error().file, file);
    QCOMPARE(s.error().line, line);
    QCOMPARE(s.error().column, column);
    QVERIFY2(s.error().message.contains(mentions), qPrintable(s.error().message));
}

void tst_ConnectionSettings::quickstartFile()
{
    const Result<QMap<QString, QString>> values = parseQuickstartEnv(
            "# written by orrery.sh up\n"
            "export ORRERY_URL=\"https://127.0.0.1:8443\"\n"
            "ORRERY_TOKEN='abc=def'\n"
            "\n"
            "ORRERY_API_PORT=8443\n"
            "ORRERY_CA=  .orrery/pki/ca.crt  \n",
            kQuickstart);
    QVERIFY(values.has_value());
    QCOMPARE(values->value(u"ORRERY_URL"_s), u"https://127.0.0.1:8443"_s);
    QCOMPARE(values->value(u"ORRERY_TOKEN"_s), u"abc=def"_s);
    QCOMPARE(values->value(u"ORRERY_CA"_s), u".orrery/pki/ca.crt"_s);
    QCOMPARE(values->value(u"ORRERY_API_PORT"_s), u"8443"_s);
    QCOMPARE(values->size(), 4);
}

void tst_ConnectionSettings::configFileSections()
{
    const Result<QMap<QString, QString>> values = parseConfigFile(
            "; orreryctl settings\n[General]\nserver=https://m:8443\n\ttoken = \"s e c\"\n",
            kConfig);
    QVERIFY(values.has_value());
    QCOMPARE(values->value(u"server"_s), u"https://m:8443"_s);
    QCOMPARE(values->value(u"token"_s), u"s e c"_s);
    QVERIFY(!values->contains(u"ca"_s));
}

void tst_ConnectionSettings::defaultConfigPath_data()
{
    QTest::addColumn<QString>("xdg");
    QTest::addColumn<QString>("expected");
    QTest::newRow("xdg-set") << u"/cfg"_s << u"/cfg/orrery/orreryctl.conf"_s;
    QTest::newRow("xdg-unset") << QString() << u"/home/ann/.config/orrery/orreryctl.conf"_s;
    QTest::newRow("relative-xdg-ignored-as-the-spec-says")
            << u"cfg"_s << u"/home/ann/.config/orrery/orreryctl.conf"_s;
}

void tst_ConnectionSettings::defaultConfigPath()
{
    QFETCH(QString, xdg);
    QFETCH(QString, expected);
    QMap<QString, QString> env;
    if (!xdg.isNull())
        env.insert(u"XDG_CONFIG_HOME"_s, xdg);
    QCOMPARE(Cli::defaultConfigPath(env, u"/home/ann"_s), expected);
}

void tst_ConnectionSettings::helpNamesTheOrder()
{
    const QString help = connectionHelpText();
    const qsizetype flags = help.indexOf(u"--server"_s);
    const qsizetype env = help.indexOf(u"ORRERY_URL"_s);
    const qsizetype config = help.indexOf(u"orreryctl.conf"_s);
    const qsizetype quick = help.indexOf(u"quickstart.env"_s);
    QVERIFY(flags >= 0);
    QVERIFY(flags < env);
    QVERIFY(env < config);
    QVERIFY(config < quick);
}

QTEST_APPLESS_MAIN(tst_ConnectionSettings)
#include "tst_connectionsettings.moc"

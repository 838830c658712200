// orrery-master: the headless master. Reads its configuration, opens the store, starts the
// engine, serves agents on wss:// and (when built with it) the REST API on https://.

#include <config/masterconfig.h>
#include <master/engine/engine.h>
#include <model/clock.h>
#include <model/duration.h>
#include <net/tls.h>
#include <net/wssserver.h>
#include <store/store.h>

#ifdef ORRERY_HAVE_REST
#include <master/rest/restapi.h>
#endif
#ifdef ORRERY_HAVE_CLIENTS
#include <master/clients/clientserver.h>
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include <sys/socket.h>
#include <unistd.h>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

namespace {

Q_LOGGING_CATEGORY(lcMain, "orrery.master.main", QtInfoMsg)

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int s_signalFds[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(s_signalFds[0], &byte, 1);
}

void printOut(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

int fail(const QString &message)
{
    std::fputs(qPrintable(u"orrery-master: "_s + message + u'\n'), stderr);
    return kExitFailure;
}

// Shows categories at `level` and above; "debug" | "info" | "warning" | "error".
bool applyLogLevel(const QString &level)
{
    QString rules;
    if (level == u"debug"_s)
        rules = u"orrery.*.debug=true"_s;
    else if (level == u"info"_s)
        rules = u"*.debug=false"_s;
    else if (level == u"warning"_s)
        rules = u"*.debug=false\n*.info=false"_s;
    else if (level == u"error"_s)
        rules = u"*.debug=false\n*.info=false\n*.warning=false"_s;
    else
        return false;
    QLoggingCategory::setFilterRules(rules);
    return true;
}

struct Options
{
    QString command;  // "" = serve, "admin-token", "enrol-token"
    MasterConfig config;
    QString tokenName = u"admin"_s;
    qint64 ttlSecs = 3600;
};

// Parses the command line into options (and the config file it names). Returns an exit code
// when the program should stop here (help, version, errors).
std::optional<int> parseArguments(const QCoreApplication &app, Options &out)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Orrery master: schedules jobs and runs them on agents.\n\n"
            "Commands:\n"
            "  (none)        serve agents (wss://) and the REST API (https://)\n"
            "  admin-token   create an admin API token in the store and print it once\n"
            "  enrol-token   print a one-time enrolment token for a new agent"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption config(u"config"_s, u"Configuration file (YAML)."_s, u"FILE"_s);
    const QCommandLineOption listen(u"listen"_s, u"Address to listen on (both ports)."_s,
                                    u"ADDR"_s);
    const QCommandLineOption apiPort(u"api-port"_s, u"REST API port (0 = any free port)."_s,
                                     u"N"_s);
    const QCommandLineOption agentPort(u"agent-port"_s, u"Agent port (0 = any free port)."_s,
                                       u"N"_s);
    const QCommandLineOption dataDir(u"data-dir"_s, u"Data directory."_s, u"DIR"_s);
    const QCommandLineOption store(u"store"_s, u"Store URL (sqlite:/path or postgresql://...)."_s,
                                   u"URL"_s);
    const QCommandLineOption tlsCert(u"tls-cert"_s, u"Server certificate (PEM)."_s, u"FILE"_s);
    const QCommandLineOption tlsKey(u"tls-key"_s, u"Server private key (PEM)."_s, u"FILE"_s);
    const QCommandLineOption clientCa(
            u"client-ca"_s, u"CA of agent certificates: require mutual TLS."_s, u"FILE"_s);
    const QCommandLineOption logLevel(u"log-level"_s, u"debug | info | warning | error."_s, u"L"_s);
    const QCommandLineOption name(u"name"_s, u"admin-token: the token's name."_s, u"NAME"_s);
    const QCommandLineOption ttl(u"ttl"_s, u"enrol-token: validity (default 1h)."_s, u"DURATION"_s);
    parser.addOptions({config, listen, apiPort, agentPort, dataDir, store, tlsCert, tlsKey,
                       clientCa, logLevel, name, ttl});
    parser.addPositionalArgument(u"command"_s, u"admin-token | enrol-token"_s, u"[command]"_s);

    if (!parser.parse(app.arguments())) {
        std::fputs(qPrintable(u"orrery-master: "_s + parser.errorText() + u'\n'), stderr);
        return kExitUsage;
    }
    if (parser.isSet(u"help"_s)) {
        printOut(parser.helpText());
        return kExitOk;
    }
    if (parser.isSet(u"version"_s)) {
        printOut(u"orrery-master "_s + QCoreApplication::applicationVersion());
        return kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1
        || (positional.size() == 1 && positional[0] != u"admin-token"_s
            && positional[0] != u"enrol-token"_s)) {
        std::fputs(qPrintable(u"orrery-master: unknown command '%1' (see --help)\n"_s.arg(
                           positional.join(u' '))),
                   stderr);
        return kExitUsage;
    }
    out.command = positional.value(0);

    if (parser.isSet(config)) {
        auto loaded = loadMasterConfig(parser.value(config));
        if (!loaded) {
            std::fputs(qPrintable(loaded.error().toString() + u'\n'), stderr);
            return kExitFailure;
        }
        out.config = *loaded;
    }
    MasterConfig &c = out.config;
    auto port = [&](const QCommandLineOption &option, int &target) -> bool {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < 0 || value > 65535) {
            fail(u"--%1: '%2' is not a port (0..65535)"_s.arg(option.names().first(),
                                                              parser.value(option)));
            return false;
        }
        target = value;
        return true;
    };
    if (!port(apiPort, c.apiPort) || !port(agentPort, c.agentPort))
        return kExitUsage;
    auto absolute = [](const QString &path) { return QFileInfo(path).absoluteFilePath(); };
    if (parser.isSet(listen))
        c.listenAddress = parser.value(listen);
    if (parser.isSet(dataDir))
        c.dataDir = absolute(parser.value(dataDir));
    if (parser.isSet(store))
        c.store = parser.value(store);
    if (parser.isSet(tlsCert))
        c.tlsCertificate = absolute(parser.value(tlsCert));
    if (parser.isSet(tlsKey))
        c.tlsPrivateKey = absolute(parser.value(tlsKey));
    if (parser.isSet(clientCa)) {
        c.tlsClientCa = absolute(parser.value(clientCa));
        c.requireClientCertificate = true;
    }
    if (parser.isSet(logLevel))
        c.logLevel = parser.value(logLevel);
    if (auto valid = validateMasterConfig(c); !valid) {
        fail(valid.error().toString());
        return kExitFailure;
    }
    if (parser.isSet(name))
        out.tokenName = parser.value(name);
    if (parser.isSet(ttl)) {
        auto secs = parseDuration(parser.value(ttl));
        if (!secs) {
            fail(u"--ttl: "_s + secs.error().message);
            return kExitUsage;
        }
        out.ttlSecs = *secs;
    }
    return std::nullopt;
}

int serve(QCoreApplication &app, const MasterConfig &config, Store &store, const Clock &clock)
{
    if (config.tlsCertificate.isEmpty() || config.tlsPrivateKey.isEmpty())
        return fail(
                u"no TLS certificate: give --tls-cert and --tls-key (or tls: in the "
                "configuration file); `orreryctl pki init DIR` makes them"_s);
    Net::ServerTlsFiles files;
    files.certificate = config.tlsCertificate;
    files.privateKey = config.tlsPrivateKey;
    files.clientCa = config.tlsClientCa;
    files.requireClientCertificate = config.requireClientCertificate;
    auto tls = Net::serverTlsConfiguration(files);
    if (!tls)
        return fail(tls.error().toString());
    QHostAddress address;
    if (!address.setAddress(config.listenAddress))
        return fail(u"listen address '%1' is not an IP address"_s.arg(config.listenAddress));

    Master::EngineOptions options;
    options.defaultTimeZone = config.timeZone;
    options.heartbeatIntervalMs = config.heartbeatIntervalMs;
    options.missedHeartbeats = config.missedHeartbeats;
    options.killGraceMs = config.killGraceMs;
    options.outputLimitBytes = config.outputLimitBytes;
    if (config.requireClientCertificate)
        options.agentCertificateCa = tls->caCertificates();  // the client CA (tls.client_ca)
    options.dispatchPolicy.defaultStrategy = dispatchStrategyFromName(config.defaultStrategy)
                                                     .value_or(DispatchStrategy::RoundRobin);
    options.dispatchPolicy.thresholds.cpuAnyBelow = config.cpuAnyBelow;
    options.dispatchPolicy.thresholds.cpuLightMax = config.cpuLightMax;
    options.dispatchPolicy.thresholds.memoryAnyAbove = config.memoryAnyAboveBytes;
    options.dispatchPolicy.thresholds.memoryLightMin = config.memoryLightMinBytes;
    options.queuePolicy.ageingStepSecs = config.ageingStepSecs;
    options.queuePolicy.p3MaxUtilisation = config.p3MaxUtilisationPercent / 100.0;
    options.queuePolicy.globalMaxRunning = config.maxRunning;
    options.predispatch.leadMs = config.predispatchMs;
    options.autoscaleHook = config.autoscaleHook;
    options.autoscalePolicy.queueLengthAbove = config.scaleOutQueueLength;
    options.autoscalePolicy.averageWaitAboveSecs = config.scaleOutAverageWaitSecs;
    options.autoscalePolicy.fleetCpuAbove = config.scaleOutFleetCpu;
    options.autoscalePolicy.scaleInCpuBelow = config.scaleInFleetCpu;
    options.autoscalePolicy.cpuWindowSecs = config.autoscaleCpuWindowSecs;
    options.autoscalePolicy.cooldownSecs = config.autoscaleCooldownSecs;
    options.autoscalePolicy.minNodes = config.autoscaleMinNodes;
    Master::Engine engine(store, clock, options);
    if (auto started = engine.start(); !started)
        return fail(u"cannot start the engine: "_s + started.error().toString());

    Net::ChannelOptions channelOptions;
    channelOptions.limits.maxMessageBytes = config.maxMessageBytes;
    Net::WssServer agents(*tls, channelOptions);

#ifdef ORRERY_HAVE_REST
    Master::RestApi rest(engine, nullptr);
    auto apiPort = rest.listen(address, quint16(config.apiPort), *tls);
    if (!apiPort)
        return fail(apiPort.error().toString());
#endif
#ifdef ORRERY_HAVE_CLIENTS
    // Agents and clients share the wss:// port; a connection's first message (hello/enrol or
    // auth) says which it is (docs/protocol.md "Clients").
    Master::ClientServer clients(engine, rest, Master::ClientServerOptions());
    QObject::connect(&agents, &Net::WssServer::connected, &clients,
                     &Master::ClientServer::attachChannel);
#else
    QObject::connect(&agents, &Net::WssServer::connected, &engine, &Master::Engine::attachAgent);
#endif
    auto agentPort = agents.listen(address, quint16(config.agentPort));
    if (!agentPort)
        return fail(agentPort.error().toString());

    // SIGINT/SIGTERM: through a socket pair into the event loop, then a clean shutdown.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_signalFds) != 0)
        return fail(u"cannot create the signal socket pair"_s);
    QSocketNotifier notifier(s_signalFds[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(s_signalFds[1], &byte, 1);
        qCInfo(lcMain, "signal received, shutting down");
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    printOut(u"orrery-master: agent_port=%1"_s.arg(*agentPort));
#ifdef ORRERY_HAVE_REST
    printOut(u"orrery-master: api_port=%1"_s.arg(*apiPort));
#endif
    printOut(u"orrery-master: ready"_s);
    qCInfo(lcMain, "orrery-master %s ready: agents on %s:%u, store %s",
           qPrintable(QCoreApplication::applicationVersion()), qPrintable(config.listenAddress),
           unsigned(*agentPort), qPrintable(store.isPostgres() ? u"PostgreSQL"_s : u"SQLite"_s));

    const int code = QCoreApplication::exec();
    agents.close();
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    qCInfo(lcMain, "stopped");
    return code;
}

}  // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"orrery-master"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(ORRERY_VERSION));
    qSetMessagePattern(
            u"%{time yyyy-MM-ddTHH:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info"
            "%{endif}%{if-warning}warning%{endif}%{if-critical}error%{endif}"
            "%{if-fatal}fatal%{endif} %{category}: %{message}"_s);

    Options options;
    if (const auto exit = parseArguments(app, options))
        return *exit;
    if (!applyLogLevel(options.config.logLevel))
        return fail(u"unknown log level '%1' (debug, info, warning, error)"_s.arg(
                options.config.logLevel));

    SystemClock clock;
    auto store = Store::open(options.config.storeUrl(), clock);
    if (!store)
        return fail(u"cannot open the store %1: %2"_s.arg(options.config.storeUrl(),
                                                          store.error().toString()));

    if (options.command == u"admin-token"_s) {
        auto token = (*store)->createApiToken(options.tokenName, TokenRole::Admin);
        if (!token)
            return fail(token.error().toString());
        AuditEntry entry;
        entry.actor = u"orrery-master admin-token"_s;
        entry.action = u"token.create"_s;
        entry.target = options.tokenName;
        entry.detail = u"id=%1 role=admin"_s.arg(token->id);
        if (auto r = (*store)->appendAudit(entry); !r)
            return fail(r.error().toString());
        printOut(token->plaintext);
        return kExitOk;
    }
    if (options.command == u"enrol-token"_s) {
        const QDateTime expires = clock.now().addSecs(options.ttlSecs);
        auto token = (*store)->createEnrolToken(expires);
        if (!token)
            return fail(token.error().toString());
        AuditEntry entry;
        entry.actor = u"orrery-master enrol-token"_s;
        entry.action = u"enrol_token.create"_s;
        entry.target = QString::number(token->id);
        entry.detail = u"expires=%1"_s.arg(expires.toString(Qt::ISODate));
        if (auto r = (*store)->appendAudit(entry); !r)
            return fail(r.error().toString());
        printOut(token->plaintext);
        return kExitOk;
    }
    return serve(app, options.config, **store, clock);
}

// orrery-agent: runs jobs for an Orrery master. A thin shell over AgentService: reads the
// configuration, refuses root unless allowed, logs to stderr, and turns SIGTERM/SIGINT into
// an orderly stop (running runs cancelled, their results spooled, exit 0).

#include <agent/agentconfig.h>
#include <agent/agentservice.h>

#include <model/clock.h>

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Agent;

static Q_LOGGING_CATEGORY(lcMain, "orrery.agent.main", QtInfoMsg)

        namespace
{
    constexpr int kExitConfig = 1;
    constexpr int kExitRefused = 2;

    int s_signalFds[2] = {-1, -1};

    // Async-signal-safe: only write() the signal number into the socket pair.
    void onUnixSignal(int signal)
    {
        const int saved = errno;
        const char byte = static_cast<char>(signal);
        [[maybe_unused]] const ssize_t n = ::write(s_signalFds[0], &byte, 1);
        errno = saved;
    }

    bool installSignalHandlers()
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s_signalFds) != 0)
            return false;
        struct sigaction action = {};
        action.sa_handler = onUnixSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        return ::sigaction(SIGTERM, &action, nullptr) == 0
               && ::sigaction(SIGINT, &action, nullptr) == 0;
    }

    void setLogLevel(const QString &level)
    {
        // Categories are "orrery.<lib|program>.<area>"; Qt's own stay at warning.
        QString rules = u"orrery.*.debug=false\n"_s;
        if (level == u"debug"_s)
            rules = u"orrery.*.debug=true\n"_s;
        else if (level == u"warning"_s)
            rules += u"orrery.*.info=false\n"_s;
        else if (level == u"error"_s)
            rules += u"orrery.*.info=false\norrery.*.warning=false\n"_s;
        QLoggingCategory::setFilterRules(rules);
    }

    void printError(const Error &error)
    {
        std::fprintf(stderr, "orrery-agent: %s\n", qPrintable(error.toString()));
    }

}  // namespace

int main(int argc, char **argv)
{
    // The agent waits on a few sockets and timers: Qt's own poll() event dispatcher does that
    // without glib's main loop, so fewer of libglib's pages stay resident. (Jobs do not inherit
    // it: Executor gives them an environment of their own.) An explicit QT_NO_GLIB wins.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"orrery-agent"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(ORRERY_VERSION));
    qSetMessagePattern(u"%{time yyyy-MM-ddTHH:mm:ss.zzz} %{type} %{category}: %{message}"_s);

    const Result<AgentCommandLine> commandLine
            = parseAgentCommandLine(QCoreApplication::arguments());
    if (!commandLine) {
        printError(commandLine.error());
        return kExitConfig;
    }
    if (commandLine->help) {
        std::fputs(qPrintable(agentUsage()), stdout);
        return 0;
    }
    if (commandLine->version) {
        std::printf("orrery-agent %s\n", ORRERY_VERSION);
        return 0;
    }
    if (commandLine->configFile.isEmpty() && commandLine->flags.isEmpty()) {
        std::fputs("orrery-agent: no configuration; use --config FILE (see --help)\n", stderr);
        return kExitConfig;
    }

    const Result<AgentConfig> config = loadAgentConfig(*commandLine, QSysInfo::machineHostName(),
                                                       QThread::idealThreadCount());
    if (!config) {
        printError(config.error());
        return kExitConfig;
    }
    setLogLevel(config->logLevel);

    if (!installSignalHandlers()) {
        std::fprintf(stderr, "orrery-agent: cannot install signal handlers: %s\n",
                     std::strerror(errno));
        return kExitRefused;
    }

    const SystemClock clock;
    AgentService service(*config, clock);
    if (const Result<void> started = service.start(); !started) {
        printError(started.error());
        return kExitRefused;
    }

    QSocketNotifier notifier(s_signalFds[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &service, [&service] {
        char signal = 0;
        if (::read(s_signalFds[1], &signal, 1) != 1)
            return;
        const char *name = signal == SIGINT ? "SIGINT" : "SIGTERM";
        if (service.isShuttingDown()) {
            qCInfo(lcMain) << name << "again; still waiting for" << service.runningCount()
                           << "run(s) to end";
            return;
        }
        qCInfo(lcMain) << name << "received; stopping";
        service.shutdown(u"agent stopping (%1)"_s.arg(QLatin1StringView(name)));
    });
    QObject::connect(&service, &AgentService::stopped, &app, [] {
        qCInfo(lcMain) << "stopped";
        // Let the channel's close frame go out before leaving the event loop.
        QTimer::singleShot(200, qApp, [] { QCoreApplication::exit(0); });
    });
    return app.exec();
}

// orreryctl: Orrery's command-line tool. Offline commands (cron preview, file validation,
// template rendering); the online commands talk to an orrery-master.

#include "commandline.h"
#include "croncommands.h"
#include "filecommands.h"
#include "onlinecommands.h"
#include "pkicommands.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery::Cli;

static const char kUsage[] =
    "Usage: orreryctl <command> [options]\n"
    "\n"
    "Commands:\n"
    "  cron next EXPR      next fire times of a cron expression\n"
    "  cron explain EXPR   a cron expression in words (English or Chinese)\n"
    "  validate FILE...    check pipeline, template and alert rule files\n"
    "  render TEMPLATE     render a job template with --set key=value\n"
    "  preview FILE...     scheduled jobs of the files with their next fire times\n"
    "  pki init DIR        create a private CA and the master's TLS certificate\n"
    "  pki issue-agent DIR --name NODE\n"
    "                      issue an agent's client certificate (mutual TLS)\n"
    "\n"
    "Commands that talk to an orrery-master (REST API over HTTPS):\n"
    "  apply FILE...       send pipeline files; the master creates or updates their jobs\n"
    "  jobs list           jobs; also: job show|run|stop NAME\n"
    "  runs list           runs [--job NAME] [--state S] [--limit N]; also: run show|logs ID\n"
    "  nodes list          agents with their state and resources\n"
    "  token create|list|revoke\n"
    "                      API tokens and agent enrolment tokens\n"
    "  Connection options (before or after the command): --server URL, --token T, --ca FILE,\n"
    "  --config FILE, --json. Each setting comes from the first of: the flag, the environment\n"
    "  (ORRERY_URL, ORRERY_TOKEN, ORRERY_CA), the config file\n"
    "  ($XDG_CONFIG_HOME/orrery/orreryctl.conf), ./.orrery/quickstart.env.\n"
    "\n"
    "Options:\n"
    "  -h, --help          help (also after a command: orreryctl cron next --help)\n"
    "  -v, --version       print the version\n";

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"orreryctl"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(ORRERY_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);
    out.setEncoding(QStringConverter::Utf8);
    err.setEncoding(QStringConverter::Utf8);
    const Io io{out, err};

    const QStringList args = QCoreApplication::arguments();
    const QString command = args.size() > 1 ? args.at(1) : QString();
    const QStringList rest = QStringList{u"orreryctl "_s + command} + args.mid(2);

    if (command.isEmpty()) {
        err << kUsage;
        return ExitUsage;
    }
    if (command == u"-h"_s || command == u"--help"_s || command == u"help"_s) {
        out << kUsage;
        return ExitOk;
    }
    if (command == u"-v"_s || command == u"--version"_s || command == u"version"_s) {
        out << "orreryctl " << QCoreApplication::applicationVersion() << '\n';
        return ExitOk;
    }
    if (command == u"cron"_s)
        return runCronCommand(args.mid(1), io);
    if (command == u"pki"_s)
        return runPkiCommand(args.mid(1), io);
    if (isOnlineCommand(command))
        return runOnlineCommand(args.mid(1), io);
    if (command == u"validate"_s)
        return runValidate(rest, io);
    if (command == u"render"_s)
        return runRender(rest, io);
    if (command == u"preview"_s)
        return runPreview(rest, io);
    return fail(io, u"unknown command '%1' (see orreryctl --help)"_s.arg(command), ExitUsage);
}

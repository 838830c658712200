#include "pkicommands.h"

#include <net/pki.h>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

static int pkiInit(const QStringList &args, Io io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(u"dir"_s, u"Directory for the keys and certificates."_s, u"DIR"_s);
    const QCommandLineOption name(
            u"name"_s, u"DNS name of the master (repeatable; default localhost)."_s, u"DNS"_s);
    const QCommandLineOption ip(
            u"ip"_s, u"IP address of the master (repeatable; default 127.0.0.1 and ::1)."_s,
            u"ADDR"_s);
    const QCommandLineOption force(u"force"_s, u"Replace existing files."_s);
    parser.addOptions({name, ip, force});
    if (int rc = parseArguments(parser, args,
                                u"Create a private CA (ca.crt, ca.key) and the master's TLS "
                                "certificate (master.crt, master.key) in DIR.\n"
                                "Agents and clients pin ca.crt. Keys are written mode 0600."_s,
                                io);
        rc >= 0)
        return rc;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return fail(io, u"expected one directory, see --help"_s, ExitUsage);

    Net::PkiOptions options;
    options.dir = positional.first();
    if (parser.isSet(name))
        options.names = parser.values(name);
    if (parser.isSet(ip))
        options.addresses = parser.values(ip);
    options.force = parser.isSet(force);

    const Result<Net::PkiFiles> files = Net::initPki(options);
    if (!files)
        return fail(io, files.error().message);
    io.out << "CA certificate:      " << files->caCert << '\n'
           << "CA key:              " << files->caKey << '\n'
           << "master certificate:  " << files->masterCert << '\n'
           << "master key:          " << files->masterKey << '\n'
           << "CA SHA-256 fingerprint: " << Net::formatFingerprint(files->caSha256) << '\n';
    return ExitOk;
}

static int pkiIssueAgent(const QStringList &args, Io io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(u"dir"_s, u"Directory made by 'orreryctl pki init'."_s, u"DIR"_s);
    const QCommandLineOption name(u"name"_s, u"Node name of the agent (certificate CN)."_s,
                                  u"NODE"_s);
    const QCommandLineOption days(u"days"_s, u"Validity in days (default 825)."_s, u"N"_s,
                                  u"825"_s);
    parser.addOptions({name, days});
    if (int rc = parseArguments(parser, args,
                                u"Issue a client certificate for the agent NODE, signed by the CA "
                                "in DIR, as DIR/agents/NODE.crt and DIR/agents/NODE.key (0600),\n"
                                "for masters that require mutual TLS."_s,
                                io);
        rc >= 0)
        return rc;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return fail(io, u"expected one directory, see --help"_s, ExitUsage);
    if (!parser.isSet(name))
        return fail(io, u"--name NODE is required"_s, ExitUsage);
    bool ok = false;
    const int validity = parser.value(days).toInt(&ok);
    if (!ok || validity <= 0)
        return fail(io, u"--days must be a positive number"_s, ExitUsage);

    const Result<Net::ClientCertFiles> files
            = Net::issueClientCertificate(positional.first(), parser.value(name), validity);
    if (!files)
        return fail(io, files.error().message);
    io.out << "agent certificate:   " << files->certificate << '\n'
           << "agent key:           " << files->privateKey << '\n'
           << "SHA-256 fingerprint: " << Net::formatFingerprint(files->sha256) << '\n';
    return ExitOk;
}

int runPkiCommand(const QStringList &args, Io io)
{
    const QString usage
            = u"Usage: orreryctl pki init DIR [options]\n"
              "       orreryctl pki issue-agent DIR --name NODE [options]\n\n"
              "  init         create a private CA and the master's TLS certificate\n"
              "  issue-agent  issue an agent's client certificate (mutual TLS)\n"_s;
    if (args.size() < 2 || args.at(1) == u"--help"_s || args.at(1) == u"-h"_s
        || args.at(1) == u"help"_s) {
        (args.size() < 2 ? io.err : io.out) << usage;
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    const QString sub = args.at(1);
    const QStringList rest = QStringList{u"orreryctl pki "_s + sub} + args.mid(2);
    if (sub == u"init"_s)
        return pkiInit(rest, io);
    if (sub == u"issue-agent"_s)
        return pkiIssueAgent(rest, io);
    return fail(io, u"unknown pki command '%1' (expected init or issue-agent)"_s.arg(sub),
                ExitUsage);
}

}  // namespace Orrery::Cli

#pragma once

#include <model/result.h>

#include <QByteArrayView>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <utility>

namespace Orrery::Agent {

// The agent's settings: an INI file (docs/configuration.md, "## orrery-agent") with
// command-line flags on top.
//
//     # /etc/orrery/agent.conf
//     [agent]
//     master_urls = wss://master-1:7443, wss://master-2:7443
//     ca_file = ca.crt                # relative paths: relative to this file
//     data_dir = /var/lib/orrery-agent
//     labels = zone=eu-1, role=db
//
// A hand-written reader rather than QSettings: QSettings reports no line numbers, accepts
// unknown keys silently and turns commas into lists on its own. The format is a subset of
// what QSettings reads (one optional [agent] section, `key = value`, `#`/`;` comments).
struct AgentConfig
{
    QList<QUrl> masterUrls;  // wss:// URLs, tried in turn
    QString caFile;          // PEM CA the master's certificate must be signed by (pinned)
    QString clientCertFile;  // mutual TLS (optional, with clientKeyFile)
    QString clientKeyFile;
    QString nodeName;  // empty until resolved: the host name
    QMap<QString, QString> labels;
    QString dataDir;      // holds spool/ and credential
    int maxParallel = 0;  // 0 until resolved: the number of CPUs
    bool allowRoot = false;
    QString enrolToken;                  // one-time token for the first connection
    QString enrolTokenFile;              // read by resolveAgentConfig() into enrolToken
    qint64 heartbeatIntervalMs = 10000;  // until the master's welcome sets its own
    qint64 killGraceMs = 5000;           // for dispatches without one, and at shutdown
    qint64 reconnectMinMs = 1000;        // reconnect backoff
    qint64 reconnectMaxMs = 30000;
    QString logLevel = QStringLiteral("info");  // debug | info | warning | error

    QString spoolDir() const;        // <data_dir>/spool
    QString credentialPath() const;  // <data_dir>/credential

    friend bool operator==(const AgentConfig &, const AgentConfig &) = default;
};

// Every key the file knows, in documentation order.
QStringList agentConfigKeys();

// Parses the text of a config file on top of `base`. Relative paths are taken relative to
// `baseDir` (the file's directory). Errors carry file = fileName and the 1-based line and
// column: Syntax (no '='), UnknownKey (unknown key or section; "did you mean"), DuplicateName
// (a key given twice), InvalidValue / WrongType (a bad value, column of the value).
Result<AgentConfig> parseAgentConfig(QByteArrayView text, const QString &fileName,
                                     const QString &baseDir, AgentConfig base = {});
// Reads and parses a file (Io with file = path when it cannot be read).
Result<AgentConfig> readAgentConfigFile(const QString &path, AgentConfig base = {});

// Sets one key from a command-line flag (`--max-parallel 4` is key max_parallel). List keys
// (master_urls, labels) given as flags replace the file's list; repeated flags add to it.
// Errors carry file = the flag ("--max-parallel").
struct AgentFlag
{
    QString key;
    QString value;
};
Result<AgentConfig> applyAgentFlags(AgentConfig config, const QList<AgentFlag> &flags,
                                    const QString &baseDir);

// Checks what must be present and fills in defaults: MissingField for master_urls, ca_file
// or data_dir (file = configFile, or "command line" without one), InvalidValue for a client
// certificate without its key (or the other way round) or a reconnect_min above
// reconnect_max; node_name = hostName, max_parallel = cpuCount when unset. Reads
// enrol_token_file (Io naming it; it may not be given together with enrol_token).
Result<AgentConfig> resolveAgentConfig(AgentConfig config, const QString &configFile,
                                       const QString &hostName, int cpuCount);

// ---- the command line ---------------------------------------------------------------------

struct AgentCommandLine
{
    bool help = false;
    bool version = false;
    QString configFile;
    QList<AgentFlag> flags;  // in the order given
};

// `orrery-agent [--config FILE] [--KEY VALUE]...`; InvalidValue with file = the option for an
// unknown option, a missing value or a stray argument.
Result<AgentCommandLine> parseAgentCommandLine(const QStringList &arguments);
QString agentUsage();  // the --help text

// config file + flags + resolve, as main() does it. Relative flag paths are taken relative to
// the current directory.
Result<AgentConfig> loadAgentConfig(const AgentCommandLine &commandLine, const QString &hostName,
                                    int cpuCount);

}  // namespace Orrery::Agent

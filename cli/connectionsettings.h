#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QMap>
#include <QString>

#include <optional>

namespace Orrery::Cli {

// How orreryctl reaches a master: its base URL (https://host:port), a bearer token, and the CA
// certificate to pin (empty = the system's trusted CAs).
struct ConnectionSettings
{
    QString server;
    QString token;
    QString ca;
    // Where each value came from ("--server", "ORRERY_URL", a file path), for messages.
    QString serverOrigin;
    QString tokenOrigin;
    QString caOrigin;
};

// Values given on the command line; empty = not given.
struct ConnectionFlags
{
    QString server;
    QString token;
    QString ca;
};

// Everything the settings are resolved from, already read (no I/O in resolveConnection).
struct ConnectionInputs
{
    ConnectionFlags flags;
    QMap<QString, QString> environment;    // at least ORRERY_URL, ORRERY_TOKEN, ORRERY_CA if set
    QString configPath;                    // the INI file (--config or the default path)
    std::optional<QByteArray> configText;  // nullopt = the file does not exist
    QString quickstartPath;                // .orrery/quickstart.env in the current directory
    std::optional<QByteArray> quickstartText;
};

// Each setting separately from the first source that has a non-empty value, in this order:
//   1. the flags --server, --token, --ca
//   2. the environment ORRERY_URL, ORRERY_TOKEN, ORRERY_CA
//   3. the config file (INI keys server, token, ca; a relative ca is relative to the file)
//   4. the quick start's .orrery/quickstart.env (ORRERY_URL=..., ORRERY_TOKEN=..., ORRERY_CA=...;
//      a relative ORRERY_CA is relative to the directory holding .orrery)
// Errors: a file that does not parse (Syntax or UnknownKey, located), no server or no token
// (MissingField), a server that is not an https:// URL with a host (InvalidValue).
Result<ConnectionSettings> resolveConnection(const ConnectionInputs &inputs);

// The keys of the config file and the quick start file as maps. Config file: `key = value`
// lines, `#`/`;` comments, [section] headers ignored, keys server/token/ca only. Quick start
// file: `KEY=VALUE` lines (an optional `export `, quotes around the value), `#` comments,
// other keys ignored. Errors carry the file name, line and column.
Result<QMap<QString, QString>> parseConfigFile(const QByteArray &text, const QString &fileName);
Result<QMap<QString, QString>> parseQuickstartEnv(const QByteArray &text, const QString &fileName);

// The default config file: $XDG_CONFIG_HOME/orrery/orreryctl.conf, or
// ~/.config/orrery/orreryctl.conf when XDG_CONFIG_HOME is unset.
QString defaultConfigPath(const QMap<QString, QString> &environment, const QString &home);

// Reads the environment and the two files for resolveConnection. `configPath` empty = the
// default path (a missing default file is not an error; a missing --config file is, as Io).
Result<ConnectionInputs> readConnectionInputs(const ConnectionFlags &flags,
                                              const QString &configPath);

// One paragraph for --help: where the settings come from and which source wins.
QString connectionHelpText();

}  // namespace Orrery::Cli

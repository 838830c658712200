#include "agentconfig.h"

#include <model/duration.h>
#include <model/spelling.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <climits>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Agent {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Agent)
};

// Where a value came from, for error messages.
struct Location
{
    QString file;  // config file path, or the flag ("--max-parallel")
    int line = 0;
    int column = 0;
};

Error located(ErrorCode code, const QString &message, const Location &where)
{
    Error e = makeError(code, message, where.line, where.column);
    e.file = where.file;
    return e;
}

// Flag name -> key. Every key has its dashed form; the list keys also a singular one,
// which reads better when repeated (`--master-url A --master-url B`).
const QList<std::pair<QString, QString>> &flagTable()
{
    static const QList<std::pair<QString, QString>> table = [] {
        QList<std::pair<QString, QString>> t;
        for (const QString &key : agentConfigKeys())
            t.append({u"--"_s + QString(key).replace(u'_', u'-'), key});
        t.append({u"--master-url"_s, u"master_urls"_s});
        t.append({u"--label"_s, u"labels"_s});
        return t;
    }();
    return table;
}

QString flagNameFor(const QString &key)
{
    if (key == u"master_urls"_s)
        return u"--master-url"_s;
    if (key == u"labels"_s)
        return u"--label"_s;
    return u"--"_s + QString(key).replace(u'_', u'-');
}

QString didYouMean(const QString &word, const QStringList &candidates)
{
    const QString best = closestMatch(word, candidates);
    return best.isEmpty() ? QString() : Tr::tr(" (did you mean '%1'?)").arg(best);
}

QString absolutePath(const QString &path, const QString &baseDir)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path) || baseDir.isEmpty())
        return path;
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(path));
}

Result<qint64> durationMs(const QString &key, const QString &value, bool allowZero,
                          const Location &where)
{
    const Result<qint64> secs = parseDuration(value, allowZero);
    if (!secs) {
        Location at = where;
        if (secs.error().column > 0)
            at.column = where.column + secs.error().column - 1;
        return located(ErrorCode::InvalidValue, Tr::tr("'%1': %2").arg(key, secs.error().message),
                       at);
    }
    if (*secs > INT_MAX / 1000)
        return located(ErrorCode::InvalidValue, Tr::tr("'%1' is too long").arg(key), where);
    return *secs * 1000;
}

Result<bool> parseBool(const QString &key, const QString &value, const Location &where)
{
    const QString v = value.toLower();
    if (v == u"true"_s || v == u"yes"_s || v == u"on"_s || v == u"1"_s)
        return true;
    if (v == u"false"_s || v == u"no"_s || v == u"off"_s || v == u"0"_s)
        return false;
    return located(ErrorCode::WrongType,
                   Tr::tr("'%1' must be true or false, not '%2'").arg(key, value), where);
}

// Splits "a, b c" at commas and white space; empty parts are dropped.
QStringList splitList(const QString &value)
{
    static const QRegularExpression separators(u"[,\\s]+"_s);
    return value.split(separators, Qt::SkipEmptyParts);
}

Result<QUrl> parseMasterUrl(const QString &text, const Location &where)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"wss"_s || url.host().isEmpty()
        || !url.userInfo().isEmpty() || url.hasFragment()) {
        return located(
                ErrorCode::InvalidValue,
                Tr::tr("'master_urls': '%1' is not a wss://host[:port][/path] URL").arg(text),
                where);
    }
    return url;
}

bool isLabelKey(const QString &key)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9][A-Za-z0-9_.\\-/]{0,62}$"_s);
    return pattern.match(key).hasMatch();
}

// Sets one key. `append` adds to a list key instead of replacing it.
Result<void> applySetting(AgentConfig &config, const QString &key, const QString &value,
                          const Location &where, const QString &baseDir, bool append)
{
    if (key == u"master_urls"_s) {
        if (!append)
            config.masterUrls.clear();
        const QStringList parts = splitList(value);
        if (parts.isEmpty())
            return located(ErrorCode::InvalidValue,
                           Tr::tr("'master_urls' needs at least one wss:// URL"), where);
        for (const QString &part : parts) {
            const Result<QUrl> url = parseMasterUrl(part, where);
            if (!url)
                return url.error();
            config.masterUrls.append(*url);
        }
    } else if (key == u"labels"_s) {
        if (!append)
            config.labels.clear();
        for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
            const QString item = part.trimmed();
            if (item.isEmpty())
                continue;
            const qsizetype eq = item.indexOf(u'=');
            const QString name = eq < 0 ? item : item.left(eq).trimmed();
            if (eq < 0 || !isLabelKey(name))
                return located(ErrorCode::InvalidValue,
                               Tr::tr("'labels': '%1' is not name=value (name: letters, digits, "
                                      "'_', '.', '-', '/')")
                                       .arg(item),
                               where);
            if (config.labels.contains(name))
                return located(ErrorCode::DuplicateName,
                               Tr::tr("'labels': label '%1' given twice").arg(name), where);
            config.labels.insert(name, item.mid(eq + 1).trimmed());
        }
    } else if (key == u"ca_file"_s) {
        config.caFile = absolutePath(value, baseDir);
    } else if (key == u"client_cert"_s) {
        config.clientCertFile = absolutePath(value, baseDir);
    } else if (key == u"client_key"_s) {
        config.clientKeyFile = absolutePath(value, baseDir);
    } else if (key == u"data_dir"_s) {
        config.dataDir = absolutePath(value, baseDir);
    } else if (key == u"enrol_token_file"_s) {
        config.enrolTokenFile = absolutePath(value, baseDir);
    } else if (key == u"enrol_token"_s) {
        config.enrolToken = value;
    } else if (key == u"node_name"_s) {
        if (value.size() > 255)
            return located(ErrorCode::InvalidValue,
                           Tr::tr("'node_name' is longer than 255 characters"), where);
        config.nodeName = value;
    } else if (key == u"max_parallel"_s) {
        bool ok = false;
        const int n = value.toInt(&ok);
        if (!ok)
            return located(ErrorCode::WrongType,
                           Tr::tr("'max_parallel' must be a whole number, not '%1'").arg(value),
                           where);
        if (n < 1 || n > 4096)
            return located(ErrorCode::InvalidValue,
                           Tr::tr("'max_parallel' must be between 1 and 4096"), where);
        config.maxParallel = n;
    } else if (key == u"allow_root"_s) {
        const Result<bool> b = parseBool(key, value, where);
        if (!b)
            return b.error();
        config.allowRoot = *b;
    } else if (key == u"heartbeat_interval"_s) {
        const Result<qint64> ms = durationMs(key, value, false, where);
        if (!ms)
            return ms.error();
        config.heartbeatIntervalMs = *ms;
    } else if (key == u"kill_grace"_s) {
        const Result<qint64> ms = durationMs(key, value, true, where);
        if (!ms)
            return ms.error();
        config.killGraceMs = *ms;
    } else if (key == u"reconnect_min"_s) {
        const Result<qint64> ms = durationMs(key, value, false, where);
        if (!ms)
            return ms.error();
        config.reconnectMinMs = *ms;
    } else if (key == u"reconnect_max"_s) {
        const Result<qint64> ms = durationMs(key, value, false, where);
        if (!ms)
            return ms.error();
        config.reconnectMaxMs = *ms;
    } else if (key == u"log_level"_s) {
        static const QStringList levels = {u"debug"_s, u"info"_s, u"warning"_s, u"error"_s};
        const QString level = value.toLower();
        if (!levels.contains(level))
            return located(ErrorCode::InvalidValue,
                           Tr::tr("'log_level' must be one of debug, info, warning, error, not "
                                  "'%1'")
                                   .arg(value),
                           where);
        config.logLevel = level;
    } else {
        return located(ErrorCode::UnknownKey,
                       Tr::tr("unknown key '%1'%2").arg(key, didYouMean(key, agentConfigKeys())),
                       where);
    }
    return {};
}

}  // namespace

QString AgentConfig::spoolDir() const
{
    return QDir(dataDir).filePath(u"spool"_s);
}

QString AgentConfig::credentialPath() const
{
    return QDir(dataDir).filePath(u"credential"_s);
}

QStringList agentConfigKeys()
{
    return {u"master_urls"_s, u"ca_file"_s,       u"client_cert"_s,      u"client_key"_s,
            u"node_name"_s,   u"labels"_s,        u"data_dir"_s,         u"max_parallel"_s,
            u"allow_root"_s,  u"enrol_token"_s,   u"enrol_token_file"_s, u"heartbeat_interval"_s,
            u"kill_grace"_s,  u"reconnect_min"_s, u"reconnect_max"_s,    u"log_level"_s};
}

Result<AgentConfig> parseAgentConfig(QByteArrayView text, const QString &fileName,
                                     const QString &baseDir, AgentConfig base)
{
    AgentConfig config = std::move(base);
    QMap<QString, int> seen;  // key -> line
    const QString all = QString::fromUtf8(text);
    const QStringList lines = all.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        QString line = lines.at(i);
        if (line.endsWith(u'\r'))
            line.chop(1);
        // Column of the first non-blank character.
        qsizetype start = 0;
        while (start < line.size() && line.at(start).isSpace())
            ++start;
        const QString body = line.mid(start).trimmed();
        if (body.isEmpty() || body.startsWith(u'#') || body.startsWith(u';'))
            continue;
        if (body.startsWith(u'[')) {
            if (!body.endsWith(u']'))
                return located(ErrorCode::Syntax, Tr::tr("section header without ']'"),
                               {fileName, lineNo, static_cast<int>(start + 1)});
            const QString section = body.mid(1, body.size() - 2).trimmed();
            if (section != u"agent"_s)
                return located(
                        ErrorCode::UnknownKey,
                        Tr::tr("unknown section '[%1]'; the agent reads [agent]").arg(section),
                        {fileName, lineNo, static_cast<int>(start + 1)});
            continue;
        }
        const qsizetype eq = line.indexOf(u'=', start);
        if (eq < 0)
            return located(ErrorCode::Syntax, Tr::tr("expected 'key = value'"),
                           {fileName, lineNo, static_cast<int>(start + 1)});
        const QString key = line.mid(start, eq - start).trimmed();
        if (key.isEmpty())
            return located(ErrorCode::Syntax, Tr::tr("expected a key before '='"),
                           {fileName, lineNo, static_cast<int>(start + 1)});
        qsizetype valueStart = eq + 1;
        while (valueStart < line.size() && line.at(valueStart).isSpace())
            ++valueStart;
        QString value = line.mid(valueStart).trimmed();
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
            value = value.mid(1, value.size() - 2);

        const Location keyAt{fileName, lineNo, static_cast<int>(start + 1)};
        if (!agentConfigKeys().contains(key))
            return located(
                    ErrorCode::UnknownKey,
                    Tr::tr("unknown key '%1'%2").arg(key, didYouMean(key, agentConfigKeys())),
                    keyAt);
        if (const auto it = seen.constFind(key); it != seen.constEnd())
            return located(ErrorCode::DuplicateName,
                           Tr::tr("key '%1' given twice (first on line %2)").arg(key).arg(*it),
                           keyAt);
        seen.insert(key, lineNo);
        const Location valueAt{fileName, lineNo, static_cast<int>(valueStart + 1)};
        if (const Result<void> r = applySetting(config, key, value, valueAt, baseDir, false); !r)
            return r.error();
    }
    return config;
}

Result<AgentConfig> readAgentConfigFile(const QString &path, AgentConfig base)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        Error e = makeError(ErrorCode::Io,
                            Tr::tr("cannot read the configuration: %1").arg(file.errorString()));
        e.file = path;
        return e;
    }
    const QByteArray text = file.readAll();
    return parseAgentConfig(text, path, QFileInfo(path).absolutePath(), std::move(base));
}

Result<AgentConfig> applyAgentFlags(AgentConfig config, const QList<AgentFlag> &flags,
                                    const QString &baseDir)
{
    QStringList listsGiven;
    for (const AgentFlag &flag : flags) {
        const Location where{flagNameFor(flag.key), 0, 0};
        const bool isList = flag.key == u"master_urls"_s || flag.key == u"labels"_s;
        const bool append = isList && listsGiven.contains(flag.key);
        if (isList && !append)
            listsGiven.append(flag.key);
        if (const Result<void> r
            = applySetting(config, flag.key, flag.value, where, baseDir, append);
            !r)
            return r.error();
    }
    return config;
}

Result<AgentConfig> resolveAgentConfig(AgentConfig config, const QString &configFile,
                                       const QString &hostName, int cpuCount)
{
    const QString where = configFile.isEmpty() ? u"command line"_s : configFile;
    auto missing = [&](const QString &key, const QString &flag) {
        Error e = makeError(ErrorCode::MissingField,
                            Tr::tr("missing required key '%1' (or %2)").arg(key, flag));
        e.file = where;
        return e;
    };
    auto invalid = [&](const QString &message) {
        Error e = makeError(ErrorCode::InvalidValue, message);
        e.file = where;
        return e;
    };
    if (config.masterUrls.isEmpty())
        return missing(u"master_urls"_s, u"--master-url"_s);
    if (config.caFile.isEmpty())
        return missing(u"ca_file"_s, u"--ca-file"_s);
    if (config.dataDir.isEmpty())
        return missing(u"data_dir"_s, u"--data-dir"_s);
    if (config.clientCertFile.isEmpty() != config.clientKeyFile.isEmpty())
        return invalid(Tr::tr("'client_cert' and 'client_key' must be given together"));
    if (config.reconnectMinMs > config.reconnectMaxMs)
        return invalid(Tr::tr("'reconnect_min' is longer than 'reconnect_max'"));
    if (!config.enrolToken.isEmpty() && !config.enrolTokenFile.isEmpty())
        return invalid(Tr::tr("give either 'enrol_token' or 'enrol_token_file', not both"));

    if (!config.enrolTokenFile.isEmpty()) {
        QFile file(config.enrolTokenFile);
        if (!file.open(QIODevice::ReadOnly)) {
            Error e = makeError(
                    ErrorCode::Io,
                    Tr::tr("cannot read the enrolment token: %1").arg(file.errorString()));
            e.file = config.enrolTokenFile;
            return e;
        }
        const QString token = QString::fromUtf8(file.read(64 * 1024)).trimmed();
        if (token.isEmpty()) {
            Error e = makeError(ErrorCode::InvalidValue,
                                Tr::tr("the enrolment token file is empty"));
            e.file = config.enrolTokenFile;
            return e;
        }
        config.enrolToken = token;
    }
    if (config.nodeName.isEmpty())
        config.nodeName = hostName.left(255);
    if (config.nodeName.isEmpty())
        return missing(u"node_name"_s, u"--node-name"_s);
    if (config.maxParallel <= 0)
        config.maxParallel = std::clamp(cpuCount, 1, 4096);
    return config;
}

// ---- command line ---------------------------------------------------------------------------

Result<AgentCommandLine> parseAgentCommandLine(const QStringList &arguments)
{
    AgentCommandLine out;
    auto bad = [](const QString &option, const QString &message) {
        Error e = makeError(ErrorCode::InvalidValue, message);
        e.file = option;
        return e;
    };
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString arg = arguments.at(i);
        if (arg == u"--help"_s || arg == u"-h"_s) {
            out.help = true;
            continue;
        }
        if (arg == u"--version"_s || arg == u"-v"_s) {
            out.version = true;
            continue;
        }
        if (!arg.startsWith(u"--"_s))
            return bad(arg, Tr::tr("unexpected argument '%1'; see --help").arg(arg));
        QString name = arg;
        QString value;
        bool hasValue = false;
        if (const qsizetype eq = arg.indexOf(u'='); eq > 0) {
            name = arg.left(eq);
            value = arg.mid(eq + 1);
            hasValue = true;
        }
        QString key;
        if (name != u"--config"_s) {
            for (const auto &[flag, k] : flagTable()) {
                if (flag == name)
                    key = k;
            }
            if (key.isEmpty()) {
                QStringList names = {u"--config"_s, u"--help"_s, u"--version"_s};
                for (const auto &entry : flagTable())
                    names.append(entry.first);
                return bad(name,
                           Tr::tr("unknown option '%1'%2").arg(name, didYouMean(name, names)));
            }
        }
        if (!hasValue) {
            if (key == u"allow_root"_s) {
                value = u"true"_s;  // a bare --allow-root
            } else if (i + 1 < arguments.size()) {
                value = arguments.at(++i);
            } else {
                return bad(name, Tr::tr("option '%1' needs a value").arg(name));
            }
        }
        if (key.isEmpty())
            out.configFile = value;
        else
            out.flags.append({key, value});
    }
    return out;
}

QString agentUsage()
{
    return uR"(Usage: orrery-agent --config FILE [--KEY VALUE]...

Runs jobs for an Orrery master: dials out to it over wss:// (TLS, the master's CA pinned),
enrols with a one-time token on first start, runs dispatched commands as child processes,
streams their output and keeps every result on disk until the master acknowledges it.

Options:
  --config FILE               INI file with the keys below (see docs/configuration.md)
  --help, -h                  show this text
  --version, -v               show the version

Every key of the file can be given as a flag, which overrides the file:
  --master-url URL            master wss:// URL; repeat for several (key master_urls)
  --ca-file FILE              CA certificate that signs the master's certificate
  --client-cert FILE          client certificate for mutual TLS (with --client-key)
  --client-key FILE           its private key (PEM, unencrypted)
  --node-name NAME            this node's name (default: the host name)
  --label NAME=VALUE          a node label; repeat for several (key labels)
  --data-dir DIR              result spool and credential (created, mode 0700)
  --max-parallel N            runs at the same time (default: number of CPUs)
  --allow-root[=true|false]   allow running jobs as root (default: false)
  --enrol-token TOKEN         one-time enrolment token (first start only)
  --enrol-token-file FILE     read the token from FILE instead
  --heartbeat-interval DUR    until the master says otherwise (default 10s)
  --kill-grace DUR            SIGTERM -> SIGKILL delay (default 5s)
  --reconnect-min DUR         first reconnect delay (default 1s)
  --reconnect-max DUR         longest reconnect delay (default 30s)
  --log-level LEVEL           debug, info, warning or error (default info)

Signals: SIGTERM or SIGINT stops taking runs, cancels the running ones (SIGTERM to each
job's process group, SIGKILL after the kill grace), spools their results and exits 0.
Exit codes: 0 stopped by a signal, 1 configuration error, 2 refused to start (root,
data directory, TLS files).
)"_s;
}

Result<AgentConfig> loadAgentConfig(const AgentCommandLine &commandLine, const QString &hostName,
                                    int cpuCount)
{
    AgentConfig config;
    if (!commandLine.configFile.isEmpty()) {
        Result<AgentConfig> fromFile = readAgentConfigFile(commandLine.configFile);
        if (!fromFile)
            return fromFile.error();
        config = std::move(*fromFile);
    }
    Result<AgentConfig> flagged
            = applyAgentFlags(std::move(config), commandLine.flags, QDir::currentPath());
    if (!flagged)
        return flagged.error();
    return resolveAgentConfig(std::move(*flagged), commandLine.configFile, hostName, cpuCount);
}

}  // namespace Orrery::Agent

#include "connectionsettings.h"

#include <model/spelling.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

static Error located(ErrorCode code, const QString &message, const QString &file, int line,
                     int column)
{
    return Error{code, message, file, line, column};
}

// The value after '=': trimmed, one pair of surrounding double or single quotes removed.
static QString unquote(QString value)
{
    value = value.trimmed();
    if (value.size() >= 2
        && ((value.startsWith(u'"') && value.endsWith(u'"'))
            || (value.startsWith(u'\'') && value.endsWith(u'\''))))
        value = value.mid(1, value.size() - 2);
    return value;
}

static int firstNonSpace(const QString &line)
{
    int i = 0;
    while (i < line.size() && line.at(i).isSpace())
        ++i;
    return i;
}

Result<QMap<QString, QString>> parseConfigFile(const QByteArray &text, const QString &fileName)
{
    static const QStringList keys{u"server"_s, u"token"_s, u"ca"_s};
    QMap<QString, QString> values;
    const QStringList lines = QString::fromUtf8(text).split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i);
        const QString trimmed = line.trimmed();
        const int column = firstNonSpace(line) + 1;
        if (trimmed.isEmpty() || trimmed.startsWith(u'#') || trimmed.startsWith(u';'))
            continue;
        if (trimmed.startsWith(u'[')) {
            if (!trimmed.endsWith(u']'))
                return located(ErrorCode::Syntax, u"expected ']' at the end of the section"_s,
                               fileName, i + 1, column);
            continue;
        }
        const qsizetype eq = trimmed.indexOf(u'=');
        if (eq < 0)
            return located(ErrorCode::Syntax, u"expected key = value"_s, fileName, i + 1, column);
        const QString key = trimmed.left(eq).trimmed();
        if (!keys.contains(key)) {
            QString message = u"unknown key '%1' (expected server, token or ca)"_s.arg(key);
            const QString guess = closestMatch(key, keys);
            if (!guess.isEmpty())
                message = u"unknown key '%1' (did you mean '%2'?)"_s.arg(key, guess);
            return located(ErrorCode::UnknownKey, message, fileName, i + 1, column);
        }
        values.insert(key, unquote(trimmed.mid(eq + 1)));
    }
    return values;
}

Result<QMap<QString, QString>> parseQuickstartEnv(const QByteArray &text, const QString &fileName)
{
    QMap<QString, QString> values;
    const QStringList lines = QString::fromUtf8(text).split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i);
        QString trimmed = line.trimmed();
        int column = firstNonSpace(line) + 1;
        if (trimmed.isEmpty() || trimmed.startsWith(u'#'))
            continue;
        if (trimmed.startsWith(u"export "_s)) {
            trimmed = trimmed.mid(7).trimmed();
            column = line.indexOf(trimmed) + 1;
        }
        const qsizetype eq = trimmed.indexOf(u'=');
        const QString key = eq < 0 ? QString() : trimmed.left(eq);
        bool validKey = !key.isEmpty();
        for (const QChar c : key)
            validKey = validKey && (c.isLetterOrNumber() || c == u'_') && c.unicode() < 128;
        if (!validKey)
            return located(ErrorCode::Syntax, u"expected KEY=VALUE"_s, fileName, i + 1, column);
        values.insert(key, unquote(trimmed.mid(eq + 1)));
    }
    return values;
}

// `path` as given when absolute, else relative to `base`.
static QString relativeTo(const QString &path, const QString &base)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QDir::cleanPath(base + u'/' + path);
}

namespace {
struct Layer
{
    QString serverOrigin, tokenOrigin, caOrigin;
    QString server, token, ca;
};
}  // namespace

static ConnectionSettings pick(const QList<Layer> &layers)
{
    ConnectionSettings s;
    for (const Layer &l : layers) {
        if (s.server.isEmpty() && !l.server.isEmpty()) {
            s.server = l.server;
            s.serverOrigin = l.serverOrigin;
        }
        if (s.token.isEmpty() && !l.token.isEmpty()) {
            s.token = l.token;
            s.tokenOrigin = l.tokenOrigin;
        }
        if (s.ca.isEmpty() && !l.ca.isEmpty()) {
            s.ca = l.ca;
            s.caOrigin = l.caOrigin;
        }
    }
    return s;
}

Result<ConnectionSettings> resolveConnection(const ConnectionInputs &inputs)
{
    QList<Layer> layers;
    layers.append({u"--server"_s, u"--token"_s, u"--ca"_s, inputs.flags.server.trimmed(),
                   inputs.flags.token.trimmed(), inputs.flags.ca.trimmed()});
    layers.append({u"ORRERY_URL"_s, u"ORRERY_TOKEN"_s, u"ORRERY_CA"_s,
                   inputs.environment.value(u"ORRERY_URL"_s).trimmed(),
                   inputs.environment.value(u"ORRERY_TOKEN"_s).trimmed(),
                   inputs.environment.value(u"ORRERY_CA"_s).trimmed()});
    if (inputs.configText) {
        const Result<QMap<QString, QString>> config
                = parseConfigFile(*inputs.configText, inputs.configPath);
        if (!config)
            return config.error();
        const QString base = QFileInfo(inputs.configPath).absolutePath();
        layers.append({inputs.configPath, inputs.configPath, inputs.configPath,
                       config->value(u"server"_s), config->value(u"token"_s),
                       relativeTo(config->value(u"ca"_s), base)});
    }
    if (inputs.quickstartText) {
        const Result<QMap<QString, QString>> quick
                = parseQuickstartEnv(*inputs.quickstartText, inputs.quickstartPath);
        if (!quick)
            return quick.error();
        // .orrery/quickstart.env: paths are relative to the directory that holds .orrery.
        const QString base
                = QFileInfo(QFileInfo(inputs.quickstartPath).absolutePath()).absolutePath();
        layers.append({inputs.quickstartPath, inputs.quickstartPath, inputs.quickstartPath,
                       quick->value(u"ORRERY_URL"_s), quick->value(u"ORRERY_TOKEN"_s),
                       relativeTo(quick->value(u"ORRERY_CA"_s), base)});
    }

    ConnectionSettings s = pick(layers);
    const QString sources = u"--%1, %2, '%3' in %4 or %5 in %6"_s;
    if (s.server.isEmpty())
        return makeError(
                ErrorCode::MissingField,
                u"no master to talk to: give "_s
                        + sources.arg(u"server URL"_s, u"ORRERY_URL"_s, u"server"_s,
                                      inputs.configPath, u"ORRERY_URL"_s, inputs.quickstartPath));
    if (s.token.isEmpty())
        return makeError(
                ErrorCode::MissingField,
                u"no API token: give "_s
                        + sources.arg(u"token T"_s, u"ORRERY_TOKEN"_s, u"token"_s,
                                      inputs.configPath, u"ORRERY_TOKEN"_s, inputs.quickstartPath));

    const QUrl url(s.server, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"https"_s || url.host().isEmpty() || url.hasQuery()
        || url.hasFragment())
        return makeError(ErrorCode::InvalidValue,
                         u"server '%1' (from %2) is not an https:// URL such as "
                         "https://master.example:8443"_s.arg(s.server, s.serverOrigin));
    while (s.server.endsWith(u'/'))
        s.server.chop(1);
    return s;
}

QString defaultConfigPath(const QMap<QString, QString> &environment, const QString &home)
{
    QString base = environment.value(u"XDG_CONFIG_HOME"_s);
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = home + u"/.config"_s;
    return base + u"/orrery/orreryctl.conf"_s;
}

static std::optional<QByteArray> readIfExists(const QString &path, Result<void> *error)
{
    QFile file(path);
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = Error{ErrorCode::Io, u"cannot read: %1"_s.arg(file.errorString()), path, 0, 0};
        return std::nullopt;
    }
    return file.readAll();
}

Result<ConnectionInputs> readConnectionInputs(const ConnectionFlags &flags,
                                              const QString &configPath)
{
    ConnectionInputs inputs;
    inputs.flags = flags;
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(u"ORRERY_"_s) || key == u"XDG_CONFIG_HOME"_s)
            inputs.environment.insert(key, env.value(key));
    }
    inputs.configPath = configPath.isEmpty()
                                ? defaultConfigPath(inputs.environment, QDir::homePath())
                                : configPath;
    Result<void> error;
    inputs.configText = readIfExists(inputs.configPath, &error);
    if (!error)
        return error.error();
    if (!configPath.isEmpty() && !inputs.configText)
        return Error{ErrorCode::Io, u"no such config file"_s, configPath, 0, 0};
    inputs.quickstartPath = u".orrery/quickstart.env"_s;
    inputs.quickstartText = readIfExists(inputs.quickstartPath, &error);
    if (!error)
        return error.error();
    return inputs;
}

QString connectionHelpText()
{
    return u"Connection: each setting comes from the first of, in this order: the flags "
           "--server/--token/--ca; the environment ORRERY_URL/ORRERY_TOKEN/ORRERY_CA; the config "
           "file (--config, default $XDG_CONFIG_HOME/orrery/orreryctl.conf, INI keys server, "
           "token, ca); .orrery/quickstart.env in the current directory (written by the quick "
           "start). With a CA only certificates it signed are accepted; without one, the "
           "system's trusted CAs."_s;
}

}  // namespace Orrery::Cli

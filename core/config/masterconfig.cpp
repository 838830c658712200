#include "masterconfig.h"

#include "jobyaml.h"
#include "readers.h"
#include "yamlreader.h"

#include <cron/cronexpression.h>
#include <model/duration.h>

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <algorithm>
#include <limits>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

using namespace Config;
using namespace Config::Internal;

namespace {

// Limits shared by the reader (errors located at the value) and validateMasterConfig().
constexpr qint64 kMaxPort = 65535;
constexpr qint64 kMinHeartbeatSecs = 1;
constexpr qint64 kMaxHeartbeatSecs = 3600;
constexpr qint64 kMinMissedHeartbeats = 1;
constexpr qint64 kMaxMissedHeartbeats = 100;
constexpr qint64 kMaxKillGraceSecs = 3600;
constexpr qint64 kMinOutputLimit = 1024;
constexpr qint64 kMaxOutputLimit = qint64(1) << 30;  // 1 GiB
constexpr qint64 kMinMessageBytes = 4096;
constexpr qint64 kMaxMessageBytes = qint64(64) << 20;  // 64 MiB

const QStringList &topKeys()
{
    static const QStringList keys{
            u"listen_address"_s,    u"api_port"_s,   u"agent_port"_s,
            u"data_dir"_s,          u"store"_s,      u"tls"_s,
            u"log_level"_s,         u"time_zone"_s,  u"heartbeat_interval"_s,
            u"missed_heartbeats"_s, u"kill_grace"_s, u"output_limit"_s,
            u"max_message_bytes"_s, u"scheduling"_s, u"autoscale"_s,
    };
    return keys;
}

const QStringList &schedulingKeys()
{
    static const QStringList keys{
            u"default_strategy"_s, u"ageing_step"_s,      u"p3_max_utilisation"_s,
            u"max_running"_s,      u"cpu_any_below"_s,    u"cpu_light_max"_s,
            u"memory_any_above"_s, u"memory_light_min"_s, u"predispatch_ms"_s,
    };
    return keys;
}

const QStringList &autoscaleKeys()
{
    static const QStringList keys{
            u"hook"_s,
            u"queue_length_above"_s,
            u"average_wait_above"_s,
            u"fleet_cpu_above"_s,
            u"scale_in_cpu_below"_s,
            u"cpu_window"_s,
            u"cooldown"_s,
            u"min_nodes"_s,
    };
    return keys;
}

// The strategies a master may default to (broadcast and `default` are per job only).
const QStringList &defaultStrategies()
{
    static const QStringList words{u"round_robin"_s, u"weighted_round_robin"_s, u"least_running"_s,
                                   u"resource_aware"_s};
    return words;
}

const QStringList &tlsKeys()
{
    static const QStringList keys{u"certificate"_s, u"private_key"_s, u"client_ca"_s,
                                  u"require_client_certificate"_s};
    return keys;
}

const QStringList &logLevels()
{
    static const QStringList words{u"debug"_s, u"info"_s, u"warning"_s, u"error"_s};
    return words;
}

// A path as written, made absolute against baseDir when it is relative. Empty stays empty.
QString resolvePath(const QString &path, const QString &baseDir)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path) || baseDir.isEmpty())
        return path.isEmpty() ? path : QDir::cleanPath(path);
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(path));
}

// "sqlite:<relative>" is resolved like the other paths; other URLs are kept as written.
QString resolveStore(const QString &store, const QString &baseDir)
{
    if (!store.startsWith(u"sqlite:"_s))
        return store;
    QString path = store.mid(7);
    if (path.startsWith(u"//"_s))
        path = path.mid(2);
    if (path.isEmpty())
        return store;
    return u"sqlite:"_s + resolvePath(path, baseDir);
}

// A problem found by check(): the keys it concerns (the first one written in the file
// locates it) and the error without a location.
struct Problem
{
    QStringList keys;  // "api_port", "tls.client_ca", ...
    Error error;
};

Problem invalid(const QStringList &keys, const QString &message)
{
    return Problem{keys, Error{ErrorCode::InvalidValue, message, {}, 0, 0}};
}

std::optional<Problem> outOfRange(const QString &key, qint64 value, qint64 min, qint64 max)
{
    if (value >= min && value <= max)
        return std::nullopt;
    return invalid(
            {key},
            Tr::tr("'%1' must be between %2 and %3, not %4").arg(key).arg(min).arg(max).arg(value));
}

// Ranges and combinations; the first problem in the order of the file reference.
std::optional<Problem> check(const MasterConfig &c)
{
    if (c.listenAddress.trimmed().isEmpty()
        || std::any_of(c.listenAddress.cbegin(), c.listenAddress.cend(),
                       [](QChar ch) { return ch.isSpace(); }))
        return invalid({u"listen_address"_s},
                       Tr::tr("'listen_address' must be an address or a host name, not '%1'")
                               .arg(c.listenAddress));
    if (auto p = outOfRange(u"api_port"_s, c.apiPort, 0, kMaxPort))
        return p;
    if (auto p = outOfRange(u"agent_port"_s, c.agentPort, 0, kMaxPort))
        return p;
    if (c.apiPort != 0 && c.apiPort == c.agentPort)
        return invalid(
                {u"agent_port"_s, u"api_port"_s},
                Tr::tr("'agent_port' and 'api_port' must differ (both are %1)").arg(c.apiPort));
    if (c.dataDir.trimmed().isEmpty())
        return invalid({u"data_dir"_s}, Tr::tr("'data_dir' must not be empty"));
    if (!c.store.isEmpty()) {
        const bool sqlite = c.store.startsWith(u"sqlite:"_s);
        const bool postgres
                = c.store.startsWith(u"postgresql://"_s) || c.store.startsWith(u"postgres://"_s);
        if (!sqlite && !postgres)
            return invalid({u"store"_s},
                           Tr::tr("'store' must be sqlite:<path> or postgresql://..., not '%1'")
                                   .arg(c.store));
        if (sqlite && resolveStore(c.store, {}).mid(7).isEmpty())
            return invalid({u"store"_s}, Tr::tr("'store' names no database file"));
    }
    if (!c.tlsCertificate.isEmpty() && c.tlsPrivateKey.isEmpty())
        return invalid({u"tls.certificate"_s},
                       Tr::tr("'tls.certificate' needs 'tls.private_key' as well"));
    if (c.tlsCertificate.isEmpty() && !c.tlsPrivateKey.isEmpty())
        return invalid({u"tls.private_key"_s},
                       Tr::tr("'tls.private_key' needs 'tls.certificate' as well"));
    if (c.requireClientCertificate && c.tlsClientCa.isEmpty())
        return invalid({u"tls.require_client_certificate"_s},
                       Tr::tr("'tls.require_client_certificate' needs 'tls.client_ca', the CA "
                              "that signs the agents' certificates"));
    if (!logLevels().contains(c.logLevel))
        return invalid({u"log_level"_s}, Tr::tr("'log_level' must be one of %1, not '%2'")
                                                 .arg(quotedList(logLevels()), c.logLevel));
    if (c.timeZone.trimmed().isEmpty())
        return invalid({u"time_zone"_s}, Tr::tr("'time_zone' must not be empty"));
    if (const Result<QTimeZone> zone = Cron::timeZoneFromName(c.timeZone); !zone)
        return Problem{{u"time_zone"_s}, zone.error()};
    if (auto p = outOfRange(u"heartbeat_interval"_s, c.heartbeatIntervalMs,
                            kMinHeartbeatSecs * 1000, kMaxHeartbeatSecs * 1000)) {
        p->error.message = Tr::tr("'heartbeat_interval' must be between %1 and %2")
                                   .arg(formatDuration(kMinHeartbeatSecs),
                                        formatDuration(kMaxHeartbeatSecs));
        return p;
    }
    if (auto p = outOfRange(u"missed_heartbeats"_s, c.missedHeartbeats, kMinMissedHeartbeats,
                            kMaxMissedHeartbeats))
        return p;
    if (auto p = outOfRange(u"kill_grace"_s, c.killGraceMs, 0, kMaxKillGraceSecs * 1000)) {
        p->error.message = Tr::tr("'kill_grace' must be between 0s and %1")
                                   .arg(formatDuration(kMaxKillGraceSecs));
        return p;
    }
    if (auto p
        = outOfRange(u"output_limit"_s, c.outputLimitBytes, kMinOutputLimit, kMaxOutputLimit))
        return p;
    if (auto p
        = outOfRange(u"max_message_bytes"_s, c.maxMessageBytes, kMinMessageBytes, kMaxMessageBytes))
        return p;
    if (!defaultStrategies().contains(c.defaultStrategy))
        return invalid({u"scheduling.default_strategy"_s},
                       Tr::tr("'scheduling.default_strategy' must be one of %1, not '%2'")
                               .arg(quotedList(defaultStrategies()), c.defaultStrategy));
    if (c.cpuAnyBelow > c.cpuLightMax)
        return invalid({u"scheduling.cpu_any_below"_s, u"scheduling.cpu_light_max"_s},
                       Tr::tr("'scheduling.cpu_any_below' (%1) must not be above "
                              "'scheduling.cpu_light_max' (%2)")
                               .arg(c.cpuAnyBelow)
                               .arg(c.cpuLightMax));
    if (c.memoryLightMinBytes > c.memoryAnyAboveBytes)
        return invalid({u"scheduling.memory_light_min"_s, u"scheduling.memory_any_above"_s},
                       Tr::tr("'scheduling.memory_light_min' must not be above "
                              "'scheduling.memory_any_above'"));
    if (c.scaleInFleetCpu >= c.scaleOutFleetCpu)
        return invalid({u"autoscale.scale_in_cpu_below"_s, u"autoscale.fleet_cpu_above"_s},
                       Tr::tr("'autoscale.scale_in_cpu_below' (%1) must be below "
                              "'autoscale.fleet_cpu_above' (%2)")
                               .arg(c.scaleInFleetCpu)
                               .arg(c.scaleOutFleetCpu));
    return std::nullopt;
}

// A duration in whole seconds within [minSecs, maxSecs], as milliseconds.
std::optional<qint64> durationMs(Reader &reader, const Reader::Entry &entry, qint64 minSecs,
                                 qint64 maxSecs)
{
    const auto secs = reader.duration(entry, minSecs == 0);
    if (!secs)
        return std::nullopt;
    if (*secs < minSecs || *secs > maxSecs) {
        reader.report(ErrorCode::InvalidValue,
                      Tr::tr("'%1' must be between %2 and %3, not %4")
                              .arg(entry.key, formatDuration(minSecs), formatDuration(maxSecs),
                                   formatDuration(*secs)),
                      entry.valueLocation);
        return std::nullopt;
    }
    return *secs * 1000;
}

// A path or URL: one line, not empty.
std::optional<QString> pathValue(Reader &reader, const Reader::Entry &entry)
{
    const auto text = reader.string(entry, false, true);
    return text ? std::optional<QString>(text->trimmed()) : std::nullopt;
}

void readTls(Reader &reader, const Reader::Entry &tls, MasterConfig &config,
             QHash<QString, SourceLocation> &where)
{
    if (tls.value.IsNull())
        return;  // `tls:` with nothing under it: no TLS settings
    const auto entries = reader.mapEntries(tls.value, tls.valueLocation, u"'tls'"_s, tlsKeys());
    if (!entries)
        return;
    for (const Reader::Entry &e : *entries) {
        where.insert(u"tls."_s + e.key, e.valueLocation);
        if (e.key == u"certificate"_s) {
            config.tlsCertificate = pathValue(reader, e).value_or(QString());
        } else if (e.key == u"private_key"_s) {
            config.tlsPrivateKey = pathValue(reader, e).value_or(QString());
        } else if (e.key == u"client_ca"_s) {
            config.tlsClientCa = pathValue(reader, e).value_or(QString());
        } else if (e.key == u"require_client_certificate"_s) {
            config.requireClientCertificate = reader.boolean(e).value_or(false);
        }
    }
}

// A percentage 0..100 (a number).
std::optional<double> percent(Reader &reader, const Reader::Entry &entry)
{
    const auto v = reader.number(entry, 0.0);
    if (v && *v > 100.0) {
        reader.report(ErrorCode::InvalidValue,
                      Tr::tr("'%1' is a percentage, at most 100, not %2").arg(entry.key).arg(*v),
                      entry.valueLocation);
        return std::nullopt;
    }
    return v;
}

void readScheduling(Reader &reader, const Reader::Entry &section, MasterConfig &config,
                    QHash<QString, SourceLocation> &where)
{
    if (section.value.IsNull())
        return;
    const auto entries = reader.mapEntries(section.value, section.valueLocation, u"'scheduling'"_s,
                                           schedulingKeys());
    if (!entries)
        return;
    for (const Reader::Entry &e : *entries) {
        where.insert(u"scheduling."_s + e.key, e.valueLocation);
        if (e.key == u"default_strategy"_s) {
            if (const auto v = reader.word(e, defaultStrategies()))
                config.defaultStrategy = *v;
        } else if (e.key == u"ageing_step"_s) {
            if (const auto v = durationMs(reader, e, 0, 7 * 24 * 3600))
                config.ageingStepSecs = *v / 1000;
        } else if (e.key == u"p3_max_utilisation"_s) {
            if (const auto v = reader.integer(e, 0, 100))
                config.p3MaxUtilisationPercent = int(*v);
        } else if (e.key == u"max_running"_s) {
            if (const auto v = reader.integer(e, 0, 1000000))
                config.maxRunning = int(*v);
        } else if (e.key == u"cpu_any_below"_s) {
            if (const auto v = percent(reader, e))
                config.cpuAnyBelow = *v;
        } else if (e.key == u"cpu_light_max"_s) {
            if (const auto v = percent(reader, e))
                config.cpuLightMax = *v;
        } else if (e.key == u"memory_any_above"_s) {
            if (const auto v = reader.integer(e, 0, std::numeric_limits<qint64>::max()))
                config.memoryAnyAboveBytes = *v;
        } else if (e.key == u"memory_light_min"_s) {
            if (const auto v = reader.integer(e, 0, std::numeric_limits<qint64>::max()))
                config.memoryLightMinBytes = *v;
        } else if (e.key == u"predispatch_ms"_s) {
            if (const auto v = reader.integer(e, 0, 60 * 60 * 1000))
                config.predispatchMs = *v;
        }
    }
}

void readAutoscale(Reader &reader, const Reader::Entry &section, MasterConfig &config,
                   QHash<QString, SourceLocation> &where)
{
    if (section.value.IsNull())
        return;
    const auto entries = reader.mapEntries(section.value, section.valueLocation, u"'autoscale'"_s,
                                           autoscaleKeys());
    if (!entries)
        return;
    for (const Reader::Entry &e : *entries) {
        where.insert(u"autoscale."_s + e.key, e.valueLocation);
        if (e.key == u"hook"_s) {
            if (const auto v = reader.string(e, true, true))
                config.autoscaleHook = v->trimmed();
        } else if (e.key == u"queue_length_above"_s) {
            if (const auto v = reader.integer(e, 0, 1000000000))
                config.scaleOutQueueLength = int(*v);
        } else if (e.key == u"average_wait_above"_s) {
            if (const auto v = durationMs(reader, e, 1, 7 * 24 * 3600))
                config.scaleOutAverageWaitSecs = *v / 1000;
        } else if (e.key == u"fleet_cpu_above"_s) {
            if (const auto v = percent(reader, e))
                config.scaleOutFleetCpu = *v;
        } else if (e.key == u"scale_in_cpu_below"_s) {
            if (const auto v = percent(reader, e))
                config.scaleInFleetCpu = *v;
        } else if (e.key == u"cpu_window"_s) {
            if (const auto v = durationMs(reader, e, 0, 24 * 3600))
                config.autoscaleCpuWindowSecs = *v / 1000;
        } else if (e.key == u"cooldown"_s) {
            if (const auto v = durationMs(reader, e, 0, 7 * 24 * 3600))
                config.autoscaleCooldownSecs = *v / 1000;
        } else if (e.key == u"min_nodes"_s) {
            if (const auto v = reader.integer(e, 0, 100000))
                config.autoscaleMinNodes = int(*v);
        }
    }
}

void readTopLevel(Reader &reader, MasterConfig &config, QHash<QString, SourceLocation> &where)
{
    const YAML::Node &root = reader.document().root();
    if (root.IsNull())
        return;  // an empty file (or only comments): every default
    const auto entries = reader.mapEntries(root, SourceLocation{1, 1},
                                           Tr::tr("the master configuration"), topKeys());
    if (!entries)
        return;
    for (const Reader::Entry &e : *entries) {
        where.insert(e.key, e.valueLocation);
        if (e.key == u"listen_address"_s) {
            if (const auto v = reader.string(e, false, true))
                config.listenAddress = v->trimmed();
        } else if (e.key == u"api_port"_s) {
            if (const auto v = reader.integer(e, 0, kMaxPort))
                config.apiPort = int(*v);
        } else if (e.key == u"agent_port"_s) {
            if (const auto v = reader.integer(e, 0, kMaxPort))
                config.agentPort = int(*v);
        } else if (e.key == u"data_dir"_s) {
            if (const auto v = pathValue(reader, e))
                config.dataDir = *v;
        } else if (e.key == u"store"_s) {
            if (const auto v = reader.string(e, true, true))
                config.store = v->trimmed();
        } else if (e.key == u"tls"_s) {
            readTls(reader, e, config, where);
        } else if (e.key == u"scheduling"_s) {
            readScheduling(reader, e, config, where);
        } else if (e.key == u"autoscale"_s) {
            readAutoscale(reader, e, config, where);
        } else if (e.key == u"log_level"_s) {
            if (const auto v = reader.word(e, logLevels()))
                config.logLevel = *v;
        } else if (e.key == u"time_zone"_s) {
            if (const auto v = reader.string(e, false, true)) {
                if (checkTimeZone(reader, e, v->trimmed()))
                    config.timeZone = v->trimmed();
            }
        } else if (e.key == u"heartbeat_interval"_s) {
            if (const auto v = durationMs(reader, e, kMinHeartbeatSecs, kMaxHeartbeatSecs))
                config.heartbeatIntervalMs = *v;
        } else if (e.key == u"missed_heartbeats"_s) {
            if (const auto v = reader.integer(e, kMinMissedHeartbeats, kMaxMissedHeartbeats))
                config.missedHeartbeats = int(*v);
        } else if (e.key == u"kill_grace"_s) {
            if (const auto v = durationMs(reader, e, 0, kMaxKillGraceSecs))
                config.killGraceMs = *v;
        } else if (e.key == u"output_limit"_s) {
            if (const auto v = reader.integer(e, kMinOutputLimit, kMaxOutputLimit))
                config.outputLimitBytes = *v;
        } else if (e.key == u"max_message_bytes"_s) {
            if (const auto v = reader.integer(e, kMinMessageBytes, kMaxMessageBytes))
                config.maxMessageBytes = *v;
        }
    }
}

}  // namespace

QString MasterConfig::storeUrl() const
{
    if (!store.isEmpty())
        return store;
    return u"sqlite:"_s + QDir::cleanPath(dataDir + u"/orrery.db"_s);
}

Result<MasterConfig> parseMasterConfig(const QByteArray &yaml, const QString &fileName,
                                       const QString &baseDir)
{
    const Result<Document> doc = Document::parse(yaml, fileName);
    if (!doc)
        return doc.error();
    Reader reader(*doc);
    MasterConfig config;
    QHash<QString, SourceLocation> where;  // "api_port", "tls.client_ca" -> value position
    readTopLevel(reader, config, where);
    if (reader.hasErrors())
        return reader.sortedErrors().first();

    config.dataDir = resolvePath(config.dataDir, baseDir);
    config.store = resolveStore(config.store, baseDir);
    config.tlsCertificate = resolvePath(config.tlsCertificate, baseDir);
    config.tlsPrivateKey = resolvePath(config.tlsPrivateKey, baseDir);
    config.tlsClientCa = resolvePath(config.tlsClientCa, baseDir);

    if (const auto problem = check(config)) {
        SourceLocation at{1, 1};
        for (const QString &key : problem->keys) {
            if (where.contains(key)) {
                at = where.value(key);
                break;
            }
        }
        return problem->error.at(fileName, at.line, at.column);
    }
    return config;
}

Result<MasterConfig> loadMasterConfig(const QString &path)
{
    const Result<QByteArray> bytes = readFileBytes(path);
    if (!bytes)
        return bytes.error();
    return parseMasterConfig(*bytes, path, QFileInfo(path).absolutePath());
}

Result<void> validateMasterConfig(const MasterConfig &config)
{
    if (const auto problem = check(config))
        return problem->error;
    return {};
}

}  // namespace Orrery

#include "jobjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Internal {

namespace {
QJsonObject mapToObject(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QMap<QString, QString> objectToMap(const QJsonObject &o)
{
    QMap<QString, QString> map;
    for (auto it = o.begin(); it != o.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

Error badDefinition(const QString &what)
{
    return makeError(ErrorCode::Storage, u"stored job definition: %1"_s.arg(what));
}

// Reads o[key] through one of the model's *FromName functions into *out; an absent key keeps
// the default. False when the stored word is not one the model knows.
template<typename E>
bool readEnum(const QJsonObject &o, const QString &key,
              std::optional<E> (*fromName)(const QString &), E *out)
{
    if (!o.contains(key))
        return true;
    const std::optional<E> value = fromName(o.value(key).toString());
    if (value)
        *out = *value;
    return value.has_value();
}
}  // namespace

QByteArray jobToJson(const Job &job)
{
    QJsonObject o;
    o.insert(u"description"_s, job.description);
    o.insert(u"schedule"_s, job.schedule);
    o.insert(u"time_zone"_s, job.timeZone);
    o.insert(u"command"_s, job.command);
    o.insert(u"working_directory"_s, job.workingDirectory);
    o.insert(u"environment"_s, mapToObject(job.environment));
    o.insert(u"run_as"_s, job.runAs);
    o.insert(u"timeout_secs"_s, job.timeoutSecs);
    o.insert(u"retry"_s, QJsonObject{{u"count"_s, job.retry.count},
                                     {u"delay_secs"_s, job.retry.delaySecs},
                                     {u"backoff"_s, job.retry.backoff},
                                     {u"max_delay_secs"_s, job.retry.maxDelaySecs}});
    o.insert(u"priority"_s, priorityName(job.priority));
    QJsonArray deps;
    for (const Dependency &d : job.dependencies)
        deps.append(QJsonObject{{u"job"_s, d.job}, {u"status"_s, dependencyStatusName(d.status)}});
    o.insert(u"dependencies"_s, deps);
    QJsonArray resources;
    for (const ResourceLock &r : job.resources)
        resources.append(QJsonObject{{u"kind"_s, r.kind}, {u"name"_s, r.name}});
    o.insert(u"resources"_s, resources);
    o.insert(u"labels"_s, mapToObject(job.labels));
    o.insert(u"strategy"_s, dispatchStrategyName(job.strategy));
    o.insert(u"resource_kind"_s, resourceKindName(job.resourceKind));
    o.insert(u"weight"_s, jobWeightName(job.weight));
    o.insert(u"concurrency"_s, concurrencyPolicyName(job.concurrency));
    o.insert(u"misfire"_s, misfirePolicyName(job.misfire));
    o.insert(u"misfire_limit"_s, job.misfireLimit);
    // Time and condition dependencies; absent when not set (the defaults).
    if (job.notBeforeMinute)
        o.insert(u"not_before_minute"_s, *job.notBeforeMinute);
    if (job.window)
        o.insert(u"window"_s, QJsonObject{{u"start_minute"_s, job.window->startMinute},
                                          {u"end_minute"_s, job.window->endMinute}});
    if (job.windowClosed != WindowClosedPolicy::Wait)
        o.insert(u"window_closed"_s, windowClosedPolicyName(job.windowClosed));
    if (!job.condition.isEmpty())
        o.insert(u"condition"_s, job.condition);
    if (!job.check.isEmpty())
        o.insert(u"check"_s, job.check);
    if (job.checkTimeoutSecs != 0)
        o.insert(u"check_timeout_secs"_s, job.checkTimeoutSecs);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<Job> jobFromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return badDefinition(parseError.errorString());
    const QJsonObject o = doc.object();
    Job job;
    job.description = o.value(u"description"_s).toString();
    job.schedule = o.value(u"schedule"_s).toString();
    job.timeZone = o.value(u"time_zone"_s).toString();
    job.command = o.value(u"command"_s).toString();
    job.workingDirectory = o.value(u"working_directory"_s).toString();
    job.environment = objectToMap(o.value(u"environment"_s).toObject());
    job.runAs = o.value(u"run_as"_s).toString();
    job.timeoutSecs = o.value(u"timeout_secs"_s).toInteger();
    const QJsonObject retry = o.value(u"retry"_s).toObject();
    job.retry.count = retry.value(u"count"_s).toInt();
    job.retry.delaySecs = retry.value(u"delay_secs"_s).toInteger();
    job.retry.backoff = retry.value(u"backoff"_s).toDouble(1.0);
    job.retry.maxDelaySecs = retry.value(u"max_delay_secs"_s).toInteger();
    if (!readEnum(o, u"priority"_s, priorityFromName, &job.priority))
        return badDefinition(u"priority"_s);
    for (const QJsonValue &v : o.value(u"dependencies"_s).toArray()) {
        const QJsonObject d = v.toObject();
        const auto status = dependencyStatusFromName(d.value(u"status"_s).toString());
        if (!status)
            return badDefinition(u"dependency status"_s);
        job.dependencies.append(Dependency{d.value(u"job"_s).toString(), *status, {}});
    }
    for (const QJsonValue &v : o.value(u"resources"_s).toArray()) {
        const QJsonObject r = v.toObject();
        job.resources.append(
                ResourceLock{r.value(u"kind"_s).toString(), r.value(u"name"_s).toString(), {}});
    }
    job.labels = objectToMap(o.value(u"labels"_s).toObject());
    if (!readEnum(o, u"strategy"_s, dispatchStrategyFromName, &job.strategy))
        return badDefinition(u"strategy"_s);
    if (!readEnum(o, u"resource_kind"_s, resourceKindFromName, &job.resourceKind))
        return badDefinition(u"resource_kind"_s);
    if (!readEnum(o, u"weight"_s, jobWeightFromName, &job.weight))
        return badDefinition(u"weight"_s);
    if (!readEnum(o, u"concurrency"_s, concurrencyPolicyFromName, &job.concurrency))
        return badDefinition(u"concurrency"_s);
    if (!readEnum(o, u"misfire"_s, misfirePolicyFromName, &job.misfire))
        return badDefinition(u"misfire"_s);
    job.misfireLimit = o.value(u"misfire_limit"_s).toInt(job.misfireLimit);
    if (o.contains(u"not_before_minute"_s)) {
        const int minute = o.value(u"not_before_minute"_s).toInt(-1);
        if (minute < 0 || minute >= 24 * 60)
            return badDefinition(u"not_before_minute"_s);
        job.notBeforeMinute = minute;
    }
    if (o.contains(u"window"_s)) {
        const QJsonObject w = o.value(u"window"_s).toObject();
        DailyWindow window{w.value(u"start_minute"_s).toInt(-1),
                           w.value(u"end_minute"_s).toInt(-1)};
        if (window.startMinute < 0 || window.startMinute >= 24 * 60 || window.endMinute < 0
            || window.endMinute >= 24 * 60)
            return badDefinition(u"window"_s);
        job.window = window;
    }
    if (!readEnum(o, u"window_closed"_s, windowClosedPolicyFromName, &job.windowClosed))
        return badDefinition(u"window_closed"_s);
    job.condition = o.value(u"condition"_s).toString();
    job.check = o.value(u"check"_s).toString();
    job.checkTimeoutSecs = o.value(u"check_timeout_secs"_s).toInteger(0);
    if (job.checkTimeoutSecs < 0)
        return badDefinition(u"check_timeout_secs"_s);
    return job;
}

QByteArray pipelineToJson(const Pipeline &pipeline)
{
    QJsonObject locks;
    for (auto it = pipeline.lockCapacities.cbegin(); it != pipeline.lockCapacities.cend(); ++it)
        locks.insert(it.key(), it.value());
    const QJsonObject o{
            {u"description"_s, pipeline.description},
            {u"schedule"_s, pipeline.schedule},
            {u"time_zone"_s, pipeline.timeZone},
            {u"parameters"_s, mapToObject(pipeline.parameters)},
            {u"lock_capacities"_s, locks},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<Pipeline> pipelineFromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return makeError(ErrorCode::Storage,
                         u"stored pipeline definition: %1"_s.arg(parseError.errorString()));
    const QJsonObject o = doc.object();
    Pipeline p;
    p.description = o.value(u"description"_s).toString();
    p.schedule = o.value(u"schedule"_s).toString();
    p.timeZone = o.value(u"time_zone"_s).toString();
    p.parameters = objectToMap(o.value(u"parameters"_s).toObject());
    const QJsonObject locks = o.value(u"lock_capacities"_s).toObject();
    for (auto it = locks.begin(); it != locks.end(); ++it) {
        const int capacity = it.value().toInt(0);
        if (capacity < 1)
            return makeError(ErrorCode::Storage,
                             u"stored pipeline definition: capacity of lock '%1'"_s.arg(it.key()));
        p.lockCapacities.insert(it.key(), capacity);
    }
    return p;
}

QByteArray labelsToJson(const QMap<QString, QString> &labels)
{
    return QJsonDocument(mapToObject(labels)).toJson(QJsonDocument::Compact);
}

QMap<QString, QString> labelsFromJson(const QByteArray &json)
{
    return objectToMap(QJsonDocument::fromJson(json).object());
}

}  // namespace Orrery::Internal

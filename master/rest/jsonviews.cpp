#include "jsonviews.h"

#include <protocol/jsonreader.h>

#include <model/duration.h>
#include <model/spelling.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master::Rest {

// ---- errors ------------------------------------------------------------------------------

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Syntax:
    case ErrorCode::UnknownKey:
    case ErrorCode::WrongType:
    case ErrorCode::MissingField:
    case ErrorCode::InvalidValue:
    case ErrorCode::BadCron:
    case ErrorCode::NeverFires:
    case ErrorCode::DuplicateName:
    case ErrorCode::UnknownDependency:
    case ErrorCode::SelfDependency:
    case ErrorCode::Cycle:
    case ErrorCode::UnknownParameter:
    case ErrorCode::MissingParameter:
    case ErrorCode::UnsupportedVersion:
    case ErrorCode::UnknownType:
        return 400;
    case ErrorCode::Unauthorized:
        return 401;
    case ErrorCode::Forbidden:
        return 403;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::Conflict:
    case ErrorCode::IllegalTransition:
        return 409;
    case ErrorCode::TooLarge:
        return 413;
    case ErrorCode::RateLimited:
        return 429;
    case ErrorCode::Storage:
        return 503;
    case ErrorCode::None:
    case ErrorCode::Io:
        break;
    }
    return 500;
}

QJsonObject errorBody(const Error &error)
{
    QJsonObject e{{u"code"_s, errorCodeName(error.code)}, {u"message"_s, error.message}};
    if (!error.file.isEmpty())
        e.insert(u"field"_s, error.file);
    return QJsonObject{{u"error"_s, e}};
}

// ---- views -------------------------------------------------------------------------------

QJsonValue instantJson(const QDateTime &at)
{
    if (!at.isValid())
        return QJsonValue::Null;
    return at.toUTC().toString(Qt::ISODate);
}

QJsonValue instantJson(const std::optional<QDateTime> &at)
{
    return at ? instantJson(*at) : QJsonValue(QJsonValue::Null);
}

static QJsonObject stringMapJson(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

static QJsonValue nodeNameJson(NodeId id, const NodeNames &nodes)
{
    if (!id.isValid())
        return QJsonValue::Null;
    return nodes.value(id, id.toString());
}

static QJsonValue exitCodeJson(const Attempt &attempt)
{
    if (!isFinal(attempt.state) || attempt.exitCode < 0)
        return QJsonValue::Null;
    return attempt.exitCode;
}

QJsonObject taskJson(const JobRecord &record, const std::optional<QDateTime> &nextFire)
{
    const Job &job = record.job;
    QJsonArray dependsOn;
    for (const Dependency &dep : job.dependencies)
        dependsOn.append(
                QJsonObject{{u"task"_s, dep.job}, {u"status"_s, dependencyStatusName(dep.status)}});
    return QJsonObject{
            {u"id"_s, job.id.toString()},
            {u"name"_s, job.name},
            {u"schedule"_s, job.schedule},
            {u"command"_s, job.command},
            {u"timeout"_s, job.timeoutSecs},
            {u"time_zone"_s, job.timeZone},
            {u"enabled"_s, job.enabled},
            {u"priority"_s, priorityName(job.priority)},
            {u"retries"_s, job.retry.count},
            {u"labels"_s, stringMapJson(job.labels)},
            {u"env"_s, stringMapJson(job.environment)},
            {u"working_directory"_s, job.workingDirectory},
            {u"description"_s, job.description},
            {u"check"_s, job.check},
            {u"check_timeout"_s, job.checkTimeoutSecs},
            {u"pipeline"_s, record.pipeline},
            {u"depends_on"_s, dependsOn},
            {u"next_fire_time"_s, instantJson(nextFire)},
            {u"created_at"_s, instantJson(record.createdAt)},
            {u"updated_at"_s, instantJson(record.updatedAt)},
    };
}

QJsonObject taskStatusJson(const JobStatus &status, const NodeNames &nodes)
{
    const Job &job = status.record.job;
    return QJsonObject{
            {u"id"_s, job.id.toString()},
            {u"name"_s, job.name},
            {u"enabled"_s, job.enabled},
            {u"state"_s, status.lastRun ? runStateName(status.lastRun->run.state()) : u"idle"_s},
            {u"next_fire_time"_s, instantJson(status.nextFire)},
            {u"active_runs"_s, status.active},
            {u"last_run"_s, status.lastRun ? QJsonValue(runJson(*status.lastRun, nodes))
                                           : QJsonValue(QJsonValue::Null)},
    };
}

QJsonValue lastRunJson(const std::optional<LastRun> &last)
{
    if (!last)
        return QJsonValue(QJsonValue::Null);
    return QJsonObject{
            {u"id"_s, last->run.toString()},
            {u"state"_s, runStateName(last->state)},
            {u"at"_s, instantJson(last->at)},
    };
}

QJsonObject runJson(const RunRecord &record, const NodeNames &nodes)
{
    const Run &run = record.run;
    QJsonArray attempts;
    for (const Attempt &a : run.attempts()) {
        attempts.append(QJsonObject{
                {u"attempt"_s, a.number},
                {u"state"_s, runStateName(a.state)},
                {u"node"_s, nodeNameJson(a.node, nodes)},
                {u"started_at"_s, instantJson(a.startedAt)},
                {u"finished_at"_s, instantJson(a.finishedAt)},
                {u"exit_code"_s, exitCodeJson(a)},
                {u"reason"_s, a.reason},
        });
    }
    QJsonObject o{
            {u"id"_s, run.id().toString()},
            {u"task_id"_s, run.jobId().toString()},
            {u"task"_s, run.jobName()},
            {u"state"_s, runStateName(run.state())},
            {u"trigger"_s, runTriggerName(record.trigger)},
            {u"priority"_s, priorityName(run.priority())},
            {u"scheduled_at"_s, instantJson(record.scheduledAt)},
            {u"created_at"_s, instantJson(record.createdAt)},
            {u"attempts"_s, attempts},
    };
    if (run.attempts().isEmpty()) {
        o.insert(u"attempt"_s, 0);
        o.insert(u"started_at"_s, QJsonValue::Null);
        o.insert(u"finished_at"_s, QJsonValue::Null);
        o.insert(u"exit_code"_s, QJsonValue::Null);
        o.insert(u"node"_s, QJsonValue::Null);
    } else {
        const Attempt &current = run.currentAttempt();
        o.insert(u"attempt"_s, current.number);
        o.insert(u"started_at"_s, instantJson(current.startedAt));
        o.insert(u"finished_at"_s, instantJson(current.finishedAt));
        o.insert(u"exit_code"_s, exitCodeJson(current));
        o.insert(u"node"_s, nodeNameJson(current.node, nodes));
    }
    return o;
}

QJsonObject runEventJson(const RunEvent &event)
{
    return QJsonObject{
            {u"attempt"_s, event.attempt},
            {u"from"_s,
             event.from ? QJsonValue(runStateName(*event.from)) : QJsonValue(QJsonValue::Null)},
            {u"to"_s, runStateName(event.to)},
            {u"at"_s, instantJson(event.at)},
            {u"reason"_s, event.reason},
    };
}

QJsonObject outputChunkJson(qsizetype index, const OutputChunk &chunk)
{
    return QJsonObject{
            {u"index"_s, index},
            {u"attempt"_s, chunk.attempt},
            {u"stream"_s, outputStreamName(chunk.stream)},
            {u"seq"_s, chunk.seq},
            // fromUtf8 replaces invalid sequences with U+FFFD.
            {u"text"_s, QString::fromUtf8(chunk.data)},
    };
}

QJsonObject nodeJson(const NodeStatus &node)
{
    const std::optional<Protocol::HeartbeatBody> &beat = node.lastHeartbeat;
    const auto orNull = [&beat](auto value) {
        return beat ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
    };
    return QJsonObject{
            {u"id"_s, node.record.id.toString()},
            {u"name"_s, node.record.name},
            {u"state"_s, node.drained ? u"drained"_s : nodeStateName(node.record.state)},
            {u"connected"_s, node.connected},
            {u"labels"_s, stringMapJson(node.record.labels)},
            {u"agent_version"_s, node.agentVersion},
            {u"max_parallel"_s, node.maxParallel},
            {u"running"_s, node.running},
            {u"cpu_percent"_s, orNull(beat ? beat->cpuPercent : 0.0)},
            {u"free_memory_bytes"_s, orNull(beat ? beat->freeMemoryBytes : qint64(0))},
            {u"load1"_s, orNull(beat ? beat->load1 : 0.0)},
            {u"clock_skew_ms"_s, orNull(node.clockSkewMs)},
            {u"last_seen_at"_s, instantJson(node.record.lastSeenAt)},
            {u"address"_s, node.peer},
    };
}

QJsonObject pipelineRunJson(const PipelineRunStatus &status, const NodeNames &nodes)
{
    QJsonArray runs;
    for (const RunRecord &run : status.runs) {
        QJsonObject o = runJson(run, nodes);
        const QString waiting = status.waitingReasons.value(run.run.id());
        o.insert(u"waiting_reason"_s,
                 waiting.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(waiting));
        runs.append(o);
    }
    return QJsonObject{
            {u"id"_s, QString::number(status.id)},
            {u"pipeline"_s, status.pipeline},
            {u"state"_s, pipelineRunStateName(status.state)},
            {u"trigger"_s, runTriggerName(status.trigger)},
            {u"scheduled_at"_s, instantJson(status.scheduledAt)},
            {u"created_at"_s, instantJson(status.createdAt)},
            {u"start_task"_s, status.startJob.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                        : QJsonValue(status.startJob)},
            {u"runs"_s, runs},
    };
}

QJsonObject pipelineSummaryJson(const PipelineStatus &status, const NodeNames &nodes)
{
    const Pipeline &p = status.pipeline;
    QString schedule = p.schedule;
    for (qsizetype i = 0; i < p.jobs.size() && schedule.isEmpty(); ++i)
        schedule = p.jobs.at(i).schedule;
    return QJsonObject{
            {u"name"_s, p.name},
            {u"tasks"_s, int(p.jobs.size())},
            {u"schedule"_s, schedule},
            {u"last_run"_s, status.lastRun ? QJsonValue(pipelineRunJson(*status.lastRun, nodes))
                                           : QJsonValue(QJsonValue::Null)},
    };
}

QJsonObject pipelineJson(const Pipeline &pipeline, const QList<JobRecord> &records,
                         const QHash<JobId, std::optional<QDateTime>> &nextFires)
{
    QJsonArray tasks;
    QJsonArray edges;
    for (const JobRecord &record : records) {
        tasks.append(taskJson(record, nextFires.value(record.job.id)));
        for (const Dependency &dep : record.job.dependencies)
            edges.append(QJsonObject{{u"from"_s, dep.job},
                                     {u"to"_s, record.job.name},
                                     {u"status"_s, dependencyStatusName(dep.status)}});
    }
    QJsonObject locks;
    for (auto it = pipeline.lockCapacities.cbegin(); it != pipeline.lockCapacities.cend(); ++it)
        locks.insert(it.key(), it.value());
    return QJsonObject{
            {u"name"_s, pipeline.name},
            {u"description"_s, pipeline.description},
            {u"schedule"_s, pipeline.schedule},
            {u"time_zone"_s, pipeline.timeZone},
            {u"parameters"_s, stringMapJson(pipeline.parameters)},
            {u"locks"_s, locks},
            {u"tasks"_s, tasks},
            {u"edges"_s, edges},
    };
}

QJsonObject tokenJson(const ApiTokenInfo &token)
{
    return QJsonObject{
            {u"id"_s, QString::number(token.id)},
            {u"name"_s, token.name},
            {u"role"_s, tokenRoleName(token.role)},
            {u"created_at"_s, instantJson(token.createdAt)},
            {u"revoked_at"_s, instantJson(token.revokedAt)},
            {u"last_used_at"_s, instantJson(token.lastUsedAt)},
    };
}

QJsonObject auditJson(const AuditEntry &entry)
{
    return QJsonObject{
            {u"id"_s, QString::number(entry.id)},
            {u"at"_s, instantJson(entry.at)},
            {u"actor"_s, entry.actor},
            {u"action"_s, entry.action},
            {u"target"_s, entry.target},
            {u"detail"_s, entry.detail},
            {u"source"_s, entry.source},
    };
}

static QJsonValue optionalJson(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject runStatsJson(const RunStats &stats, const QString &range, const QString &timeZone)
{
    QJsonArray buckets;
    for (const RunStatsBucket &b : stats.buckets) {
        buckets.append(QJsonObject{
                {u"start"_s, instantJson(b.start)},
                {u"runs"_s, b.counts.runs},
                {u"successes"_s, b.counts.successes},
                {u"finished"_s, b.counts.finished},
                {u"abnormal"_s, b.counts.abnormal},
                {u"success_rate"_s, optionalJson(b.counts.successRate())},
                {u"mean_duration_ms"_s, optionalJson(b.counts.meanDurationMs())},
        });
    }
    return QJsonObject{
            {u"range"_s, range},
            {u"time_zone"_s, timeZone},
            {u"day_start"_s, instantJson(stats.dayStart)},
            {u"end"_s, instantJson(stats.end)},
            {u"total_runs"_s, stats.today.runs},
            {u"successes"_s, stats.today.successes},
            {u"finished"_s, stats.today.finished},
            {u"success_rate"_s, optionalJson(stats.today.successRate())},
            {u"mean_duration_ms"_s, optionalJson(stats.today.meanDurationMs())},
            {u"abnormal_runs"_s, stats.today.abnormal},
            {u"queue_length"_s, stats.queueLength},
            {u"buckets"_s, buckets},
    };
}

// ---- requests ----------------------------------------------------------------------------

Result<QJsonObject> parseJsonBody(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return makeError(ErrorCode::Syntax, Tr::tr("malformed JSON at offset %1: %2")
                                                    .arg(parseError.offset)
                                                    .arg(parseError.errorString()));
    }
    if (!doc.isObject())
        return makeError(ErrorCode::WrongType, Tr::tr("the body must be a JSON object"));
    return doc.object();
}

namespace {


Error fieldError(ErrorCode code, const QString &field, const QString &message)
{
    Error e = makeError(code, field + u": "_s + message);
    e.file = field;
    return e;
}

Error wrongType(const QString &field, const QString &expected, const QJsonValue &found)
{
    return fieldError(ErrorCode::WrongType, field,
                      Tr::tr("expected %1, found %2").arg(expected, Protocol::jsonTypeName(found)));
}

Result<QString> readString(const QJsonValue &v, const QString &field)
{
    if (!v.isString())
        return wrongType(field, Tr::tr("a string"), v);
    return v.toString();
}

Result<qint64> readInteger(const QJsonValue &v, const QString &field, qint64 min, qint64 max)
{
    if (!v.isDouble())
        return wrongType(field, Tr::tr("an integer"), v);
    const double d = v.toDouble();
    if (std::floor(d) != d)
        return wrongType(field, Tr::tr("an integer"), v);
    if (d < double(min) || d > double(max)) {
        return fieldError(
                ErrorCode::InvalidValue, field,
                Tr::tr("%1 is not between %2 and %3").arg(d, 0, 'g', 17).arg(min).arg(max));
    }
    return qint64(d);
}

Result<QMap<QString, QString>> readStringMap(const QJsonValue &v, const QString &field)
{
    if (v.isNull())
        return QMap<QString, QString>();
    if (!v.isObject())
        return wrongType(field, Tr::tr("an object of strings"), v);
    QMap<QString, QString> out;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString path = field + u'.' + it.key();
        if (it.key().isEmpty())
            return fieldError(ErrorCode::InvalidValue, field, Tr::tr("empty key"));
        if (!it.value().isString())
            return wrongType(path, Tr::tr("a string"), it.value());
        out.insert(it.key(), it.value().toString());
    }
    return out;
}

constexpr qint64 kMaxTimeoutSecs = 366LL * 24 * 3600 * 10;  // ten years
constexpr qint64 kMaxRetries = 100;

}  // namespace

Result<Job> taskFromJson(const QJsonObject &body, const Job &base, TaskBodyMode mode)
{
    static const QStringList writable{u"name"_s,     u"command"_s,           u"schedule"_s,
                                      u"timeout"_s,  u"time_zone"_s,         u"enabled"_s,
                                      u"priority"_s, u"retries"_s,           u"labels"_s,
                                      u"env"_s,      u"working_directory"_s, u"description"_s,
                                      u"check"_s,    u"check_timeout"_s};
    static const QStringList readOnly{u"id"_s,         u"pipeline"_s,
                                      u"depends_on"_s, u"next_fire_time"_s,
                                      u"created_at"_s, u"updated_at"_s};

    for (auto it = body.begin(); it != body.end(); ++it) {
        if (writable.contains(it.key()) || readOnly.contains(it.key()))
            continue;
        const QString guess = closestMatch(it.key(), writable);
        return fieldError(ErrorCode::UnknownKey, it.key(),
                          guess.isEmpty()
                                  ? Tr::tr("unknown field")
                                  : Tr::tr("unknown field (did you mean '%1'?)").arg(guess));
    }
    if (mode == TaskBodyMode::Create) {
        for (const QString &required : {u"name"_s, u"command"_s}) {
            if (!body.contains(required))
                return fieldError(ErrorCode::MissingField, required, Tr::tr("required"));
        }
    }

    Job job = base;
    const auto has = [&body](const QString &key) { return body.contains(key); };

    const auto text = [&](const QString &key, QString *out) -> Result<void> {
        if (!has(key))
            return {};
        auto v = readString(body.value(key), key);
        if (!v)
            return v.error();
        *out = *v;
        return {};
    };
    if (auto r = text(u"name"_s, &job.name); !r)
        return r.error();
    if (job.name.trimmed().isEmpty())
        return fieldError(ErrorCode::InvalidValue, u"name"_s, Tr::tr("must not be empty"));
    if (auto r = text(u"command"_s, &job.command); !r)
        return r.error();
    if (has(u"schedule"_s) && body.value(u"schedule"_s).isNull())
        job.schedule.clear();
    else if (auto r = text(u"schedule"_s, &job.schedule); !r)
        return r.error();
    if (auto r = text(u"time_zone"_s, &job.timeZone); !r)
        return r.error();
    if (auto r = text(u"working_directory"_s, &job.workingDirectory); !r)
        return r.error();
    if (auto r = text(u"description"_s, &job.description); !r)
        return r.error();

    if (auto r = text(u"check"_s, &job.check); !r)
        return r.error();
    job.check = job.check.trimmed();

    // A timeout in seconds (0 = none, or the default) or a duration such as "1h".
    const auto seconds = [&](const QString &key, qint64 *out) -> Result<void> {
        if (!has(key))
            return {};
        const QJsonValue v = body.value(key);
        if (v.isString()) {
            const Result<qint64> secs = parseDuration(v.toString(), true);
            if (!secs)
                return fieldError(secs.error().code, key, secs.error().message);
            if (*secs > kMaxTimeoutSecs)
                return fieldError(ErrorCode::InvalidValue, key, Tr::tr("longer than ten years"));
            *out = *secs;
        } else if (v.isDouble()) {
            const Result<qint64> secs = readInteger(v, key, 0, kMaxTimeoutSecs);
            if (!secs)
                return secs.error();
            *out = *secs;
        } else {
            return wrongType(key, Tr::tr("seconds or a duration such as \"1h\""), v);
        }
        return {};
    };
    if (auto r = seconds(u"timeout"_s, &job.timeoutSecs); !r)
        return r.error();
    if (auto r = seconds(u"check_timeout"_s, &job.checkTimeoutSecs); !r)
        return r.error();
    if (job.checkTimeoutSecs > 0 && job.check.isEmpty())
        return fieldError(ErrorCode::InvalidValue, u"check_timeout"_s,
                          Tr::tr("needs a 'check' command to time"));
    if (has(u"enabled"_s)) {
        const QJsonValue v = body.value(u"enabled"_s);
        if (!v.isBool())
            return wrongType(u"enabled"_s, Tr::tr("a boolean"), v);
        job.enabled = v.toBool();
    }
    if (has(u"priority"_s)) {
        const auto v = readString(body.value(u"priority"_s), u"priority"_s);
        if (!v)
            return v.error();
        const std::optional<Priority> p = priorityFromName(*v);
        if (!p) {
            return fieldError(ErrorCode::InvalidValue, u"priority"_s,
                              Tr::tr("expected P0, P1, P2 or P3, found '%1'").arg(v->left(40)));
        }
        job.priority = *p;
    }
    if (has(u"retries"_s)) {
        const Result<qint64> n
                = readInteger(body.value(u"retries"_s), u"retries"_s, 0, kMaxRetries);
        if (!n)
            return n.error();
        job.retry.count = int(*n);
    }
    if (has(u"labels"_s)) {
        auto m = readStringMap(body.value(u"labels"_s), u"labels"_s);
        if (!m)
            return m.error();
        job.labels = *m;
    }
    if (has(u"env"_s)) {
        auto m = readStringMap(body.value(u"env"_s), u"env"_s);
        if (!m)
            return m.error();
        job.environment = *m;
    }
    return job;
}

}  // namespace Orrery::Master::Rest

#include "messages.h"

#include "jsonreader.h"

#include <QJsonArray>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Protocol {

using Internal::JsonReader;

namespace {

constexpr qint64 kMaxInt = std::numeric_limits<int>::max();
constexpr qint64 kMaxI64 = std::numeric_limits<qint64>::max();
const QString kBody = u"body"_s;

// Run ids and node ids are strings on the wire: 64-bit values do not survive a double.
QJsonValue idJson(qint64 id)
{
    return QString::number(id);
}

QJsonObject stringMapJson(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

int readAttempt(JsonReader &r)
{
    return int(r.integer(u"attempt"_s, 1, kMaxInt));
}

template<typename Body>
Result<Body> finish(const JsonReader &r, Body body)
{
    if (r.hasError())
        return r.error();
    return body;
}

}  // namespace

// ---- enrol ----------------------------------------------------------------------------------

QString EnrolBody::type()
{
    return u"enrol"_s;
}

QJsonObject EnrolBody::toJson() const
{
    return {{u"token"_s, token}, {u"node_name"_s, nodeName}, {u"hostname"_s, hostname}};
}

Result<EnrolBody> EnrolBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    EnrolBody b;
    b.token = r.string(u"token"_s);
    b.nodeName = r.string(u"node_name"_s, JsonReader::Text::NonEmpty, 255);
    b.hostname = r.string(u"hostname"_s, JsonReader::Text::NonEmpty, 255);
    return finish(r, b);
}

// ---- hello ----------------------------------------------------------------------------------

QString HelloBody::type()
{
    return u"hello"_s;
}

QJsonObject HelloBody::toJson() const
{
    QJsonArray runs;
    for (const RunRef &ref : running)
        runs.append(
                QJsonObject{{u"run_id"_s, idJson(ref.runId.value())}, {u"attempt"_s, ref.attempt}});
    QJsonObject o{{u"node_name"_s, nodeName},
                  {u"agent_version"_s, agentVersion},
                  {u"labels"_s, stringMapJson(labels)},
                  {u"max_parallel"_s, maxParallel},
                  {u"running"_s, runs},
                  {u"spooled_results"_s, spooledResults}};
    if (!credential.isEmpty())
        o.insert(u"credential"_s, credential);
    if (!capabilities.isEmpty())
        o.insert(u"capabilities"_s, QJsonArray::fromStringList(capabilities));
    return o;
}

Result<HelloBody> HelloBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    HelloBody b;
    b.nodeName = r.string(u"node_name"_s, JsonReader::Text::NonEmpty, 255);
    b.agentVersion = r.string(u"agent_version"_s, JsonReader::Text::NonEmpty, 255);
    b.labels = r.optionalStringMap(u"labels"_s);
    b.maxParallel = int(r.integer(u"max_parallel"_s, 1, kMaxInt));
    const QJsonArray runs = r.array(u"running"_s);
    for (qsizetype i = 0; i < runs.size() && !r.hasError(); ++i) {
        const QJsonObject o = r.arrayObject(runs, u"running"_s, i);
        if (r.hasError())
            break;
        JsonReader item(o, r.fieldPath(u"running"_s) + u'[' + QString::number(i) + u']');
        RunRef ref;
        ref.runId = RunId(item.id(u"run_id"_s));
        ref.attempt = readAttempt(item);
        if (item.hasError())
            r.take(item.error());
        b.running.append(ref);
    }
    b.spooledResults = r.integer(u"spooled_results"_s, 0, kMaxI64);
    b.credential = r.optionalString(u"credential"_s, {}, 4096);
    if (body.contains(u"capabilities"_s)) {
        const QJsonArray caps = r.array(u"capabilities"_s);
        for (qsizetype i = 0; i < caps.size() && !r.hasError(); ++i) {
            if (!caps.at(i).isString() || caps.at(i).toString().isEmpty()
                || caps.at(i).toString().size() > 64)
                r.fail(ErrorCode::InvalidValue,
                       r.fieldPath(u"capabilities"_s) + u'[' + QString::number(i) + u']',
                       Tr::tr("expected a capability name"));
            else
                b.capabilities.append(caps.at(i).toString());
        }
    }
    return finish(r, b);
}

// ---- heartbeat ------------------------------------------------------------------------------

QString HeartbeatBody::type()
{
    return u"heartbeat"_s;
}

QJsonObject HeartbeatBody::toJson() const
{
    return {{u"cpu_percent"_s, cpuPercent},
            {u"free_memory_bytes"_s, freeMemoryBytes},
            {u"load1"_s, load1},
            {u"running"_s, running},
            {u"clock_ms"_s, clockMs}};
}

Result<HeartbeatBody> HeartbeatBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    HeartbeatBody b;
    b.cpuPercent = r.number(u"cpu_percent"_s, 0, 100);
    b.freeMemoryBytes = r.integer(u"free_memory_bytes"_s, 0, kMaxI64);
    b.load1 = r.number(u"load1"_s, 0, std::numeric_limits<double>::max());
    b.running = int(r.integer(u"running"_s, 0, kMaxInt));
    b.clockMs = r.integer(u"clock_ms"_s, 0, kMaxI64);
    return finish(r, b);
}

// ---- run.started ----------------------------------------------------------------------------

QString RunStartedBody::type()
{
    return u"run.started"_s;
}

QJsonObject RunStartedBody::toJson() const
{
    return {{u"run_id"_s, idJson(runId.value())},
            {u"attempt"_s, attempt},
            {u"pid"_s, pid},
            {u"started_at_ms"_s, startedAtMs}};
}

Result<RunStartedBody> RunStartedBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    RunStartedBody b;
    b.runId = RunId(r.id(u"run_id"_s));
    b.attempt = readAttempt(r);
    b.pid = r.integer(u"pid"_s, 1, kMaxI64);
    b.startedAtMs = r.integer(u"started_at_ms"_s, 0, kMaxI64);
    return finish(r, b);
}

// ---- run.output -----------------------------------------------------------------------------

QString outputStreamName(OutputStream stream)
{
    return stream == OutputStream::Stderr ? u"stderr"_s : u"stdout"_s;
}

QString RunOutputBody::type()
{
    return u"run.output"_s;
}

QJsonObject RunOutputBody::toJson() const
{
    return {{u"run_id"_s, idJson(runId.value())},
            {u"attempt"_s, attempt},
            {u"stream"_s, outputStreamName(stream)},
            {u"seq"_s, seq},
            {u"data"_s, QString::fromLatin1(data.toBase64())},
            {u"truncated"_s, truncated}};
}

Result<RunOutputBody> RunOutputBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    RunOutputBody b;
    b.runId = RunId(r.id(u"run_id"_s));
    b.attempt = readAttempt(r);
    const QString stream = r.string(u"stream"_s);
    if (!r.hasError()) {
        if (stream == u"stdout"_s)
            b.stream = OutputStream::Stdout;
        else if (stream == u"stderr"_s)
            b.stream = OutputStream::Stderr;
        else
            r.fail(ErrorCode::InvalidValue, r.fieldPath(u"stream"_s),
                   Tr::tr("expected stdout or stderr, found '%1'").arg(stream.left(40)));
    }
    b.seq = r.integer(u"seq"_s, 0, kMaxI64);
    b.data = r.base64(u"data"_s);
    b.truncated = r.optionalBoolean(u"truncated"_s, false);
    return finish(r, b);
}

// ---- run.result -----------------------------------------------------------------------------

QString RunResultBody::type()
{
    return u"run.result"_s;
}

QJsonObject RunResultBody::toJson() const
{
    QJsonObject o{{u"run_id"_s, idJson(runId.value())},
                  {u"attempt"_s, attempt},
                  {u"state"_s, runStateName(state)},
                  {u"exit_code"_s, exitCode},
                  {u"signal"_s, signal},
                  {u"started_at_ms"_s, startedAtMs},
                  {u"finished_at_ms"_s, finishedAtMs},
                  {u"output_bytes"_s, outputBytes},
                  {u"output_truncated"_s, outputTruncated}};
    if (!reason.isEmpty())
        o.insert(u"reason"_s, reason);
    return o;
}

Result<RunResultBody> RunResultBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    RunResultBody b;
    b.runId = RunId(r.id(u"run_id"_s));
    b.attempt = readAttempt(r);
    b.state = r.finalState(u"state"_s);
    b.exitCode = int(r.integer(u"exit_code"_s, -1, 255));
    b.signal = int(r.optionalInteger(u"signal"_s, 0, 0, 128));
    b.startedAtMs = r.integer(u"started_at_ms"_s, 0, kMaxI64);
    b.finishedAtMs = r.integer(u"finished_at_ms"_s, 0, kMaxI64);
    if (!r.hasError() && b.finishedAtMs < b.startedAtMs)
        r.fail(ErrorCode::InvalidValue, r.fieldPath(u"finished_at_ms"_s),
               Tr::tr("is before started_at_ms"));
    b.outputBytes = r.integer(u"output_bytes"_s, 0, kMaxI64);
    b.outputTruncated = r.optionalBoolean(u"output_truncated"_s, false);
    b.reason = r.optionalString(u"reason"_s, {}, 4096);
    return finish(r, b);
}

// ---- enrolled -------------------------------------------------------------------------------

QString EnrolledBody::type()
{
    return u"enrolled"_s;
}

QJsonObject EnrolledBody::toJson() const
{
    return {{u"node_id"_s, idJson(nodeId.value())}, {u"credential"_s, credential}};
}

Result<EnrolledBody> EnrolledBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    EnrolledBody b;
    b.nodeId = NodeId(r.id(u"node_id"_s));
    b.credential = r.string(u"credential"_s);
    return finish(r, b);
}

// ---- welcome --------------------------------------------------------------------------------

QString WelcomeBody::type()
{
    return u"welcome"_s;
}

QJsonObject WelcomeBody::toJson() const
{
    return {{u"node_id"_s, idJson(nodeId.value())},
            {u"heartbeat_interval_ms"_s, heartbeatIntervalMs},
            {u"server_time_ms"_s, serverTimeMs}};
}

Result<WelcomeBody> WelcomeBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    WelcomeBody b;
    b.nodeId = NodeId(r.id(u"node_id"_s));
    b.heartbeatIntervalMs = r.integer(u"heartbeat_interval_ms"_s, 1, kMaxI64);
    b.serverTimeMs = r.integer(u"server_time_ms"_s, 0, kMaxI64);
    return finish(r, b);
}

QString checkCapability()
{
    return u"check"_s;
}

QString startAtCapability()
{
    return u"start_at"_s;
}

// ---- run.dispatch ---------------------------------------------------------------------------

QString RunDispatchBody::type()
{
    return u"run.dispatch"_s;
}

QJsonObject RunDispatchBody::toJson() const
{
    QJsonObject o{{u"run_id"_s, idJson(runId.value())},
                  {u"attempt"_s, attempt},
                  {u"job"_s, job},
                  {u"command"_s, command},
                  {u"env"_s, stringMapJson(env)},
                  {u"working_directory"_s, workingDirectory},
                  {u"timeout_ms"_s, timeoutMs},
                  {u"kill_grace_ms"_s, killGraceMs},
                  {u"output_limit_bytes"_s, outputLimitBytes}};
    if (startAtMs > 0)
        o.insert(u"start_at_ms"_s, startAtMs);
    if (!check.isEmpty()) {
        o.insert(u"check"_s, check);
        o.insert(u"check_timeout_ms"_s, checkTimeoutMs);
    }
    return o;
}

Result<RunDispatchBody> RunDispatchBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    RunDispatchBody b;
    b.runId = RunId(r.id(u"run_id"_s));
    b.attempt = readAttempt(r);
    b.job = r.string(u"job"_s, JsonReader::Text::NonEmpty, 255);
    b.command = r.string(u"command"_s, JsonReader::Text::NonEmpty, std::numeric_limits<int>::max());
    b.env = r.optionalStringMap(u"env"_s);
    b.workingDirectory = r.optionalString(u"working_directory"_s);
    b.timeoutMs = r.integer(u"timeout_ms"_s, 0, kMaxI64);
    b.killGraceMs = r.integer(u"kill_grace_ms"_s, 0, kMaxI64);
    b.outputLimitBytes = r.integer(u"output_limit_bytes"_s, 0, kMaxI64);
    b.startAtMs = r.optionalInteger(u"start_at_ms"_s, 0, 0, kMaxI64);
    b.check = r.optionalString(u"check"_s, {}, std::numeric_limits<int>::max());
    b.checkTimeoutMs = r.optionalInteger(u"check_timeout_ms"_s, 0, 0, kMaxI64);
    return finish(r, b);
}

// ---- run.stop -------------------------------------------------------------------------------

QString RunStopBody::type()
{
    return u"run.stop"_s;
}

QJsonObject RunStopBody::toJson() const
{
    return {{u"run_id"_s, idJson(runId.value())}, {u"attempt"_s, attempt}, {u"reason"_s, reason}};
}

Result<RunStopBody> RunStopBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    RunStopBody b;
    b.runId = RunId(r.id(u"run_id"_s));
    b.attempt = readAttempt(r);
    b.reason = r.optionalString(u"reason"_s);
    return finish(r, b);
}

// ---- ack ------------------------------------------------------------------------------------

QString AckBody::type()
{
    return u"ack"_s;
}

QJsonObject AckBody::toJson() const
{
    return {{u"run_id"_s, idJson(runId.value())}, {u"attempt"_s, attempt}};
}

Result<AckBody> AckBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    AckBody b;
    b.runId = RunId(r.id(u"run_id"_s));
    b.attempt = readAttempt(r);
    return finish(r, b);
}

// ---- client messages ------------------------------------------------------------------------

namespace {

constexpr int kMaxTopics = 100;
constexpr int kMaxTopicLength = 64;

// An array of topics; every entry a valid topic. At least one unless `allowEmpty`.
QStringList readTopics(JsonReader &r, bool allowEmpty)
{
    const QJsonArray array = r.array(u"topics"_s);
    if (r.hasError())
        return {};
    if ((array.isEmpty() && !allowEmpty) || array.size() > kMaxTopics) {
        r.fail(ErrorCode::InvalidValue, r.fieldPath(u"topics"_s),
               Tr::tr("expected 1 to %1 topics").arg(kMaxTopics));
        return {};
    }
    QStringList topics;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString field = r.fieldPath(u"topics"_s) + u'[' + QString::number(i) + u']';
        const QJsonValue v = array.at(i);
        if (!v.isString()) {
            r.fail(ErrorCode::WrongType, field,
                   Tr::tr("expected a string, found %1").arg(jsonTypeName(v)));
            return {};
        }
        if (!isValidTopic(v.toString())) {
            r.fail(ErrorCode::InvalidValue, field,
                   Tr::tr("unknown topic '%1' (expected runs, nodes, jobs or output:<run id>)")
                           .arg(v.toString().left(kMaxTopicLength)));
            return {};
        }
        topics.append(v.toString());
    }
    return topics;
}

// An optional JSON value of the given kinds; absent or null = null.
QJsonValue readAnyValue(JsonReader &r, const QJsonObject &body, const QString &key,
                        bool allowString)
{
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || v.isNull())
        return QJsonValue();
    if (v.isObject() || v.isArray() || (allowString && v.isString()))
        return v;
    r.fail(ErrorCode::WrongType, r.fieldPath(key),
           allowString ? Tr::tr("expected an object, an array or a string, found %1")
                                 .arg(jsonTypeName(v))
                       : Tr::tr("expected an object or an array, found %1").arg(jsonTypeName(v)));
    return QJsonValue();
}

}  // namespace

bool isValidTopic(const QString &topic)
{
    if (topic == u"runs"_s || topic == u"nodes"_s || topic == u"jobs"_s)
        return true;
    if (!topic.startsWith(u"output:"_s) || topic.size() > kMaxTopicLength)
        return false;
    const QString id = topic.mid(7);
    const RunId run = RunId::fromString(id);
    return run.isValid() && run.toString() == id;
}

QString AuthBody::type()
{
    return u"auth"_s;
}

QJsonObject AuthBody::toJson() const
{
    return {{u"token"_s, token}};
}

Result<AuthBody> AuthBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    AuthBody b;
    b.token = r.string(u"token"_s, JsonReader::Text::NonEmpty, 1024);
    return finish(r, b);
}

QString RequestBody::type()
{
    return u"request"_s;
}

QJsonObject RequestBody::toJson() const
{
    QJsonObject o{{u"method"_s, method}, {u"path"_s, path}};
    if (!query.isEmpty())
        o.insert(u"query"_s, query);
    if (!body.isUndefined() && !body.isNull())
        o.insert(u"body"_s, body);
    return o;
}

Result<RequestBody> RequestBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    RequestBody b;
    b.method = r.string(u"method"_s, JsonReader::Text::NonEmpty, 16);
    b.path = r.string(u"path"_s, JsonReader::Text::NonEmpty, 4096);
    if (!r.hasError() && !b.path.startsWith(u'/'))
        r.fail(ErrorCode::InvalidValue, r.fieldPath(u"path"_s), Tr::tr("must start with '/'"));
    b.query = r.optionalString(u"query"_s, {}, 8192);
    b.body = readAnyValue(r, body, u"body"_s, true);
    return finish(r, b);
}

QString SubscribeBody::type()
{
    return u"subscribe"_s;
}

QJsonObject SubscribeBody::toJson() const
{
    return {{u"topics"_s, QJsonArray::fromStringList(topics)}};
}

Result<SubscribeBody> SubscribeBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    SubscribeBody b;
    b.topics = readTopics(r, false);
    return finish(r, b);
}

QString UnsubscribeBody::type()
{
    return u"unsubscribe"_s;
}

QJsonObject UnsubscribeBody::toJson() const
{
    return {{u"topics"_s, QJsonArray::fromStringList(topics)}};
}

Result<UnsubscribeBody> UnsubscribeBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    UnsubscribeBody b;
    b.topics = readTopics(r, false);
    return finish(r, b);
}

QString AuthenticatedBody::type()
{
    return u"authenticated"_s;
}

QJsonObject AuthenticatedBody::toJson() const
{
    return {{u"user"_s, user}, {u"role"_s, role}, {u"server_version"_s, serverVersion}};
}

Result<AuthenticatedBody> AuthenticatedBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    AuthenticatedBody b;
    b.user = r.string(u"user"_s, JsonReader::Text::NonEmpty, 255);
    b.role = r.string(u"role"_s, JsonReader::Text::NonEmpty, 32);
    b.serverVersion = r.string(u"server_version"_s, JsonReader::Text::Any, 64);
    return finish(r, b);
}

QString ResponseBody::type()
{
    return u"response"_s;
}

QJsonObject ResponseBody::toJson() const
{
    return {{u"status"_s, status}, {u"body"_s, body.isUndefined() ? QJsonValue() : body}};
}

Result<ResponseBody> ResponseBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    ResponseBody b;
    b.status = int(r.integer(u"status"_s, 100, 599));
    b.body = readAnyValue(r, body, u"body"_s, true);
    return finish(r, b);
}

QString SubscribedBody::type()
{
    return u"subscribed"_s;
}

QJsonObject SubscribedBody::toJson() const
{
    return {{u"topics"_s, QJsonArray::fromStringList(topics)}};
}

Result<SubscribedBody> SubscribedBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    SubscribedBody b;
    b.topics = readTopics(r, true);
    return finish(r, b);
}

QString EventBody::type()
{
    return u"event"_s;
}

QJsonObject EventBody::toJson() const
{
    return {{u"topic"_s, topic}, {u"kind"_s, kind}, {u"data"_s, data}};
}

Result<EventBody> EventBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    EventBody b;
    b.topic = r.string(u"topic"_s, JsonReader::Text::NonEmpty, kMaxTopicLength);
    b.kind = r.string(u"kind"_s, JsonReader::Text::NonEmpty, 64);
    const QJsonValue data = body.value(u"data"_s);
    if (!r.hasError() && !data.isObject())
        r.fail(data.isUndefined() ? ErrorCode::MissingField : ErrorCode::WrongType,
               r.fieldPath(u"data"_s),
               data.isUndefined() ? Tr::tr("the field is required")
                                  : Tr::tr("expected an object, found %1").arg(jsonTypeName(data)));
    b.data = data.toObject();
    return finish(r, b);
}

// ---- error ----------------------------------------------------------------------------------

QString ErrorBody::type()
{
    return u"error"_s;
}

std::optional<ErrorCode> errorCodeFromName(const QString &name)
{
    for (int i = int(ErrorCode::None); i <= int(ErrorCode::Storage); ++i) {
        if (errorCodeName(ErrorCode(i)) == name)
            return ErrorCode(i);
    }
    return std::nullopt;
}

ErrorBody ErrorBody::fromError(const Error &error)
{
    return ErrorBody{errorCodeName(error.code), error.message, error.file};
}

ErrorCode ErrorBody::errorCode() const
{
    return errorCodeFromName(code).value_or(ErrorCode::None);
}

Error ErrorBody::toError() const
{
    Error e = makeError(errorCode(), message);
    e.file = field;
    return e;
}

QJsonObject ErrorBody::toJson() const
{
    QJsonObject o{{u"code"_s, code}, {u"message"_s, message}};
    if (!field.isEmpty())
        o.insert(u"field"_s, field);
    return o;
}

Result<ErrorBody> ErrorBody::fromJson(const QJsonObject &body)
{
    JsonReader r(body, kBody);
    ErrorBody b;
    b.code = r.string(u"code"_s, JsonReader::Text::NonEmpty, 64);
    b.message = r.string(u"message"_s, JsonReader::Text::Any);
    b.field = r.optionalString(u"field"_s, {}, 255);
    return finish(r, b);
}

Envelope errorEnvelope(const Error &error, const QString &re, const QString &id)
{
    return makeEnvelope(ErrorBody::fromError(error), id.isEmpty() ? u"error:"_s + re : id, re);
}

// ---- types ----------------------------------------------------------------------------------

namespace {

struct TypeEntry
{
    QString type;
    Result<void> (*validate)(const QJsonObject &);
};

template<typename Body>
TypeEntry entry()
{
    return TypeEntry{Body::type(), [](const QJsonObject &body) -> Result<void> {
                         const Result<Body> parsed = Body::fromJson(body);
                         if (!parsed)
                             return parsed.error();
                         return {};
                     }};
}

const QList<TypeEntry> &typesV1()
{
    static const QList<TypeEntry> types{
            entry<EnrolBody>(),       entry<HelloBody>(),         entry<HeartbeatBody>(),
            entry<RunStartedBody>(),  entry<RunOutputBody>(),     entry<RunResultBody>(),
            entry<EnrolledBody>(),    entry<WelcomeBody>(),       entry<RunDispatchBody>(),
            entry<RunStopBody>(),     entry<AckBody>(),           entry<ErrorBody>(),
            entry<AuthBody>(),        entry<RequestBody>(),       entry<SubscribeBody>(),
            entry<UnsubscribeBody>(), entry<AuthenticatedBody>(), entry<ResponseBody>(),
            entry<SubscribedBody>(),  entry<EventBody>()};
    return types;
}

const QList<TypeEntry> *typesOf(int version)
{
    return version == 1 ? &typesV1() : nullptr;
}

}  // namespace

QList<QString> messageTypes(int version)
{
    QList<QString> names;
    if (const QList<TypeEntry> *types = typesOf(version)) {
        for (const TypeEntry &t : *types)
            names.append(t.type);
    }
    return names;
}

Result<void> validateBody(int version, const QString &type, const QJsonObject &body)
{
    if (const QList<TypeEntry> *types = typesOf(version)) {
        for (const TypeEntry &t : *types) {
            if (t.type == type)
                return t.validate(body);
        }
    }
    Error e = makeError(ErrorCode::UnknownType,
                        Tr::tr("unknown message type '%1' in protocol version %2")
                                .arg(type.left(64))
                                .arg(version));
    e.file = u"type"_s;
    return e;
}

}  // namespace Orrery::Protocol

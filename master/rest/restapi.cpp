#include "restapi.h"

#include "jsonviews.h"

#include <config/configfile.h>
#include <config/pipelinefile.h>
#include <master/engine/engine.h>
#include <model/clock.h>
#include <model/duration.h>
#include <model/spelling.h>
#include <store/runstats.h>
#include <store/store.h>

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTimeZone>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

static Q_LOGGING_CATEGORY(lcRest, "orrery.master.rest", QtInfoMsg)

        using namespace Rest;

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kDefaultAuditLimit = 100;
constexpr int kMaxLimit = 1000;
constexpr int kMaxTokenNameLength = 100;
constexpr qint64 kDefaultEnrolTtlSecs = 3600;
constexpr qint64 kMaxEnrolTtlSecs = 30LL * 24 * 3600;

// The least role that may call a route; Public routes need no token.
enum class Access { Public, Viewer, Operator, Admin };

QString accessName(Access access)
{
    switch (access) {
    case Access::Public:
        return QString();
    case Access::Viewer:
        return u"viewer"_s;
    case Access::Operator:
        return u"operator"_s;
    case Access::Admin:
        return u"admin"_s;
    }
    return QString();
}

int rank(TokenRole role)
{
    switch (role) {
    case TokenRole::Viewer:
        return 1;
    case TokenRole::Operator:
        return 2;
    case TokenRole::Admin:
        return 3;
    }
    return 0;
}

int rank(Access access)
{
    return int(access);  // Public 0 < Viewer 1 < Operator 2 < Admin 3
}

QString methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return u"GET"_s;
    case QHttpServerRequest::Method::Put:
        return u"PUT"_s;
    case QHttpServerRequest::Method::Delete:
        return u"DELETE"_s;
    case QHttpServerRequest::Method::Post:
        return u"POST"_s;
    case QHttpServerRequest::Method::Head:
        return u"HEAD"_s;
    case QHttpServerRequest::Method::Options:
        return u"OPTIONS"_s;
    case QHttpServerRequest::Method::Patch:
        return u"PATCH"_s;
    case QHttpServerRequest::Method::Connect:
        return u"CONNECT"_s;
    case QHttpServerRequest::Method::Trace:
        return u"TRACE"_s;
    default:
        break;
    }
    return u"UNKNOWN"_s;
}

// A path split into its percent-decoded segments: "/api/v1/tasks/a%20b" -> api, v1, tasks,
// "a b". A placeholder segment of a route template is "{name}".
QStringList pathSegments(const QString &encodedPath)
{
    QStringList out;
    const QStringList parts = encodedPath.split(u'/');
    // parts[0] is the empty text before the leading '/'.
    for (qsizetype i = 1; i < parts.size(); ++i)
        out.append(QUrl::fromPercentEncoding(parts.at(i).toUtf8()));
    return out;
}

using Reply = ApiResponse;

Reply jsonReply(const QJsonObject &object, int status = 200)
{
    return Reply{status, QJsonDocument(object).toJson(QJsonDocument::Compact), {}};
}

Reply noContent()
{
    return Reply{204, QByteArray(), {}};
}

Reply errorReply(const Error &error)
{
    Reply reply = jsonReply(errorBody(error), httpStatus(error.code));
    if (reply.status == 401)
        reply.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
    return reply;
}

Error fieldError(ErrorCode code, const QString &field, const QString &message)
{
    Error e = makeError(code, field + u": "_s + message);
    e.file = field;
    return e;
}

// An error that the engine located in a file: the whole location goes into the message
// ("pipeline.yaml:12:7: error: …"), since Error::file is a file name here, not a field.
Error fileError(const Error &error)
{
    if (error.file.isEmpty() && error.line == 0)
        return error;
    Error e = error;
    e.message = error.toString();
    e.file.clear();
    e.line = 0;
    e.column = 0;
    return e;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct RestApi::Private
{
    // What a handler gets: the request, the path's placeholder values in order, and who asks.
    struct Call
    {
        const ApiRequest &request;
        QStringList args;
        ApiTokenInfo token;
        Actor actor;
    };
    using Handler = Reply (Private::*)(const Call &);

    struct Route
    {
        QString method;
        QString path;
        QStringList segments;
        Access access;
        Handler handler;
    };

    Private(Engine &engine, const RestApiOptions &options);

    void addRoute(const QString &method, const QString &path, Access access, Handler handler);
    void serve(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    Reply dispatch(const ApiRequest &request);
    Result<ApiTokenInfo> authenticate(const ApiRequest &request);
    QDateTime now() const { return options.clock ? options.clock->now() : systemClock.now(); }
    Store &store() { return engine->store(); }
    NodeNames nodeNames() const;
    Result<void> audit(const Call &call, const QString &action, const QString &target,
                       const QString &detail);

    // ---- handlers ---------------------------------------------------------------------
    Reply health(const Call &call);
    Reply stats(const Call &call);
    Reply openApi(const Call &call);
    Reply createTask(const Call &call);
    Reply listTasks(const Call &call);
    Reply getTask(const Call &call);
    Reply updateTask(const Call &call);
    Reply deleteTask(const Call &call);
    Reply taskStatus(const Call &call);
    Reply executeTask(const Call &call);
    Reply stopTask(const Call &call);
    Reply taskRuns(const Call &call);
    Reply listRuns(const Call &call);
    Reply getRun(const Call &call);
    Reply runOutput(const Call &call);
    Reply stopRun(const Call &call);
    Reply listNodes(const Call &call);
    Reply drainNode(const Call &call);
    Reply enableNode(const Call &call);
    Reply listPipelines(const Call &call);
    Reply getPipeline(const Call &call);
    Reply runPipeline(const Call &call);
    Reply pipelineRuns(const Call &call);
    Reply getPipelineRun(const Call &call);
    Reply rerunPipelineRun(const Call &call);
    Reply backfillPipeline(const Call &call);
    Reply apply(const Call &call);
    Reply createToken(const Call &call);
    Reply listTokens(const Call &call);
    Reply revokeToken(const Call &call);
    Reply createEnrolToken(const Call &call);
    Reply listAudit(const Call &call);

    Result<JobRecord> findTask(const QString &idOrName);
    Result<RunId> runId(const QString &text);
    Result<qint64> pipelineRunId(const QString &text);

    QPointer<Engine> engine;  // the Engine must outlive the RestApi; checked per request
    RestApiOptions options;
    SystemClock systemClock;
    QHttpServer *http = nullptr;
    QPointer<QSslServer> tcp;
    QList<Route> routes;
};

RestApi::Private::Private(Engine &e, const RestApiOptions &o) : engine(&e), options(o)
{
    const QString get = u"GET"_s, post = u"POST"_s, put = u"PUT"_s, del = u"DELETE"_s;
    // In the order of docs/rest-api.md.
    addRoute(post, u"/api/v1/tasks"_s, Access::Admin, &Private::createTask);
    addRoute(get, u"/api/v1/tasks"_s, Access::Viewer, &Private::listTasks);
    addRoute(get, u"/api/v1/tasks/{task}"_s, Access::Viewer, &Private::getTask);
    addRoute(put, u"/api/v1/tasks/{task}"_s, Access::Admin, &Private::updateTask);
    addRoute(del, u"/api/v1/tasks/{task}"_s, Access::Admin, &Private::deleteTask);
    addRoute(get, u"/api/v1/tasks/{task}/status"_s, Access::Viewer, &Private::taskStatus);
    addRoute(post, u"/api/v1/tasks/{task}/execute"_s, Access::Operator, &Private::executeTask);
    addRoute(post, u"/api/v1/tasks/{task}/stop"_s, Access::Operator, &Private::stopTask);
    addRoute(get, u"/api/v1/tasks/{task}/runs"_s, Access::Viewer, &Private::taskRuns);
    addRoute(get, u"/api/v1/runs"_s, Access::Viewer, &Private::listRuns);
    addRoute(get, u"/api/v1/runs/{run}"_s, Access::Viewer, &Private::getRun);
    addRoute(get, u"/api/v1/runs/{run}/output"_s, Access::Viewer, &Private::runOutput);
    addRoute(post, u"/api/v1/runs/{run}/stop"_s, Access::Operator, &Private::stopRun);
    addRoute(get, u"/api/v1/nodes"_s, Access::Viewer, &Private::listNodes);
    addRoute(post, u"/api/v1/nodes/{node}/drain"_s, Access::Operator, &Private::drainNode);
    addRoute(post, u"/api/v1/nodes/{node}/enable"_s, Access::Operator, &Private::enableNode);
    addRoute(get, u"/api/v1/pipelines"_s, Access::Viewer, &Private::listPipelines);
    addRoute(get, u"/api/v1/pipelines/{pipeline}"_s, Access::Viewer, &Private::getPipeline);
    addRoute(post, u"/api/v1/pipelines/{pipeline}/run"_s, Access::Operator, &Private::runPipeline);
    addRoute(get, u"/api/v1/pipelines/{pipeline}/runs"_s, Access::Viewer, &Private::pipelineRuns);
    addRoute(post, u"/api/v1/pipelines/{pipeline}/backfill"_s, Access::Operator,
             &Private::backfillPipeline);
    addRoute(get, u"/api/v1/pipeline-runs/{id}"_s, Access::Viewer, &Private::getPipelineRun);
    addRoute(post, u"/api/v1/pipeline-runs/{id}/rerun"_s, Access::Operator,
             &Private::rerunPipelineRun);
    addRoute(post, u"/api/v1/apply"_s, Access::Admin, &Private::apply);
    addRoute(post, u"/api/v1/tokens"_s, Access::Admin, &Private::createToken);
    addRoute(get, u"/api/v1/tokens"_s, Access::Admin, &Private::listTokens);
    addRoute(del, u"/api/v1/tokens/{id}"_s, Access::Admin, &Private::revokeToken);
    addRoute(post, u"/api/v1/enrol-tokens"_s, Access::Admin, &Private::createEnrolToken);
    addRoute(get, u"/api/v1/audit"_s, Access::Admin, &Private::listAudit);
    addRoute(get, u"/api/v1/stats"_s, Access::Viewer, &Private::stats);
    addRoute(get, u"/api/v1/health"_s, Access::Public, &Private::health);
    addRoute(get, u"/api/v1/openapi.json"_s, Access::Public, &Private::openApi);
}

void RestApi::Private::addRoute(const QString &method, const QString &path, Access access,
                                Handler handler)
{
    routes.append(Route{method, path, pathSegments(path), access, handler});
}

void RestApi::Private::serve(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    ApiRequest call;
    call.method = methodName(request.method());
    call.path = request.url().path(QUrl::FullyEncoded);
    call.query = request.query();
    call.body = request.body();
    call.authorization = request.value(QByteArrayLiteral("Authorization"));
    call.source = request.remoteAddress().toString();
    const Reply reply = dispatch(call);
    if (reply.status >= 500) {
        qCWarning(lcRest).noquote() << methodName(request.method()) << request.url().path() << "->"
                                    << reply.status << reply.body;
    } else {
        qCDebug(lcRest).noquote() << methodName(request.method()) << request.url().path() << "->"
                                  << reply.status;
    }
    const auto status = QHttpServerResponder::StatusCode(reply.status);
    QByteArray mimeType = QByteArrayLiteral("application/json");
    for (const auto &header : reply.headers) {
        if (header.first.compare("Content-Type", Qt::CaseInsensitive) == 0)
            mimeType = header.second;
    }
    QHttpServerResponse response = reply.status == 204
                                           ? QHttpServerResponse(status)
                                           : QHttpServerResponse(mimeType, reply.body, status);
    for (const auto &header : reply.headers) {
        if (header.first.compare("Content-Type", Qt::CaseInsensitive) != 0)
            response.addHeader(header.first, header.second);
    }
    response.write(std::move(responder));
}

// Qt HttpServer 6.4's router answers a method mismatch with 404 and has no notion of roles,
// so every request comes here (the missing handler) and is routed by our own table: 404 for
// an unknown path, 405 with Allow for a known path and another method, then the token, the
// role and the body size, then the handler.
Reply RestApi::Private::dispatch(const ApiRequest &request)
{
    const QStringList segments = pathSegments(request.path);
    const QString shownPath = QUrl::fromPercentEncoding(request.path.toUtf8());
    const Route *route = nullptr;
    QStringList args;
    QStringList allowed;
    for (const Route &candidate : std::as_const(routes)) {
        if (candidate.segments.size() != segments.size())
            continue;
        QStringList values;
        bool match = true;
        for (qsizetype i = 0; i < segments.size() && match; ++i) {
            const QString &want = candidate.segments.at(i);
            if (want.startsWith(u'{')) {
                match = !segments.at(i).isEmpty();  // "/api/v1/tasks/" names no task
                values.append(segments.at(i));
            } else {
                match = want == segments.at(i);
            }
        }
        if (!match)
            continue;
        if (candidate.method == request.method) {
            route = &candidate;
            args = values;
            break;
        }
        allowed.append(candidate.method);
    }
    if (!route) {
        if (allowed.isEmpty()) {
            return errorReply(makeError(
                    ErrorCode::NotFound,
                    RestApi::tr("no such route: %1 %2").arg(request.method.left(16), shownPath)));
        }
        Reply reply = jsonReply(
                QJsonObject{{u"error"_s,
                             QJsonObject{{u"code"_s, u"method_not_allowed"_s},
                                         {u"message"_s,
                                          RestApi::tr("%1 is not allowed on %2 (allowed: %3)")
                                                  .arg(request.method.left(16), shownPath,
                                                       allowed.join(u", "_s))}}}},
                405);
        reply.headers.append(qMakePair(QByteArray("Allow"), allowed.join(u", "_s).toLatin1()));
        return reply;
    }

    Call call{request, args, {}, {}};
    call.actor.source = request.source;
    if (route->access != Access::Public) {
        const Result<ApiTokenInfo> token = authenticate(request);
        if (!token)
            return errorReply(token.error());
        if (rank(token->role) < rank(route->access)) {
            return errorReply(makeError(ErrorCode::Forbidden,
                                        RestApi::tr("this call needs the %1 role; token '%2' is %3")
                                                .arg(accessName(route->access), token->name,
                                                     tokenRoleName(token->role))));
        }
        call.token = *token;
        call.actor.name = token->name;
    }
    if (request.body.size() > options.maxBodyBytes) {
        return errorReply(
                makeError(ErrorCode::TooLarge, RestApi::tr("the body is %1 bytes; the limit is %2")
                                                       .arg(request.body.size())
                                                       .arg(options.maxBodyBytes)));
    }
    if (!engine) {
        return errorReply(makeError(ErrorCode::Storage, RestApi::tr("the engine is gone")));
    }
    return (this->*(route->handler))(call);
}

Result<ApiTokenInfo> RestApi::Private::authenticate(const ApiRequest &request)
{
    const QByteArray header = request.authorization.trimmed();
    static const QByteArray scheme = QByteArrayLiteral("bearer ");
    if (header.isEmpty()) {
        return makeError(ErrorCode::Unauthorized,
                         RestApi::tr("missing 'Authorization: Bearer <token>' header"));
    }
    if (header.size() <= scheme.size() || header.left(scheme.size()).toLower() != scheme) {
        return makeError(ErrorCode::Unauthorized,
                         RestApi::tr("the Authorization header must be 'Bearer <token>'"));
    }
    const QString secret = QString::fromLatin1(header.mid(scheme.size()).trimmed());
    Result<ApiTokenInfo> token = store().verifyApiToken(secret);
    if (!token && token.error().code == ErrorCode::Unauthorized) {
        // The store's wording may say why; the client learns only that the token is not valid.
        return makeError(ErrorCode::Unauthorized,
                         RestApi::tr("the token is unknown, wrong or revoked"));
    }
    return token;
}

NodeNames RestApi::Private::nodeNames() const
{
    NodeNames names;
    for (const NodeStatus &node : engine->nodes())
        names.insert(node.record.id, node.record.name);
    return names;
}

Result<void> RestApi::Private::audit(const Call &call, const QString &action, const QString &target,
                                     const QString &detail)
{
    AuditEntry entry;
    entry.actor = call.actor.name;
    entry.action = action;
    entry.target = target;
    entry.detail = detail;
    entry.source = call.actor.source;
    const Result<AuditEntry> stored = store().appendAudit(entry);
    if (!stored)
        return stored.error();
    return {};
}

Result<JobRecord> RestApi::Private::findTask(const QString &idOrName)
{
    return engine->findJob(idOrName);
}

Result<RunId> RestApi::Private::runId(const QString &text)
{
    const RunId id = RunId::fromString(text);
    if (!id.isValid() || id.toString() != text)
        return makeError(ErrorCode::NotFound,
                         RestApi::tr("no run with id '%1'").arg(text.left(40)));
    return id;
}

Result<qint64> RestApi::Private::pipelineRunId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0 || QString::number(id) != text)
        return makeError(ErrorCode::NotFound,
                         RestApi::tr("no pipeline run with id '%1'").arg(text.left(40)));
    return id;
}

// A query parameter that must be an integer in [min, max]; absent = fallback.
static Result<int> queryInteger(const ApiRequest &request, const QString &key, int fallback,
                                int min, int max)
{
    const QUrlQuery &query = request.query;
    if (!query.hasQueryItem(key))
        return fallback;
    const QString text = query.queryItemValue(key, QUrl::FullyDecoded);
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max) {
        return fieldError(ErrorCode::InvalidValue, key,
                          RestApi::tr("expected an integer between %1 and %2, found '%3'")
                                  .arg(min)
                                  .arg(max)
                                  .arg(text.left(40)));
    }
    return int(value);
}

// ---- handlers ---------------------------------------------------------------------------

Reply RestApi::Private::health(const Call &)
{
    return jsonReply(
            QJsonObject{{u"status"_s, u"ok"_s}, {u"version"_s, QStringLiteral(ORRERY_VERSION)}});
}

Reply RestApi::Private::stats(const Call &call)
{
    const QUrlQuery &query = call.request.query;
    const QString rangeText = query.queryItemValue(u"range"_s, QUrl::FullyDecoded);
    const std::optional<StatsRange> range
            = rangeText.isEmpty() ? StatsRange::Day : statsRangeFromName(rangeText);
    if (!range) {
        return errorReply(fieldError(
                ErrorCode::InvalidValue, u"range"_s,
                RestApi::tr("expected 24h or 7d, found '%1'").arg(rangeText.left(40))));
    }
    // "Today" and the days of 7d are those of the asker's time zone, else the master's.
    const QString zoneText = query.queryItemValue(u"tz"_s, QUrl::FullyDecoded);
    const QTimeZone zone
            = zoneText.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(zoneText.toUtf8());
    if (!zone.isValid()) {
        return errorReply(fieldError(
                ErrorCode::InvalidValue, u"tz"_s,
                RestApi::tr("unknown time zone '%1'").arg(zoneText.left(60))));
    }
    const StatsWindow window = statsWindow(*range, now(), zone);
    const Result<RunStats> stats
            = store().runStats(window.dayStart, window.bucketStarts, window.end);
    if (!stats)
        return errorReply(stats.error());
    return jsonReply(runStatsJson(*stats, statsRangeName(*range), QString::fromUtf8(zone.id())));
}

Reply RestApi::Private::openApi(const Call &)
{
    return Reply{200, openApiDocument(), {}};
}

Reply RestApi::Private::createTask(const Call &call)
{
    const Result<QJsonObject> body = parseJsonBody(call.request.body);
    if (!body)
        return errorReply(body.error());
    const Result<Job> job = taskFromJson(*body, Job(), TaskBodyMode::Create);
    if (!job)
        return errorReply(job.error());
    const Result<JobRecord> created = engine->createJob(*job, call.actor);
    if (!created)
        return errorReply(created.error());
    return jsonReply(taskJson(*created, engine->nextFireTime(created->job.id)), 201);
}

Reply RestApi::Private::listTasks(const Call &)
{
    Result<QList<JobRecord>> jobs = store().listJobs();
    if (!jobs)
        return errorReply(jobs.error());
    std::sort(jobs->begin(), jobs->end(),
              [](const JobRecord &a, const JobRecord &b) { return a.job.name < b.job.name; });
    const Result<QHash<JobId, LastRun>> lastRuns = store().lastRuns();
    if (!lastRuns)
        return errorReply(lastRuns.error());
    QJsonArray tasks;
    for (const JobRecord &record : std::as_const(*jobs)) {
        QJsonObject task = taskJson(record, engine->nextFireTime(record.job.id));
        const auto last = lastRuns->constFind(record.job.id);
        task.insert(u"last_run"_s,
                    lastRunJson(last == lastRuns->cend() ? std::nullopt
                                                         : std::optional<LastRun>(*last)));
        tasks.append(task);
    }
    return jsonReply(QJsonObject{{u"tasks"_s, tasks}});
}

Reply RestApi::Private::getTask(const Call &call)
{
    const Result<JobRecord> record = findTask(call.args.at(0));
    if (!record)
        return errorReply(record.error());
    return jsonReply(taskJson(*record, engine->nextFireTime(record->job.id)));
}

Reply RestApi::Private::updateTask(const Call &call)
{
    const Result<JobRecord> record = findTask(call.args.at(0));
    if (!record)
        return errorReply(record.error());
    const Result<QJsonObject> body = parseJsonBody(call.request.body);
    if (!body)
        return errorReply(body.error());
    const Result<Job> job = taskFromJson(*body, record->job, TaskBodyMode::Update);
    if (!job)
        return errorReply(job.error());
    const Result<JobRecord> updated = engine->updateJob(*job, call.actor);
    if (!updated)
        return errorReply(updated.error());
    return jsonReply(taskJson(*updated, engine->nextFireTime(updated->job.id)));
}

Reply RestApi::Private::deleteTask(const Call &call)
{
    const Result<JobRecord> record = findTask(call.args.at(0));
    if (!record)
        return errorReply(record.error());
    const Result<void> deleted = engine->deleteJob(record->job.id, call.actor);
    if (!deleted)
        return errorReply(deleted.error());
    return noContent();
}

Reply RestApi::Private::taskStatus(const Call &call)
{
    const Result<JobRecord> record = findTask(call.args.at(0));
    if (!record)
        return errorReply(record.error());
    const Result<JobStatus> status = engine->jobStatus(record->job.id);
    if (!status)
        return errorReply(status.error());
    return jsonReply(taskStatusJson(*status, nodeNames()));
}

Reply RestApi::Private::executeTask(const Call &call)
{
    const Result<JobRecord> record = findTask(call.args.at(0));
    if (!record)
        return errorReply(record.error());
    const Result<RunRecord> run = engine->runJob(record->job.id, call.actor);
    if (!run)
        return errorReply(run.error());
    return jsonReply(QJsonObject{{u"run"_s, runJson(*run, nodeNames())}}, 202);
}

Reply RestApi::Private::stopTask(const Call &call)
{
    const Result<JobRecord> record = findTask(call.args.at(0));
    if (!record)
        return errorReply(record.error());
    const Result<QList<RunRecord>> stopped = engine->stopJob(record->job.id, call.actor);
    if (!stopped)
        return errorReply(stopped.error());
    const NodeNames names = nodeNames();
    QJsonArray runs;
    for (const RunRecord &run : *stopped)
        runs.append(runJson(run, names));
    return jsonReply(QJsonObject{{u"runs"_s, runs}});
}

Reply RestApi::Private::taskRuns(const Call &call)
{
    const Result<JobRecord> record = findTask(call.args.at(0));
    if (!record)
        return errorReply(record.error());
    const Result<int> limit = queryInteger(call.request, u"limit"_s, kDefaultLimit, 1, kMaxLimit);
    if (!limit)
        return errorReply(limit.error());
    const Result<QList<RunRecord>> list = store().listRunsByJob(record->job.id, *limit);
    if (!list)
        return errorReply(list.error());
    const NodeNames names = nodeNames();
    QJsonArray runs;
    for (const RunRecord &run : *list)
        runs.append(runJson(run, names));
    return jsonReply(QJsonObject{{u"runs"_s, runs}});
}

Reply RestApi::Private::listRuns(const Call &call)
{
    const Result<int> limit = queryInteger(call.request, u"limit"_s, kDefaultLimit, 1, kMaxLimit);
    if (!limit)
        return errorReply(limit.error());
    const QUrlQuery &query = call.request.query;
    const QString taskText = query.queryItemValue(u"task"_s, QUrl::FullyDecoded);
    const QString stateText = query.queryItemValue(u"state"_s, QUrl::FullyDecoded);
    // The next page: runs older than this one.
    RunId before;
    if (query.hasQueryItem(u"before"_s)) {
        const QString text = query.queryItemValue(u"before"_s, QUrl::FullyDecoded);
        before = RunId::fromString(text);
        if (!before.isValid() || before.toString() != text)
            return errorReply(
                    fieldError(ErrorCode::InvalidValue, u"before"_s,
                               RestApi::tr("expected a run id, found '%1'").arg(text.left(40))));
    }
    std::optional<RunState> state;
    if (!stateText.isEmpty()) {
        state = runStateFromName(stateText);
        if (!state) {
            QStringList names;
            for (RunState s : allRunStates())
                names.append(runStateName(s));
            const QString guess = closestMatch(stateText, names);
            return errorReply(fieldError(
                    ErrorCode::InvalidValue, u"state"_s,
                    guess.isEmpty() ? RestApi::tr("unknown run state '%1'").arg(stateText.left(40))
                                    : RestApi::tr("unknown run state '%1' (did you mean '%2'?)")
                                              .arg(stateText.left(40), guess)));
        }
    }

    QList<RunRecord> found;
    if (!taskText.isEmpty()) {
        const Result<JobRecord> record = findTask(taskText);
        if (!record)
            return errorReply(record.error());
        // With a state filter too, look further back so that `limit` matching runs are found.
        const int fetch = state ? kMaxLimit * 10 : *limit;
        const Result<QList<RunRecord>> list = store().listRunsByJob(record->job.id, fetch, before);
        if (!list)
            return errorReply(list.error());
        for (const RunRecord &run : *list) {
            if (!state || run.run.state() == *state)
                found.append(run);
        }
    } else {
        // No task: the newest runs of the asked state, or of every state merged by id (ids
        // are time-ordered, so a larger id is a newer run).
        const QList<RunState> states = state ? QList<RunState>{*state} : allRunStates();
        for (RunState s : states) {
            const Result<QList<RunRecord>> list = store().listRunsByState(s, *limit, before);
            if (!list)
                return errorReply(list.error());
            found.append(*list);
        }
        std::sort(found.begin(), found.end(),
                  [](const RunRecord &a, const RunRecord &b) { return a.run.id() > b.run.id(); });
    }
    if (found.size() > *limit)
        found.resize(*limit);
    const NodeNames names = nodeNames();
    QJsonArray runs;
    for (const RunRecord &run : std::as_const(found))
        runs.append(runJson(run, names));
    return jsonReply(QJsonObject{{u"runs"_s, runs}});
}

Reply RestApi::Private::getRun(const Call &call)
{
    const Result<RunId> id = runId(call.args.at(0));
    if (!id)
        return errorReply(id.error());
    const Result<RunRecord> run = store().run(*id);
    if (!run)
        return errorReply(run.error());
    const Result<QList<RunEvent>> events = store().runEvents(*id);
    if (!events)
        return errorReply(events.error());
    QJsonObject o = runJson(*run, nodeNames());
    const QString waiting = engine->waitingReason(*id);
    o.insert(u"waiting_reason"_s, waiting.isEmpty() ? QJsonValue(QJsonValue::Null) : waiting);
    QJsonArray list;
    for (const RunEvent &event : *events)
        list.append(runEventJson(event));
    o.insert(u"events"_s, list);
    return jsonReply(o);
}

Reply RestApi::Private::runOutput(const Call &call)
{
    const Result<RunId> id = runId(call.args.at(0));
    if (!id)
        return errorReply(id.error());
    const Result<int> after
            = queryInteger(call.request, u"after"_s, 0, 0, std::numeric_limits<int>::max() - 1);
    if (!after)
        return errorReply(after.error());
    const Result<RunRecord> run = store().run(*id);
    if (!run)
        return errorReply(run.error());
    // One chunk more than the page, to know whether more follow.
    const qint64 want = qint64(*after) + options.maxOutputChunks + 1;
    const Result<QList<OutputChunk>> chunks
            = store().readOutput(*id, int(qMin<qint64>(want, std::numeric_limits<int>::max())));
    if (!chunks)
        return errorReply(chunks.error());
    const bool more = chunks->size() == want;
    qint64 storedBytes = 0;
    for (const OutputChunk &chunk : *chunks)
        storedBytes += chunk.data.size();
    QJsonArray list;
    const qsizetype end = more ? chunks->size() - 1 : chunks->size();
    for (qsizetype i = *after; i < end; ++i)
        list.append(outputChunkJson(i + 1, chunks->at(i)));
    return jsonReply(QJsonObject{
            {u"run_id"_s, id->toString()},
            {u"state"_s, runStateName(run->run.state())},
            {u"finished"_s, isFinal(run->run.state())},
            // Known once the answer reaches the end of the stored output.
            {u"truncated"_s, !more && storedBytes >= options.outputLimitBytes},
            {u"more"_s, more},
            {u"chunks"_s, list},
    });
}

Reply RestApi::Private::stopRun(const Call &call)
{
    const Result<RunId> id = runId(call.args.at(0));
    if (!id)
        return errorReply(id.error());
    const Result<RunRecord> run = engine->stopRun(*id, call.actor);
    if (!run)
        return errorReply(run.error());
    return jsonReply(runJson(*run, nodeNames()));
}

Reply RestApi::Private::listNodes(const Call &)
{
    QList<NodeStatus> nodes = engine->nodes();
    std::sort(nodes.begin(), nodes.end(), [](const NodeStatus &a, const NodeStatus &b) {
        return a.record.name < b.record.name;
    });
    QJsonArray list;
    for (const NodeStatus &node : std::as_const(nodes))
        list.append(nodeJson(node));
    return jsonReply(QJsonObject{{u"nodes"_s, list}});
}

Reply RestApi::Private::drainNode(const Call &call)
{
    const Result<NodeStatus> node = engine->drainNode(call.args.at(0), call.actor);
    if (!node)
        return errorReply(node.error());
    return jsonReply(nodeJson(*node));
}

Reply RestApi::Private::enableNode(const Call &call)
{
    const Result<NodeStatus> node = engine->enableNode(call.args.at(0), call.actor);
    if (!node)
        return errorReply(node.error());
    return jsonReply(nodeJson(*node));
}

Reply RestApi::Private::listPipelines(const Call &)
{
    const Result<QList<PipelineStatus>> pipelines = engine->pipelines();
    if (!pipelines)
        return errorReply(pipelines.error());
    const NodeNames names = nodeNames();
    QJsonArray list;
    for (const PipelineStatus &status : *pipelines)
        list.append(pipelineSummaryJson(status, names));
    return jsonReply(QJsonObject{{u"pipelines"_s, list}});
}

Reply RestApi::Private::getPipeline(const Call &call)
{
    const Result<Pipeline> pipeline = engine->pipeline(call.args.at(0));
    if (!pipeline)
        return errorReply(pipeline.error());
    const QString format = call.request.query.queryItemValue(u"format"_s, QUrl::FullyDecoded);
    if (format == u"yaml"_s) {
        // Text, so that it can be sent back to /api/v1/apply as it is.
        return Reply{200,
                     Config::writePipeline(*pipeline),
                     {qMakePair(QByteArray("Content-Type"), QByteArray("application/yaml"))}};
    }
    if (!format.isEmpty() && format != u"json"_s) {
        return errorReply(
                fieldError(ErrorCode::InvalidValue, u"format"_s,
                           RestApi::tr("expected json or yaml, found '%1'").arg(format.left(40))));
    }
    QList<JobRecord> records;
    QHash<JobId, std::optional<QDateTime>> nextFires;
    for (const Job &job : pipeline->jobs) {
        const Result<JobRecord> record = engine->findJob(job.id.toString());
        if (!record)
            return errorReply(record.error());
        records.append(*record);
        nextFires.insert(job.id, engine->nextFireTime(job.id));
    }
    return jsonReply(pipelineJson(*pipeline, records, nextFires));
}

Reply RestApi::Private::runPipeline(const Call &call)
{
    const Result<QJsonObject> body = parseJsonBody(call.request.body);
    if (!body)
        return errorReply(body.error());
    QMap<QString, QString> parameters;
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (it.key() != u"parameters"_s) {
            return errorReply(fieldError(ErrorCode::UnknownKey, it.key(),
                                         RestApi::tr("unknown field (expected 'parameters')")));
        }
        if (!it.value().isObject()) {
            return errorReply(fieldError(ErrorCode::WrongType, it.key(),
                                         RestApi::tr("expected an object of strings")));
        }
        const QJsonObject values = it.value().toObject();
        for (auto v = values.begin(); v != values.end(); ++v) {
            if (!v.value().isString()) {
                return errorReply(fieldError(ErrorCode::WrongType, u"parameters."_s + v.key(),
                                             RestApi::tr("expected a string")));
            }
            parameters.insert(v.key(), v.value().toString());
        }
    }
    const Result<PipelineRunStatus> run
            = engine->runPipeline(call.args.at(0), call.actor, parameters);
    if (!run)
        return errorReply(run.error());
    return jsonReply(pipelineRunJson(*run, nodeNames()), 201);
}

Reply RestApi::Private::pipelineRuns(const Call &call)
{
    const Result<int> limit = queryInteger(call.request, u"limit"_s, kDefaultLimit, 1, kMaxLimit);
    if (!limit)
        return errorReply(limit.error());
    const Result<QList<PipelineRunStatus>> runs = engine->pipelineRuns(call.args.at(0), *limit);
    if (!runs)
        return errorReply(runs.error());
    const NodeNames names = nodeNames();
    QJsonArray list;
    for (const PipelineRunStatus &run : *runs)
        list.append(pipelineRunJson(run, names));
    return jsonReply(QJsonObject{{u"pipeline_runs"_s, list}});
}

Reply RestApi::Private::getPipelineRun(const Call &call)
{
    const Result<qint64> id = pipelineRunId(call.args.at(0));
    if (!id)
        return errorReply(id.error());
    const Result<PipelineRunStatus> run = engine->pipelineRun(*id);
    if (!run)
        return errorReply(run.error());
    return jsonReply(pipelineRunJson(*run, nodeNames()));
}

Reply RestApi::Private::rerunPipelineRun(const Call &call)
{
    const Result<qint64> id = pipelineRunId(call.args.at(0));
    if (!id)
        return errorReply(id.error());
    const Result<PipelineRunStatus> run = engine->rerunPipelineRun(*id, call.actor);
    if (!run)
        return errorReply(run.error());
    return jsonReply(pipelineRunJson(*run, nodeNames()));
}

Reply RestApi::Private::backfillPipeline(const Call &call)
{
    const Result<QJsonObject> body = parseJsonBody(call.request.body);
    if (!body)
        return errorReply(body.error());
    const QStringList known{u"from"_s, u"to"_s, u"concurrency"_s};
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (!known.contains(it.key())) {
            const QString guess = closestMatch(it.key(), known);
            return errorReply(fieldError(
                    ErrorCode::UnknownKey, it.key(),
                    guess.isEmpty()
                            ? RestApi::tr("unknown field")
                            : RestApi::tr("unknown field (did you mean '%1'?)").arg(guess)));
        }
    }
    QDateTime bounds[2];
    for (int i = 0; i < 2; ++i) {
        const QString key = known.at(i);
        if (!body->contains(key))
            return errorReply(fieldError(ErrorCode::MissingField, key, RestApi::tr("required")));
        const QDateTime at = QDateTime::fromString(body->value(key).toString(), Qt::ISODate);
        if (!body->value(key).isString() || !at.isValid()) {
            return errorReply(fieldError(ErrorCode::InvalidValue, key,
                                         RestApi::tr("expected an ISO 8601 instant such as "
                                                     "\"2026-11-01T00:00:00Z\"")));
        }
        bounds[i] = at;
    }
    int concurrency = 1;
    if (body->contains(u"concurrency"_s)) {
        const QJsonValue v = body->value(u"concurrency"_s);
        if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < 1
            || v.toInt() > 100) {
            return errorReply(fieldError(ErrorCode::InvalidValue, u"concurrency"_s,
                                         RestApi::tr("expected an integer from 1 to 100")));
        }
        concurrency = v.toInt();
    }
    const Result<QList<QDateTime>> fires
            = engine->backfill(call.args.at(0), bounds[0], bounds[1], concurrency, call.actor);
    if (!fires)
        return errorReply(fires.error());
    QJsonArray list;
    for (const QDateTime &at : *fires)
        list.append(instantJson(at));
    return jsonReply(QJsonObject{{u"pipeline"_s, call.args.at(0)},
                                 {u"concurrency"_s, concurrency},
                                 {u"fires"_s, list}},
                     202);
}

Reply RestApi::Private::apply(const Call &call)
{
    QString fileName = call.request.query.queryItemValue(u"file"_s, QUrl::FullyDecoded);
    if (fileName.isEmpty())
        fileName = u"pipeline.yaml"_s;
    if (fileName.size() > 255 || fileName.contains(u'/') || fileName.contains(QChar(0))) {
        return errorReply(fieldError(ErrorCode::InvalidValue, u"file"_s,
                                     RestApi::tr("expected a plain file name")));
    }
    const auto kind = Config::detectFileKind(call.request.body, fileName);
    if (!kind)
        return errorReply(fileError(kind.error()));
    const QList<QString> sets = call.request.query.allQueryItemValues(u"set"_s, QUrl::FullyDecoded);
    if (*kind == Config::FileKind::Template) {
        QMap<QString, QString> values;
        for (const QString &set : sets) {
            const qsizetype eq = set.indexOf(u'=');
            if (eq <= 0)
                return errorReply(
                        fieldError(ErrorCode::InvalidValue, u"set"_s,
                                   RestApi::tr("expected name=value, found '%1'").arg(set)));
            values.insert(set.left(eq), set.mid(eq + 1));
        }
        const Result<JobRecord> job
                = engine->applyTemplate(call.request.body, fileName, values, call.actor);
        if (!job)
            return errorReply(fileError(job.error()));
        return jsonReply(QJsonObject{
                {u"kind"_s, u"template"_s},
                {u"name"_s, job->job.name},
                {u"tasks"_s, QJsonArray{taskJson(*job, engine->nextFireTime(job->job.id))}}});
    }
    if (*kind != Config::FileKind::Pipeline)
        return errorReply(fieldError(ErrorCode::InvalidValue, u"body"_s,
                                     RestApi::tr("%1 files are not applied through this endpoint")
                                             .arg(Config::fileKindName(*kind))));
    if (!sets.isEmpty())
        return errorReply(fieldError(ErrorCode::InvalidValue, u"set"_s,
                                     RestApi::tr("'set' is for template files")));
    const Result<QList<JobRecord>> jobs
            = engine->applyYaml(call.request.body, fileName, call.actor);
    if (!jobs)
        return errorReply(fileError(jobs.error()));
    QString pipeline;
    QJsonArray tasks;
    for (const JobRecord &record : *jobs) {
        if (pipeline.isEmpty())
            pipeline = record.pipeline;
        tasks.append(taskJson(record, engine->nextFireTime(record.job.id)));
    }
    return jsonReply(
            QJsonObject{{u"kind"_s, u"pipeline"_s}, {u"name"_s, pipeline}, {u"tasks"_s, tasks}});
}

Reply RestApi::Private::createToken(const Call &call)
{
    const Result<QJsonObject> body = parseJsonBody(call.request.body);
    if (!body)
        return errorReply(body.error());
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (it.key() != u"name"_s && it.key() != u"role"_s) {
            const QString guess = closestMatch(it.key(), {u"name"_s, u"role"_s});
            return errorReply(fieldError(
                    ErrorCode::UnknownKey, it.key(),
                    guess.isEmpty()
                            ? RestApi::tr("unknown field")
                            : RestApi::tr("unknown field (did you mean '%1'?)").arg(guess)));
        }
    }
    for (const QString &key : {u"name"_s, u"role"_s}) {
        if (!body->contains(key))
            return errorReply(fieldError(ErrorCode::MissingField, key, RestApi::tr("required")));
        if (!body->value(key).isString()) {
            return errorReply(
                    fieldError(ErrorCode::WrongType, key, RestApi::tr("expected a string")));
        }
    }
    const QString name = body->value(u"name"_s).toString().trimmed();
    if (name.isEmpty() || name.size() > kMaxTokenNameLength) {
        return errorReply(
                fieldError(ErrorCode::InvalidValue, u"name"_s,
                           RestApi::tr("expected 1 to %1 characters").arg(kMaxTokenNameLength)));
    }
    const QString roleText = body->value(u"role"_s).toString();
    const std::optional<TokenRole> role = tokenRoleFromName(roleText);
    if (!role) {
        return errorReply(fieldError(ErrorCode::InvalidValue, u"role"_s,
                                     RestApi::tr("expected admin, operator or viewer, found '%1'")
                                             .arg(roleText.left(40))));
    }
    // The name is who the audit log says did something: one active token per name.
    const Result<QList<ApiTokenInfo>> existing = store().listApiTokens();
    if (!existing)
        return errorReply(existing.error());
    for (const ApiTokenInfo &other : *existing) {
        if (other.name == name && !other.revokedAt.isValid()) {
            return errorReply(
                    fieldError(ErrorCode::Conflict, u"name"_s,
                               RestApi::tr("an active token is already called '%1'").arg(name)));
        }
    }
    const Result<NewToken> token = store().createApiToken(name, *role);
    if (!token)
        return errorReply(token.error());
    if (const Result<void> a = audit(call, u"token.create"_s, u"token:"_s + name,
                                     u"id=%1 role=%2"_s.arg(token->id).arg(tokenRoleName(*role)));
        !a) {
        return errorReply(a.error());
    }
    return jsonReply(QJsonObject{{u"id"_s, QString::number(token->id)},
                                 {u"name"_s, name},
                                 {u"role"_s, tokenRoleName(*role)},
                                 {u"token"_s, token->plaintext}},
                     201);
}

Reply RestApi::Private::listTokens(const Call &)
{
    const Result<QList<ApiTokenInfo>> tokens = store().listApiTokens();
    if (!tokens)
        return errorReply(tokens.error());
    QJsonArray list;
    for (const ApiTokenInfo &token : *tokens)
        list.append(tokenJson(token));
    return jsonReply(QJsonObject{{u"tokens"_s, list}});
}

Reply RestApi::Private::revokeToken(const Call &call)
{
    const QString text = call.args.at(0);
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0 || QString::number(id) != text) {
        return errorReply(makeError(ErrorCode::NotFound,
                                    RestApi::tr("no API token with id '%1'").arg(text.left(40))));
    }
    const Result<QList<ApiTokenInfo>> tokens = store().listApiTokens();
    if (!tokens)
        return errorReply(tokens.error());
    QString name;
    for (const ApiTokenInfo &token : *tokens) {
        if (token.id == id)
            name = token.name;
    }
    const Result<void> revoked = store().revokeApiToken(id);
    if (!revoked)
        return errorReply(revoked.error());
    if (const Result<void> a
        = audit(call, u"token.revoke"_s, u"token:"_s + name, u"id=%1"_s.arg(id));
        !a) {
        return errorReply(a.error());
    }
    return noContent();
}

Reply RestApi::Private::createEnrolToken(const Call &call)
{
    const Result<QJsonObject> body = parseJsonBody(call.request.body);
    if (!body)
        return errorReply(body.error());
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (it.key() != u"ttl"_s) {
            return errorReply(fieldError(ErrorCode::UnknownKey, it.key(),
                                         RestApi::tr("unknown field (expected 'ttl')")));
        }
    }
    qint64 ttl = kDefaultEnrolTtlSecs;
    if (body->contains(u"ttl"_s)) {
        const QJsonValue v = body->value(u"ttl"_s);
        if (v.isString()) {
            const Result<qint64> secs = parseDuration(v.toString());
            if (!secs)
                return errorReply(fieldError(secs.error().code, u"ttl"_s, secs.error().message));
            ttl = *secs;
        } else if (v.isDouble() && v.toDouble() == double(qint64(v.toDouble()))) {
            ttl = qint64(v.toDouble());
        } else {
            return errorReply(fieldError(ErrorCode::WrongType, u"ttl"_s,
                                         RestApi::tr("expected a duration such as \"1h\"")));
        }
        if (ttl <= 0 || ttl > kMaxEnrolTtlSecs) {
            return errorReply(fieldError(ErrorCode::InvalidValue, u"ttl"_s,
                                         RestApi::tr("expected between 1 second and 30 days")));
        }
    }
    const QDateTime expires = now().toUTC().addSecs(ttl);
    const Result<NewToken> token = store().createEnrolToken(expires);
    if (!token)
        return errorReply(token.error());
    if (const Result<void> a
        = audit(call, u"enrol_token.create"_s, u"enrol-token:%1"_s.arg(token->id),
                u"expires_at=%1"_s.arg(expires.toString(Qt::ISODate)));
        !a) {
        return errorReply(a.error());
    }
    return jsonReply(QJsonObject{{u"id"_s, QString::number(token->id)},
                                 {u"token"_s, token->plaintext},
                                 {u"expires_at"_s, instantJson(expires)}},
                     201);
}

Reply RestApi::Private::listAudit(const Call &call)
{
    const Result<int> limit
            = queryInteger(call.request, u"limit"_s, kDefaultAuditLimit, 1, kMaxLimit);
    if (!limit)
        return errorReply(limit.error());
    const Result<QList<AuditEntry>> entries = store().listAudit(*limit);
    if (!entries)
        return errorReply(entries.error());
    QJsonArray list;
    for (const AuditEntry &entry : *entries)
        list.append(auditJson(entry));
    return jsonReply(QJsonObject{{u"entries"_s, list}});
}

// ---------------------------------------------------------------------------------------------

RestApi::RestApi(Engine &engine, QObject *parent) : RestApi(engine, RestApiOptions(), parent) {}

RestApi::RestApi(Engine &engine, const RestApiOptions &options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(engine, options))
{
    d->http = new QHttpServer(this);
    d->http->setMissingHandler(
            [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                d->serve(request, std::move(responder));
            });
}

RestApi::~RestApi() = default;

Result<quint16> RestApi::listen(const QHostAddress &address, quint16 port,
                                const QSslConfiguration &tls)
{
    if (d->tcp) {
        return makeError(ErrorCode::Conflict,
                         tr("the REST API already listens on port %1").arg(d->tcp->serverPort()));
    }
    if (tls.localCertificate().isNull() || tls.privateKey().isNull()) {
        return makeError(ErrorCode::InvalidValue,
                         tr("the REST API needs a TLS certificate and private key"));
    }
    // Our own QSslServer instead of QHttpServer::listen(), which reports failure only as 0.
    auto *server = new QSslServer(d->http);
    server->setSslConfiguration(tls);
    const QString where = address.protocol() == QAbstractSocket::IPv6Protocol
                                  ? u"[%1]:%2"_s.arg(address.toString()).arg(port)
                                  : u"%1:%2"_s.arg(address.toString()).arg(port);
    if (!server->listen(address, port)) {
        const Error e = makeError(ErrorCode::Io,
                                  tr("cannot listen on %1: %2").arg(where, server->errorString()));
        delete server;
        return e;
    }
    QObject::connect(server, &QSslServer::errorOccurred, this,
                     [](QSslSocket *socket, QAbstractSocket::SocketError) {
                         qCDebug(lcRest).noquote()
                                 << "TLS connection from" << socket->peerAddress().toString()
                                 << "failed:" << socket->errorString();
                     });
    d->http->bind(server);
    d->tcp = server;
    qCInfo(lcRest).noquote() << "REST API listening on"
                             << (port == 0 ? u"%1 (port %2)"_s.arg(where).arg(server->serverPort())
                                           : where);
    return server->serverPort();
}

ApiResponse RestApi::handle(const ApiRequest &request)
{
    return d->dispatch(request);
}

quint16 RestApi::port() const
{
    return d->tcp ? d->tcp->serverPort() : 0;
}

QList<RestRoute> RestApi::routes() const
{
    QList<RestRoute> out;
    for (const Private::Route &route : std::as_const(d->routes))
        out.append(RestRoute{route.method, route.path, accessName(route.access)});
    return out;
}

QByteArray RestApi::openApiDocument()
{
    // The resource is written for people (indented); it is served compact like every answer.
    static const QByteArray compact = [] {
        QFile file(u":/orrery/rest/openapi.json"_s);
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcRest) << "the OpenAPI resource is missing";
            return QByteArray("{}");
        }
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
        return doc.toJson(QJsonDocument::Compact);
    }();
    return compact;
}

}  // namespace Orrery::Master

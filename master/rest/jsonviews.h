#pragma once

#include <master/engine/engine.h>
#include <model/error.h>
#include <model/job.h>
#include <model/result.h>
#include <store/records.h>
#include <store/runstats.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// The JSON shapes of docs/rest-api.md: what the REST API writes (views of the engine's and
// the store's records) and reads (task bodies). Ids are JSON strings of digits, instants
// ISO 8601 UTC ("2026-11-26T02:00:00Z") or null.
namespace Orrery::Master::Rest {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master::Rest)
};

// ---- errors ------------------------------------------------------------------------------

// The HTTP status for an error code: the one place where codes meet statuses.
int httpStatus(ErrorCode code);

// {"error": {"code", "message", "field"?}}. `field` is Error::file when set: the REST layer
// and the engine's job validation name the field at fault there.
QJsonObject errorBody(const Error &error);

// ---- views -------------------------------------------------------------------------------

QJsonValue instantJson(const QDateTime &at);  // null when invalid
QJsonValue instantJson(const std::optional<QDateTime> &at);

// Node id -> name, to show runs with the node's name.
using NodeNames = QHash<NodeId, QString>;

QJsonObject taskJson(const JobRecord &record, const std::optional<QDateTime> &nextFire);
QJsonObject taskStatusJson(const JobStatus &status, const NodeNames &nodes);
// A task's newest run in the tasks list: {id, state, at} or null when it has none.
QJsonValue lastRunJson(const std::optional<LastRun> &last);
QJsonObject runJson(const RunRecord &record, const NodeNames &nodes);
QJsonObject runEventJson(const RunEvent &event);
// index: 1-based position of the chunk in the run's output ((attempt, seq) order).
QJsonObject outputChunkJson(qsizetype index, const OutputChunk &chunk);
QJsonObject nodeJson(const NodeStatus &node);
QJsonObject tokenJson(const ApiTokenInfo &token);
// {id, pipeline, state, trigger, scheduled_at, created_at, runs: [runJson...]}
QJsonObject pipelineRunJson(const PipelineRunStatus &status, const NodeNames &nodes);
// {name, tasks (count), schedule, last_run: pipelineRunJson or null}. The schedule is the
// pipeline's, or else that of its first job with one.
QJsonObject pipelineSummaryJson(const PipelineStatus &status, const NodeNames &nodes);
// {name, description, schedule, time_zone, parameters, locks, tasks: [taskJson...],
// edges: [{from, to, status}]}; `records` are the pipeline's jobs in its order.
QJsonObject pipelineJson(const Pipeline &pipeline, const QList<JobRecord> &records,
                         const QHash<JobId, std::optional<QDateTime>> &nextFires);
QJsonObject auditJson(const AuditEntry &entry);
// GET /api/v1/stats: {range, time_zone, day_start, end, total_runs, successes, finished,
// success_rate, mean_duration_ms, abnormal_runs, queue_length, buckets: [{start, runs,
// successes, finished, abnormal, success_rate, mean_duration_ms}]}; rates and means null
// when nothing finished.
QJsonObject runStatsJson(const RunStats &stats, const QString &range, const QString &timeZone);

// ---- requests ----------------------------------------------------------------------------

enum class TaskBodyMode {
    Create,  // name and command required
    Update,  // absent fields keep the value of `base`
};

// Applies a task body (POST/PUT /api/v1/tasks) to `base`. Errors name the field in
// Error::file: WrongType, MissingField, InvalidValue, UnknownKey (with "did you mean").
// The read-only fields of a task (id, pipeline, depends_on, next_fire_time, created_at,
// updated_at) are accepted and ignored, so a task read with GET can be sent back with PUT.
Result<Job> taskFromJson(const QJsonObject &body, const Job &base, TaskBodyMode mode);

// A JSON request body: empty = {}; Syntax error (with the offset) for malformed JSON,
// WrongType when it is not an object.
Result<QJsonObject> parseJsonBody(const QByteArray &body);

}  // namespace Orrery::Master::Rest

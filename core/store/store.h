#pragma once

#include "records.h"
#include "runstats.h"

#include <model/clock.h>
#include <model/id.h>
#include <model/job.h>
#include <model/pipeline.h>
#include <model/result.h>
#include <model/run.h>

#include <QHash>
#include <QList>
#include <QString>

#include <memory>

namespace Orrery {

struct StoreOptions
{
    // Generator number for the ids the store makes (one per master, see IdGenerator).
    int idGenerator = 0;
    int busyTimeoutMs = 5000;
    // Fault seam for tests: opens the database read-only (SQLite: QSQLITE_OPEN_READONLY;
    // PostgreSQL: read-only session), so every write fails the way a full or read-only disk
    // does. The schema must already be current.
    bool readOnly = false;
};

// The master's durable state on Qt Sql: SQLite (embedded default) or PostgreSQL.
//
// Every mutating call commits before it returns Ok, so a caller may acknowledge a change as
// soon as it has the result. Database failures (disk full, locked, connection lost) come back
// as ErrorCode::Storage with the driver's message. One Store = one connection, used from the
// thread that opened it; open two Stores for two threads (or two masters in one test).
// The Clock must outlive the Store.
class Store final
{
public:
    // url: "sqlite:/path/to/orrery.db" (directories are created) or
    // "postgresql://user:password@host:port/dbname". Applies the schema migrations.
    static Result<std::unique_ptr<Store>> open(const QString &url, const Clock &clock,
                                               const StoreOptions &options = {});
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    bool isPostgres() const;

    // Group commit: every change between beginBatch() and commitBatch() is committed at once
    // (one fsync instead of one per call). Each call inside still runs in its own savepoint:
    // when it fails, only its own changes are undone and the batch stays usable. Nothing done
    // inside a batch is durable, so nothing may be acknowledged, before commitBatch() returns
    // Ok. Conflict when a batch is already open (beginBatch) or none is (commitBatch).
    Result<void> beginBatch();
    Result<void> commitBatch();
    void rollbackBatch();
    bool inBatch() const;
    int schemaVersion() const;

    // Jobs. An invalid job.id on create = the store takes one. Conflict when the name is taken.
    Result<JobRecord> createJob(const Job &job, const QString &pipeline = QString());
    Result<JobRecord> updateJob(const Job &job, const QString &pipeline = QString());
    Result<void> deleteJob(JobId id);
    Result<JobRecord> job(JobId id);
    Result<JobRecord> jobByName(const QString &name);
    Result<QList<JobRecord>> listJobs();

    // A pipeline's own fields (description, schedule, time_zone, parameters, lock
    // capacities; not its jobs, which are stored as jobs with the pipeline's name), by name.
    // putPipeline replaces what was stored under that name.
    Result<void> putPipeline(const Pipeline &pipeline);
    Result<void> deletePipeline(const QString &name);
    // Every stored pipeline without jobs, by name.
    Result<QList<Pipeline>> listPipelines();

    // The parameter values a pipeline run was started with (manual values over the
    // pipeline's defaults, backfill dates). pipelineRunParameters of an unknown id is empty.
    Result<void> setPipelineRunParameters(qint64 pipelineRunId, const QString &pipeline,
                                          const QMap<QString, QString> &parameters);
    Result<QMap<QString, QString>> pipelineRunParameters(qint64 pipelineRunId);
    // The job a pipeline run was started from when it runs only that job and its downstream
    // jobs (a manual run of a job that is not a root). pipelineRunStartJob is empty for a
    // pipeline run of the whole pipeline and for an unknown id.
    Result<void> setPipelineRunStartJob(qint64 pipelineRunId, const QString &pipeline,
                                        const QString &job);
    Result<QString> pipelineRunStartJob(qint64 pipelineRunId);

    // Runs. createRun stores a run in `waiting` with attempt 1 and its creation event.
    Result<RunRecord> createRun(const NewRun &run);
    // Moves `attempt` (which must be the run's current one) to `to`, checked against the state
    // stored in the database, writing the attempt and the event in one transaction. `node` is
    // recorded when the attempt starts running.
    Result<RunRecord> transition(RunId run, int attempt, RunState to, const QDateTime &at,
                                 const QString &reason = QString(), NodeId node = NodeId());
    // An agent's final report, idempotent on (run, attempt): the first report ends the attempt
    // (going through `running` if the store had not seen it start); any later report for the
    // same attempt changes nothing and returns applied=false with the stored state.
    // `reason` is kept with the final state (a skip by the job's check says why).
    Result<ResultOutcome> recordResult(RunId run, int attempt, RunState finalState, int exitCode,
                                       const QDateTime &started, const QDateTime &finished,
                                       const QString &reason = QString());
    // Starts attempt n+1 in `waiting` when the current attempt ended in a retryable state.
    Result<RunRecord> retry(RunId run, const QDateTime &at, const QString &reason = QString());
    // Starts attempt n+1 in `waiting` after the current attempt ended in any final state, for
    // a run that goes back to the queue whatever its retry policy (preempted by a P0: its
    // attempt was stopped). `reason` is the new attempt's creation event. `preempted` counts
    // the ended attempt in RunRecord::preemptions, in the same transaction.
    Result<RunRecord> requeue(RunId run, const QDateTime &at, const QString &reason,
                              bool preempted = false);
    // The instant the retry of a run's failed attempt is due (RunRecord::retryDueAt), kept
    // until retry() or requeue() creates the next attempt, or setRetryDue(run, {}) drops it
    // (the retry was cancelled). NotFound for an unknown run.
    Result<void> setRetryDue(RunId run, const QDateTime &due);
    // Broadcast: the node a run belongs to (RunRecord::pinnedNode), stored on the run that
    // creates the runs for the other nodes, in the batch that creates them. NotFound for an
    // unknown run.
    Result<void> pinRun(RunId run, const QString &node);
    Result<RunRecord> run(RunId id);
    Result<QList<RunEvent>> runEvents(RunId run);
    // Newest first, at most `limit`; with a valid `before`, only runs older than it (a smaller
    // id), for reading page after page.
    Result<QList<RunRecord>> listRunsByJob(JobId job, int limit, RunId before = RunId());
    Result<QList<RunRecord>> listRunsByState(RunState state, int limit, RunId before = RunId());
    // The newest run of every job that has one, read in one query.
    Result<QHash<JobId, LastRun>> lastRuns();
    // Runs in waiting or running, oldest first: what the master reconciles at start.
    Result<QList<RunRecord>> unfinishedRuns();
    // Runs whose retry waits for its due time (setRetryDue), oldest first: what the master
    // follows again at start besides unfinishedRuns().
    Result<QList<RunRecord>> pendingRetries();
    // Every run of one pipeline run (NewRun::pipelineRunId), oldest first.
    Result<QList<RunRecord>> runsOfPipelineRun(qint64 pipelineRunId);
    // The first runs of the pipeline runs of `pipeline` (the run a pipeline run is named
    // after: id == pipelineRunId) whose job still belongs to it, newest first, at most `limit`.
    Result<QList<RunRecord>> listPipelineRuns(const QString &pipeline, int limit);
    // A fresh run id from the store's IdGenerator, for a run whose id must be known before
    // it is created (a pipeline run is named after its first run).
    RunId newRunId();

    // Backfills: the fire times of a backfill, each marked with the pipeline run started for
    // it, so that a restarted master starts the others and none twice (mark a fire in the
    // batch that creates its pipeline run). startBackfillFire with pipelineRunId 0: given up.
    // listBackfills: oldest first. NotFound for an unknown backfill or fire time.
    Result<qint64> createBackfill(const QString &pipeline, int concurrency,
                                  const QList<QDateTime> &fires);
    Result<void> startBackfillFire(qint64 backfill, const QDateTime &fire, qint64 pipelineRunId);
    Result<void> deleteBackfill(qint64 backfill);
    Result<QList<BackfillRecord>> listBackfills();

    // The last instant each scheduled job was fired, so that fires missed while the master
    // was down can be found after a restart. recordFire keeps the later of the stored and
    // the given instant.
    Result<void> recordFire(JobId job, const QDateTime &at);
    Result<QHash<JobId, QDateTime>> lastFires();

    // Output. Keeps at most maxBytesPerRun bytes per run (all attempts and streams): a chunk
    // over the limit is cut, later ones are dropped (truncated=true). Re-sending a stored
    // (attempt, stream, seq) is a no-op (applied=false).
    Result<AppendOutcome> appendOutput(RunId run, const OutputChunk &chunk, qint64 maxBytesPerRun);
    // In (attempt, seq) order, at most maxChunks.
    Result<QList<OutputChunk>> readOutput(RunId run, int maxChunks);

    // Nodes, by unique name.
    Result<NodeRecord> upsertNode(const NodeRecord &node);
    Result<NodeRecord> nodeByName(const QString &name);
    Result<QList<NodeRecord>> listNodes();
    Result<void> setNodeState(const QString &name, NodeState state);

    // API tokens: the plaintext is returned once; the database keeps SHA-256(salt || token).
    Result<NewToken> createApiToken(const QString &name, TokenRole role);
    // The token's metadata, or Unauthorized (unknown, wrong secret or revoked).
    Result<ApiTokenInfo> verifyApiToken(const QString &token);
    Result<void> revokeApiToken(qint64 id);
    Result<QList<ApiTokenInfo>> listApiTokens();

    // Enrolment tokens: one-time secrets for a new node.
    Result<NewToken> createEnrolToken(const QDateTime &expiresAt);
    // Marks the token used by `nodeName`; Unauthorized if unknown, wrong, expired or used.
    Result<qint64> consumeEnrolToken(const QString &token, const QString &nodeName);

    // Audit log. id and at are set by the store. listAudit: newest first.
    Result<AuditEntry> appendAudit(const AuditEntry &entry);
    Result<QList<AuditEntry>> listAudit(int limit);

    // The dashboard's numbers (runstats.h): runs created in [dayStart, end) and in each of
    // the buckets (whole hours apart from the first; the last ends at `end`), and the runs
    // waiting now. Aggregated by the database, one row per hour.
    Result<RunStats> runStats(const QDateTime &dayStart, const QList<QDateTime> &bucketStarts,
                              const QDateTime &end);

private:
    struct Private;
    explicit Store(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

}  // namespace Orrery

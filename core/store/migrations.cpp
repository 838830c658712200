#include "migrations.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Internal {

// The one place with the schema. PostgreSQL-compatible SQL only: BIGINT ids given by
// IdGenerator (no AUTOINCREMENT / SERIAL), TEXT, INTEGER, BYTEA (SQLite stores the bytes as
// they are), timestamps as BIGINT milliseconds since the Unix epoch (UTC).
// Never edit a released migration: add the next one.
const QList<Migration> &migrations()
{
    static const QList<Migration> list{
            {1,
             {
                     u"CREATE TABLE jobs ("
                     " id BIGINT PRIMARY KEY,"
                     " name TEXT NOT NULL UNIQUE,"
                     " pipeline TEXT,"
                     " definition TEXT NOT NULL,"
                     " enabled INTEGER NOT NULL,"
                     " created_ms BIGINT NOT NULL,"
                     " updated_ms BIGINT NOT NULL)"_s,
                     u"CREATE INDEX jobs_pipeline ON jobs (pipeline)"_s,
                     u"CREATE TABLE runs ("
                     " id BIGINT PRIMARY KEY,"
                     " job_id BIGINT NOT NULL,"
                     " job_name TEXT NOT NULL,"
                     " pipeline_run_id BIGINT,"
                     " priority INTEGER NOT NULL,"
                     " trigger TEXT NOT NULL,"
                     " scheduled_ms BIGINT NOT NULL,"
                     " created_ms BIGINT NOT NULL,"
                     " state TEXT NOT NULL)"_s,
                     u"CREATE INDEX runs_job ON runs (job_id, id)"_s,
                     u"CREATE INDEX runs_state ON runs (state, id)"_s,
                     u"CREATE TABLE attempts ("
                     " run_id BIGINT NOT NULL,"
                     " number INTEGER NOT NULL,"
                     " state TEXT NOT NULL,"
                     " node_id BIGINT,"
                     " queued_ms BIGINT,"
                     " started_ms BIGINT,"
                     " finished_ms BIGINT,"
                     " exit_code INTEGER NOT NULL,"
                     " reason TEXT NOT NULL,"
                     " PRIMARY KEY (run_id, number))"_s,
                     u"CREATE TABLE run_events ("
                     " id BIGINT PRIMARY KEY,"
                     " run_id BIGINT NOT NULL,"
                     " attempt INTEGER NOT NULL,"
                     " from_state TEXT,"
                     " to_state TEXT NOT NULL,"
                     " at_ms BIGINT NOT NULL,"
                     " reason TEXT NOT NULL)"_s,
                     u"CREATE INDEX run_events_run ON run_events (run_id, id)"_s,
                     u"CREATE TABLE run_output ("
                     " run_id BIGINT NOT NULL,"
                     " attempt INTEGER NOT NULL,"
                     " seq BIGINT NOT NULL,"
                     " stream TEXT NOT NULL,"
                     " data BYTEA NOT NULL,"
                     " PRIMARY KEY (run_id, attempt, stream, seq))"_s,
                     u"CREATE TABLE nodes ("
                     " id BIGINT PRIMARY KEY,"
                     " name TEXT NOT NULL UNIQUE,"
                     " labels TEXT NOT NULL,"
                     " credential_hash TEXT NOT NULL,"
                     " enrolled_ms BIGINT,"
                     " last_seen_ms BIGINT,"
                     " state TEXT NOT NULL)"_s,
                     u"CREATE TABLE api_tokens ("
                     " id BIGINT PRIMARY KEY,"
                     " name TEXT NOT NULL,"
                     " role TEXT NOT NULL,"
                     " salt TEXT NOT NULL,"
                     " hash TEXT NOT NULL,"
                     " created_ms BIGINT NOT NULL,"
                     " revoked_ms BIGINT,"
                     " last_used_ms BIGINT)"_s,
                     u"CREATE TABLE enrol_tokens ("
                     " id BIGINT PRIMARY KEY,"
                     " salt TEXT NOT NULL,"
                     " hash TEXT NOT NULL,"
                     " created_ms BIGINT NOT NULL,"
                     " expires_ms BIGINT NOT NULL,"
                     " used_ms BIGINT,"
                     " used_by_node TEXT)"_s,
                     u"CREATE TABLE audit_log ("
                     " id BIGINT PRIMARY KEY,"
                     " at_ms BIGINT NOT NULL,"
                     " actor TEXT NOT NULL,"
                     " action TEXT NOT NULL,"
                     " target TEXT NOT NULL,"
                     " detail TEXT NOT NULL,"
                     " source TEXT NOT NULL)"_s,
             }},
            // 2: the last fire instant of every scheduled job (misfires after a restart), and
            // the runs of one pipeline run found by index.
            {2,
             {
                     u"CREATE TABLE job_fires ("
                     " job_id BIGINT PRIMARY KEY,"
                     " last_fire_ms BIGINT NOT NULL)"_s,
                     u"CREATE INDEX runs_pipeline_run ON runs (pipeline_run_id, id)"_s,
             }},
            // 3: a pipeline's own fields (parameters, lock capacities, schedule), and the
            // parameter values of each pipeline run (manual values, backfill dates).
            {3,
             {
                     u"CREATE TABLE pipelines ("
                     " name TEXT PRIMARY KEY,"
                     " definition TEXT NOT NULL,"
                     " updated_ms BIGINT NOT NULL)"_s,
                     u"CREATE TABLE pipeline_runs ("
                     " id BIGINT PRIMARY KEY,"
                     " pipeline TEXT NOT NULL,"
                     " parameters TEXT NOT NULL,"
                     " created_ms BIGINT NOT NULL)"_s,
             }},
            // 4: backfills with the fire times they have not started yet (a restarted master
            // goes on with them), the preemptions of each run (not counted as retries after a
            // restart either), and runs found by creation time (the dashboard's statistics).
            {4,
             {
                     u"CREATE TABLE backfills ("
                     " id BIGINT PRIMARY KEY,"
                     " pipeline TEXT NOT NULL,"
                     " concurrency INTEGER NOT NULL,"
                     " created_ms BIGINT NOT NULL)"_s,
                     // pipeline_run_id: NULL = not started yet; 0 = could not be started.
                     u"CREATE TABLE backfill_fires ("
                     " backfill_id BIGINT NOT NULL,"
                     " fire_ms BIGINT NOT NULL,"
                     " pipeline_run_id BIGINT,"
                     " PRIMARY KEY (backfill_id, fire_ms))"_s,
                     u"ALTER TABLE runs ADD COLUMN preemptions INTEGER NOT NULL DEFAULT 0"_s,
                     u"CREATE INDEX runs_created ON runs (created_ms)"_s,
             }},
            // 5: what a restarted master needs to go on with a run as it was: the instant a
            // failed attempt's retry is due (NULL = none waiting), the node a broadcast run
            // belongs to (set = its broadcast fan-out was done), and the job a pipeline run
            // was started from when that is not a root job (NULL = the whole pipeline).
            {5,
             {
                     u"ALTER TABLE runs ADD COLUMN retry_due_ms BIGINT"_s,
                     u"ALTER TABLE runs ADD COLUMN pinned_node TEXT"_s,
                     u"CREATE INDEX runs_retry_due ON runs (retry_due_ms)"_s,
                     u"ALTER TABLE pipeline_runs ADD COLUMN start_job TEXT"_s,
             }},
    };
    return list;
}

int latestSchemaVersion()
{
    return migrations().last().version;
}

namespace {
Error sqlError(const QString &what, const QSqlError &e)
{
    return makeError(ErrorCode::Storage, u"%1: %2"_s.arg(what, e.text()));
}

bool hasVersionTable(QSqlDatabase &db)
{
    const QStringList tables = db.tables(QSql::Tables);
    return tables.contains(u"schema_version"_s, Qt::CaseInsensitive);
}
}  // namespace

Result<int> schemaVersion(QSqlDatabase &db)
{
    if (!hasVersionTable(db))
        return 0;
    QSqlQuery q(db);
    if (!q.exec(u"SELECT MAX(version) FROM schema_version"_s))
        return sqlError(u"reading the schema version"_s, q.lastError());
    if (!q.next())
        return 0;
    return q.value(0).toInt();
}

Result<int> migrate(QSqlDatabase &db, const QList<Migration> &list, qint64 nowMs)
{
    if (!hasVersionTable(db)) {
        QSqlQuery q(db);
        if (!q.exec(u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_ms BIGINT NOT NULL)"_s))
            return sqlError(u"creating schema_version"_s, q.lastError());
    }
    auto current = schemaVersion(db);
    if (!current)
        return current;
    const int known = list.isEmpty() ? 0 : list.last().version;
    if (*current > known)
        return makeError(ErrorCode::UnsupportedVersion,
                         u"the database has schema version %1, but this build knows versions up to "
                         "%2; use a newer Orrery or restore a matching backup"_s.arg(*current)
                                 .arg(known));
    int version = *current;
    for (const Migration &m : list) {
        if (m.version <= version)
            continue;
        QSqlQuery q(db);
        if (!q.exec(u"BEGIN"_s))
            return sqlError(u"schema migration %1: begin"_s.arg(m.version), q.lastError());
        auto fail = [&](const QString &what, const QSqlError &e) -> Result<int> {
            const Error error = sqlError(u"schema migration %1: %2"_s.arg(m.version).arg(what), e);
            QSqlQuery rollback(db);
            rollback.exec(u"ROLLBACK"_s);
            return error;
        };
        for (const QString &statement : m.statements) {
            if (!q.exec(statement))
                return fail(statement.section(u'(', 0, 0).trimmed(), q.lastError());
        }
        q.prepare(u"INSERT INTO schema_version (version, applied_ms) VALUES (?, ?)"_s);
        q.addBindValue(m.version);
        q.addBindValue(nowMs);
        if (!q.exec())
            return fail(u"recording the version"_s, q.lastError());
        if (!q.exec(u"COMMIT"_s))
            return fail(u"commit"_s, q.lastError());
        version = m.version;
    }
    return version;
}

}  // namespace Orrery::Internal

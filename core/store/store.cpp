#include "store.h"

#include "jobjson.h"
#include "migrations.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QUrl>
#include <QVariant>

#include <array>
#include <limits>
#include <map>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

using namespace Internal;

namespace {

QAtomicInteger<quint64> s_connectionCounter;  // only for unique connection names

const QString kApiTokenPrefix = u"orr_"_s;
const QString kEnrolTokenPrefix = u"orre_"_s;
constexpr int kSecretBytes = 32;
constexpr int kSaltBytes = 16;

QVariant nullMs()
{
    return QVariant(QMetaType::fromType<qint64>());
}

QVariant msOrNull(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : nullMs();
}

QDateTime fromMs(const QVariant &v)
{
    if (v.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), QTimeZone::utc());
}

bool isUniqueViolation(const QSqlError &e)
{
    const QString code = e.nativeErrorCode();
    return code == u"23505"_s || code == u"2067"_s || code == u"1555"_s
           || e.databaseText().contains(u"UNIQUE constraint failed"_s);
}

Error dbError(const QString &what, const QSqlError &e)
{
    const ErrorCode code = isUniqueViolation(e) ? ErrorCode::Conflict : ErrorCode::Storage;
    return makeError(code, u"%1: %2"_s.arg(what, e.text()));
}

QByteArray randomBytes(int count)
{
    std::array<quint32, 8> words{};
    QByteArray out;
    while (out.size() < count) {
        QRandomGenerator::system()->fillRange(words.data(), words.size());
        out.append(reinterpret_cast<const char *>(words.data()),
                   qsizetype(words.size() * sizeof(quint32)));
    }
    out.truncate(count);
    return out;
}

QByteArray tokenHash(const QByteArray &salt, const QString &token)
{
    return QCryptographicHash::hash(salt + token.toUtf8(), QCryptographicHash::Sha256);
}

// Compares without an early exit, so the time does not tell how many bytes matched.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

// "<prefix><id>_<secret>" -> id, or 0 when the shape is wrong.
qint64 tokenId(const QString &token, const QString &prefix)
{
    if (!token.startsWith(prefix))
        return 0;
    const qsizetype sep = token.indexOf(u'_', prefix.size());
    if (sep < 0 || token.size() - sep - 1 < 40)
        return 0;
    bool ok = false;
    const qint64 id = QStringView(token).mid(prefix.size(), sep - prefix.size()).toLongLong(&ok);
    return ok && id > 0 ? id : 0;
}

QString makeToken(const QString &prefix, qint64 id)
{
    const QByteArray secret
            = randomBytes(kSecretBytes)
                      .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return prefix + QString::number(id) + u'_' + QString::fromLatin1(secret);
}

Error unauthorized()
{
    return makeError(ErrorCode::Unauthorized, u"invalid token"_s);
}

QString runColumns()
{
    return u"id, job_id, job_name, pipeline_run_id, priority, trigger, scheduled_ms, created_ms,"
           " preemptions, retry_due_ms, pinned_node"_s;
}

struct StoredAttempt
{
    int number = 0;
    RunState state = RunState::Waiting;
    int latest = 0;  // the run's current attempt
};

}  // namespace

struct Store::Private
{
    Private(const Clock &c, int generator) : clock(&c), ids(c, generator) {}
    ~Private()
    {
        statements.clear();  // they hold the connection's statements: before it goes
        db = QSqlDatabase();
        if (!connectionName.isEmpty())
            QSqlDatabase::removeDatabase(connectionName);
    }

    const Clock *clock;
    IdGenerator ids;
    QString connectionName;
    QSqlDatabase db;
    bool postgres = false;
    bool inTransaction = false;
    int depth = 0;  // open transactions: 1 = BEGIN, more = savepoints inside it (batches)
    int version = 0;

    qint64 nowMs() const { return clock->nowMs(); }

    // Prepared statements by SQL text, lent out by exec() and given back when the caller is
    // done with them: a statement the engine runs for every run is parsed and planned once per
    // connection (SQLite's sqlite3_stmt, PostgreSQL's PREPARE), not each time. Bounded, for
    // SQL that spells values into its text.
    std::map<QString, std::vector<QSqlQuery>> statements;
    qsizetype pooled = 0;
    static constexpr qsizetype kMaxPooled = 256;

    // What exec() returns: a QSqlQuery (callers keep it by reference) that goes back to
    // `statements` when it is destroyed, its rows released, unless it failed.
    class PooledQuery final : public QSqlQuery
    {
    public:
        PooledQuery(QSqlQuery query, Private *owner, QString sql)
            : QSqlQuery(std::move(query)), m_owner(owner), m_sql(std::move(sql))
        {
        }
        PooledQuery(PooledQuery &&other) noexcept
            : QSqlQuery(std::move(other))
            , m_owner(std::exchange(other.m_owner, nullptr))
            , m_sql(std::move(other.m_sql))
        {
        }
        PooledQuery &operator=(PooledQuery &&) = delete;
        ~PooledQuery()
        {
            if (m_owner)
                m_owner->giveBack(std::move(m_sql), std::move(*this));
        }
        void discard() { m_owner = nullptr; }

    private:
        Private *m_owner;
        QString m_sql;
    };

    // A statement given back earlier for this SQL, or a new one (*fresh: to be prepared).
    QSqlQuery takeStatement(const QString &sql, bool *fresh)
    {
        const auto it = statements.find(sql);
        *fresh = it == statements.end();
        if (*fresh) {
            QSqlQuery q(db);
            q.setForwardOnly(true);
            return q;
        }
        QSqlQuery q = std::move(it->second.back());
        it->second.pop_back();
        if (it->second.empty())
            statements.erase(it);
        --pooled;
        return q;
    }

    void giveBack(QString sql, QSqlQuery &&query)
    {
        if (pooled >= kMaxPooled)
            return;  // the caller's object finalizes it
        // Reset: a SQLite statement left as it is keeps a read snapshot (and a lock).
        query.finish();
        statements[std::move(sql)].push_back(std::move(query));
        ++pooled;
    }

    Result<PooledQuery> exec(const QString &what, const QString &sql,
                             const QVariantList &binds = {})
    {
        bool fresh = false;
        PooledQuery q(takeStatement(sql, &fresh), this, sql);
        if (fresh && !q.prepare(sql)) {
            q.discard();
            return dbError(what, q.lastError());
        }
        for (const QVariant &v : binds) {
            // An empty QString may be a null one, which the drivers bind as NULL; NULL is
            // only meant where a null QVariant is bound.
            if (!v.isNull() && v.metaType() == QMetaType::fromType<QString>()
                && v.toString().isNull())
                q.addBindValue(QString(u""_s));
            else
                q.addBindValue(v);
        }
        if (!q.exec()) {
            q.discard();  // prepared afresh next time
            const Error e = dbError(what, q.lastError());
            // PostgreSQL refuses everything after an error until the transaction ends; end it
            // now, while the failed statement can still be freed.
            if (postgres && inTransaction)
                rollback();
            return e;
        }
        return q;
    }

    // A write transaction. SQLite takes the write lock at BEGIN IMMEDIATE, so a transaction that
    // reads and then writes cannot fail half-way with "database is locked"; the busy timeout
    // makes a second writer wait instead. Inside an open transaction (a batch) it is a
    // savepoint: its changes commit with the outer transaction, its failure undoes only it.
    Result<void> begin()
    {
        QSqlQuery q(db);
        const QString sql = depth > 0 ? u"SAVEPOINT orrery_%1"_s.arg(depth)
                                      : (postgres ? u"BEGIN"_s : u"BEGIN IMMEDIATE"_s);
        if (!q.exec(sql))
            return dbError(u"begin transaction"_s, q.lastError());
        ++depth;
        inTransaction = true;
        return {};
    }
    Result<void> commit()
    {
        if (depth == 0)
            return {};
        QSqlQuery q(db);
        if (depth > 1) {
            if (!q.exec(u"RELEASE SAVEPOINT orrery_%1"_s.arg(depth - 1))) {
                const Error e = dbError(u"release savepoint"_s, q.lastError());
                rollback();
                return e;
            }
            --depth;
            return {};
        }
        depth = 0;
        inTransaction = false;
        if (!q.exec(u"COMMIT"_s)) {
            const Error e = dbError(u"commit"_s, q.lastError());
            q.exec(u"ROLLBACK"_s);
            return e;
        }
        return {};
    }
    // Undoes the innermost open transaction (a savepoint, or the whole transaction).
    void rollback()
    {
        if (depth == 0)
            return;
        QSqlQuery q(db);
        if (depth > 1) {
            --depth;
            q.exec(u"ROLLBACK TO SAVEPOINT orrery_%1"_s.arg(depth));
            q.exec(u"RELEASE SAVEPOINT orrery_%1"_s.arg(depth));
            return;
        }
        depth = 0;
        inTransaction = false;
        q.exec(u"ROLLBACK"_s);
    }

    Result<QList<JobRecord>> loadJobs(const QString &where, const QVariantList &binds);
    Result<QList<RunRecord>> loadRuns(const QString &tail, const QVariantList &binds);
    Result<RunRecord> loadRun(RunId id);
    Result<void> addEvent(RunId run, int attempt, std::optional<RunState> from, RunState to,
                          qint64 atMs, const QString &reason);
    Result<QList<NodeRecord>> loadNodes(const QString &where, const QVariantList &binds);
    Result<StoredAttempt> readAttempt(RunId run, int attempt);
    Result<RunRecord> newAttempt(RunId run, const QDateTime &at, const QString &reason,
                                 bool anyFinal, bool preempted = false);
    Result<void> writeTransition(RunId run, int attempt, RunState from, RunState to, qint64 atMs,
                                 const QString &reason, NodeId node, std::optional<int> exitCode,
                                 bool latest);

    // Rolls back unless commit() was reached.
    class Transaction
    {
    public:
        explicit Transaction(Private *d) : m_d(d) {}
        ~Transaction()
        {
            // A failed statement may already have undone this level (see exec()).
            if (m_level > 0 && m_d->depth >= m_level)
                m_d->rollback();
        }
        Transaction(const Transaction &) = delete;
        Transaction &operator=(const Transaction &) = delete;
        Result<void> begin()
        {
            auto r = m_d->begin();
            if (r)
                m_level = m_d->depth;
            return r;
        }
        Result<void> commit()
        {
            m_level = 0;
            return m_d->commit();
        }

    private:
        Private *m_d;
        int m_level = 0;  // the depth this transaction opened, 0 when closed
    };
};

#define ORRERY_TRY(expr)                    \
    do {                                    \
        auto orreryTryResult = (expr);      \
        if (!orreryTryResult)               \
            return orreryTryResult.error(); \
    } while (false)

#define ORRERY_QUERY(var, ...)               \
    auto var##Result = d->exec(__VA_ARGS__); \
    if (!var##Result)                        \
        return var##Result.error();          \
    [[maybe_unused]] QSqlQuery &var = *var##Result

// ---------------------------------------------------------------------------------------------
// Opening

Store::Store(std::unique_ptr<Private> dd) : d(std::move(dd)) {}
Store::~Store() = default;

Result<void> Store::beginBatch()
{
    if (d->depth > 0)
        return makeError(ErrorCode::Conflict, u"a batch is already open"_s);
    return d->begin();
}

Result<void> Store::commitBatch()
{
    if (d->depth != 1)
        return makeError(ErrorCode::Conflict, u"no batch is open"_s);
    return d->commit();
}

void Store::rollbackBatch()
{
    while (d->depth > 0)
        d->rollback();
}

bool Store::inBatch() const
{
    return d->depth > 0;
}

bool Store::isPostgres() const
{
    return d->postgres;
}
int Store::schemaVersion() const
{
    return d->version;
}

Result<std::unique_ptr<Store>> Store::open(const QString &url, const Clock &clock,
                                           const StoreOptions &options)
{
    auto d = std::make_unique<Private>(clock, options.idGenerator);
    d->connectionName = u"orrery-store-%1"_s.arg(s_connectionCounter.fetchAndAddRelaxed(1));

    if (url.startsWith(u"sqlite:"_s)) {
        QString path = url.mid(7);
        if (path.startsWith(u"//"_s))
            path = path.mid(2);
        if (path.isEmpty())
            return makeError(ErrorCode::InvalidValue, u"no path in store URL '%1'"_s.arg(url));
        const QFileInfo info(path);
        if (!QDir().mkpath(info.absolutePath()))
            return makeError(ErrorCode::Storage,
                             u"cannot create the directory %1"_s.arg(info.absolutePath()));
        d->db = QSqlDatabase::addDatabase(u"QSQLITE"_s, d->connectionName);
        d->db.setDatabaseName(info.absoluteFilePath());
        QString connectOptions = u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(options.busyTimeoutMs);
        if (options.readOnly)
            connectOptions += u";QSQLITE_OPEN_READONLY"_s;
        d->db.setConnectOptions(connectOptions);
    } else if (url.startsWith(u"postgresql://"_s) || url.startsWith(u"postgres://"_s)) {
        const QUrl u(url);
        if (!u.isValid() || u.host().isEmpty())
            return makeError(ErrorCode::InvalidValue,
                             u"invalid store URL: %1"_s.arg(u.errorString()));
        d->postgres = true;
        d->db = QSqlDatabase::addDatabase(u"QPSQL"_s, d->connectionName);
        d->db.setHostName(u.host());
        d->db.setPort(u.port(5432));
        d->db.setUserName(u.userName());
        d->db.setPassword(u.password());
        d->db.setDatabaseName(u.path().mid(1));
        d->db.setConnectOptions(u"connect_timeout=%1"_s.arg(qMax(1, options.busyTimeoutMs / 1000)));
    } else {
        return makeError(
                ErrorCode::InvalidValue,
                u"unknown store URL '%1' (expected sqlite:/path or postgresql://...)"_s.arg(url));
    }

    if (!d->db.open())
        return dbError(u"opening the database"_s, d->db.lastError());

    QSqlQuery q(d->db);
    if (d->postgres) {
        // NOTICEs ("... does not exist, skipping") are noise on stderr.
        q.exec(u"SET client_min_messages = warning"_s);
        if (options.readOnly && !q.exec(u"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"_s))
            return dbError(u"read-only session"_s, q.lastError());
    } else {
        // WAL: readers do not block the writer. synchronous=FULL: every commit is fsynced
        // before it returns, so a state change we acknowledged survives a power loss, not only
        // a crash of the process (NORMAL would lose the last commits on power loss). Commits
        // are small and few per run, so the cost is acceptable.
        if (!options.readOnly) {
            if (!q.exec(u"PRAGMA journal_mode=WAL"_s) || !q.next())
                return dbError(u"enabling WAL"_s, q.lastError());
            if (q.value(0).toString().compare(u"wal"_s, Qt::CaseInsensitive) != 0)
                return makeError(ErrorCode::Storage, u"the database refused WAL mode (%1)"_s.arg(
                                                             q.value(0).toString()));
        }
        if (!q.exec(u"PRAGMA synchronous=FULL"_s))
            return dbError(u"setting synchronous=FULL"_s, q.lastError());
        if (!q.exec(u"PRAGMA foreign_keys=ON"_s))
            return dbError(u"enabling foreign keys"_s, q.lastError());
    }
    q.finish();

    if (options.readOnly) {
        auto v = Internal::schemaVersion(d->db);
        if (!v)
            return v.error();
        if (*v != latestSchemaVersion())
            return makeError(ErrorCode::UnsupportedVersion,
                             u"read-only database has schema version %1, expected %2"_s.arg(*v).arg(
                                     latestSchemaVersion()));
        d->version = *v;
    } else {
        auto v = migrate(d->db, migrations(), d->nowMs());
        if (!v)
            return v.error();
        d->version = *v;
    }
    return std::unique_ptr<Store>(new Store(std::move(d)));
}

// ---------------------------------------------------------------------------------------------
// Jobs

Result<QList<JobRecord>> Store::Private::loadJobs(const QString &where, const QVariantList &binds)
{
    auto r = exec(u"reading jobs"_s,
                  u"SELECT id, name, pipeline, definition, enabled, created_ms, updated_ms "
                  "FROM jobs "_s
                          + where,
                  binds);
    if (!r)
        return r.error();
    QSqlQuery &q = *r;
    QList<JobRecord> out;
    while (q.next()) {
        auto job = jobFromJson(q.value(3).toString().toUtf8());
        if (!job)
            return job.error();
        JobRecord rec;
        rec.job = *job;
        rec.job.id = JobId(q.value(0).toLongLong());
        rec.job.name = q.value(1).toString();
        rec.pipeline = q.value(2).toString();
        rec.job.enabled = q.value(4).toInt() != 0;
        rec.createdAt = fromMs(q.value(5));
        // A job not changed since it was made shares its creation time's QDateTime: the engine
        // keeps every job's record, and each QDateTime in a zone is an allocation of its own.
        rec.updatedAt = q.value(6) == q.value(5) ? rec.createdAt : fromMs(q.value(6));
        out.append(rec);
    }
    return out;
}

Result<JobRecord> Store::createJob(const Job &job, const QString &pipeline)
{
    if (job.name.isEmpty())
        return makeError(ErrorCode::MissingField, u"a job needs a name"_s);
    Job j = job;
    if (!j.id.isValid())
        j.id = d->ids.next<JobId>();
    const qint64 now = d->nowMs();
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(clash, u"checking the job name"_s, u"SELECT id FROM jobs WHERE name = ?"_s,
                 {j.name});
    if (clash.next())
        return makeError(ErrorCode::Conflict, u"a job named '%1' exists"_s.arg(j.name));
    clash.finish();
    ORRERY_QUERY(
            ins, u"creating job '%1'"_s.arg(j.name),
            u"INSERT INTO jobs (id, name, pipeline, definition, enabled, created_ms, updated_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
            {j.id.value(), j.name,
             pipeline.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(pipeline),
             QString::fromUtf8(jobToJson(j)), j.enabled ? 1 : 0, now, now});
    ORRERY_TRY(t.commit());
    const QDateTime at = fromMs(now);  // one QDateTime for both (see loadJobs)
    return JobRecord{j, pipeline, at, at};
}

Result<JobRecord> Store::updateJob(const Job &job, const QString &pipeline)
{
    const qint64 now = d->nowMs();
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(clash, u"checking the job name"_s,
                 u"SELECT id FROM jobs WHERE name = ? AND id <> ?"_s, {job.name, job.id.value()});
    if (clash.next())
        return makeError(ErrorCode::Conflict, u"a job named '%1' exists"_s.arg(job.name));
    clash.finish();
    ORRERY_QUERY(
            upd, u"updating job '%1'"_s.arg(job.name),
            u"UPDATE jobs SET name = ?, pipeline = ?, definition = ?, enabled = ?, updated_ms = ?"
            " WHERE id = ?"_s,
            {job.name,
             pipeline.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(pipeline),
             QString::fromUtf8(jobToJson(job)), job.enabled ? 1 : 0, now, job.id.value()});
    if (upd.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no job with id %1"_s.arg(job.id.value()));
    ORRERY_TRY(t.commit());
    return this->job(job.id);
}

Result<void> Store::deleteJob(JobId id)
{
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(del, u"deleting job %1"_s.arg(id.value()), u"DELETE FROM jobs WHERE id = ?"_s,
                 {id.value()});
    if (del.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no job with id %1"_s.arg(id.value()));
    del.finish();
    ORRERY_QUERY(fires, u"deleting the fires of job %1"_s.arg(id.value()),
                 u"DELETE FROM job_fires WHERE job_id = ?"_s, {id.value()});
    ORRERY_TRY(t.commit());
    return {};
}

Result<JobRecord> Store::job(JobId id)
{
    auto r = d->loadJobs(u"WHERE id = ?"_s, {id.value()});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError(ErrorCode::NotFound, u"no job with id %1"_s.arg(id.value()));
    return r->first();
}

Result<JobRecord> Store::jobByName(const QString &name)
{
    auto r = d->loadJobs(u"WHERE name = ?"_s, {name});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError(ErrorCode::NotFound, u"no job named '%1'"_s.arg(name));
    return r->first();
}

Result<QList<JobRecord>> Store::listJobs()
{
    return d->loadJobs(u"ORDER BY name"_s, {});
}

// ---------------------------------------------------------------------------------------------
// Pipelines

Result<void> Store::putPipeline(const Pipeline &pipeline)
{
    if (pipeline.name.isEmpty())
        return makeError(ErrorCode::MissingField, u"a pipeline needs a name"_s);
    ORRERY_QUERY(q, u"storing pipeline '%1'"_s.arg(pipeline.name),
                 u"INSERT INTO pipelines (name, definition, updated_ms) VALUES (?, ?, ?)"
                 " ON CONFLICT (name) DO UPDATE SET definition = excluded.definition,"
                 " updated_ms = excluded.updated_ms"_s,
                 {pipeline.name, QString::fromUtf8(pipelineToJson(pipeline)), d->nowMs()});
    return {};
}

Result<void> Store::deletePipeline(const QString &name)
{
    ORRERY_QUERY(q, u"deleting pipeline '%1'"_s.arg(name),
                 u"DELETE FROM pipelines WHERE name = ?"_s, {name});
    return {};
}

Result<QList<Pipeline>> Store::listPipelines()
{
    ORRERY_QUERY(q, u"reading pipelines"_s,
                 u"SELECT name, definition FROM pipelines ORDER BY name"_s);
    QList<Pipeline> out;
    while (q.next()) {
        auto p = pipelineFromJson(q.value(1).toString().toUtf8());
        if (!p)
            return p.error();
        p->name = q.value(0).toString();
        out.append(*p);
    }
    return out;
}

Result<void> Store::setPipelineRunParameters(qint64 pipelineRunId, const QString &pipeline,
                                             const QMap<QString, QString> &parameters)
{
    ORRERY_QUERY(
            q, u"storing the parameters of pipeline run %1"_s.arg(pipelineRunId),
            u"INSERT INTO pipeline_runs (id, pipeline, parameters, created_ms)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " parameters = excluded.parameters"_s,
            {pipelineRunId, pipeline, QString::fromUtf8(labelsToJson(parameters)), d->nowMs()});
    return {};
}

Result<void> Store::setPipelineRunStartJob(qint64 pipelineRunId, const QString &pipeline,
                                           const QString &job)
{
    ORRERY_QUERY(q, u"storing the start job of pipeline run %1"_s.arg(pipelineRunId),
                 u"INSERT INTO pipeline_runs (id, pipeline, parameters, created_ms, start_job)"
                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                 " start_job = excluded.start_job"_s,
                 {pipelineRunId, pipeline, QString::fromUtf8(labelsToJson({})), d->nowMs(),
                  job.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(job)});
    return {};
}

Result<QString> Store::pipelineRunStartJob(qint64 pipelineRunId)
{
    ORRERY_QUERY(q, u"reading the start job of pipeline run %1"_s.arg(pipelineRunId),
                 u"SELECT start_job FROM pipeline_runs WHERE id = ?"_s, {pipelineRunId});
    if (!q.next())
        return QString();
    return q.value(0).toString();
}

Result<QMap<QString, QString>> Store::pipelineRunParameters(qint64 pipelineRunId)
{
    ORRERY_QUERY(q, u"reading the parameters of pipeline run %1"_s.arg(pipelineRunId),
                 u"SELECT parameters FROM pipeline_runs WHERE id = ?"_s, {pipelineRunId});
    if (!q.next())
        return QMap<QString, QString>();
    return labelsFromJson(q.value(0).toString().toUtf8());
}

// ---------------------------------------------------------------------------------------------
// Runs

Result<QList<RunRecord>> Store::Private::loadRuns(const QString &tail, const QVariantList &binds)
{
    auto r = exec(u"reading runs"_s, u"SELECT "_s + runColumns() + u" FROM runs "_s + tail, binds);
    if (!r)
        return r.error();
    QSqlQuery &q = *r;
    QList<RunRecord> out;
    QStringList idList;
    while (q.next()) {
        RunRecord rec;
        rec.run = Run::restore(RunId(q.value(0).toLongLong()), JobId(q.value(1).toLongLong()),
                               q.value(2).toString(), static_cast<Priority>(q.value(4).toInt()),
                               {});
        rec.pipelineRunId = q.value(3).isNull() ? 0 : q.value(3).toLongLong();
        rec.trigger = runTriggerFromName(q.value(5).toString()).value_or(RunTrigger::Schedule);
        rec.scheduledAt = fromMs(q.value(6));
        rec.createdAt = fromMs(q.value(7));
        rec.preemptions = q.value(8).toInt();
        rec.retryDueAt = fromMs(q.value(9));
        rec.pinnedNode = q.value(10).toString();
        idList.append(QString::number(rec.run.id().value()));
        out.append(rec);
    }
    q.finish();
    if (out.isEmpty())
        return out;
    // One run (loadRun(), after every state change): one SQL text, prepared once. Several: the
    // ids, integers read back from the database, are safe to inline.
    const bool one = out.size() == 1;
    auto a = exec(u"reading attempts"_s,
                  u"SELECT run_id, number, state, node_id, queued_ms, started_ms, finished_ms,"
                  " exit_code, reason FROM attempts WHERE run_id "_s
                          + (one ? u"= ?"_s : u"IN ("_s + idList.join(u',') + u')')
                          + u" ORDER BY run_id, number"_s,
                  one ? QVariantList{out.first().run.id().value()} : QVariantList{});
    if (!a)
        return a.error();
    QHash<qint64, QList<Attempt>> attempts;
    while (a->next()) {
        Attempt at;
        at.number = a->value(1).toInt();
        at.state = runStateFromName(a->value(2).toString()).value_or(RunState::Lost);
        at.node = a->value(3).isNull() ? NodeId() : NodeId(a->value(3).toLongLong());
        at.queuedAt = fromMs(a->value(4));
        at.startedAt = fromMs(a->value(5));
        at.finishedAt = fromMs(a->value(6));
        at.exitCode = a->value(7).toInt();
        at.reason = a->value(8).toString();
        attempts[a->value(0).toLongLong()].append(at);
    }
    for (RunRecord &rec : out) {
        const Run &r0 = rec.run;
        rec.run = Run::restore(r0.id(), r0.jobId(), r0.jobName(), r0.priority(),
                               attempts.value(r0.id().value()));
    }
    return out;
}

Result<RunRecord> Store::Private::loadRun(RunId id)
{
    auto r = loadRuns(u"WHERE id = ?"_s, {id.value()});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError(ErrorCode::NotFound, u"no run with id %1"_s.arg(id.value()));
    return r->first();
}

Result<void> Store::Private::addEvent(RunId run, int attempt, std::optional<RunState> from,
                                      RunState to, qint64 atMs, const QString &reason)
{
    auto r = exec(
            u"recording a run event"_s,
            u"INSERT INTO run_events (id, run_id, attempt, from_state, to_state, at_ms, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
            {ids.nextValue(), run.value(), attempt,
             from ? QVariant(runStateName(*from)) : QVariant(QMetaType::fromType<QString>()),
             runStateName(to), atMs, reason});
    if (!r)
        return r.error();
    return {};
}

Result<RunRecord> Store::createRun(const NewRun &nr)
{
    const RunId id = nr.id.isValid() ? nr.id : d->ids.next<RunId>();
    const qint64 now = d->nowMs();
    const qint64 scheduled = nr.scheduledAt.isValid() ? nr.scheduledAt.toMSecsSinceEpoch() : now;
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(ins, u"creating run %1"_s.arg(id.value()),
                 u"INSERT INTO runs (id, job_id, job_name, pipeline_run_id, priority, trigger,"
                 " scheduled_ms, created_ms, state, pinned_node)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                 {id.value(), nr.job.value(), nr.jobName,
                  nr.pipelineRunId > 0 ? QVariant(nr.pipelineRunId) : nullMs(),
                  static_cast<int>(nr.priority), runTriggerName(nr.trigger), scheduled, now,
                  runStateName(RunState::Waiting),
                  nr.pinnedNode.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                          : QVariant(nr.pinnedNode)});
    ORRERY_QUERY(att, u"creating attempt 1 of run %1"_s.arg(id.value()),
                 u"INSERT INTO attempts (run_id, number, state, node_id, queued_ms, started_ms,"
                 " finished_ms, exit_code, reason) VALUES (?, 1, ?, ?, ?, ?, ?, -1, '')"_s,
                 {id.value(), runStateName(RunState::Waiting), nullMs(), now, nullMs(), nullMs()});
    ORRERY_TRY(
            d->addEvent(id, 1, std::nullopt, RunState::Waiting, now, runTriggerName(nr.trigger)));
    ORRERY_TRY(t.commit());
    return d->loadRun(id);
}

Result<StoredAttempt> Store::Private::readAttempt(RunId run, int attempt)
{
    auto r = exec(u"reading run %1"_s.arg(run.value()),
                  u"SELECT number, state FROM attempts WHERE run_id = ? ORDER BY number"_s,
                  {run.value()});
    if (!r)
        return r.error();
    StoredAttempt s;
    bool found = false;
    while (r->next()) {
        s.latest = r->value(0).toInt();
        if (s.latest == attempt) {
            found = true;
            s.number = attempt;
            s.state = runStateFromName(r->value(1).toString()).value_or(RunState::Lost);
        }
    }
    if (!found)
        return makeError(ErrorCode::NotFound,
                         u"run %1 has no attempt %2"_s.arg(run.value()).arg(attempt));
    return s;
}

// Writes one state change of an attempt (the row, the run's state and the event) inside the
// caller's transaction. The UPDATE is conditional on the state just read, so a concurrent
// writer that got there first makes this one fail with Conflict instead of overwriting.
Result<void> Store::Private::writeTransition(RunId run, int attempt, RunState from, RunState to,
                                             qint64 atMs, const QString &reason, NodeId node,
                                             std::optional<int> exitCode, bool latest)
{
    QString set;
    QVariantList binds{runStateName(to)};
    if (to == RunState::Running) {
        set = u", started_ms = ?"_s;
        binds << atMs;
        if (node.isValid()) {
            set += u", node_id = ?"_s;
            binds << node.value();
        }
    } else if (to == RunState::Waiting) {
        set = u", queued_ms = ?, started_ms = NULL, node_id = NULL"_s;
        binds << atMs;
    } else {
        set = u", finished_ms = ?"_s;
        binds << atMs;
    }
    if (!reason.isEmpty()) {
        set += u", reason = ?"_s;
        binds << reason;
    }
    if (exitCode) {
        set += u", exit_code = ?"_s;
        binds << *exitCode;
    }
    binds << run.value() << attempt << runStateName(from);
    auto upd = exec(u"updating run %1"_s.arg(run.value()),
                    u"UPDATE attempts SET state = ?"_s + set
                            + u" WHERE run_id = ? AND number = ? AND state = ?"_s,
                    binds);
    if (!upd)
        return upd.error();
    if (upd->numRowsAffected() != 1)
        return makeError(ErrorCode::Conflict,
                         u"run %1 attempt %2 changed concurrently"_s.arg(run.value()).arg(attempt));
    upd->finish();
    if (latest) {
        auto r = exec(u"updating run %1"_s.arg(run.value()),
                      u"UPDATE runs SET state = ? WHERE id = ?"_s, {runStateName(to), run.value()});
        if (!r)
            return r.error();
    }
    return addEvent(run, attempt, from, to, atMs, reason);
}

Result<RunRecord> Store::transition(RunId run, int attempt, RunState to, const QDateTime &at,
                                    const QString &reason, NodeId node)
{
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    auto stored = d->readAttempt(run, attempt);
    if (!stored)
        return stored.error();
    if (stored->latest != attempt)
        return makeError(
                ErrorCode::Conflict,
                u"attempt %1 of run %2 is not the current one"_s.arg(attempt).arg(run.value()));
    ORRERY_TRY(checkTransition(stored->state, to));
    const qint64 atMs = at.isValid() ? at.toMSecsSinceEpoch() : d->nowMs();
    ORRERY_TRY(d->writeTransition(run, attempt, stored->state, to, atMs, reason, node, std::nullopt,
                                  true));
    ORRERY_TRY(t.commit());
    return d->loadRun(run);
}

Result<ResultOutcome> Store::recordResult(RunId run, int attempt, RunState finalState, int exitCode,
                                          const QDateTime &started, const QDateTime &finished,
                                          const QString &reason)
{
    if (!isFinal(finalState))
        return makeError(ErrorCode::InvalidValue,
                         u"'%1' is not a final state"_s.arg(runStateName(finalState)));
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    auto stored = d->readAttempt(run, attempt);
    if (!stored)
        return stored.error();
    if (isFinal(stored->state))
        return ResultOutcome{false, stored->state};  // a duplicate or late report: keep the first
    const bool latest = stored->latest == attempt;
    RunState from = stored->state;
    const qint64 finishedMs = finished.isValid() ? finished.toMSecsSinceEpoch() : d->nowMs();
    if (from == RunState::Waiting && !canTransition(from, finalState)
        && canTransition(RunState::Running, finalState)) {
        // The start was never reported (the run was short, or the message was lost).
        const qint64 startedMs = started.isValid() ? started.toMSecsSinceEpoch() : finishedMs;
        ORRERY_TRY(d->writeTransition(run, attempt, from, RunState::Running, startedMs, QString(),
                                      NodeId(), std::nullopt, latest));
        from = RunState::Running;
    }
    ORRERY_TRY(checkTransition(from, finalState));
    ORRERY_TRY(d->writeTransition(run, attempt, from, finalState, finishedMs, reason, NodeId(),
                                  exitCode, latest));
    ORRERY_TRY(t.commit());
    return ResultOutcome{true, finalState};
}

Result<RunRecord> Store::retry(RunId run, const QDateTime &at, const QString &reason)
{
    return d->newAttempt(run, at, reason.isEmpty() ? u"retry"_s : reason, false);
}

Result<RunRecord> Store::requeue(RunId run, const QDateTime &at, const QString &reason,
                                 bool preempted)
{
    return d->newAttempt(run, at, reason.isEmpty() ? u"requeued"_s : reason, true, preempted);
}

Result<RunRecord> Store::Private::newAttempt(RunId run, const QDateTime &at, const QString &reason,
                                             bool anyFinal, bool preempted)
{
    Private *const d = this;
    Transaction t(this);
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(cur, u"reading run %1"_s.arg(run.value()),
                 u"SELECT number, state FROM attempts WHERE run_id = ? ORDER BY number DESC"_s,
                 {run.value()});
    if (!cur.next())
        return makeError(ErrorCode::NotFound, u"no run with id %1"_s.arg(run.value()));
    const int number = cur.value(0).toInt();
    const RunState state = runStateFromName(cur.value(1).toString()).value_or(RunState::Lost);
    cur.finish();
    if (anyFinal ? !isFinal(state) : !isRetryable(state))
        return makeError(ErrorCode::IllegalTransition,
                         u"a run in state '%1' cannot be %2"_s.arg(
                                 runStateName(state), anyFinal ? u"requeued"_s : u"retried"_s));
    const qint64 atMs = at.isValid() ? at.toMSecsSinceEpoch() : d->nowMs();
    ORRERY_QUERY(ins, u"creating attempt %1 of run %2"_s.arg(number + 1).arg(run.value()),
                 u"INSERT INTO attempts (run_id, number, state, node_id, queued_ms, started_ms,"
                 " finished_ms, exit_code, reason) VALUES (?, ?, ?, ?, ?, ?, ?, -1, '')"_s,
                 {run.value(), number + 1, runStateName(RunState::Waiting), nullMs(), atMs,
                  nullMs(), nullMs()});
    ORRERY_QUERY(upd, u"updating run %1"_s.arg(run.value()),
                 u"UPDATE runs SET state = ?, preemptions = preemptions + ?,"
                 " retry_due_ms = NULL WHERE id = ?"_s,
                 {runStateName(RunState::Waiting), preempted ? 1 : 0, run.value()});
    ORRERY_TRY(d->addEvent(run, number + 1, std::nullopt, RunState::Waiting, atMs, reason));
    ORRERY_TRY(t.commit());
    return d->loadRun(run);
}

Result<void> Store::setRetryDue(RunId run, const QDateTime &due)
{
    ORRERY_QUERY(q, u"storing the retry time of run %1"_s.arg(run.value()),
                 u"UPDATE runs SET retry_due_ms = ? WHERE id = ?"_s, {msOrNull(due), run.value()});
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no run with id %1"_s.arg(run.value()));
    return {};
}

Result<void> Store::pinRun(RunId run, const QString &node)
{
    ORRERY_QUERY(q, u"storing the node of run %1"_s.arg(run.value()),
                 u"UPDATE runs SET pinned_node = ? WHERE id = ?"_s, {node, run.value()});
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no run with id %1"_s.arg(run.value()));
    return {};
}

Result<RunRecord> Store::run(RunId id)
{
    return d->loadRun(id);
}

Result<QList<RunEvent>> Store::runEvents(RunId run)
{
    ORRERY_QUERY(q, u"reading events of run %1"_s.arg(run.value()),
                 u"SELECT attempt, from_state, to_state, at_ms, reason FROM run_events"
                 " WHERE run_id = ? ORDER BY id"_s,
                 {run.value()});
    QList<RunEvent> out;
    while (q.next()) {
        RunEvent e;
        e.run = run;
        e.attempt = q.value(0).toInt();
        if (!q.value(1).isNull())
            e.from = runStateFromName(q.value(1).toString());
        e.to = runStateFromName(q.value(2).toString()).value_or(RunState::Lost);
        e.at = fromMs(q.value(3));
        e.reason = q.value(4).toString();
        out.append(e);
    }
    return out;
}

// The id bound of listRunsBy*: below `before`, or below every id.
static qint64 idsBelow(RunId before)
{
    return before.isValid() ? before.value() : std::numeric_limits<qint64>::max();
}

Result<QList<RunRecord>> Store::listRunsByJob(JobId job, int limit, RunId before)
{
    return d->loadRuns(u"WHERE job_id = ? AND id < ? ORDER BY id DESC LIMIT ?"_s,
                       {job.value(), idsBelow(before), qMax(0, limit)});
}

Result<QList<RunRecord>> Store::listRunsByState(RunState state, int limit, RunId before)
{
    return d->loadRuns(u"WHERE state = ? AND id < ? ORDER BY id DESC LIMIT ?"_s,
                       {runStateName(state), idsBelow(before), qMax(0, limit)});
}

Result<QHash<JobId, LastRun>> Store::lastRuns()
{
    // The current attempt is the one with the largest number; runs.state is its state.
    ORRERY_QUERY(q, u"reading the last run of each job"_s,
                 u"SELECT r.job_id, r.id, r.state,"
                 " COALESCE(a.finished_ms, a.started_ms, a.queued_ms, r.created_ms)"
                 " FROM runs r JOIN attempts a ON a.run_id = r.id AND a.number ="
                 " (SELECT MAX(number) FROM attempts WHERE run_id = r.id)"
                 " WHERE r.id IN (SELECT MAX(id) FROM runs GROUP BY job_id)"_s);
    QHash<JobId, LastRun> out;
    while (q.next()) {
        LastRun last;
        last.run = RunId(q.value(1).toLongLong());
        last.state = runStateFromName(q.value(2).toString()).value_or(RunState::Lost);
        last.at = fromMs(q.value(3));
        out.insert(JobId(q.value(0).toLongLong()), last);
    }
    return out;
}

Result<QList<RunRecord>> Store::unfinishedRuns()
{
    return d->loadRuns(u"WHERE state IN (?, ?) ORDER BY id"_s,
                       {runStateName(RunState::Waiting), runStateName(RunState::Running)});
}

Result<QList<RunRecord>> Store::pendingRetries()
{
    return d->loadRuns(u"WHERE retry_due_ms IS NOT NULL ORDER BY id"_s, {});
}

Result<QList<RunRecord>> Store::runsOfPipelineRun(qint64 pipelineRunId)
{
    return d->loadRuns(u"WHERE pipeline_run_id = ? ORDER BY id"_s, {pipelineRunId});
}

Result<QList<RunRecord>> Store::listPipelineRuns(const QString &pipeline, int limit)
{
    return d->loadRuns(
            u"WHERE pipeline_run_id = id AND job_id IN (SELECT id FROM jobs WHERE"
            " pipeline = ?) ORDER BY id DESC LIMIT ?"_s,
            {pipeline, qMax(0, limit)});
}

RunId Store::newRunId()
{
    return d->ids.next<RunId>();
}

Result<qint64> Store::createBackfill(const QString &pipeline, int concurrency,
                                     const QList<QDateTime> &fires)
{
    const qint64 id = d->ids.nextValue();
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(ins, u"creating a backfill of %1"_s.arg(pipeline),
                 u"INSERT INTO backfills (id, pipeline, concurrency, created_ms)"
                 " VALUES (?, ?, ?, ?)"_s,
                 {id, pipeline, concurrency, d->nowMs()});
    for (const QDateTime &fire : fires) {
        ORRERY_QUERY(f, u"storing a fire time of backfill %1"_s.arg(id),
                     u"INSERT INTO backfill_fires (backfill_id, fire_ms) VALUES (?, ?)"_s,
                     {id, fire.toMSecsSinceEpoch()});
    }
    ORRERY_TRY(t.commit());
    return id;
}

Result<void> Store::startBackfillFire(qint64 backfill, const QDateTime &fire,
                                      qint64 pipelineRunId)
{
    ORRERY_QUERY(q, u"marking a fire time of backfill %1 started"_s.arg(backfill),
                 u"UPDATE backfill_fires SET pipeline_run_id = ?"
                 " WHERE backfill_id = ? AND fire_ms = ?"_s,
                 {pipelineRunId, backfill, fire.toMSecsSinceEpoch()});
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound,
                         u"backfill %1 has no fire time %2"_s.arg(backfill).arg(
                                 fire.toString(Qt::ISODate)));
    return {};
}

Result<void> Store::deleteBackfill(qint64 backfill)
{
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(fires, u"deleting the fire times of backfill %1"_s.arg(backfill),
                 u"DELETE FROM backfill_fires WHERE backfill_id = ?"_s, {backfill});
    ORRERY_QUERY(q, u"deleting backfill %1"_s.arg(backfill),
                 u"DELETE FROM backfills WHERE id = ?"_s, {backfill});
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no backfill %1"_s.arg(backfill));
    ORRERY_TRY(t.commit());
    return {};
}

Result<QList<BackfillRecord>> Store::listBackfills()
{
    QList<BackfillRecord> out;
    QHash<qint64, qsizetype> index;
    {
        ORRERY_QUERY(q, u"reading backfills"_s,
                     u"SELECT id, pipeline, concurrency FROM backfills ORDER BY id"_s, {});
        while (q.next()) {
            BackfillRecord b;
            b.id = q.value(0).toLongLong();
            b.pipeline = q.value(1).toString();
            b.concurrency = q.value(2).toInt();
            index.insert(b.id, out.size());
            out.append(b);
        }
    }
    ORRERY_QUERY(f, u"reading backfill fire times"_s,
                 u"SELECT backfill_id, fire_ms, pipeline_run_id FROM backfill_fires"
                 " ORDER BY backfill_id, fire_ms"_s,
                 {});
    while (f.next()) {
        const auto it = index.constFind(f.value(0).toLongLong());
        if (it == index.cend())
            continue;
        BackfillRecord &b = out[*it];
        if (f.value(2).isNull())
            b.pending.append(fromMs(f.value(1)));
        else
            b.started.append(f.value(2).toLongLong());
    }
    return out;
}

Result<void> Store::recordFire(JobId job, const QDateTime &at)
{
    const qint64 ms = at.toMSecsSinceEpoch();
    ORRERY_QUERY(q, u"recording a fire of job %1"_s.arg(job.value()),
                 u"INSERT INTO job_fires (job_id, last_fire_ms) VALUES (?, ?)"
                 " ON CONFLICT (job_id) DO UPDATE SET last_fire_ms = excluded.last_fire_ms"
                 " WHERE excluded.last_fire_ms > job_fires.last_fire_ms"_s,
                 {job.value(), ms});
    return {};
}

Result<QHash<JobId, QDateTime>> Store::lastFires()
{
    ORRERY_QUERY(q, u"reading the last fires"_s, u"SELECT job_id, last_fire_ms FROM job_fires"_s);
    QHash<JobId, QDateTime> out;
    while (q.next())
        out.insert(JobId(q.value(0).toLongLong()), fromMs(q.value(1)));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Output

Result<AppendOutcome> Store::appendOutput(RunId run, const OutputChunk &chunk,
                                          qint64 maxBytesPerRun)
{
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(
            dup, u"reading output of run %1"_s.arg(run.value()),
            u"SELECT 1 FROM run_output WHERE run_id = ? AND attempt = ? AND stream = ? AND seq = ?"_s,
            {run.value(), chunk.attempt, outputStreamName(chunk.stream), chunk.seq});
    if (dup.next())
        return AppendOutcome{false, false};
    dup.finish();
    ORRERY_QUERY(size, u"reading output size of run %1"_s.arg(run.value()),
                 u"SELECT COALESCE(SUM(LENGTH(data)), 0) FROM run_output WHERE run_id = ?"_s,
                 {run.value()});
    const qint64 used = size.next() ? size.value(0).toLongLong() : 0;
    size.finish();
    const qint64 room = qMax<qint64>(0, maxBytesPerRun - used);
    AppendOutcome outcome{false, chunk.data.size() > room};
    if (room == 0)
        return outcome;
    const QByteArray data = chunk.data.left(room);
    ORRERY_QUERY(
            ins, u"storing output of run %1"_s.arg(run.value()),
            u"INSERT INTO run_output (run_id, attempt, seq, stream, data) VALUES (?, ?, ?, ?, ?)"_s,
            {run.value(), chunk.attempt, chunk.seq, outputStreamName(chunk.stream), data});
    ORRERY_TRY(t.commit());
    outcome.applied = true;
    return outcome;
}

Result<QList<OutputChunk>> Store::readOutput(RunId run, int maxChunks)
{
    ORRERY_QUERY(q, u"reading output of run %1"_s.arg(run.value()),
                 u"SELECT attempt, stream, seq, data FROM run_output WHERE run_id = ?"
                 " ORDER BY attempt, seq, stream LIMIT ?"_s,
                 {run.value(), qMax(0, maxChunks)});
    QList<OutputChunk> out;
    while (q.next()) {
        OutputChunk c;
        c.attempt = q.value(0).toInt();
        c.stream = q.value(1).toString() == u"stderr"_s ? OutputStream::Stderr
                                                        : OutputStream::Stdout;
        c.seq = q.value(2).toLongLong();
        c.data = q.value(3).toByteArray();
        out.append(c);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Nodes

Result<QList<NodeRecord>> Store::Private::loadNodes(const QString &where, const QVariantList &binds)
{
    auto r = exec(u"reading nodes"_s,
                  u"SELECT id, name, labels, credential_hash, enrolled_ms, last_seen_ms, state"
                  " FROM nodes "_s
                          + where,
                  binds);
    if (!r)
        return r.error();
    QList<NodeRecord> out;
    while (r->next()) {
        NodeRecord n;
        n.id = NodeId(r->value(0).toLongLong());
        n.name = r->value(1).toString();
        n.labels = labelsFromJson(r->value(2).toString().toUtf8());
        n.credentialHash = r->value(3).toString();
        n.enrolledAt = fromMs(r->value(4));
        n.lastSeenAt = fromMs(r->value(5));
        n.state = nodeStateFromName(r->value(6).toString()).value_or(NodeState::Offline);
        out.append(n);
    }
    return out;
}

Result<NodeRecord> Store::upsertNode(const NodeRecord &node)
{
    if (node.name.isEmpty())
        return makeError(ErrorCode::MissingField, u"a node needs a name"_s);
    const NodeId id = node.id.isValid() ? node.id : d->ids.next<NodeId>();
    // The id of an existing node never changes; everything else is replaced.
    ORRERY_QUERY(q, u"storing node '%1'"_s.arg(node.name),
                 u"INSERT INTO nodes (id, name, labels, credential_hash, enrolled_ms, "
                 u"last_seen_ms, state)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                 " labels = excluded.labels, credential_hash = excluded.credential_hash,"
                 " enrolled_ms = excluded.enrolled_ms, last_seen_ms = excluded.last_seen_ms,"
                 " state = excluded.state"_s,
                 {id.value(), node.name, QString::fromUtf8(labelsToJson(node.labels)),
                  node.credentialHash, msOrNull(node.enrolledAt), msOrNull(node.lastSeenAt),
                  nodeStateName(node.state)});
    q.finish();
    return nodeByName(node.name);
}

Result<NodeRecord> Store::nodeByName(const QString &name)
{
    auto r = d->loadNodes(u"WHERE name = ?"_s, {name});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError(ErrorCode::NotFound, u"no node named '%1'"_s.arg(name));
    return r->first();
}

Result<QList<NodeRecord>> Store::listNodes()
{
    return d->loadNodes(u"ORDER BY name"_s, {});
}

Result<void> Store::setNodeState(const QString &name, NodeState state)
{
    ORRERY_QUERY(q, u"updating node '%1'"_s.arg(name),
                 u"UPDATE nodes SET state = ? WHERE name = ?"_s, {nodeStateName(state), name});
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no node named '%1'"_s.arg(name));
    return {};
}

// ---------------------------------------------------------------------------------------------
// Tokens

Result<NewToken> Store::createApiToken(const QString &name, TokenRole role)
{
    const qint64 id = d->ids.nextValue();
    const QString token = makeToken(kApiTokenPrefix, id);
    const QByteArray salt = randomBytes(kSaltBytes);
    ORRERY_QUERY(q, u"creating API token"_s,
                 u"INSERT INTO api_tokens (id, name, role, salt, hash, created_ms, revoked_ms,"
                 " last_used_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s,
                 {id, name, tokenRoleName(role), QString::fromLatin1(salt.toBase64()),
                  QString::fromLatin1(tokenHash(salt, token).toBase64()), d->nowMs(), nullMs(),
                  nullMs()});
    return NewToken{id, token};
}

Result<ApiTokenInfo> Store::verifyApiToken(const QString &token)
{
    const qint64 id = tokenId(token, kApiTokenPrefix);
    if (id == 0)
        return unauthorized();
    ORRERY_QUERY(q, u"reading API token"_s,
                 u"SELECT name, role, salt, hash, created_ms, revoked_ms, last_used_ms"
                 " FROM api_tokens WHERE id = ?"_s,
                 {id});
    if (!q.next())
        return unauthorized();
    const QByteArray salt = QByteArray::fromBase64(q.value(2).toString().toLatin1());
    const QByteArray stored = QByteArray::fromBase64(q.value(3).toString().toLatin1());
    const bool match = constantTimeEquals(tokenHash(salt, token), stored);
    if (!match || !q.value(5).isNull())
        return unauthorized();
    const auto role = tokenRoleFromName(q.value(1).toString());
    if (!role)
        return unauthorized();
    ApiTokenInfo info{id, q.value(0).toString(), *role, fromMs(q.value(4)), {}, {}};
    q.finish();
    const qint64 now = d->nowMs();
    ORRERY_QUERY(upd, u"updating API token"_s,
                 u"UPDATE api_tokens SET last_used_ms = ? WHERE id = ?"_s, {now, id});
    info.lastUsedAt = fromMs(now);
    return info;
}

Result<void> Store::revokeApiToken(qint64 id)
{
    ORRERY_QUERY(q, u"revoking API token"_s,
                 u"UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL"_s,
                 {d->nowMs(), id});
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::NotFound, u"no active API token with id %1"_s.arg(id));
    return {};
}

Result<QList<ApiTokenInfo>> Store::listApiTokens()
{
    ORRERY_QUERY(q, u"reading API tokens"_s,
                 u"SELECT id, name, role, created_ms, revoked_ms, last_used_ms FROM api_tokens"
                 " ORDER BY id"_s);
    QList<ApiTokenInfo> out;
    while (q.next())
        out.append(
                ApiTokenInfo{q.value(0).toLongLong(), q.value(1).toString(),
                             tokenRoleFromName(q.value(2).toString()).value_or(TokenRole::Viewer),
                             fromMs(q.value(3)), fromMs(q.value(4)), fromMs(q.value(5))});
    return out;
}

Result<NewToken> Store::createEnrolToken(const QDateTime &expiresAt)
{
    const qint64 id = d->ids.nextValue();
    const QString token = makeToken(kEnrolTokenPrefix, id);
    const QByteArray salt = randomBytes(kSaltBytes);
    ORRERY_QUERY(
            q, u"creating enrolment token"_s,
            u"INSERT INTO enrol_tokens (id, salt, hash, created_ms, expires_ms, used_ms,"
            " used_by_node) VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
            {id, QString::fromLatin1(salt.toBase64()),
             QString::fromLatin1(tokenHash(salt, token).toBase64()), d->nowMs(),
             expiresAt.toMSecsSinceEpoch(), nullMs(), QVariant(QMetaType::fromType<QString>())});
    return NewToken{id, token};
}

Result<qint64> Store::consumeEnrolToken(const QString &token, const QString &nodeName)
{
    const qint64 id = tokenId(token, kEnrolTokenPrefix);
    if (id == 0)
        return unauthorized();
    const qint64 now = d->nowMs();
    Private::Transaction t(d.get());
    ORRERY_TRY(t.begin());
    ORRERY_QUERY(q, u"reading enrolment token"_s,
                 u"SELECT salt, hash, expires_ms, used_ms FROM enrol_tokens WHERE id = ?"_s, {id});
    if (!q.next())
        return unauthorized();
    const QByteArray salt = QByteArray::fromBase64(q.value(0).toString().toLatin1());
    const QByteArray stored = QByteArray::fromBase64(q.value(1).toString().toLatin1());
    if (!constantTimeEquals(tokenHash(salt, token), stored) || !q.value(3).isNull()
        || q.value(2).toLongLong() <= now)
        return unauthorized();
    q.finish();
    ORRERY_QUERY(
            upd, u"consuming enrolment token"_s,
            u"UPDATE enrol_tokens SET used_ms = ?, used_by_node = ? WHERE id = ? AND used_ms IS NULL"_s,
            {now, nodeName, id});
    if (upd.numRowsAffected() != 1)
        return unauthorized();
    ORRERY_TRY(t.commit());
    return id;
}

// ---------------------------------------------------------------------------------------------
// Audit

Result<AuditEntry> Store::appendAudit(const AuditEntry &entry)
{
    AuditEntry e = entry;
    e.id = d->ids.nextValue();
    const qint64 now = d->nowMs();
    e.at = fromMs(now);
    ORRERY_QUERY(q, u"writing the audit log"_s,
                 u"INSERT INTO audit_log (id, at_ms, actor, action, target, detail, source)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
                 {e.id, now, e.actor, e.action, e.target, e.detail, e.source});
    return e;
}

Result<QList<AuditEntry>> Store::listAudit(int limit)
{
    ORRERY_QUERY(q, u"reading the audit log"_s,
                 u"SELECT id, at_ms, actor, action, target, detail, source FROM audit_log"
                 " ORDER BY id DESC LIMIT ?"_s,
                 {qMax(0, limit)});
    QList<AuditEntry> out;
    while (q.next())
        out.append(AuditEntry{q.value(0).toLongLong(), fromMs(q.value(1)), q.value(2).toString(),
                              q.value(3).toString(), q.value(4).toString(), q.value(5).toString(),
                              q.value(6).toString()});
    return out;
}

// ---------------------------------------------------------------------------------------------
// Statistics

namespace {

QString sqlWords(std::initializer_list<RunState> states)
{
    QStringList words;
    for (RunState s : states)
        words.append(u"'"_s + runStateName(s) + u"'"_s);
    return u"("_s + words.join(u", "_s) + u")"_s;
}

// The RunCounts columns (runs, successes, finished, abnormal, duration sum, duration count)
// over runs r joined to their last attempt a, after the `groupBy` column if there is one.
QString runCountsSql(const QString &where, const QString &groupBy = QString())
{
    const QString finished = sqlWords(
            {RunState::Success, RunState::Failed, RunState::TimedOut, RunState::Lost});
    const QString abnormal = sqlWords({RunState::Failed, RunState::TimedOut, RunState::Lost});
    const QString timed = u"r.state IN "_s + finished
                          + u" AND a.started_ms IS NOT NULL AND a.finished_ms IS NOT NULL"_s;
    QString sql = u"SELECT "_s;
    if (!groupBy.isEmpty())
        sql += groupBy + u", "_s;
    sql += u"COUNT(*),"
           " SUM(CASE WHEN r.state = '%1' THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN r.state IN %2 THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN r.state IN %3 THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN %4 THEN a.finished_ms - a.started_ms ELSE 0 END),"
           " SUM(CASE WHEN %4 THEN 1 ELSE 0 END)"
           " FROM runs r LEFT JOIN attempts a ON a.run_id = r.id AND a.number ="
           " (SELECT MAX(l.number) FROM attempts l WHERE l.run_id = r.id) "_s
                   .arg(runStateName(RunState::Success), finished, abnormal, timed);
    sql += where;
    if (!groupBy.isEmpty())
        sql += u" GROUP BY "_s + groupBy;
    return sql;
}

RunCounts runCountsAt(const QSqlQuery &q, int first)
{
    RunCounts c;
    c.runs = q.value(first).toLongLong();
    c.successes = q.value(first + 1).toLongLong();
    c.finished = q.value(first + 2).toLongLong();
    c.abnormal = q.value(first + 3).toLongLong();
    c.durationSumMs = q.value(first + 4).toLongLong();
    c.durationCount = q.value(first + 5).toLongLong();
    return c;
}

}  // namespace

Result<RunStats> Store::runStats(const QDateTime &dayStart, const QList<QDateTime> &bucketStarts,
                                 const QDateTime &end)
{
    RunStats stats;
    stats.dayStart = dayStart.toUTC();
    stats.end = end.toUTC();
    const qint64 endMs = end.toMSecsSinceEpoch();
    {
        ORRERY_QUERY(q, u"reading today's run statistics"_s,
                     runCountsSql(u"WHERE r.created_ms >= ? AND r.created_ms < ?"_s),
                     {dayStart.toMSecsSinceEpoch(), endMs});
        if (q.next())
            stats.today = runCountsAt(q, 0);
    }
    {
        ORRERY_QUERY(q, u"counting the waiting runs"_s,
                     u"SELECT COUNT(*) FROM runs WHERE state = ?"_s,
                     {runStateName(RunState::Waiting)});
        if (q.next())
            stats.queueLength = q.value(0).toLongLong();
    }
    if (bucketStarts.isEmpty())
        return stats;
    // The hour index is computed from numbers written into the statement (not user input):
    // PostgreSQL must see bigint arithmetic, which a typed literal guarantees.
    const qint64 fromMs = bucketStarts.first().toMSecsSinceEpoch();
    const QString hour = u"((r.created_ms - %1) / 3600000)"_s.arg(fromMs);
    ORRERY_QUERY(q, u"reading the run statistics per hour"_s,
                 runCountsSql(u"WHERE r.created_ms >= ? AND r.created_ms < ?"_s, hour),
                 {fromMs, endMs});
    QList<std::pair<qint64, RunCounts>> hours;
    while (q.next())
        hours.append({q.value(0).toLongLong(), runCountsAt(q, 1)});
    stats.buckets = sumHours(bucketStarts.first().toUTC(), bucketStarts, hours);
    return stats;
}

}  // namespace Orrery

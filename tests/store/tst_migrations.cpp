#include "storetestutil.h"

#include <store/migrations.h>
#include <store/store.h>

#include <QFile>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;
using namespace StoreTest;

Q_DECLARE_METATYPE(Orrery::ErrorCode)

namespace QTest {
template<>
char *toString(const Orrery::ErrorCode &code)
{
    return qstrdup(qPrintable(errorCodeName(code)));
}
}  // namespace QTest

namespace {
const QDateTime kStart = QDateTime(QDate(2026, 1, 1), QTime(0, 0), QTimeZone::utc());

// "table: col col col" per table, sorted by table; columns in table order.
QStringList describeSchema(const QString &url)
{
    QSqlDatabase db = openRaw(url);
    QStringList lines;
    QStringList tables = db.tables(QSql::Tables);
    tables.sort();
    for (const QString &t : tables) {
        const QSqlRecord rec = db.record(t);
        QStringList cols;
        for (int i = 0; i < rec.count(); ++i)
            cols.append(rec.fieldName(i).toLower());
        lines.append(t.toLower() + u": "_s + cols.join(u' '));
    }
    closeRaw(db);
    return lines;
}

QStringList golden(const QString &name)
{
    QFile f(QStringLiteral(ORRERY_TEST_DATA_DIR) + u'/' + name);
    if (!f.open(QIODevice::ReadOnly))
        return {u"cannot read "_s + f.fileName()};
    QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    return lines;
}
}  // namespace

class tst_Migrations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void listIsOrderedAndPortable();
    void fromVersion_data();
    void fromVersion();
    void reopenDoesNotReapply();
    void newerSchemaRefused();
    void failingMigrationRollsBack();
    void statsQueryUsesTheCreationIndex();

private:
    QTemporaryDir m_dir;
    QString m_url;
    ManualClock m_clock{kStart};
};

void tst_Migrations::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qInfo("backend: %s", usePostgres() ? "PostgreSQL" : "SQLite");
}

void tst_Migrations::init()
{
    m_url = freshUrl(m_dir.path());
    if (!usePostgres())
        QDir().mkpath(QFileInfo(m_url.mid(7)).absolutePath());
}

void tst_Migrations::cleanup()
{
    closeCachedRaw();
}

void tst_Migrations::listIsOrderedAndPortable()
{
    const auto &list = Internal::migrations();
    QVERIFY(!list.isEmpty());
    for (qsizetype i = 0; i < list.size(); ++i) {
        QCOMPARE(list[i].version, int(i + 1));
        QVERIFY(!list[i].statements.isEmpty());
        for (const QString &s : list[i].statements) {
            // QSQLITE runs only the first statement of an exec(); no SQLite-only syntax.
            QVERIFY2(!s.contains(u';'), qPrintable(s));
            QVERIFY2(!s.contains(u"AUTOINCREMENT"_s, Qt::CaseInsensitive), qPrintable(s));
            QVERIFY2(!s.contains(u"SERIAL"_s, Qt::CaseInsensitive), qPrintable(s));
        }
    }
    QCOMPARE(Internal::latestSchemaVersion(), list.last().version);
}

// Every past schema version, with data written at that version, opened by this build: the
// data must read back as the golden "after" state and the schema must match the golden one.
// Version 0 is the empty database; add a row per released version.
void tst_Migrations::fromVersion_data()
{
    QTest::addColumn<int>("version");
    QTest::addColumn<QStringList>("before");  // statements that build the old database
    QTest::addColumn<QString>("afterQuery");
    QTest::addColumn<QStringList>("afterRows");
    QTest::newRow("v0-empty") << 0 << QStringList{} << u"SELECT COUNT(*) FROM jobs"_s
                              << QStringList{u"0"_s};
    // The current version with data: opening must keep it as it is.
    QStringList v1 = Internal::migrations().first().statements;
    v1 << u"CREATE TABLE schema_version (version INTEGER NOT NULL, applied_ms BIGINT NOT NULL)"_s
       << u"INSERT INTO schema_version VALUES (1, 0)"_s
       << u"INSERT INTO jobs VALUES (10, 'j', NULL, '{\"command\":\"true\"}', 1, 5, 6)"_s
       << u"INSERT INTO runs VALUES (20, 10, 'j', NULL, 2, 'manual', 7, 7, 'running')"_s
       << u"INSERT INTO attempts VALUES (20, 1, 'running', 3, 7, 8, NULL, -1, '')"_s;
    // Version 3 with a run: it gets no preemptions, and the backfill tables are empty.
    QStringList v3;
    for (const Internal::Migration &m : Internal::migrations()) {
        if (m.version <= 3)
            v3 << m.statements;
    }
    v3 << u"CREATE TABLE schema_version (version INTEGER NOT NULL, applied_ms BIGINT NOT NULL)"_s
       << u"INSERT INTO schema_version VALUES (3, 0)"_s
       << u"INSERT INTO jobs VALUES (10, 'j', NULL, '{\"command\":\"true\"}', 1, 5, 6)"_s
       << u"INSERT INTO runs VALUES (20, 10, 'j', NULL, 2, 'manual', 7, 7, 'running')"_s
       << u"INSERT INTO attempts VALUES (20, 1, 'running', 3, 7, 8, NULL, -1, '')"_s;
    QTest::newRow("v3-with-data")
            << 3 << v3
            << u"SELECT r.state || '|' || r.preemptions || '|' || (SELECT COUNT(*) FROM backfills)"
               " FROM runs r"_s
            << QStringList{u"running|0|0"_s};
    // Version 4 with a running run of a pipeline run with parameters: no retry is waiting,
    // the run is not pinned to a node and the pipeline run is of the whole pipeline.
    QStringList v4;
    for (const Internal::Migration &m : Internal::migrations()) {
        if (m.version <= 4)
            v4 << m.statements;
    }
    v4 << u"CREATE TABLE schema_version (version INTEGER NOT NULL, applied_ms BIGINT NOT NULL)"_s
       << u"INSERT INTO schema_version VALUES (4, 0)"_s
       << u"INSERT INTO jobs VALUES (10, 'j', 'p', '{\"command\":\"true\"}', 1, 5, 6)"_s
       << u"INSERT INTO runs VALUES (20, 10, 'j', 20, 2, 'manual', 7, 7, 'running', 1)"_s
       << u"INSERT INTO attempts VALUES (20, 2, 'running', 3, 7, 8, NULL, -1, '')"_s
       << u"INSERT INTO pipeline_runs VALUES (20, 'p', '{\"day\":\"1\"}', 7)"_s;
    QTest::newRow("v4-with-data")
            << 4 << v4
            << u"SELECT r.state || '|' || r.preemptions || '|' || COALESCE(r.retry_due_ms, -1)"
               " || '|' || COALESCE(r.pinned_node, '-') || '|' || p.parameters || '|'"
               " || COALESCE(p.start_job, '-') FROM runs r, pipeline_runs p"
               " WHERE p.id = r.pipeline_run_id"_s
            << QStringList{u"running|1|-1|-|{\"day\":\"1\"}|-"_s};
    QTest::newRow("v1-with-data") << 1 << v1
                                  << u"SELECT j.name || '|' || r.state || '|' || a.node_id FROM "
                                     u"jobs j, runs r, attempts a"
                                     " WHERE r.job_id = j.id AND a.run_id = r.id"_s
                                  << QStringList{u"j|running|3"_s};
}

void tst_Migrations::fromVersion()
{
    QFETCH(int, version);
    QFETCH(QStringList, before);
    QFETCH(QString, afterQuery);
    QFETCH(QStringList, afterRows);
    QVERIFY(rawExec(m_url, before));
    closeCachedRaw();

    auto store = Store::open(m_url, m_clock);
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    QCOMPARE((*store)->schemaVersion(), Internal::latestSchemaVersion());
    QCOMPARE(describeSchema(m_url),
             golden(u"schema-v%1.txt"_s.arg(Internal::latestSchemaVersion())));
    QCOMPARE(rawValue(m_url, u"SELECT MAX(version) FROM schema_version"_s).toInt(),
             Internal::latestSchemaVersion());
    QCOMPARE(rawCount(m_url, u"schema_version"_s),
             qint64(Internal::latestSchemaVersion() - version + (version > 0 ? 1 : 0)));

    QSqlDatabase db = openRaw(m_url);
    QStringList rows;
    {
        QSqlQuery q(db);
        QVERIFY2(q.exec(afterQuery), qPrintable(q.lastError().text()));
        while (q.next())
            rows.append(q.value(0).toString());
    }
    closeRaw(db);
    QCOMPARE(rows, afterRows);
    if (version > 0) {
        auto run = (*store)->run(RunId(20));
        QVERIFY(run);
        QCOMPARE(run->run.state(), RunState::Running);
        QCOMPARE((*store)->job(JobId(10))->job.command, u"true"_s);
    }
}

void tst_Migrations::reopenDoesNotReapply()
{
    for (int i = 0; i < 2; ++i) {
        auto store = Store::open(m_url, m_clock);
        QVERIFY(store);
    }
    QCOMPARE(rawCount(m_url, u"schema_version"_s), qint64(Internal::latestSchemaVersion()));
}

void tst_Migrations::newerSchemaRefused()
{
    {
        auto store = Store::open(m_url, m_clock);
        QVERIFY(store);
    }
    const int newer = Internal::latestSchemaVersion() + 1;
    QVERIFY(rawExec(m_url, {u"INSERT INTO schema_version VALUES (%1, 0)"_s.arg(newer)}));
    auto store = Store::open(m_url, m_clock);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::UnsupportedVersion);
    QVERIFY(store.error().message.contains(QString::number(newer)));
    QCOMPARE(rawValue(m_url, u"SELECT MAX(version) FROM schema_version"_s).toInt(), newer);
}

void tst_Migrations::failingMigrationRollsBack()
{
    {
        auto store = Store::open(m_url, m_clock);
        QVERIFY(store);
    }
    QList<Internal::Migration> list = Internal::migrations();
    const int next = Internal::latestSchemaVersion() + 1;
    list.append({next,
                 {u"CREATE TABLE extra (x INTEGER)"_s, u"INSERT INTO extra VALUES (1)"_s,
                  u"ALTER TABLE no_such_table ADD COLUMN y INTEGER"_s}});
    QSqlDatabase db = openRaw(m_url);
    auto r = Internal::migrate(db, list, 0);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Storage);
    QVERIFY(!db.tables().contains(u"extra"_s));
    closeRaw(db);
    QCOMPARE(rawValue(m_url, u"SELECT MAX(version) FROM schema_version"_s).toInt(), next - 1);
    // The store still opens at the version it reached.
    auto store = Store::open(m_url, m_clock);
    QVERIFY(store);
}

// The dashboard's statistics (Store::runStats) select runs by created_ms: SQLite's plan for
// that query searches the runs_created index instead of scanning every run.
void tst_Migrations::statsQueryUsesTheCreationIndex()
{
    if (usePostgres())
        QSKIP("EXPLAIN QUERY PLAN is SQLite's");
    {
        auto store = Store::open(m_url, m_clock);
        QVERIFY(store);
    }
    QSqlDatabase db = openRaw(m_url);
    QStringList plan;
    {
        QSqlQuery q(db);
        QVERIFY2(q.exec(u"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM runs r LEFT JOIN attempts a"
                        " ON a.run_id = r.id AND a.number ="
                        " (SELECT MAX(l.number) FROM attempts l WHERE l.run_id = r.id)"
                        " WHERE r.created_ms >= 0 AND r.created_ms < 1"_s),
                 qPrintable(q.lastError().text()));
        while (q.next())
            plan.append(q.value(3).toString());
    }
    closeRaw(db);
    QVERIFY2(plan.join(u'\n').contains(u"SEARCH r USING COVERING INDEX runs_created"_s)
                     || plan.join(u'\n').contains(u"SEARCH r USING INDEX runs_created"_s),
             qPrintable(plan.join(u'\n')));
}

QTEST_GUILESS_MAIN(tst_Migrations)
#include "tst_migrations.moc"

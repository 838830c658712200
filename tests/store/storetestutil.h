#pragma once

// Shared by the store tests: a fresh database per test on SQLite (a new file) or on the
// PostgreSQL named by ORRERY_TEST_PG_URL (scripts/with-postgres.sh), and a raw Qt Sql
// connection to look behind the Store's back.

#include <QAtomicInteger>
#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QTest>
#include <QUrl>

namespace StoreTest {

inline QString pgUrl()
{
    return qEnvironmentVariable("ORRERY_TEST_PG_URL");
}

inline bool usePostgres()
{
    return !pgUrl().isEmpty();
}

inline QString nextName(const char *prefix)
{
    static QAtomicInteger<int> counter;
    return QString::fromLatin1(prefix) + QString::number(counter.fetchAndAddRelaxed(1));
}

// A raw connection to the database behind `url`; close with closeRaw().
inline QSqlDatabase openRaw(const QString &url)
{
    const QString name = nextName("raw-");
    QSqlDatabase db;
    if (url.startsWith(QLatin1String("sqlite:"))) {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(url.mid(7));
    } else {
        const QUrl u(url);
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setPassword(u.password());
        db.setDatabaseName(u.path().mid(1));
    }
    if (!db.open())
        qWarning("raw open failed: %s", qPrintable(db.lastError().text()));
    return db;
}

inline void closeRaw(QSqlDatabase &db)
{
    const QString name = db.connectionName();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(name);
}

// One raw connection per URL, kept until closeCachedRaw() (new connections are slow on a
// loaded machine: ~100 ms each for PostgreSQL).
inline QSqlDatabase cachedRaw(const QString &url)
{
    const QString name = QStringLiteral("raw-cached-") + QString::number(qHash(url));
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name);
    QSqlDatabase db = openRaw(url);
    const QString opened = db.connectionName();
    db = QSqlDatabase();
    QSqlDatabase::cloneDatabase(opened, name);
    QSqlDatabase::removeDatabase(opened);
    db = QSqlDatabase::database(name);
    return db;
}

inline void closeCachedRaw()
{
    for (const QString &name : QSqlDatabase::connectionNames()) {
        if (name.startsWith(QLatin1String("raw-cached-"))) {
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }
    }
}

inline bool rawExec(const QString &url, const QStringList &statements)
{
    QSqlDatabase db = cachedRaw(url);
    bool ok = db.isOpen();
    {
        QSqlQuery q(db);
        for (const QString &s : statements) {
            if (!ok)
                break;
            ok = q.exec(s);
            if (!ok)
                qWarning("raw exec '%s' failed: %s", qPrintable(s),
                         qPrintable(q.lastError().text()));
        }
    }
    return ok;
}

inline QVariant rawValue(const QString &url, const QString &sql)
{
    QSqlDatabase db = cachedRaw(url);
    QVariant v;
    {
        QSqlQuery q(db);
        if (q.exec(sql) && q.next())
            v = q.value(0);
        else
            qWarning("raw query '%s' failed: %s", qPrintable(sql),
                     qPrintable(q.lastError().text()));
    }
    return v;
}

inline qint64 rawCount(const QString &url, const QString &table, const QString &where = {})
{
    return rawValue(url,
                    QStringLiteral("SELECT COUNT(*) FROM ") + table
                            + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where))
            .toLongLong();
}

// An empty database: a new SQLite file under `dir`, or the PostgreSQL database emptied.
// keepSchema (PostgreSQL only): empty the tables of an already migrated database instead of
// dropping them, which saves the migration on every test function.
inline QString freshUrl(const QString &dir, bool keepSchema = false)
{
    if (usePostgres() && keepSchema) {
        QSqlDatabase db = cachedRaw(pgUrl());
        QStringList tables = db.tables(QSql::Tables);
        if (tables.contains(QStringLiteral("schema_version"))) {
            tables.removeAll(QStringLiteral("schema_version"));
            QStringList deletes;
            for (const QString &t : tables)
                deletes.append(QStringLiteral("DELETE FROM ") + t);  // cheaper than TRUNCATE here
            if (!rawExec(pgUrl(), deletes))
                qWarning("could not empty the PostgreSQL tables");
            return pgUrl();
        }
    }
    if (usePostgres()) {
        const bool ok = rawExec(pgUrl(), {QStringLiteral("SET client_min_messages = warning"),
                                          QStringLiteral("DROP SCHEMA IF EXISTS public CASCADE"),
                                          QStringLiteral("CREATE SCHEMA public")});
        if (!ok)
            qWarning("could not reset the PostgreSQL schema");
        return pgUrl();
    }
    return QStringLiteral("sqlite:") + dir + u'/' + nextName("db-") + QStringLiteral("/orrery.db");
}

}  // namespace StoreTest

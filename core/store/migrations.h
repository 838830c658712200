#pragma once

#include <model/result.h>

#include <QList>
#include <QString>
#include <QStringList>

class QSqlDatabase;

namespace Orrery::Internal {

// One schema step: applied in one transaction together with the schema_version update.
// Every statement is a single SQL statement (QSQLITE runs only the first one per exec())
// written to run unchanged on SQLite and PostgreSQL.
struct Migration
{
    int version = 0;
    QStringList statements;
};

// All migrations, in order, versions 1, 2, 3, ... without gaps. Version 0 = empty database.
const QList<Migration> &migrations();
int latestSchemaVersion();

// The schema version stored in `db` (0 when there is no schema_version table).
Result<int> schemaVersion(QSqlDatabase &db);

// Applies the migrations of `list` newer than the stored version, each in its own transaction.
// Returns the version reached. A database newer than the last of `list` is refused with
// UnsupportedVersion; a failing statement rolls its migration back and gives Storage.
Result<int> migrate(QSqlDatabase &db, const QList<Migration> &list, qint64 nowMs);

}  // namespace Orrery::Internal

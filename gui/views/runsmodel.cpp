#include "runsmodel.h"

#include "viewformat.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

RunsModel::RunsModel(QObject *parent) : JsonRowModel(parent) {}

void RunsModel::setMaximumRows(int rows)
{
    m_maximumRows = qMax(1, rows);
    trim();
}

void RunsModel::upsertRun(const QJsonObject &run)
{
    upsert(run);
    trim();
}

void RunsModel::trim()
{
    while (rowCount() > m_maximumRows) {
        QString oldest;
        qint64 oldestId = 0;
        for (int row = 0; row < rowCount(); ++row) {
            const qint64 id = idValue(object(row).value(u"id"_s));
            if (oldest.isEmpty() || id < oldestId) {
                oldest = object(row).value(u"id"_s).toString();
                oldestId = id;
            }
        }
        remove(oldest);
    }
}

int RunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return tr("Run");
    case Job:
        return tr("Job");
    case State:
        return tr("State");
    case Node:
        return tr("Node");
    case Attempt:
        return tr("Attempt");
    case Trigger:
        return tr("Trigger");
    case Priority:
        return tr("Priority");
    case Created:
        return tr("Created");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Duration");
    case ExitCode:
        return tr("Exit code");
    }
    return QVariant();
}

QVariant RunsModel::cellData(const QJsonObject &run, int column, int role) const
{
    const QString state = run.value(u"state"_s).toString();
    if (role == Qt::DecorationRole && column == State)
        return runStateColor(state);
    if (role == Qt::ToolTipRole && column == State) {
        const QJsonArray attempts = run.value(u"attempts"_s).toArray();
        const QString reason = attempts.isEmpty()
                                       ? QString()
                                       : attempts.last().toObject().value(u"reason"_s).toString();
        return reason.isEmpty() ? QVariant() : QVariant(reason);
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return QVariant();
    const bool sort = role == SortRole;
    switch (column) {
    case Id:
        return sort ? QVariant(idValue(run.value(u"id"_s))) : run.value(u"id"_s).toString();
    case Job:
        return run.value(u"task"_s).toString();
    case State:
        return sort ? QVariant(state) : QVariant(runStateText(state));
    case Node:
        return run.value(u"node"_s).toString();
    case Attempt:
        return run.value(u"attempt"_s).toInt();
    case Trigger:
        return run.value(u"trigger"_s).toString();
    case Priority:
        return run.value(u"priority"_s).toString();
    case Created:
    case Started: {
        const QDateTime at
                = instantValue(run.value(column == Created ? u"created_at"_s : u"started_at"_s));
        return sort ? QVariant(at.isValid() ? at.toMSecsSinceEpoch() : qint64(0))
                    : QVariant(instantText(at));
    }
    case Duration: {
        const qint64 ms = runDurationMs(run, QDateTime::currentDateTimeUtc());
        return sort ? QVariant(ms) : QVariant(durationText(ms));
    }
    case ExitCode: {
        const QJsonValue code = run.value(u"exit_code"_s);
        if (code.isNull() || code.isUndefined())
            return sort ? QVariant(qint64(-1)) : QVariant();
        return code.toInt();
    }
    }
    return QVariant();
}

// ---- RunsFilterModel --------------------------------------------------------------------

RunsFilterModel::RunsFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(JsonRowModel::SortRole);
}

void RunsFilterModel::setState(const QString &state)
{
    m_state = state;
    invalidateFilter();
}

void RunsFilterModel::setJob(const QString &text)
{
    m_job = text.trimmed();
    invalidateFilter();
}

void RunsFilterModel::setNode(const QString &text)
{
    m_node = text.trimmed();
    invalidateFilter();
}

void RunsFilterModel::setCreatedSince(const QDateTime &since)
{
    m_since = since;
    invalidateFilter();
}

bool RunsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QJsonObject run = sourceModel()
                                    ->index(sourceRow, 0, sourceParent)
                                    .data(JsonRowModel::ObjectRole)
                                    .toJsonObject();
    if (!m_state.isEmpty() && run.value(u"state"_s).toString() != m_state)
        return false;
    if (!m_job.isEmpty() && !run.value(u"task"_s).toString().contains(m_job, Qt::CaseInsensitive))
        return false;
    if (!m_node.isEmpty() && !run.value(u"node"_s).toString().contains(m_node, Qt::CaseInsensitive))
        return false;
    if (m_since.isValid() && instantValue(run.value(u"created_at"_s)) < m_since)
        return false;
    return true;
}

}  // namespace Orrery::Gui

#include "jobsmodel.h"

#include "viewformat.h"

#include <QBrush>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

JobsModel::JobsModel(QObject *parent) : JsonRowModel(parent) {}

void JobsModel::resetTasks(const QList<QJsonObject> &tasks)
{
    QList<QJsonObject> rows;
    rows.reserve(tasks.size());
    for (const QJsonObject &task : tasks)
        rows.append(withListedRun(task));
    reset(rows);
}

QJsonObject JobsModel::withListedRun(QJsonObject task)
{
    const QJsonObject last = task.take(u"last_run"_s).toObject();
    task.insert(u"last_run_id"_s, idValue(last.value(u"id"_s)));
    task.insert(u"last_state"_s, last.isEmpty() ? u"idle"_s : last.value(u"state"_s).toString());
    task.insert(u"last_at"_s, last.value(u"at"_s).toString());
    return task;
}

bool JobsModel::applyRun(const QJsonObject &run)
{
    const QString taskId = run.value(u"task_id"_s).toString();
    const qint64 runId = idValue(run.value(u"id"_s));
    const int row = rowOf(taskId);
    if (row < 0 || runId < object(row).value(u"last_run_id"_s).toInteger())
        return false;
    // When it reached its state: its end, else its start, else its creation.
    QJsonValue at = run.value(u"finished_at"_s);
    for (const QString &key : {u"started_at"_s, u"created_at"_s}) {
        if (!at.isString())
            at = run.value(key);
    }
    setLastRun(taskId, runId, run.value(u"state"_s).toString(), at);
    return true;
}

void JobsModel::setLastRun(const QString &taskId, qint64 runId, const QString &state,
                           const QJsonValue &at)
{
    QJsonObject task = object(taskId);
    if (task.isEmpty())
        return;
    task.insert(u"last_run_id"_s, runId);
    task.insert(u"last_state"_s, state);
    task.insert(u"last_at"_s, at.toString());
    upsert(task);
}

QJsonObject JobsModel::merged(const QJsonObject &stored, const QJsonObject &incoming) const
{
    if (incoming.contains(u"last_run"_s))
        return withListedRun(incoming);
    QJsonObject task = incoming;
    for (const QString &key : {u"last_run_id"_s, u"last_state"_s, u"last_at"_s}) {
        if (!task.contains(key) && stored.contains(key))
            task.insert(key, stored.value(key));
    }
    return task;
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case Pipeline:
        return tr("Pipeline");
    case Schedule:
        return tr("Schedule");
    case NextFire:
        return tr("Next fire");
    case LastState:
        return tr("Last state");
    case LastRunAt:
        return tr("Last run");
    case Priority:
        return tr("Priority");
    case Labels:
        return tr("Labels");
    case Enabled:
        return tr("Enabled");
    }
    return QVariant();
}

QVariant JobsModel::cellData(const QJsonObject &task, int column, int role) const
{
    const QString lastState = task.value(u"last_state"_s).toString();
    if (role == Qt::DecorationRole && column == LastState && !lastState.isEmpty())
        return runStateColor(lastState);
    if (role == Qt::ToolTipRole && column == Name) {
        const QString description = task.value(u"description"_s).toString();
        return task.value(u"command"_s).toString()
               + (description.isEmpty() ? QString() : u"\n"_s + description);
    }
    if (role == Qt::ForegroundRole && !task.value(u"enabled"_s).toBool())
        return QBrush(Qt::gray);
    if (role != Qt::DisplayRole && role != SortRole)
        return QVariant();
    const bool sort = role == SortRole;
    switch (column) {
    case Name:
        return task.value(u"name"_s).toString();
    case Pipeline:
        return task.value(u"pipeline"_s).toString();
    case Schedule:
        return task.value(u"schedule"_s).toString();
    case NextFire: {
        const QDateTime at = instantValue(task.value(u"next_fire_time"_s));
        if (sort)
            return at.isValid() ? at.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
        return instantText(at);
    }
    case LastState:
        return sort ? QVariant(lastState) : QVariant(runStateText(lastState));
    case LastRunAt: {
        const QDateTime at = instantValue(task.value(u"last_at"_s));
        if (sort)
            return at.isValid() ? at.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
        return instantText(at);
    }
    case Priority:
        return task.value(u"priority"_s).toString();
    case Labels:
        return labelsText(task.value(u"labels"_s).toObject());
    case Enabled:
        return task.value(u"enabled"_s).toBool() ? tr("yes") : tr("no");
    }
    return QVariant();
}

}  // namespace Orrery::Gui

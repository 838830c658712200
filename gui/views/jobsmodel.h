#pragma once

#include "jsonrowmodel.h"

namespace Orrery::Gui {

// Tasks as in GET /api/v1/tasks and the "job.changed" event, with the state of each task's
// latest run and when it reached it (from the list's "last_run", then "run.changed" events)
// kept in the row as "last_state" ("idle" when it never ran), "last_at" and "last_run_id".
class JobsModel final : public JsonRowModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobsModel)

public:
    enum Column {
        Name,
        Pipeline,
        Schedule,
        NextFire,
        LastState,
        LastRunAt,
        Priority,
        Labels,
        Enabled,
        ColumnCount
    };

    explicit JobsModel(QObject *parent = nullptr);

    // The tasks of GET /api/v1/tasks, each with its "last_run" ({id, state, at} or null). A
    // task upserted later with a "last_run" key takes it too; without one it keeps its own.
    void resetTasks(const QList<QJsonObject> &tasks);
    // A run of one of the tasks changed: its state becomes the task's last state when the run
    // is not older than the one shown. false if no row changed.
    bool applyRun(const QJsonObject &run);

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    QJsonObject merged(const QJsonObject &stored, const QJsonObject &incoming) const override;
    QVariant cellData(const QJsonObject &task, int column, int role) const override;

private:
    void setLastRun(const QString &taskId, qint64 runId, const QString &state,
                    const QJsonValue &at);
    // "last_run" of the tasks list as the row's last_* fields.
    static QJsonObject withListedRun(QJsonObject task);
};

}  // namespace Orrery::Gui

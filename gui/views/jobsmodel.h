#pragma once

#include "jsonrowmodel.h"

namespace Orrery::Gui {

// Tasks as in GET /api/v1/tasks and the "job.changed" event, with the state of each task's
// latest run (from GET /api/v1/tasks/{task}/status and then "run.changed" events) kept in
// the row as "last_state" and "last_run_id".
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
        Priority,
        Labels,
        Enabled,
        ColumnCount
    };

    explicit JobsModel(QObject *parent = nullptr);

    // A run of one of the tasks changed: its state becomes the task's last state when the run
    // is not older than the one shown. false if no row changed.
    bool applyRun(const QJsonObject &run);
    // From GET /api/v1/tasks/{task}/status.
    void applyStatus(const QJsonObject &status);

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    QJsonObject merged(const QJsonObject &stored, const QJsonObject &incoming) const override;
    QVariant cellData(const QJsonObject &task, int column, int role) const override;

private:
    void setLastRun(const QString &taskId, qint64 runId, const QString &state);
};

}  // namespace Orrery::Gui

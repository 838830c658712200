#pragma once

#include "jsonrowmodel.h"

#include <QDateTime>
#include <QSortFilterProxyModel>

namespace Orrery::Gui {

// Runs as in GET /api/v1/runs and the "run.changed" event. Keeps at most maximumRows() runs:
// past that, the oldest (smallest id) goes.
class RunsModel final : public JsonRowModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsModel)

public:
    enum Column {
        Id,
        Job,
        State,
        Node,
        Attempt,
        Trigger,
        Priority,
        Created,
        Started,
        Duration,
        ExitCode,
        ColumnCount
    };

    explicit RunsModel(QObject *parent = nullptr);

    int maximumRows() const { return m_maximumRows; }
    void setMaximumRows(int rows);
    // Adds or updates a run, then drops the oldest runs over maximumRows().
    void upsertRun(const QJsonObject &run);

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    QVariant cellData(const QJsonObject &run, int column, int role) const override;

private:
    void trim();

    int m_maximumRows = 5000;
};

// The Runs view's filters: state, job and node (parts of the name, case-insensitive) and
// runs created since an instant.
class RunsFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsFilterModel)

public:
    explicit RunsFilterModel(QObject *parent = nullptr);

    void setState(const QString &state);  // empty = every state
    void setJob(const QString &text);
    void setNode(const QString &text);
    void setCreatedSince(const QDateTime &since);  // invalid = any time

    QString state() const { return m_state; }
    QString job() const { return m_job; }
    QString node() const { return m_node; }
    QDateTime createdSince() const { return m_since; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_state;
    QString m_job;
    QString m_node;
    QDateTime m_since;
};

}  // namespace Orrery::Gui

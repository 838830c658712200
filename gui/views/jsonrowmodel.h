#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Orrery::Gui {

// A table of the master's JSON objects (tasks, runs, nodes) keyed by their "id": loaded from
// a REST answer, then kept current by events (upsert, remove). Subclasses say what each
// column shows.
class JsonRowModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonRowModel)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,  // the row's id (QString)
        ObjectRole,                 // the row's whole JSON object
        SortRole,                   // what the column sorts by (numbers as numbers)
        HistoryRole,                // QList<double>: recent values for a sparkline
    };

    explicit JsonRowModel(QObject *parent = nullptr);

    // Replaces every row.
    void reset(const QList<QJsonObject> &rows);
    // Adds the object or replaces the row with the same id; returns its row.
    int upsert(const QJsonObject &object);
    void remove(const QString &id);
    void clear() { reset({}); }

    int rowOf(const QString &id) const { return m_index.value(id, -1); }
    QJsonObject object(int row) const;
    QJsonObject object(const QString &id) const { return object(rowOf(id)); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

protected:
    // The row as it is stored when `incoming` replaces `stored` (default: incoming); a model
    // keeps here what only it knows (a task's last state, a node's history).
    virtual QJsonObject merged(const QJsonObject &stored, const QJsonObject &incoming) const;
    // DisplayRole, SortRole, ToolTipRole, DecorationRole, ... of one cell.
    virtual QVariant cellData(const QJsonObject &object, int column, int role) const = 0;
    // Called after a row was added or replaced and before a row is removed.
    virtual void rowStored(const QString &id, const QJsonObject &object);
    virtual void rowRemoved(const QString &id);

private:
    void reindex(int from);

    QList<QJsonObject> m_rows;
    QHash<QString, int> m_index;  // id -> row
};

}  // namespace Orrery::Gui

#pragma once

#include "jsonrowmodel.h"

#include <QHash>
#include <QList>
#include <QStyledItemDelegate>

namespace Orrery::Gui {

// Nodes as in GET /api/v1/nodes and the "node.changed" event, with the last
// historyLength() heartbeats' CPU, free memory and load of each node kept in memory for the
// sparklines (HistoryRole of those columns).
class NodesModel final : public JsonRowModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodesModel)

public:
    enum Column {
        Name,
        Status,
        Labels,
        Cpu,
        Memory,
        Load,
        Running,
        ClockSkew,
        LastSeen,
        Address,
        ColumnCount
    };

    explicit NodesModel(QObject *parent = nullptr);

    int historyLength() const { return m_historyLength; }
    void setHistoryLength(int points);
    // The recorded values of one column (Cpu, Memory, Load) of a node, oldest first.
    QList<double> history(const QString &id, int column) const;

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    QVariant cellData(const QJsonObject &node, int column, int role) const override;
    void rowStored(const QString &id, const QJsonObject &node) override;
    void rowRemoved(const QString &id) override;

private:
    struct History
    {
        QList<double> lastSample;  // cpu, free memory, load, clock skew of the last point
        QList<double> cpu;
        QList<double> freeMemory;
        QList<double> load;
    };

    int m_historyLength = 60;
    QHash<QString, History> m_history;
};

// Paints a cell's HistoryRole values as a small line with the cell's text over it.
class SparklineDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SparklineDelegate)

public:
    // maximum <= 0: scale to the range of the values shown.
    explicit SparklineDelegate(double maximum, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    double m_maximum;
};

}  // namespace Orrery::Gui

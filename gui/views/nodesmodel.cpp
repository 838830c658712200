#include "nodesmodel.h"

#include "viewformat.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

void push(QList<double> &values, double value, int length)
{
    values.append(value);
    while (values.size() > length)
        values.removeFirst();
}
}  // namespace

NodesModel::NodesModel(QObject *parent) : JsonRowModel(parent) {}

void NodesModel::setHistoryLength(int points)
{
    m_historyLength = qMax(2, points);
    for (History &h : m_history) {
        for (QList<double> *values : {&h.cpu, &h.freeMemory, &h.load}) {
            while (values->size() > m_historyLength)
                values->removeFirst();
        }
    }
}

QList<double> NodesModel::history(const QString &id, int column) const
{
    const auto it = m_history.constFind(id);
    if (it == m_history.cend())
        return {};
    switch (column) {
    case Cpu:
        return it->cpu;
    case Memory:
        return it->freeMemory;
    case Load:
        return it->load;
    }
    return {};
}

void NodesModel::rowStored(const QString &id, const QJsonObject &node)
{
    // A point per heartbeat. The master sends the node on connects and disconnects too, with
    // the last heartbeat's figures: a sample equal to the last one is not a new heartbeat.
    const QJsonValue cpu = node.value(u"cpu_percent"_s);
    if (cpu.isNull() || cpu.isUndefined())
        return;
    const QList<double> sample{cpu.toDouble(), node.value(u"free_memory_bytes"_s).toDouble(),
                               node.value(u"load1"_s).toDouble(),
                               node.value(u"clock_skew_ms"_s).toDouble()};
    History &h = m_history[id];
    if (sample == h.lastSample)
        return;
    h.lastSample = sample;
    push(h.cpu, sample.at(0), m_historyLength);
    push(h.freeMemory, sample.at(1), m_historyLength);
    push(h.load, sample.at(2), m_historyLength);
}

void NodesModel::rowRemoved(const QString &id)
{
    m_history.remove(id);
}

int NodesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Node");
    case Status:
        return tr("Status");
    case Labels:
        return tr("Labels");
    case Cpu:
        return tr("CPU");
    case Memory:
        return tr("Free memory");
    case Load:
        return tr("Load");
    case Running:
        return tr("Running");
    case ClockSkew:
        return tr("Clock skew");
    case LastSeen:
        return tr("Last seen");
    case Address:
        return tr("Address");
    }
    return QVariant();
}

QVariant NodesModel::cellData(const QJsonObject &node, int column, int role) const
{
    const bool connected = node.value(u"connected"_s).toBool();
    const QString state = node.value(u"state"_s).toString();
    if (role == HistoryRole)
        return QVariant::fromValue(history(node.value(u"id"_s).toString(), column));
    if (role == Qt::DecorationRole && column == Status)
        return connected ? QColor(0x2e, 0x7d, 0x32) : QColor(Qt::gray);
    if (role == Qt::ToolTipRole && column == Name)
        return tr("Agent %1, up to %2 runs at once")
                .arg(node.value(u"agent_version"_s).toString())
                .arg(node.value(u"max_parallel"_s).toInt());
    if (role != Qt::DisplayRole && role != SortRole)
        return QVariant();
    const bool sort = role == SortRole;
    const auto number = [&node](const QString &key) -> std::optional<double> {
        const QJsonValue v = node.value(key);
        return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
    };
    switch (column) {
    case Name:
        return node.value(u"name"_s).toString();
    case Status: {
        if (sort)
            return connected ? 0 : 1;
        QString text = connected ? tr("online") : tr("offline");
        if (state == u"draining"_s)
            text += u", "_s + tr("draining");
        else if (state == u"drained"_s)
            text += u", "_s + tr("drained");
        else if (state == u"revoked"_s)
            text += u", "_s + tr("revoked");
        return text;
    }
    case Labels:
        return labelsText(node.value(u"labels"_s).toObject());
    case Cpu: {
        const auto v = number(u"cpu_percent"_s);
        if (sort)
            return v.value_or(-1);
        return v ? tr("%1 %").arg(*v, 0, 'f', 0) : QString();
    }
    case Memory: {
        const auto v = number(u"free_memory_bytes"_s);
        if (sort)
            return v.value_or(-1);
        return v ? tr("%1 GiB").arg(*v / kGiB, 0, 'f', 1) : QString();
    }
    case Load: {
        const auto v = number(u"load1"_s);
        if (sort)
            return v.value_or(-1);
        return v ? QString::number(*v, 'f', 2) : QString();
    }
    case Running:
        return node.value(u"running"_s).toInt();
    case ClockSkew: {
        const auto v = number(u"clock_skew_ms"_s);
        if (sort)
            return v ? std::abs(*v) : -1.0;
        return v ? tr("%1 ms").arg(qint64(*v)) : QString();
    }
    case LastSeen: {
        const QDateTime at = instantValue(node.value(u"last_seen_at"_s));
        return sort ? QVariant(at.isValid() ? at.toMSecsSinceEpoch() : qint64(0))
                    : QVariant(instantText(at));
    }
    case Address:
        return node.value(u"address"_s).toString();
    }
    return QVariant();
}

// ---- SparklineDelegate ------------------------------------------------------------------

SparklineDelegate::SparklineDelegate(double maximum, QObject *parent)
    : QStyledItemDelegate(parent), m_maximum(maximum)
{
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const QList<double> values = index.data(JsonRowModel::HistoryRole).value<QList<double>>();
    if (values.size() < 2)
        return;
    // A fixed scale (CPU: 0-100 %), or the range of the values shown, so that the changes
    // of free memory or load are visible; a flat line in the middle when nothing changed.
    double bottom = 0;
    double top = m_maximum;
    if (top <= 0) {
        bottom = *std::min_element(values.cbegin(), values.cend());
        top = *std::max_element(values.cbegin(), values.cend());
        if (top - bottom < 1e-9) {
            bottom -= 1;
            top += 1;
        }
    }
    const QRectF area = QRectF(option.rect).adjusted(2, 3, -2, -3);
    QPainterPath path;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const double x = area.left() + area.width() * double(i) / double(values.size() - 1);
        const double y
                = area.bottom()
                  - area.height() * qBound(0.0, (values.at(i) - bottom) / (top - bottom), 1.0);
        if (i == 0)
            path.moveTo(x, y);
        else
            path.lineTo(x, y);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor line = option.palette.color(QPalette::Highlight);
    line.setAlpha(170);
    painter->setPen(QPen(line, 1.5));
    painter->drawPath(path);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    const QSize size = QStyledItemDelegate::sizeHint(option, index);
    return QSize(qMax(size.width(), 110), qMax(size.height(), 24));
}

}  // namespace Orrery::Gui

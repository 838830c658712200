#include "jsonrowmodel.h"

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Gui {

JsonRowModel::JsonRowModel(QObject *parent) : QAbstractTableModel(parent) {}

void JsonRowModel::reset(const QList<QJsonObject> &rows)
{
    beginResetModel();
    for (auto it = m_index.cbegin(); it != m_index.cend(); ++it)
        rowRemoved(it.key());
    m_rows.clear();
    m_index.clear();
    for (const QJsonObject &object : rows) {
        const QString id = object.value(u"id"_s).toString();
        if (id.isEmpty())
            continue;
        if (const int row = m_index.value(id, -1); row >= 0) {
            m_rows[row] = object;
        } else {
            m_index.insert(id, int(m_rows.size()));
            m_rows.append(object);
        }
    }
    endResetModel();
    for (const QJsonObject &object : std::as_const(m_rows))
        rowStored(object.value(u"id"_s).toString(), object);
}

int JsonRowModel::upsert(const QJsonObject &object)
{
    const QString id = object.value(u"id"_s).toString();
    if (id.isEmpty())
        return -1;
    int row = m_index.value(id, -1);
    if (row >= 0) {
        m_rows[row] = merged(m_rows.at(row), object);
        rowStored(id, m_rows.at(row));
        emit dataChanged(index(row, 0), index(row, columnCount() - 1));
        return row;
    }
    row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_index.insert(id, row);
    m_rows.append(merged(QJsonObject(), object));
    endInsertRows();
    rowStored(id, m_rows.at(row));
    return row;
}

void JsonRowModel::remove(const QString &id)
{
    const int row = m_index.value(id, -1);
    if (row < 0)
        return;
    rowRemoved(id);
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    m_index.remove(id);
    reindex(row);
    endRemoveRows();
}

QJsonObject JsonRowModel::object(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : QJsonObject();
}

int JsonRowModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant JsonRowModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const QJsonObject &object = m_rows.at(index.row());
    if (role == IdRole)
        return object.value(u"id"_s).toString();
    if (role == ObjectRole)
        return object;
    if (role == SortRole) {
        const QVariant sort = cellData(object, index.column(), SortRole);
        return sort.isValid() ? sort : cellData(object, index.column(), Qt::DisplayRole);
    }
    return cellData(object, index.column(), role);
}

QJsonObject JsonRowModel::merged(const QJsonObject &, const QJsonObject &incoming) const
{
    return incoming;
}

void JsonRowModel::rowStored(const QString &, const QJsonObject &) {}

void JsonRowModel::rowRemoved(const QString &) {}

void JsonRowModel::reindex(int from)
{
    for (int row = from; row < m_rows.size(); ++row)
        m_index.insert(m_rows.at(row).value(u"id"_s).toString(), row);
}

}  // namespace Orrery::Gui

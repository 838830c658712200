#include "table.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

Table::Table(QStringList headers) : m_headers(std::move(headers)) {}

void Table::addRow(QStringList cells)
{
    while (cells.size() < m_headers.size())
        cells.append(QString());
    m_rows.append(cells.mid(0, m_headers.size()));
}

static QString cell(const QString &text)
{
    return text.isEmpty() ? u"-"_s : text;
}

QString Table::toString() const
{
    QList<int> widths;
    for (const QString &h : m_headers)
        widths.append(displayWidth(h));
    for (const QStringList &row : m_rows) {
        for (qsizetype c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], displayWidth(cell(row.at(c))));
    }
    QString text;
    const auto printRow = [&](const QStringList &row) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c) {
            const QString value = cell(row.at(c));
            line += value;
            if (c + 1 < row.size())
                line += QString(widths[c] - displayWidth(value) + 2, u' ');
        }
        while (line.endsWith(u' '))
            line.chop(1);
        text += line + u'\n';
    };
    printRow(m_headers);
    for (const QStringList &row : m_rows)
        printRow(row);
    return text;
}

QString formatDetails(const QList<QPair<QString, QString>> &fields)
{
    int width = 0;
    for (const auto &f : fields)
        width = std::max(width, displayWidth(f.first) + 1);
    QString text;
    for (const auto &f : fields) {
        QString line = f.first + u':' + QString(width - displayWidth(f.first) - 1 + 2, u' ')
                       + cell(f.second);
        text += line + u'\n';
    }
    return text;
}

static bool isWide(char32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E)
           || (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF)
           || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF)
           || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF)
           || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60)
           || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F)
           || (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

int displayWidth(QStringView text)
{
    int width = 0;
    for (const char32_t c : text.toUcs4())
        width += isWide(c) ? 2 : 1;
    return width;
}

QString cellText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QString();
    case QJsonValue::Bool:
        return value.toBool() ? u"yes"_s : u"no"_s;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::trunc(d) == d && std::abs(d) < 9.0e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 6);
    }
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &v : value.toArray())
            parts.append(cellText(v));
        return parts.join(u", "_s);
    }
    case QJsonValue::Object: {
        QStringList parts;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            parts.append(it.key() + u'=' + cellText(it.value()));
        return parts.join(u", "_s);
    }
    }
    return QString();
}

QString formatTimestamp(const QJsonValue &value, const QTimeZone &zone)
{
    const QString text = value.toString();
    if (text.isEmpty())
        return QString();
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return text;
    const QDateTime local = time.toTimeZone(zone);
    const int offset = local.offsetFromUtc();
    const int abs = offset < 0 ? -offset : offset;
    return local.toString(u"yyyy-MM-ddTHH:mm:ss"_s) + (offset < 0 ? u'-' : u'+')
           + u"%1:%2"_s.arg(abs / 3600, 2, 10, QChar(u'0'))
                     .arg((abs % 3600) / 60, 2, 10, QChar(u'0'));
}

}  // namespace Orrery::Cli

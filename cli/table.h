#pragma once

#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QTimeZone>

namespace Orrery::Cli {

// A text table for terminals: a header row and rows of cells, each column as wide as its
// widest cell (East Asian wide characters count two columns), columns separated by two spaces,
// no trailing spaces. Empty cells print as "-".
class Table final
{
public:
    explicit Table(QStringList headers);

    // Missing cells are empty; cells beyond the header count are dropped.
    void addRow(QStringList cells);
    qsizetype rowCount() const { return m_rows.size(); }

    // Every line ends with '\n'; the header is printed even without rows.
    QString toString() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};

// "label:  value" lines with the values aligned after the longest label.
QString formatDetails(const QList<QPair<QString, QString>> &fields);

// Columns a string takes on a terminal: 2 for East Asian wide and full-width characters.
int displayWidth(QStringView text);

// A JSON value as a table cell: null → "", bool → "yes"/"no", whole numbers without a
// fraction, arrays joined with ", ", objects as "key=value, ...".
QString cellText(const QJsonValue &value);

// A server timestamp (ISO 8601, UTC) as ISO 8601 in `zone` with its numeric offset
// ("2026-11-26T10:00:00+08:00"); "" for null or empty, the text unchanged if it does not parse.
QString formatTimestamp(const QJsonValue &value,
                        const QTimeZone &zone = QTimeZone::systemTimeZone());

}  // namespace Orrery::Cli

// The text tables and detail lists of orreryctl's online commands.

#include <table.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery::Cli;

class tst_Table : public QObject
{
    Q_OBJECT

private slots:
    void alignsColumns();
    void headerOnlyWithoutRows();
    void missingAndExtraCells();
    void wideCharactersCountTwo();
    void details();
    void cellText_data();
    void cellText();
    void timestamps_data();
    void timestamps();
};

void tst_Table::alignsColumns()
{
    Table table({u"NAME"_s, u"SCHEDULE"_s, u"ENABLED"_s});
    table.addRow({u"data_extract"_s, u"0 2 * * *"_s, u"yes"_s});
    table.addRow({u"load"_s, QString(), u"no"_s});
    QCOMPARE(table.rowCount(), 2);
    QCOMPARE(table.toString(),
             u"NAME          SCHEDULE   ENABLED\n"
             "data_extract  0 2 * * *  yes\n"
             "load          -          no\n"_s);
}

void tst_Table::headerOnlyWithoutRows()
{
    QCOMPARE(Table({u"ID"_s, u"STATE"_s}).toString(), u"ID  STATE\n"_s);
}

void tst_Table::missingAndExtraCells()
{
    Table table({u"A"_s, u"B"_s});
    table.addRow({u"x"_s});
    table.addRow({u"1"_s, u"2"_s, u"dropped"_s});
    QCOMPARE(table.toString(), u"A  B\nx  -\n1  2\n"_s);
}

void tst_Table::wideCharactersCountTwo()
{
    QCOMPARE(displayWidth(u"abc"), 3);
    QCOMPARE(displayWidth(u"数据"), 4);
    QCOMPARE(displayWidth(u"ｆｕｌｌ"), 8);
    Table table({u"NAME"_s, u"X"_s});
    table.addRow({u"数据处理"_s, u"1"_s});
    table.addRow({u"etl"_s, u"2"_s});
    QCOMPARE(table.toString(), u"NAME      X\n数据处理  1\netl       2\n"_s);
}

void tst_Table::details()
{
    QCOMPARE(
            formatDetails({{u"id"_s, u"42"_s}, {u"next fire"_s, QString()}, {u"state"_s, u"ok"_s}}),
            u"id:         42\nnext fire:  -\nstate:      ok\n"_s);
}

void tst_Table::cellText_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("null") << QJsonValue() << QString();
    QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined) << QString();
    QTest::newRow("true") << QJsonValue(true) << u"yes"_s;
    QTest::newRow("false") << QJsonValue(false) << u"no"_s;
    QTest::newRow("whole-number") << QJsonValue(3600.0) << u"3600"_s;
    QTest::newRow("negative") << QJsonValue(-1) << u"-1"_s;
    QTest::newRow("fraction") << QJsonValue(12.5) << u"12.5"_s;
    QTest::newRow("string-id") << QJsonValue(u"7301234567890123456"_s) << u"7301234567890123456"_s;
    QTest::newRow("array") << QJsonValue(QJsonArray{u"a"_s, u"b"_s}) << u"a, b"_s;
    QTest::newRow("object") << QJsonValue(QJsonObject{{u"env"_s, u"prod"_s}, {u"tier"_s, 1}})
                            << u"env=prod, tier=1"_s;
}

void tst_Table::cellText()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    QCOMPARE(Orrery::Cli::cellText(value), expected);
}

void tst_Table::timestamps_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("expected");
    QTest::newRow("utc-to-shanghai")
            << QJsonValue(u"2026-11-26T02:00:00Z"_s) << QByteArray("Asia/Shanghai")
            << u"2026-11-26T10:00:00+08:00"_s;
    QTest::newRow("milliseconds-dropped") << QJsonValue(u"2026-11-26T02:00:00.123Z"_s)
                                          << QByteArray("UTC") << u"2026-11-26T02:00:00+00:00"_s;
    QTest::newRow("negative-offset-dst")
            << QJsonValue(u"2026-07-01T12:00:00Z"_s) << QByteArray("America/New_York")
            << u"2026-07-01T08:00:00-04:00"_s;
    QTest::newRow("null-is-empty") << QJsonValue() << QByteArray("UTC") << QString();
    QTest::newRow("unparsable-kept") << QJsonValue(u"soon"_s) << QByteArray("UTC") << u"soon"_s;
}

void tst_Table::timestamps()
{
    QFETCH(QJsonValue, value);
    QFETCH(QByteArray, zone);
    QFETCH(QString, expected);
    QCOMPARE(formatTimestamp(value, QTimeZone(zone)), expected);
}

QTEST_APPLESS_MAIN(tst_Table)
#include "tst_table.moc"

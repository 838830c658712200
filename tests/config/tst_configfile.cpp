#include "configtestutils.h"

#include <config/configfile.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Config;
using namespace Qt::Literals::StringLiterals;

// (code, line, column) of each expected error, in file order.
struct Located
{
    ErrorCode code;
    int line;
    int column;
    friend bool operator==(const Located &, const Located &) = default;
};
using LocatedList = QList<Located>;

namespace QTest {
template<>
inline char *toString(const Located &l)
{
    return QTest::toString(errorCodeName(l.code) + u' ' + QString::number(l.line) + u':'
                           + QString::number(l.column));
}
}  // namespace QTest

class tst_ConfigFile : public QObject
{
    Q_OBJECT

private slots:
    void detect_data();
    void detect();
    void kindNames();
    void validateSeeds_data();
    void validateSeeds();
    void validateEveryError_data();
    void validateEveryError();
    void validateUndetected_data();
    void validateUndetected();
    void validateMissingFile();
};

void tst_ConfigFile::detect_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("kind");  // -1 = error
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("pipeline") << "name: x\npipeline: []\n"_ba << int(FileKind::Pipeline)
                              << ErrorCode::None << 0 << 0;
    QTest::newRow("template") << "template_name: t\n"_ba << int(FileKind::Template)
                              << ErrorCode::None << 0 << 0;
    QTest::newRow("alert-rules") << "# rules\nalert_rules: []\n"_ba << int(FileKind::AlertRules)
                                 << ErrorCode::None << 0 << 0;
    QTest::newRow("seed-pipeline") << ConfigTest::readData(u"pipeline.yaml"_s)
                                   << int(FileKind::Pipeline) << ErrorCode::None << 0 << 0;
    QTest::newRow("seed-template") << ConfigTest::readData(u"database_backup.yaml"_s)
                                   << int(FileKind::Template) << ErrorCode::None << 0 << 0;
    QTest::newRow("seed-alerts") << ConfigTest::readData(u"alert_rules.yaml"_s)
                                 << int(FileKind::AlertRules) << ErrorCode::None << 0 << 0;
    QTest::newRow("unknown-keys") << "\nfoo: 1\nbar: 2\n"_ba << -1 << ErrorCode::MissingField << 2
                                  << 1;
    QTest::newRow("list") << "- a\n"_ba << -1 << ErrorCode::WrongType << 1 << 1;
    QTest::newRow("empty") << QByteArray() << -1 << ErrorCode::WrongType << 1 << 1;
    QTest::newRow("syntax") << "pipeline: [a\n"_ba << -1 << ErrorCode::Syntax << 2 << 1;
}

void tst_ConfigFile::detect()
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, kind);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    QFETCH(int, column);
    const Result<FileKind> k = detectFileKind(yaml, u"f.yaml"_s);
    QCOMPARE(k.has_value(), kind >= 0);
    if (k) {
        QCOMPARE(int(*k), kind);
        return;
    }
    QCOMPARE(k.error().code, code);
    QCOMPARE(k.error().file, u"f.yaml"_s);
    QCOMPARE(k.error().line, line);
    QCOMPARE(k.error().column, column);
    if (code == ErrorCode::MissingField) {
        QVERIFY(k.error().message.contains(u"pipeline"_s));
        QVERIFY(k.error().message.contains(u"template_name"_s));
        QVERIFY(k.error().message.contains(u"alert_rules"_s));
    }
}

void tst_ConfigFile::kindNames()
{
    QCOMPARE(fileKindName(FileKind::Pipeline), u"pipeline"_s);
    QCOMPARE(fileKindName(FileKind::Template), u"template"_s);
    QCOMPARE(fileKindName(FileKind::AlertRules), u"alert_rules"_s);
}

void tst_ConfigFile::validateSeeds_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("kind");
    QTest::newRow("pipeline") << u"pipeline.yaml"_s << int(FileKind::Pipeline);
    QTest::newRow("full-pipeline") << u"full_pipeline.yaml"_s << int(FileKind::Pipeline);
    QTest::newRow("template") << u"database_backup.yaml"_s << int(FileKind::Template);
    QTest::newRow("alert-rules") << u"alert_rules.yaml"_s << int(FileKind::AlertRules);
}

void tst_ConfigFile::validateSeeds()
{
    QFETCH(QString, file);
    QFETCH(int, kind);
    const ValidationReport report = validateFile(ConfigTest::dataPath(file));
    QCOMPARE(report.errors.size(), 0);
    QVERIFY(report.isValid());
    QVERIFY(report.kind);
    QCOMPARE(int(*report.kind), kind);
}

void tst_ConfigFile::validateEveryError_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("kind");
    QTest::addColumn<LocatedList>("expected");

    QTest::newRow("pipeline") << u"several_problems.yaml"_s << int(FileKind::Pipeline)
                              << LocatedList{{ErrorCode::BadCron, 5, 24},
                                             {ErrorCode::UnknownKey, 6, 5},
                                             {ErrorCode::WrongType, 7, 14},
                                             {ErrorCode::InvalidValue, 9, 15},
                                             {ErrorCode::UnknownDependency, 11, 15},
                                             {ErrorCode::Cycle, 14, 15},
                                             {ErrorCode::MissingField, 18, 5}};
    QTest::newRow("template") << u"several_problems_template.yaml"_s << int(FileKind::Template)
                              << LocatedList{{ErrorCode::WrongType, 6, 14},
                                             {ErrorCode::InvalidValue, 8, 11},
                                             {ErrorCode::UnknownParameter, 10, 12},
                                             {ErrorCode::UnknownParameter, 11, 25},
                                             {ErrorCode::WrongType, 12, 16}};
    QTest::newRow("alert-rules") << u"several_problems_alerts.yaml"_s << int(FileKind::AlertRules)
                                 << LocatedList{{ErrorCode::InvalidValue, 4, 25},
                                                {ErrorCode::InvalidValue, 5, 23},
                                                {ErrorCode::DuplicateName, 6, 11},
                                                {ErrorCode::Syntax, 10, 35},
                                                {ErrorCode::InvalidValue, 12, 15}};
}

void tst_ConfigFile::validateEveryError()
{
    QFETCH(QString, file);
    QFETCH(int, kind);
    QFETCH(LocatedList, expected);
    const QString path = ConfigTest::dataPath(file);
    const ValidationReport report = validateFile(path);
    QVERIFY(report.kind);
    QCOMPARE(int(*report.kind), kind);
    QVERIFY(!report.isValid());
    LocatedList actual;
    for (const Error &e : report.errors) {
        QCOMPARE(e.file, path);
        actual.append({e.code, e.line, e.column});
    }
    QCOMPARE(actual, expected);
}

void tst_ConfigFile::validateUndetected_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("line");
    QTest::newRow("syntax") << "pipeline:\n  - name: a\n    x: {\n"_ba << ErrorCode::Syntax << 4;
    QTest::newRow("not-orrery") << "apiVersion: v1\nkind: Pod\n"_ba << ErrorCode::MissingField << 1;
}

void tst_ConfigFile::validateUndetected()
{
    QFETCH(QByteArray, yaml);
    QFETCH(ErrorCode, code);
    QFETCH(int, line);
    const ValidationReport report = validateData(yaml, u"x.yaml"_s);
    QVERIFY(!report.kind);
    QCOMPARE(report.errors.size(), 1);
    QCOMPARE(report.errors.at(0).code, code);
    QCOMPARE(report.errors.at(0).line, line);
    QCOMPARE(report.errors.at(0).file, u"x.yaml"_s);
}

void tst_ConfigFile::validateMissingFile()
{
    const ValidationReport report = validateFile(u"/nonexistent/p.yaml"_s);
    QVERIFY(!report.kind);
    QCOMPARE(report.errors.size(), 1);
    QCOMPARE(report.errors.at(0).code, ErrorCode::Io);
    QCOMPARE(report.errors.at(0).file, u"/nonexistent/p.yaml"_s);
}

QTEST_APPLESS_MAIN(tst_ConfigFile)
#include "tst_configfile.moc"

#include <dag/condition.h>
#include <dag/dag.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Dag;
using namespace Qt::Literals::StringLiterals;

using Variables = QHash<QString, QString>;

namespace {

const Variables kVariables{
        {u"upstream.data_extract.exit_code"_s, u"0"_s},
        {u"upstream.data_extract.status"_s, u"success"_s},
        {u"upstream.data_extract.rows"_s, u"1500"_s},
        {u"upstream.data_extract.ok"_s, u"true"_s},
        {u"param.region"_s, u"cn"_s},
        {u"param.limit"_s, u"2.5"_s},
};

}  // namespace

class tst_Condition : public QObject
{
    Q_OBJECT

private slots:
    void evaluates_data();
    void evaluates();
    void parseErrors_data();
    void parseErrors();
    void evaluationErrors_data();
    void evaluationErrors();
    void variablesListed();
    void variablesFromResults();
    void outputVariables();
    void outputVariableLimits();
    void readinessUsesCondition();
    void conditionSkipPropagates();
    void validateReferences();
};

void tst_Condition::evaluates_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");
    QTest::newRow("brief-exit-code") << u"${upstream.data_extract.exit_code} == 0"_s << true;
    QTest::newRow("brief-param") << u"${param.region} == \"cn\""_s << true;
    QTest::newRow("single-quotes") << u"${param.region} == 'us'"_s << false;
    QTest::newRow("not-equal") << u"${param.region} != \"cn\""_s << false;
    QTest::newRow("less") << u"${upstream.data_extract.rows} < 2000"_s << true;
    QTest::newRow("greater") << u"${upstream.data_extract.rows} > 1500"_s << false;
    QTest::newRow("less-equal") << u"${upstream.data_extract.rows} <= 1500"_s << true;
    QTest::newRow("greater-equal") << u"${upstream.data_extract.rows} >= 1500.5"_s << false;
    QTest::newRow("decimal") << u"${param.limit} > 2"_s << true;
    QTest::newRow("negative") << u"-1 < ${upstream.data_extract.exit_code}"_s << true;
    QTest::newRow("numeric-equal-forms") << u"${upstream.data_extract.rows} == 1500.0"_s << true;
    QTest::newRow("text-compare-not-numeric") << u"\"1500.0\" == \"1500\""_s << false;
    QTest::newRow("status") << u"${upstream.data_extract.status} == \"success\""_s << true;
    QTest::newRow("and")
            << u"${param.region} == \"cn\" && ${upstream.data_extract.exit_code} == 1"_s << false;
    QTest::newRow("or") << u"${param.region} == \"us\" || ${upstream.data_extract.exit_code} == 0"_s
                        << true;
    QTest::newRow("not") << u"!(${param.region} == \"us\")"_s << true;
    QTest::newRow("double-not") << u"!!true"_s << true;
    QTest::newRow("precedence-and-over-or") << u"true || false && false"_s << true;
    QTest::newRow("parentheses") << u"(true || false) && false"_s << false;
    QTest::newRow("bool-variable") << u"${upstream.data_extract.ok} && true"_s << true;
    QTest::newRow("bool-equals") << u"${upstream.data_extract.ok} == true"_s << true;
    QTest::newRow("short-circuit-and") << u"false && ${no.such.variable}"_s << false;
    QTest::newRow("short-circuit-or") << u"true || ${no.such.variable} == 1"_s << true;
    QTest::newRow("escape") << u"'it\\'s' == \"it's\""_s << true;
}

void tst_Condition::evaluates()
{
    QFETCH(QString, text);
    QFETCH(bool, expected);
    const Result<ConditionExpression> e = ConditionExpression::parse(text);
    QVERIFY2(e, qPrintable(e ? QString() : e.error().toString()));
    const Result<bool> r = e->evaluate(kVariables);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(*r, expected);
}

void tst_Condition::parseErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("column");
    QTest::newRow("empty") << u"  "_s << 1;
    QTest::newRow("single-equals") << u"${a} = 1"_s << 6;
    QTest::newRow("single-amp") << u"true & false"_s << 6;
    QTest::newRow("unclosed-variable") << u"${a == 1"_s << 1;
    QTest::newRow("bad-variable") << u"1 == ${a b}"_s << 8;
    QTest::newRow("unclosed-string") << u"${a} == \"cn"_s << 9;
    QTest::newRow("bare-word") << u"${a} == cn"_s << 9;
    QTest::newRow("missing-operand") << u"${a} == "_s << 9;
    QTest::newRow("missing-paren") << u"(true && false"_s << 15;
    QTest::newRow("extra-paren") << u"true)"_s << 5;
    QTest::newRow("chained") << u"1 < 2 < 3"_s << 7;
    QTest::newRow("dangling-and") << u"true &&"_s << 8;
    QTest::newRow("number-word") << u"12abc == 1"_s << 3;
    QTest::newRow("stray") << u"true # comment"_s << 6;
}

void tst_Condition::parseErrors()
{
    QFETCH(QString, text);
    QFETCH(int, column);
    const Result<ConditionExpression> e = ConditionExpression::parse(text);
    QVERIFY(!e);
    QCOMPARE(e.error().code, ErrorCode::Syntax);
    QCOMPARE(e.error().column, column);
    QCOMPARE(e.error().line, 0);
}

void tst_Condition::evaluationErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("column");
    QTest::newRow("unknown-variable")
            << u"${upstream.data_load.exit_code} == 0"_s << ErrorCode::UnknownParameter << 1;
    QTest::newRow("unknown-right") << u"1 == ${param.zone}"_s << ErrorCode::UnknownParameter << 6;
    QTest::newRow("order-text") << u"${param.region} < 3"_s << ErrorCode::InvalidValue << 17;
    QTest::newRow("not-a-bool") << u"${param.region}"_s << ErrorCode::InvalidValue << 1;
    QTest::newRow("number-as-bool") << u"true && 1"_s << ErrorCode::InvalidValue << 9;
    QTest::newRow("not-number") << u"!5"_s << ErrorCode::InvalidValue << 2;
}

void tst_Condition::evaluationErrors()
{
    QFETCH(QString, text);
    QFETCH(ErrorCode, code);
    QFETCH(int, column);
    const Result<ConditionExpression> e = ConditionExpression::parse(text);
    QVERIFY2(e, qPrintable(e ? QString() : e.error().toString()));
    const Result<bool> r = e->evaluate(kVariables);
    QVERIFY(!r);
    QCOMPARE(r.error().code, code);
    QCOMPARE(r.error().column, column);
}

void tst_Condition::variablesListed()
{
    const auto e = ConditionExpression::parse(
            u"${param.region} == 'cn' && (${upstream.a.exit_code} == 0 || ${param.region} == 'x')"_s);
    QVERIFY(e);
    QCOMPARE(e->variables(), (QStringList{u"param.region"_s, u"upstream.a.exit_code"_s}));
}

void tst_Condition::variablesFromResults()
{
    QHash<QString, UpstreamResult> upstream;
    upstream.insert(u"extract"_s, UpstreamResult{RunState::Failed, 3, {{u"rows"_s, u"12"_s}}});
    const Variables v = conditionVariables({{u"region"_s, u"cn"_s}}, upstream);
    QCOMPARE(v.value(u"param.region"_s), u"cn"_s);
    QCOMPARE(v.value(u"upstream.extract.exit_code"_s), u"3"_s);
    QCOMPARE(v.value(u"upstream.extract.status"_s), u"failed"_s);
    QCOMPARE(v.value(u"upstream.extract.rows"_s), u"12"_s);
    QCOMPARE(v.size(), 4);
}

void tst_Condition::outputVariables()
{
    const QByteArray output
            = "starting\n"
              "::set rows=1500\n"
              "::set path=/data/out file.csv\r\n"
              "  ::set indented=no\n"
              "::set rows=1600\n"
              "::set 9bad=x\n"
              "::set =x\n"
              "::set status=ok\n"
              "::set empty=\n"
              "::set last=no newline";
    const OutputVariables out = parseOutputVariables(output);
    QCOMPARE(out.values.value(u"rows"_s), u"1600"_s);  // the last one wins
    QCOMPARE(out.values.value(u"path"_s), u"/data/out file.csv"_s);
    QCOMPARE(out.values.value(u"empty"_s), QString());
    QVERIFY(out.values.contains(u"empty"_s));
    QCOMPARE(out.values.value(u"last"_s), u"no newline"_s);
    QVERIFY(!out.values.contains(u"indented"_s));
    QCOMPARE(out.values.size(), 4);
    QCOMPARE(out.dropped, 3);  // 9bad, =x, status (reserved)
}

void tst_Condition::outputVariableLimits()
{
    OutputLimits limits;
    limits.maxCount = 2;
    limits.maxNameLength = 5;
    limits.maxValueBytes = 4;
    const QByteArray output
            = "::set a=1234\n"
              "::set b=12345\n"  // value too long
              "::set toolong=1\n"
              "::set c=1\n"
              "::set d=1\n"   // a third name
              "::set a=9\n";  // an existing name is still updated
    const OutputVariables out = parseOutputVariables(output, limits);
    QCOMPARE(out.values, (QMap<QString, QString>{{u"a"_s, u"9"_s}, {u"c"_s, u"1"_s}}));
    QCOMPARE(out.dropped, 3);
    // A large output with many settings stays bounded.
    QByteArray big;
    for (int i = 0; i < 10000; ++i)
        big += "::set v" + QByteArray::number(i) + "=x\n";
    QCOMPARE(parseOutputVariables(big).values.size(), 64);
}

void tst_Condition::readinessUsesCondition()
{
    Job load;
    load.name = u"data_load"_s;
    load.dependencies = {Dependency{u"data_extract"_s, DependencyStatus::Success, {}}};
    load.condition = u"${upstream.data_extract.rows} > 1000"_s;
    const QHash<QString, RunState> states{{u"data_extract"_s, RunState::Success}};
    QCOMPARE(readiness(load, states, kVariables), Readiness::Ready);
    load.condition = u"${upstream.data_extract.rows} > 2000"_s;
    QCOMPARE(readiness(load, states, kVariables), Readiness::Skip);
    // Not evaluated while blocked.
    QCOMPARE(readiness(load, {}, kVariables), Readiness::Blocked);
    // Cannot be evaluated: skipped, and evaluateCondition() says why.
    QCOMPARE(readiness(load, states, {}), Readiness::Skip);
    QCOMPARE(evaluateCondition(load, {}).error().code, ErrorCode::UnknownParameter);
    load.condition.clear();
    QCOMPARE(readiness(load, states, {}), Readiness::Ready);
}

void tst_Condition::conditionSkipPropagates()
{
    Pipeline p;
    Job extract;
    extract.name = u"extract"_s;
    Job transform;
    transform.name = u"transform"_s;
    transform.dependencies = {Dependency{u"extract"_s, DependencyStatus::Success, {}}};
    transform.condition = u"${param.region} == \"us\""_s;
    Job load;
    load.name = u"load"_s;
    load.dependencies = {Dependency{u"transform"_s, DependencyStatus::Success, {}}};
    Job report;
    report.name = u"report"_s;
    report.dependencies = {Dependency{u"transform"_s, DependencyStatus::Finished, {}}};
    p.jobs = {extract, transform, load, report};
    p.parameters = {{u"region"_s, u"cn"_s}};
    const QHash<QString, RunState> states{{u"extract"_s, RunState::Success}};
    const Variables v = conditionVariables(p.parameters, {});
    QCOMPARE(propagateSkips(p, states, v), (QStringList{u"transform"_s, u"load"_s}));
    QCOMPARE(readyJobs(p, states, v), QStringList());
    QHash<QString, RunState> after = states;
    after.insert(u"transform"_s, RunState::Skipped);
    after.insert(u"load"_s, RunState::Skipped);
    QCOMPARE(readyJobs(p, after, v), QStringList{u"report"_s});
    // With region us the condition holds.
    const Variables us = conditionVariables({{u"region"_s, u"us"_s}}, {});
    QCOMPARE(propagateSkips(p, states, us), QStringList());
    QCOMPARE(readyJobs(p, states, us), QStringList{u"transform"_s});
}

void tst_Condition::validateReferences()
{
    Pipeline p;
    Job a;
    a.name = u"a"_s;
    Job b;
    b.name = u"b"_s;
    b.location = SourceLocation{7, 13};
    b.dependencies = {Dependency{u"a"_s, DependencyStatus::Success, {}}};
    b.condition = u"${upstream.a.exit_code} == 0 && ${param.region} == 'cn'"_s;
    Job c;
    c.name = u"c"_s;
    c.condition = u"${upstream.a.rows} > 1 || ${zone} == 1"_s;
    Job d;
    d.name = u"d"_s;
    d.condition = u"(1 =="_s;
    p.jobs = {a, b, c, d};
    QList<Error> errors = validateAll(p);
    QCOMPARE(errors.size(), 4);
    QCOMPARE(errors.at(0).code, ErrorCode::UnknownParameter);  // b: no parameter region
    QCOMPARE(errors.at(0).line, 7);
    QCOMPARE(errors.at(0).column, 13);
    QCOMPARE(errors.at(1).code, ErrorCode::UnknownDependency);  // c does not depend on a
    QCOMPARE(errors.at(2).code, ErrorCode::UnknownParameter);   // ${zone}
    QCOMPARE(errors.at(3).code, ErrorCode::Syntax);             // d
    p.parameters.insert(u"region"_s, u"cn"_s);
    p.jobs.removeLast();
    p.jobs.removeLast();
    QVERIFY(validate(p));
}

QTEST_APPLESS_MAIN(tst_Condition)
#include "tst_condition.moc"

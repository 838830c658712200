#include "configtestutils.h"

#include <config/alertcondition.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Config;
using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config {
inline char *toString(const Condition &c)
{
    return QTest::toString(c.toString());
}
}  // namespace Orrery::Config

class tst_AlertCondition : public QObject
{
    Q_OBJECT

private slots:
    void seedConditions();
    void canonical_data();
    void canonical();
    void effectiveWindow_data();
    void effectiveWindow();
    void errors_data();
    void errors();
    void fieldNames();
};

static Condition comparison(const QString &field, ConditionOperator op, ConditionValue value,
                            std::optional<qint64> window = std::nullopt)
{
    Condition c;
    c.kind = Condition::Kind::Comparison;
    c.field = field;
    c.op = op;
    c.value = value;
    c.windowSecs = window;
    return c;
}

static ConditionValue word(const QString &w)
{
    return ConditionValue{ConditionValue::Type::Word, 0, w};
}

static Condition node(Condition::Kind kind, QList<Condition> children)
{
    Condition c;
    c.kind = kind;
    c.children = std::move(children);
    return c;
}

void tst_AlertCondition::seedConditions()
{
    // The three conditions of the brief's alert_rules, as trees.
    const Result<Condition> critical = parseCondition(u"priority = P0 AND status = failed"_s);
    QVERIFY(critical);
    QCOMPARE(*critical,
             node(Condition::Kind::And,
                  {comparison(u"priority"_s, ConditionOperator::Equal, word(u"P0"_s)),
                   comparison(u"status"_s, ConditionOperator::Equal, word(u"failed"_s))}));
    QCOMPARE(critical->children.at(1).column, 19);

    const Result<Condition> rate = parseCondition(u"failure_rate > 5% in last 1h"_s);
    QVERIFY(rate);
    QCOMPARE(*rate, comparison(u"failure_rate"_s, ConditionOperator::Greater,
                               ConditionValue{ConditionValue::Type::Percent, 5, {}}, 3600));

    const Result<Condition> queue = parseCondition(u"pending_tasks > 100"_s);
    QVERIFY(queue);
    QCOMPARE(*queue, comparison(u"pending_tasks"_s, ConditionOperator::Greater,
                                ConditionValue{ConditionValue::Type::Number, 100, {}}));
}

void tst_AlertCondition::canonical_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("seed-critical")
            << u"priority = P0 AND status = failed"_s << u"priority = P0 AND status = failed"_s;
    QTest::newRow("seed-rate") << u"failure_rate > 5% in last 1h"_s
                               << u"failure_rate > 5% in last 1h"_s;
    QTest::newRow("seed-queue") << u"pending_tasks > 100"_s << u"pending_tasks > 100"_s;
    QTest::newRow("and-binds-tighter") << u"status = failed or priority = P0 and job = x"_s
                                       << u"status = failed OR priority = P0 AND job = x"_s;
    QTest::newRow("parentheses-kept") << u"(status = failed OR status = lost) AND priority = p1"_s
                                      << u"(status = failed OR status = lost) AND priority = P1"_s;
    QTest::newRow("parentheses-dropped") << u"((status = failed))"_s << u"status = failed"_s;
    QTest::newRow("flattened") << u"job = a AND (job = b AND job = c)"_s
                               << u"job = a AND job = b AND job = c"_s;
    QTest::newRow("not") << u"not status = success"_s << u"NOT status = success"_s;
    QTest::newRow("not-group") << u"NOT (status = success OR status = skipped)"_s
                               << u"NOT (status = success OR status = skipped)"_s;
    QTest::newRow("no-spaces") << u"failure_rate>=2.50%  IN LAST 90m"_s
                               << u"failure_rate >= 2.5% in last 1h30m"_s;
    QTest::newRow("keywords-any-case")
            << u"Status = FAILED aNd Priority = p0"_s << u"status = failed AND priority = P0"_s;
    QTest::newRow("duration-seconds") << u"duration > 3600"_s << u"duration > 1h"_s;
    QTest::newRow("clock-skew") << u"clock_skew >= 500s"_s << u"clock_skew >= 8m20s"_s;
    QTest::newRow("quoted-name") << u"job = \"nightly backup\""_s << u"job = \"nightly backup\""_s;
    QTest::newRow("single-quoted-name") << u"pipeline != 'etl'"_s << u"pipeline != etl"_s;
    QTest::newRow("keyword-as-name") << u"job = \"and\""_s << u"job = \"and\""_s;
    QTest::newRow("double-equals") << u"node == db-1.internal"_s << u"node = db-1.internal"_s;
    QTest::newRow("consecutive-window") << u"consecutive_failures >= 3 in last 1d"_s
                                        << u"consecutive_failures >= 3 in last 1d"_s;
    QTest::newRow("node-resources") << u"node_cpu > 90% or node_memory >= 95.5%"_s
                                    << u"node_cpu > 90% OR node_memory >= 95.5%"_s;
    QTest::newRow("running") << u"running_tasks <= 0"_s << u"running_tasks <= 0"_s;
    QTest::newRow("success-rate") << u"success_rate < 99.9%"_s << u"success_rate < 99.9%"_s;
}

void tst_AlertCondition::canonical()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    const Result<Condition> c = parseCondition(text);
    QVERIFY2(c, qPrintable(c ? QString() : c.error().toString()));
    QCOMPARE(c->toString(), canonical);
    const Result<Condition> again = parseCondition(canonical);
    QVERIFY(again);
    QCOMPARE(*again, *c);
}

void tst_AlertCondition::effectiveWindow_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("window");  // -1 = none

    QTest::newRow("rate-default") << u"failure_rate > 5%"_s << Condition::kDefaultRateWindowSecs;
    QTest::newRow("rate-explicit") << u"success_rate < 90% in last 30m"_s << qint64(1800);
    QTest::newRow("consecutive-default") << u"consecutive_failures > 2"_s << qint64(-1);
    QTest::newRow("count") << u"pending_tasks > 100"_s << qint64(-1);
}

void tst_AlertCondition::effectiveWindow()
{
    QFETCH(QString, text);
    QFETCH(qint64, window);
    const Result<Condition> c = parseCondition(text);
    QVERIFY(c);
    QCOMPARE(c->effectiveWindowSecs().value_or(-1), window);
}

void tst_AlertCondition::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("empty") << QString() << ErrorCode::Syntax << 1 << QString();
    QTest::newRow("blank") << u"   "_s << ErrorCode::Syntax << 1 << QString();
    QTest::newRow("unknown-field")
            << u"priorty = P0"_s << ErrorCode::UnknownKey << 1 << u"priority"_s;
    QTest::newRow("unknown-second-field") << u"status = failed AND failur_rate > 5%"_s
                                          << ErrorCode::UnknownKey << 21 << u"failure_rate"_s;
    QTest::newRow("order-on-word")
            << u"priority > P0"_s << ErrorCode::InvalidValue << 10 << QString();
    QTest::newRow("bad-priority") << u"priority = P7"_s << ErrorCode::InvalidValue << 12 << u"P0"_s;
    QTest::newRow("bad-status") << u"status = faild"_s << ErrorCode::InvalidValue << 10
                                << u"failed"_s;
    QTest::newRow("rate-without-percent")
            << u"failure_rate > 5"_s << ErrorCode::InvalidValue << 16 << QString();
    QTest::newRow("rate-over-100")
            << u"failure_rate > 150%"_s << ErrorCode::InvalidValue << 16 << QString();
    QTest::newRow("count-not-number")
            << u"pending_tasks > many"_s << ErrorCode::InvalidValue << 17 << QString();
    QTest::newRow("count-decimal")
            << u"pending_tasks > 1.5"_s << ErrorCode::InvalidValue << 17 << QString();
    QTest::newRow("bad-duration") << u"duration > 10y"_s << ErrorCode::InvalidValue << 14
                                  << QString();
    QTest::newRow("window-not-allowed")
            << u"pending_tasks > 100 in last 1h"_s << ErrorCode::InvalidValue << 21 << QString();
    QTest::newRow("window-bad-duration")
            << u"failure_rate > 5% in last soon"_s << ErrorCode::InvalidValue << 27 << QString();
    QTest::newRow("window-zero") << u"failure_rate > 5% in last 0"_s << ErrorCode::InvalidValue
                                 << 27 << QString();
    QTest::newRow("in-without-last")
            << u"failure_rate > 5% in 1h"_s << ErrorCode::Syntax << 22 << u"last"_s;
    QTest::newRow("window-missing")
            << u"failure_rate > 5% in last"_s << ErrorCode::Syntax << 26 << QString();
    QTest::newRow("dangling-and") << u"status = failed AND"_s << ErrorCode::Syntax << 20
                                  << QString();
    QTest::newRow("double-or") << u"status = failed OR OR job = x"_s << ErrorCode::Syntax << 20
                               << QString();
    QTest::newRow("unclosed-paren")
            << u"(status = failed"_s << ErrorCode::Syntax << 17 << QString();
    QTest::newRow("extra-paren") << u"status = failed)"_s << ErrorCode::Syntax << 16 << QString();
    QTest::newRow("missing-operator") << u"status failed"_s << ErrorCode::Syntax << 8 << QString();
    QTest::newRow("bang") << u"status ! failed"_s << ErrorCode::Syntax << 8 << QString();
    QTest::newRow("missing-value") << u"status = "_s << ErrorCode::Syntax << 10 << QString();
    QTest::newRow("unterminated-quote")
            << u"job = \"nightly"_s << ErrorCode::Syntax << 7 << QString();
    QTest::newRow("missing-and") << u"status = failed priority = P0"_s << ErrorCode::Syntax << 17
                                 << QString();
    QTest::newRow("value-is-keyword") << u"job = or"_s << ErrorCode::Syntax << 7 << QString();
}

void tst_AlertCondition::errors()
{
    QFETCH(QString, text);
    QFETCH(ErrorCode, code);
    QFETCH(int, column);
    QFETCH(QString, mentions);
    const Result<Condition> c = parseCondition(text);
    QVERIFY2(!c, qPrintable(c ? c->toString() : QString()));
    QCOMPARE(c.error().code, code);
    QCOMPARE(c.error().line, 0);
    QCOMPARE(c.error().column, column);
    if (!mentions.isEmpty())
        QVERIFY2(c.error().message.contains(mentions), qPrintable(c.error().toString()));
}

void tst_AlertCondition::fieldNames()
{
    QCOMPARE(conditionFieldNames(),
             (QStringList{u"priority"_s, u"status"_s, u"job"_s, u"pipeline"_s, u"node"_s,
                          u"failure_rate"_s, u"success_rate"_s, u"pending_tasks"_s,
                          u"running_tasks"_s, u"consecutive_failures"_s, u"duration"_s,
                          u"clock_skew"_s, u"node_cpu"_s, u"node_memory"_s}));
}

QTEST_APPLESS_MAIN(tst_AlertCondition)
#include "tst_alertcondition.moc"

#pragma once

#include <model/result.h>

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Orrery::Config {

// Alert conditions (docs/file-formats.md, "Alert rules"):
//
//   expr       := and { OR and }
//   and        := unary { AND unary }
//   unary      := NOT unary | '(' expr ')' | comparison
//   comparison := field op value [ IN LAST duration ]
//   op         := = | == | != | > | >= | < | <=
//
// Keywords are case-insensitive. Fields and their values:
//   priority (P0..P3), status (run state word), job, pipeline, node (word or quoted string):
//       = and != only
//   failure_rate, success_rate, node_cpu, node_memory: percentage "5%" / "2.5%" (0..100)
//   pending_tasks, running_tasks, consecutive_failures: integer >= 0
//   duration, clock_skew: duration ("30m", "90s", plain number = seconds)
// `in last <duration>` is allowed on failure_rate, success_rate and consecutive_failures
// only. Without it the rates are computed over kDefaultRateWindowSecs and
// consecutive_failures counts the latest runs whatever their age.

struct ConditionValue
{
    enum class Type { Number, Percent, Duration, Word };
    Type type = Type::Word;
    double number = 0;  // Number: the count; Percent: 0..100; Duration: seconds
    QString word;       // Word: P0..P3, a run state word, a job/pipeline/node name

    QString toString() const;  // "5%", "1h", "100", "P0", "\"nightly backup\""
    friend bool operator==(const ConditionValue &, const ConditionValue &) = default;
};

enum class ConditionOperator { Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual };
QString conditionOperatorName(ConditionOperator op);  // "=", "!=", ">", ">=", "<", "<="

struct Condition
{
    enum class Kind { And, Or, Not, Comparison };
    static constexpr qint64 kDefaultRateWindowSecs = 3600;

    Kind kind = Kind::Comparison;
    QList<Condition> children;  // And/Or: two or more (nested ones of the same kind are
                                // flattened); Not: exactly one

    // Comparison only.
    QString field;  // lower case, one of conditionFieldNames()
    ConditionOperator op = ConditionOperator::Equal;
    ConditionValue value;
    std::optional<qint64> windowSecs;  // `in last <duration>` as written

    int column = 0;  // 1-based position of the node in the condition text (not part of ==)

    // The window the evaluator uses: windowSecs, or kDefaultRateWindowSecs for the rate
    // fields, or std::nullopt (no time limit).
    std::optional<qint64> effectiveWindowSecs() const;

    // Canonical text: AND / OR / NOT upper case, `in last` lower case, single spaces,
    // parentheses only where needed, values canonical ("1h", "5%", "P0", "failed").
    // parseCondition(c.toString()) == c.
    QString toString() const;

    friend bool operator==(const Condition &a, const Condition &b)
    {
        return a.kind == b.kind && a.children == b.children && a.field == b.field && a.op == b.op
               && a.value == b.value && a.windowSecs == b.windowSecs;
    }
};

// The known fields, in documentation order.
QStringList conditionFieldNames();

// Syntax (bad token, missing value, unbalanced parentheses), UnknownKey (unknown field, with
// "did you mean"), InvalidValue (a value or operator the field does not take, `in last` on a
// field without windows). Error.column is the 1-based position inside `text`, line is 0.
Result<Condition> parseCondition(const QString &text);

}  // namespace Orrery::Config

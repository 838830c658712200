#pragma once

#include <model/job.h>
#include <model/result.h>
#include <model/runstate.h>

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>

namespace Orrery::Dag {

// Condition dependencies (issue 5): a job runs only when its `condition` holds, else it is
// skipped (and the skip propagates like any other, dag.h).
//
//   expr       := or
//   or         := and { '||' and }
//   and        := unary { '&&' unary }
//   unary      := '!' unary | comparison
//   comparison := operand [ ('==' | '!=' | '<' | '>' | '<=' | '>=') operand ]
//   operand    := '(' expr ')' | number | string | 'true' | 'false' | '${' variable '}'
//
// Numbers: 12, -3, 0.5. Strings: "cn" or 'cn' (backslash escapes the quote and itself).
// Variables (see conditionVariables()):
//   ${param.NAME}                  a pipeline parameter
//   ${upstream.JOB.exit_code}      the exit code of the upstream job's last attempt
//   ${upstream.JOB.status}         its final state: success, failed, timed_out, ...
//   ${upstream.JOB.NAME}           an output variable it printed as `::set NAME=value`
// A condition may refer only to jobs the job depends on (they have ended when it is
// evaluated). Values: == and != compare as numbers when both sides are numbers (a number
// literal, or a variable whose value reads as one), otherwise as text; <, >, <=, >= need two
// numbers. !, && and || take true/false (a comparison, a literal, or a variable whose value
// is "true"/"false"); && and || evaluate their right side only when needed.
class ConditionExpression final
{
public:
    ConditionExpression();
    ~ConditionExpression();
    ConditionExpression(const ConditionExpression &);
    ConditionExpression &operator=(const ConditionExpression &);

    // Syntax error with Error.column = 1-based position in `text` (line 0).
    static Result<ConditionExpression> parse(const QString &text);

    const QString &text() const { return m_text; }
    // The variables inside ${}, in order of first use.
    QStringList variables() const;

    // UnknownParameter for a variable not in `variables` ("unknown variable
    // 'upstream.extract.exit_code'"), InvalidValue for a value of the wrong type; both with the
    // column of the variable or operator.
    Result<bool> evaluate(const QHash<QString, QString> &variables) const;

    struct Node;

private:
    QString m_text;
    std::shared_ptr<const Node> m_root;
};

// Parses and evaluates job.condition; true for a job without one.
Result<bool> evaluateCondition(const Job &job, const QHash<QString, QString> &variables);

// What an upstream run left for the conditions of its downstream jobs.
struct UpstreamResult
{
    RunState state = RunState::Success;
    int exitCode = -1;
    QMap<QString, QString> outputs;  // parseOutputVariables() of its output
};

// The variables a condition sees: param.NAME for each parameter, upstream.JOB.exit_code,
// upstream.JOB.status and upstream.JOB.NAME for each output variable.
QHash<QString, QString> conditionVariables(const QMap<QString, QString> &parameters,
                                           const QHash<QString, UpstreamResult> &upstream);

// Output variables: lines `::set name=value` in a job's output (name: letters, digits, '_',
// not starting with a digit; the value is the rest of the line without the line break; the
// last setting of a name wins). Bounded: at most maxCount names, names up to maxNameLength
// characters, values up to maxValueBytes bytes (UTF-8); a line beyond a bound is dropped and
// counted, as are the reserved names exit_code and status.
struct OutputLimits
{
    int maxCount = 64;
    int maxNameLength = 64;
    int maxValueBytes = 4096;
};

struct OutputVariables
{
    QMap<QString, QString> values;
    int dropped = 0;
};

OutputVariables parseOutputVariables(const QByteArray &output, const OutputLimits &limits = {});

}  // namespace Orrery::Dag

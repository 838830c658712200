#pragma once

#include <model/job.h>
#include <model/result.h>

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace Orrery::Config {

// Job templates (docs/file-formats.md, "Job templates").

enum class ParameterType { String, Path, Integer };
QString parameterTypeName(ParameterType type);  // "string" | "path" | "integer"
std::optional<ParameterType> parameterTypeFromName(const QString &name);

struct TemplateParameter
{
    QString name;
    ParameterType type = ParameterType::String;
    bool required = false;  // a required parameter may not have a default
    std::optional<QString> defaultValue;
    QString description;
    SourceLocation location;  // where `name` is defined

    friend bool operator==(const TemplateParameter &a, const TemplateParameter &b)
    {
        return a.name == b.name && a.type == b.type && a.required == b.required
               && a.defaultValue == b.defaultValue && a.description == b.description;
    }
};

struct JobTemplate
{
    QString name;  // template_name
    QString description;
    QList<TemplateParameter> parameters;
    QString fileName;   // for error locations
    QByteArray source;  // the template text as loaded; renderTemplate() reads task_definition
                        // from it again, so errors after substitution point into the file

    // The parameter called `name`, or nullptr.
    const TemplateParameter *parameter(const QString &name) const;
};

// Parses and checks a template: keys, parameter types, defaults against their types, and
// that every ${name} in task_definition names a declared parameter (UnknownParameter at the
// `${`). The task definition itself is checked with the job rules of pipeline files, with
// placeholders standing in for values, where that is possible before rendering.
Result<JobTemplate> parseTemplate(const QByteArray &yaml, const QString &fileName);
Result<JobTemplate> loadTemplate(const QString &path);

// Substitutes `values` (plus the parameters' defaults) for ${name} in every string of the
// task definition and reads the result as a job. `$${x}` is written as a literal `${x}`;
// any other `$` (shell syntax such as $(date +%Y%m%d), $VAR, $((1+1))) is left untouched.
// Errors: UnknownParameter for a value whose parameter is not declared, MissingParameter for
// a required parameter without a value, WrongType for a value that does not fit the
// parameter's type (integer; path must not be empty), and any job error of the rendered
// definition (located in the template file). The job's name defaults to the template name.
Result<Job> renderTemplate(const JobTemplate &jobTemplate, const QMap<QString, QString> &values);

// The job as a YAML map, in the same canonical key order and form as in pipeline files.
QByteArray writeJob(const Job &job);

}  // namespace Orrery::Config

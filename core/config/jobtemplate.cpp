#include "jobtemplate.h"

#include "jobyaml.h"
#include "readers.h"
#include "substitution.h"
#include "yamlreader.h"
#include "yamlwriter.h"

#include <QRegularExpression>

#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config {

QString parameterTypeName(ParameterType type)
{
    switch (type) {
    case ParameterType::String:
        return u"string"_s;
    case ParameterType::Path:
        return u"path"_s;
    case ParameterType::Integer:
        return u"integer"_s;
    }
    return {};
}

std::optional<ParameterType> parameterTypeFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    for (ParameterType t : {ParameterType::String, ParameterType::Path, ParameterType::Integer}) {
        if (parameterTypeName(t) == n)
            return t;
    }
    return std::nullopt;
}

const TemplateParameter *JobTemplate::parameter(const QString &parameterName) const
{
    for (const TemplateParameter &p : parameters) {
        if (p.name == parameterName)
            return &p;
    }
    return nullptr;
}

namespace Internal {

namespace {

// Where the placeholder is in the file: the n-th occurrence of its text from the scalar on.
SourceLocation placeholderLocation(const Reader &reader, const YAML::Node &node,
                                   const QString &text, const Placeholder &p)
{
    const QString token = u"${"_s + p.name + u'}';
    const qsizetype before = QStringView(text).left(p.offset).count(token);
    const QByteArray &source = reader.document().source();
    const QByteArray needle = token.toUtf8();
    qsizetype pos = node.Mark().pos;
    for (qsizetype n = 0; n <= before && pos >= 0; ++n) {
        pos = source.indexOf(needle, n == 0 ? pos : pos + 1);
    }
    if (pos < 0)
        return reader.location(node);
    return reader.document().locationAt(pos);
}

// Reports every ${name} in the scalars (keys and values) under `node` that is not declared.
// The depth bound stops at recursive aliases (`&a {b: *a}`).
void checkPlaceholders(Reader &reader, const YAML::Node &node, const QStringList &declared,
                       int depth = 0)
{
    if (depth > 64)
        return;
    if (node.IsScalar()) {
        const QString text = QString::fromStdString(node.Scalar());
        QList<Placeholder> found;
        substitute(text, {}, &found);
        for (const Placeholder &p : found) {
            if (declared.contains(p.name))
                continue;
            reader.report(ErrorCode::UnknownParameter,
                          Tr::tr("'${%1}' is not a parameter of this template%2 (write '$${%1}' "
                                 "for a literal '${%1}')")
                                  .arg(p.name, didYouMean(p.name, declared)),
                          placeholderLocation(reader, node, text, p));
        }
    } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            checkPlaceholders(reader, it->first, declared, depth + 1);
            checkPlaceholders(reader, it->second, declared, depth + 1);
        }
    } else if (node.IsSequence()) {
        for (const YAML::Node &item : node)
            checkPlaceholders(reader, item, declared, depth + 1);
    }
}

// Whether `value` fits the parameter's type; an error message when it does not.
QString typeProblem(ParameterType type, const QString &value)
{
    static const QRegularExpression integer(u"^[+-]?[0-9]+$"_s);
    switch (type) {
    case ParameterType::String:
        return {};
    case ParameterType::Path:
        if (value.trimmed().isEmpty())
            return Tr::tr("a path must not be empty");
        if (value.contains(u'\n') || value.contains(QChar(0)))
            return Tr::tr("a path must be a single line");
        return {};
    case ParameterType::Integer: {
        bool ok = false;
        if (integer.match(value.trimmed()).hasMatch())
            value.trimmed().toLongLong(&ok);
        return ok ? QString() : Tr::tr("'%1' is not an integer").arg(value);
    }
    }
    return {};
}

std::optional<TemplateParameter> readParameter(Reader &reader, const YAML::Node &node)
{
    const SourceLocation where = reader.location(node);
    const auto entries = reader.mapEntries(
            node, where, Tr::tr("a template parameter"),
            {u"name"_s, u"type"_s, u"required"_s, u"default"_s, u"description"_s});
    if (!entries)
        return std::nullopt;
    TemplateParameter p;
    p.location = where;
    bool hasName = false;
    bool ok = true;  // a usable name
    const Reader::Entry *defaultEntry = nullptr;
    for (const Reader::Entry &e : *entries) {
        if (e.key == u"name"_s) {
            hasName = true;
            const auto name = reader.string(e, false, true);
            if (!name) {
                ok = false;
            } else if (!identifier().match(name->trimmed()).hasMatch()) {
                reader.report(ErrorCode::InvalidValue,
                              Tr::tr("a parameter name is a word of letters, digits and '_' "
                                     "not starting with a digit, not '%1'")
                                      .arg(*name),
                              e.valueLocation);
                ok = false;
            } else {
                p.name = name->trimmed();
                p.location = e.valueLocation;
            }
        } else if (e.key == u"type"_s) {
            // On error the parameter stays declared (as a string), so that its uses in the
            // task definition are not reported as unknown too.
            if (const auto w = reader.word(e, {u"string"_s, u"path"_s, u"integer"_s}))
                p.type = *parameterTypeFromName(*w);
        } else if (e.key == u"required"_s) {
            p.required = reader.boolean(e).value_or(false);
        } else if (e.key == u"default"_s) {
            defaultEntry = &e;
            if (const auto v = reader.string(e))
                p.defaultValue = *v;
        } else if (e.key == u"description"_s) {
            p.description = reader.string(e).value_or(QString());
        }
    }
    if (!hasName) {
        reader.reportMissing(node, u"name"_s, Tr::tr("a template parameter needs a 'name'"), where);
        return std::nullopt;
    }
    if (defaultEntry && p.defaultValue) {
        if (p.required) {
            reader.report(ErrorCode::InvalidValue,
                          Tr::tr("parameter '%1' is required and has a default; a default makes "
                                 "it optional, so remove 'required: true' or the default")
                                  .arg(p.name),
                          defaultEntry->keyLocation);
        } else if (const QString problem = typeProblem(p.type, *p.defaultValue);
                   !problem.isEmpty()) {
            reader.report(ErrorCode::WrongType,
                          Tr::tr("the default of parameter '%1' (%2) does not fit: %3")
                                  .arg(p.name, parameterTypeName(p.type), problem),
                          defaultEntry->valueLocation);
        }
    }
    if (!ok)
        return std::nullopt;
    return p;
}

YAML::Node findKey(const YAML::Node &map, const char *key)
{
    if (!map.IsMap())
        return {};
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == key)
            return it->second;
    }
    return {};
}

}  // namespace

std::optional<JobTemplate> readTemplate(Reader &reader)
{
    const YAML::Node &root = reader.document().root();
    const auto entries = reader.mapEntries(
            root, SourceLocation{1, 1}, Tr::tr("a template file"),
            {u"template_name"_s, u"description"_s, u"parameters"_s, u"task_definition"_s});
    if (!entries)
        return std::nullopt;

    JobTemplate t;
    t.fileName = reader.document().fileName();
    t.source = reader.document().source();
    bool hasName = false;
    const Reader::Entry *definition = nullptr;
    for (const Reader::Entry &e : *entries) {
        if (e.key == u"template_name"_s) {
            hasName = true;
            if (const auto name = reader.string(e, false, true))
                t.name = name->trimmed();
        } else if (e.key == u"description"_s) {
            t.description = reader.string(e).value_or(QString());
        } else if (e.key == u"parameters"_s) {
            const auto items = reader.sequence(e);
            for (const YAML::Node &item : items.value_or(QList<YAML::Node>())) {
                auto p = readParameter(reader, item);
                if (!p)
                    continue;
                if (t.parameter(p->name)) {
                    reader.report(ErrorCode::DuplicateName,
                                  Tr::tr("parameter '%1' is declared twice").arg(p->name),
                                  p->location);
                    continue;
                }
                t.parameters.append(std::move(*p));
            }
        } else if (e.key == u"task_definition"_s) {
            definition = &e;
        }
    }
    if (!hasName)
        reader.reportMissing(root, u"template_name"_s, Tr::tr("a template needs a 'template_name'"),
                             reader.location(root));
    if (!definition) {
        reader.reportMissing(root, u"task_definition"_s,
                             Tr::tr("a template needs a 'task_definition' (the job it creates)"),
                             reader.location(root));
        return t;
    }

    QStringList declared;
    for (const TemplateParameter &p : t.parameters)
        declared.append(p.name);
    checkPlaceholders(reader, definition->value, declared);

    // Check the job rules now where no placeholder is involved; the rest at render time.
    reader.setTransform([](const QString &text, const YAML::Node &) {
        QList<Placeholder> found;
        const QString out = substitute(text, {}, &found);
        return ScalarText{out, !found.isEmpty(), out != text};
    });
    readJob(reader, definition->value, definition->valueLocation,
            JobContext{QString(), t.name.isEmpty() ? u"template"_s : t.name});
    reader.setTransform({});
    return t;
}

}  // namespace Internal

using namespace Internal;

Result<JobTemplate> parseTemplate(const QByteArray &yaml, const QString &fileName)
{
    const Result<Document> doc = Document::parse(yaml, fileName);
    if (!doc)
        return doc.error();
    Reader reader(*doc);
    return firstErrorOr(reader, readTemplate(reader));
}

Result<JobTemplate> loadTemplate(const QString &path)
{
    const Result<QByteArray> bytes = readFileBytes(path);
    if (!bytes)
        return bytes.error();
    return parseTemplate(*bytes, path);
}

Result<Job> renderTemplate(const JobTemplate &t, const QMap<QString, QString> &values)
{
    const auto paramError
            = [&t](ErrorCode code, const QString &message, const TemplateParameter *p) {
                  return Error{code, message, t.fileName, p ? p->location.line : 0,
                               p ? p->location.column : 0};
              };
    QStringList declared;
    for (const TemplateParameter &p : t.parameters)
        declared.append(p.name);
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!t.parameter(it.key()))
            return paramError(
                    ErrorCode::UnknownParameter,
                    Tr::tr("template '%1' has no parameter '%2'%3; its parameters: %4")
                            .arg(t.name, it.key(), didYouMean(it.key(), declared),
                                 declared.isEmpty() ? Tr::tr("none") : quotedList(declared)),
                    nullptr);
    }
    QMap<QString, QString> effective;
    for (const TemplateParameter &p : t.parameters) {
        if (values.contains(p.name)) {
            const QString value = values.value(p.name);
            if (const QString problem = typeProblem(p.type, value); !problem.isEmpty())
                return paramError(ErrorCode::WrongType,
                                  Tr::tr("parameter '%1' is of type %2: %3")
                                          .arg(p.name, parameterTypeName(p.type), problem),
                                  &p);
            effective.insert(p.name, value);
        } else if (p.defaultValue) {
            effective.insert(p.name, *p.defaultValue);
        } else if (p.required) {
            return paramError(ErrorCode::MissingParameter,
                              Tr::tr("template '%1' needs a value for parameter '%2' (%3)")
                                      .arg(t.name, p.name, parameterTypeName(p.type)),
                              &p);
        } else {
            effective.insert(p.name, QString());  // optional without default: empty
        }
    }

    const Result<Document> doc = Document::parse(t.source, t.fileName);
    if (!doc)
        return doc.error();
    Reader reader(*doc);
    const YAML::Node definition = findKey(doc->root(), "task_definition");
    if (!definition.IsDefined())
        return Error{ErrorCode::MissingField,
                     Tr::tr("a template needs a 'task_definition' (the job it creates)"),
                     t.fileName, 1, 1};
    checkPlaceholders(reader, definition, declared);
    reader.setTransform([&effective](const QString &text, const YAML::Node &) {
        const QString out = substitute(
                text,
                [&effective](const QString &name) -> std::optional<QString> {
                    if (effective.contains(name))
                        return effective.value(name);
                    return std::nullopt;
                },
                nullptr);
        return ScalarText{out, false, out != text};
    });
    std::optional<Job> job = readJob(reader, definition, reader.location(definition),
                                     JobContext{QString(), t.name});
    return firstErrorOr(reader, std::move(job));
}

QByteArray writeJob(const Job &job)
{
    YamlWriter w;
    writeJobFields(w, job, 0);
    return w.data();
}

}  // namespace Orrery::Config

#include "configfile.h"

#include "readers.h"
#include "yamlreader.h"

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config {

using namespace Internal;

QString fileKindName(FileKind kind)
{
    switch (kind) {
    case FileKind::Pipeline:
        return u"pipeline"_s;
    case FileKind::Template:
        return u"template"_s;
    case FileKind::AlertRules:
        return u"alert_rules"_s;
    }
    return {};
}

static Result<FileKind> detectKind(const Document &doc)
{
    const YAML::Node &root = doc.root();
    if (!root.IsMap())
        return Error{ErrorCode::WrongType,
                     Tr::tr("expected a map with 'pipeline', 'template_name' or 'alert_rules' "
                            "at the top, not %1")
                             .arg(Reader::typeName(root)),
                     doc.fileName(), 1, 1};
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!it->first.IsScalar())
            continue;
        const std::string &key = it->first.Scalar();
        if (key == "pipeline")
            return FileKind::Pipeline;
        if (key == "template_name")
            return FileKind::Template;
        if (key == "alert_rules")
            return FileKind::AlertRules;
    }
    const SourceLocation at = doc.locationOf(root.Mark());
    return Error{ErrorCode::MissingField,
                 Tr::tr("not an Orrery file: expected a top-level key 'pipeline' (pipeline), "
                        "'template_name' (job template) or 'alert_rules' (alert rules)"),
                 doc.fileName(), at.line > 0 ? at.line : 1, at.column > 0 ? at.column : 1};
}

Result<FileKind> detectFileKind(const QByteArray &yaml, const QString &fileName)
{
    const Result<Document> doc = Document::parse(yaml, fileName);
    if (!doc)
        return doc.error();
    return detectKind(*doc);
}

ValidationReport validateData(const QByteArray &yaml, const QString &fileName)
{
    ValidationReport report;
    const Result<Document> doc = Document::parse(yaml, fileName);
    if (!doc) {
        report.errors.append(doc.error());
        return report;
    }
    const Result<FileKind> kind = detectKind(*doc);
    if (!kind) {
        report.errors.append(kind.error());
        return report;
    }
    report.kind = *kind;
    Reader reader(*doc);
    switch (*kind) {
    case FileKind::Pipeline:
        (void)readPipeline(reader);
        break;
    case FileKind::Template:
        (void)readTemplate(reader);
        break;
    case FileKind::AlertRules:
        (void)readAlertRules(reader);
        break;
    }
    report.errors = reader.sortedErrors();
    return report;
}

ValidationReport validateFile(const QString &path)
{
    const Result<QByteArray> bytes = readFileBytes(path);
    if (!bytes) {
        ValidationReport report;
        report.errors.append(bytes.error());
        return report;
    }
    return validateData(*bytes, path);
}

}  // namespace Orrery::Config

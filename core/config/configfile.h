#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace Orrery::Config {

enum class FileKind { Pipeline, Template, AlertRules };
QString fileKindName(FileKind kind);  // "pipeline" | "template" | "alert_rules"

// By the top-level key: `pipeline` -> Pipeline, `template_name` -> Template, `alert_rules` ->
// AlertRules. Syntax error for broken YAML, WrongType when the document is not a map,
// MissingField (naming the expected keys) when none of them is present.
Result<FileKind> detectFileKind(const QByteArray &yaml, const QString &fileName);

struct ValidationReport
{
    std::optional<FileKind> kind;  // unset when it could not be detected
    QList<Error> errors;           // every problem found, in file order; empty = valid

    bool isValid() const { return errors.isEmpty(); }
};

// Detects the kind and checks the whole file, collecting ALL errors (not only the first),
// each with file, line and column set (an unreadable file gives one Io error).
ValidationReport validateFile(const QString &path);
// The same for text already in memory; `fileName` is used in the errors.
ValidationReport validateData(const QByteArray &yaml, const QString &fileName);

}  // namespace Orrery::Config

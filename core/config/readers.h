#pragma once

// Internal to Orrery::Config: whole-file readers that report every problem to a Reader.
// The public parse functions return the first error; validateFile() returns them all.

#include "alertrules.h"
#include "jobtemplate.h"
#include "yamlreader.h"

#include <model/pipeline.h>

#include <optional>

namespace Orrery::Config::Internal {

std::optional<Pipeline> readPipeline(Reader &reader);
std::optional<JobTemplate> readTemplate(Reader &reader);
QList<AlertRule> readAlertRules(Reader &reader);

// The first error in file order, or the value.
template<typename T>
Result<T> firstErrorOr(const Reader &reader, std::optional<T> value)
{
    if (reader.hasErrors())
        return reader.sortedErrors().first();
    if (!value)
        return Error{ErrorCode::Syntax, Tr::tr("the file could not be read"),
                     reader.document().fileName(), 0, 0};
    return std::move(*value);
}

// Reads a whole file; an Io error names the file.
Result<QByteArray> readFileBytes(const QString &path);

}  // namespace Orrery::Config::Internal

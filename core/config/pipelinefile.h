#pragma once

#include <model/pipeline.h>
#include <model/result.h>

#include <QByteArray>
#include <QString>

namespace Orrery::Config {

// Pipeline files (docs/file-formats.md, "Pipeline files").
//
// parsePipeline() reads a pipeline from YAML text. `fileName` is used for error locations and
// for the default pipeline name (the file's base name without its last extension). Every
// error is located (Error.file/line/column); the first problem found is returned. The DAG is
// checked as well (Orrery::Dag::validateAll), so a returned pipeline is ready to schedule.
// Use validateFile() (configfile.h) to get every problem of a file at once.
Result<Pipeline> parsePipeline(const QByteArray &yaml, const QString &fileName);

// Reads `path` and parses it; an Io error when the file cannot be read.
Result<Pipeline> loadPipeline(const QString &path);

// The pipeline as YAML in the canonical form: keys in a fixed order, fields equal to their
// defaults left out, cron strings double-quoted, multi-line commands as literal blocks.
// parsePipeline(writePipeline(p)) == p for every valid pipeline.
QByteArray writePipeline(const Pipeline &pipeline);

// Pipeline parameters: ${name} in `text` replaced by values[name]; a name without a value
// stays as written (so shell's ${HOME} is left alone) and `$${x}` is written `${x}` - the
// substitution of job templates. The values of a run are the pipeline's `parameters` (the
// defaults) overridden by those given when the run is started.
QString substituteParameters(const QString &text, const QMap<QString, QString> &values);
// The job with substituteParameters() applied to its command, check, working directory and
// environment values. For pipelines that declare `parameters` only: elsewhere `$${` stays as
// written.
Job applyParameters(Job job, const QMap<QString, QString> &values);

// writePipeline() to `path` through QSaveFile (the old file stays intact on failure).
Result<void> savePipeline(const Pipeline &pipeline, const QString &path);

}  // namespace Orrery::Config

#pragma once

#include <model/job.h>
#include <model/pipeline.h>
#include <model/result.h>

#include <QByteArray>
#include <QMap>
#include <QString>

namespace Orrery::Internal {

// The `definition` column of `jobs`: every Job field except id, name, enabled and location
// (those have their own columns or are not stored), as compact JSON.
QByteArray jobToJson(const Job &job);
// Fills the fields jobToJson wrote; a missing key keeps the Job default, so an older row
// without a newer field still reads.
Result<Job> jobFromJson(const QByteArray &json);

// The `definition` column of `pipelines`: the pipeline file's own fields (description,
// schedule, time_zone, parameters, lock capacities); not its name, id or jobs.
QByteArray pipelineToJson(const Pipeline &pipeline);
Result<Pipeline> pipelineFromJson(const QByteArray &json);

QByteArray labelsToJson(const QMap<QString, QString> &labels);
QMap<QString, QString> labelsFromJson(const QByteArray &json);

}  // namespace Orrery::Internal

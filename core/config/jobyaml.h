#pragma once

// Internal to Orrery::Config: the job map shared by pipeline files and templates.

#include "yamlreader.h"
#include "yamlwriter.h"

#include <model/job.h>

#include <QString>
#include <QStringList>

#include <optional>

namespace Orrery::Config::Internal {

// The job keys in canonical order (the writer's order).
const QStringList &jobKeys();

struct JobContext
{
    QString inheritedTimeZone;  // the pipeline's zone, for cron checks of jobs without one
    QString defaultName;        // used when `name` is absent (templates); empty = required
};

// Reads a job map, reporting every problem to the reader. Returns nullopt when the node is
// not a map or the job has no usable name; otherwise the job (possibly with errors reported).
std::optional<Job> readJob(Reader &reader, const YAML::Node &node, const SourceLocation &where,
                           const JobContext &context);

// A map of free-form string keys to string values: labels (any non-empty key), environment
// variables and parameters (keys must be identifiers).
enum class MapKeys { Labels, EnvironmentNames, ParameterNames };
QMap<QString, QString> readStringMap(Reader &reader, const Reader::Entry &entry, MapKeys keys);

// Checks a cron text in a zone, reporting errors located inside the scalar.
void checkSchedule(Reader &reader, const Reader::Entry &entry, const QString &cron,
                   const QString &timeZone);
// Checks a zone name; false (reported) when unknown.
bool checkTimeZone(Reader &reader, const Reader::Entry &entry, const QString &zone);

// Writes the job's keys at `indent` (after writer.beginItem() for a list item).
void writeJobFields(YamlWriter &writer, const Job &job, int indent);

}  // namespace Orrery::Config::Internal

#pragma once

#include "job.h"

namespace Orrery {

// A pipeline (DAG): jobs plus the dependency edges they declare.
struct Pipeline
{
    PipelineId id;
    QString name;
    QString description;
    QString schedule;  // pipeline-level schedule; empty = the jobs' own schedules
    QString timeZone;
    QMap<QString, QString> parameters;  // pipeline parameters and their defaults (${name})
    QMap<QString, int> lockCapacities;  // ResourceLock::key() -> capacity (absent = 1)
    QList<Job> jobs;

    // Index of the job called `name`, or -1.
    int indexOf(const QString &jobName) const;
    const Job *job(const QString &jobName) const;
    Job *job(const QString &jobName);

    friend bool operator==(const Pipeline &a, const Pipeline &b) = default;
};

} // namespace Orrery

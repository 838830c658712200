#pragma once

#include <model/pipeline.h>
#include <model/result.h>

#include <QHash>
#include <QList>
#include <QStringList>

namespace Orrery::Dag {

// Every problem of the pipeline's graph, in file order: DuplicateName, SelfDependency,
// UnknownDependency, Cycle (message spells the whole path "a -> b -> c -> a"). Each error
// carries the line/column of the job or dependency that causes it (from SourceLocation).
QList<Error> validateAll(const Pipeline &pipeline);

// The first of validateAll(), or ok.
Result<void> validate(const Pipeline &pipeline);

// Job names so that every job comes after all of its upstream jobs; among jobs that could go
// next, the one defined first in the file goes first. Error as validate() when not a DAG.
Result<QStringList> topologicalOrder(const Pipeline &pipeline);

// Whether the edge upstream -> downstream (downstream depends on upstream) may be added:
// Cycle error spelling the cycle it would close ("extract -> load -> extract"),
// SelfDependency, UnknownDependency for a job not in the pipeline, DuplicateName when the
// edge already exists.
Result<void> canAddEdge(const Pipeline &pipeline, const QString &upstream, const QString &downstream);

enum class Readiness {
    Blocked, // some upstream job has not reached a final state yet
    Ready,   // every dependency is satisfied
    Skip,    // some dependency can no longer be satisfied: the job is skipped
};

// Whether `job` may start, given the current state of each upstream run (by job name; an
// upstream with no entry has not run yet and counts as Blocked). Satisfied by:
//   success  -> success
//   failed   -> failed, timed_out, lost
//   finished -> any final state (success, failed, timed_out, cancelled, lost, skipped)
// A final upstream state that does not satisfy the dependency makes the job Skip.
Readiness readiness(const Job &job, const QHash<QString, RunState> &states);

// Given the states of a pipeline run so far, the jobs (in topological order) that are now
// Skip, including those skipped only because an upstream job is skipped by this very call
// (skips propagate). Jobs that already have a state are not returned.
QStringList propagateSkips(const Pipeline &pipeline, const QHash<QString, RunState> &states);

// The jobs that are Ready now and have no state yet, in topological order.
QStringList readyJobs(const Pipeline &pipeline, const QHash<QString, RunState> &states);

} // namespace Orrery::Dag

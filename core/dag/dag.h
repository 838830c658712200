#pragma once

#include <model/pipeline.h>
#include <model/result.h>

#include <QHash>
#include <QList>
#include <QStringList>

#include <functional>
#include <vector>

namespace Orrery::Dag {

// Every problem of the pipeline's graph, in file order: DuplicateName, SelfDependency,
// UnknownDependency, Cycle (message spells the whole path "a -> b -> c -> a"). Each error
// carries the line/column of the job or dependency that causes it (from SourceLocation).
//
// "File order" is the order of pipeline.jobs and, inside a job, of its dependencies; a job's
// own error comes before those of its dependencies.
//   DuplicateName      at a later job of an already used name (the message names the line of
//                      the first); also at a dependency listed twice in one job. Only the first
//                      job of a name takes part in the graph.
//   SelfDependency     at the dependency.
//   UnknownDependency  at the dependency; "(did you mean 'x'?)" for the closest other job name
//                      by Orrery::closestMatch() (model/spelling.h: at most two edits, case
//                      ignored, and no more than a third of the longer name); ties go to the
//                      job defined first.
//   Cycle              at the dependency that closes the cycle. The path follows the edges in
//                      the direction of execution, upstream -> downstream ("a -> b" = b depends
//                      on a), starting and ending at the job of the cycle defined first in the
//                      file: "a -> b -> c -> a" is reported at a's dependency on c. The path is
//                      the shortest cycle through that job. Every strongly connected component
//                      yields at least one cycle; further cycles of a component are reported
//                      only when they share no edge with the cycles reported before, so each
//                      Cycle error needs its own fix. Self and unknown dependencies are not
//                      part of the cycle search. Linear in jobs + edges per reported cycle.
//   Syntax             at the job, for a `condition` that does not parse (condition.h).
//   UnknownParameter   at the job, for a condition using ${param.X} without pipeline
//                      parameter X, or a variable that is neither param.* nor upstream.*.*.
//   UnknownDependency  at the job, for a condition using ${upstream.X.*} when the job does
//                      not depend on X.
//                      Condition errors come after the job's dependency errors.
QList<Error> validateAll(const Pipeline &pipeline);

// The cycles that validateAll() reports, in the same order, as job names from the job defined
// first back to it: {"a", "b", "c", "a"} (for editors that highlight the path).
QList<QStringList> findCycles(const Pipeline &pipeline);

// "a -> b -> c -> a", as in Cycle messages.
QString cyclePathString(const QStringList &path);

// The first of validateAll(), or ok.
Result<void> validate(const Pipeline &pipeline);

// Job names so that every job comes after all of its upstream jobs; among jobs that could go
// next, the one defined first in the file goes first. Error as validate() when not a DAG.
Result<QStringList> topologicalOrder(const Pipeline &pipeline);

// Whether the edge upstream -> downstream (downstream depends on upstream) may be added:
// Cycle error spelling the cycle it would close ("extract -> load -> extract"),
// SelfDependency, UnknownDependency for a job not in the pipeline, DuplicateName when the
// edge already exists.
// Checked in that order: UnknownDependency (upstream, then downstream), SelfDependency,
// DuplicateName, Cycle. The cycle path has the same direction as validateAll()'s: it starts at
// `downstream`, follows the shortest chain of existing edges to `upstream` and ends with the
// proposed edge back to `downstream` (canAddEdge(p, "load", "extract") when load already
// depends on extract: "extract -> load -> extract"). The errors carry no line/column.
Result<void> canAddEdge(const Pipeline &pipeline, const QString &upstream, const QString &downstream);

// What a pipeline run started from `job` runs (a manual run of a job that is not a root): that
// job and every job downstream of it (depending on it directly or through other jobs), in file
// order, each with only its dependencies on jobs of that part. The job's own dependencies and
// those on jobs outside the part are dropped: those jobs are not part of the run, so they count
// as met (a condition that reads the results of one cannot be evaluated and skips its job).
// The pipeline's own fields are kept. No jobs for an unknown `job`; only the first job of a
// duplicated name counts; a cycle does not make it loop.
Pipeline downstreamPart(const Pipeline &pipeline, const QString &job);

enum class Readiness {
    Blocked, // some upstream job has not reached a final state yet
    Ready,   // every dependency is satisfied
    Skip,    // some dependency can no longer be satisfied: the job is skipped
};

QString readinessName(Readiness r); // "blocked" | "ready" | "skip"

// Whether `job` may start, given the current state of each upstream run (by job name; an
// upstream with no entry has not run yet and counts as Blocked). Satisfied by:
//   success  -> success
//   failed   -> failed, timed_out, lost
//   finished -> any final state (success, failed, timed_out, cancelled, lost, skipped)
// A final upstream state that does not satisfy the dependency makes the job Skip.
// Condition dependency: when every order dependency is satisfied and the job has a
// `condition` (condition.h), the condition decides: true -> Ready, false -> Skip; a condition
// that cannot be evaluated (syntax, unknown variable, wrong type) is Skip as well
// (evaluateCondition() gives the error for the run's reason). `variables` are
// conditionVariables() of the pipeline run.
// Skip wins over Blocked: as soon as one dependency can never be satisfied the job is Skip,
// even while other upstream jobs are still waiting or running (like Airflow's all_success).
// Cancelled and skipped upstreams satisfy only `finished`. A job without dependencies is Ready.
Readiness readiness(const Job &job, const QHash<QString, RunState> &states,
                    const QHash<QString, QString> &variables = {});

// Given the states of a pipeline run so far, the jobs (in topological order) that are now
// Skip, including those skipped only because an upstream job is skipped by this very call
// (skips propagate). Jobs that already have a state are not returned.
// A job behind a propagated skip through a `finished` dependency is not Skip (skipped
// satisfies finished); it becomes Ready once the caller records the returned jobs as skipped.
// Conditions are evaluated with `variables` as in readiness().
QStringList propagateSkips(const Pipeline &pipeline, const QHash<QString, RunState> &states,
                           const QHash<QString, QString> &variables = {});

// The jobs that are Ready now and have no state yet, in topological order.
// Uses `states` as given: call propagateSkips() first and record its jobs as skipped.
// Topological order in propagateSkips()/readyJobs() is topologicalOrder()'s; on a pipeline
// that is not a DAG, jobs on or behind a cycle come last in file order, and only the first job
// of a duplicated name counts.
QStringList readyJobs(const Pipeline &pipeline, const QHash<QString, RunState> &states,
                      const QHash<QString, QString> &variables = {});

// What advance() decided for one job: Ready (start it) or Skip.
struct Decision
{
    QString job;
    Readiness readiness = Readiness::Ready;
};

// The variables a job's condition sees (conditionVariables() of its upstream jobs), asked for
// only for jobs with a condition whose order dependencies are satisfied.
using VariablesFunction = std::function<QHash<QString, QString>(
        const Job &job, const QHash<QString, RunState> &states)>;

class DependencyIndex;

// One step of a pipeline run: looks at the `candidates` (job names; jobs that have a state, and
// unknown names, are left alone) and returns those that are now Ready or Skip, in topological
// order. `states` is updated on the way: a Skip job becomes `skipped` and its own downstream jobs
// are looked at in turn (skips propagate, and a job behind it through `finished` can become
// Ready), a Ready job becomes `waiting`. Blocked jobs stay without a state.
// With every job as a candidate it decides what propagateSkips() followed by readyJobs() (after
// recording the skips) would; after one job ended, its downstream() are enough.
QList<Decision> advance(const DependencyIndex &index, QHash<QString, RunState> &states,
                        const QStringList &candidates, const VariablesFunction &variables = {});

// A pipeline's dependency graph kept while its runs are followed: every job with its direct
// downstream jobs, in the order of readyJobs(). Built once per pipeline definition, so that
// what happens after one job of a pipeline run ends costs in proportion to that job's direct
// downstream, not to the size of the pipeline.
class DependencyIndex final
{
public:
    explicit DependencyIndex(const Pipeline &pipeline);

    const Pipeline &pipeline() const { return m_pipeline; }
    // The first job of that name, or nullptr.
    const Job *job(const QString &name) const;
    // Every job, in topological order (as readyJobs(): jobs on or behind a cycle last).
    QStringList jobs() const;
    // The jobs that depend on `name`, in topological order; empty for an unknown name.
    QStringList downstream(const QString &name) const;

private:
    friend QList<Decision> advance(const DependencyIndex &, QHash<QString, RunState> &,
                                   const QStringList &, const VariablesFunction &);
    Pipeline m_pipeline;
    QHash<QString, int> m_rank;                  // name -> position in the topological order
    std::vector<int> m_jobAt;                    // rank -> index in m_pipeline.jobs
    std::vector<std::vector<int>> m_downstream;  // rank -> ranks of its direct downstream jobs
};

} // namespace Orrery::Dag

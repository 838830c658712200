#pragma once

#include "result.h"

#include <QList>
#include <QString>

#include <optional>

namespace Orrery {

// The states of one attempt of a run.
//   waiting  -> running | cancelled | skipped | lost
//   running  -> success | failed | timed_out | cancelled | lost
//            -> waiting   (preempted or requeued: the attempt goes back to the queue)
// success, failed, timed_out, cancelled, lost and skipped are final for an attempt; a retry
// is a new attempt of the same run, which starts in waiting.
enum class RunState { Waiting, Running, Success, Failed, TimedOut, Cancelled, Lost, Skipped };

const QList<RunState> &allRunStates();
QString runStateName(RunState state); // "waiting", "timed_out", ... (protocol and YAML word)
std::optional<RunState> runStateFromName(const QString &name);

bool isFinal(RunState state);
// A final state that counts as "did not succeed" for retries and alerts.
bool isFailure(RunState state);
// Whether a failed attempt in this state may be retried by the retry policy.
bool isRetryable(RunState state);

bool canTransition(RunState from, RunState to);
// Ok, or an IllegalTransition error naming both states.
Result<void> checkTransition(RunState from, RunState to);

// The state of a pipeline run, from the states of the runs of its jobs so far: running while
// one of them is not final; then failed when one failed, timed out or was lost; cancelled
// when one was cancelled; otherwise success (skipped jobs count as done). No runs = running
// (the pipeline run has just been created).
enum class PipelineRunState { Running, Success, Failed, Cancelled };

QString pipelineRunStateName(PipelineRunState state); // "running" | "success" | "failed" | "cancelled"
PipelineRunState pipelineRunState(const QList<RunState> &jobStates);

// P0 (urgent, may preempt) .. P3 (low, runs when the fleet is idle enough).
enum class Priority { P0 = 0, P1 = 1, P2 = 2, P3 = 3 };

QString priorityName(Priority p); // "P0" .. "P3"
std::optional<Priority> priorityFromName(const QString &name); // case-insensitive "P0".."P3"

} // namespace Orrery

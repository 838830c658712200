#pragma once

#include "dispatch.h"

#include <model/id.h>
#include <model/job.h>
#include <model/runstate.h>

#include <QList>

#include <optional>

namespace Orrery::Master {

// A run in flight, as the engine holds it.
struct RunningRun
{
    RunId run;
    Priority priority = Priority::P2;
    NodeId node;
    qint64 startedMs = 0;
};

struct PreemptionVictim
{
    RunId run;
    NodeId node;
    qsizetype nodeIndex = -1;  // into the candidate list
};

// For a P0 run of `urgent` that found no free node: the run to stop and requeue (its attempt
// kept) so that the P0 gets the freed slot. Candidates: runs on a connected, non-draining node
// that matches the P0 job's labels. The victim is the one of lowest priority (P3 before P2
// before P1), the most recently started among equals (it loses the least work), then the
// highest run id. A P0 is never preempted; none when no run qualifies, or when `urgent` is
// not a P0 job. Pure.
std::optional<PreemptionVictim> choosePreemptionVictim(const Job &urgent,
                                                       const QList<NodeCandidate> &nodes,
                                                       const QList<RunningRun> &running);

}  // namespace Orrery::Master

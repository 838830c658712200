#pragma once

#include <model/job.h>

#include <QList>
#include <QString>

namespace Orrery::Master {

// Pre-dispatch: the run of a cron fire is created (committed, `waiting`) and sent to its node
// `leadMs` before the fire's instant, with the instant as its start time. The agent holds it
// (it takes one of the node's max_parallel slots) and starts the child on a precise timer, so
// that the commit, the dispatch and the network are out of the way between the instant and the
// child's start. These are the pure decisions; the engine acts on them.
struct PredispatchPolicy
{
    qint64 leadMs = 0;  // master.yaml scheduling.predispatch_ms; 0 = off
    // A node's clock skew estimate smaller than this (either way) is taken as 0: with clocks
    // kept in step (NTP), such an estimate is mostly the heartbeats' transit delay.
    qint64 skewDeadbandMs = 20;
};

// Why a fire is not pre-dispatched: such a fire is taken at its instant, as without
// pre-dispatch (with its concurrency policy, time dependency and locks decided then).
enum class PredispatchVeto {
    None,            // pre-dispatch it
    Off,             // the lead is 0
    Disabled,        // the job is disabled
    Pipeline,        // a job of a pipeline: its pipeline run starts at the instant
    NoCommand,       // nothing to start (the run ends at once)
    Broadcast,       // one run per node, made when the first one is dispatched
    ResourceLocks,   // the run would hold its locks for the lead as well
    TimeDependency,  // not_before / window are decided at the instant
    ActiveRun,       // forbid or replace with a run of the job still active
};
QString predispatchVetoName(PredispatchVeto veto);  // "none", "off", "pipeline", ... (logs)

// The job as it is now, whether it belongs to a pipeline and how many of its runs are active
// (waiting or running) now, `lead` ms before the fire.
PredispatchVeto predispatchVeto(const Job &job, bool inPipeline, int activeRuns,
                                const PredispatchPolicy &policy);

// The `start_at_ms` of the run.dispatch, in the agent's clock: the fire's instant (master
// clock) plus the node's clock skew (agent - master) when it is outside the deadband.
qint64 agentStartAtMs(qint64 fireMs, qint64 skewMs, const PredispatchPolicy &policy);

// Clock skew of a node from its heartbeats. A sample is the heartbeat's clock_ms minus the
// master's clock when it read the heartbeat: it is low by the time the message took (transit,
// queues, a busy master), so the largest of the recent samples is the closest to the truth.
// Keeps the newest `keep` samples.
void addClockSkewSample(QList<qint64> &samples, qint64 sampleMs, qsizetype keep = 8);
// 0 without samples.
qint64 estimateClockSkew(const QList<qint64> &samples);

// A pre-dispatched run whose node vanished (offline, or back without it) before reporting its
// start: dispatched again (a new attempt that is not counted as a retry) while its instant
// (master clock) has not come, otherwise lost like a running run.
enum class HeldRunFate { Redispatch, Lost };
HeldRunFate heldRunFate(qint64 startAtMs, qint64 nowMs);

}  // namespace Orrery::Master

#pragma once

// Dispatch: which node(s) a waiting run goes to. Pure; the engine calls, per waiting run in the
// order of RunQueue::ordered() (runqueue.h), after admission and locks:
//   1. RunQueue::admission(run, load, policy, now)   - P3 gate and global limit, else a reason
//   2. LockTable::holdsAll(run)                      - resource dependencies (locks.h)
//   3. dispatch(job, candidates, state, policy)      - this header: a node, the broadcast set,
//                                                      or the reason the run keeps waiting
//   4. for a P0 that got no node: choosePreemptionVictim() (preemption.h)
// Candidates are built from the nodes the engine holds in memory (last heartbeat's CPU and
// free memory, runs in flight) and sorted by node id; the engine bumps `running` of the chosen
// node before dispatching the next run so that one pass over the queue sees its own choices.

#include <model/id.h>
#include <model/job.h>

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace Orrery::Master {

// What dispatch knows about a node at the moment it chooses.
struct NodeCandidate
{
    NodeId id;
    QString name;
    QMap<QString, QString> labels;
    bool connected = false;
    bool draining = false;
    int running = 0;
    int maxParallel = 1;
    int weight = 1;                         // weighted round-robin share (agent config), >= 1
    std::optional<double> cpuPercent;       // from the last heartbeat; empty = not reported yet
    std::optional<qint64> freeMemoryBytes;  // from the last heartbeat; empty = not reported yet
};

// Mutable per-master dispatch state: per job, the id of the node it got last time.
struct DispatchState
{
    QHash<JobId, quint64> cursor;
    // Weighted round-robin: per job, the current weight of each node id (nginx's smooth
    // weighted round-robin); nodes that left the list are forgotten on the next choice.
    QHash<JobId, QHash<qint64, qint64>> currentWeight;
};

// The resource-aware table of the brief (section 4.2), configurable. A node qualifies when
// both its CPU and its free memory allow the job:
//   CPU:    cpu < cpuAnyBelow (70 %) takes any job; cpuAnyBelow <= cpu <= cpuLightMax (90 %)
//           only light jobs; cpu > cpuLightMax none.
//   Memory: free > memoryAnyAbove (2 GiB) any job; memoryLightMin (0.5 GiB) <= free <=
//           memoryAnyAbove only light ("small") jobs; free < memoryLightMin none.
// How the job's declaration counts: `weight: heavy` needs the "any job" band of both rules.
// A light job is judged by its resource kind: a cpu-intensive job needs the "any job" band
// of the CPU rule (light band of memory is enough), a memory-intensive job the "any job" band
// of the memory rule (light band of CPU is enough); io-intensive and unspecified light jobs
// take the light band of both. A node that has not reported CPU and memory yet does not
// qualify. Among qualifying nodes the one with the most headroom is chosen: most free memory
// for memory-intensive jobs, lowest CPU otherwise; ties by fewer runs, then list order.
struct ResourceThresholds
{
    double cpuAnyBelow = 70.0;
    double cpuLightMax = 90.0;
    qint64 memoryAnyAbove = qint64(2) * 1024 * 1024 * 1024;
    qint64 memoryLightMin = qint64(512) * 1024 * 1024;
};

// How dispatch() chooses: the strategy for jobs that say `default`, and the thresholds.
struct DispatchPolicy
{
    DispatchStrategy defaultStrategy = DispatchStrategy::RoundRobin;
    ResourceThresholds thresholds;
};

// The node chosen for a run, or why none could be (shown to the user while the run waits:
// "no connected node", "no node with label zone=sh", "all 3 matching nodes are busy").
struct DispatchChoice
{
    std::optional<qsizetype> index;  // into the candidate list
    QString reason;                  // set when nothing was chosen
    // Broadcast only: every connected, non-draining node matching the job's labels (one run
    // each; a node at max_parallel gets its run when a slot frees). `index` is the first.
    QList<qsizetype> broadcast;
};

// True when the node has every label of the job's selector with the same value.
bool matchesLabels(const QMap<QString, QString> &selector, const QMap<QString, QString> &labels);

// Round-robin over the connected, non-draining nodes that match the job's labels and have a
// free slot (running < maxParallel), in the order of `nodes`, continuing after the node the
// job got last time (when that node has left the list: at the first node with a greater id,
// which is exact for lists sorted by id). Records the choice in `state`; otherwise the reason
// names the first obstacle: "no connected node", "no connected node with labels zone=sh",
// "all matching nodes are draining", "all 2 matching nodes are at max_parallel". Pure.
DispatchChoice roundRobin(const Job &job, const QList<NodeCandidate> &nodes, DispatchState &state);

// Smooth weighted round-robin (nginx): every available node adds its weight to its current
// weight, the largest current weight wins (ties: list order) and loses the total. Weights
// 3:1 give A A B A, A A B A... spread out, never A A A B. Weights below 1 count as 1.
// Available = as roundRobin(); nodes without a free slot take no part in that round.
DispatchChoice weightedRoundRobin(const Job &job, const QList<NodeCandidate> &nodes,
                                  DispatchState &state);

// The available node with the fewest running runs; ties go round-robin (the first tied node
// after the one the job got last time).
DispatchChoice leastRunning(const Job &job, const QList<NodeCandidate> &nodes,
                            DispatchState &state);

// The thresholds of ResourceThresholds over the available nodes. When none qualifies the
// reason counts the causes: "all 3 matching nodes are above 90 % CPU", "2 matching nodes are
// above 90 % CPU, 1 has less than 0.5 GB free memory".
DispatchChoice resourceAware(const Job &job, const QList<NodeCandidate> &nodes,
                             const ResourceThresholds &thresholds);

// Every connected, non-draining node matching the labels (see DispatchChoice::broadcast).
DispatchChoice broadcast(const Job &job, const QList<NodeCandidate> &nodes);

// The one entry point: the job's strategy, or policy.defaultStrategy for `default` (a default
// of `default` means round-robin).
DispatchChoice dispatch(const Job &job, const QList<NodeCandidate> &nodes, DispatchState &state,
                        const DispatchPolicy &policy);

// The engine calls dispatch through this, so a strategy can be swapped without touching it.
using DispatchFunction
        = std::function<DispatchChoice(const Job &, const QList<NodeCandidate> &, DispatchState &)>;

// dispatch() bound to a policy, for the engine's DispatchFunction.
DispatchFunction makeDispatchFunction(const DispatchPolicy &policy);

}  // namespace Orrery::Master

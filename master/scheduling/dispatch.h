#pragma once

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
};

// Mutable per-master dispatch state: per job, the id of the node it got last time.
struct DispatchState
{
    QHash<JobId, quint64> cursor;
};

// The node chosen for a run, or why none could be (shown to the user while the run waits:
// "no connected node", "no node with label zone=sh", "all 3 matching nodes are busy").
struct DispatchChoice
{
    std::optional<qsizetype> index;  // into the candidate list
    QString reason;                  // set when index is empty
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

// The engine calls dispatch through this, so a strategy can be swapped without touching it.
using DispatchFunction
        = std::function<DispatchChoice(const Job &, const QList<NodeCandidate> &, DispatchState &)>;

}  // namespace Orrery::Master

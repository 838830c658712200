#pragma once

#include "dispatch.h"

#include <model/id.h>

#include <QList>
#include <QString>
#include <QStringList>

#include <deque>
#include <optional>

namespace Orrery::Master {

// Auto-scale triggers (brief section 4.3), all configurable. Scale-out fires when any of:
//   queue length > queueLengthAbove (100),
//   average wait of the waiting runs > averageWaitAboveSecs (5 min),
//   fleet CPU (mean over connected nodes) > fleetCpuAbove (80 %) in every sample of the last
//   cpuWindowSecs (5 min), with samples covering the whole window ("sustained").
// Scale-in fires when the queue is empty and fleet CPU < scaleInCpuBelow (20 %) sustained
// over the same window, with more than minNodes connected, non-draining nodes; it names a node
// to drain: an idle one first (no running runs), then the fewest running, then the lowest CPU,
// then the highest id (the newest node goes first). After any action nothing fires until
// cooldownSecs (10 min) have passed; a trigger inside the cooldown is reported as held.
struct AutoscalePolicy
{
    int queueLengthAbove = 100;
    qint64 averageWaitAboveSecs = 300;
    double fleetCpuAbove = 80.0;
    double scaleInCpuBelow = 20.0;
    qint64 cpuWindowSecs = 300;
    qint64 cooldownSecs = 600;
    int minNodes = 1;
};

// What the master sees at one moment.
struct FleetSnapshot
{
    qint64 atMs = 0;
    int queueLength = 0;
    qint64 averageWaitMs = 0;
    QList<NodeCandidate> nodes;  // connected nodes with their last heartbeat
};

// One decision, for the log and the GUI: what fired and why, and what was done.
struct AutoscaleDecision
{
    enum class Action { None, ScaleOut, ScaleIn };
    Action action = Action::None;
    QStringList triggers;  // "queue length 130 > 100", "fleet CPU above 80 % for 5 min (now 91 %)"
    bool heldByCooldown = false;  // a trigger fired but the cooldown had not passed
    qint64 cooldownUntilMs = 0;   // when heldByCooldown
    std::optional<NodeId> drain;  // ScaleIn: the node to drain
    QString summary;              // one line: "scale out: queue length 130 > 100"
};

QString autoscaleActionName(AutoscaleDecision::Action action);  // "none", "scale_out", "scale_in"

// Feeds snapshots in time order and decides. Pure: the engine calls observe() on its
// heartbeat tick and runs the hook when the action is not None.
class Autoscaler final
{
public:
    explicit Autoscaler(AutoscalePolicy policy = {}) : m_policy(policy) {}

    AutoscaleDecision observe(const FleetSnapshot &snapshot);

    const AutoscalePolicy &policy() const { return m_policy; }
    std::optional<qint64> lastActionMs() const { return m_lastActionMs; }

private:
    struct Sample
    {
        qint64 atMs;
        double cpu;
    };
    // Whether every sample of the window satisfies `test` and the samples reach back to
    // the window's start.
    template<typename Test>
    bool sustained(qint64 nowMs, Test test) const;

    AutoscalePolicy m_policy;
    std::deque<Sample> m_samples;
    std::optional<qint64> m_lastActionMs;
};

// The mean CPU % of the connected nodes that reported one; nullopt when none did.
std::optional<double> fleetCpu(const QList<NodeCandidate> &nodes);

}  // namespace Orrery::Master

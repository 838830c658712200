#include "preemption.h"

#include <QHash>

namespace Orrery::Master {

std::optional<PreemptionVictim> choosePreemptionVictim(const Job &urgent,
                                                       const QList<NodeCandidate> &nodes,
                                                       const QList<RunningRun> &running)
{
    if (urgent.priority != Priority::P0)
        return std::nullopt;
    QHash<NodeId, qsizetype> qualifying;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const NodeCandidate &node = nodes.at(i);
        if (node.connected && !node.draining && node.maxParallel > 0
            && matchesLabels(urgent.labels, node.labels))
            qualifying.insert(node.id, i);
    }
    const RunningRun *best = nullptr;
    for (const RunningRun &r : running) {
        if (r.priority == Priority::P0 || !qualifying.contains(r.node))
            continue;
        if (!best) {
            best = &r;
            continue;
        }
        const auto rank = [](const RunningRun &x) {
            return std::tuple(int(x.priority), x.startedMs, x.run.value());
        };
        if (rank(r) > rank(*best))
            best = &r;
    }
    if (!best)
        return std::nullopt;
    return PreemptionVictim{best->run, best->node, qualifying.value(best->node)};
}

}  // namespace Orrery::Master

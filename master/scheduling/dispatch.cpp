#include "dispatch.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

namespace {

// Reasons are shown to users while a run waits.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

QString selectorText(const QMap<QString, QString> &selector)
{
    QStringList parts;
    for (auto it = selector.cbegin(); it != selector.cend(); ++it)
        parts.append(it.key() + u'=' + it.value());
    return parts.join(u", "_s);
}

// Why no node of `nodes` can take the job now. Called only when none qualifies.
QString noNodeReason(const Job &job, const QList<NodeCandidate> &nodes)
{
    qsizetype connected = 0;
    qsizetype matching = 0;
    qsizetype draining = 0;
    for (const NodeCandidate &node : nodes) {
        if (!node.connected)
            continue;
        ++connected;
        if (!matchesLabels(job.labels, node.labels))
            continue;
        ++matching;
        if (node.draining)
            ++draining;
    }
    if (connected == 0)
        return Tr::tr("no connected node");
    if (matching == 0)
        return Tr::tr("no connected node with labels %1").arg(selectorText(job.labels));
    if (draining == matching)
        return Tr::tr("all matching nodes are draining");
    const qsizetype busy = matching - draining;
    QString reason = busy == 1 ? Tr::tr("the only matching node is at max_parallel")
                               : Tr::tr("all %1 matching nodes are at max_parallel").arg(busy);
    if (draining > 0)
        reason += Tr::tr(" (%1 more draining)").arg(draining);
    return reason;
}

bool canTake(const Job &job, const NodeCandidate &node)
{
    return node.connected && !node.draining && node.running < node.maxParallel
           && matchesLabels(job.labels, node.labels);
}

// Where round-robin looks first: after the node the job got last time. When that node has
// left the list, after the position its id would have (lists sorted by node id, as the engine
// keeps them, continue exactly where they were).
qsizetype startAfterCursor(const Job &job, const QList<NodeCandidate> &nodes,
                           const DispatchState &state)
{
    const auto cursor = state.cursor.constFind(job.id);
    if (cursor == state.cursor.cend())
        return 0;
    const auto lastId = qint64(*cursor);
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        if (nodes.at(i).id.value() == lastId)
            return i + 1;
    }
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        if (nodes.at(i).id.value() > lastId)
            return i;
    }
    return 0;
}

// Why the available nodes failed the resource-aware table, per cause.
struct ResourceCounts
{
    int available = 0;
    int unreported = 0;
    int cpuNone = 0;
    int cpuLightOnly = 0;
    int memoryNone = 0;
    int memoryLightOnly = 0;
};

QString gigabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0 * 1024.0), 'g', 3);
}

QString resourceReason(const ResourceCounts &c, const ResourceThresholds &t, bool cpuStrict,
                       bool memoryStrict)
{
    const QString what = cpuStrict && memoryStrict ? Tr::tr("a heavy job")
                         : cpuStrict               ? Tr::tr("a cpu-intensive job")
                                                   : Tr::tr("a memory-intensive job");
    const QString cpuNone = Tr::tr("above %1 % CPU").arg(t.cpuLightMax);
    const QString cpuLight
            = Tr::tr("at or above %1 % CPU (too busy for %2)").arg(t.cpuAnyBelow).arg(what);
    const QString memNone = Tr::tr("below %1 GB free memory").arg(gigabytes(t.memoryLightMin));
    const QString memLight = Tr::tr("at or below %1 GB free memory (too little for %2)")
                                     .arg(gigabytes(t.memoryAnyAbove), what);
    const QString unreported = Tr::tr("without a CPU and memory report yet");
    const std::pair<int, QString> causes[] = {{c.cpuNone, cpuNone},
                                              {c.cpuLightOnly, cpuLight},
                                              {c.memoryNone, memNone},
                                              {c.memoryLightOnly, memLight},
                                              {c.unreported, unreported}};
    QStringList parts;
    for (const auto &[count, text] : causes) {
        if (count == c.available) {
            return c.available == 1 ? Tr::tr("the only available matching node is %1").arg(text)
                                    : Tr::tr("all %1 available matching nodes are %2")
                                              .arg(c.available)
                                              .arg(text);
        }
        if (count > 0)
            parts.append(QString::number(count) + u' ' + text);
    }
    return Tr::tr("no available matching node qualifies: %1").arg(parts.join(u", "_s));
}

}  // namespace

bool matchesLabels(const QMap<QString, QString> &selector, const QMap<QString, QString> &labels)
{
    for (auto it = selector.cbegin(); it != selector.cend(); ++it) {
        const auto found = labels.constFind(it.key());
        if (found == labels.cend() || *found != it.value())
            return false;
    }
    return true;
}

DispatchChoice roundRobin(const Job &job, const QList<NodeCandidate> &nodes, DispatchState &state)
{
    const qsizetype count = nodes.size();
    const qsizetype start = startAfterCursor(job, nodes, state);
    for (qsizetype step = 0; step < count; ++step) {
        const qsizetype i = (start + step) % count;
        if (canTake(job, nodes.at(i))) {
            state.cursor.insert(job.id, quint64(nodes.at(i).id.value()));
            return DispatchChoice{i, {}, {}};
        }
    }
    return DispatchChoice{std::nullopt, noNodeReason(job, nodes), {}};
}

DispatchChoice weightedRoundRobin(const Job &job, const QList<NodeCandidate> &nodes,
                                  DispatchState &state)
{
    QHash<qint64, qint64> &current = state.currentWeight[job.id];
    QHash<qint64, qint64> next;
    qint64 total = 0;
    std::optional<qsizetype> best;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const NodeCandidate &node = nodes.at(i);
        if (!node.connected)
            continue;
        const qint64 id = node.id.value();
        qint64 weight = current.value(id, 0);
        if (canTake(job, node)) {
            const qint64 w = std::max(1, node.weight);
            weight += w;
            total += w;
            if (!best || weight > next.value(nodes.at(*best).id.value()))
                best = i;
        }
        next.insert(id, weight);
    }
    if (!best) {
        state.currentWeight.remove(job.id);
        return DispatchChoice{std::nullopt, noNodeReason(job, nodes), {}};
    }
    next[nodes.at(*best).id.value()] -= total;
    current = std::move(next);
    state.cursor.insert(job.id, quint64(nodes.at(*best).id.value()));
    return DispatchChoice{best, {}, {}};
}

DispatchChoice leastRunning(const Job &job, const QList<NodeCandidate> &nodes, DispatchState &state)
{
    const qsizetype count = nodes.size();
    const qsizetype start = startAfterCursor(job, nodes, state);
    std::optional<qsizetype> best;
    for (qsizetype step = 0; step < count; ++step) {
        const qsizetype i = (start + step) % count;
        if (canTake(job, nodes.at(i)) && (!best || nodes.at(i).running < nodes.at(*best).running))
            best = i;
    }
    if (!best)
        return DispatchChoice{std::nullopt, noNodeReason(job, nodes), {}};
    state.cursor.insert(job.id, quint64(nodes.at(*best).id.value()));
    return DispatchChoice{best, {}, {}};
}

DispatchChoice resourceAware(const Job &job, const QList<NodeCandidate> &nodes,
                             const ResourceThresholds &thresholds)
{
    const bool heavy = job.weight == JobWeight::Heavy;
    const bool cpuStrict = heavy || job.resourceKind == ResourceKind::Cpu;
    const bool memoryStrict = heavy || job.resourceKind == ResourceKind::Memory;
    std::optional<qsizetype> best;
    ResourceCounts counts;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const NodeCandidate &node = nodes.at(i);
        if (!canTake(job, node))
            continue;
        ++counts.available;
        if (!node.cpuPercent || !node.freeMemoryBytes) {
            ++counts.unreported;
            continue;
        }
        const double cpu = *node.cpuPercent;
        const qint64 memory = *node.freeMemoryBytes;
        if (cpu > thresholds.cpuLightMax) {
            ++counts.cpuNone;
            continue;
        }
        if (cpuStrict && cpu >= thresholds.cpuAnyBelow) {
            ++counts.cpuLightOnly;
            continue;
        }
        if (memory < thresholds.memoryLightMin) {
            ++counts.memoryNone;
            continue;
        }
        if (memoryStrict && memory <= thresholds.memoryAnyAbove) {
            ++counts.memoryLightOnly;
            continue;
        }
        if (!best) {
            best = i;
            continue;
        }
        const NodeCandidate &b = nodes.at(*best);
        const bool better
                = job.resourceKind == ResourceKind::Memory
                          ? memory > *b.freeMemoryBytes
                                    || (memory == *b.freeMemoryBytes && node.running < b.running)
                          : cpu < *b.cpuPercent
                                    || (cpu == *b.cpuPercent && node.running < b.running);
        if (better)
            best = i;
    }
    if (best)
        return DispatchChoice{best, {}, {}};
    if (counts.available == 0)
        return DispatchChoice{std::nullopt, noNodeReason(job, nodes), {}};
    return DispatchChoice{
            std::nullopt, resourceReason(counts, thresholds, cpuStrict, memoryStrict), {}};
}

DispatchChoice broadcast(const Job &job, const QList<NodeCandidate> &nodes)
{
    DispatchChoice choice;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const NodeCandidate &node = nodes.at(i);
        if (node.connected && !node.draining && matchesLabels(job.labels, node.labels))
            choice.broadcast.append(i);
    }
    if (choice.broadcast.isEmpty()) {
        // Every matching node is away or draining: the reasons of the single-node strategies
        // apply, except that a node at max_parallel still counts as a member.
        choice.reason = noNodeReason(job, nodes);
        return choice;
    }
    choice.index = choice.broadcast.first();
    return choice;
}

DispatchChoice dispatch(const Job &job, const QList<NodeCandidate> &nodes, DispatchState &state,
                        const DispatchPolicy &policy)
{
    DispatchStrategy strategy = job.strategy;
    if (strategy == DispatchStrategy::Default)
        strategy = policy.defaultStrategy;
    switch (strategy) {
    case DispatchStrategy::Default:
    case DispatchStrategy::RoundRobin:
        return roundRobin(job, nodes, state);
    case DispatchStrategy::WeightedRoundRobin:
        return weightedRoundRobin(job, nodes, state);
    case DispatchStrategy::LeastRunning:
        return leastRunning(job, nodes, state);
    case DispatchStrategy::ResourceAware:
        return resourceAware(job, nodes, policy.thresholds);
    case DispatchStrategy::Broadcast:
        return broadcast(job, nodes);
    }
    return roundRobin(job, nodes, state);
}

DispatchFunction makeDispatchFunction(const DispatchPolicy &policy)
{
    return [policy](const Job &job, const QList<NodeCandidate> &nodes, DispatchState &state) {
        return dispatch(job, nodes, state, policy);
    };
}

}  // namespace Orrery::Master

#include "dispatch.h"

#include <QCoreApplication>
#include <QStringList>

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
    // Where to start looking: after the node the job got last time. When that node has left
    // the list, after the position its id would have (lists sorted by node id, as the engine
    // keeps them, continue exactly where they were).
    qsizetype start = 0;
    const auto cursor = state.cursor.constFind(job.id);
    if (cursor != state.cursor.cend()) {
        const auto lastId = qint64(*cursor);
        qsizetype at = -1;
        for (qsizetype i = 0; i < count && at < 0; ++i) {
            if (nodes.at(i).id.value() == lastId)
                at = i;
        }
        if (at >= 0) {
            start = at + 1;
        } else {
            for (qsizetype i = 0; i < count; ++i) {
                if (nodes.at(i).id.value() > lastId) {
                    start = i;
                    break;
                }
            }
        }
    }
    for (qsizetype step = 0; step < count; ++step) {
        const qsizetype i = (start + step) % count;
        if (canTake(job, nodes.at(i))) {
            state.cursor.insert(job.id, quint64(nodes.at(i).id.value()));
            return DispatchChoice{i, {}};
        }
    }
    return DispatchChoice{std::nullopt, noNodeReason(job, nodes)};
}

}  // namespace Orrery::Master

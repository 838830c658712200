#include "runqueue.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

}  // namespace

Priority effectivePriority(Priority declared, qint64 queuedMs, qint64 nowMs,
                           const QueuePolicy &policy)
{
    const int level = int(declared);
    const int cap = int(policy.ageingCap);
    if (policy.ageingStepSecs <= 0 || level <= cap || nowMs <= queuedMs)
        return declared;
    const qint64 steps = (nowMs - queuedMs) / (policy.ageingStepSecs * 1000);
    return Priority(int(std::max<qint64>(cap, level - steps)));
}

void RunQueue::push(const WaitingRun &run)
{
    remove(run.run);
    const int level = std::clamp(int(run.priority), 0, 3);
    const Key key{run.queuedMs, m_sequence++};
    m_levels[level].emplace(key, run);
    m_index.insert(run.run, {level, key});
}

bool RunQueue::remove(RunId run)
{
    const auto it = m_index.constFind(run);
    if (it == m_index.cend())
        return false;
    m_levels[it->first].erase(it->second);
    m_index.erase(it);
    return true;
}

QList<WaitingRun> RunQueue::ordered(qint64 nowMs, const QueuePolicy &policy, qsizetype limit) const
{
    QList<WaitingRun> out;
    const qsizetype total = limit < 0 ? m_index.size() : std::min(limit, m_index.size());
    out.reserve(total);
    std::array<std::map<Key, WaitingRun>::const_iterator, 4> heads;
    for (int level = 0; level < 4; ++level)
        heads[size_t(level)] = m_levels[level].cbegin();
    while (out.size() < total) {
        int best = -1;
        Priority bestPriority = Priority::P3;
        for (int level = 0; level < 4; ++level) {
            const auto &head = heads[size_t(level)];
            if (head == m_levels[level].cend())
                continue;
            const Priority p = effectivePriority(head->second.priority, head->second.queuedMs,
                                                 nowMs, policy);
            if (best < 0 || int(p) < int(bestPriority)
                || (p == bestPriority && head->first < heads[size_t(best)]->first)) {
                best = level;
                bestPriority = p;
            }
        }
        out.append(heads[size_t(best)]->second);
        ++heads[size_t(best)];
    }
    return out;
}

std::optional<QString> RunQueue::admission(const WaitingRun &run, const FleetLoad &load,
                                           qint64 nowMs, const QueuePolicy &policy)
{
    if (run.priority == Priority::P0)
        return std::nullopt;
    if (policy.globalMaxRunning > 0 && load.running >= policy.globalMaxRunning)
        return Tr::tr("the global limit of %1 running runs is reached")
                .arg(policy.globalMaxRunning);
    if (effectivePriority(run.priority, run.queuedMs, nowMs, policy) == Priority::P3
        && load.utilisation() >= policy.p3MaxUtilisation) {
        return Tr::tr("fleet utilisation %1 % is not below %2 %: P3 runs wait for an idle fleet")
                .arg(qRound(load.utilisation() * 100))
                .arg(policy.p3MaxUtilisation * 100);
    }
    return std::nullopt;
}

}  // namespace Orrery::Master

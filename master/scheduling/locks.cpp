#include "locks.h"

#include <QCoreApplication>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

}  // namespace

void LockTable::setCapacity(const QString &key, int capacity)
{
    m_capacity.insert(key, std::max(1, capacity));
}

int LockTable::capacity(const QString &key) const
{
    return m_capacity.value(key, 1);
}

void LockTable::request(RunId run, Priority priority, qint64 queuedMs, const QStringList &keys)
{
    if (m_held.contains(run))
        return;
    if (const auto it = m_waiting.constFind(run); it != m_waiting.cend()) {
        m_queue.erase(*it);
        m_waiting.erase(it);
    }
    QStringList unique = keys;
    unique.removeDuplicates();
    const Rank rank{int(priority), queuedMs, m_sequence++};
    m_queue.emplace(rank, Request{run, unique});
    m_waiting.insert(run, rank);
}

QList<RunId> LockTable::grant()
{
    QList<RunId> granted;
    QHash<QString, int> reserved;  // units wanted by earlier requests that wait
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        const Request &r = it->second;
        const bool fits = std::all_of(r.keys.cbegin(), r.keys.cend(), [&](const QString &key) {
            return holderCount(key) + reserved.value(key) < capacity(key);
        });
        if (!fits) {
            for (const QString &key : r.keys)
                ++reserved[key];
            ++it;
            continue;
        }
        for (const QString &key : r.keys)
            m_holders[key].append(r.run);
        m_held.insert(r.run, r.keys);
        m_waiting.remove(r.run);
        granted.append(r.run);
        it = m_queue.erase(it);
    }
    return granted;
}

bool LockTable::release(RunId run)
{
    if (const auto it = m_waiting.constFind(run); it != m_waiting.cend()) {
        m_queue.erase(*it);
        m_waiting.erase(it);
        return true;
    }
    const auto held = m_held.constFind(run);
    if (held == m_held.cend())
        return false;
    for (const QString &key : *held) {
        QList<RunId> &list = m_holders[key];
        list.removeOne(run);
        if (list.isEmpty())
            m_holders.remove(key);
    }
    m_held.erase(held);
    return true;
}

QString LockTable::waitingReason(RunId run) const
{
    const auto rank = m_waiting.constFind(run);
    if (rank == m_waiting.cend())
        return {};
    const Request &r = m_queue.at(*rank);
    for (const QString &key : r.keys) {
        const QList<RunId> h = holders(key);
        if (h.size() < capacity(key))
            continue;
        QStringList ids;
        for (RunId id : h)
            ids.append(QString::number(id.value()));
        return Tr::tr("waiting for lock %1 (%2 of %3 held by run %4)")
                .arg(key)
                .arg(h.size())
                .arg(capacity(key))
                .arg(ids.join(u", "_s));
    }
    // Every lock has a free unit, reserved for a run ahead of this one.
    for (auto it = m_queue.cbegin(); it != m_queue.cend() && it->first < *rank; ++it) {
        for (const QString &key : r.keys) {
            if (it->second.keys.contains(key))
                return Tr::tr("waiting for lock %1 (run %2 is ahead in its queue)")
                        .arg(key)
                        .arg(it->second.run.value());
        }
    }
    return Tr::tr("waiting for its locks to be granted");
}

}  // namespace Orrery::Master

#pragma once

#include <model/id.h>
#include <model/runstate.h>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <utility>

namespace Orrery::Master {

// Resource dependencies: named locks with a capacity (`database_lock: primary_db`, key
// "database_lock:primary_db" as ResourceLock::key()). Pure, no I/O.
//
// A run asks for all the locks its job declares at once and gets all or none (no run holds
// one lock while waiting for another, so runs cannot deadlock each other). Waiting requests
// are served in order of priority (P0 first), then queue time, then request order. A request
// that cannot be granted yet reserves one unit of each lock it wants, so that a later request
// never takes a unit an earlier one is waiting for (no starvation of runs that need several
// locks); later requests may still take units beyond those reservations. A run keeps its locks
// from the grant until release() (its end, cancellation or `lost`), including while it waits
// for a node, so the holders of a lock never exceed its capacity.
//
// The engine: request() when a run with locks enters the queue, grant() after every
// request/release/capacity change (it returns the runs that now hold their locks and may be
// dispatched), release() when a run ends or is lost, holdsAll() before dispatching a run.
class LockTable final
{
public:
    // Capacity of a lock (at least 1); locks not configured have capacity 1.
    void setCapacity(const QString &key, int capacity);
    int capacity(const QString &key) const;

    // Queues the run's request (replacing an earlier waiting one). A run without locks
    // holds all of them at once: it needs no request.
    void request(RunId run, Priority priority, qint64 queuedMs, const QStringList &keys);
    // Grants, in order, every waiting request that fits; returns the runs granted now.
    QList<RunId> grant();
    // Drops the run's request or gives back what it holds. Returns whether it had either.
    bool release(RunId run);

    bool isWaiting(RunId run) const { return m_waiting.contains(run); }
    bool holdsAll(RunId run) const { return m_held.contains(run); }
    int holderCount(const QString &key) const { return m_holders.value(key).size(); }
    QList<RunId> holders(const QString &key) const { return m_holders.value(key); }

    // Why a waiting run has not got its locks, for the user:
    // "waiting for lock database_lock:primary_db (1 of 1 held by run 12)".
    QString waitingReason(RunId run) const;

private:
    struct Request
    {
        RunId run;
        QStringList keys;
    };
    using Rank = std::tuple<int, qint64, quint64>;  // (priority, queuedMs, sequence)

    QHash<QString, int> m_capacity;
    std::map<Rank, Request> m_queue;
    QHash<RunId, Rank> m_waiting;
    QHash<RunId, QStringList> m_held;
    QHash<QString, QList<RunId>> m_holders;
    quint64 m_sequence = 0;
};

}  // namespace Orrery::Master

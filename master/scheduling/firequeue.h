#pragma once

#include <model/id.h>

#include <QHash>
#include <QList>

#include <optional>
#include <utility>
#include <vector>

namespace Orrery::Master {

// The next fire time of every scheduled job, earliest first: a binary min-heap of
// (fireMs, job) with lazy deletion, plus a hash of each job's current entry. No timers per job
// and no database reads per tick: the engine arms one timer for nextFireMs().
// schedule/remove/takeDue are O(log n) amortised. Pure, no I/O.
class FireQueue final
{
public:
    // Sets (or replaces) the job's next fire time.
    void schedule(JobId job, qint64 fireMs);
    void remove(JobId job);
    bool contains(JobId job) const;
    std::optional<qint64> fireTimeOf(JobId job) const;
    std::optional<qint64> nextFireMs() const;
    // Removes and returns every job due at nowMs (fireMs <= nowMs), earliest first, ties by
    // job id. The jobs are no longer in the queue: the caller schedules their next fire.
    QList<std::pair<JobId, qint64>> takeDue(qint64 nowMs);
    qsizetype size() const { return m_current.size(); }
    bool isEmpty() const { return m_current.isEmpty(); }

private:
    void compact();
    std::vector<std::pair<qint64, JobId>> m_heap;  // may hold stale entries
    QHash<JobId, qint64> m_current;
};

}  // namespace Orrery::Master

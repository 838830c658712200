#include "firequeue.h"

#include <algorithm>
#include <functional>

namespace Orrery::Master {

using Entry = std::pair<qint64, JobId>;

// std::*_heap build max-heaps; greater<> turns them into a min-heap on (fireMs, job), which
// also orders ties by job id.
static constexpr std::greater<Entry> kLater{};

// Below this size a heap is never compacted: rebuilding it would cost more than the stale
// entries it holds.
static constexpr size_t kMinCompactSize = 64;

static bool isCurrent(const Entry &entry, const QHash<JobId, qint64> &current)
{
    const auto it = current.constFind(entry.second);
    return it != current.cend() && *it == entry.first;
}

// Keeps the invariant that the top of the heap is a current entry (or the heap is empty), so
// that nextFireMs() is O(1) and const. Each stale entry is popped once: O(log n) amortised.
static void dropStaleTop(std::vector<Entry> &heap, const QHash<JobId, qint64> &current)
{
    while (!heap.empty() && !isCurrent(heap.front(), current)) {
        std::pop_heap(heap.begin(), heap.end(), kLater);
        heap.pop_back();
    }
}

void FireQueue::schedule(JobId job, qint64 fireMs)
{
    const auto it = m_current.find(job);
    if (it != m_current.end()) {
        if (*it == fireMs)
            return;  // the entry in the heap is still right
        *it = fireMs;
    } else {
        m_current.insert(job, fireMs);
    }
    m_heap.emplace_back(fireMs, job);
    std::push_heap(m_heap.begin(), m_heap.end(), kLater);
    dropStaleTop(m_heap, m_current);  // the replaced entry may have been the top
    compact();
}

void FireQueue::remove(JobId job)
{
    if (!m_current.remove(job))
        return;
    dropStaleTop(m_heap, m_current);
    compact();
}

bool FireQueue::contains(JobId job) const
{
    return m_current.contains(job);
}

std::optional<qint64> FireQueue::fireTimeOf(JobId job) const
{
    const auto it = m_current.constFind(job);
    if (it == m_current.cend())
        return std::nullopt;
    return *it;
}

std::optional<qint64> FireQueue::nextFireMs() const
{
    if (m_heap.empty())
        return std::nullopt;
    return m_heap.front().first;
}

QList<std::pair<JobId, qint64>> FireQueue::takeDue(qint64 nowMs)
{
    QList<std::pair<JobId, qint64>> due;
    while (!m_heap.empty() && m_heap.front().first <= nowMs) {
        const Entry top = m_heap.front();
        std::pop_heap(m_heap.begin(), m_heap.end(), kLater);
        m_heap.pop_back();
        // A job scheduled at t, moved, then moved back to t has two equal entries: the first
        // one popped takes the job out of m_current, which makes the second one stale.
        if (isCurrent(top, m_current)) {
            m_current.remove(top.second);
            due.append({top.second, top.first});
        }
    }
    dropStaleTop(m_heap, m_current);
    compact();
    return due;
}

// Rebuilds the heap from m_current when stale entries outnumber the current ones, so that a
// queue whose jobs are rescheduled over and over (edits, enable/disable) stays at most about
// twice the size of its contents. O(n), after at least n/2 operations: amortised O(1).
void FireQueue::compact()
{
    const size_t live = size_t(m_current.size());
    if (m_heap.size() <= kMinCompactSize || m_heap.size() <= 2 * live)
        return;
    std::vector<Entry> rebuilt;
    rebuilt.reserve(live);
    for (auto it = m_current.cbegin(); it != m_current.cend(); ++it)
        rebuilt.emplace_back(it.value(), it.key());
    std::make_heap(rebuilt.begin(), rebuilt.end(), kLater);
    m_heap = std::move(rebuilt);  // also gives back the memory of the stale entries
}

}  // namespace Orrery::Master

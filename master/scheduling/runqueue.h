#pragma once

#include <model/id.h>
#include <model/runstate.h>

#include <QHash>
#include <QList>
#include <QString>

#include <map>
#include <optional>
#include <utility>

namespace Orrery::Master {

// How waiting runs are ordered and admitted (issue 5, "Priorities").
//
// Order: by effective priority (P0 first), then by the time the run was queued, then by the
// order of push() (FIFO within a level). The effective priority is the declared one improved
// by one level per `ageingStepSecs` waited, but never above `ageingCap` (P1 by default: ageing
// never makes a run urgent, and a P0 is never overtaken by an aged run). With the default of
// 10 minutes a P3 counts as P2 after 10 minutes and as P1 after 20; a P2 as P1 after 10.
// ageingStepSecs <= 0 disables ageing.
//
// Admission (admission()): a run whose *effective* priority is P3 is admitted only while the
// fleet utilisation (running / capacity) is below `p3MaxUtilisation` (0.5); so a P3 waits for
// an idle fleet for one ageing step at most, then competes as P2 (it cannot starve). Runs
// below P0 are held while `globalMaxRunning` runs are running (0 = no global limit); a P0 is
// never held by the global limit (it preempts instead, preemption.h). The per-node limit is
// the node's max_parallel, applied by dispatch().
struct QueuePolicy
{
    qint64 ageingStepSecs = 600;
    Priority ageingCap = Priority::P1;
    double p3MaxUtilisation = 0.5;
    int globalMaxRunning = 0;
};

struct WaitingRun
{
    RunId run;
    Priority priority = Priority::P2;  // as declared by the job
    qint64 queuedMs = 0;

    friend bool operator==(const WaitingRun &, const WaitingRun &) = default;
};

// Runs in flight and slots of the connected, non-draining nodes (sum of max_parallel).
struct FleetLoad
{
    int running = 0;
    int capacity = 0;

    double utilisation() const { return capacity > 0 ? double(running) / capacity : 1.0; }
};

// The effective priority of a run of `declared` priority queued at queuedMs, at nowMs.
Priority effectivePriority(Priority declared, qint64 queuedMs, qint64 nowMs,
                           const QueuePolicy &policy);

// The waiting runs. Pure, no I/O; push/remove O(log n), ordered() O(n) (a merge of the four
// per-level lists, which are already in effective order because ageing follows queue time).
class RunQueue final
{
public:
    // Adds the run (or replaces its entry when it is already queued: a requeued run keeps its
    // place only if the caller passes its original queuedMs).
    void push(const WaitingRun &run);
    bool remove(RunId run);
    bool contains(RunId run) const { return m_index.contains(run); }
    qsizetype size() const { return m_index.size(); }
    bool isEmpty() const { return m_index.isEmpty(); }

    // The runs in the order to try them at nowMs, at most `limit` (-1 = all).
    QList<WaitingRun> ordered(qint64 nowMs, const QueuePolicy &policy, qsizetype limit = -1) const;

    // Empty when `run` may be dispatched now under `load`; otherwise why it waits
    // ("fleet utilisation 62 % is not below 50 %: P3 runs wait for an idle fleet",
    // "the global limit of 20 running runs is reached").
    static std::optional<QString> admission(const WaitingRun &run, const FleetLoad &load,
                                            qint64 nowMs, const QueuePolicy &policy);

private:
    using Key = std::pair<qint64, quint64>;  // (queuedMs, push sequence)
    std::map<Key, WaitingRun> m_levels[4];
    QHash<RunId, std::pair<int, Key>> m_index;
    quint64 m_sequence = 0;
};

}  // namespace Orrery::Master

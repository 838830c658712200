#pragma once

#include "id.h"
#include "runstate.h"

#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace Orrery {

// Where something was defined in a file (1-based; 0 = not from a file). Validators copy it
// into their errors so the user sees file:line:col.
struct SourceLocation
{
    int line = 0;
    int column = 0;
    friend bool operator==(const SourceLocation &, const SourceLocation &) = default;
};

// Order dependency: run after `job` ended with the required status.
enum class DependencyStatus { Success, Failed, Finished };
QString dependencyStatusName(DependencyStatus s); // "success" | "failed" | "finished"
std::optional<DependencyStatus> dependencyStatusFromName(const QString &name);

struct Dependency
{
    QString job;
    DependencyStatus status = DependencyStatus::Success;
    SourceLocation location;

    friend bool operator==(const Dependency &a, const Dependency &b)
    {
        return a.job == b.job && a.status == b.status; // location is not part of the value
    }
};

// A named lock (`database_lock: primary_db`): holders of the same (kind, name) never
// overlap beyond the lock's capacity.
struct ResourceLock
{
    QString kind; // "database_lock"
    QString name; // "primary_db"
    SourceLocation location;

    QString key() const { return kind + u':' + name; }
    friend bool operator==(const ResourceLock &a, const ResourceLock &b)
    {
        return a.kind == b.kind && a.name == b.name;
    }
};

struct RetryPolicy
{
    int count = 0;              // retries after the first attempt (seed: retry_times)
    qint64 delaySecs = 0;       // delay before the first retry
    double backoff = 1.0;       // multiplier per further retry (1 = constant delay)
    qint64 maxDelaySecs = 0;    // cap on the delay, 0 = no cap
    friend bool operator==(const RetryPolicy &, const RetryPolicy &) = default;
};

enum class DispatchStrategy { Default, RoundRobin, WeightedRoundRobin, LeastRunning, ResourceAware, Broadcast };
QString dispatchStrategyName(DispatchStrategy s); // "default", "round_robin", ...
std::optional<DispatchStrategy> dispatchStrategyFromName(const QString &name);

enum class ResourceKind { Unspecified, Cpu, Io, Memory };
QString resourceKindName(ResourceKind k); // "", "cpu", "io", "memory"
std::optional<ResourceKind> resourceKindFromName(const QString &name);

enum class JobWeight { Light, Heavy };
QString jobWeightName(JobWeight w); // "light" | "heavy"
std::optional<JobWeight> jobWeightFromName(const QString &name);

enum class ConcurrencyPolicy { Forbid, Allow, Replace };
QString concurrencyPolicyName(ConcurrencyPolicy p); // "forbid" | "allow" | "replace"
std::optional<ConcurrencyPolicy> concurrencyPolicyFromName(const QString &name);

enum class MisfirePolicy { FireOnce, Skip, CatchUp };
QString misfirePolicyName(MisfirePolicy p); // "fire_once" | "skip" | "catch_up"
std::optional<MisfirePolicy> misfirePolicyFromName(const QString &name);

// Time dependency "between HH:MM and HH:MM" in the job's zone, as minutes after local
// midnight; end <= start crosses midnight (22:00-02:00). Evaluated by Cron::timeGate().
struct DailyWindow
{
    int startMinute = 0;
    int endMinute = 0;
    friend bool operator==(const DailyWindow &, const DailyWindow &) = default;
};

// What a run does when its window has closed before it could start.
enum class WindowClosedPolicy { Wait, Skip };
QString windowClosedPolicyName(WindowClosedPolicy p); // "wait" | "skip"
std::optional<WindowClosedPolicy> windowClosedPolicyFromName(const QString &name);

// How long a check command may run when the job gives no check_timeout.
inline constexpr qint64 kDefaultCheckTimeoutSecs = 60;

// A job (the seed calls it a task): a command with a schedule and/or dependencies.
struct Job
{
    JobId id;
    QString name;
    QString description;
    QString schedule;            // cron text, empty = triggered by dependencies or by hand
    QString timeZone;            // IANA name, empty = the master's zone
    QString command;             // run through /bin/sh -c
    QString workingDirectory;
    QMap<QString, QString> environment;
    QString runAs;
    qint64 timeoutSecs = 0;      // 0 = no timeout
    RetryPolicy retry;
    Priority priority = Priority::P2;
    QList<Dependency> dependencies;
    QList<ResourceLock> resources;
    QMap<QString, QString> labels; // node selector: every label must match
    DispatchStrategy strategy = DispatchStrategy::Default;
    ResourceKind resourceKind = ResourceKind::Unspecified;
    JobWeight weight = JobWeight::Light;
    ConcurrencyPolicy concurrency = ConcurrencyPolicy::Forbid;
    MisfirePolicy misfire = MisfirePolicy::FireOnce;
    int misfireLimit = 10;       // bound for catch_up
    std::optional<int> notBeforeMinute;  // time dependency "not before HH:MM" (local minutes)
    std::optional<DailyWindow> window;   // time dependency "between HH:MM and HH:MM"
    WindowClosedPolicy windowClosed = WindowClosedPolicy::Wait;
    QString condition;           // condition dependency (Dag::Condition syntax), empty = none
    // Condition dependency by a command: run through /bin/sh -c on the job's node just before
    // `command`, with its environment, directory and user; exit 0 runs the command, anything
    // else (or the timeout) ends the run `skipped`. Empty = none.
    QString check;
    qint64 checkTimeoutSecs = 0; // 0 = kDefaultCheckTimeoutSecs
    bool enabled = true;
    SourceLocation location;     // where `name` was defined

    friend bool operator==(const Job &a, const Job &b);
};

} // namespace Orrery

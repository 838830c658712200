#include "job.h"

#include <array>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

namespace {
// One table per enum: the enum value and its word in YAML and the protocol.
template<typename E, size_t N>
QString nameOf(const std::array<std::pair<E, const char16_t *>, N> &table, E value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString::fromUtf16(name);
    }
    return QString();
}

template<typename E, size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char16_t *>, N> &table, const QString &name)
{
    const QString n = name.trimmed().toLower();
    for (const auto &[e, word] : table) {
        if (n == QStringView(word))
            return e;
    }
    return std::nullopt;
}

constexpr std::array<std::pair<DependencyStatus, const char16_t *>, 3> kDependencyStatus{{
    {DependencyStatus::Success, u"success"},
    {DependencyStatus::Failed, u"failed"},
    {DependencyStatus::Finished, u"finished"},
}};
constexpr std::array<std::pair<DispatchStrategy, const char16_t *>, 6> kStrategy{{
    {DispatchStrategy::Default, u"default"},
    {DispatchStrategy::RoundRobin, u"round_robin"},
    {DispatchStrategy::WeightedRoundRobin, u"weighted_round_robin"},
    {DispatchStrategy::LeastRunning, u"least_running"},
    {DispatchStrategy::ResourceAware, u"resource_aware"},
    {DispatchStrategy::Broadcast, u"broadcast"},
}};
constexpr std::array<std::pair<ResourceKind, const char16_t *>, 4> kResourceKind{{
    {ResourceKind::Unspecified, u""},
    {ResourceKind::Cpu, u"cpu"},
    {ResourceKind::Io, u"io"},
    {ResourceKind::Memory, u"memory"},
}};
constexpr std::array<std::pair<JobWeight, const char16_t *>, 2> kWeight{{
    {JobWeight::Light, u"light"},
    {JobWeight::Heavy, u"heavy"},
}};
constexpr std::array<std::pair<ConcurrencyPolicy, const char16_t *>, 3> kConcurrency{{
    {ConcurrencyPolicy::Forbid, u"forbid"},
    {ConcurrencyPolicy::Allow, u"allow"},
    {ConcurrencyPolicy::Replace, u"replace"},
}};
constexpr std::array<std::pair<MisfirePolicy, const char16_t *>, 3> kMisfire{{
    {MisfirePolicy::FireOnce, u"fire_once"},
    {MisfirePolicy::Skip, u"skip"},
    {MisfirePolicy::CatchUp, u"catch_up"},
}};
constexpr std::array<std::pair<WindowClosedPolicy, const char16_t *>, 2> kWindowClosed{{
    {WindowClosedPolicy::Wait, u"wait"},
    {WindowClosedPolicy::Skip, u"skip"},
}};
} // namespace

QString windowClosedPolicyName(WindowClosedPolicy p) { return nameOf(kWindowClosed, p); }
std::optional<WindowClosedPolicy> windowClosedPolicyFromName(const QString &n) { return valueOf(kWindowClosed, n); }
QString dependencyStatusName(DependencyStatus s) { return nameOf(kDependencyStatus, s); }
std::optional<DependencyStatus> dependencyStatusFromName(const QString &n) { return valueOf(kDependencyStatus, n); }
QString dispatchStrategyName(DispatchStrategy s) { return nameOf(kStrategy, s); }
std::optional<DispatchStrategy> dispatchStrategyFromName(const QString &n) { return valueOf(kStrategy, n); }
QString resourceKindName(ResourceKind k) { return nameOf(kResourceKind, k); }
std::optional<ResourceKind> resourceKindFromName(const QString &n) { return valueOf(kResourceKind, n); }
QString jobWeightName(JobWeight w) { return nameOf(kWeight, w); }
std::optional<JobWeight> jobWeightFromName(const QString &n) { return valueOf(kWeight, n); }
QString concurrencyPolicyName(ConcurrencyPolicy p) { return nameOf(kConcurrency, p); }
std::optional<ConcurrencyPolicy> concurrencyPolicyFromName(const QString &n) { return valueOf(kConcurrency, n); }
QString misfirePolicyName(MisfirePolicy p) { return nameOf(kMisfire, p); }
std::optional<MisfirePolicy> misfirePolicyFromName(const QString &n) { return valueOf(kMisfire, n); }

bool operator==(const Job &a, const Job &b)
{
    return a.id == b.id && a.name == b.name && a.description == b.description
           && a.schedule == b.schedule && a.timeZone == b.timeZone && a.command == b.command
           && a.workingDirectory == b.workingDirectory && a.environment == b.environment
           && a.runAs == b.runAs && a.timeoutSecs == b.timeoutSecs && a.retry == b.retry
           && a.priority == b.priority && a.dependencies == b.dependencies
           && a.resources == b.resources && a.labels == b.labels && a.strategy == b.strategy
           && a.resourceKind == b.resourceKind && a.weight == b.weight
           && a.concurrency == b.concurrency && a.misfire == b.misfire
           && a.misfireLimit == b.misfireLimit && a.enabled == b.enabled
           && a.notBeforeMinute == b.notBeforeMinute && a.window == b.window
           && a.windowClosed == b.windowClosed && a.condition == b.condition
           && a.check == b.check && a.checkTimeoutSecs == b.checkTimeoutSecs;
}

} // namespace Orrery

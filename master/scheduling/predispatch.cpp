#include "predispatch.h"

#include <algorithm>
#include <cstdlib>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

QString predispatchVetoName(PredispatchVeto veto)
{
    switch (veto) {
    case PredispatchVeto::None:
        return u"none"_s;
    case PredispatchVeto::Off:
        return u"off"_s;
    case PredispatchVeto::Disabled:
        return u"disabled"_s;
    case PredispatchVeto::Pipeline:
        return u"pipeline"_s;
    case PredispatchVeto::NoCommand:
        return u"no_command"_s;
    case PredispatchVeto::Broadcast:
        return u"broadcast"_s;
    case PredispatchVeto::ResourceLocks:
        return u"resource_locks"_s;
    case PredispatchVeto::TimeDependency:
        return u"time_dependency"_s;
    case PredispatchVeto::ActiveRun:
        return u"active_run"_s;
    }
    return u"none"_s;
}

PredispatchVeto predispatchVeto(const Job &job, bool inPipeline, int activeRuns,
                                const PredispatchPolicy &policy)
{
    if (policy.leadMs <= 0)
        return PredispatchVeto::Off;
    if (!job.enabled)
        return PredispatchVeto::Disabled;
    if (inPipeline || !job.dependencies.isEmpty())
        return PredispatchVeto::Pipeline;
    if (job.command.trimmed().isEmpty())
        return PredispatchVeto::NoCommand;
    if (job.strategy == DispatchStrategy::Broadcast)
        return PredispatchVeto::Broadcast;
    if (!job.resources.isEmpty())
        return PredispatchVeto::ResourceLocks;
    if (job.notBeforeMinute || job.window)
        return PredispatchVeto::TimeDependency;
    if (activeRuns > 0 && job.concurrency != ConcurrencyPolicy::Allow)
        return PredispatchVeto::ActiveRun;
    return PredispatchVeto::None;
}

qint64 agentStartAtMs(qint64 fireMs, qint64 skewMs, const PredispatchPolicy &policy)
{
    if (std::llabs(skewMs) < policy.skewDeadbandMs)
        return fireMs;
    return std::max<qint64>(1, fireMs + skewMs);
}

void addClockSkewSample(QList<qint64> &samples, qint64 sampleMs, qsizetype keep)
{
    samples.append(sampleMs);
    if (keep > 0 && samples.size() > keep)
        samples.remove(0, samples.size() - keep);
}

qint64 estimateClockSkew(const QList<qint64> &samples)
{
    if (samples.isEmpty())
        return 0;
    return *std::max_element(samples.cbegin(), samples.cend());
}

HeldRunFate heldRunFate(qint64 startAtMs, qint64 nowMs)
{
    return startAtMs > nowMs ? HeldRunFate::Redispatch : HeldRunFate::Lost;
}

}  // namespace Orrery::Master

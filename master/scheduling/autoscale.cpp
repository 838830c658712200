#include "autoscale.h"

#include <QCoreApplication>

#include <tuple>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

QString durationText(qint64 secs)
{
    if (secs % 3600 == 0 && secs >= 3600)
        return Tr::tr("%1 h").arg(secs / 3600);
    if (secs % 60 == 0 && secs >= 60)
        return Tr::tr("%1 min").arg(secs / 60);
    return Tr::tr("%1 s").arg(secs);
}

}  // namespace

QString autoscaleActionName(AutoscaleDecision::Action action)
{
    switch (action) {
    case AutoscaleDecision::Action::None:
        return u"none"_s;
    case AutoscaleDecision::Action::ScaleOut:
        return u"scale_out"_s;
    case AutoscaleDecision::Action::ScaleIn:
        return u"scale_in"_s;
    }
    return {};
}

std::optional<double> fleetCpu(const QList<NodeCandidate> &nodes)
{
    double sum = 0;
    int count = 0;
    for (const NodeCandidate &n : nodes) {
        if (n.connected && n.cpuPercent) {
            sum += *n.cpuPercent;
            ++count;
        }
    }
    if (count == 0)
        return std::nullopt;
    return sum / count;
}

template<typename Test>
bool Autoscaler::sustained(qint64 nowMs, Test test) const
{
    // observe() keeps exactly one sample at or before the window's start (the value in force
    // when the window began) and every later one.
    const qint64 windowStart = nowMs - m_policy.cpuWindowSecs * 1000;
    if (m_samples.empty() || m_samples.front().atMs > windowStart)
        return false;
    for (const Sample &s : m_samples) {
        if (!test(s.cpu))
            return false;
    }
    return true;
}

AutoscaleDecision Autoscaler::observe(const FleetSnapshot &snapshot)
{
    const qint64 now = snapshot.atMs;
    const std::optional<double> cpu = fleetCpu(snapshot.nodes);
    if (cpu) {
        m_samples.push_back(Sample{now, *cpu});
    } else {
        m_samples.clear();  // no report: the CPU rule cannot be "sustained" across the gap
    }
    // Keep one sample at or before the window's start, drop older ones.
    const qint64 windowStart = now - m_policy.cpuWindowSecs * 1000;
    while (m_samples.size() > 1 && m_samples.at(1).atMs <= windowStart)
        m_samples.pop_front();

    AutoscaleDecision d;
    if (snapshot.queueLength > m_policy.queueLengthAbove)
        d.triggers.append(Tr::tr("queue length %1 > %2")
                                  .arg(snapshot.queueLength)
                                  .arg(m_policy.queueLengthAbove));
    if (snapshot.queueLength > 0 && snapshot.averageWaitMs > m_policy.averageWaitAboveSecs * 1000)
        d.triggers.append(Tr::tr("average wait %1 > %2")
                                  .arg(durationText(snapshot.averageWaitMs / 1000),
                                       durationText(m_policy.averageWaitAboveSecs)));
    if (cpu && sustained(now, [this](double c) { return c > m_policy.fleetCpuAbove; }))
        d.triggers.append(Tr::tr("fleet CPU above %1 % for %2 (now %3 %)")
                                  .arg(m_policy.fleetCpuAbove)
                                  .arg(durationText(m_policy.cpuWindowSecs))
                                  .arg(qRound(*cpu)));

    std::optional<NodeId> drain;
    if (d.triggers.isEmpty() && snapshot.queueLength == 0 && cpu
        && sustained(now, [this](double c) { return c < m_policy.scaleInCpuBelow; })) {
        const NodeCandidate *pick = nullptr;
        int active = 0;
        for (const NodeCandidate &n : snapshot.nodes) {
            if (!n.connected || n.draining)
                continue;
            ++active;
            const auto rank = [](const NodeCandidate &x) {
                return std::tuple(x.running, x.cpuPercent.value_or(100.0), -x.id.value());
            };
            if (!pick || rank(n) < rank(*pick))
                pick = &n;
        }
        if (pick && active > m_policy.minNodes) {
            d.triggers.append(Tr::tr("queue empty and fleet CPU below %1 % for %2 (now %3 %)")
                                      .arg(m_policy.scaleInCpuBelow)
                                      .arg(durationText(m_policy.cpuWindowSecs))
                                      .arg(qRound(*cpu)));
            drain = pick->id;
        }
    }
    if (d.triggers.isEmpty()) {
        d.summary = Tr::tr("no trigger");
        return d;
    }
    const auto wanted
            = drain ? AutoscaleDecision::Action::ScaleIn : AutoscaleDecision::Action::ScaleOut;
    const QString what = wanted == AutoscaleDecision::Action::ScaleIn ? Tr::tr("scale in")
                                                                      : Tr::tr("scale out");
    if (m_lastActionMs && now < *m_lastActionMs + m_policy.cooldownSecs * 1000) {
        d.heldByCooldown = true;
        d.cooldownUntilMs = *m_lastActionMs + m_policy.cooldownSecs * 1000;
        d.summary = Tr::tr("%1 held by the cooldown (%2 left): %3")
                            .arg(what, durationText((d.cooldownUntilMs - now + 999) / 1000),
                                 d.triggers.join(u"; "_s));
        return d;
    }
    d.action = wanted;
    d.drain = drain;
    m_lastActionMs = now;
    d.summary = what + u": "_s + d.triggers.join(u"; "_s);
    if (drain)
        d.summary += Tr::tr("; drain node %1").arg(drain->value());
    return d;
}

}  // namespace Orrery::Master

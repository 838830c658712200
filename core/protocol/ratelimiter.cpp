#include "ratelimiter.h"

#include "jsonreader.h"

#include <algorithm>
#include <cmath>

namespace Orrery::Protocol {

RateLimiter::RateLimiter(double capacity, double refillPerSecond, qint64 nowMs)
    : m_capacity(std::max(0.0, capacity))
    , m_refillPerSecond(std::max(0.0, refillPerSecond))
    , m_tokens(m_capacity)
    , m_lastMs(nowMs)
{
}

double RateLimiter::tokensAt(qint64 nowMs) const
{
    if (nowMs <= m_lastMs)
        return m_tokens;
    // Multiply before dividing so that whole milliseconds give exact token counts.
    const double gained = double(nowMs - m_lastMs) * m_refillPerSecond / 1000.0;
    return std::min(m_capacity, m_tokens + gained);
}

void RateLimiter::refill(qint64 nowMs)
{
    m_tokens = tokensAt(nowMs);
    m_lastMs = std::max(m_lastMs, nowMs);
}

bool RateLimiter::tryAcquire(qint64 nowMs, double cost)
{
    refill(nowMs);
    if (m_tokens < cost)
        return false;
    m_tokens -= cost;
    return true;
}

Result<void> RateLimiter::acquire(qint64 nowMs, double cost)
{
    if (tryAcquire(nowMs, cost))
        return {};
    const qint64 wait = msUntilAvailable(nowMs, cost);
    return makeError(ErrorCode::RateLimited,
                     wait < 0 ? Tr::tr("too many messages")
                              : Tr::tr("too many messages; retry in %1 ms").arg(wait));
}

double RateLimiter::available(qint64 nowMs) const
{
    return tokensAt(nowMs);
}

qint64 RateLimiter::msUntilAvailable(qint64 nowMs, double cost) const
{
    const double tokens = tokensAt(nowMs);
    if (tokens >= cost)
        return 0;
    if (cost > m_capacity || m_refillPerSecond <= 0)
        return -1;
    return qint64(std::ceil((cost - tokens) * 1000.0 / m_refillPerSecond));
}

}  // namespace Orrery::Protocol

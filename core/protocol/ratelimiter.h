#pragma once

#include <model/result.h>

#include <QtGlobal>

namespace Orrery::Protocol {

// A token bucket: holds up to `capacity` tokens, gains `refillPerSecond` tokens per second,
// and each message takes one. Pure: the caller passes the time (ms, e.g. Clock::nowMs() or a
// monotonic timer), so tests move time by hand. A clock that steps back adds nothing.
class RateLimiter final
{
public:
    // Starts full at nowMs.
    RateLimiter(double capacity, double refillPerSecond, qint64 nowMs);

    // Takes `cost` tokens if there are that many; otherwise takes nothing and returns false.
    bool tryAcquire(qint64 nowMs, double cost = 1);
    // tryAcquire as a Result: RateLimited with the wait in the message when refused.
    Result<void> acquire(qint64 nowMs, double cost = 1);

    double available(qint64 nowMs) const;
    // Milliseconds until `cost` tokens are available (0 if they are now; -1 if never, i.e.
    // cost > capacity or no refill).
    qint64 msUntilAvailable(qint64 nowMs, double cost = 1) const;

    double capacity() const { return m_capacity; }
    double refillPerSecond() const { return m_refillPerSecond; }

private:
    double tokensAt(qint64 nowMs) const;
    void refill(qint64 nowMs);

    double m_capacity;
    double m_refillPerSecond;
    double m_tokens;
    qint64 m_lastMs;
};

}  // namespace Orrery::Protocol

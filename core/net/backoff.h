#pragma once

#include <QtGlobal>

namespace Orrery::Net {

// Exponential backoff with jitter for reconnects. Pure: the caller passes the random draw.
struct Backoff
{
    qint64 initialMs = 500;
    qint64 maxMs = 30000;
    double factor = 2.0;
    double jitter = 0.2;  // +/- this share of the delay

    // Delay before reconnect attempt `attempt` (1 = the first after a loss):
    // min(maxMs, initialMs * factor^(attempt-1)) scaled by (1 + jitter * (2*random01 - 1)),
    // never below 0 and never above maxMs * (1 + jitter). random01 in [0, 1).
    qint64 delayMs(int attempt, double random01) const;
};

}  // namespace Orrery::Net

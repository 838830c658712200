#include "backoff.h"

#include <algorithm>
#include <cmath>

namespace Orrery::Net {

qint64 Backoff::delayMs(int attempt, double random01) const
{
    const double initial = double(std::max<qint64>(0, initialMs));
    const double cap = double(std::max<qint64>(0, maxMs));
    const double growth = std::max(1.0, factor);
    const double share = std::clamp(jitter, 0.0, 1.0);
    const double draw = std::clamp(random01, 0.0, 1.0);

    // initial * factor^(attempt-1) overflows to inf for large attempts; min() caps it first.
    const int exponent = std::max(0, attempt - 1);
    const double base = std::min(cap, initial * std::pow(growth, double(exponent)));
    const double scaled = base * (1.0 + share * (2.0 * draw - 1.0));
    const double bounded = std::clamp(scaled, 0.0, cap * (1.0 + share));
    return qint64(std::llround(bounded));
}

}  // namespace Orrery::Net

#pragma once

#include "result.h"

#include <QString>

namespace Orrery {

// Parses a duration: a plain number of seconds ("3600") or one or more number+unit parts
// ("90s", "30m", "2h", "1d", "1h30m"). Units: s, m, h, d, w. Returns whole seconds, > 0
// unless allowZero. The error column is 1-based inside the text.
Result<qint64> parseDuration(const QString &text, bool allowZero = false);

// The shortest exact form: 7200 -> "2h", 5400 -> "1h30m", 45 -> "45s", 0 -> "0s".
QString formatDuration(qint64 seconds);

} // namespace Orrery

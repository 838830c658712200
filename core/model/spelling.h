#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

namespace Orrery {

// Edit distance with transpositions (optimal string alignment), ignoring case. Returns
// limit + 1 as soon as the distance is known to exceed `limit`; the work is
// O(length * limit), so names of any length are cheap to compare.
int editDistance(QStringView a, QStringView b, int limit);

// The candidate that `word` is most likely a typo of (at most two edits, and no more than a
// third of the longer word), or empty. Candidates equal to `word` are passed over; one that
// differs only in case is a match. Used for the "did you mean" of config and DAG errors.
QString closestMatch(QStringView word, const QStringList &candidates);

}  // namespace Orrery

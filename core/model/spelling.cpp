#include "spelling.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <vector>

namespace Orrery {

int editDistance(QStringView a, QStringView b, int limit)
{
    limit = std::clamp(limit, 0, std::numeric_limits<int>::max() / 2);
    const int cap = limit + 1;
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    if (std::abs(n - m) > limit)
        return cap;
    const auto same = [&a, &b](qsizetype i, qsizetype j) {
        return a.at(i).toCaseFolded() == b.at(j).toCaseFolded();
    };
    // Three rows (the transposition looks two rows back); only the band |i - j| <= limit is
    // computed, every cell outside it counts as `cap`.
    std::vector<int> before(size_t(m) + 1, cap);
    std::vector<int> previous(size_t(m) + 1, cap);
    std::vector<int> current(size_t(m) + 1, cap);
    for (qsizetype j = 0; j <= std::min<qsizetype>(m, limit); ++j)
        previous[size_t(j)] = int(j);
    for (qsizetype i = 1; i <= n; ++i) {
        const qsizetype lo = std::max<qsizetype>(1, i - limit);
        const qsizetype hi = std::min<qsizetype>(m, i + limit);
        current[0] = i <= limit ? int(i) : cap;
        current[size_t(lo - 1)] = lo == 1 ? current[0] : cap;
        if (hi < m)
            current[size_t(hi + 1)] = cap;
        int rowMin = lo == 1 ? current[0] : cap;
        for (qsizetype j = lo; j <= hi; ++j) {
            int v = std::min({previous[size_t(j)] + 1, current[size_t(j - 1)] + 1,
                              previous[size_t(j - 1)] + (same(i - 1, j - 1) ? 0 : 1)});
            if (i > 1 && j > 1 && same(i - 1, j - 2) && same(i - 2, j - 1))
                v = std::min(v, before[size_t(j - 2)] + 1);
            v = std::min(v, cap);
            current[size_t(j)] = v;
            rowMin = std::min(rowMin, v);
        }
        if (rowMin >= cap)
            return cap;
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return std::min(previous[size_t(m)], cap);
}

QString closestMatch(QStringView word, const QStringList &candidates)
{
    constexpr int kMaxEdits = 2;
    QString best;
    int bestDistance = kMaxEdits + 1;
    for (const QString &candidate : candidates) {
        if (candidate == word)
            continue;
        const int d = editDistance(word, candidate, kMaxEdits);
        // A typo: at most two edits, and no more than a third of the longer word.
        if (d < bestDistance && d * 3 <= std::max(word.size(), candidate.size())) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

}  // namespace Orrery

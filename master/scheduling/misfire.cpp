#include "misfire.h"

#include <algorithm>

namespace Orrery::Master {

// Whole Unix seconds at or before `ms` (cron fires on whole seconds).
static qint64 floorSecs(qint64 ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

QList<QDateTime> missedFires(const Cron::CronExpression &schedule, const QTimeZone &zone,
                             const QDateTime &lastFire, const QDateTime &now, MisfirePolicy policy,
                             int limit)
{
    QList<QDateTime> fires;
    if (policy == MisfirePolicy::Skip || !schedule.isValid() || !lastFire.isValid()
        || !now.isValid() || now <= lastFire)
        return fires;

    const QTimeZone outZone = zone.isValid() ? zone : schedule.timeZone();
    const auto toDateTime
            = [&outZone](qint64 secs) { return QDateTime::fromSecsSinceEpoch(secs, outZone); };
    // A fire at whole second s is missed when lastFire < s <= now, that is
    // floor(lastFire) < s <= floor(now) (s is whole, the bounds may carry milliseconds).
    const qint64 afterSecs = floorSecs(lastFire.toMSecsSinceEpoch());
    const qint64 lastSecs = floorSecs(now.toMSecsSinceEpoch());
    if (lastSecs <= afterSecs)
        return fires;

    switch (policy) {
    case MisfirePolicy::Skip:
        break;
    case MisfirePolicy::FireOnce:
        if (const auto latest = schedule.previousSecs(lastSecs + 1); latest && *latest > afterSecs)
            fires.append(toDateTime(*latest));
        break;
    case MisfirePolicy::CatchUp: {
        // Walk back from now: the newest `limit` fires are kept, and the walk stops at the
        // first instant at or before lastFire, so an outage of a year under `* * * * * *`
        // costs `limit` steps, not 31 million.
        if (limit <= 0)
            break;
        qint64 before = lastSecs + 1;
        while (fires.size() < limit) {
            const auto previous = schedule.previousSecs(before);
            if (!previous || *previous <= afterSecs)
                break;
            fires.append(toDateTime(*previous));
            before = *previous;
        }
        std::reverse(fires.begin(), fires.end());
        break;
    }
    }
    return fires;
}

}  // namespace Orrery::Master

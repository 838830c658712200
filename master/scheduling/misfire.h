#pragma once

#include <cron/cronexpression.h>
#include <model/job.h>

#include <QDateTime>
#include <QList>
#include <QTimeZone>

namespace Orrery::Master {

// Which of the fires a job missed while the master was down are run now.
// `lastFire` is the last instant the job was fired (or when it was scheduled, if never);
// the missed fires are the schedule's instants in (lastFire, now]. Per policy:
//  - FireOnce: the latest missed instant only (one run), if any was missed;
//  - Skip: none;
//  - CatchUp: every missed instant, oldest first, at most `limit` (the newest ones are kept
//    when there are more: a run for a fire hours ago is worth less than a recent one).
// The instants are returned in `zone` (the schedule's own zone when `zone` is invalid).
// Nothing is missed when now <= lastFire or either is invalid; CatchUp with limit <= 0 runs none.
// Pure; bounded work even for `* * * * * *` over a long outage (never more than limit+1
// instants are computed for CatchUp; FireOnce uses previous()).
QList<QDateTime> missedFires(const Cron::CronExpression &schedule, const QTimeZone &zone,
                             const QDateTime &lastFire, const QDateTime &now, MisfirePolicy policy,
                             int limit);

}  // namespace Orrery::Master

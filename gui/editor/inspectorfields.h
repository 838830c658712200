#pragma once

#include <model/job.h>
#include <model/result.h>

#include <QDateTime>
#include <QMap>
#include <QStringList>

namespace Orrery::Editor {

// The inspector's one-line text forms of a job's maps and lists, and their parsers (pure, so
// that they are tested directly). Errors carry the 1-based column of the bad item.

// "role=etl, zone=cn-east"
QString labelsToText(const QMap<QString, QString> &labels);
Result<QMap<QString, QString>> labelsFromText(const QString &text);

// "database_lock:primary_db, api_quota:partner"
QString locksToText(const QList<ResourceLock> &locks);
Result<QList<ResourceLock>> locksFromText(const QString &text);

// "extract (success), cleanup (failed)"
QString dependenciesToText(const QList<Dependency> &dependencies);

// The next `count` fire times of `schedule` after `from`, in the schedule's zone (`zone` empty
// = the system zone), and the human explanation: {explanation, time, time, ...}.
struct SchedulePreview
{
    QString explanation;
    QList<QDateTime> nextFires;
};
Result<SchedulePreview> previewSchedule(const QString &schedule, const QString &zone,
                                        const QDateTime &from, int count, bool chinese);

}  // namespace Orrery::Editor

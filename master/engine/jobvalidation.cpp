#include "jobvalidation.h"

#include <QCoreApplication>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Master)
};

Error fieldError(ErrorCode code, const QString &field, const QString &message, int column = 0)
{
    Error e = makeError(code, message, 0, column);
    e.file = field;
    return e;
}

}  // namespace

Result<QTimeZone> ZoneCache::zone(const QString &name)
{
    const auto it = m_zones.constFind(name);
    if (it != m_zones.cend())
        return *it;
    auto zone = Cron::timeZoneFromName(name);
    if (zone && !name.isEmpty())
        m_zones.insert(name, *zone);
    return zone;
}

Cron::CronExpression ScheduleCache::share(const Cron::CronExpression &schedule)
{
    if (!schedule.isValid())
        return schedule;
    const QString key = QString::fromUtf8(schedule.timeZone().id()) + u'\n' + schedule.text();
    const auto it = m_schedules.constFind(key);
    if (it != m_schedules.cend())
        return *it;
    if (m_schedules.size() >= m_pruneAt) {
        prune();
        m_pruneAt = std::max<qsizetype>(1024, 2 * m_schedules.size());
    }
    m_schedules.insert(key, schedule);
    return schedule;
}

void ScheduleCache::prune()
{
    for (auto it = m_schedules.begin(); it != m_schedules.end();) {
        if (it->isShared())
            ++it;
        else
            it = m_schedules.erase(it);
    }
}

Result<CheckedJob> checkJob(const Job &job, const JobCheckOptions &options)
{
    if (job.name.trimmed().isEmpty())
        return fieldError(ErrorCode::MissingField, u"name"_s, Tr::tr("a task needs a name"));
    if (job.name.size() > 255 || job.name.contains(u'\n') || job.name.trimmed() != job.name)
        return fieldError(ErrorCode::InvalidValue, u"name"_s,
                          Tr::tr("a task name is one line of at most 255 characters without "
                                 "leading or trailing spaces"));
    bool digitsOnly = true;
    for (const QChar c : job.name)
        digitsOnly = digitsOnly && c.isDigit();
    if (digitsOnly)
        return fieldError(ErrorCode::InvalidValue, u"name"_s,
                          Tr::tr("a task name cannot be only digits (it would read as an id)"));
    if (options.requireCommand && job.command.trimmed().isEmpty())
        return fieldError(ErrorCode::MissingField, u"command"_s, Tr::tr("a task needs a command"));
    if (job.timeoutSecs < 0)
        return fieldError(ErrorCode::InvalidValue, u"timeout"_s,
                          Tr::tr("the timeout cannot be negative"));
    if (job.retry.count < 0)
        return fieldError(ErrorCode::InvalidValue, u"retries"_s,
                          Tr::tr("the number of retries cannot be negative"));
    if (job.misfireLimit < 0)
        return fieldError(ErrorCode::InvalidValue, u"misfire_limit"_s,
                          Tr::tr("misfire_limit cannot be negative"));

    const QString zoneName = job.timeZone.isEmpty() ? options.defaultTimeZone : job.timeZone;
    auto zone = options.zones ? options.zones->zone(zoneName) : Cron::timeZoneFromName(zoneName);
    if (!zone)
        return fieldError(ErrorCode::InvalidValue, u"time_zone"_s, zone.error().message);

    CheckedJob out;
    out.zone = *zone;
    if (!job.schedule.trimmed().isEmpty()) {
        auto cron = Cron::CronExpression::parse(job.schedule, *zone);
        if (!cron)
            return fieldError(cron.error().code, u"schedule"_s, cron.error().message,
                              cron.error().column);
        out.schedule = std::move(*cron);
    }
    return out;
}

}  // namespace Orrery::Master

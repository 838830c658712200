#include "inspectorfields.h"

#include <cron/cronexpression.h>

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Editor {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Editor::Inspector)
};

// Splits "a, b ,c" at commas, with the 1-based column where each trimmed item starts.
QList<std::pair<QString, int>> items(const QString &text)
{
    QList<std::pair<QString, int>> result;
    int start = 0;
    for (int i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text.at(i) != u',')
            continue;
        const QString raw = text.mid(start, i - start);
        const QString trimmed = raw.trimmed();
        if (!trimmed.isEmpty()) {
            const int lead = int(raw.indexOf(trimmed.at(0)));
            result.append({trimmed, start + lead + 1});
        }
        start = i + 1;
    }
    return result;
}

}  // namespace

QString labelsToText(const QMap<QString, QString> &labels)
{
    QStringList parts;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        parts.append(it.key() + u'=' + it.value());
    return parts.join(u", "_s);
}

Result<QMap<QString, QString>> labelsFromText(const QString &text)
{
    QMap<QString, QString> labels;
    for (const auto &[item, column] : items(text)) {
        const qsizetype eq = item.indexOf(u'=');
        const QString key = eq < 0 ? QString() : item.left(eq).trimmed();
        if (key.isEmpty())
            return makeError(ErrorCode::InvalidValue,
                             Tr::tr("a label is written key=value: '%1'").arg(item), 1, column);
        if (labels.contains(key))
            return makeError(ErrorCode::DuplicateName,
                             Tr::tr("the label '%1' is given twice").arg(key), 1, column);
        labels.insert(key, item.mid(eq + 1).trimmed());
    }
    return labels;
}

QString locksToText(const QList<ResourceLock> &locks)
{
    QStringList parts;
    for (const ResourceLock &l : locks)
        parts.append(l.kind + u':' + l.name);
    return parts.join(u", "_s);
}

Result<QList<ResourceLock>> locksFromText(const QString &text)
{
    QList<ResourceLock> locks;
    for (const auto &[item, column] : items(text)) {
        const qsizetype colon = item.indexOf(u':');
        const QString kind = colon < 0 ? QString() : item.left(colon).trimmed();
        const QString name = colon < 0 ? QString() : item.mid(colon + 1).trimmed();
        if (kind.isEmpty() || name.isEmpty())
            return makeError(ErrorCode::InvalidValue,
                             Tr::tr("a lock is written kind:name: '%1'").arg(item), 1, column);
        ResourceLock lock{kind, name, {}};
        if (locks.contains(lock))
            return makeError(ErrorCode::DuplicateName,
                             Tr::tr("the lock '%1' is given twice").arg(lock.key()), 1, column);
        locks.append(lock);
    }
    return locks;
}

QString dependenciesToText(const QList<Dependency> &dependencies)
{
    QStringList parts;
    for (const Dependency &d : dependencies)
        parts.append(u"%1 (%2)"_s.arg(d.job, dependencyStatusName(d.status)));
    return parts.join(u", "_s);
}

Result<SchedulePreview> previewSchedule(const QString &schedule, const QString &zone,
                                        const QDateTime &from, int count, bool chinese)
{
    const Result<QTimeZone> tz = Cron::timeZoneFromName(zone);
    if (!tz)
        return tz.error();
    const Result<Cron::CronExpression> cron = Cron::CronExpression::parse(schedule, *tz);
    if (!cron)
        return cron.error();
    SchedulePreview preview;
    preview.explanation
            = cron->explain(chinese ? Cron::Language::Chinese : Cron::Language::English);
    QDateTime t = from;
    for (int i = 0; i < count; ++i) {
        const auto next = cron->next(t);
        if (!next)
            break;
        preview.nextFires.append(*next);
        t = *next;
    }
    return preview;
}

}  // namespace Orrery::Editor

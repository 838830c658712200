#pragma once

#include <model/result.h>

#include <QDateTime>
#include <QString>
#include <QTimeZone>

#include <memory>
#include <optional>

namespace Orrery::Cron {

enum class Language { English, Chinese };

// Resolves an IANA zone name ("Asia/Shanghai", "UTC"); empty = the system zone.
// InvalidValue error naming the zone when it is unknown.
Result<QTimeZone> timeZoneFromName(const QString &name);

// A parsed cron schedule in one time zone.
//
// Syntax: 5 fields (minute hour day-of-month month day-of-week) or 6 fields (second first).
// Lists, ranges, steps, JAN-DEC / SUN-SAT names, 0 and 7 = Sunday, `?`, L, L-3, LW, 15W, 5L,
// MON#2, macros @yearly @annually @monthly @weekly @daily @midnight @hourly, and @every <duration>.
// When both day-of-month and day-of-week are restricted a day matches if either matches.
// DST: see docs/cron.md.
class CronExpression final
{
public:
    CronExpression();
    ~CronExpression();
    CronExpression(const CronExpression &other);
    CronExpression &operator=(const CronExpression &other);
    CronExpression(CronExpression &&other) noexcept;
    CronExpression &operator=(CronExpression &&other) noexcept;

    // BadCron error whose message names the field and whose column is the 1-based position
    // inside `text`; NeverFires when the expression is well formed but can never match a date.
    static Result<CronExpression> parse(const QString &text,
                                        const QTimeZone &zone = QTimeZone::systemTimeZone());

    bool isValid() const;
    QString text() const;
    QTimeZone timeZone() const;

    // The first fire time strictly after `after` / the last strictly before `before`, as a
    // QDateTime in the expression's zone; std::nullopt when there is none (never loops forever).
    std::optional<QDateTime> next(const QDateTime &after) const;
    std::optional<QDateTime> previous(const QDateTime &before) const;

    // The same on Unix seconds (the fast path the scheduler uses).
    std::optional<qint64> nextSecs(qint64 afterSecs) const;
    std::optional<qint64> previousSecs(qint64 beforeSecs) const;

    // "At 02:00 every day" / "每天 02:00".
    QString explain(Language language = Language::English) const;

    // Copies share the parsed expression (it never changes): true while another copy of this
    // one exists, so that a cache of expressions can drop those only it holds.
    bool isShared() const;

private:
    struct Private;
    std::shared_ptr<const Private> d;
};

} // namespace Orrery::Cron

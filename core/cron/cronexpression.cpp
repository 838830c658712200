#include "cronexpression.h"

#include "civil.h"
#include "cronexplain.h"
#include "cronparser.h"
#include "zonetable.h"

#include <QCoreApplication>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cron {

using namespace Internal;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Cron)
};

// Inputs are clamped to a little more than the supported wall-clock range (years 1-9999) so
// that no arithmetic overflows on extreme values.
constexpr qint64 kMinInput = kMinLocalSecs - 2 * kSecsPerDay;
constexpr qint64 kMaxInput = kMaxLocalSecs + 2 * kSecsPerDay;

}  // namespace

struct CronExpression::Private
{
    QString text;
    QTimeZone zone;
    ParsedCron cron;
    bool fixedOffset = true;  // UTC or a zone without transitions
    int offset = 0;           // when fixedOffset
    std::shared_ptr<const ZoneTable> table;

    std::optional<qint64> next(qint64 after) const;
    std::optional<qint64> previous(qint64 before) const;
    std::optional<qint64> nextInZone(qint64 after) const;
    std::optional<qint64> previousInZone(qint64 before) const;
};

std::optional<qint64> CronExpression::Private::next(qint64 after) const
{
    if (after >= kMaxInput)
        return std::nullopt;
    after = std::max(after, kMinInput);
    if (const qint64 every = cron.everySecs) {
        const qint64 result = (floorDiv(after, every) + 1) * every;
        return result <= kMaxLocalSecs ? std::optional<qint64>(result) : std::nullopt;
    }
    if (fixedOffset) {
        const qint64 from = after + 1 + offset;
        const auto local = cron.schedule.nextLocal(from, from + kSearchHorizonSecs);
        return local ? std::optional<qint64>(*local - offset) : std::nullopt;
    }
    return nextInZone(after);
}

std::optional<qint64> CronExpression::Private::previous(qint64 before) const
{
    if (before <= kMinInput)
        return std::nullopt;
    before = std::min(before, kMaxInput);
    if (const qint64 every = cron.everySecs) {
        const qint64 result = floorDiv(before - 1, every) * every;
        return result >= kMinLocalSecs ? std::optional<qint64>(result) : std::nullopt;
    }
    if (fixedOffset) {
        const qint64 from = before - 1 + offset;
        const auto local = cron.schedule.previousLocal(from, from - kSearchHorizonSecs);
        return local ? std::optional<qint64>(*local - offset) : std::nullopt;
    }
    return previousInZone(before);
}

// The fire times in a zone with transitions, segment by segment of constant UTC offset:
// every instant whose wall time matches, except that for schedules with a fixed hour field
// (1) a wall time that already occurred before a backward jump does not fire again and
// (2) matching wall times skipped by a forward jump fire once, at the first instant after it.
std::optional<qint64> CronExpression::Private::nextInZone(qint64 after) const
{
    const CronSchedule &s = cron.schedule;
    qint64 from = after + 1;
    ZoneTable::Segment seg = table->segmentAt(from);
    const qint64 limit = std::min(from + seg.offset + kSearchHorizonSecs, kMaxLocalSecs);
    while (true) {
        const qint64 o = seg.offset;
        if (from + o > limit)
            return std::nullopt;
        qint64 lo = from + o;
        if (s.hourFixed) {
            if (from == seg.start && seg.newFrom < seg.start + o
                && s.nextLocal(seg.newFrom, seg.start + o - 1)) {
                return seg.start;
            }
            lo = std::max(lo, seg.newFrom);
        }
        const qint64 segmentLast = seg.end - 1 + o;
        if (const auto local = s.nextLocal(lo, std::min(segmentLast, limit)))
            return *local - o;
        if (segmentLast >= limit)
            return std::nullopt;
        seg = table->nextSegment(seg);
        from = seg.start;
    }
}

std::optional<qint64> CronExpression::Private::previousInZone(qint64 before) const
{
    const CronSchedule &s = cron.schedule;
    qint64 from = before - 1;
    ZoneTable::Segment seg = table->segmentAt(from);
    const qint64 limit = std::max(from + seg.offset - kSearchHorizonSecs, kMinLocalSecs);
    while (true) {
        const qint64 o = seg.offset;
        const qint64 segmentFirst = seg.start + o;
        const qint64 lo
                = std::max(s.hourFixed ? std::max(segmentFirst, seg.newFrom) : segmentFirst, limit);
        if (from + o >= lo) {
            if (const auto local = s.previousLocal(from + o, lo))
                return *local - o;
        }
        if (s.hourFixed && seg.newFrom < segmentFirst && segmentFirst - 1 >= limit
            && s.nextLocal(seg.newFrom, segmentFirst - 1)) {
            return seg.start;
        }
        if (segmentFirst <= limit)
            return std::nullopt;
        seg = table->previousSegment(seg);
        from = seg.end - 1;
    }
}

Result<QTimeZone> timeZoneFromName(const QString &name)
{
    if (name.isEmpty())
        return QTimeZone::systemTimeZone();
    // Only ids Qt lists (IANA names, UTC and UTC+hh:mm offsets): a free-form word would
    // otherwise be read as a POSIX TZ rule and silently behave as UTC.
    const QByteArray id = name.toUtf8();
    const QTimeZone zone(id);
    if (!zone.isValid() || !QTimeZone::isTimeZoneIdAvailable(id))
        return makeError(ErrorCode::InvalidValue, Tr::tr("unknown time zone '%1'").arg(name));
    return zone;
}

CronExpression::CronExpression() = default;
CronExpression::~CronExpression() = default;

CronExpression::CronExpression(const CronExpression &other) = default;
CronExpression &CronExpression::operator=(const CronExpression &other) = default;
CronExpression::CronExpression(CronExpression &&other) noexcept = default;
CronExpression &CronExpression::operator=(CronExpression &&other) noexcept = default;

Result<CronExpression> CronExpression::parse(const QString &text, const QTimeZone &zone)
{
    Result<ParsedCron> parsed = parseCron(text);
    if (!parsed)
        return std::move(parsed).error();

    auto parsedExpression = std::make_shared<Private>();
    Private &d = *parsedExpression;
    d.text = text;
    d.cron = std::move(parsed).value();
    // An invalid zone (a default-constructed QTimeZone) means UTC.
    d.zone = zone.isValid() ? zone : QTimeZone::utc();
    if (d.zone.hasTransitions()) {
        d.fixedOffset = false;
        d.table = zoneTableFor(d.zone);
    } else {
        d.offset = d.zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(0, Qt::UTC));
    }
    CronExpression expression;
    expression.d = std::move(parsedExpression);
    return expression;
}

bool CronExpression::isValid() const
{
    return d != nullptr;
}

bool CronExpression::isShared() const
{
    return d && d.use_count() > 1;
}

QString CronExpression::text() const
{
    return d ? d->text : QString();
}

QTimeZone CronExpression::timeZone() const
{
    return d ? d->zone : QTimeZone();
}

std::optional<QDateTime> CronExpression::next(const QDateTime &after) const
{
    if (!d || !after.isValid())
        return std::nullopt;
    // Fire times are whole seconds: strictly after 10:00:00.5 means from 10:00:01 on.
    const auto secs = d->next(floorDiv(after.toMSecsSinceEpoch(), 1000));
    if (!secs)
        return std::nullopt;
    return QDateTime::fromSecsSinceEpoch(*secs, d->zone);
}

std::optional<QDateTime> CronExpression::previous(const QDateTime &before) const
{
    if (!d || !before.isValid())
        return std::nullopt;
    // Strictly before 10:00:00.5 includes 10:00:00.
    const auto secs = d->previous(-floorDiv(-before.toMSecsSinceEpoch(), 1000));
    if (!secs)
        return std::nullopt;
    return QDateTime::fromSecsSinceEpoch(*secs, d->zone);
}

std::optional<qint64> CronExpression::nextSecs(qint64 afterSecs) const
{
    return d ? d->next(afterSecs) : std::nullopt;
}

std::optional<qint64> CronExpression::previousSecs(qint64 beforeSecs) const
{
    return d ? d->previous(beforeSecs) : std::nullopt;
}

QString CronExpression::explain(Language language) const
{
    return d ? explainCron(d->cron, d->zone, language) : QString();
}

}  // namespace Orrery::Cron

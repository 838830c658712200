#include "timewindow.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cron {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Cron)
};

constexpr int kMinutesPerDay = 24 * 60;

// Parses HH:MM at `pos` of `text`; advances pos. Error columns are 1-based in `text`.
Result<int> timeAt(const QString &text, qsizetype &pos)
{
    const auto bad = [&](qsizetype at, const QString &message) {
        return makeError(ErrorCode::InvalidValue, message, 0, int(at) + 1);
    };
    const qsizetype start = pos;
    int hours = 0;
    int digits = 0;
    while (pos < text.size() && text.at(pos).isDigit() && digits < 3) {
        hours = hours * 10 + text.at(pos).digitValue();
        ++pos;
        ++digits;
    }
    if (digits == 0 || digits > 2)
        return bad(start, Tr::tr("expected a time of day HH:MM, such as 08:00"));
    if (hours > 23)
        return bad(start, Tr::tr("hour %1 is out of range (0-23)").arg(hours));
    if (pos >= text.size() || text.at(pos) != u':')
        return bad(pos, Tr::tr("expected ':' and two digits of minutes after the hour"));
    ++pos;
    const qsizetype minuteStart = pos;
    if (pos + 2 > text.size() || !text.at(pos).isDigit() || !text.at(pos + 1).isDigit()
        || (pos + 2 < text.size() && text.at(pos + 2).isDigit()))
        return bad(minuteStart, Tr::tr("expected two digits of minutes"));
    const int minutes = text.at(pos).digitValue() * 10 + text.at(pos + 1).digitValue();
    if (minutes > 59)
        return bad(minuteStart, Tr::tr("minute %1 is out of range (00-59)").arg(minutes));
    pos += 2;
    return hours * 60 + minutes;
}

void skipSpaces(const QString &text, qsizetype &pos)
{
    while (pos < text.size() && text.at(pos).isSpace())
        ++pos;
}

bool takeWord(const QString &text, qsizetype &pos, QStringView word)
{
    if (QStringView(text).mid(pos, word.size()).compare(word, Qt::CaseInsensitive) != 0)
        return false;
    pos += word.size();
    return true;
}

// The instant of a wall time in the zone. A wall time that a DST jump skips (Qt 6.4 gives an
// invalid QDateTime for it) is read with the offset in force before the jump, which moves it
// forward by the length of the gap (02:30 on a spring-forward day in Berlin is 03:30).
QDateTime localTime(QDate date, int minute, const QTimeZone &zone)
{
    const QTime wall(minute / 60, minute % 60);
    const QDateTime t(date, wall, zone);
    if (t.isValid() && t.time() == wall)
        return t;
    const QDateTime asUtc(date, wall, QTimeZone::utc());
    const int before = zone.offsetFromUtc(asUtc.addDays(-1));
    return QDateTime::fromSecsSinceEpoch(asUtc.toSecsSinceEpoch() - before, zone);
}

struct Occurrence
{
    QDateTime start;
    QDateTime end;
};

// The first occurrence of the window whose end is after `t`.
Occurrence occurrenceAfter(const DailyWindow &w, const QDateTime &t, const QTimeZone &zone)
{
    const QDate day = t.toTimeZone(zone).date();
    const bool crosses = w.endMinute <= w.startMinute;
    for (int d = -1; d <= 1; ++d) {
        const QDate startDay = day.addDays(d);
        Occurrence o{localTime(startDay, w.startMinute, zone),
                     localTime(crosses ? startDay.addDays(1) : startDay, w.endMinute, zone)};
        if (o.end > t)
            return o;
    }
    return {};  // not reached: the occurrence starting on `day` + 1 ends after t
}

QString timeText(const QDateTime &t, const QTimeZone &zone)
{
    return t.toTimeZone(zone).toString(u"yyyy-MM-dd HH:mm"_s);
}

}  // namespace

Result<int> parseTimeOfDay(const QString &text)
{
    qsizetype pos = 0;
    skipSpaces(text, pos);
    const Result<int> t = timeAt(text, pos);
    if (!t)
        return t;
    skipSpaces(text, pos);
    if (pos != text.size())
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("unexpected '%1' after the time of day").arg(text.mid(pos)), 0,
                         int(pos) + 1);
    return t;
}

Result<DailyWindow> parseDailyWindow(const QString &text)
{
    qsizetype pos = 0;
    skipSpaces(text, pos);
    const bool between = takeWord(text, pos, u"between");
    skipSpaces(text, pos);
    const Result<int> start = timeAt(text, pos);
    if (!start)
        return start.error();
    skipSpaces(text, pos);
    const qsizetype separator = pos;
    if (!(between ? takeWord(text, pos, u"and") : takeWord(text, pos, u"-")))
        return makeError(ErrorCode::InvalidValue,
                         between ? Tr::tr("expected 'and' between the two times")
                                 : Tr::tr("expected '-' between the two times (01:00-05:00)"),
                         0, int(separator) + 1);
    skipSpaces(text, pos);
    const qsizetype endPos = pos;
    const Result<int> end = timeAt(text, pos);
    if (!end)
        return end.error();
    skipSpaces(text, pos);
    if (pos != text.size())
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("unexpected '%1' after the window").arg(text.mid(pos)), 0,
                         int(pos) + 1);
    if (*start == *end)
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("the window starts and ends at the same time"), 0, int(endPos) + 1);
    return DailyWindow{*start, *end};
}

QString timeOfDayText(int minute)
{
    return u"%1:%2"_s.arg(minute / 60, 2, 10, QChar(u'0')).arg(minute % 60, 2, 10, QChar(u'0'));
}

QString dailyWindowText(const DailyWindow &w)
{
    return timeOfDayText(w.startMinute) + u'-' + timeOfDayText(w.endMinute);
}

TimeGate timeGate(const Job &job, const QDateTime &createdAt, const QDateTime &now,
                  const QTimeZone &zone)
{
    using State = TimeGate::State;
    if (!job.window) {
        if (!job.notBeforeMinute)
            return TimeGate{};
        const QDateTime earliest
                = localTime(createdAt.toTimeZone(zone).date(), *job.notBeforeMinute, zone);
        if (now >= earliest)
            return TimeGate{};
        return TimeGate{
                State::Wait, earliest,
                Tr::tr("waits until %1 (not before %2)")
                        .arg(timeText(earliest, zone), timeOfDayText(*job.notBeforeMinute))};
    }
    const QString window = dailyWindowText(*job.window);
    // Each pass looks at the occurrence of the window that `anchor` belongs to. A closed one
    // (or one that not_before leaves no time in) with policy Wait moves the anchor past it;
    // three passes reach the next day's window even when not_before rules out one occurrence.
    QDateTime anchor = createdAt;
    Occurrence o;
    for (int pass = 0; pass < 3; ++pass) {
        o = occurrenceAfter(*job.window, anchor, zone);
        QDateTime start = o.start;
        if (job.notBeforeMinute) {
            const QDateTime notBefore
                    = localTime(anchor.toTimeZone(zone).date(), *job.notBeforeMinute, zone);
            start = std::max(start, notBefore);
        }
        if (start < o.end) {
            if (now < start)
                return TimeGate{State::Wait, start,
                                Tr::tr("waits for its window %1 (opens %2)")
                                        .arg(window, timeText(start, zone))};
            if (now < o.end)
                return TimeGate{};
        }
        if (job.windowClosed == WindowClosedPolicy::Skip)
            return TimeGate{
                    State::Skip,
                    {},
                    Tr::tr("its window %1 closed at %2").arg(window, timeText(o.end, zone))};
        anchor = std::max(o.end, now);
    }
    o = occurrenceAfter(*job.window, anchor, zone);
    return TimeGate{
            State::Wait, o.start,
            Tr::tr("waits for its window %1 (opens %2)").arg(window, timeText(o.start, zone))};
}

}  // namespace Orrery::Cron

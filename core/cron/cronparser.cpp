#include "cronparser.h"

#include <model/duration.h>

#include <QCoreApplication>
#include <QList>

#include <algorithm>
#include <optional>
#include <variant>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cron::Internal {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Cron)
};

enum class Field { Second, Minute, Hour, DayOfMonth, Month, DayOfWeek };

struct FieldInfo
{
    int min;
    int max;      // largest value written
    int openMax;  // where '*' and "a/step" end (day-of-week: 6, 7 is only an alias of 0)
};

FieldInfo fieldInfo(Field field)
{
    switch (field) {
    case Field::Second:
        return {0, 59, 59};
    case Field::Minute:
        return {0, 59, 59};
    case Field::Hour:
        return {0, 23, 23};
    case Field::DayOfMonth:
        return {1, 31, 31};
    case Field::Month:
        return {1, 12, 12};
    case Field::DayOfWeek:
        return {0, 7, 6};
    }
    return {0, 0, 0};
}

QString fieldName(Field field)
{
    switch (field) {
    case Field::Second:
        return u"second"_s;
    case Field::Minute:
        return u"minute"_s;
    case Field::Hour:
        return u"hour"_s;
    case Field::DayOfMonth:
        return u"day-of-month"_s;
    case Field::Month:
        return u"month"_s;
    case Field::DayOfWeek:
        return u"day-of-week"_s;
    }
    return {};
}

constexpr const char16_t *kMonthNames[] = {u"JAN", u"FEB", u"MAR", u"APR", u"MAY", u"JUN",
                                           u"JUL", u"AUG", u"SEP", u"OCT", u"NOV", u"DEC"};
constexpr const char16_t *kDayNames[] = {u"SUN", u"MON", u"TUE", u"WED", u"THU", u"FRI", u"SAT"};

bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool isLetter(QChar c, char16_t upper)
{
    return c.unicode() == upper || c.unicode() == upper + (u'a' - u'A');
}

struct Token
{
    int start;  // index in the text
    int end;    // exclusive
};

// One field [start, end) of the text, parsed into `out`.
class FieldParser
{
public:
    FieldParser(const QString &text, Token span, Field field, CronSchedule &out)
        : m_text(text), m_span(span), m_field(field), m_info(fieldInfo(field)), m_out(out)
    {
    }

    std::optional<Error> parse()
    {
        int itemStart = m_span.start;
        for (int i = m_span.start; i <= m_span.end; ++i) {
            if (i < m_span.end && m_text.at(i) != u',')
                continue;
            if (i == itemStart) {
                // An empty item: point at the comma that ends it (or, at the end, begins it).
                return error(i < m_span.end ? i : i - 1, Tr::tr("empty list item"));
            }
            if (auto e = parseItem({itemStart, i}))
                return e;
            itemStart = i + 1;
        }
        return std::nullopt;
    }

private:
    struct Value
    {
        int value;
        int end;  // index after the value
    };

    QChar at(int i, const Token &item) const { return i < item.end ? m_text.at(i) : QChar(); }

    Error error(int index, const QString &message) const
    {
        return makeError(ErrorCode::BadCron, fieldName(m_field) + u": "_s + message, 0, index + 1);
    }

    Error unexpected(int index, const Token &item) const
    {
        return error(index, Tr::tr("unexpected '%1'").arg(m_text.mid(index, item.end - index)));
    }

    // A number or, in month and day-of-week, a three-letter name; range-checked.
    std::variant<Value, Error> parseValue(int index, const Token &item, const QString &what) const
    {
        if (index >= item.end)
            return error(index - 1, Tr::tr("missing %1").arg(what));
        const QChar c = m_text.at(index);
        if (isAsciiDigit(c)) {
            int end = index;
            qint64 value = 0;
            while (end < item.end && isAsciiDigit(m_text.at(end))) {
                value = std::min<qint64>(value * 10 + m_text.at(end).digitValue(), 1'000'000);
                ++end;
            }
            if (value < m_info.min || value > m_info.max) {
                return error(index, Tr::tr("%1 is out of range %2-%3")
                                            .arg(m_text.mid(index, end - index))
                                            .arg(m_info.min)
                                            .arg(m_info.max));
            }
            return Value{static_cast<int>(value), end};
        }
        if (isAsciiLetter(c)) {
            int end = index;
            while (end < item.end && isAsciiLetter(m_text.at(end)))
                ++end;
            const QString word = m_text.mid(index, end - index);
            const bool months = m_field == Field::Month;
            const bool days = m_field == Field::DayOfWeek;
            if (!months && !days) {
                return error(index, Tr::tr("unexpected '%1' (names are only allowed in month and "
                                           "day-of-week)")
                                            .arg(word));
            }
            // "FRIL" is FRI followed by L (the last Friday of the month).
            QStringView name(word);
            if (days && word.size() == 4 && isLetter(word.at(3), u'L'))
                name = name.first(3);
            const auto *names = months ? kMonthNames : kDayNames;
            const int count = months ? 12 : 7;
            for (int i = 0; i < count; ++i) {
                if (name.compare(QStringView(names[i]), Qt::CaseInsensitive) == 0)
                    return Value{months ? i + 1 : i, index + static_cast<int>(name.size())};
            }
            return error(index, months ? Tr::tr("unknown month name '%1' (use JAN-DEC)").arg(word)
                                       : Tr::tr("unknown day name '%1' (use SUN-SAT)").arg(word));
        }
        return unexpected(index, item);
    }

    // "/step" at `index` (which holds the '/').
    std::variant<int, Error> parseStep(int index, const Token &item) const
    {
        const int first = index + 1;
        if (first >= item.end || !isAsciiDigit(m_text.at(first)))
            return first >= item.end ? error(index, Tr::tr("missing step after '/'"))
                                     : unexpected(first, item);
        int end = first;
        qint64 step = 0;
        while (end < item.end && isAsciiDigit(m_text.at(end))) {
            step = std::min<qint64>(step * 10 + m_text.at(end).digitValue(), 1'000'000);
            ++end;
        }
        if (end < item.end)
            return unexpected(end, item);
        const int width = m_info.openMax - m_info.min + 1;
        if (step == 0)
            return error(first, Tr::tr("step must be at least 1"));
        if (step > width) {
            return error(first, Tr::tr("step %1 is larger than the range %2-%3")
                                        .arg(step)
                                        .arg(m_info.min)
                                        .arg(m_info.openMax));
        }
        return static_cast<int>(step);
    }

    void addRange(int from, int to, int step)
    {
        for (int v = from; v <= to; v += step) {
            switch (m_field) {
            case Field::Second:
                m_out.seconds |= quint64(1) << v;
                break;
            case Field::Minute:
                m_out.minutes |= quint64(1) << v;
                break;
            case Field::Hour:
                m_out.hours |= 1u << v;
                break;
            case Field::DayOfMonth:
                m_out.daysOfMonth |= 1u << v;
                break;
            case Field::Month:
                m_out.months = static_cast<quint16>(m_out.months | (1u << v));
                break;
            case Field::DayOfWeek:
                m_out.daysOfWeek = static_cast<quint8>(m_out.daysOfWeek | (1u << (v % 7)));
                break;
            }
        }
    }

    std::optional<Error> parseItem(const Token &item)
    {
        const int b = item.start;
        const QChar c = m_text.at(b);
        const bool dom = m_field == Field::DayOfMonth;
        const bool dow = m_field == Field::DayOfWeek;

        if (c == u'*') {
            int step = 1;
            if (b + 1 < item.end) {
                if (m_text.at(b + 1) != u'/')
                    return unexpected(b + 1, item);
                auto s = parseStep(b + 1, item);
                if (auto *e = std::get_if<Error>(&s))
                    return *e;
                step = std::get<int>(s);
            }
            addRange(m_info.min, m_info.openMax, step);
            return std::nullopt;
        }
        if (c == u'?') {
            if (!dom && !dow)
                return error(b, Tr::tr("'?' is only allowed in day-of-month and day-of-week"));
            if (b != m_span.start || item.end != m_span.end)
                return error(b, Tr::tr("'?' must be the whole field"));
            addRange(m_info.min, m_info.openMax, 1);
            return std::nullopt;
        }
        if (dom && isLetter(c, u'L')) {
            const int next = b + 1;
            if (next == item.end) {
                m_out.lastDayOffsets |= 1u;
                return std::nullopt;
            }
            if (isLetter(m_text.at(next), u'W') && next + 1 == item.end) {
                m_out.lastWeekday = true;
                return std::nullopt;
            }
            if (m_text.at(next) != u'-')
                return unexpected(next, item);
            const int first = next + 1;
            if (first >= item.end)
                return error(next, Tr::tr("missing offset after 'L-'"));
            if (!isAsciiDigit(m_text.at(first)))
                return unexpected(first, item);
            int end = first;
            qint64 offset = 0;
            while (end < item.end && isAsciiDigit(m_text.at(end))) {
                offset = std::min<qint64>(offset * 10 + m_text.at(end).digitValue(), 1'000'000);
                ++end;
            }
            if (offset > 30)
                return error(first, Tr::tr("L-%1: the offset must be 0-30").arg(offset));
            if (end < item.end)
                return unexpected(end, item);
            m_out.lastDayOffsets |= 1u << offset;
            return std::nullopt;
        }
        if (dow && isLetter(c, u'L') && !isAsciiLetter(at(b + 1, item))) {
            return error(b, Tr::tr("'L' alone is not supported (Quartz reads it as Saturday); "
                                   "write SAT, or 6L for the last Saturday of the month"));
        }

        auto first = parseValue(b, item, Tr::tr("value"));
        if (auto *e = std::get_if<Error>(&first))
            return *e;
        const Value from = std::get<Value>(first);
        const int next = from.end;
        if (next == item.end) {
            addRange(from.value, from.value, 1);
            return std::nullopt;
        }
        const QChar op = m_text.at(next);
        if (dom && isLetter(op, u'W')) {
            if (next + 1 != item.end)
                return unexpected(next + 1, item);
            m_out.nearestWeekdays |= 1u << from.value;
            return std::nullopt;
        }
        if (dow && isLetter(op, u'L')) {
            if (next + 1 != item.end)
                return unexpected(next + 1, item);
            m_out.lastDaysOfWeek
                    = static_cast<quint8>(m_out.lastDaysOfWeek | (1u << (from.value % 7)));
            return std::nullopt;
        }
        if (dow && op == u'#') {
            const int nth = next + 1;
            if (nth >= item.end)
                return error(next, Tr::tr("missing number after '#'"));
            if (!isAsciiDigit(m_text.at(nth)))
                return unexpected(nth, item);
            int end = nth;
            int n = 0;
            while (end < item.end && isAsciiDigit(m_text.at(end))) {
                n = std::min(n * 10 + m_text.at(end).digitValue(), 1'000'000);
                ++end;
            }
            if (n < 1 || n > 5)
                return error(nth, Tr::tr("#%1 is out of range 1-5").arg(n));
            if (end < item.end)
                return unexpected(end, item);
            m_out.nthDaysOfWeek[from.value % 7]
                    = static_cast<quint8>(m_out.nthDaysOfWeek[from.value % 7] | (1u << (n - 1)));
            return std::nullopt;
        }
        if (op == u'-') {
            auto second = parseValue(next + 1, item, Tr::tr("end of range after '-'"));
            if (auto *e = std::get_if<Error>(&second))
                return *e;
            const Value to = std::get<Value>(second);
            if (to.value < from.value) {
                const QString fromText = m_text.mid(b, next - b);
                const QString toText = m_text.mid(next + 1, to.end - next - 1);
                return error(b, Tr::tr("range %1-%2 is reversed (wrap-around is not supported; "
                                       "write %1-%3,%4-%2)")
                                        .arg(fromText, toText)
                                        .arg(m_info.openMax)
                                        .arg(m_info.min));
            }
            int step = 1;
            if (to.end < item.end) {
                if (m_text.at(to.end) != u'/')
                    return unexpected(to.end, item);
                auto s = parseStep(to.end, item);
                if (auto *e = std::get_if<Error>(&s))
                    return *e;
                step = std::get<int>(s);
            }
            addRange(from.value, to.value, step);
            return std::nullopt;
        }
        if (op == u'/') {
            auto s = parseStep(next, item);
            if (auto *e = std::get_if<Error>(&s))
                return *e;
            addRange(from.value, std::max(from.value, m_info.openMax), std::get<int>(s));
            return std::nullopt;
        }
        return unexpected(next, item);
    }

    const QString &m_text;
    Token m_span;
    Field m_field;
    FieldInfo m_info;
    CronSchedule &m_out;
};

QList<Token> splitFields(const QString &text)
{
    QList<Token> tokens;
    int i = 0;
    const int n = static_cast<int>(text.size());
    while (i < n) {
        while (i < n && text.at(i).isSpace())
            ++i;
        if (i == n)
            break;
        const int start = i;
        while (i < n && !text.at(i).isSpace())
            ++i;
        tokens.append({start, i});
    }
    return tokens;
}

Result<ParsedCron> parseFields(const QString &text, const QList<Token> &tokens)
{
    const bool hasSeconds = tokens.size() == 6;
    static constexpr Field kSixFields[] = {Field::Second,     Field::Minute, Field::Hour,
                                           Field::DayOfMonth, Field::Month,  Field::DayOfWeek};
    const Field *fields = hasSeconds ? kSixFields : kSixFields + 1;

    ParsedCron parsed;
    CronSchedule &s = parsed.schedule;
    s.hasSeconds = hasSeconds;
    s.seconds = hasSeconds ? 0 : 1;
    for (int i = 0; i < tokens.size(); ++i) {
        if (auto e = FieldParser(text, tokens[i], fields[i], s).parse())
            return *e;
    }
    const int base = hasSeconds ? 1 : 0;
    auto isStar = [&text](const Token &t) {
        return text.at(t.start) == u'*' || (t.end - t.start == 1 && text.at(t.start) == u'?');
    };
    const Token &hour = tokens[base + 1];
    const Token &dom = tokens[base + 2];
    const Token &month = tokens[base + 3];
    s.domStar = isStar(dom);
    s.dowStar = isStar(tokens[base + 4]);
    s.hourFixed = text.at(hour.start) != u'*'
                  && !QStringView(text).mid(hour.start, hour.end - hour.start).contains(u'/');
    s.finish();
    if (!s.canFire()) {
        return makeError(ErrorCode::NeverFires,
                         Tr::tr("the expression never fires: no date has day-of-month '%1' in "
                                "month '%2' with day-of-week '%3'")
                                 .arg(text.mid(dom.start, dom.end - dom.start),
                                      text.mid(month.start, month.end - month.start),
                                      text.mid(tokens[base + 4].start,
                                               tokens[base + 4].end - tokens[base + 4].start)),
                         0, dom.start + 1);
    }
    return parsed;
}

Result<ParsedCron> parseMacro(const QString &text, const QList<Token> &tokens)
{
    const Token &head = tokens.first();
    const QString word = text.mid(head.start, head.end - head.start).toLower();
    if (word == u"@every"_s) {
        if (tokens.size() < 2) {
            return makeError(ErrorCode::BadCron,
                             Tr::tr("@every: missing duration (for example @every 90s)"), 0,
                             head.start + 1);
        }
        const int start = tokens[1].start;
        const Result<qint64> secs = parseDuration(text.mid(start, tokens.last().end - start));
        if (!secs) {
            return makeError(ErrorCode::BadCron, u"@every: "_s + secs.error().message, 0,
                             start + std::max(secs.error().column, 1));
        }
        ParsedCron parsed;
        parsed.everySecs = *secs;
        return parsed;
    }
    static const struct
    {
        const char16_t *name;
        const char16_t *expansion;
    } kMacros[] = {{u"@yearly", u"0 0 1 1 *"},  {u"@annually", u"0 0 1 1 *"},
                   {u"@monthly", u"0 0 1 * *"}, {u"@weekly", u"0 0 * * 0"},
                   {u"@daily", u"0 0 * * *"},   {u"@midnight", u"0 0 * * *"},
                   {u"@hourly", u"0 * * * *"}};
    for (const auto &macro : kMacros) {
        if (word != QStringView(macro.name))
            continue;
        if (tokens.size() > 1) {
            return makeError(ErrorCode::BadCron,
                             Tr::tr("unexpected text after %1").arg(QStringView(macro.name)), 0,
                             tokens[1].start + 1);
        }
        const QString expansion = QString::fromUtf16(macro.expansion);
        return parseFields(expansion, splitFields(expansion));
    }
    return makeError(ErrorCode::BadCron,
                     Tr::tr("unknown macro '%1' (use @yearly, @annually, @monthly, @weekly, "
                            "@daily, @midnight, @hourly or @every <duration>)")
                             .arg(text.mid(head.start, head.end - head.start)),
                     0, head.start + 1);
}

}  // namespace

Result<ParsedCron> parseCron(const QString &text)
{
    const QList<Token> tokens = splitFields(text);
    if (tokens.isEmpty())
        return makeError(ErrorCode::BadCron, Tr::tr("empty cron expression"), 0, 1);
    if (text.at(tokens.first().start) == u'@')
        return parseMacro(text, tokens);
    if (tokens.size() != 5 && tokens.size() != 6) {
        const int column = tokens.size() > 6 ? tokens[6].start + 1 : tokens.last().end + 1;
        return makeError(ErrorCode::BadCron,
                         Tr::tr("expected 5 fields (minute hour day-of-month month day-of-week) "
                                "or 6 (second first), found %1")
                                 .arg(tokens.size()),
                         0, column);
    }
    return parseFields(text, tokens);
}

}  // namespace Orrery::Cron::Internal

#include "cronexplain.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cron::Internal {

namespace {

QList<int> valuesOf(quint64 bits, int lo, int hi)
{
    QList<int> values;
    for (int v = lo; v <= hi; ++v) {
        if (bits & (quint64(1) << v))
            values.append(v);
    }
    return values;
}

// {lo, lo + n, lo + 2n, ...} up to hi with n dividing the width: "every n". Returns n or 0.
int everyStep(const QList<int> &values, int lo, int hi)
{
    const int width = hi - lo + 1;
    if (values.size() < 2 || values.first() != lo)
        return 0;
    const int n = values[1] - values[0];
    if (width % n != 0 || values.size() != width / n)
        return 0;
    for (int i = 0; i < values.size(); ++i) {
        if (values[i] != lo + i * n)
            return 0;
    }
    return n;
}

QString pad2(int v)
{
    return QString::number(v).rightJustified(2, u'0');
}

class Explainer
{
public:
    Explainer(const CronSchedule &s, Language language)
        : m_s(s), m_zh(language == Language::Chinese)
    {
    }

    QString explain() const;

private:
    // "a, b and c" / "a、b、c"
    QString joinList(const QStringList &items) const
    {
        if (m_zh)
            return items.join(u"、"_s);
        if (items.size() <= 1)
            return items.join(QString());
        return items.mid(0, items.size() - 1).join(u", "_s) + u" and "_s + items.last();
    }

    // "1 through 5, 10 and 20" / "1 至 5、10、20", each value through `name`.
    template<typename Name>
    QString describeValues(const QList<int> &values, Name name) const
    {
        QStringList items;
        for (int i = 0; i < values.size();) {
            int j = i;
            while (j + 1 < values.size() && values[j + 1] == values[j] + 1)
                ++j;
            if (j - i >= 2) {
                const QString first = name(values[i]);
                // "1 至 5" but "周一至周五"
                const QString through = !m_zh                   ? u" through "_s
                                        : first.at(0).isDigit() ? u" 至 "_s
                                                                : u"至"_s;
                items.append(first + through + name(values[j]));
                i = j + 1;
            } else {
                items.append(name(values[i]));
                ++i;
            }
        }
        return joinList(items);
    }

    QString numbers(const QList<int> &values) const
    {
        return describeValues(values, [](int v) { return QString::number(v); });
    }

    QString dayName(int w) const
    {
        static const char16_t *en[] = {u"Sunday",   u"Monday", u"Tuesday", u"Wednesday",
                                       u"Thursday", u"Friday", u"Saturday"};
        static const char16_t *zh[]
                = {u"周日", u"周一", u"周二", u"周三", u"周四", u"周五", u"周六"};
        return QString::fromUtf16(m_zh ? zh[w] : en[w]);
    }

    QString monthName(int m) const
    {
        static const char16_t *en[]
                = {u"January", u"February", u"March",     u"April",   u"May",      u"June",
                   u"July",    u"August",   u"September", u"October", u"November", u"December"};
        return m_zh ? QString::number(m) : QString::fromUtf16(en[m - 1]);
    }

    QString ordinal(int n) const
    {
        static const char16_t *en[] = {u"first", u"second", u"third", u"fourth", u"fifth"};
        static const char16_t *zh[] = {u"第一个", u"第二个", u"第三个", u"第四个", u"第五个"};
        return QString::fromUtf16(m_zh ? zh[n - 1] : en[n - 1]);
    }

    QString timePhrase(bool &clock) const;
    QString genericTime() const;
    QStringList domPhrases() const;
    QStringList dowPhrases() const;

    const CronSchedule &m_s;
    bool m_zh;
};

QString Explainer::timePhrase(bool &clock) const
{
    const QList<int> S = valuesOf(m_s.seconds, 0, 59);
    const QList<int> M = valuesOf(m_s.minutes, 0, 59);
    const QList<int> H = valuesOf(m_s.hours, 0, 23);
    const bool secZero = S == QList<int>{0};
    const bool allH = H.size() == 24;
    const bool allM = M.size() == 60;
    clock = false;

    if (S.size() == 1 && M.size() * H.size() <= 6) {
        QStringList times;
        for (int h : H) {
            for (int m : M)
                times.append(pad2(h) + u':' + pad2(m) + (secZero ? QString() : u':' + pad2(S[0])));
        }
        clock = true;
        return m_zh ? joinList(times) : u"At "_s + joinList(times);
    }
    if (allH && allM) {
        if (S.size() == 60)
            return m_zh ? u"每秒"_s : u"Every second"_s;
        if (const int n = everyStep(S, 0, 59))
            return m_zh ? u"每 %1 秒"_s.arg(n) : u"Every %1 seconds"_s.arg(n);
        if (secZero)
            return m_zh ? u"每分钟"_s : u"Every minute"_s;
    }
    if (secZero && allH) {
        if (const int n = everyStep(M, 0, 59))
            return m_zh ? u"每 %1 分钟"_s.arg(n) : u"Every %1 minutes"_s.arg(n);
        if (M == QList<int>{0})
            return m_zh ? u"每小时"_s : u"Every hour"_s;
        if (M.size() == 1)
            return m_zh ? u"每小时第 %1 分钟"_s.arg(M[0])
                        : u"At minute %1 past every hour"_s.arg(M[0]);
    }
    if (secZero && M == QList<int>{0}) {
        if (const int n = everyStep(H, 0, 23))
            return m_zh ? u"每 %1 小时"_s.arg(n) : u"Every %1 hours"_s.arg(n);
    }
    return genericTime();
}

// Field by field, e.g. "Every 5 minutes, during hours 9 through 17" / "9 至 17 点的每 5 分钟".
// "every n" is used only for the finest varying field (or when the finer ones are single
// values), where it really describes the spacing of the fire times.
QString Explainer::genericTime() const
{
    const QList<int> S = valuesOf(m_s.seconds, 0, 59);
    const QList<int> M = valuesOf(m_s.minutes, 0, 59);
    const QList<int> H = valuesOf(m_s.hours, 0, 23);
    const bool secZero = S == QList<int>{0};
    const bool finerSingleForM = S.size() == 1;
    const bool finerSingleForH = S.size() == 1 && M.size() == 1;

    QString sPart, mPart, hPart;
    bool sEvery = false;
    if (!secZero) {
        if (S.size() == 60) {
            sPart = m_zh ? u"每秒"_s : u"every second"_s;
            sEvery = true;
        } else if (const int n = everyStep(S, 0, 59)) {
            sPart = m_zh ? u"每 %1 秒"_s.arg(n) : u"every %1 seconds"_s.arg(n);
            sEvery = true;
        } else {
            sPart = m_zh ? u"第 %1 秒"_s.arg(numbers(S))
                         : (S.size() == 1 ? u"at second "_s : u"at seconds "_s) + numbers(S);
        }
    }
    bool mSpecific = false;
    if (M.size() == 60) {
        if (!sEvery)
            mPart = m_zh ? u"每分钟"_s : u"every minute"_s;
    } else if (const int n = finerSingleForM ? everyStep(M, 0, 59) : 0) {
        mPart = m_zh ? u"每 %1 分钟"_s.arg(n) : u"every %1 minutes"_s.arg(n);
    } else {
        mSpecific = true;
        mPart = m_zh ? u"第 %1 分钟"_s.arg(numbers(M))
                     : (M.size() == 1 ? u"at minute "_s : u"at minutes "_s) + numbers(M);
    }
    if (H.size() == 24) {
        if (mSpecific)
            hPart = m_zh ? u"每小时"_s : u"of every hour"_s;
    } else if (const int n = finerSingleForH ? everyStep(H, 0, 23) : 0) {
        hPart = m_zh ? u"每 %1 小时"_s.arg(n) : u"every %1 hours"_s.arg(n);
    } else {
        hPart = m_zh ? numbers(H) + u" 点"_s
                     : (H.size() == 1 ? u"during hour "_s : u"during hours "_s) + numbers(H);
    }

    if (m_zh) {
        QStringList parts;
        for (const QString &p : {hPart, mPart, sPart}) {
            if (!p.isEmpty())
                parts.append(p);
        }
        return parts.join(u"的"_s);
    }
    QStringList parts;
    for (const QString &p : {sPart, mPart}) {
        if (!p.isEmpty())
            parts.append(p);
    }
    QString text = parts.join(u", "_s);
    if (!hPart.isEmpty())
        text += (hPart.startsWith(u"of "_s) ? u" "_s : u", "_s) + hPart;
    text[0] = text[0].toUpper();
    return text;
}

QStringList Explainer::domPhrases() const
{
    // Chinese phrases leave out the "每月" prefix; the caller adds it.
    QStringList phrases;
    const QList<int> days = valuesOf(m_s.daysOfMonth, 1, 31);
    if (!days.isEmpty()) {
        phrases.append(m_zh ? numbers(days) + u" 日"_s
                            : (days.size() == 1 ? u"on day "_s : u"on days "_s) + numbers(days)
                                       + u" of the month"_s);
    }
    for (int k = 0; k <= 30; ++k) {
        if (!(m_s.lastDayOffsets & (1u << k)))
            continue;
        if (k == 0)
            phrases.append(m_zh ? u"最后一天"_s : u"on the last day of the month"_s);
        else
            phrases.append(m_zh ? u"最后一天的前 %1 天"_s.arg(k)
                                : u"on the last day of the month minus %1 day%2"_s.arg(k).arg(
                                        k == 1 ? QString() : u"s"_s));
    }
    if (m_s.lastWeekday)
        phrases.append(m_zh ? u"最后一个工作日"_s : u"on the last weekday of the month"_s);
    for (int n = 1; n <= 31; ++n) {
        if (m_s.nearestWeekdays & (1u << n))
            phrases.append(m_zh ? u"最接近 %1 日的工作日"_s.arg(n)
                                : u"on the weekday nearest day %1 of the month"_s.arg(n));
    }
    return phrases;
}

QStringList Explainer::dowPhrases() const
{
    // Chinese weekly phrases start with "每周…"; monthly ones ("第二个周一") leave out "每月".
    QStringList phrases;
    const QList<int> days = valuesOf(m_s.daysOfWeek, 0, 6);
    if (!days.isEmpty()) {
        const QString list = describeValues(days, [this](int w) { return dayName(w); });
        phrases.append(m_zh ? u"每"_s + list : u"on "_s + list);
    }
    for (int w = 0; w < 7; ++w) {
        for (int n = 1; n <= 5; ++n) {
            if (m_s.nthDaysOfWeek[w] & (1u << (n - 1)))
                phrases.append(m_zh ? ordinal(n) + dayName(w)
                                    : u"on the %1 %2 of the month"_s.arg(ordinal(n), dayName(w)));
        }
    }
    for (int w = 0; w < 7; ++w) {
        if (m_s.lastDaysOfWeek & (1u << w))
            phrases.append(m_zh ? u"最后一个"_s + dayName(w)
                                : u"on the last %1 of the month"_s.arg(dayName(w)));
    }
    return phrases;
}

QString Explainer::explain() const
{
    bool clock = false;
    const QString time = timePhrase(clock);

    const bool domAll = m_s.daysOfMonth == 0xFFFFFFFEu && !m_s.lastDayOffsets
                        && !m_s.nearestWeekdays && !m_s.lastWeekday;
    const bool dowAll = m_s.daysOfWeek == 0x7F && !m_s.lastDaysOfWeek;
    const bool andRule = m_s.domStar || m_s.dowStar;
    const bool everyDay = andRule ? (domAll && dowAll) : false;
    const QList<int> months = valuesOf(m_s.months, 1, 12);
    const bool allMonths = months.size() == 12;
    const QString monthList = describeValues(months, [this](int m) { return monthName(m); });

    // Which day phrases apply: with the AND rule a field that allows every day says nothing.
    const QStringList dom = (andRule && domAll) ? QStringList() : domPhrases();
    const QStringList dow = (andRule && dowAll) ? QStringList() : dowPhrases();

    if (m_zh) {
        const QString prefix = allMonths ? u"每月"_s : u"每年 %1 月"_s.arg(monthList);
        auto withPrefix = [&](const QString &p) {
            if (p.startsWith(u"每"_s))  // weekly: "每周一"
                return allMonths ? p : prefix + u"的"_s + p;
            return prefix + (p.at(0).isDigit() ? u" "_s : QString()) + p;
        };
        auto joined = [&](const QStringList &phrases) {
            QStringList out;
            for (const QString &p : phrases)
                out.append(withPrefix(p));
            return out.join(u"和"_s);
        };
        QString date;
        if (everyDay) {
            date = allMonths ? u"每天"_s : prefix + u"的每天"_s;
        } else if (!dom.isEmpty() && !dow.isEmpty()) {
            if (andRule) {
                QStringList plain;
                for (const QString &p : dow)
                    plain.append(p.startsWith(u"每"_s) ? p.mid(1) : p);
                date = joined(dom) + u"且为"_s + plain.join(u"或"_s);
            } else {
                date = joined(dom) + u"或"_s + joined(dow);
            }
        } else {
            date = joined(dom.isEmpty() ? dow : dom);
        }
        if (everyDay && allMonths && !clock)
            return time;
        return date + (clock ? u" "_s : u"，"_s) + time;
    }

    QString days;
    if (!everyDay) {
        if (!dom.isEmpty() && !dow.isEmpty()) {
            if (andRule) {
                QString dows = joinList(dow);
                days = joinList(dom) + u" if it is "_s
                       + (dows.startsWith(u"on "_s) ? dows.mid(3) : dows);
            } else {
                days = joinList(dom) + u" or "_s + joinList(dow);
            }
        } else {
            days = joinList(dom.isEmpty() ? dow : dom);
        }
    }
    // "At 00:00 on January 1" for a single date.
    const QList<int> domDays = valuesOf(m_s.daysOfMonth, 1, 31);
    if (clock && months.size() == 1 && dow.isEmpty() && dom.size() == 1 && domDays.size() == 1)
        return time + u" on "_s + monthName(months[0]) + u' ' + QString::number(domDays[0]);

    QString text = time;
    const QString sep = time.contains(u',') ? u", "_s : u" "_s;
    if (everyDay) {
        if (clock)
            text += u" every day"_s;
    } else {
        text += sep + days;
    }
    if (!allMonths)
        text += (text.contains(u',') ? u", "_s : u" "_s) + u"in "_s + monthList;
    return text;
}

QString humanDuration(qint64 secs, bool zh)
{
    struct Unit
    {
        qint64 secs;
        const char16_t *one;
        const char16_t *many;
        const char16_t *zhOne;
        const char16_t *zhMany;
    };
    static const Unit units[]
            = {{3600, u"Every hour", u"Every %1 hours", u"每小时", u"每 %1 小时"},
               {60, u"Every minute", u"Every %1 minutes", u"每分钟", u"每 %1 分钟"},
               {1, u"Every second", u"Every %1 seconds", u"每秒", u"每 %1 秒"}};
    for (const Unit &u : units) {
        if (secs % u.secs == 0) {
            const qint64 n = secs / u.secs;
            if (n == 1)
                return QString::fromUtf16(zh ? u.zhOne : u.one);
            return QString::fromUtf16(zh ? u.zhMany : u.many).arg(n);
        }
    }
    return {};
}

}  // namespace

QString explainCron(const ParsedCron &cron, const QTimeZone &zone, Language language)
{
    const bool zh = language == Language::Chinese;
    if (cron.everySecs > 0) {
        // Epoch-aligned, independent of the zone.
        return humanDuration(cron.everySecs, zh)
               + (zh ? u"（从 Unix 纪元起算）"_s : u" (counted from the Unix epoch)"_s);
    }
    QString text = Explainer(cron.schedule, language).explain();
    const bool utc = !zone.hasTransitions()
                     && zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(0, Qt::UTC)) == 0;
    if (!utc)
        text += zh ? u"（"_s + QString::fromUtf8(zone.id()) + u"）"_s
                   : u" ("_s + QString::fromUtf8(zone.id()) + u')';
    return text;
}

}  // namespace Orrery::Cron::Internal

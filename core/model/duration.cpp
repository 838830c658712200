#include "duration.h"

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Model)
};

qint64 unitSeconds(QChar unit)
{
    switch (unit.toLower().unicode()) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 7 * 86400;
    default: return 0;
    }
}
} // namespace

Result<qint64> parseDuration(const QString &text, bool allowZero)
{
    const QString t = text.trimmed();
    int lead = 0;
    while (lead < text.size() && text.at(lead).isSpace())
        ++lead;
    if (t.isEmpty())
        return makeError(ErrorCode::InvalidValue, Tr::tr("empty duration"), 0, 1);

    constexpr qint64 kMax = std::numeric_limits<qint64>::max() / 2;
    qint64 total = 0;
    int i = 0;
    bool sawUnit = false;
    while (i < t.size()) {
        const int start = i;
        qint64 n = 0;
        while (i < t.size() && t.at(i) >= u'0' && t.at(i) <= u'9') {
            const int digit = t.at(i).digitValue();
            if (n > (kMax - digit) / 10)
                return makeError(ErrorCode::InvalidValue, Tr::tr("duration '%1' is too large").arg(t),
                                 0, lead + start + 1);
            n = n * 10 + digit;
            ++i;
        }
        if (i == start)
            return makeError(ErrorCode::InvalidValue,
                             Tr::tr("expected a number in duration '%1' (examples: 3600, 90s, 30m, 2h, 1d)")
                                 .arg(t),
                             0, lead + i + 1);
        if (i == t.size()) {
            if (sawUnit)
                return makeError(ErrorCode::InvalidValue,
                                 Tr::tr("missing unit after %1 in duration '%2'").arg(n).arg(t), 0,
                                 lead + start + 1);
            total += n;
            break;
        }
        const qint64 unit = unitSeconds(t.at(i));
        if (unit == 0)
            return makeError(ErrorCode::InvalidValue,
                             Tr::tr("unknown unit '%1' in duration '%2' (use s, m, h, d or w)")
                                 .arg(t.at(i))
                                 .arg(t),
                             0, lead + i + 1);
        if (n > kMax / unit)
            return makeError(ErrorCode::InvalidValue, Tr::tr("duration '%1' is too large").arg(t), 0,
                             lead + start + 1);
        total += n * unit;
        if (total > kMax)
            return makeError(ErrorCode::InvalidValue, Tr::tr("duration '%1' is too large").arg(t), 0,
                             lead + start + 1);
        sawUnit = true;
        ++i;
    }
    if (total == 0 && !allowZero)
        return makeError(ErrorCode::InvalidValue, Tr::tr("duration must be greater than zero"), 0,
                         lead + 1);
    return total;
}

QString formatDuration(qint64 seconds)
{
    if (seconds == 0)
        return u"0s"_s;
    QString out;
    if (seconds < 0) {
        out += u'-';
        seconds = -seconds;
    }
    static constexpr struct
    {
        qint64 secs;
        char16_t unit;
    } units[] = {{86400, u'd'}, {3600, u'h'}, {60, u'm'}, {1, u's'}};
    for (const auto &u : units) {
        if (seconds >= u.secs) {
            out += QString::number(seconds / u.secs) + QChar(u.unit);
            seconds %= u.secs;
        }
    }
    return out;
}

} // namespace Orrery

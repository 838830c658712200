#include "substitution.h"

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config::Internal {

const QRegularExpression &identifier()
{
    static const QRegularExpression re(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    return re;
}

QString substitute(const QString &text,
                   const std::function<std::optional<QString>(const QString &)> &lookup,
                   QList<Placeholder> *found)
{
    QString out;
    out.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        if (text.at(i) != u'$') {
            out += text.at(i++);
            continue;
        }
        if (QStringView(text).mid(i, 3) == u"$${") {
            out += u"${"_s;
            i += 3;
            continue;
        }
        if (QStringView(text).mid(i, 2) == u"${") {
            const qsizetype close = text.indexOf(u'}', i + 2);
            if (close > 0) {
                const QString name = text.mid(i + 2, close - i - 2);
                if (identifier().match(name).hasMatch()) {
                    if (found)
                        found->append(Placeholder{name, i});
                    const std::optional<QString> value = lookup ? lookup(name) : std::nullopt;
                    out += value ? *value : text.mid(i, close - i + 1);
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text.at(i++);
    }
    return out;
}

}  // namespace Orrery::Config::Internal

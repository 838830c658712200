#include "yamlwriter.h"

#include <QRegularExpression>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config::Internal {

static bool isSpecialChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u < 0x20 && u != u'\t' && u != u'\n') || u == 0x7F || u == 0x85 || u == 0x2028
           || u == 0x2029 || u == 0xFEFF || (u >= 0x80 && u < 0xA0);
}

QString YamlWriter::doubleQuoted(const QString &value)
{
    QString out = u"\""_s;
    for (const QChar c : value) {
        switch (c.unicode()) {
        case u'"':
            out += u"\\\""_s;
            break;
        case u'\\':
            out += u"\\\\"_s;
            break;
        case u'\n':
            out += u"\\n"_s;
            break;
        case u'\t':
            out += u"\\t"_s;
            break;
        case u'\r':
            out += u"\\r"_s;
            break;
        default:
            if (isSpecialChar(c))
                out += u"\\u"_s + QString::number(c.unicode(), 16).rightJustified(4, u'0');
            else
                out += c;
        }
    }
    return out + u'"';
}

QString YamlWriter::scalar(const QString &value)
{
    static const QStringList reserved{u"null"_s, u"~"_s,  u"true"_s, u"false"_s, u"yes"_s,
                                      u"no"_s,   u"on"_s, u"off"_s,  u"y"_s,     u"n"_s};
    // Strings that other YAML readers would take for numbers stay strings.
    static const QRegularExpression number(
            u"^([-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|"
            "0o[0-7_]+|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$"_s);
    bool plain = !value.isEmpty() && !number.match(value).hasMatch() && !value.front().isSpace()
                 && !value.back().isSpace() && !reserved.contains(value.toLower())
                 && !QStringView(u"-?:,[]{}#&*!|>'\"%@`").contains(value.front())
                 && !value.contains(u": "_s) && !value.contains(u" #"_s) && !value.endsWith(u':')
                 && !value.startsWith(u"..."_s);
    for (const QChar c : value) {
        if (!plain)
            break;
        if (c == u'\t' || c == u'\n' || isSpecialChar(c))
            plain = false;
    }
    return plain ? value : doubleQuoted(value);
}

void YamlWriter::line(int indent, const QString &text)
{
    QString prefix(indent, u' ');
    if (m_item && indent >= 2) {
        prefix.chop(2);
        prefix += u"- "_s;
    }
    m_item = false;
    m_out += (prefix + text).toUtf8();
    m_out += '\n';
}

void YamlWriter::raw(int indent, const QString &key, const QString &yamlValue)
{
    line(indent, scalar(key) + u": "_s + yamlValue);
}

void YamlWriter::quoted(int indent, const QString &key, const QString &value)
{
    raw(indent, key, doubleQuoted(value));
}

void YamlWriter::open(int indent, const QString &key)
{
    line(indent, scalar(key) + u':');
}

void YamlWriter::string(int indent, const QString &key, const QString &value)
{
    bool literal = value.contains(u'\n');
    for (const QChar c : value) {
        if (isSpecialChar(c) || c == u'\r')
            literal = false;
    }
    if (!literal) {
        raw(indent, key, scalar(value));
        return;
    }
    // A literal block: `|` keeps one final newline, `|-` none, `|+` all of them.
    qsizetype trailing = 0;
    while (trailing < value.size() && value.at(value.size() - 1 - trailing) == u'\n')
        ++trailing;
    QString header = u"|"_s;
    const QStringList lines = value.left(value.size() - trailing).split(u'\n');
    // An indentation indicator when the first non-empty line starts with a space.
    for (const QString &l : lines) {
        if (l.isEmpty())
            continue;
        if (l.front().isSpace())
            header += u"2"_s;
        break;
    }
    if (trailing == 0)
        header += u'-';
    else if (trailing > 1)
        header += u'+';
    raw(indent, key, header);
    for (const QString &l : lines)
        line(l.isEmpty() ? 0 : indent + 2, l);
    for (qsizetype i = 1; i < trailing; ++i)
        line(0, QString());
}

}  // namespace Orrery::Config::Internal

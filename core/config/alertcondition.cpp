#include "alertcondition.h"

#include "yamlreader.h"

#include <model/duration.h>
#include <model/runstate.h>

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config {

namespace {

enum class FieldType { Priority, Status, Name, Percent, Count, Duration };

struct FieldInfo
{
    const char16_t *name;
    FieldType type;
    bool windowed;  // accepts `in last <duration>`
};

constexpr FieldInfo kFields[] = {
        {u"priority", FieldType::Priority, false},
        {u"status", FieldType::Status, false},
        {u"job", FieldType::Name, false},
        {u"pipeline", FieldType::Name, false},
        {u"node", FieldType::Name, false},
        {u"failure_rate", FieldType::Percent, true},
        {u"success_rate", FieldType::Percent, true},
        {u"pending_tasks", FieldType::Count, false},
        {u"running_tasks", FieldType::Count, false},
        {u"consecutive_failures", FieldType::Count, true},
        {u"duration", FieldType::Duration, false},
        {u"clock_skew", FieldType::Duration, false},
        {u"node_cpu", FieldType::Percent, false},
        {u"node_memory", FieldType::Percent, false},
};

const FieldInfo *fieldInfo(const QString &name)
{
    for (const FieldInfo &f : kFields) {
        if (name == QStringView(f.name))
            return &f;
    }
    return nullptr;
}

bool isKeyword(const QString &word)
{
    static const QStringList keywords{u"and"_s, u"or"_s, u"not"_s, u"in"_s, u"last"_s};
    return keywords.contains(word.toLower());
}

QString formatNumber(double v)
{
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

struct Token
{
    enum Kind { Word, String, Op, LParen, RParen, End };
    Kind kind = End;
    QString text;
    int column = 0;  // 1-based
};

class Parser
{
public:
    explicit Parser(const QString &text) : m_text(text) {}

    Result<Condition> parse()
    {
        if (auto err = tokenize())
            return *err;
        if (m_tokens.size() == 1)
            return makeError(ErrorCode::Syntax, Config::Tr::tr("the condition is empty"), 0, 1);
        Result<Condition> c = parseOr();
        if (!c)
            return c;
        if (peek().kind != Token::End) {
            const Token &t = peek();
            return makeError(
                    ErrorCode::Syntax,
                    t.kind == Token::RParen
                            ? Config::Tr::tr("')' without a matching '('")
                            : Config::Tr::tr("expected AND, OR or the end of the condition, "
                                             "found '%1'")
                                      .arg(t.text),
                    0, t.column);
        }
        return c;
    }

private:
    std::optional<Error> tokenize()
    {
        const qsizetype n = m_text.size();
        qsizetype i = 0;
        while (i < n) {
            const QChar c = m_text.at(i);
            const int column = int(i) + 1;
            if (c.isSpace()) {
                ++i;
            } else if (c == u'(') {
                m_tokens.append({Token::LParen, u"("_s, column});
                ++i;
            } else if (c == u')') {
                m_tokens.append({Token::RParen, u")"_s, column});
                ++i;
            } else if (c == u'=' || c == u'!' || c == u'<' || c == u'>') {
                QString op(c);
                if (i + 1 < n && m_text.at(i + 1) == u'=')
                    op += u'=';
                if (op == u"!"_s)
                    return makeError(ErrorCode::Syntax,
                                     Config::Tr::tr("'!' is not an operator; use != or NOT"), 0,
                                     column);
                i += op.size();
                m_tokens.append({Token::Op, op == u"=="_s ? u"="_s : op, column});
            } else if (c == u'"' || c == u'\'') {
                QString value;
                qsizetype j = i + 1;
                bool closed = false;
                while (j < n) {
                    const QChar d = m_text.at(j);
                    if (d == u'\\' && j + 1 < n) {
                        value += m_text.at(j + 1);
                        j += 2;
                        continue;
                    }
                    if (d == c) {
                        closed = true;
                        break;
                    }
                    value += d;
                    ++j;
                }
                if (!closed)
                    return makeError(ErrorCode::Syntax,
                                     Config::Tr::tr("the quoted text is not closed"), 0, column);
                m_tokens.append({Token::String, value, column});
                i = j + 1;
            } else {
                qsizetype j = i;
                while (j < n && !m_text.at(j).isSpace()
                       && !QStringView(u"()=!<>\"'").contains(m_text.at(j)))
                    ++j;
                m_tokens.append({Token::Word, m_text.mid(i, j - i), column});
                i = j;
            }
        }
        m_tokens.append({Token::End, QString(), int(n) + 1});
        return std::nullopt;
    }

    const Token &peek() const { return m_tokens.at(m_pos); }
    Token next() { return m_tokens.at(m_pos < m_tokens.size() - 1 ? m_pos++ : m_pos); }
    bool peekKeyword(const char16_t *keyword) const
    {
        return peek().kind == Token::Word
               && peek().text.compare(QStringView(keyword), Qt::CaseInsensitive) == 0;
    }

    static QString describe(const Token &t)
    {
        return t.kind == Token::End ? Config::Tr::tr("the end of the condition")
                                    : u'\'' + t.text + u'\'';
    }

    Result<Condition> parseOr() { return parseBinary(Condition::Kind::Or); }
    Result<Condition> parseAnd() { return parseBinary(Condition::Kind::And); }

    Result<Condition> parseBinary(Condition::Kind kind)
    {
        const bool isOr = kind == Condition::Kind::Or;
        const int column = peek().column;
        Result<Condition> first = isOr ? parseAnd() : parseUnary();
        if (!first)
            return first;
        Condition node;
        node.kind = kind;
        node.column = column;
        const auto add = [&node, kind](Condition &&c) {
            if (c.kind == kind)
                node.children.append(std::move(c.children));  // flatten a AND (b AND c)
            else
                node.children.append(std::move(c));
        };
        add(std::move(*first));
        while (peekKeyword(isOr ? u"or" : u"and")) {
            next();
            Result<Condition> more = isOr ? parseAnd() : parseUnary();
            if (!more)
                return more;
            add(std::move(*more));
        }
        if (node.children.size() == 1)
            return std::move(node.children.first());
        return node;
    }

    Result<Condition> parseUnary()
    {
        const Token &t = peek();
        if (peekKeyword(u"not")) {
            next();
            Result<Condition> operand = parseUnary();
            if (!operand)
                return operand;
            Condition node;
            node.kind = Condition::Kind::Not;
            node.column = t.column;
            node.children.append(std::move(*operand));
            return node;
        }
        if (t.kind == Token::LParen) {
            const Token open = next();
            Result<Condition> inner = parseOr();
            if (!inner)
                return inner;
            if (peek().kind != Token::RParen)
                return makeError(ErrorCode::Syntax,
                                 Config::Tr::tr("'(' at column %1 is not closed; found %2")
                                         .arg(open.column)
                                         .arg(describe(peek())),
                                 0, peek().column);
            next();
            return inner;
        }
        return parseComparison();
    }

    Result<Condition> parseComparison()
    {
        const Token fieldToken = next();
        if (fieldToken.kind != Token::Word || isKeyword(fieldToken.text))
            return makeError(ErrorCode::Syntax,
                             Config::Tr::tr("expected a field such as 'status' or "
                                            "'failure_rate', found %1")
                                     .arg(describe(fieldToken)),
                             0, fieldToken.column);
        const QString field = fieldToken.text.toLower();
        const FieldInfo *info = fieldInfo(field);
        if (!info)
            return makeError(ErrorCode::UnknownKey,
                             Config::Tr::tr("unknown field '%1'%2; known fields: %3")
                                     .arg(fieldToken.text,
                                          Internal::didYouMean(field, conditionFieldNames()),
                                          conditionFieldNames().join(u", "_s)),
                             0, fieldToken.column);

        const Token opToken = next();
        if (opToken.kind != Token::Op)
            return makeError(ErrorCode::Syntax,
                             Config::Tr::tr("expected an operator (=, !=, >, >=, <, <=) after "
                                            "'%1', found %2")
                                     .arg(field, describe(opToken)),
                             0, opToken.column);
        ConditionOperator op = ConditionOperator::Equal;
        for (ConditionOperator o : {ConditionOperator::Equal, ConditionOperator::NotEqual,
                                    ConditionOperator::Greater, ConditionOperator::GreaterOrEqual,
                                    ConditionOperator::Less, ConditionOperator::LessOrEqual}) {
            if (conditionOperatorName(o) == opToken.text)
                op = o;
        }
        const bool wordField = info->type == FieldType::Priority || info->type == FieldType::Status
                               || info->type == FieldType::Name;
        if (wordField && op != ConditionOperator::Equal && op != ConditionOperator::NotEqual)
            return makeError(ErrorCode::InvalidValue,
                             Config::Tr::tr("'%1' can only be compared with = or !=").arg(field), 0,
                             opToken.column);

        const Token valueToken = next();
        if ((valueToken.kind != Token::Word && valueToken.kind != Token::String)
            || (valueToken.kind == Token::Word && isKeyword(valueToken.text)))
            return makeError(ErrorCode::Syntax,
                             Config::Tr::tr("expected a value after '%1 %2', found %3")
                                     .arg(field, opToken.text, describe(valueToken)),
                             0, valueToken.column);
        Result<ConditionValue> value = parseValue(*info, valueToken);
        if (!value)
            return value.error();

        Condition c;
        c.kind = Condition::Kind::Comparison;
        c.field = field;
        c.op = op;
        c.value = *value;
        c.column = fieldToken.column;

        if (peekKeyword(u"in")) {
            const Token in = next();
            if (!info->windowed)
                return makeError(ErrorCode::InvalidValue,
                                 Config::Tr::tr("'in last' applies to failure_rate, success_rate "
                                                "and consecutive_failures, not to '%1'")
                                         .arg(field),
                                 0, in.column);
            const Token last = next();
            if (last.kind != Token::Word || last.text.compare(u"last"_s, Qt::CaseInsensitive) != 0)
                return makeError(
                        ErrorCode::Syntax,
                        Config::Tr::tr("expected 'last' after 'in', found %1").arg(describe(last)),
                        0, last.column);
            const Token window = next();
            if (window.kind != Token::Word || isKeyword(window.text))
                return makeError(ErrorCode::Syntax,
                                 Config::Tr::tr("expected a duration such as 1h after 'in last', "
                                                "found %1")
                                         .arg(describe(window)),
                                 0, window.column);
            const Result<qint64> secs = parseDuration(window.text, false);
            if (!secs)
                return makeError(ErrorCode::InvalidValue, secs.error().message, 0,
                                 window.column + std::max(secs.error().column, 1) - 1);
            c.windowSecs = *secs;
        }
        return c;
    }

    static Result<ConditionValue> parseValue(const FieldInfo &info, const Token &t)
    {
        ConditionValue v;
        const QString field = QString::fromUtf16(info.name);
        switch (info.type) {
        case FieldType::Priority: {
            const auto p = priorityFromName(t.text);
            if (!p)
                return makeError(
                        ErrorCode::InvalidValue,
                        Config::Tr::tr("'%1' is not a priority; use P0, P1, P2 or P3").arg(t.text),
                        0, t.column);
            v.type = ConditionValue::Type::Word;
            v.word = priorityName(*p);
            return v;
        }
        case FieldType::Status: {
            const auto s = runStateFromName(t.text.toLower());
            if (!s) {
                QStringList names;
                for (RunState r : allRunStates())
                    names.append(runStateName(r));
                return makeError(ErrorCode::InvalidValue,
                                 Config::Tr::tr("'%1' is not a run state%2; use one of %3")
                                         .arg(t.text, Internal::didYouMean(t.text, names),
                                              names.join(u", "_s)),
                                 0, t.column);
            }
            v.type = ConditionValue::Type::Word;
            v.word = runStateName(*s);
            return v;
        }
        case FieldType::Name:
            if (t.text.isEmpty())
                return makeError(ErrorCode::InvalidValue,
                                 Config::Tr::tr("'%1' needs a non-empty name").arg(field), 0,
                                 t.column);
            v.type = ConditionValue::Type::Word;
            v.word = t.text;
            return v;
        case FieldType::Percent: {
            static const QRegularExpression re(u"^([0-9]+(\\.[0-9]+)?)%$"_s);
            const QRegularExpressionMatch m = re.match(t.text);
            const double number = m.hasMatch() ? m.captured(1).toDouble() : -1;
            if (!m.hasMatch() || number > 100)
                return makeError(ErrorCode::InvalidValue,
                                 Config::Tr::tr("'%1' takes a percentage from 0% to 100% such as "
                                                "5%, not '%2'")
                                         .arg(field, t.text),
                                 0, t.column);
            v.type = ConditionValue::Type::Percent;
            v.number = number;
            return v;
        }
        case FieldType::Count: {
            static const QRegularExpression re(u"^[0-9]+$"_s);
            bool ok = false;
            const qint64 number = re.match(t.text).hasMatch() ? t.text.toLongLong(&ok) : 0;
            if (!ok)
                return makeError(
                        ErrorCode::InvalidValue,
                        Config::Tr::tr("'%1' takes a whole number, not '%2'").arg(field, t.text), 0,
                        t.column);
            v.type = ConditionValue::Type::Number;
            v.number = double(number);
            return v;
        }
        case FieldType::Duration: {
            const Result<qint64> secs = parseDuration(t.text, true);
            if (!secs)
                return makeError(ErrorCode::InvalidValue,
                                 Config::Tr::tr("'%1' takes a duration such as 30m: %2")
                                         .arg(field, secs.error().message),
                                 0, t.column + std::max(secs.error().column, 1) - 1);
            v.type = ConditionValue::Type::Duration;
            v.number = double(*secs);
            return v;
        }
        }
        return v;
    }

    QString m_text;
    QList<Token> m_tokens;
    qsizetype m_pos = 0;
};

}  // namespace

QString ConditionValue::toString() const
{
    switch (type) {
    case Type::Number:
        return formatNumber(number);
    case Type::Percent:
        return formatNumber(number) + u'%';
    case Type::Duration:
        return formatDuration(qint64(std::llround(number)));
    case Type::Word:
        break;
    }
    static const QRegularExpression plain(u"^[A-Za-z0-9_./:@-]+$"_s);
    if (plain.match(word).hasMatch() && !isKeyword(word))
        return word;
    QString escaped = word;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u'"' + escaped + u'"';
}

QString conditionOperatorName(ConditionOperator op)
{
    switch (op) {
    case ConditionOperator::Equal:
        return u"="_s;
    case ConditionOperator::NotEqual:
        return u"!="_s;
    case ConditionOperator::Greater:
        return u">"_s;
    case ConditionOperator::GreaterOrEqual:
        return u">="_s;
    case ConditionOperator::Less:
        return u"<"_s;
    case ConditionOperator::LessOrEqual:
        return u"<="_s;
    }
    return {};
}

std::optional<qint64> Condition::effectiveWindowSecs() const
{
    if (windowSecs)
        return windowSecs;
    if (kind == Kind::Comparison && (field == u"failure_rate"_s || field == u"success_rate"_s))
        return kDefaultRateWindowSecs;
    return std::nullopt;
}

QString Condition::toString() const
{
    switch (kind) {
    case Kind::Comparison: {
        QString s = field + u' ' + conditionOperatorName(op) + u' ' + value.toString();
        if (windowSecs)
            s += u" in last "_s + formatDuration(*windowSecs);
        return s;
    }
    case Kind::Not: {
        if (children.isEmpty())
            return u"NOT"_s;
        const Condition &c = children.first();
        return u"NOT "_s
               + (c.kind == Kind::And || c.kind == Kind::Or ? u'(' + c.toString() + u')'
                                                            : c.toString());
    }
    case Kind::And:
    case Kind::Or: {
        QStringList parts;
        for (const Condition &c : children) {
            // AND binds tighter than OR: an OR inside an AND needs parentheses.
            const bool paren = kind == Kind::And && c.kind == Kind::Or;
            parts.append(paren ? u'(' + c.toString() + u')' : c.toString());
        }
        return parts.join(kind == Kind::And ? u" AND "_s : u" OR "_s);
    }
    }
    return {};
}

QStringList conditionFieldNames()
{
    QStringList names;
    for (const FieldInfo &f : kFields)
        names.append(QString::fromUtf16(f.name));
    return names;
}

Result<Condition> parseCondition(const QString &text)
{
    return Parser(text).parse();
}

}  // namespace Orrery::Config

#include "condition.h"

#include <QCoreApplication>
#include <QList>
#include <QRegularExpression>

#include <cmath>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Dag {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Dag)
};

enum class Op { Or, And, Not, Equal, NotEqual, Less, Greater, LessOrEqual, GreaterOrEqual };

}  // namespace

struct ConditionExpression::Node
{
    enum class Kind { Logical, Not, Compare, Number, String, Bool, Variable };
    Kind kind = Kind::Bool;
    Op op = Op::And;
    QList<std::shared_ptr<const Node>> children;
    double number = 0;
    QString text;  // String: the value; Variable: the name
    bool boolean = false;
    int column = 0;
};

namespace {

using Node = ConditionExpression::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Token
{
    enum class Type {
        End,
        Number,
        String,
        Variable,
        True,
        False,
        LParen,
        RParen,
        Not,
        And,
        Or,
        Compare
    };
    Type type = Type::End;
    QString text;
    double number = 0;
    Op op = Op::Equal;
    int column = 0;
};

Error syntax(const QString &message, int column)
{
    return makeError(ErrorCode::Syntax, message, 0, column);
}

Result<QList<Token>> tokenize(const QString &s)
{
    static const QRegularExpression variableName(u"^[A-Za-z_][A-Za-z0-9_.-]*$"_s);
    QList<Token> tokens;
    qsizetype i = 0;
    while (true) {
        while (i < s.size() && s.at(i).isSpace())
            ++i;
        Token t;
        t.column = int(i) + 1;
        if (i >= s.size()) {
            tokens.append(t);
            return tokens;
        }
        const QChar c = s.at(i);
        const QStringView two = QStringView(s).mid(i, 2);
        if (two == u"${") {
            const qsizetype close = s.indexOf(u'}', i + 2);
            if (close < 0)
                return syntax(Tr::tr("'${' without a closing '}'"), t.column);
            t.type = Token::Type::Variable;
            t.text = s.mid(i + 2, close - i - 2).trimmed();
            if (!variableName.match(t.text).hasMatch())
                return syntax(Tr::tr("'%1' is not a variable name (such as "
                                     "upstream.extract.exit_code or param.region)")
                                      .arg(t.text),
                              t.column + 2);
            i = close + 1;
        } else if (c == u'"' || c == u'\'') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                if (s.at(i) == u'\\' && i + 1 < s.size()) {
                    t.text += s.at(i + 1);
                    i += 2;
                } else if (s.at(i) == c) {
                    ++i;
                    closed = true;
                    break;
                } else {
                    t.text += s.at(i++);
                }
            }
            if (!closed)
                return syntax(Tr::tr("a string without its closing quote"), t.column);
            t.type = Token::Type::String;
        } else if (c.isDigit() || (c == u'-' && i + 1 < s.size() && s.at(i + 1).isDigit())
                   || (c == u'.' && i + 1 < s.size() && s.at(i + 1).isDigit())) {
            qsizetype j = i + 1;
            while (j < s.size() && (s.at(j).isDigit() || s.at(j) == u'.'))
                ++j;
            bool ok = false;
            t.number = s.mid(i, j - i).toDouble(&ok);
            if (!ok || !std::isfinite(t.number))
                return syntax(Tr::tr("'%1' is not a number").arg(s.mid(i, j - i)), t.column);
            if (j < s.size() && (s.at(j).isLetter() || s.at(j) == u'_'))
                return syntax(Tr::tr("a number followed by '%1'").arg(s.at(j)), int(j) + 1);
            t.type = Token::Type::Number;
            i = j;
        } else if (c.isLetter() || c == u'_') {
            qsizetype j = i;
            while (j < s.size() && (s.at(j).isLetterOrNumber() || s.at(j) == u'_'))
                ++j;
            const QString word = s.mid(i, j - i);
            if (word == u"true"_s) {
                t.type = Token::Type::True;
            } else if (word == u"false"_s) {
                t.type = Token::Type::False;
            } else {
                return syntax(Tr::tr("unexpected '%1': write a variable as ${%1}, text in "
                                     "quotes, or true/false")
                                      .arg(word),
                              t.column);
            }
            i = j;
        } else if (two == u"&&" || two == u"||") {
            t.type = two == u"&&" ? Token::Type::And : Token::Type::Or;
            i += 2;
        } else if (two == u"==" || two == u"!=" || two == u"<=" || two == u">=") {
            t.type = Token::Type::Compare;
            t.op = two == u"=="   ? Op::Equal
                   : two == u"!=" ? Op::NotEqual
                   : two == u"<=" ? Op::LessOrEqual
                                  : Op::GreaterOrEqual;
            i += 2;
        } else if (c == u'<' || c == u'>') {
            t.type = Token::Type::Compare;
            t.op = c == u'<' ? Op::Less : Op::Greater;
            ++i;
        } else if (c == u'!') {
            t.type = Token::Type::Not;
            ++i;
        } else if (c == u'(' || c == u')') {
            t.type = c == u'(' ? Token::Type::LParen : Token::Type::RParen;
            ++i;
        } else if (c == u'=') {
            return syntax(Tr::tr("'=' alone: compare with '=='"), t.column);
        } else if (c == u'&' || c == u'|') {
            return syntax(Tr::tr("'%1' alone: write '%1%1'").arg(c), t.column);
        } else {
            return syntax(Tr::tr("unexpected character '%1'").arg(c), t.column);
        }
        tokens.append(t);
    }
}

class Parser
{
public:
    explicit Parser(QList<Token> tokens) : m_tokens(std::move(tokens)) {}

    Result<NodePtr> parseAll()
    {
        Result<NodePtr> e = parseOr();
        if (!e)
            return e;
        if (peek().type != Token::Type::End)
            return syntax(peek().type == Token::Type::RParen
                                  ? Tr::tr("')' without a matching '('")
                                  : Tr::tr("expected '&&', '||' or the end of the condition"),
                          peek().column);
        return e;
    }

private:
    const Token &peek() const { return m_tokens.at(m_pos); }
    const Token &take() { return m_tokens.at(m_pos++); }

    Result<NodePtr> parseLogical(Token::Type type, Op op, Result<NodePtr> (Parser::*next)())
    {
        Result<NodePtr> left = (this->*next)();
        if (!left)
            return left;
        while (peek().type == type) {
            const int column = take().column;
            Result<NodePtr> right = (this->*next)();
            if (!right)
                return right;
            auto node = std::make_shared<Node>();
            node->kind = Node::Kind::Logical;
            node->op = op;
            node->column = column;
            node->children = {*left, *right};
            left = NodePtr(node);
        }
        return left;
    }

    Result<NodePtr> parseOr() { return parseLogical(Token::Type::Or, Op::Or, &Parser::parseAnd); }
    Result<NodePtr> parseAnd()
    {
        return parseLogical(Token::Type::And, Op::And, &Parser::parseUnary);
    }

    Result<NodePtr> parseUnary()
    {
        if (peek().type == Token::Type::Not) {
            const int column = take().column;
            Result<NodePtr> operand = parseUnary();
            if (!operand)
                return operand;
            auto node = std::make_shared<Node>();
            node->kind = Node::Kind::Not;
            node->column = column;
            node->children = {*operand};
            return NodePtr(node);
        }
        Result<NodePtr> left = parseOperand();
        if (!left || peek().type != Token::Type::Compare)
            return left;
        const Token &op = take();
        Result<NodePtr> right = parseOperand();
        if (!right)
            return right;
        if (peek().type == Token::Type::Compare)
            return syntax(Tr::tr("comparisons do not chain: use '&&' between them"), peek().column);
        auto node = std::make_shared<Node>();
        node->kind = Node::Kind::Compare;
        node->op = op.op;
        node->column = op.column;
        node->children = {*left, *right};
        return NodePtr(node);
    }

    Result<NodePtr> parseOperand()
    {
        const Token &t = take();
        auto node = std::make_shared<Node>();
        node->column = t.column;
        switch (t.type) {
        case Token::Type::LParen: {
            Result<NodePtr> inner = parseOr();
            if (!inner)
                return inner;
            if (peek().type != Token::Type::RParen)
                return syntax(Tr::tr("expected ')' to close the '(' at column %1").arg(t.column),
                              peek().column);
            take();
            return inner;
        }
        case Token::Type::Number:
            node->kind = Node::Kind::Number;
            node->number = t.number;
            node->text = QString::number(t.number, 'g', 17);
            return NodePtr(node);
        case Token::Type::String:
            node->kind = Node::Kind::String;
            node->text = t.text;
            return NodePtr(node);
        case Token::Type::Variable:
            node->kind = Node::Kind::Variable;
            node->text = t.text;
            return NodePtr(node);
        case Token::Type::True:
        case Token::Type::False:
            node->kind = Node::Kind::Bool;
            node->boolean = t.type == Token::Type::True;
            return NodePtr(node);
        case Token::Type::End:
            --m_pos;
            return syntax(Tr::tr("the condition ends where a value was expected"), t.column);
        default:
            return syntax(Tr::tr("expected a value, a ${variable} or '('"), t.column);
        }
    }

    QList<Token> m_tokens;
    qsizetype m_pos = 0;
};

// A value during evaluation.
struct Value
{
    enum class Type { Number, Text, Bool };
    Type type = Type::Text;
    double number = 0;
    QString text;
    bool boolean = false;
    bool numeric = false;  // Number, or text that reads as a number
};

Value textValue(const QString &text, bool fromVariable)
{
    Value v;
    v.type = Value::Type::Text;
    v.text = text;
    if (fromVariable) {
        bool ok = false;
        v.number = text.trimmed().toDouble(&ok);
        v.numeric = ok && std::isfinite(v.number);
    }
    return v;
}

QString describe(const Value &v)
{
    switch (v.type) {
    case Value::Type::Number:
        return v.text;
    case Value::Type::Bool:
        return v.boolean ? u"true"_s : u"false"_s;
    case Value::Type::Text:
        return u'"' + v.text + u'"';
    }
    return {};
}

QString plain(const Value &v)
{
    return v.type == Value::Type::Text ? v.text : describe(v);
}

class Evaluator
{
public:
    explicit Evaluator(const QHash<QString, QString> &variables) : m_variables(variables) {}

    Result<Value> value(const Node &n) const
    {
        switch (n.kind) {
        case Node::Kind::Number: {
            Value v;
            v.type = Value::Type::Number;
            v.number = n.number;
            v.numeric = true;
            v.text = n.text;
            return v;
        }
        case Node::Kind::String:
            return textValue(n.text, false);
        case Node::Kind::Variable: {
            const auto it = m_variables.constFind(n.text);
            if (it == m_variables.cend())
                return makeError(ErrorCode::UnknownParameter,
                                 Tr::tr("unknown variable '%1'").arg(n.text), 0, n.column);
            return textValue(*it, true);
        }
        case Node::Kind::Bool:
        case Node::Kind::Logical:
        case Node::Kind::Not:
        case Node::Kind::Compare: {
            const Result<bool> b = truth(n);
            if (!b)
                return b.error();
            Value v;
            v.type = Value::Type::Bool;
            v.boolean = *b;
            return v;
        }
        }
        return Value{};
    }

    Result<bool> truth(const Node &n) const
    {
        switch (n.kind) {
        case Node::Kind::Bool:
            return n.boolean;
        case Node::Kind::Not: {
            const Result<bool> b = truth(*n.children.at(0));
            if (!b)
                return b;
            return !*b;
        }
        case Node::Kind::Logical: {
            const Result<bool> left = truth(*n.children.at(0));
            if (!left)
                return left;
            if ((n.op == Op::And && !*left) || (n.op == Op::Or && *left))
                return *left;
            return truth(*n.children.at(1));
        }
        case Node::Kind::Compare:
            return compare(n);
        case Node::Kind::Number:
        case Node::Kind::String:
        case Node::Kind::Variable: {
            const Result<Value> v = value(n);
            if (!v)
                return v.error();
            const QString t = v->text.trimmed().toLower();
            if (n.kind == Node::Kind::Variable && (t == u"true"_s || t == u"false"_s))
                return t == u"true"_s;
            return makeError(ErrorCode::InvalidValue,
                             Tr::tr("expected true or false, not %1").arg(describe(*v)), 0,
                             n.column);
        }
        }
        return false;
    }

private:
    Result<bool> compare(const Node &n) const
    {
        const Result<Value> a = value(*n.children.at(0));
        if (!a)
            return a.error();
        const Result<Value> b = value(*n.children.at(1));
        if (!b)
            return b.error();
        if (a->numeric && b->numeric) {
            switch (n.op) {
            case Op::Equal:
                return a->number == b->number;
            case Op::NotEqual:
                return a->number != b->number;
            case Op::Less:
                return a->number < b->number;
            case Op::Greater:
                return a->number > b->number;
            case Op::LessOrEqual:
                return a->number <= b->number;
            case Op::GreaterOrEqual:
                return a->number >= b->number;
            default:
                return false;
            }
        }
        if (n.op == Op::Equal || n.op == Op::NotEqual) {
            // Text comparison; true/false compare as the words "true"/"false".
            const bool equal = plain(*a) == plain(*b);
            return n.op == Op::Equal ? equal : !equal;
        }
        const Value &bad = a->numeric ? *b : *a;
        return makeError(ErrorCode::InvalidValue,
                         Tr::tr("'<', '>', '<=' and '>=' compare numbers; %1 is not a number")
                                 .arg(describe(bad)),
                         0, n.column);
    }

    const QHash<QString, QString> &m_variables;
};

void collectVariables(const Node &n, QStringList &out)
{
    if (n.kind == Node::Kind::Variable && !out.contains(n.text))
        out.append(n.text);
    for (const NodePtr &child : n.children)
        collectVariables(*child, out);
}

}  // namespace

ConditionExpression::ConditionExpression() = default;
ConditionExpression::~ConditionExpression() = default;
ConditionExpression::ConditionExpression(const ConditionExpression &) = default;
ConditionExpression &ConditionExpression::operator=(const ConditionExpression &) = default;

Result<ConditionExpression> ConditionExpression::parse(const QString &text)
{
    Result<QList<Token>> tokens = tokenize(text);
    if (!tokens)
        return tokens.error();
    if (tokens->size() == 1)
        return syntax(Tr::tr("the condition is empty"), 1);
    Parser parser(std::move(*tokens));
    Result<NodePtr> root = parser.parseAll();
    if (!root)
        return root.error();
    ConditionExpression e;
    e.m_text = text;
    e.m_root = *root;
    return e;
}

QStringList ConditionExpression::variables() const
{
    QStringList out;
    if (m_root)
        collectVariables(*m_root, out);
    return out;
}

Result<bool> ConditionExpression::evaluate(const QHash<QString, QString> &variables) const
{
    if (!m_root)
        return true;
    return Evaluator(variables).truth(*m_root);
}

Result<bool> evaluateCondition(const Job &job, const QHash<QString, QString> &variables)
{
    if (job.condition.trimmed().isEmpty())
        return true;
    const Result<ConditionExpression> e = ConditionExpression::parse(job.condition);
    if (!e)
        return e.error();
    return e->evaluate(variables);
}

QHash<QString, QString> conditionVariables(const QMap<QString, QString> &parameters,
                                           const QHash<QString, UpstreamResult> &upstream)
{
    QHash<QString, QString> out;
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it)
        out.insert(u"param."_s + it.key(), it.value());
    for (auto it = upstream.cbegin(); it != upstream.cend(); ++it) {
        const QString prefix = u"upstream."_s + it.key() + u'.';
        for (auto o = it->outputs.cbegin(); o != it->outputs.cend(); ++o)
            out.insert(prefix + o.key(), o.value());
        out.insert(prefix + u"exit_code"_s, QString::number(it->exitCode));
        out.insert(prefix + u"status"_s, runStateName(it->state));
    }
    return out;
}

OutputVariables parseOutputVariables(const QByteArray &output, const OutputLimits &limits)
{
    static const QRegularExpression name(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    OutputVariables result;
    qsizetype start = 0;
    while (start < output.size()) {
        qsizetype end = output.indexOf('\n', start);
        if (end < 0)
            end = output.size();
        QByteArrayView line(output.constData() + start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.startsWith("::set "))
            continue;
        line = line.sliced(6);
        const qsizetype eq = line.indexOf('=');
        if (eq <= 0) {
            ++result.dropped;
            continue;
        }
        const QString key = QString::fromUtf8(line.first(eq)).trimmed();
        const QByteArrayView value = line.sliced(eq + 1);
        if (!name.match(key).hasMatch() || key.size() > limits.maxNameLength
            || value.size() > limits.maxValueBytes || key == u"exit_code"_s || key == u"status"_s
            || (!result.values.contains(key) && result.values.size() >= limits.maxCount)) {
            ++result.dropped;
            continue;
        }
        result.values.insert(key, QString::fromUtf8(value));
    }
    return result;
}

}  // namespace Orrery::Dag

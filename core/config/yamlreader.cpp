#include "yamlreader.h"

#include <model/duration.h>
#include <model/spelling.h>

#include <QRegularExpression>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config::Internal {

QString didYouMean(const QString &word, const QStringList &candidates)
{
    const QString best = closestMatch(word, candidates);
    return best.isEmpty() ? QString() : Tr::tr(" (did you mean '%1'?)").arg(best);
}

QString quotedList(const QStringList &words)
{
    QStringList q;
    for (const QString &w : words)
        q.append(u'\'' + w + u'\'');
    return q.join(u", "_s);
}

// --- Document --------------------------------------------------------------------------------

namespace {

// Records where documents start, to find a second document and yaml-cpp 0.7's endless
// empty documents at a token it cannot handle (jbeder/yaml-cpp#1040: a stray ',' makes
// LoadAll() allocate without end, and Load() return an empty document).
class DocumentStarts final : public YAML::EventHandler
{
public:
    std::vector<YAML::Mark> starts;

    void OnDocumentStart(const YAML::Mark &mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t,
                  const std::string &) override
    {
    }
    void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {
    }
    void OnMapEnd() override {}
};

// Aliases share nodes, so a few lines can stand for an exponential tree ("billion laughs")
// or for a node that contains itself, and every reader walks the tree as it expands. Both are
// refused here, before any reader runs: at most kMaxNodes nodes counting every expansion, and
// no node inside itself. Iterative, so depth costs no stack.
constexpr qsizetype kMaxNodes = 1'000'000;

std::optional<std::pair<YAML::Node, bool>> findBadExpansion(const YAML::Node &root)
{
    struct Frame
    {
        YAML::Node node;
        size_t depth;
    };
    // A node's identity is approximated by (position, type) for a quick lookup among the
    // ancestors; Node::is() confirms.
    using Key = std::pair<size_t, int>;
    const auto keyOf = [](const YAML::Node &n) { return Key(n.Mark().pos, int(n.Type())); };
    std::vector<Frame> stack{{root, 0}};
    std::vector<YAML::Node> path;
    std::map<Key, int> onPath;
    qsizetype count = 0;
    while (!stack.empty()) {
        const Frame frame = stack.back();
        stack.pop_back();
        while (path.size() > frame.depth) {
            const auto it = onPath.find(keyOf(path.back()));
            if (--it->second == 0)
                onPath.erase(it);
            path.pop_back();
        }
        const YAML::Node &node = frame.node;
        if (!node.IsMap() && !node.IsSequence()) {
            if (++count > kMaxNodes)
                return std::pair(node, false);
            continue;
        }
        if (onPath.count(keyOf(node))) {
            for (const YAML::Node &ancestor : path) {
                if (ancestor.is(node))
                    return std::pair(node, true);
            }
        }
        if (++count > kMaxNodes)
            return std::pair(node, false);
        path.push_back(node);
        ++onPath[keyOf(node)];
        if (node.IsMap()) {
            for (auto it = node.begin(); it != node.end(); ++it) {
                stack.push_back({it->second, frame.depth + 1});
                stack.push_back({it->first, frame.depth + 1});
            }
        } else {
            for (const YAML::Node &item : node)
                stack.push_back({item, frame.depth + 1});
        }
    }
    return std::nullopt;
}

}  // namespace

Result<Document> Document::parse(const QByteArray &yaml, const QString &fileName)
{
    Document doc;
    doc.m_fileName = fileName;
    doc.m_source = yaml;
    if (doc.m_source.startsWith("\xEF\xBB\xBF"))
        doc.m_source.remove(0, 3);
    doc.m_lineStarts.push_back(0);
    for (qsizetype i = 0; i < doc.m_source.size(); ++i) {
        const auto c = static_cast<unsigned char>(doc.m_source.at(i));
        if (c == '\n')
            doc.m_lineStarts.push_back(i + 1);
        else if ((c & 0xC0) == 0x80)
            doc.m_continuationBytes.push_back(i);
    }

    const auto syntaxError = [&doc](const QString &message, const YAML::Mark &mark) {
        Error error{ErrorCode::Syntax, Tr::tr("YAML syntax error: %1").arg(message), doc.m_fileName,
                    0, 0};
        // mark.line + 1 / mark.column + 1, with the column counted in characters.
        const SourceLocation at = doc.locationOf(mark);
        error.line = at.line;
        error.column = at.column;
        return error;
    };

    // The one place where yaml-cpp may throw: nothing else in this library calls a yaml-cpp
    // function that throws (no as<T>(), no operator[] on missing keys).
    DocumentStarts starts;
    try {
        const std::string text = doc.m_source.toStdString();
        doc.m_root = YAML::Load(text);
        std::istringstream stream(text);
        YAML::Parser parser(stream);
        // Three documents at most: enough to tell a second document from a stuck parser.
        while (starts.starts.size() < 3 && parser.HandleNextDocument(starts)) {
        }
    } catch (const YAML::Exception &e) {
        return syntaxError(QString::fromStdString(e.msg), e.mark);
    } catch (const std::exception &e) {
        return syntaxError(QString::fromLocal8Bit(e.what()), YAML::Mark::null_mark());
    }

    const std::vector<YAML::Mark> &m = starts.starts;
    for (size_t i = 1; i < m.size(); ++i) {
        if (m[i].pos == m[i - 1].pos) {
            const QByteArray token = doc.m_source.mid(m[i].pos, 1);
            return syntaxError(Tr::tr("unexpected '%1'").arg(QString::fromUtf8(token)), m[i]);
        }
    }
    if (m.size() > 1) {
        Error error = syntaxError(Tr::tr("a file holds one YAML document; remove the second "
                                         "one"),
                                  m[1]);
        error.message = Tr::tr("a file holds one YAML document; remove the second one");
        return error;
    }
    if (const auto bad = findBadExpansion(doc.m_root)) {
        const SourceLocation at = doc.locationOf(bad->first.Mark());
        const QString message
                = bad->second ? Tr::tr(
                          "an alias refers to a node that contains it (the node "
                          "anchored here); recursive aliases are not supported")
                              : Tr::tr("the file expands to more than %1 values; are aliases "
                                       "repeating each other?")
                                        .arg(kMaxNodes);
        return Error{ErrorCode::InvalidValue, message, doc.m_fileName, at.line, at.column};
    }
    return doc;
}

SourceLocation Document::locationAt(qsizetype bytePos) const
{
    bytePos = std::clamp<qsizetype>(bytePos, 0, m_source.size());
    const auto next = std::upper_bound(m_lineStarts.cbegin(), m_lineStarts.cend(), bytePos);
    const qsizetype index = std::max<qsizetype>(next - m_lineStarts.cbegin() - 1, 0);
    const qsizetype lineStart = m_lineStarts.empty() ? 0 : m_lineStarts[size_t(index)];
    // Count characters (UTF-8 lead bytes), not bytes.
    const auto cont = [this](qsizetype pos) {
        return std::lower_bound(m_continuationBytes.cbegin(), m_continuationBytes.cend(), pos)
               - m_continuationBytes.cbegin();
    };
    const qsizetype column = bytePos - lineStart - (cont(bytePos) - cont(lineStart)) + 1;
    return {int(index) + 1, int(std::min<qsizetype>(column, std::numeric_limits<int>::max()))};
}

SourceLocation Document::locationOf(const YAML::Mark &mark) const
{
    if (mark.is_null())
        return {};
    if (mark.pos >= 0 && mark.pos <= m_source.size())
        return locationAt(mark.pos);
    return {mark.line + 1, mark.column + 1};
}

// --- Reader ----------------------------------------------------------------------------------

QList<Error> Reader::sortedErrors() const
{
    QList<Error> sorted = m_errors;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Error &a, const Error &b) {
        // Errors without a line (render-time values) stay first.
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return sorted;
}

void Reader::report(ErrorCode code, const QString &message, const SourceLocation &location)
{
    m_errors.append(Error{code, message, m_document->fileName(), location.line, location.column});
}

void Reader::report(const Error &error, const SourceLocation &location)
{
    m_errors.append(error.at(m_document->fileName(), location.line, location.column));
}

SourceLocation Reader::location(const YAML::Node &node) const
{
    if (!node.IsDefined())
        return {};
    return m_document->locationOf(node.Mark());
}

SourceLocation Reader::locationInside(const YAML::Node &scalar, int column) const
{
    const SourceLocation start = location(scalar);
    if (column <= 0 || start.line == 0 || !scalar.IsScalar())
        return start;
    const YAML::Mark mark = scalar.Mark();
    const QByteArray &src = m_document->source();
    if (mark.pos < 0 || mark.pos >= src.size())
        return start;
    const char first = src.at(mark.pos);
    if (first == '|' || first == '>')
        return start;  // block scalar: the text starts on the next lines
    const bool quoted = first == '"' || first == '\'';
    // The scalar must be written on one line, without escapes, for columns to line up.
    const QString raw = QString::fromStdString(scalar.Scalar());
    if (raw.contains(u'\n') || (quoted && first == '"' && raw.contains(u'\\')))
        return start;
    const qsizetype endOfLine = src.indexOf('\n', mark.pos);
    const QString lineText
            = QString::fromUtf8(src.mid(mark.pos, endOfLine < 0 ? -1 : endOfLine - mark.pos));
    if (!lineText.mid(quoted ? 1 : 0).startsWith(raw))
        return start;
    return {start.line, start.column + (quoted ? 1 : 0) + column - 1};
}

ScalarText Reader::text(const YAML::Node &scalar) const
{
    const QString raw = QString::fromStdString(scalar.Scalar());
    if (m_transform)
        return m_transform(raw, scalar);
    return {raw, false, false};
}

QString Reader::typeName(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return Tr::tr("a map");
    case YAML::NodeType::Sequence:
        return Tr::tr("a list");
    case YAML::NodeType::Scalar:
        return Tr::tr("a scalar");
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return Tr::tr("nothing");
}

std::optional<QList<Reader::Entry>> Reader::mapEntries(const YAML::Node &node,
                                                       const SourceLocation &where,
                                                       const QString &what,
                                                       const QStringList &known)
{
    if (!node.IsMap()) {
        report(ErrorCode::WrongType,
               Tr::tr("%1 must be a map of keys and values, not %2").arg(what, typeName(node)),
               node.IsNull() ? where : location(node));
        return std::nullopt;
    }
    QList<Entry> entries;
    QStringList seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        Entry e;
        e.keyNode = it->first;
        e.value = it->second;
        e.keyLocation = location(e.keyNode);
        e.valueLocation = e.value.IsNull() ? e.keyLocation : location(e.value);
        if (!e.keyNode.IsScalar()) {
            report(ErrorCode::WrongType, Tr::tr("a key in %1 must be a plain word").arg(what),
                   e.keyLocation);
            continue;
        }
        e.key = QString::fromStdString(e.keyNode.Scalar());
        if (!known.isEmpty() && !known.contains(e.key)) {
            const QString suggestion = closestMatch(e.key, known);
            if (!suggestion.isEmpty())
                m_suggested.insert({node.Mark().pos, suggestion});
            report(ErrorCode::UnknownKey,
                   Tr::tr("unknown key '%1' in %2%3").arg(e.key, what, didYouMean(e.key, known)),
                   e.keyLocation);
            continue;
        }
        if (seen.contains(e.key)) {
            report(ErrorCode::DuplicateName, Tr::tr("duplicate key '%1' in %2").arg(e.key, what),
                   e.keyLocation);
            continue;
        }
        seen.append(e.key);
        entries.append(e);
    }
    return entries;
}

bool Reader::wasSuggested(const YAML::Node &map, const QString &key) const
{
    return map.IsDefined() && m_suggested.contains(std::pair(qsizetype(map.Mark().pos), key));
}

void Reader::reportMissing(const YAML::Node &map, const QString &key, const QString &message,
                           const SourceLocation &where)
{
    if (!wasSuggested(map, key))
        report(ErrorCode::MissingField, message, where);
}

std::optional<QList<YAML::Node>> Reader::sequence(const Entry &entry)
{
    if (entry.value.IsNull())
        return QList<YAML::Node>();
    if (!entry.value.IsSequence()) {
        report(ErrorCode::WrongType,
               Tr::tr("'%1' must be a list, not %2").arg(entry.key, typeName(entry.value)),
               entry.valueLocation);
        return std::nullopt;
    }
    QList<YAML::Node> items;
    for (const YAML::Node &item : entry.value)
        items.append(item);
    return items;
}

std::optional<ScalarText> Reader::scalar(const Entry &entry, const QString &expected)
{
    if (!entry.value.IsScalar()) {
        report(ErrorCode::WrongType,
               Tr::tr("'%1' must be %2, not %3").arg(entry.key, expected, typeName(entry.value)),
               entry.valueLocation);
        return std::nullopt;
    }
    return text(entry.value);
}

std::optional<QString> Reader::string(const Entry &entry, bool allowEmpty, bool singleLine)
{
    const auto value = scalar(entry, Tr::tr("a string"));
    if (!value || value->deferred)
        return value ? std::optional<QString>(value->text) : std::nullopt;
    if (!allowEmpty && value->text.trimmed().isEmpty()) {
        report(ErrorCode::InvalidValue, Tr::tr("'%1' must not be empty").arg(entry.key),
               entry.valueLocation);
        return std::nullopt;
    }
    if (singleLine && value->text.contains(u'\n')) {
        report(ErrorCode::InvalidValue, Tr::tr("'%1' must be a single line").arg(entry.key),
               entry.valueLocation);
        return std::nullopt;
    }
    return value->text;
}

std::optional<qint64> Reader::integer(const Entry &entry, qint64 min, qint64 max)
{
    const auto value = scalar(entry, Tr::tr("an integer"));
    if (!value || value->deferred)
        return std::nullopt;
    static const QRegularExpression re(u"^[+-]?[0-9]+$"_s);
    bool ok = false;
    const qint64 v = re.match(value->text.trimmed()).hasMatch()
                             ? value->text.trimmed().toLongLong(&ok)
                             : 0;
    if (!ok) {
        report(ErrorCode::WrongType,
               Tr::tr("'%1' must be an integer, not '%2'").arg(entry.key, value->text),
               entry.valueLocation);
        return std::nullopt;
    }
    if (v < min || v > max) {
        report(ErrorCode::InvalidValue,
               max == std::numeric_limits<qint64>::max()
                       ? Tr::tr("'%1' must be at least %2, not %3").arg(entry.key).arg(min).arg(v)
                       : Tr::tr("'%1' must be between %2 and %3, not %4")
                                 .arg(entry.key)
                                 .arg(min)
                                 .arg(max)
                                 .arg(v),
               entry.valueLocation);
        return std::nullopt;
    }
    return v;
}

std::optional<double> Reader::number(const Entry &entry, double min)
{
    const auto value = scalar(entry, Tr::tr("a number"));
    if (!value || value->deferred)
        return std::nullopt;
    static const QRegularExpression re(
            u"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$"_s);
    bool ok = false;
    const double v
            = re.match(value->text.trimmed()).hasMatch() ? value->text.trimmed().toDouble(&ok) : 0;
    if (!ok || !std::isfinite(v)) {
        report(ErrorCode::WrongType,
               Tr::tr("'%1' must be a number, not '%2'").arg(entry.key, value->text),
               entry.valueLocation);
        return std::nullopt;
    }
    if (v < min) {
        report(ErrorCode::InvalidValue,
               Tr::tr("'%1' must be at least %2, not %3").arg(entry.key).arg(min).arg(v),
               entry.valueLocation);
        return std::nullopt;
    }
    return v;
}

std::optional<bool> Reader::boolean(const Entry &entry)
{
    const auto value = scalar(entry, Tr::tr("true or false"));
    if (!value || value->deferred)
        return std::nullopt;
    const QString t = value->text.trimmed().toLower();
    if (t == u"true"_s || t == u"yes"_s || t == u"on"_s)
        return true;
    if (t == u"false"_s || t == u"no"_s || t == u"off"_s)
        return false;
    report(ErrorCode::WrongType,
           Tr::tr("'%1' must be true or false, not '%2'").arg(entry.key, value->text),
           entry.valueLocation);
    return std::nullopt;
}

std::optional<qint64> Reader::duration(const Entry &entry, bool allowZero)
{
    const auto value = scalar(entry, Tr::tr("a duration"));
    if (!value || value->deferred)
        return std::nullopt;
    const bool hasDigit = std::any_of(value->text.cbegin(), value->text.cend(),
                                      [](QChar c) { return c.isDigit(); });
    if (!hasDigit) {
        report(ErrorCode::WrongType,
               Tr::tr("'%1' must be a number of seconds or a duration such as 90s, 30m, 2h or "
                      "1h30m, not '%2'")
                       .arg(entry.key, value->text),
               entry.valueLocation);
        return std::nullopt;
    }
    const Result<qint64> d = parseDuration(value->text, allowZero);
    if (!d) {
        Error e = d.error();
        e.message = Tr::tr("'%1': %2").arg(entry.key, e.message);
        report(e, value->substituted ? entry.valueLocation
                                     : locationInside(entry.value, d.error().column));
        return std::nullopt;
    }
    return *d;
}

std::optional<QString> Reader::word(const Entry &entry, const QStringList &words)
{
    const auto value = scalar(entry, Tr::tr("one of %1").arg(quotedList(words)));
    if (!value || value->deferred)
        return std::nullopt;
    const QString w = value->text.trimmed();
    for (const QString &candidate : words) {
        if (candidate.compare(w, Qt::CaseInsensitive) == 0)
            return candidate;
    }
    report(ErrorCode::InvalidValue,
           Tr::tr("'%1' must be one of %2, not '%3'%4")
                   .arg(entry.key, quotedList(words), value->text, didYouMean(w, words)),
           entry.valueLocation);
    return std::nullopt;
}

}  // namespace Orrery::Config::Internal

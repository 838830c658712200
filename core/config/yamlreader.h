#pragma once

// Internal to Orrery::Config: reading YAML with located errors. Not installed, not included
// by any public header (yaml-cpp is private to the library).

#include <model/job.h>
#include <model/result.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <vector>

namespace Orrery::Config {

// User-visible messages of the library (errors are shown in the GUI and by orreryctl).
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Config)
};

namespace Internal {

// " (did you mean 'x'?)" or empty.
QString didYouMean(const QString &word, const QStringList &candidates);
// "'a', 'b', 'c'"
QString quotedList(const QStringList &words);

// One parsed YAML document plus its source text, for locating nodes.
class Document
{
public:
    // The one boundary where yaml-cpp exceptions are caught and turned into a Syntax error
    // located at the exception's mark. An empty file is an empty (null) document.
    static Result<Document> parse(const QByteArray &yaml, const QString &fileName);

    const YAML::Node &root() const { return m_root; }
    const QString &fileName() const { return m_fileName; }
    const QByteArray &source() const { return m_source; }

    // 1-based line and column (in characters, not bytes) of a byte offset into the source.
    SourceLocation locationAt(qsizetype bytePos) const;
    SourceLocation locationOf(const YAML::Mark &mark) const;

private:
    YAML::Node m_root;
    QString m_fileName;
    QByteArray m_source;
    // Byte offsets where each line starts and of every UTF-8 continuation byte, so that
    // locating a node is two binary searches instead of a scan of the file (a large file
    // has one lookup per node).
    std::vector<qsizetype> m_lineStarts;
    std::vector<qsizetype> m_continuationBytes;
};

// The text of a scalar as the readers see it: as written, or after template substitution.
struct ScalarText
{
    QString text;
    bool deferred = false;     // holds placeholders whose values are known only when rendering
    bool substituted = false;  // differs from the text in the file (positions inside are lost)
};

// Collects located errors while walking a document.
class Reader
{
public:
    using Transform = std::function<ScalarText(const QString &text, const YAML::Node &node)>;

    explicit Reader(const Document &document) : m_document(&document) {}

    const Document &document() const { return *m_document; }
    const QList<Error> &errors() const { return m_errors; }
    // Errors sorted by position (stable).
    QList<Error> sortedErrors() const;
    bool hasErrors() const { return !m_errors.isEmpty(); }

    void setTransform(Transform transform) { m_transform = std::move(transform); }

    void report(ErrorCode code, const QString &message, const SourceLocation &location);
    void report(const Error &error, const SourceLocation &location);

    // Where a node starts (null nodes have no position of their own: pass the key's).
    SourceLocation location(const YAML::Node &node) const;
    // Where the character at 1-based `column` of the scalar's text is in the file. Exact for
    // single-line plain and quoted scalars; the scalar's own position otherwise.
    SourceLocation locationInside(const YAML::Node &scalar, int column) const;

    ScalarText text(const YAML::Node &scalar) const;

    struct Entry
    {
        QString key;  // as written (after substitution for free-form keys)
        YAML::Node keyNode;
        YAML::Node value;
        SourceLocation keyLocation;
        // Where the value is; the key's position for a null value.
        SourceLocation valueLocation;
    };

    // The entries of a map. Reports WrongType when `node` is not a map (and returns nullopt),
    // a key that is not a scalar, DuplicateName for a key given twice (the later one is
    // dropped) and, when `known` is not empty, UnknownKey with a suggestion. `what` names
    // the map in messages ("job", "pipeline file"...).
    std::optional<QList<Entry>> mapEntries(const YAML::Node &node, const SourceLocation &where,
                                           const QString &what, const QStringList &known);

    // The items of a sequence; WrongType when it is not one. A null node is an empty list.
    std::optional<QList<YAML::Node>> sequence(const Entry &entry);

    // A scalar value; WrongType for a list, map or missing value.
    std::optional<ScalarText> scalar(const Entry &entry, const QString &expected);

    // Typed values. Each reports its own errors and returns nullopt on error or when the
    // value is deferred (template placeholders checked at render time).
    std::optional<QString> string(const Entry &entry, bool allowEmpty = true,
                                  bool singleLine = false);
    std::optional<qint64> integer(const Entry &entry, qint64 min, qint64 max);
    std::optional<double> number(const Entry &entry, double min);
    std::optional<bool> boolean(const Entry &entry);
    std::optional<qint64> duration(const Entry &entry, bool allowZero);
    // One of `words` (case-insensitive); the message lists them.
    std::optional<QString> word(const Entry &entry, const QStringList &words);

    static QString typeName(const YAML::Node &node);

    // Whether mapEntries() reported an unknown key of `map` as a likely typo of `key`; a
    // missing required key is then not reported again.
    bool wasSuggested(const YAML::Node &map, const QString &key) const;
    // Reports MissingField at `where` unless wasSuggested(map, key).
    void reportMissing(const YAML::Node &map, const QString &key, const QString &message,
                       const SourceLocation &where);

private:
    const Document *m_document;  // outlives the reader
    QList<Error> m_errors;
    Transform m_transform;
    QSet<std::pair<qsizetype, QString>> m_suggested;  // (map position, suggested key)
};

}  // namespace Internal
}  // namespace Orrery::Config

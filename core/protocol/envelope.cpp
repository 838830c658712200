#include "envelope.h"

#include "jsonreader.h"
#include "messages.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Protocol {

namespace {

constexpr int kMaxIdLength = 128;

Error fieldError(ErrorCode code, const QString &field, const QString &message)
{
    Error e = makeError(code, message);
    e.file = field;
    return e;
}

// Refuses nesting deeper than maxDepth with one pass over the bytes, before the parser sees
// them (Qt's own parser recurses, up to 1024 levels). Returns the offset of the bracket that
// went too deep, or -1.
qsizetype tooDeepAt(const QByteArray &frame, int maxDepth)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (qsizetype i = 0; i < frame.size(); ++i) {
        const char c = frame.at(i);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '[':
        case '{':
            if (++depth > maxDepth)
                return i;
            break;
        case ']':
        case '}':
            --depth;
            break;
        default:
            break;
        }
    }
    return -1;
}

QString versionList()
{
    QStringList versions;
    for (int v : supportedVersions())
        versions.append(QString::number(v));
    return versions.join(u", "_s);
}

Result<QJsonObject> parseObject(const QByteArray &frame, const Limits &limits)
{
    if (frame.size() > limits.maxMessageBytes)
        return fieldError(ErrorCode::TooLarge, {},
                          Tr::tr("the message has %1 bytes; the limit is %2")
                                  .arg(frame.size())
                                  .arg(limits.maxMessageBytes));
    if (const qsizetype at = tooDeepAt(frame, limits.maxDepth); at >= 0) {
        Error e = fieldError(
                ErrorCode::TooLarge, {},
                Tr::tr("the message nests deeper than %1 levels").arg(limits.maxDepth));
        e.column = int(at + 1);
        return e;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        Error e = fieldError(ErrorCode::Syntax, {},
                             Tr::tr("invalid JSON: %1").arg(parseError.errorString()));
        e.column = parseError.offset + 1;
        return e;
    }
    if (!doc.isObject())
        return fieldError(ErrorCode::WrongType, {}, Tr::tr("a message must be a JSON object"));
    return doc.object();
}

}  // namespace

const QList<int> &supportedVersions()
{
    static const QList<int> versions{1};
    return versions;
}

Result<Envelope> decode(const QByteArray &frame, const Limits &limits)
{
    const Result<QJsonObject> parsed = parseObject(frame, limits);
    if (!parsed)
        return parsed.error();
    const QJsonObject &object = *parsed;

    // The version first: a newer version may change everything else.
    Internal::JsonReader r(object, {});
    Envelope e;
    e.version = int(
            r.integer(u"v"_s, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
    if (r.hasError() && r.error().code == ErrorCode::InvalidValue)
        return fieldError(
                ErrorCode::UnsupportedVersion, u"v"_s,
                Tr::tr("protocol version out of range; this build speaks %1").arg(versionList()));
    if (r.hasError())
        return r.error();
    if (!supportedVersions().contains(e.version))
        return fieldError(ErrorCode::UnsupportedVersion, u"v"_s,
                          Tr::tr("protocol version %1 is not supported; this build speaks %2")
                                  .arg(e.version)
                                  .arg(versionList()));

    e.type = r.string(u"type"_s, Internal::JsonReader::Text::NonEmpty, kMaxIdLength);
    e.id = r.string(u"id"_s, Internal::JsonReader::Text::NonEmpty, kMaxIdLength);
    e.re = r.optionalString(u"re"_s, {}, kMaxIdLength);
    if (r.hasError())
        return r.error();
    const auto body = object.constFind(u"body"_s);
    if (body == object.constEnd())
        return fieldError(ErrorCode::MissingField, u"body"_s, Tr::tr("the field is required"));
    if (!body->isObject())
        return fieldError(ErrorCode::WrongType, u"body"_s, Tr::tr("expected an object"));
    e.body = body->toObject();

    if (const Result<void> valid = validateBody(e.version, e.type, e.body); !valid)
        return valid.error();
    return e;
}

QByteArray encode(const Envelope &envelope)
{
    QJsonObject o{{u"v"_s, envelope.version},
                  {u"type"_s, envelope.type},
                  {u"id"_s, envelope.id},
                  {u"body"_s, envelope.body}};
    if (!envelope.re.isEmpty())
        o.insert(u"re"_s, envelope.re);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString readableId(const QByteArray &frame, const Limits &limits)
{
    const Result<QJsonObject> parsed = parseObject(frame, limits);
    if (!parsed)
        return {};
    const QJsonValue id = parsed->value(u"id"_s);
    if (!id.isString() || id.toString().size() > kMaxIdLength)
        return {};
    return id.toString();
}

}  // namespace Orrery::Protocol

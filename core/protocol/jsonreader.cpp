#include "jsonreader.h"

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Protocol {

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"an array"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"nothing"_s;
}

}  // namespace Orrery::Protocol

namespace Orrery::Protocol::Internal {

static QString rangeText(qint64 min, qint64 max)
{
    if (max == std::numeric_limits<qint64>::max())
        return Tr::tr("at least %1").arg(min);
    return Tr::tr("between %1 and %2").arg(min).arg(max);
}


JsonReader::JsonReader(const QJsonObject &object, const QString &path)
    : m_object(object), m_path(path)
{
}

QString JsonReader::fieldPath(const QString &key) const
{
    return m_path.isEmpty() ? key : m_path + u'.' + key;
}

void JsonReader::fail(ErrorCode code, const QString &field, const QString &message)
{
    if (hasError())
        return;
    m_error = makeError(code, message);
    m_error.file = field;
}

void JsonReader::take(const Error &error)
{
    if (!hasError())
        m_error = error;
}

bool JsonReader::present(const QString &key, QJsonValue *value, bool required)
{
    if (hasError())
        return false;
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd()) {
        if (required)
            fail(ErrorCode::MissingField, fieldPath(key), Tr::tr("the field is required"));
        return false;
    }
    *value = it.value();
    return true;
}

QString JsonReader::string(const QString &key, Text rule, int maxLength)
{
    QJsonValue v;
    if (!present(key, &v, true))
        return {};
    if (!v.isString()) {
        fail(ErrorCode::WrongType, fieldPath(key),
             Tr::tr("expected a string, found %1").arg(jsonTypeName(v)));
        return {};
    }
    const QString s = v.toString();
    if (rule == Text::NonEmpty && s.isEmpty()) {
        fail(ErrorCode::InvalidValue, fieldPath(key), Tr::tr("must not be empty"));
        return {};
    }
    if (s.size() > maxLength) {
        fail(ErrorCode::InvalidValue, fieldPath(key),
             Tr::tr("is longer than %1 characters").arg(maxLength));
        return {};
    }
    return s;
}

QString JsonReader::optionalString(const QString &key, const QString &fallback, int maxLength)
{
    QJsonValue v;
    if (!present(key, &v, false))
        return fallback;
    return string(key, Text::Any, maxLength);
}

bool JsonReader::toInteger(const QJsonValue &v, const QString &key, qint64 min, qint64 max,
                           qint64 *out)
{
    if (!v.isDouble()) {
        fail(ErrorCode::WrongType, fieldPath(key),
             Tr::tr("expected an integer, found %1").arg(jsonTypeName(v)));
        return false;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d)) {
        fail(ErrorCode::WrongType, fieldPath(key), Tr::tr("expected an integer, found %1").arg(d));
        return false;
    }
    // Integers that fit in 64 bits are kept exactly by the parser; anything beyond is a
    // double that toInteger() refuses.
    constexpr qint64 sentinel = std::numeric_limits<qint64>::min();
    const qint64 i = v.toInteger(sentinel);
    if ((i == sentinel && d != -9223372036854775808.0) || i < min || i > max) {
        fail(ErrorCode::InvalidValue, fieldPath(key),
             Tr::tr("must be %1").arg(rangeText(min, max)));
        return false;
    }
    *out = i;
    return true;
}

qint64 JsonReader::integer(const QString &key, qint64 min, qint64 max)
{
    QJsonValue v;
    qint64 result = 0;
    if (present(key, &v, true))
        toInteger(v, key, min, max, &result);
    return result;
}

qint64 JsonReader::optionalInteger(const QString &key, qint64 fallback, qint64 min, qint64 max)
{
    QJsonValue v;
    if (!present(key, &v, false))
        return fallback;
    qint64 result = fallback;
    toInteger(v, key, min, max, &result);
    return result;
}

double JsonReader::number(const QString &key, double min, double max)
{
    QJsonValue v;
    if (!present(key, &v, true))
        return 0;
    if (!v.isDouble()) {
        fail(ErrorCode::WrongType, fieldPath(key),
             Tr::tr("expected a number, found %1").arg(jsonTypeName(v)));
        return 0;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || d < min || d > max) {
        fail(ErrorCode::InvalidValue, fieldPath(key),
             Tr::tr("must be between %1 and %2").arg(min).arg(max));
        return 0;
    }
    return d;
}

bool JsonReader::optionalBoolean(const QString &key, bool fallback)
{
    QJsonValue v;
    if (!present(key, &v, false))
        return fallback;
    if (!v.isBool()) {
        fail(ErrorCode::WrongType, fieldPath(key),
             Tr::tr("expected true or false, found %1").arg(jsonTypeName(v)));
        return fallback;
    }
    return v.toBool();
}

qint64 JsonReader::id(const QString &key)
{
    QJsonValue v;
    if (!present(key, &v, true))
        return 0;
    if (v.isString()) {
        const QString s = v.toString();
        bool digits = !s.isEmpty() && s.size() <= 19;
        for (QChar c : s)
            digits = digits && c >= u'0' && c <= u'9';
        bool ok = false;
        const qint64 value = digits ? s.toLongLong(&ok) : 0;
        if (!ok || value <= 0) {
            fail(ErrorCode::InvalidValue, fieldPath(key),
                 Tr::tr("expected a positive 64-bit id, found '%1'").arg(s.left(40)));
            return 0;
        }
        return value;
    }
    if (v.isDouble()) {
        qint64 value = 0;
        toInteger(v, key, 1, std::numeric_limits<qint64>::max(), &value);
        return value;
    }
    fail(ErrorCode::WrongType, fieldPath(key),
         Tr::tr("expected an id (a string of digits), found %1").arg(jsonTypeName(v)));
    return 0;
}

RunState JsonReader::finalState(const QString &key)
{
    const QString name = string(key);
    if (hasError())
        return RunState::Failed;
    const auto state = runStateFromName(name);
    if (!state || !isFinal(*state) || *state == RunState::Lost) {
        fail(ErrorCode::InvalidValue, fieldPath(key),
             Tr::tr("expected success, failed, timed_out, cancelled or skipped, found '%1'")
                     .arg(name.left(40)));
        return RunState::Failed;
    }
    return *state;
}

QMap<QString, QString> JsonReader::optionalStringMap(const QString &key)
{
    QJsonValue v;
    QMap<QString, QString> result;
    if (!present(key, &v, false))
        return result;
    if (!v.isObject()) {
        fail(ErrorCode::WrongType, fieldPath(key),
             Tr::tr("expected an object of strings, found %1").arg(jsonTypeName(v)));
        return result;
    }
    const QJsonObject o = v.toObject();
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (it.key().isEmpty()) {
            fail(ErrorCode::InvalidValue, fieldPath(key), Tr::tr("a key is empty"));
            return {};
        }
        if (!it.value().isString()) {
            fail(ErrorCode::WrongType, fieldPath(key) + u'.' + it.key(),
                 Tr::tr("expected a string, found %1").arg(jsonTypeName(it.value())));
            return {};
        }
        result.insert(it.key(), it.value().toString());
    }
    return result;
}

QByteArray JsonReader::base64(const QString &key)
{
    const QString text = string(key, Text::Any, std::numeric_limits<int>::max());
    if (hasError())
        return {};
    const auto decoded = QByteArray::fromBase64Encoding(
            text.toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    bool ascii = true;
    for (QChar c : text)
        ascii = ascii && c.unicode() < 128;
    if (!ascii || decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok) {
        fail(ErrorCode::InvalidValue, fieldPath(key), Tr::tr("is not valid base64"));
        return {};
    }
    return decoded.decoded;
}

QJsonArray JsonReader::array(const QString &key)
{
    QJsonValue v;
    if (!present(key, &v, true))
        return {};
    if (!v.isArray()) {
        fail(ErrorCode::WrongType, fieldPath(key),
             Tr::tr("expected an array, found %1").arg(jsonTypeName(v)));
        return {};
    }
    return v.toArray();
}

QJsonObject JsonReader::arrayObject(const QJsonArray &array, const QString &key, qsizetype index)
{
    const QJsonValue v = array.at(index);
    if (!v.isObject()) {
        fail(ErrorCode::WrongType, fieldPath(key) + u'[' + QString::number(index) + u']',
             Tr::tr("expected an object, found %1").arg(jsonTypeName(v)));
        return {};
    }
    return v.toObject();
}

}  // namespace Orrery::Protocol::Internal

#pragma once

#include <model/error.h>
#include <model/runstate.h>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

#include <limits>

namespace Orrery::Protocol {

// "null", "a boolean", "a number", "a string", "an array", "an object" (for error messages).
QString jsonTypeName(const QJsonValue &value);

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Protocol)
};

namespace Internal {

// Reads the fields of one JSON object, naming each field by its path ("body.exit_code",
// "body.running[1].attempt") in Error::file. The first error wins; later reads return
// defaults, so a fromJson() reads every field and checks hasError() once at the end.
// Unknown keys are never looked at (forward compatibility).
class JsonReader final
{
public:
    JsonReader(const QJsonObject &object, const QString &path);

    enum class Text { Any, NonEmpty };

    QString string(const QString &key, Text rule = Text::NonEmpty, int maxLength = 4096);
    QString optionalString(const QString &key, const QString &fallback = {}, int maxLength = 4096);
    qint64 integer(const QString &key, qint64 min = std::numeric_limits<qint64>::min(),
                   qint64 max = std::numeric_limits<qint64>::max());
    qint64 optionalInteger(const QString &key, qint64 fallback,
                           qint64 min = std::numeric_limits<qint64>::min(),
                           qint64 max = std::numeric_limits<qint64>::max());
    double number(const QString &key, double min, double max);
    bool optionalBoolean(const QString &key, bool fallback);
    // A 64-bit id: a JSON string of decimal digits or a JSON integer; must be > 0.
    qint64 id(const QString &key);
    // A final run state by name: success, failed, timed_out, cancelled or skipped.
    RunState finalState(const QString &key);
    // A JSON object of strings; keys must be non-empty. Absent means empty.
    QMap<QString, QString> optionalStringMap(const QString &key);
    QByteArray base64(const QString &key);
    QJsonArray array(const QString &key);
    // The object at index `index` of an array read with array(); errors name "key[index]".
    QJsonObject arrayObject(const QJsonArray &array, const QString &key, qsizetype index);

    QString fieldPath(const QString &key) const;
    void fail(ErrorCode code, const QString &field, const QString &message);
    void take(const Error &error);
    bool hasError() const { return m_error.code != ErrorCode::None; }
    const Error &error() const { return m_error; }

private:
    bool present(const QString &key, QJsonValue *value, bool required);
    bool toInteger(const QJsonValue &value, const QString &key, qint64 min, qint64 max,
                   qint64 *out);

    QJsonObject m_object;
    QString m_path;
    Error m_error;
};

}  // namespace Internal
}  // namespace Orrery::Protocol

#include "runoutcome.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Agent {

static constexpr int kFormat = 1;

QByteArray toJson(const RunOutcome &o)
{
    QJsonObject obj{
            {u"format"_s, kFormat},
            {u"run_id"_s, o.runId.toString()},
            {u"attempt"_s, o.attempt},
            {u"state"_s, runStateName(o.state)},
            {u"exit_code"_s, o.exitCode},
            {u"signal"_s, o.signal},
            {u"started_ms"_s, QString::number(o.startedMs)},
            {u"finished_ms"_s, QString::number(o.finishedMs)},
            {u"stdout_bytes"_s, QString::number(o.stdoutBytes)},
            {u"stderr_bytes"_s, QString::number(o.stderrBytes)},
            {u"truncated"_s, o.truncated},
            {u"reason"_s, o.reason},
    };
    return QJsonDocument(obj).toJson(QJsonDocument::Compact) + '\n';
}

static Error missing(const QString &key)
{
    return makeError(ErrorCode::MissingField, u"missing or mistyped field '%1'"_s.arg(key));
}

Result<RunOutcome> runOutcomeFromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(ErrorCode::Syntax, u"bad JSON at offset %1: %2"_s.arg(parseError.offset)
                                                    .arg(parseError.errorString()));
    if (!doc.isObject())
        return makeError(ErrorCode::WrongType, u"expected a JSON object"_s);
    const QJsonObject obj = doc.object();

    if (!obj.value(u"format"_s).isDouble())
        return missing(u"format"_s);
    if (obj.value(u"format"_s).toInt() != kFormat)
        return makeError(ErrorCode::UnsupportedVersion,
                         u"unsupported format %1"_s.arg(obj.value(u"format"_s).toInt()));

    auto int64Field = [&obj](const QString &key, qint64 &out) -> bool {
        bool ok = false;
        out = obj.value(key).toString().toLongLong(&ok);
        return ok;
    };
    auto uint64Field = [&obj](const QString &key, quint64 &out) -> bool {
        bool ok = false;
        out = obj.value(key).toString().toULongLong(&ok);
        return ok;
    };

    RunOutcome o;
    o.runId = RunId::fromString(obj.value(u"run_id"_s).toString());
    if (!o.runId.isValid())
        return missing(u"run_id"_s);
    for (const QString &key : {u"attempt"_s, u"exit_code"_s, u"signal"_s}) {
        if (!obj.value(key).isDouble())
            return missing(key);
    }
    o.attempt = obj.value(u"attempt"_s).toInt();
    if (o.attempt < 1)
        return makeError(ErrorCode::InvalidValue, u"attempt must be at least 1"_s);
    o.exitCode = obj.value(u"exit_code"_s).toInt();
    o.signal = obj.value(u"signal"_s).toInt();
    const auto state = runStateFromName(obj.value(u"state"_s).toString());
    if (!state)
        return missing(u"state"_s);
    if (!isFinal(*state))
        return makeError(ErrorCode::InvalidValue, u"state is not final"_s);
    o.state = *state;
    if (!int64Field(u"started_ms"_s, o.startedMs))
        return missing(u"started_ms"_s);
    if (!int64Field(u"finished_ms"_s, o.finishedMs))
        return missing(u"finished_ms"_s);
    if (!uint64Field(u"stdout_bytes"_s, o.stdoutBytes))
        return missing(u"stdout_bytes"_s);
    if (!uint64Field(u"stderr_bytes"_s, o.stderrBytes))
        return missing(u"stderr_bytes"_s);
    if (!obj.value(u"truncated"_s).isBool())
        return missing(u"truncated"_s);
    o.truncated = obj.value(u"truncated"_s).toBool();
    o.reason = obj.value(u"reason"_s).toString();
    return o;
}

}  // namespace Orrery::Agent

#include "error.h"

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None: return u"none"_s;
    case ErrorCode::Io: return u"io"_s;
    case ErrorCode::Syntax: return u"syntax"_s;
    case ErrorCode::UnknownKey: return u"unknown_key"_s;
    case ErrorCode::WrongType: return u"wrong_type"_s;
    case ErrorCode::MissingField: return u"missing_field"_s;
    case ErrorCode::InvalidValue: return u"invalid_value"_s;
    case ErrorCode::BadCron: return u"bad_cron"_s;
    case ErrorCode::NeverFires: return u"never_fires"_s;
    case ErrorCode::DuplicateName: return u"duplicate_name"_s;
    case ErrorCode::UnknownDependency: return u"unknown_dependency"_s;
    case ErrorCode::SelfDependency: return u"self_dependency"_s;
    case ErrorCode::Cycle: return u"cycle"_s;
    case ErrorCode::UnknownParameter: return u"unknown_parameter"_s;
    case ErrorCode::MissingParameter: return u"missing_parameter"_s;
    case ErrorCode::IllegalTransition: return u"illegal_transition"_s;
    case ErrorCode::TooLarge: return u"too_large"_s;
    case ErrorCode::UnsupportedVersion: return u"unsupported_version"_s;
    case ErrorCode::UnknownType: return u"unknown_type"_s;
    case ErrorCode::RateLimited: return u"rate_limited"_s;
    case ErrorCode::Unauthorized: return u"unauthorized"_s;
    case ErrorCode::Forbidden: return u"forbidden"_s;
    case ErrorCode::NotFound: return u"not_found"_s;
    case ErrorCode::Conflict: return u"conflict"_s;
    case ErrorCode::Storage: return u"storage"_s;
    }
    return u"unknown"_s;
}

QString Error::toString() const
{
    QString where;
    if (!file.isEmpty()) {
        where = file;
        if (line > 0) {
            where += u':' + QString::number(line);
            if (column > 0)
                where += u':' + QString::number(column);
        }
        where += u": "_s;
    } else if (line > 0) {
        where = QString::number(line) + (column > 0 ? u':' + QString::number(column) : QString())
                + u": "_s;
    } else if (column > 0) {
        where = u"column "_s + QString::number(column) + u": "_s;
    }
    return where + u"error: "_s + message;
}

Error Error::at(const QString &newFile, int newLine, int newColumn) const
{
    Error e = *this;
    e.file = newFile;
    e.line = newLine;
    e.column = newColumn;
    return e;
}

} // namespace Orrery

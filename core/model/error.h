#pragma once

#include <QCoreApplication>
#include <QString>

namespace Orrery {

// What went wrong, as data. Tests assert the code and the position, never the wording.
enum class ErrorCode {
    None,
    Io,                 // a file could not be read or written
    Syntax,             // malformed input (YAML, JSON, expression syntax)
    UnknownKey,         // a key the format does not know
    WrongType,          // a value of the wrong type (map where a list was expected, ...)
    MissingField,       // a required field is absent
    InvalidValue,       // a value out of range or not one of the allowed words
    BadCron,            // a cron expression that does not parse
    NeverFires,         // a cron expression that is valid syntax but can never fire
    DuplicateName,      // two jobs / parameters / rules with the same name
    UnknownDependency,  // a dependency on a job that is not in the pipeline
    SelfDependency,     // a job that depends on itself
    Cycle,              // a dependency cycle; the message spells the path
    UnknownParameter,   // ${name} that no template parameter declares
    MissingParameter,   // a required template parameter without a value
    IllegalTransition,  // a run state change the state machine forbids
    TooLarge,           // a message, body or field over its size limit
    UnsupportedVersion, // a protocol or schema version this build does not speak
    UnknownType,        // a message type this build does not know
    RateLimited,        // too many requests / messages in a time window
    Unauthorized,       // no or wrong credential
    Forbidden,          // a valid credential without the right role
    NotFound,           // the thing asked for does not exist
    Conflict,           // the change clashes with the current state (name taken, ...)
    Storage,            // the database failed (disk full, locked, connection lost)
};

QString errorCodeName(ErrorCode code);

// An error with its location. line and column are 1-based; 0 means "not known".
struct Error
{
    ErrorCode code = ErrorCode::None;
    QString message;
    QString file;
    int line = 0;
    int column = 0;

    // "file:line:col: error: message", leaving out what is not known.
    QString toString() const;

    // The same error, located at file/line/column (used when an error found inside a
    // string is placed inside the file that holds the string).
    Error at(const QString &file, int line, int column) const;
};

inline Error makeError(ErrorCode code, const QString &message, int line = 0, int column = 0)
{
    return Error{code, message, {}, line, column};
}

} // namespace Orrery

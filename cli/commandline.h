#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

namespace Orrery::Cli {

// Exit codes of orreryctl.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

// The streams a command writes to (stdout for results, stderr for errors).
struct Io
{
    QTextStream &out;
    QTextStream &err;
};

// Parses `args` (args[0] = "orreryctl <command>") with `parser` after adding --help.
// Returns -1 to go on, or the exit code to stop with (help printed, or a usage error).
int parseArguments(QCommandLineParser &parser, const QStringList &args, const QString &usage,
                   Io io);

// "orreryctl: error: <message>" on stderr; returns `code`.
int fail(Io io, const QString &message, int code = ExitFailure);

// Reads --count style options: a whole number in [min, max] or a usage error.
bool readCount(const QCommandLineParser &parser, const QString &option, int fallback, int min,
               int max, int *value, Io io);

} // namespace Orrery::Cli

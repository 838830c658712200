#include "commandline.h"

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

int parseArguments(QCommandLineParser &parser, const QStringList &args, const QString &usage,
                   Io io)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(usage);
    const QCommandLineOption help({u"h"_s, u"help"_s}, u"Show this help."_s);
    parser.addOption(help);
    if (!parser.parse(args))
        return fail(io, parser.errorText() + u" (see --help)"_s, ExitUsage);
    if (parser.isSet(help)) {
        io.out << parser.helpText();
        return ExitOk;
    }
    return -1;
}

int fail(Io io, const QString &message, int code)
{
    io.err << "orreryctl: error: " << message << '\n';
    return code;
}

bool readCount(const QCommandLineParser &parser, const QString &option, int fallback, int min,
               int max, int *value, Io io)
{
    *value = fallback;
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const int n = parser.value(option).toInt(&ok);
    if (!ok || n < min || n > max) {
        fail(io,
             u"--%1 must be a whole number from %2 to %3, not '%4'"_s.arg(option).arg(min).arg(max).arg(
                 parser.value(option)),
             ExitUsage);
        return false;
    }
    *value = n;
    return true;
}

} // namespace Orrery::Cli

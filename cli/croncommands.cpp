#include "croncommands.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

QString isoWithOffset(const QDateTime &time)
{
    const int offset = time.offsetFromUtc();
    const int abs = offset < 0 ? -offset : offset;
    return time.toString(u"yyyy-MM-ddTHH:mm:ss"_s) + (offset < 0 ? u'-' : u'+')
           + u"%1:%2"_s.arg(abs / 3600, 2, 10, QChar(u'0')).arg((abs % 3600) / 60, 2, 10, QChar(u'0'));
}

Cron::Language defaultLanguage()
{
    return QLocale().language() == QLocale::Chinese ? Cron::Language::Chinese
                                                    : Cron::Language::English;
}

std::optional<QTimeZone> readTimeZone(const QString &name, Io io)
{
    Result<QTimeZone> zone = Cron::timeZoneFromName(name);
    if (!zone) {
        fail(io, zone.error().message);
        return std::nullopt;
    }
    return zone.value();
}

std::optional<QDateTime> readFrom(const QString &text, const QTimeZone &zone, Io io)
{
    if (text.isEmpty())
        return QDateTime::currentDateTimeUtc().toTimeZone(zone);
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        fail(io, u"--from: '%1' is not an ISO 8601 date and time (example: 2026-03-08T01:30:00-05:00)"_s
                     .arg(text),
             ExitUsage);
        return std::nullopt;
    }
    if (t.timeSpec() == Qt::LocalTime) // no offset written: wall time in the schedule's zone
        t = QDateTime(t.date(), t.time(), zone);
    return t.toTimeZone(zone);
}

QList<QDateTime> nextFireTimes(const Cron::CronExpression &cron, const QDateTime &from, int count)
{
    QList<QDateTime> times;
    QDateTime t = from;
    while (times.size() < count) {
        const std::optional<QDateTime> next = cron.next(t);
        if (!next)
            break;
        times.append(*next);
        t = *next;
    }
    return times;
}

int failCron(Io io, const QString &expression, const Error &error)
{
    io.err << "orreryctl: error: " << error.message;
    if (error.column > 0)
        io.err << " (column " << error.column << ')';
    io.err << "\n  " << expression << '\n';
    if (error.column > 0)
        io.err << "  " << QString(error.column - 1, u' ') << "^\n";
    return ExitFailure;
}

static int cronNext(const QStringList &args, Io io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(u"expression"_s, u"Cron expression, quoted."_s);
    const QCommandLineOption tz(u"tz"_s, u"IANA time zone (default: the system zone)."_s, u"zone"_s);
    const QCommandLineOption from(u"from"_s,
                                  u"Start after this ISO 8601 time, exclusive (default: now)."_s,
                                  u"time"_s);
    const QCommandLineOption count(u"count"_s, u"How many fire times (default 5)."_s, u"n"_s);
    const QCommandLineOption json(u"json"_s, u"Print a JSON array."_s);
    parser.addOptions({tz, from, count, json});
    if (int rc = parseArguments(parser, args,
                                u"Print the next fire times of a cron expression, one per line."_s, io);
        rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1)
        return fail(io, u"expected one cron expression (quote it), see --help"_s, ExitUsage);
    int n = 0;
    if (!readCount(parser, u"count"_s, 5, 1, 100000, &n, io))
        return ExitUsage;
    const std::optional<QTimeZone> zone = readTimeZone(parser.value(tz), io);
    if (!zone)
        return ExitUsage;
    const std::optional<QDateTime> start = readFrom(parser.value(from), *zone, io);
    if (!start)
        return ExitUsage;

    const QString text = parser.positionalArguments().constFirst();
    const Result<Cron::CronExpression> cron = Cron::CronExpression::parse(text, *zone);
    if (!cron)
        return failCron(io, text, cron.error());

    const QList<QDateTime> times = nextFireTimes(cron.value(), *start, n);
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const QDateTime &t : times)
            array.append(isoWithOffset(t));
        io.out << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)) << '\n';
    } else {
        for (const QDateTime &t : times)
            io.out << isoWithOffset(t) << '\n';
    }
    return ExitOk;
}

static int cronExplain(const QStringList &args, Io io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(u"expression"_s, u"Cron expression, quoted."_s);
    const QCommandLineOption lang(u"lang"_s, u"Language: en or zh_CN (default: from the locale)."_s,
                                  u"language"_s);
    const QCommandLineOption tz(u"tz"_s, u"IANA time zone (default: the system zone)."_s, u"zone"_s);
    parser.addOptions({lang, tz});
    if (int rc = parseArguments(parser, args, u"Explain a cron expression in words."_s, io); rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1)
        return fail(io, u"expected one cron expression (quote it), see --help"_s, ExitUsage);

    Cron::Language language = defaultLanguage();
    if (parser.isSet(lang)) {
        const QString l = parser.value(lang).toLower().replace(u'-', u'_');
        if (l == u"en"_s || l.startsWith(u"en_"_s))
            language = Cron::Language::English;
        else if (l == u"zh"_s || l == u"zh_cn"_s || l == u"zh_hans"_s)
            language = Cron::Language::Chinese;
        else
            return fail(io, u"--lang must be en or zh_CN, not '%1'"_s.arg(parser.value(lang)),
                        ExitUsage);
    }
    const std::optional<QTimeZone> zone = readTimeZone(parser.value(tz), io);
    if (!zone)
        return ExitUsage;
    const QString text = parser.positionalArguments().constFirst();
    const Result<Cron::CronExpression> cron = Cron::CronExpression::parse(text, *zone);
    if (!cron)
        return failCron(io, text, cron.error());
    io.out << cron->explain(language) << '\n';
    return ExitOk;
}

int runCronCommand(const QStringList &args, Io io)
{
    const QString usage = u"Usage: orreryctl cron <next|explain> EXPRESSION [options]\n\n"
                          "  next      print the next fire times\n"
                          "  explain   describe the schedule in words\n"_s;
    if (args.size() < 2 || args.at(1) == u"--help"_s || args.at(1) == u"-h"_s
        || args.at(1) == u"help"_s) {
        (args.size() < 2 ? io.err : io.out) << usage;
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    const QString sub = args.at(1);
    const QStringList rest = QStringList{u"orreryctl cron "_s + sub} + args.mid(2);
    if (sub == u"next"_s)
        return cronNext(rest, io);
    if (sub == u"explain"_s)
        return cronExplain(rest, io);
    return fail(io, u"unknown cron command '%1' (expected next or explain)"_s.arg(sub), ExitUsage);
}

} // namespace Orrery::Cli

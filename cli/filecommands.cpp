#include "filecommands.h"

#include "croncommands.h"

#include <config/configfile.h>
#include <config/jobtemplate.h>
#include <config/pipelinefile.h>
#include <cron/cronexpression.h>

#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

static void printErrors(Io io, const QList<Error> &errors)
{
    for (const Error &e : errors)
        io.err << e.toString() << '\n';
}

int runValidate(const QStringList &args, Io io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(u"files"_s, u"Pipeline, template or alert rule files."_s,
                                 u"FILE..."_s);
    if (int rc = parseArguments(parser, args,
                                u"Check Orrery YAML files (the kind is detected from the content).\n"
                                "Prints every error as file:line:col: message; exit 1 if any."_s,
                                io);
        rc >= 0)
        return rc;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return fail(io, u"expected at least one file, see --help"_s, ExitUsage);

    int invalid = 0;
    for (const QString &file : files) {
        const Config::ValidationReport report = Config::validateFile(file);
        if (report.isValid()) {
            io.out << file << ": ok (" << Config::fileKindName(*report.kind) << ")\n";
        } else {
            ++invalid;
            printErrors(io, report.errors);
        }
    }
    if (invalid > 0) {
        io.err << invalid << " of " << files.size() << (files.size() == 1 ? " file" : " files")
               << " invalid\n";
        return ExitFailure;
    }
    return ExitOk;
}

// Collects --set key=value pairs; false (and an error printed) for a malformed one.
static bool readValues(const QCommandLineParser &parser, QMap<QString, QString> *values, Io io)
{
    for (const QString &pair : parser.values(u"set"_s)) {
        const qsizetype eq = pair.indexOf(u'=');
        if (eq <= 0) {
            fail(io, u"--set expects key=value, not '%1'"_s.arg(pair), ExitUsage);
            return false;
        }
        const QString key = pair.left(eq).trimmed();
        if (values->contains(key)) {
            fail(io, u"--set %1 given twice"_s.arg(key), ExitUsage);
            return false;
        }
        values->insert(key, pair.mid(eq + 1));
    }
    return true;
}

static const QCommandLineOption &setOption()
{
    static const QCommandLineOption option(u"set"_s, u"Template parameter value (repeatable)."_s,
                                           u"key=value"_s);
    return option;
}

static Result<Job> renderFile(const QString &file, const QMap<QString, QString> &values)
{
    const Result<Config::JobTemplate> tmpl = Config::loadTemplate(file);
    if (!tmpl)
        return tmpl.error();
    return Config::renderTemplate(tmpl.value(), values);
}

int runRender(const QStringList &args, Io io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(u"template"_s, u"Template file."_s);
    parser.addOption(setOption());
    if (int rc = parseArguments(parser, args,
                                u"Render a job template with parameter values and print the job "
                                "as YAML."_s,
                                io);
        rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1)
        return fail(io, u"expected one template file, see --help"_s, ExitUsage);
    QMap<QString, QString> values;
    if (!readValues(parser, &values, io))
        return ExitUsage;
    const Result<Job> job = renderFile(parser.positionalArguments().constFirst(), values);
    if (!job) {
        printErrors(io, {job.error()});
        return ExitFailure;
    }
    io.out << QString::fromUtf8(Config::writeJob(job.value()));
    return ExitOk;
}

struct ScheduledJob
{
    QString label;    // "pipeline/job"
    QString schedule;
    QString timeZone; // empty = --tz or system zone
};

static Result<QList<ScheduledJob>> scheduledJobs(const QString &file,
                                                 const QMap<QString, QString> &values)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, u"cannot read: %1"_s.arg(f.errorString())).at(file, 0, 0);
    const QByteArray data = f.readAll();
    const Result<Config::FileKind> kind = Config::detectFileKind(data, file);
    if (!kind)
        return kind.error();

    QList<ScheduledJob> jobs;
    switch (kind.value()) {
    case Config::FileKind::Pipeline: {
        const Result<Pipeline> p = Config::parsePipeline(data, file);
        if (!p)
            return p.error();
        for (const Job &job : p->jobs) {
            const QString schedule = job.schedule.isEmpty() ? p->schedule : job.schedule;
            if (!schedule.isEmpty())
                jobs.append({p->name + u'/' + job.name, schedule,
                             job.timeZone.isEmpty() ? p->timeZone : job.timeZone});
        }
        break;
    }
    case Config::FileKind::Template: {
        const Result<Job> job = renderFile(file, values);
        if (!job)
            return job.error();
        if (!job->schedule.isEmpty())
            jobs.append({u"template "_s + job->name, job->schedule, job->timeZone});
        break;
    }
    case Config::FileKind::AlertRules:
        break;
    }
    return jobs;
}

int runPreview(const QStringList &args, Io io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(u"files"_s, u"Pipeline or template files."_s, u"FILE..."_s);
    const QCommandLineOption count(u"count"_s, u"Fire times per job (default 3)."_s, u"n"_s);
    const QCommandLineOption tz(u"tz"_s, u"Zone for jobs without a timezone (default: system)."_s,
                                u"zone"_s);
    const QCommandLineOption from(u"from"_s, u"Start after this ISO 8601 time (default: now)."_s,
                                  u"time"_s);
    const QCommandLineOption lang(u"lang"_s, u"Language of the explanations: en or zh_CN."_s,
                                  u"language"_s);
    parser.addOptions({count, tz, from, lang, setOption()});
    if (int rc = parseArguments(parser, args,
                                u"Show every scheduled job of the files with its next fire times."_s,
                                io);
        rc >= 0)
        return rc;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return fail(io, u"expected at least one file, see --help"_s, ExitUsage);
    int n = 0;
    if (!readCount(parser, u"count"_s, 3, 1, 1000, &n, io))
        return ExitUsage;
    QMap<QString, QString> values;
    if (!readValues(parser, &values, io))
        return ExitUsage;
    const std::optional<QTimeZone> defaultZone = readTimeZone(parser.value(tz), io);
    if (!defaultZone)
        return ExitUsage;
    const std::optional<QDateTime> start = readFrom(parser.value(from), *defaultZone, io);
    if (!start)
        return ExitUsage;
    Cron::Language language = defaultLanguage();
    if (parser.isSet(lang))
        language = parser.value(lang).startsWith(u"zh"_s, Qt::CaseInsensitive) ? Cron::Language::Chinese
                                                                                 : Cron::Language::English;

    int failures = 0;
    for (const QString &file : files) {
        const Result<QList<ScheduledJob>> jobs = scheduledJobs(file, values);
        if (!jobs) {
            ++failures;
            printErrors(io, {jobs.error()});
            continue;
        }
        for (const ScheduledJob &job : jobs.value()) {
            QTimeZone zone = *defaultZone;
            if (!job.timeZone.isEmpty()) {
                Result<QTimeZone> z = Cron::timeZoneFromName(job.timeZone);
                if (!z) {
                    ++failures;
                    printErrors(io, {z.error().at(file, 0, 0)});
                    continue;
                }
                zone = z.value();
            }
            const Result<Cron::CronExpression> cron = Cron::CronExpression::parse(job.schedule, zone);
            if (!cron) {
                ++failures;
                printErrors(io, {cron.error().at(file, 0, 0)});
                continue;
            }
            // explain() names the zone unless it is UTC.
            io.out << job.label << "  \"" << job.schedule << "\"  " << cron->explain(language) << '\n';
            for (const QDateTime &t : nextFireTimes(cron.value(), start->toTimeZone(zone), n))
                io.out << "  " << isoWithOffset(t) << '\n';
        }
    }
    return failures > 0 ? ExitFailure : ExitOk;
}

} // namespace Orrery::Cli

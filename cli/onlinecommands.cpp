#include "onlinecommands.h"

#include "apiclient.h"
#include "connectionsettings.h"
#include "table.h"

#include <model/duration.h>
#include <model/runstate.h>
#include <model/spelling.h>

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

// How often `run logs --follow` asks for new output.
static constexpr int kFollowIntervalMs = 500;

namespace {

// The parser, the connection and the output mode of one online command.
class Session final
{
public:
    Session()
        : m_server(u"server"_s, u"The master's URL, https://host:port."_s, u"URL"_s)
        , m_token(u"token"_s, u"API token (prefer ORRERY_TOKEN: flags show in ps)."_s, u"T"_s)
        , m_ca(u"ca"_s, u"CA certificate (PEM) to pin for the master's TLS certificate."_s,
               u"FILE"_s)
        , m_config(u"config"_s, u"Config file (default $XDG_CONFIG_HOME/orrery/orreryctl.conf)."_s,
                   u"FILE"_s)
        , m_json(u"json"_s, u"Print the server's JSON answer unchanged (compact, one line)."_s)
    {
        parser.addOptions({m_server, m_token, m_ca, m_config, m_json});
    }
    Q_DISABLE_COPY_MOVE(Session)

    QCommandLineParser parser;

    // -1 to go on, or the exit code (help printed, usage error).
    int parse(const QStringList &args, const QString &description, Io io)
    {
        return parseArguments(parser, args, description + u"\n\n"_s + connectionHelpText(), io);
    }

    // -1 once the client is ready, or the exit code after printing why it is not.
    int connect(Io io)
    {
        const ConnectionFlags flags{parser.value(m_server), parser.value(m_token),
                                    parser.value(m_ca)};
        const Result<ConnectionInputs> inputs = readConnectionInputs(flags, parser.value(m_config));
        if (!inputs)
            return failSettings(inputs.error(), io);
        const Result<ConnectionSettings> settings = resolveConnection(*inputs);
        if (!settings)
            return failSettings(settings.error(), io);
        const Result<QSslConfiguration> tls = ApiClient::tlsConfiguration(*settings);
        if (!tls)
            return failSettings(tls.error(), io);
        m_client = std::make_unique<ApiClient>(*settings, *tls);
        return -1;
    }

    ApiClient &api() { return *m_client; }
    bool json() const { return parser.isSet(m_json); }

    // Prints the server's error or the connection failure; returns 1.
    int report(const ApiError &error, Io io) const
    {
        if (error.code.isEmpty())
            return fail(io, error.toString(m_client->settings().server));
        io.err << error.toString(m_client->settings().server) << '\n';
        return ExitFailure;
    }

    // The body as the server sent it, on one line.
    static void printJson(const ApiReply &reply, Io io)
    {
        if (!reply.body.isEmpty())
            io.out << QString::fromUtf8(reply.body.trimmed()) << '\n';
    }

private:
    // A settings file error as file:line:col: error: message, others as orreryctl: error: ...
    static int failSettings(const Error &error, Io io)
    {
        if (error.file.isEmpty())
            return fail(io, error.message, ExitUsage);
        io.err << error.toString() << '\n';
        return ExitUsage;
    }

    QCommandLineOption m_server;
    QCommandLineOption m_token;
    QCommandLineOption m_ca;
    QCommandLineOption m_config;
    QCommandLineOption m_json;
    std::unique_ptr<ApiClient> m_client;
};

}  // namespace

// Parses, connects and checks the positional count; -1 to go on.
static int start(Session &s, const QStringList &args, const QString &description, int minArgs,
                 int maxArgs, Io io)
{
    if (int rc = s.parse(args, description, io); rc >= 0)
        return rc;
    const qsizetype n = s.parser.positionalArguments().size();
    if (n < minArgs || (maxArgs >= 0 && n > maxArgs))
        return fail(io,
                    n < minArgs ? u"missing argument, see --help"_s
                                : u"unexpected argument '%1', see --help"_s.arg(
                                        s.parser.positionalArguments().at(maxArgs)),
                    ExitUsage);
    return s.connect(io);
}

static QString str(const QJsonObject &o, const QString &key)
{
    return cellText(o.value(key));
}

static QString time(const QJsonObject &o, const QString &key)
{
    return formatTimestamp(o.value(key));
}

static bool isRunId(const QString &text)
{
    if (text.isEmpty() || text.size() > 20)
        return false;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

// ---- apply ----------------------------------------------------------------------------------

static int applyFiles(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"files"_s, u"Pipeline or job template files (YAML)."_s,
                                   u"FILE..."_s);
    const QCommandLineOption setOption(
            u"set"_s, u"A template parameter, name=value (repeatable; for template files)."_s,
            u"name=value"_s);
    s.parser.addOption(setOption);
    if (int rc = start(s, args,
                       u"Send pipeline files to the master, which creates or updates their jobs;\n"
                       "a job template file is rendered by the master with the --set values and "
                       "becomes one job.\nPrints one line per file; errors as the server reports "
                       "them. Exit 1 if any file was refused."_s,
                       1, -1, io);
        rc >= 0)
        return rc;
    const QStringList sets = s.parser.values(setOption);
    int refused = 0;
    for (const QString &path : s.parser.positionalArguments()) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            fail(io, u"%1: cannot read: %2"_s.arg(path, file.errorString()));
            ++refused;
            continue;
        }
        QUrlQuery query;
        // The master takes a plain file name: it names the file in errors and gives the
        // pipeline its default name.
        query.addQueryItem(u"file"_s, QFileInfo(path).fileName());
        for (const QString &set : sets)
            query.addQueryItem(u"set"_s, QString::fromUtf8(QUrl::toPercentEncoding(set)));
        const ApiClient::Outcome r
                = s.api().postData(u"/apply"_s, query, file.readAll(), "application/yaml");
        if (!r) {
            s.report(r.error, io);
            if (r.error.code.isEmpty())
                return ExitFailure;  // no master: the other files would fail the same way
            ++refused;
            continue;
        }
        if (s.json()) {
            Session::printJson(*r.reply, io);
            continue;
        }
        QStringList names;
        for (const QJsonValue &task : r.reply->json.value(u"tasks"_s).toArray())
            names.append(task.toObject().value(u"name"_s).toString());
        io.out << path << ": applied " << str(r.reply->json, u"kind"_s) << ' '
               << str(r.reply->json, u"name"_s) << ", " << names.size()
               << (names.size() == 1 ? " job" : " jobs")
               << (names.isEmpty() ? QString() : u": "_s + names.join(u", "_s)) << '\n';
    }
    return refused == 0 ? ExitOk : ExitFailure;
}

// ---- jobs -----------------------------------------------------------------------------------

static int jobsList(const QStringList &args, Io io)
{
    Session s;
    if (int rc = start(s, args, u"List the jobs (tasks) of the master, by name."_s, 0, 0, io);
        rc >= 0)
        return rc;
    const ApiClient::Outcome r = s.api().get(u"/tasks"_s);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    Table table(
            {u"NAME"_s, u"SCHEDULE"_s, u"ENABLED"_s, u"PRIORITY"_s, u"PIPELINE"_s, u"NEXT FIRE"_s});
    for (const QJsonValue &v : r.reply->json.value(u"tasks"_s).toArray()) {
        const QJsonObject t = v.toObject();
        table.addRow({str(t, u"name"_s), str(t, u"schedule"_s), str(t, u"enabled"_s),
                      str(t, u"priority"_s), str(t, u"pipeline"_s), time(t, u"next_fire_time"_s)});
    }
    io.out << table.toString();
    return ExitOk;
}

static QString lastRunText(const QJsonValue &value)
{
    const QJsonObject run = value.toObject();
    if (run.isEmpty())
        return QString();
    QString text = str(run, u"id"_s) + u' ' + str(run, u"state"_s);
    const QString when = time(run, u"finished_at"_s).isEmpty() ? time(run, u"created_at"_s)
                                                               : time(run, u"finished_at"_s);
    if (!when.isEmpty())
        text += u" at "_s + when;
    return text;
}

// depends_on: [{"task", "status"}] as "extract (success), check (failed)".
static QString dependenciesText(const QJsonValue &value)
{
    QStringList parts;
    for (const QJsonValue &v : value.toArray()) {
        const QJsonObject d = v.toObject();
        parts.append(d.isEmpty() ? cellText(v)
                                 : str(d, u"task"_s) + u" ("_s + str(d, u"status"_s) + u')');
    }
    return parts.join(u", "_s);
}

static int jobShow(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"name"_s, u"Job name or id."_s, u"NAME"_s);
    if (int rc
        = start(s, args, u"Show a job's definition and its state. --json prints the job only."_s, 1,
                1, io);
        rc >= 0)
        return rc;
    const QString path = u"/tasks/"_s + ApiClient::segment(s.parser.positionalArguments().first());
    const ApiClient::Outcome r = s.api().get(path);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    const ApiClient::Outcome status = s.api().get(path + u"/status"_s);
    if (!status)
        return s.report(status.error, io);
    const QJsonObject t = r.reply->json;
    const QJsonObject st = status.reply->json;
    const qint64 timeout = t.value(u"timeout"_s).toInteger();
    io.out << formatDetails({
            {u"name"_s, str(t, u"name"_s)},
            {u"id"_s, str(t, u"id"_s)},
            {u"description"_s, str(t, u"description"_s)},
            {u"command"_s, str(t, u"command"_s)},
            {u"schedule"_s, str(t, u"schedule"_s)},
            {u"time zone"_s, str(t, u"time_zone"_s)},
            {u"next fire"_s, time(t, u"next_fire_time"_s)},
            {u"enabled"_s, str(t, u"enabled"_s)},
            {u"priority"_s, str(t, u"priority"_s)},
            {u"timeout"_s, timeout > 0 ? formatDuration(timeout) : u"none"_s},
            {u"retries"_s, str(t, u"retries"_s)},
            {u"pipeline"_s, str(t, u"pipeline"_s)},
            {u"depends on"_s, dependenciesText(t.value(u"depends_on"_s))},
            {u"working dir"_s, str(t, u"working_directory"_s)},
            {u"labels"_s, str(t, u"labels"_s)},
            {u"env"_s, str(t, u"env"_s)},
            {u"created"_s, time(t, u"created_at"_s)},
            {u"updated"_s, time(t, u"updated_at"_s)},
            {u"state"_s, str(st, u"state"_s)},
            {u"active runs"_s, str(st, u"active_runs"_s)},
            {u"last run"_s, lastRunText(st.value(u"last_run"_s))},
    });
    return ExitOk;
}

static int jobRun(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"name"_s, u"Job name or id."_s, u"NAME"_s);
    if (int rc = start(s, args,
                       u"Start a run of the job now. Prints the run id (follow it with "
                       "`orreryctl run logs ID --follow`)."_s,
                       1, 1, io);
        rc >= 0)
        return rc;
    const ApiClient::Outcome r
            = s.api().post(u"/tasks/"_s + ApiClient::segment(s.parser.positionalArguments().first())
                                   + u"/execute"_s,
                           {});
    if (!r)
        return s.report(r.error, io);
    if (s.json())
        Session::printJson(*r.reply, io);
    else
        io.out << str(r.reply->json.value(u"run"_s).toObject(), u"id"_s) << '\n';
    return ExitOk;
}

static void printRunTable(const QJsonArray &runs, Io io)
{
    Table table({u"ID"_s, u"JOB"_s, u"STATE"_s, u"TRIGGER"_s, u"ATTEMPT"_s, u"NODE"_s, u"CREATED"_s,
                 u"FINISHED"_s, u"EXIT"_s});
    for (const QJsonValue &v : runs) {
        const QJsonObject run = v.toObject();
        table.addRow({str(run, u"id"_s), str(run, u"task"_s), str(run, u"state"_s),
                      str(run, u"trigger"_s), str(run, u"attempt"_s), str(run, u"node"_s),
                      time(run, u"created_at"_s), time(run, u"finished_at"_s),
                      str(run, u"exit_code"_s)});
    }
    io.out << table.toString();
}

static int jobStop(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"name"_s, u"Job name or id."_s, u"NAME"_s);
    if (int rc
        = start(s, args, u"Stop the job's running runs and cancel its waiting ones; prints them."_s,
                1, 1, io);
        rc >= 0)
        return rc;
    const QString name = s.parser.positionalArguments().first();
    const ApiClient::Outcome r
            = s.api().post(u"/tasks/"_s + ApiClient::segment(name) + u"/stop"_s, {});
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    const QJsonArray runs = r.reply->json.value(u"runs"_s).toArray();
    if (runs.isEmpty())
        io.out << "no active runs of " << name << '\n';
    else
        printRunTable(runs, io);
    return ExitOk;
}

// ---- runs -----------------------------------------------------------------------------------

static int runsList(const QStringList &args, Io io)
{
    Session s;
    const QCommandLineOption job(u"job"_s, u"Only the runs of this job (name or id)."_s, u"NAME"_s);
    const QCommandLineOption state(u"state"_s,
                                   u"Only runs in this state (waiting, running, "
                                   "success, failed, timed_out, cancelled, lost, "
                                   "skipped)."_s,
                                   u"S"_s);
    const QCommandLineOption limit(u"limit"_s, u"At most N runs (default 50)."_s, u"N"_s);
    s.parser.addOptions({job, state, limit});
    if (int rc = s.parse(args, u"List runs, newest first."_s, io); rc >= 0)
        return rc;
    if (!s.parser.positionalArguments().isEmpty())
        return fail(io,
                    u"unexpected argument '%1', see --help"_s.arg(
                            s.parser.positionalArguments().first()),
                    ExitUsage);
    QUrlQuery query;
    if (s.parser.isSet(job))
        query.addQueryItem(u"task"_s, s.parser.value(job));
    if (s.parser.isSet(state)) {
        const QString word = s.parser.value(state);
        if (!runStateFromName(word)) {
            QStringList names;
            for (RunState rs : allRunStates())
                names.append(runStateName(rs));
            const QString guess = closestMatch(word, names);
            return fail(
                    io,
                    guess.isEmpty()
                            ? u"unknown state '%1' (expected %2)"_s.arg(word, names.join(u", "_s))
                            : u"unknown state '%1' (did you mean '%2'?)"_s.arg(word, guess),
                    ExitUsage);
        }
        query.addQueryItem(u"state"_s, word);
    }
    int count = 50;
    if (!readCount(s.parser, u"limit"_s, 50, 1, 1000, &count, io))
        return ExitUsage;
    query.addQueryItem(u"limit"_s, QString::number(count));
    if (int rc = s.connect(io); rc >= 0)
        return rc;
    const ApiClient::Outcome r = s.api().get(u"/runs"_s, query);
    if (!r)
        return s.report(r.error, io);
    if (s.json())
        Session::printJson(*r.reply, io);
    else
        printRunTable(r.reply->json.value(u"runs"_s).toArray(), io);
    return ExitOk;
}

// The run id argument, or a usage error printed (std::nullopt).
static std::optional<QString> runIdArgument(const Session &s, Io io)
{
    const QString id = s.parser.positionalArguments().first();
    if (!isRunId(id)) {
        fail(io, u"'%1' is not a run id (a number, see `orreryctl runs list`)"_s.arg(id),
             ExitUsage);
        return std::nullopt;
    }
    return id;
}

static int runShow(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"id"_s, u"Run id."_s, u"ID"_s);
    if (int rc = s.parse(args, u"Show a run with its attempts and state changes."_s, io); rc >= 0)
        return rc;
    if (s.parser.positionalArguments().size() != 1)
        return fail(io, u"expected one run id, see --help"_s, ExitUsage);
    const std::optional<QString> id = runIdArgument(s, io);
    if (!id)
        return ExitUsage;
    if (int rc = s.connect(io); rc >= 0)
        return rc;
    const ApiClient::Outcome r = s.api().get(u"/runs/"_s + *id);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    const QJsonObject run = r.reply->json;
    io.out << formatDetails({
            {u"id"_s, str(run, u"id"_s)},
            {u"job"_s, str(run, u"task"_s)},
            {u"state"_s, str(run, u"state"_s)},
            {u"trigger"_s, str(run, u"trigger"_s)},
            {u"priority"_s, str(run, u"priority"_s)},
            {u"attempt"_s, str(run, u"attempt"_s)},
            {u"node"_s, str(run, u"node"_s)},
            {u"exit code"_s, str(run, u"exit_code"_s)},
            {u"scheduled"_s, time(run, u"scheduled_at"_s)},
            {u"created"_s, time(run, u"created_at"_s)},
            {u"started"_s, time(run, u"started_at"_s)},
            {u"finished"_s, time(run, u"finished_at"_s)},
    });
    Table attempts({u"ATTEMPT"_s, u"STATE"_s, u"NODE"_s, u"STARTED"_s, u"FINISHED"_s, u"EXIT"_s,
                    u"REASON"_s});
    for (const QJsonValue &v : run.value(u"attempts"_s).toArray()) {
        const QJsonObject a = v.toObject();
        attempts.addRow({str(a, u"attempt"_s), str(a, u"state"_s), str(a, u"node"_s),
                         time(a, u"started_at"_s), time(a, u"finished_at"_s),
                         str(a, u"exit_code"_s), str(a, u"reason"_s)});
    }
    io.out << "\nAttempts:\n" << attempts.toString();
    Table events({u"AT"_s, u"ATTEMPT"_s, u"FROM"_s, u"TO"_s, u"REASON"_s});
    for (const QJsonValue &v : run.value(u"events"_s).toArray()) {
        const QJsonObject e = v.toObject();
        events.addRow({time(e, u"at"_s), str(e, u"attempt"_s), str(e, u"from"_s), str(e, u"to"_s),
                       str(e, u"reason"_s)});
    }
    io.out << "\nEvents:\n" << events.toString();
    return ExitOk;
}

static void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

static int runLogs(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"id"_s, u"Run id."_s, u"ID"_s);
    const QCommandLineOption follow({u"f"_s, u"follow"_s},
                                    u"Keep printing output until the run finishes; exit 0 if it "
                                    "succeeded, else 1."_s);
    s.parser.addOption(follow);
    if (int rc = s.parse(args,
                         u"Print a run's output: the job's stdout to stdout, its stderr to "
                         "stderr. --json prints each answer of the server as one line."_s,
                         io);
        rc >= 0)
        return rc;
    if (s.parser.positionalArguments().size() != 1)
        return fail(io, u"expected one run id, see --help"_s, ExitUsage);
    const std::optional<QString> id = runIdArgument(s, io);
    if (!id)
        return ExitUsage;
    if (int rc = s.connect(io); rc >= 0)
        return rc;

    const bool following = s.parser.isSet(follow);
    std::optional<qint64> after;  // the last chunk index printed
    int attempt = 0;
    bool truncatedNoted = false;
    QString state;
    for (;;) {
        QUrlQuery query;
        if (after)
            query.addQueryItem(u"after"_s, QString::number(*after));
        const ApiClient::Outcome r = s.api().get(u"/runs/"_s + *id + u"/output"_s, query);
        if (!r)
            return s.report(r.error, io);
        const QJsonObject answer = r.reply->json;
        state = answer.value(u"state"_s).toString();
        const QJsonArray chunks = answer.value(u"chunks"_s).toArray();
        if (s.json() && !chunks.isEmpty())
            Session::printJson(*r.reply, io);
        for (const QJsonValue &v : chunks) {
            const QJsonObject chunk = v.toObject();
            const int chunkAttempt = chunk.value(u"attempt"_s).toInt();
            if (!s.json()) {
                if (attempt != 0 && chunkAttempt != attempt) {
                    io.out.flush();
                    io.err << "--- attempt " << chunkAttempt << " ---\n";
                }
                QTextStream &stream
                        = chunk.value(u"stream"_s).toString() == u"stderr"_s ? io.err : io.out;
                stream << chunk.value(u"text"_s).toString();
            }
            attempt = chunkAttempt;
            const qint64 index = chunk.value(u"index"_s).toInteger();
            after = after ? std::max(*after, index) : index;
        }
        io.out.flush();
        io.err.flush();
        if (!s.json() && !truncatedNoted && !answer.value(u"more"_s).toBool()
            && answer.value(u"truncated"_s).toBool()) {
            io.err << "orreryctl: note: the master kept only part of this run's output\n";
            truncatedNoted = true;
        }
        if (answer.value(u"more"_s).toBool() && !chunks.isEmpty())
            continue;  // the next page at once
        if (!following || answer.value(u"finished"_s).toBool())
            break;
        pause(kFollowIntervalMs);
    }
    if (!following)
        return ExitOk;
    if (state == runStateName(RunState::Success))
        return ExitOk;
    if (!s.json())
        io.err << "orreryctl: run " << *id << " finished: " << state << '\n';
    return ExitFailure;
}

// ---- nodes ----------------------------------------------------------------------------------

static QString bytesText(const QJsonValue &value)
{
    if (!value.isDouble())
        return QString();
    double bytes = value.toDouble();
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 4) {
        bytes /= 1024.0;
        ++unit;
    }
    return QString::number(bytes, 'f', unit == 0 ? 0 : 1) + u' ' + QLatin1StringView(units[unit]);
}

static int nodesList(const QStringList &args, Io io)
{
    Session s;
    if (int rc = start(s, args, u"List the agents known to the master."_s, 0, 0, io); rc >= 0)
        return rc;
    const ApiClient::Outcome r = s.api().get(u"/nodes"_s);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    Table table({u"NAME"_s, u"STATE"_s, u"CONNECTED"_s, u"RUNNING"_s, u"CPU"_s, u"FREE MEMORY"_s,
                 u"LOAD"_s, u"SKEW MS"_s, u"LAST SEEN"_s, u"ADDRESS"_s});
    for (const QJsonValue &v : r.reply->json.value(u"nodes"_s).toArray()) {
        const QJsonObject n = v.toObject();
        const QString cpu
                = n.value(u"cpu_percent"_s).isDouble()
                          ? QString::number(n.value(u"cpu_percent"_s).toDouble(), 'f', 1) + u'%'
                          : QString();
        table.addRow({str(n, u"name"_s), str(n, u"state"_s), str(n, u"connected"_s),
                      str(n, u"running"_s) + u'/' + str(n, u"max_parallel"_s), cpu,
                      bytesText(n.value(u"free_memory_bytes"_s)), str(n, u"load1"_s),
                      str(n, u"clock_skew_ms"_s), time(n, u"last_seen_at"_s),
                      str(n, u"address"_s)});
    }
    io.out << table.toString();
    return ExitOk;
}

// drain / enable: the node's state afterwards.
static int nodeSetState(const QStringList &args, Io io, const QString &action,
                        const QString &description)
{
    Session s;
    s.parser.addPositionalArgument(u"name"_s, u"Node name."_s, u"NAME"_s);
    if (int rc = start(s, args, description, 1, 1, io); rc >= 0)
        return rc;
    const ApiClient::Outcome r
            = s.api().post(u"/nodes/"_s + ApiClient::segment(s.parser.positionalArguments().first())
                                   + u'/' + action,
                           {});
    if (!r)
        return s.report(r.error, io);
    if (s.json())
        Session::printJson(*r.reply, io);
    else
        io.out << str(r.reply->json, u"name"_s) << ": " << str(r.reply->json, u"state"_s) << '\n';
    return ExitOk;
}

static int nodeDrain(const QStringList &args, Io io)
{
    return nodeSetState(args, io, u"drain"_s,
                        u"Drain a node: it gets no new runs, its running runs finish, then it "
                        "shows 'drained'."_s);
}

static int nodeEnable(const QStringList &args, Io io)
{
    return nodeSetState(args, io, u"enable"_s, u"End a node's drain: it takes runs again."_s);
}

// ---- pipelines ------------------------------------------------------------------------------

static int pipelinesList(const QStringList &args, Io io)
{
    Session s;
    if (int rc = start(s, args, u"List the pipelines with their last pipeline run."_s, 0, 0, io);
        rc >= 0)
        return rc;
    const ApiClient::Outcome r = s.api().get(u"/pipelines"_s);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    Table table({u"NAME"_s, u"TASKS"_s, u"SCHEDULE"_s, u"LAST RUN"_s, u"STATE"_s, u"CREATED"_s});
    for (const QJsonValue &v : r.reply->json.value(u"pipelines"_s).toArray()) {
        const QJsonObject p = v.toObject();
        const QJsonObject last = p.value(u"last_run"_s).toObject();
        table.addRow({str(p, u"name"_s), str(p, u"tasks"_s), str(p, u"schedule"_s),
                      str(last, u"id"_s), str(last, u"state"_s), time(last, u"created_at"_s)});
    }
    io.out << table.toString();
    return ExitOk;
}

static int pipelineRun(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"name"_s, u"Pipeline name."_s, u"NAME"_s);
    const QCommandLineOption set(u"set"_s,
                                 u"A pipeline parameter for this run, name=value (repeatable)."_s,
                                 u"name=value"_s);
    s.parser.addOption(set);
    if (int rc
        = start(s, args, u"Start a pipeline run now. Prints its id and the runs started so far."_s,
                1, 1, io);
        rc >= 0)
        return rc;
    QJsonObject parameters;
    for (const QString &value : s.parser.values(set)) {
        const qsizetype eq = value.indexOf(u'=');
        if (eq <= 0)
            return fail(io, u"--set: expected name=value, found '%1'"_s.arg(value), ExitUsage);
        parameters.insert(value.left(eq), value.mid(eq + 1));
    }
    const QJsonObject body
            = parameters.isEmpty() ? QJsonObject() : QJsonObject{{u"parameters"_s, parameters}};
    const ApiClient::Outcome r = s.api().post(
            u"/pipelines/"_s + ApiClient::segment(s.parser.positionalArguments().first())
                    + u"/run"_s,
            body);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    io.out << str(r.reply->json, u"id"_s) << ' ' << str(r.reply->json, u"state"_s) << '\n';
    printRunTable(r.reply->json.value(u"runs"_s).toArray(), io);
    return ExitOk;
}

// ---- tokens ---------------------------------------------------------------------------------

static int tokenCreate(const QStringList &args, Io io)
{
    Session s;
    const QCommandLineOption name(u"name"_s, u"Name of the API token (shown in the audit log)."_s,
                                  u"N"_s);
    const QCommandLineOption role(u"role"_s, u"admin, operator or viewer."_s, u"R"_s);
    const QCommandLineOption enrol(u"enrol"_s, u"Create a one-time agent enrolment token."_s);
    const QCommandLineOption ttl(u"ttl"_s, u"Lifetime of an enrolment token (default 1h)."_s,
                                 u"DURATION"_s);
    s.parser.addOptions({name, role, enrol, ttl});
    if (int rc = s.parse(args,
                         u"Create an API token (--name, --role) or an agent enrolment token "
                         "(--enrol [--ttl]). Prints the secret alone on stdout; it is shown only "
                         "this once."_s,
                         io);
        rc >= 0)
        return rc;
    if (!s.parser.positionalArguments().isEmpty())
        return fail(io,
                    u"unexpected argument '%1', see --help"_s.arg(
                            s.parser.positionalArguments().first()),
                    ExitUsage);
    QJsonObject body;
    QString path;
    if (s.parser.isSet(enrol)) {
        if (s.parser.isSet(name) || s.parser.isSet(role))
            return fail(io, u"--enrol takes no --name or --role"_s, ExitUsage);
        if (s.parser.isSet(ttl)) {
            const Result<qint64> seconds = parseDuration(s.parser.value(ttl));
            if (!seconds)
                return fail(io, u"--ttl: "_s + seconds.error().message, ExitUsage);
            body.insert(u"ttl"_s, s.parser.value(ttl));
        }
        path = u"/enrol-tokens"_s;
    } else {
        if (s.parser.isSet(ttl))
            return fail(io, u"--ttl is for enrolment tokens (--enrol)"_s, ExitUsage);
        if (s.parser.value(name).isEmpty() || !s.parser.isSet(role))
            return fail(io, u"give --name and --role, or --enrol"_s, ExitUsage);
        const QStringList roles{u"admin"_s, u"operator"_s, u"viewer"_s};
        if (!roles.contains(s.parser.value(role)))
            return fail(io,
                        u"--role must be admin, operator or viewer, not '%1'"_s.arg(
                                s.parser.value(role)),
                        ExitUsage);
        body.insert(u"name"_s, s.parser.value(name));
        body.insert(u"role"_s, s.parser.value(role));
        path = u"/tokens"_s;
    }
    if (int rc = s.connect(io); rc >= 0)
        return rc;
    const ApiClient::Outcome r = s.api().post(path, body);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    const QJsonObject t = r.reply->json;
    io.out << str(t, u"token"_s) << '\n';
    io.out.flush();
    if (s.parser.isSet(enrol))
        io.err << "orreryctl: enrolment token " << str(t, u"id"_s) << " expires at "
               << time(t, u"expires_at"_s) << "; the secret above is shown only once\n";
    else
        io.err << "orreryctl: token " << str(t, u"id"_s) << " '" << str(t, u"name"_s) << "' ("
               << str(t, u"role"_s) << "); the secret above is shown only once\n";
    return ExitOk;
}

static int tokenList(const QStringList &args, Io io)
{
    Session s;
    if (int rc = start(s, args, u"List the API tokens (never their secrets)."_s, 0, 0, io); rc >= 0)
        return rc;
    const ApiClient::Outcome r = s.api().get(u"/tokens"_s);
    if (!r)
        return s.report(r.error, io);
    if (s.json()) {
        Session::printJson(*r.reply, io);
        return ExitOk;
    }
    Table table({u"ID"_s, u"NAME"_s, u"ROLE"_s, u"CREATED"_s, u"LAST USED"_s, u"REVOKED"_s});
    for (const QJsonValue &v : r.reply->json.value(u"tokens"_s).toArray()) {
        const QJsonObject t = v.toObject();
        table.addRow({str(t, u"id"_s), str(t, u"name"_s), str(t, u"role"_s),
                      time(t, u"created_at"_s), time(t, u"last_used_at"_s),
                      time(t, u"revoked_at"_s)});
    }
    io.out << table.toString();
    return ExitOk;
}

static int tokenRevoke(const QStringList &args, Io io)
{
    Session s;
    s.parser.addPositionalArgument(u"id"_s, u"Token id (see `orreryctl token list`)."_s, u"ID"_s);
    if (int rc = start(s, args,
                       u"Revoke an API token: requests with it are refused from now on. Prints "
                       "nothing with --json (the server answers 204)."_s,
                       1, 1, io);
        rc >= 0)
        return rc;
    const QString id = s.parser.positionalArguments().first();
    const ApiClient::Outcome r = s.api().remove(u"/tokens/"_s + ApiClient::segment(id));
    if (!r)
        return s.report(r.error, io);
    if (!s.json())
        io.out << "revoked token " << id << '\n';
    return ExitOk;
}

// ---- dispatch -------------------------------------------------------------------------------

namespace {
struct Verb
{
    const char *name;
    int (*run)(const QStringList &, Io);
    const char *summary;
};
struct Noun
{
    const char *name;
    const char *alias;
    QList<Verb> verbs;
};
}  // namespace

static const QList<Noun> &nouns()
{
    static const QList<Noun> list{
            {"job",
             "jobs",
             {{"list", jobsList, "list the jobs"},
              {"show", jobShow, "show a job and its state (NAME)"},
              {"run", jobRun, "start a run now and print its id (NAME)"},
              {"stop", jobStop, "stop the job's active runs (NAME)"}}},
            {"run",
             "runs",
             {{"list", runsList, "list runs [--job NAME] [--state S] [--limit N]"},
              {"show", runShow, "show a run with attempts and events (ID)"},
              {"logs", runLogs, "print a run's output [--follow] (ID)"}}},
            {"node",
             "nodes",
             {{"list", nodesList, "list the agents"},
              {"drain", nodeDrain, "drain a node: no new runs, running ones finish (NAME)"},
              {"enable", nodeEnable, "end a node's drain (NAME)"}}},
            {"pipeline",
             "pipelines",
             {{"list", pipelinesList, "list the pipelines and their last runs"},
              {"run", pipelineRun, "start a pipeline run now [--set name=value] (NAME)"}}},
            {"token",
             "tokens",
             {{"create", tokenCreate, "create an API token or an enrolment token"},
              {"list", tokenList, "list the API tokens"},
              {"revoke", tokenRevoke, "revoke an API token (ID)"}}},
    };
    return list;
}

static const Noun *findNoun(const QString &word)
{
    for (const Noun &n : nouns()) {
        if (word == QLatin1StringView(n.name) || word == QLatin1StringView(n.alias))
            return &n;
    }
    return nullptr;
}

static bool isConnectionOption(const QString &arg, bool *takesValue)
{
    static const QStringList valued{u"--server"_s, u"--token"_s, u"--ca"_s, u"--config"_s};
    *takesValue = valued.contains(arg);
    if (*takesValue || arg == u"--json"_s)
        return true;
    for (const QString &v : valued) {
        if (arg.startsWith(v + u'='))
            return true;
    }
    return false;
}

bool isOnlineCommand(const QString &word)
{
    bool takesValue = false;
    return word == u"apply"_s || findNoun(word) || isConnectionOption(word, &takesValue);
}

int runOnlineCommand(const QStringList &args, Io io)
{
    // Connection options before the command word move behind it, where its parser reads them.
    QStringList leading;
    qsizetype i = 0;
    for (bool takesValue = false; i < args.size() && isConnectionOption(args.at(i), &takesValue);
         ++i) {
        leading.append(args.at(i));
        if (takesValue) {
            if (++i == args.size())
                return fail(io, u"option '%1' needs a value"_s.arg(args.at(i - 1)), ExitUsage);
            leading.append(args.at(i));
        }
    }
    if (i == args.size())
        return fail(io, u"expected a command after the connection options (see orreryctl --help)"_s,
                    ExitUsage);
    const QString word = args.at(i);
    if (word == u"apply"_s)
        return applyFiles(QStringList{u"orreryctl apply"_s} + args.mid(i + 1) + leading, io);

    const Noun *noun = findNoun(word);
    if (!noun)
        return fail(io, u"unknown command '%1' (see orreryctl --help)"_s.arg(word), ExitUsage);
    const QString verb = i + 1 < args.size() ? args.at(i + 1) : QString();
    QString usage
            = u"Usage: orreryctl %1 <command> [options]\n\n"_s.arg(QLatin1StringView(noun->alias));
    for (const Verb &v : noun->verbs)
        usage += u"  %1%2\n"_s.arg(QLatin1StringView(v.name), -10)
                         .arg(QLatin1StringView(v.summary));
    usage += u"\nEach command takes --help.\n"_s;
    if (verb.isEmpty() || verb == u"--help"_s || verb == u"-h"_s || verb == u"help"_s) {
        (verb.isEmpty() ? io.err : io.out) << usage;
        return verb.isEmpty() ? ExitUsage : ExitOk;
    }
    for (const Verb &v : noun->verbs) {
        if (verb == QLatin1StringView(v.name))
            return v.run(QStringList{u"orreryctl %1 %2"_s.arg(QLatin1StringView(noun->alias), verb)}
                                 + args.mid(i + 2) + leading,
                         io);
    }
    QStringList names;
    for (const Verb &v : noun->verbs)
        names.append(QLatin1StringView(v.name));
    return fail(io,
                u"unknown %1 command '%2' (expected %3)"_s.arg(QLatin1StringView(noun->name), verb,
                                                               names.join(u", "_s)),
                ExitUsage);
}

}  // namespace Orrery::Cli

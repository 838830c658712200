#include "jobyaml.h"

#include "substitution.h"

#include <cron/cronexpression.h>
#include <cron/timewindow.h>
#include <dag/condition.h>
#include <model/duration.h>

#include <QRegularExpression>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config::Internal {

const QStringList &jobKeys()
{
    static const QStringList keys{
            u"name"_s,          u"description"_s,     u"schedule"_s,
            u"timezone"_s,      u"command"_s,         u"working_directory"_s,
            u"env"_s,           u"run_as"_s,          u"timeout"_s,
            u"retries"_s,       u"retry_times"_s,     u"retry_delay"_s,
            u"retry_backoff"_s, u"retry_max_delay"_s, u"priority"_s,
            u"dependencies"_s,  u"not_before"_s,      u"window"_s,
            u"window_closed"_s, u"condition"_s,       u"check"_s,
            u"check_timeout"_s, u"resources"_s,       u"labels"_s,
            u"strategy"_s,      u"resource_kind"_s,   u"weight"_s,
            u"concurrency"_s,   u"misfire"_s,         u"misfire_limit"_s,
            u"enabled"_s,
    };
    return keys;
}

static QStringList strategyWords()
{
    return {u"default"_s,       u"round_robin"_s,    u"weighted_round_robin"_s,
            u"least_running"_s, u"resource_aware"_s, u"broadcast"_s};
}

bool checkTimeZone(Reader &reader, const Reader::Entry &entry, const QString &zone)
{
    const Result<QTimeZone> tz = Cron::timeZoneFromName(zone);
    if (!tz) {
        reader.report(tz.error(), entry.valueLocation);
        return false;
    }
    return true;
}

void checkSchedule(Reader &reader, const Reader::Entry &entry, const QString &cron,
                   const QString &timeZone)
{
    const Result<QTimeZone> tz = Cron::timeZoneFromName(timeZone);
    if (!tz)
        return;  // reported where the zone is set
    const Result<Cron::CronExpression> expr = Cron::CronExpression::parse(cron, *tz);
    if (expr)
        return;
    Error e = expr.error();
    if (e.code != ErrorCode::BadCron && e.code != ErrorCode::NeverFires)
        e.code = ErrorCode::BadCron;
    e.message = Tr::tr("schedule \"%1\": %2").arg(cron, e.message);
    const bool substituted = reader.text(entry.value).substituted;
    reader.report(e,
                  substituted ? entry.valueLocation : reader.locationInside(entry.value, e.column));
}

QMap<QString, QString> readStringMap(Reader &reader, const Reader::Entry &entry, MapKeys keys)
{
    QMap<QString, QString> result;
    if (entry.value.IsNull())
        return result;
    const auto entries
            = reader.mapEntries(entry.value, entry.valueLocation, u'\'' + entry.key + u'\'', {});
    if (!entries)
        return result;
    for (const Reader::Entry &e : *entries) {
        const ScalarText key = reader.text(e.keyNode);
        if (!key.deferred) {
            const bool named = keys != MapKeys::Labels;
            if (key.text.isEmpty() || (named && !identifier().match(key.text).hasMatch())) {
                reader.report(ErrorCode::InvalidValue,
                              keys == MapKeys::EnvironmentNames
                                      ? Tr::tr("'%1' is not a valid environment variable name")
                                                .arg(key.text)
                              : keys == MapKeys::ParameterNames
                                      ? Tr::tr("'%1' is not a valid parameter name (letters, "
                                               "digits and '_', not starting with a digit)")
                                                .arg(key.text)
                                      : Tr::tr("a label name must not be empty"),
                              e.keyLocation);
                continue;
            }
            if (result.contains(key.text)) {
                reader.report(ErrorCode::DuplicateName,
                              Tr::tr("duplicate key '%1' in '%2'").arg(key.text, entry.key),
                              e.keyLocation);
                continue;
            }
        }
        Reader::Entry valueEntry = e;
        valueEntry.key = key.text;
        if (const auto value = reader.string(valueEntry))
            result.insert(key.text, *value);
    }
    return result;
}

// Reports an error found inside a scalar's text (1-based column) at its place in the file.
static void reportInside(Reader &reader, const Reader::Entry &entry, Error error,
                         const QString &prefix)
{
    error.message = prefix + error.message;
    const bool substituted = reader.text(entry.value).substituted;
    reader.report(error, substituted || error.column <= 0
                                 ? entry.valueLocation
                                 : reader.locationInside(entry.value, error.column));
}

static QList<Dependency> readDependencies(Reader &reader, const Reader::Entry &entry)
{
    QList<Dependency> deps;
    const auto items = reader.sequence(entry);
    if (!items)
        return deps;
    for (const YAML::Node &item : *items) {
        const SourceLocation itemLocation = reader.location(item);
        if (item.IsScalar()) {  // shorthand: `- data_extract` = success
            Reader::Entry e{u"task"_s, {}, item, itemLocation, itemLocation};
            if (const auto name = reader.string(e, false, true))
                deps.append(Dependency{name->trimmed(), DependencyStatus::Success, itemLocation});
            continue;
        }
        const auto entries = reader.mapEntries(item, itemLocation, Tr::tr("a dependency"),
                                               {u"task"_s, u"status"_s});
        if (!entries)
            continue;
        Dependency dep;
        bool hasTask = false;
        bool ok = true;
        for (const Reader::Entry &e : *entries) {
            if (e.key == u"task"_s) {
                hasTask = true;
                const auto name = reader.string(e, false, true);
                if (name) {
                    dep.job = name->trimmed();
                    dep.location = e.valueLocation;
                } else {
                    ok = false;
                }
            } else if (e.key == u"status"_s) {
                const auto w = reader.word(e, {u"success"_s, u"failed"_s, u"finished"_s});
                if (w)
                    dep.status = *dependencyStatusFromName(*w);
                else
                    ok = false;
            }
        }
        if (!hasTask) {
            reader.reportMissing(item, u"task"_s,
                                 Tr::tr("a dependency needs 'task' (the name of the upstream "
                                        "job)"),
                                 itemLocation);
            continue;
        }
        if (ok)
            deps.append(dep);
    }
    return deps;
}

static QList<ResourceLock> readResources(Reader &reader, const Reader::Entry &entry)
{
    QList<ResourceLock> locks;
    const auto items = reader.sequence(entry);
    if (!items)
        return locks;
    static const QRegularExpression kindRe(u"^[A-Za-z_][A-Za-z0-9_.-]*$"_s);
    for (const YAML::Node &item : *items) {
        const SourceLocation itemLocation = reader.location(item);
        const auto entries
                = reader.mapEntries(item, itemLocation, Tr::tr("a resource (kind: name)"), {});
        if (!entries)
            continue;
        if (entries->size() != 1) {
            reader.report(ErrorCode::InvalidValue,
                          Tr::tr("a resource is one 'kind: name' pair, such as "
                                 "'database_lock: primary_db'"),
                          itemLocation);
            continue;
        }
        const Reader::Entry &e = entries->first();
        const ScalarText kind = reader.text(e.keyNode);
        if (!kind.deferred && !kindRe.match(kind.text).hasMatch()) {
            reader.report(ErrorCode::InvalidValue,
                          Tr::tr("'%1' is not a valid resource kind").arg(kind.text),
                          e.keyLocation);
            continue;
        }
        Reader::Entry valueEntry = e;
        valueEntry.key = kind.text;
        if (const auto name = reader.string(valueEntry, false, true))
            locks.append(ResourceLock{kind.text, name->trimmed(), e.keyLocation});
    }
    return locks;
}

std::optional<Job> readJob(Reader &reader, const YAML::Node &node, const SourceLocation &where,
                           const JobContext &context)
{
    const auto entries = reader.mapEntries(node, where, Tr::tr("a job"), jobKeys());
    if (!entries)
        return std::nullopt;

    Job job;
    job.location = reader.location(node);
    bool hasName = false;
    bool nameOk = true;
    const Reader::Entry *schedule = nullptr;
    const Reader::Entry *retries = nullptr;
    const Reader::Entry *checkTimeout = nullptr;
    bool hasCheck = false;
    bool zoneOk = true;
    for (const Reader::Entry &e : *entries) {
        const QString &k = e.key;
        if (k == u"name"_s) {
            hasName = true;
            const auto name = reader.string(e, false, true);
            if (name) {
                job.name = name->trimmed();
                job.location = e.valueLocation;
            } else {
                nameOk = false;
            }
        } else if (k == u"description"_s) {
            job.description = reader.string(e).value_or(QString());
        } else if (k == u"schedule"_s) {
            job.schedule = reader.string(e, true, true).value_or(QString()).trimmed();
            schedule = &e;
        } else if (k == u"timezone"_s) {
            job.timeZone = reader.string(e, false, true).value_or(QString()).trimmed();
            const ScalarText t = reader.text(e.value);
            if (!job.timeZone.isEmpty() && !t.deferred)
                zoneOk = checkTimeZone(reader, e, job.timeZone);
        } else if (k == u"command"_s) {
            job.command = reader.string(e).value_or(QString());
        } else if (k == u"working_directory"_s) {
            job.workingDirectory = reader.string(e, true, true).value_or(QString());
        } else if (k == u"env"_s) {
            job.environment = readStringMap(reader, e, MapKeys::EnvironmentNames);
        } else if (k == u"run_as"_s) {
            job.runAs = reader.string(e, true, true).value_or(QString()).trimmed();
        } else if (k == u"timeout"_s) {
            job.timeoutSecs = reader.duration(e, true).value_or(0);
        } else if (k == u"retries"_s || k == u"retry_times"_s) {
            if (retries) {
                reader.report(ErrorCode::DuplicateName,
                              Tr::tr("'%1' and '%2' are the same setting; give only one")
                                      .arg(retries->key, k),
                              e.keyLocation);
                continue;
            }
            retries = &e;
            job.retry.count = int(reader.integer(e, 0, 1000).value_or(0));
        } else if (k == u"retry_delay"_s) {
            job.retry.delaySecs = reader.duration(e, true).value_or(0);
        } else if (k == u"retry_backoff"_s) {
            job.retry.backoff = reader.number(e, 1.0).value_or(1.0);
        } else if (k == u"retry_max_delay"_s) {
            job.retry.maxDelaySecs = reader.duration(e, true).value_or(0);
        } else if (k == u"priority"_s) {
            if (const auto w = reader.word(e, {u"P0"_s, u"P1"_s, u"P2"_s, u"P3"_s}))
                job.priority = *priorityFromName(*w);
        } else if (k == u"dependencies"_s) {
            job.dependencies = readDependencies(reader, e);
        } else if (k == u"not_before"_s) {
            const auto text = reader.string(e, false, true);
            if (text) {
                const Result<int> t = Cron::parseTimeOfDay(*text);
                if (t)
                    job.notBeforeMinute = *t;
                else
                    reportInside(reader, e, t.error(), u"not_before: "_s);
            }
        } else if (k == u"window"_s) {
            const auto text = reader.string(e, false, true);
            if (text) {
                const Result<DailyWindow> w = Cron::parseDailyWindow(*text);
                if (w)
                    job.window = *w;
                else
                    reportInside(reader, e, w.error(), u"window: "_s);
            }
        } else if (k == u"window_closed"_s) {
            if (const auto w = reader.word(e, {u"wait"_s, u"skip"_s}))
                job.windowClosed = *windowClosedPolicyFromName(*w);
        } else if (k == u"condition"_s) {
            const auto text = reader.string(e, false, true);
            if (text) {
                const Result<Dag::ConditionExpression> c = Dag::ConditionExpression::parse(*text);
                if (c)
                    job.condition = text->trimmed();
                else
                    reportInside(reader, e, c.error(), u"condition: "_s);
            }
        } else if (k == u"check"_s) {
            hasCheck = true;
            job.check = reader.string(e, false).value_or(QString()).trimmed();
        } else if (k == u"check_timeout"_s) {
            checkTimeout = &e;
            job.checkTimeoutSecs = reader.duration(e, false).value_or(0);
        } else if (k == u"resources"_s) {
            job.resources = readResources(reader, e);
        } else if (k == u"labels"_s) {
            job.labels = readStringMap(reader, e, MapKeys::Labels);
        } else if (k == u"strategy"_s) {
            if (const auto w = reader.word(e, strategyWords()))
                job.strategy = *dispatchStrategyFromName(*w);
        } else if (k == u"resource_kind"_s) {
            if (const auto w = reader.word(e, {u"cpu"_s, u"io"_s, u"memory"_s}))
                job.resourceKind = *resourceKindFromName(*w);
        } else if (k == u"weight"_s) {
            if (const auto w = reader.word(e, {u"light"_s, u"heavy"_s}))
                job.weight = *jobWeightFromName(*w);
        } else if (k == u"concurrency"_s) {
            if (const auto w = reader.word(e, {u"forbid"_s, u"allow"_s, u"replace"_s}))
                job.concurrency = *concurrencyPolicyFromName(*w);
        } else if (k == u"misfire"_s) {
            if (const auto w = reader.word(e, {u"fire_once"_s, u"skip"_s, u"catch_up"_s}))
                job.misfire = *misfirePolicyFromName(*w);
        } else if (k == u"misfire_limit"_s) {
            job.misfireLimit = int(reader.integer(e, 0, 1000000).value_or(10));
        } else if (k == u"enabled"_s) {
            job.enabled = reader.boolean(e).value_or(true);
        }
    }

    if (schedule && !job.schedule.isEmpty() && zoneOk && !reader.text(schedule->value).deferred)
        checkSchedule(reader, *schedule, job.schedule,
                      job.timeZone.isEmpty() ? context.inheritedTimeZone : job.timeZone);

    if (checkTimeout && !hasCheck)
        reader.report(ErrorCode::InvalidValue,
                      Tr::tr("'check_timeout' needs a 'check' command to time"),
                      checkTimeout->keyLocation);

    if (!hasName) {
        if (context.defaultName.isEmpty()) {
            reader.reportMissing(node, u"name"_s, Tr::tr("a job needs a 'name'"),
                                 reader.location(node));
            return std::nullopt;
        }
        job.name = context.defaultName;
    }
    if (!nameOk)
        return std::nullopt;
    return job;
}

void writeJobFields(YamlWriter &w, const Job &job, int indent)
{
    const Job defaults;
    if (!job.name.isEmpty())
        w.string(indent, u"name"_s, job.name);
    if (!job.description.isEmpty())
        w.string(indent, u"description"_s, job.description);
    if (!job.schedule.isEmpty())
        w.quoted(indent, u"schedule"_s, job.schedule);
    if (!job.timeZone.isEmpty())
        w.string(indent, u"timezone"_s, job.timeZone);
    if (!job.command.isEmpty())
        w.string(indent, u"command"_s, job.command);
    if (!job.workingDirectory.isEmpty())
        w.string(indent, u"working_directory"_s, job.workingDirectory);
    if (!job.environment.isEmpty()) {
        w.open(indent, u"env"_s);
        for (auto it = job.environment.cbegin(); it != job.environment.cend(); ++it)
            w.string(indent + 2, it.key(), it.value());
    }
    if (!job.runAs.isEmpty())
        w.string(indent, u"run_as"_s, job.runAs);
    if (job.timeoutSecs != 0)
        w.raw(indent, u"timeout"_s, formatDuration(job.timeoutSecs));
    if (job.retry.count != 0)
        w.raw(indent, u"retries"_s, QString::number(job.retry.count));
    if (job.retry.delaySecs != 0)
        w.raw(indent, u"retry_delay"_s, formatDuration(job.retry.delaySecs));
    if (job.retry.backoff != defaults.retry.backoff)
        w.raw(indent, u"retry_backoff"_s,
              QString::number(job.retry.backoff, 'g', QLocale::FloatingPointShortest));
    if (job.retry.maxDelaySecs != 0)
        w.raw(indent, u"retry_max_delay"_s, formatDuration(job.retry.maxDelaySecs));
    if (job.priority != defaults.priority)
        w.raw(indent, u"priority"_s, priorityName(job.priority));
    if (!job.dependencies.isEmpty()) {
        w.open(indent, u"dependencies"_s);
        for (const Dependency &d : job.dependencies) {
            w.beginItem();
            w.string(indent + 4, u"task"_s, d.job);
            if (d.status != DependencyStatus::Success)
                w.raw(indent + 4, u"status"_s, dependencyStatusName(d.status));
        }
    }
    if (job.notBeforeMinute)
        w.quoted(indent, u"not_before"_s, Cron::timeOfDayText(*job.notBeforeMinute));
    if (job.window)
        w.quoted(indent, u"window"_s, Cron::dailyWindowText(*job.window));
    if (job.windowClosed != defaults.windowClosed)
        w.raw(indent, u"window_closed"_s, windowClosedPolicyName(job.windowClosed));
    if (!job.condition.isEmpty())
        w.string(indent, u"condition"_s, job.condition);
    if (!job.check.isEmpty())
        w.string(indent, u"check"_s, job.check);
    if (job.checkTimeoutSecs != 0)
        w.raw(indent, u"check_timeout"_s, formatDuration(job.checkTimeoutSecs));
    if (!job.resources.isEmpty()) {
        w.open(indent, u"resources"_s);
        for (const ResourceLock &r : job.resources) {
            w.beginItem();
            w.string(indent + 4, r.kind, r.name);
        }
    }
    if (!job.labels.isEmpty()) {
        w.open(indent, u"labels"_s);
        for (auto it = job.labels.cbegin(); it != job.labels.cend(); ++it)
            w.string(indent + 2, it.key(), it.value());
    }
    if (job.strategy != defaults.strategy)
        w.raw(indent, u"strategy"_s, dispatchStrategyName(job.strategy));
    if (job.resourceKind != defaults.resourceKind)
        w.raw(indent, u"resource_kind"_s, resourceKindName(job.resourceKind));
    if (job.weight != defaults.weight)
        w.raw(indent, u"weight"_s, jobWeightName(job.weight));
    if (job.concurrency != defaults.concurrency)
        w.raw(indent, u"concurrency"_s, concurrencyPolicyName(job.concurrency));
    if (job.misfire != defaults.misfire)
        w.raw(indent, u"misfire"_s, misfirePolicyName(job.misfire));
    if (job.misfireLimit != defaults.misfireLimit)
        w.raw(indent, u"misfire_limit"_s, QString::number(job.misfireLimit));
    if (!job.enabled)
        w.raw(indent, u"enabled"_s, u"false"_s);
}

}  // namespace Orrery::Config::Internal

#include "pipelinefile.h"

#include "jobyaml.h"
#include "readers.h"
#include "substitution.h"
#include "yamlreader.h"
#include "yamlwriter.h"

#include <dag/dag.h>

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Config {

namespace Internal {

Result<QByteArray> readFileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Io, Tr::tr("cannot read the file: %1").arg(file.errorString()),
                     path, 0, 0};
    return file.readAll();
}

// `locks:` - capacities by lock kind and name, in the form the jobs name them:
//   locks:
//     database_lock:
//       primary_db: 2
static QMap<QString, int> readLockCapacities(Reader &reader, const Reader::Entry &entry)
{
    QMap<QString, int> capacities;
    if (entry.value.IsNull())
        return capacities;
    const auto kinds = reader.mapEntries(entry.value, entry.valueLocation, u"'locks'"_s, {});
    if (!kinds)
        return capacities;
    for (const Reader::Entry &kind : *kinds) {
        const auto names = reader.mapEntries(
                kind.value, kind.valueLocation,
                Tr::tr("the locks of kind '%1' (name: capacity)").arg(kind.key), {});
        if (!names)
            continue;
        for (const Reader::Entry &name : *names) {
            if (const auto capacity = reader.integer(name, 1, 1000000))
                capacities.insert(ResourceLock{kind.key, name.key, {}}.key(), int(*capacity));
        }
    }
    return capacities;
}

std::optional<Pipeline> readPipeline(Reader &reader)
{
    const YAML::Node &root = reader.document().root();
    const auto entries
            = reader.mapEntries(root, SourceLocation{1, 1}, Tr::tr("a pipeline file"),
                                {u"name"_s, u"description"_s, u"schedule"_s, u"timezone"_s,
                                 u"parameters"_s, u"locks"_s, u"pipeline"_s});
    if (!entries)
        return std::nullopt;

    Pipeline pipeline;
    pipeline.name = QFileInfo(reader.document().fileName()).completeBaseName();
    const Reader::Entry *jobsEntry = nullptr;
    const Reader::Entry *schedule = nullptr;
    bool zoneOk = true;
    for (const Reader::Entry &e : *entries) {
        if (e.key == u"name"_s) {
            if (const auto name = reader.string(e, false, true))
                pipeline.name = name->trimmed();
        } else if (e.key == u"description"_s) {
            pipeline.description = reader.string(e).value_or(QString());
        } else if (e.key == u"schedule"_s) {
            pipeline.schedule = reader.string(e, true, true).value_or(QString()).trimmed();
            schedule = &e;
        } else if (e.key == u"timezone"_s) {
            pipeline.timeZone = reader.string(e, false, true).value_or(QString()).trimmed();
            if (!pipeline.timeZone.isEmpty())
                zoneOk = checkTimeZone(reader, e, pipeline.timeZone);
        } else if (e.key == u"parameters"_s) {
            pipeline.parameters = readStringMap(reader, e, MapKeys::ParameterNames);
        } else if (e.key == u"locks"_s) {
            pipeline.lockCapacities = readLockCapacities(reader, e);
        } else if (e.key == u"pipeline"_s) {
            jobsEntry = &e;
        }
    }
    if (schedule && !pipeline.schedule.isEmpty() && zoneOk)
        checkSchedule(reader, *schedule, pipeline.schedule, pipeline.timeZone);

    if (!jobsEntry) {
        reader.reportMissing(root, u"pipeline"_s,
                             Tr::tr("a pipeline file needs a 'pipeline' list of jobs"),
                             reader.location(root));
        return std::nullopt;
    }
    const auto items = reader.sequence(*jobsEntry);
    if (!items)
        return std::nullopt;
    const JobContext context{zoneOk ? pipeline.timeZone : QString(), QString()};
    for (const YAML::Node &item : *items) {
        if (auto job = readJob(reader, item, reader.location(item), context))
            pipeline.jobs.append(std::move(*job));
    }

    for (const Error &e : Dag::validateAll(pipeline)) {
        // readJob() has reported every condition that does not parse, inside its text.
        if (e.code == ErrorCode::Syntax)
            continue;
        reader.report(e, SourceLocation{e.line, e.column});
    }
    return pipeline;
}

}  // namespace Internal

using namespace Internal;

Result<Pipeline> parsePipeline(const QByteArray &yaml, const QString &fileName)
{
    const Result<Document> doc = Document::parse(yaml, fileName);
    if (!doc)
        return doc.error();
    Reader reader(*doc);
    return firstErrorOr(reader, readPipeline(reader));
}

Result<Pipeline> loadPipeline(const QString &path)
{
    const Result<QByteArray> bytes = readFileBytes(path);
    if (!bytes)
        return bytes.error();
    return parsePipeline(*bytes, path);
}

QByteArray writePipeline(const Pipeline &pipeline)
{
    YamlWriter w;
    if (!pipeline.name.isEmpty())
        w.string(0, u"name"_s, pipeline.name);
    if (!pipeline.description.isEmpty())
        w.string(0, u"description"_s, pipeline.description);
    if (!pipeline.schedule.isEmpty())
        w.quoted(0, u"schedule"_s, pipeline.schedule);
    if (!pipeline.timeZone.isEmpty())
        w.string(0, u"timezone"_s, pipeline.timeZone);
    if (!pipeline.parameters.isEmpty()) {
        w.open(0, u"parameters"_s);
        for (auto it = pipeline.parameters.cbegin(); it != pipeline.parameters.cend(); ++it)
            w.string(2, it.key(), it.value());
    }
    if (!pipeline.lockCapacities.isEmpty()) {
        w.open(0, u"locks"_s);
        QString kind;
        for (auto it = pipeline.lockCapacities.cbegin(); it != pipeline.lockCapacities.cend();
             ++it) {
            const qsizetype colon = it.key().indexOf(u':');
            if (it.key().left(colon) != kind) {
                kind = it.key().left(colon);
                w.open(2, kind);
            }
            w.raw(4, it.key().mid(colon + 1), QString::number(it.value()));
        }
    }
    if (pipeline.jobs.isEmpty()) {
        w.raw(0, u"pipeline"_s, u"[]"_s);
    } else {
        w.open(0, u"pipeline"_s);
        for (const Job &job : pipeline.jobs) {
            w.beginItem();
            writeJobFields(w, job, 4);
        }
    }
    return w.data();
}

QString substituteParameters(const QString &text, const QMap<QString, QString> &values)
{
    return substitute(
            text,
            [&values](const QString &name) -> std::optional<QString> {
                const auto it = values.constFind(name);
                return it == values.cend() ? std::nullopt : std::optional<QString>(*it);
            },
            nullptr);
}

Job applyParameters(Job job, const QMap<QString, QString> &values)
{
    job.command = substituteParameters(job.command, values);
    job.check = substituteParameters(job.check, values);
    job.workingDirectory = substituteParameters(job.workingDirectory, values);
    for (auto it = job.environment.begin(); it != job.environment.end(); ++it)
        *it = substituteParameters(*it, values);
    return job;
}

Result<void> savePipeline(const Pipeline &pipeline, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{ErrorCode::Io, Tr::tr("cannot write the file: %1").arg(file.errorString()),
                     path, 0, 0};
    const QByteArray data = writePipeline(pipeline);
    if (file.write(data) != data.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return Error{ErrorCode::Io, Tr::tr("cannot write the file: %1").arg(reason), path, 0, 0};
    }
    if (!file.commit())
        return Error{ErrorCode::Io, Tr::tr("cannot save the file: %1").arg(file.errorString()),
                     path, 0, 0};
    return {};
}

}  // namespace Orrery::Config

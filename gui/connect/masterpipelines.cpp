#include "masterpipelines.h"

#include <config/pipelinefile.h>
#include <editor/pipelinedocument.h>

#include <QCoreApplication>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Connect)
};

ErrorCode codeOf(const QString &word, int status)
{
    static const QHash<QString, ErrorCode> codes{
            {u"not_found"_s, ErrorCode::NotFound},
            {u"forbidden"_s, ErrorCode::Forbidden},
            {u"unauthorized"_s, ErrorCode::Unauthorized},
            {u"conflict"_s, ErrorCode::Conflict},
            {u"cycle"_s, ErrorCode::Cycle},
            {u"syntax"_s, ErrorCode::Syntax},
    };
    if (codes.contains(word))
        return codes.value(word);
    if (status == 404)
        return ErrorCode::NotFound;
    return status == 0 ? ErrorCode::Io : ErrorCode::InvalidValue;
}

QString encoded(const QString &name)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(name));
}

}  // namespace

MasterPipelines::MasterPipelines(Client::MasterConnection *connection,
                                 Editor::PipelineDocument *document, QObject *parent)
    : QObject(parent), m_connection(connection), m_document(document)
{
}

MasterPipelines::~MasterPipelines() = default;

QString MasterPipelines::pipelineName() const
{
    const QString own = m_document->pipeline().name;
    return own.isEmpty() ? m_name : own;
}

void MasterPipelines::setPipelineName(const QString &name)
{
    if (name == m_name)
        return;
    m_name = name;
    emit pipelineNameChanged(name);
}

Error MasterPipelines::replyError(const Client::ApiReply &reply)
{
    if (reply.status == 0)
        return makeError(ErrorCode::Io,
                         reply.error.isEmpty() ? Tr::tr("no answer from the master") : reply.error);
    const QJsonObject error = reply.object().value(u"error"_s).toObject();
    QString message = error.value(u"message"_s).toString();
    if (message.isEmpty())
        message = Tr::tr("the master answered with status %1").arg(reply.status);
    Error e = makeError(codeOf(error.value(u"code"_s).toString(), reply.status), message);
    e.file = error.value(u"field"_s).toString();
    return e;
}

void MasterPipelines::open(const QString &name, Handler<void> done)
{
    m_connection->request(
            u"GET"_s, u"/api/v1/pipelines/"_s + encoded(name), QJsonValue(),
            [this, name, done,
             self = QPointer<MasterPipelines>(this)](const Client::ApiReply &reply) {
                if (!self)
                    return;
                if (!reply.ok())
                    return done(replyError(reply));
                if (!reply.body.isString())
                    return done(makeError(
                            ErrorCode::UnsupportedVersion,
                            Tr::tr("the master sent no YAML text for '%1' over the connection")
                                    .arg(name)));
                const Result<Pipeline> pipeline
                        = Config::parsePipeline(reply.body.toString().toUtf8(), name + u".yaml"_s);
                if (!pipeline)
                    return done(pipeline.error());
                m_document->load(*pipeline);
                setPipelineName(name);
                done({});
            },
            u"format=yaml"_s);
}

void MasterPipelines::save(Handler<void> done)
{
    const QString name = pipelineName();
    if (name.isEmpty())
        return done(makeError(ErrorCode::MissingField, Tr::tr("the pipeline has no name")));
    const QString yaml = QString::fromUtf8(Config::writePipeline(m_document->pipeline()));
    const int cleanAt = m_document->undoStack()->index();
    m_connection->request(
            u"POST"_s, u"/api/v1/apply"_s, yaml,
            [this, name, cleanAt, done,
             self = QPointer<MasterPipelines>(this)](const Client::ApiReply &reply) {
                if (!self)
                    return;
                if (!reply.ok())
                    return done(replyError(reply));
                setPipelineName(reply.object().value(u"name"_s).toString(name));
                // What was sent is saved; edits made while the answer travelled are not.
                if (m_document->undoStack()->index() == cleanAt)
                    m_document->undoStack()->setClean();
                done({});
            },
            u"file="_s + encoded(name + u".yaml"_s));
}

void MasterPipelines::run(Handler<qint64> done)
{
    const QString name = pipelineName();
    if (name.isEmpty())
        return done(makeError(ErrorCode::MissingField, Tr::tr("the pipeline has no name")));
    m_connection->request(
            u"POST"_s, u"/api/v1/pipelines/%1/run"_s.arg(encoded(name)), QJsonObject(),
            [done](const Client::ApiReply &reply) {
                if (!reply.ok())
                    return done(replyError(reply));
                bool ok = false;
                const qint64 id = reply.object().value(u"id"_s).toString().toLongLong(&ok);
                if (!ok || id <= 0)
                    return done(makeError(ErrorCode::InvalidValue,
                                          Tr::tr("the master's answer has no pipeline run id")));
                done(id);
            });
}

}  // namespace Orrery::Connect

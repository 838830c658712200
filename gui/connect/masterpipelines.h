#pragma once

#include <client/masterconnection.h>
#include <model/result.h>

#include <QObject>
#include <QPointer>

#include <functional>

namespace Orrery::Editor {
class PipelineDocument;
}

namespace Orrery::Connect {

// The editor's document and the master's pipelines: open one (its YAML from
// GET /api/v1/pipelines/{name}?format=yaml), save the document (POST /api/v1/apply with its
// YAML: the master validates it again, errors come back located as file:line:col), and start
// a manual run (POST /api/v1/pipelines/{name}/run). Nothing here touches the document unless
// the master answered yes, so edits made offline stay until they are saved.
class MasterPipelines final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MasterPipelines)

public:
    template<typename T>
    using Handler = std::function<void(const Result<T> &)>;

    MasterPipelines(Client::MasterConnection *connection, Editor::PipelineDocument *document,
                    QObject *parent = nullptr);
    ~MasterPipelines() override;

    // The name of the document's pipeline on the master: set by open() and save(); the
    // pipeline's own `name`, else this, names what save() writes.
    QString pipelineName() const;
    void setPipelineName(const QString &name);

    void open(const QString &name, Handler<void> done);
    void save(Handler<void> done);
    // The id of the new pipeline run.
    void run(Handler<qint64> done);

    // The error of a REST answer that is not 2xx (or of no answer at all).
    static Error replyError(const Client::ApiReply &reply);

signals:
    void pipelineNameChanged(const QString &name);

private:
    QPointer<Client::MasterConnection> m_connection;
    QPointer<Editor::PipelineDocument> m_document;
    QString m_name;
};

}  // namespace Orrery::Connect

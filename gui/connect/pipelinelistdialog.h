#pragma once

#include <client/masterconnection.h>

#include <QDialog>
#include <QPointer>

class QLabel;
class QTreeWidget;

namespace Orrery::Connect {

// Master > Open pipeline: the master's pipelines (GET /api/v1/pipelines) with their number of
// jobs, schedule and last run; the chosen one is opened in the editor.
class PipelineListDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipelineListDialog)

public:
    explicit PipelineListDialog(Client::MasterConnection *connection, QWidget *parent = nullptr);

    // Asks the master again.
    void reload();
    QTreeWidget *list() const { return m_list; }
    // After accept(): the chosen pipeline and the id of its last run (0 = none).
    QString pipelineName() const;
    qint64 lastRunId() const;

signals:
    // The list arrived (or failed: `error` not empty).
    void loaded(const QString &error);

private:
    QPointer<Client::MasterConnection> m_connection;
    QTreeWidget *m_list;
    QLabel *m_status;
    int m_request = 0;
};

}  // namespace Orrery::Connect

#pragma once

#include <client/masterconnection.h>
#include <model/result.h>
#include <model/runstate.h>

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

class QTimer;

namespace Orrery::Editor {
class GraphScene;
}

namespace Orrery::Connect {

// One job's run in a pipeline run, as the overlay shows it.
struct JobRunView
{
    QString job;
    qint64 runId = 0;
    RunState state = RunState::Waiting;
    QDateTime startedAt;   // invalid while waiting
    QDateTime finishedAt;  // invalid until it ended
    friend bool operator==(const JobRunView &, const JobRunView &) = default;

    // Finished - started, or now - started while running; -1 before the start.
    qint64 durationMs(const QDateTime &now) const;
};

// A run as in GET /api/v1/runs/{run} (and the data of a run.changed event).
Result<JobRunView> jobRunFromJson(const QJsonObject &run);
// The runs of GET /api/v1/pipeline-runs/{id}, one per job (the latest when a job has several).
Result<QList<JobRunView>> pipelineRunFromJson(const QJsonObject &pipelineRun);

// The live overlay of one pipeline run on the editor's graph: each job's box shows its run's
// state colour and duration (GraphScene::setRunState). It reads the pipeline run once
// (GET /api/v1/pipeline-runs/{id}), then follows the "runs" topic: an event of a run it knows
// updates that box at once; an event of another run of one of the graph's jobs (a job that
// just became ready) makes it read the pipeline run again, since run events do not name
// their pipeline run. After a reconnect it reads the pipeline run again.
class PipelineRunOverlay final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PipelineRunOverlay)

public:
    PipelineRunOverlay(Client::MasterConnection *connection, Editor::GraphScene *scene,
                       QObject *parent = nullptr);
    ~PipelineRunOverlay() override;

    // Starts showing the pipeline run `id` (0 = stop showing and clear the boxes).
    void show(qint64 pipelineRunId);
    qint64 pipelineRunId() const { return m_pipelineRunId; }
    QString pipelineRunState() const { return m_state; }
    // The run of a job in the shown pipeline run (0 = none yet).
    qint64 runOf(const QString &jobName) const;
    const QHash<QString, JobRunView> &jobs() const { return m_jobs; }

signals:
    // After each update of the boxes: the pipeline run's state word ("running", "success", ...).
    void updated(const QString &state);
    void failed(const QString &reason);

private:
    void fetch();
    void onEvent(const QString &topic, const QString &kind, const QJsonObject &data);
    void apply(const JobRunView &run);
    void tick();

    QPointer<Client::MasterConnection> m_connection;
    QPointer<Editor::GraphScene> m_scene;
    qint64 m_pipelineRunId = 0;
    QString m_state;
    QHash<QString, JobRunView> m_jobs;  // by job name
    bool m_fetching = false;
    bool m_fetchAgain = false;
    QTimer *m_ticker;  // running durations
};

}  // namespace Orrery::Connect

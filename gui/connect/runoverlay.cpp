#include "runoverlay.h"

#include <editor/graphscene.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Connect)
};

Error fieldError(ErrorCode code, const QString &field, const QString &message)
{
    Error e = makeError(code, message);
    e.file = field;
    return e;
}

Result<QDateTime> instant(const QJsonObject &o, const QString &key)
{
    const QJsonValue v = o.value(key);
    if (v.isNull() || v.isUndefined())
        return QDateTime();
    const QDateTime at = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!at.isValid())
        return fieldError(ErrorCode::InvalidValue, key,
                          Tr::tr("not a time: '%1'").arg(v.toString()));
    return at;
}

}  // namespace

qint64 JobRunView::durationMs(const QDateTime &now) const
{
    if (!startedAt.isValid())
        return -1;
    return startedAt.msecsTo(finishedAt.isValid() ? finishedAt : now);
}

Result<JobRunView> jobRunFromJson(const QJsonObject &run)
{
    JobRunView view;
    view.job = run.value(u"task"_s).toString();
    if (view.job.isEmpty())
        return fieldError(ErrorCode::MissingField, u"task"_s, Tr::tr("a run names its task"));
    bool ok = false;
    view.runId = run.value(u"id"_s).toString().toLongLong(&ok);
    if (!ok || view.runId <= 0)
        return fieldError(ErrorCode::InvalidValue, u"id"_s, Tr::tr("a run has a numeric id"));
    const std::optional<RunState> state = runStateFromName(run.value(u"state"_s).toString());
    if (!state)
        return fieldError(ErrorCode::InvalidValue, u"state"_s,
                          Tr::tr("unknown run state '%1'").arg(run.value(u"state"_s).toString()));
    view.state = *state;
    Result<QDateTime> started = instant(run, u"started_at"_s);
    if (!started)
        return started.error();
    Result<QDateTime> finished = instant(run, u"finished_at"_s);
    if (!finished)
        return finished.error();
    view.startedAt = *started;
    view.finishedAt = *finished;
    return view;
}

Result<QList<JobRunView>> pipelineRunFromJson(const QJsonObject &pipelineRun)
{
    const QJsonValue runs = pipelineRun.value(u"runs"_s);
    if (!runs.isArray())
        return fieldError(ErrorCode::MissingField, u"runs"_s,
                          Tr::tr("a pipeline run lists its runs"));
    QHash<QString, int> index;
    QList<JobRunView> views;
    for (const QJsonValue &v : runs.toArray()) {
        Result<JobRunView> view = jobRunFromJson(v.toObject());
        if (!view)
            return view.error();
        // The latest run of a job (a re-run) wins.
        const auto it = index.constFind(view->job);
        if (it == index.cend()) {
            index.insert(view->job, int(views.size()));
            views.append(*view);
        } else if (views.at(*it).runId < view->runId) {
            views[*it] = *view;
        }
    }
    return views;
}

PipelineRunOverlay::PipelineRunOverlay(Client::MasterConnection *connection,
                                       Editor::GraphScene *scene, QObject *parent)
    : QObject(parent), m_connection(connection), m_scene(scene), m_ticker(new QTimer(this))
{
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, &PipelineRunOverlay::tick);
    connect(m_connection, &Client::MasterConnection::event, this, &PipelineRunOverlay::onEvent);
    // Events of the time offline are not replayed: read the state again.
    connect(m_connection, &Client::MasterConnection::subscribed, this, [this] {
        if (m_pipelineRunId > 0)
            fetch();
    });
}

PipelineRunOverlay::~PipelineRunOverlay() = default;

void PipelineRunOverlay::show(qint64 pipelineRunId)
{
    m_pipelineRunId = pipelineRunId;
    m_jobs.clear();
    m_state.clear();
    m_ticker->stop();
    if (m_scene)
        m_scene->clearRunStates();
    if (pipelineRunId <= 0)
        return;
    if (!m_connection->subscriptions().contains(u"runs"_s))
        m_connection->subscribe({u"runs"_s});  // answered by `subscribed`, which fetches
    else
        fetch();
}

qint64 PipelineRunOverlay::runOf(const QString &jobName) const
{
    return m_jobs.value(jobName).runId;
}

void PipelineRunOverlay::fetch()
{
    if (m_fetching) {
        m_fetchAgain = true;
        return;
    }
    m_fetching = true;
    const qint64 id = m_pipelineRunId;
    m_connection->request(
            u"GET"_s, u"/api/v1/pipeline-runs/%1"_s.arg(id), QJsonValue(),
            [this, id, self = QPointer<PipelineRunOverlay>(this)](const Client::ApiReply &reply) {
                if (!self)
                    return;
                m_fetching = false;
                if (id != m_pipelineRunId)
                    return;
                if (m_fetchAgain) {
                    m_fetchAgain = false;
                    fetch();
                }
                if (!reply.ok()) {
                    emit failed(reply.status == 0 ? reply.error
                                                  : reply.object()
                                                            .value(u"error"_s)
                                                            .toObject()
                                                            .value(u"message"_s)
                                                            .toString());
                    return;
                }
                const Result<QList<JobRunView>> runs = pipelineRunFromJson(reply.object());
                if (!runs) {
                    emit failed(runs.error().toString());
                    return;
                }
                m_state = reply.object().value(u"state"_s).toString();
                for (const JobRunView &run : *runs)
                    apply(run);
                emit updated(m_state);
            });
}

void PipelineRunOverlay::onEvent(const QString &topic, const QString &kind, const QJsonObject &data)
{
    if (m_pipelineRunId <= 0 || topic != u"runs"_s || kind != u"run.changed"_s)
        return;
    const Result<JobRunView> run = jobRunFromJson(data);
    if (!run || !m_scene || !m_scene->document()->idOf(run->job).isValid())
        return;
    const auto known = m_jobs.constFind(run->job);
    if (known != m_jobs.cend() && known->runId == run->runId) {
        apply(*run);
        // The pipeline run's own state changes with its last job.
        if (isFinal(run->state))
            fetch();
        else
            emit updated(m_state);
        return;
    }
    // A run this pipeline run may have just created (or another run of the same job).
    fetch();
}

void PipelineRunOverlay::apply(const JobRunView &run)
{
    m_jobs.insert(run.job, run);
    if (m_scene)
        m_scene->setRunState(run.job, run.state, run.durationMs(QDateTime::currentDateTimeUtc()));
    if (run.state == RunState::Running && !m_ticker->isActive())
        m_ticker->start();
}

void PipelineRunOverlay::tick()
{
    bool running = false;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const JobRunView &run : std::as_const(m_jobs)) {
        if (run.state != RunState::Running)
            continue;
        running = true;
        if (m_scene)
            m_scene->setRunState(run.job, run.state, run.durationMs(now));
    }
    if (!running)
        m_ticker->stop();
}

}  // namespace Orrery::Connect

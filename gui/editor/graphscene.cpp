#include "graphscene.h"

#include "editorcommands.h"

#include <config/pipelinefile.h>
#include <dag/dag.h>

#include <QGraphicsSceneMouseEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QPen>
#include <QSet>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Editor {

const QString GraphScene::kYamlMimeType = u"application/x-orrery-jobs+yaml"_s;
const QString GraphScene::kPositionsMimeType = u"application/x-orrery-job-positions+json"_s;

namespace {
constexpr double kPasteOffset = 40.0;
constexpr double kNudge = 10.0;
}  // namespace

GraphScene::GraphScene(PipelineDocument *document, QObject *parent)
    : QGraphicsScene(parent), m_document(document)
{
    setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    connect(document, &PipelineDocument::jobAdded, this, &GraphScene::onJobAdded);
    connect(document, &PipelineDocument::jobAboutToBeRemoved, this,
            &GraphScene::onJobAboutToBeRemoved);
    connect(document, &PipelineDocument::jobChanged, this, &GraphScene::onJobChanged);
    connect(document, &PipelineDocument::edgeAdded, this, &GraphScene::onEdgeAdded);
    connect(document, &PipelineDocument::edgeRemoved, this, &GraphScene::onEdgeRemoved);
    connect(document, &PipelineDocument::edgeChanged, this, &GraphScene::onEdgeChanged);
    connect(document, &PipelineDocument::placementChanged, this, &GraphScene::onPlacementChanged);
    connect(document, &PipelineDocument::pipelineReset, this, &GraphScene::onPipelineReset);
    connect(document->undoStack(), &QUndoStack::indexChanged, this, [this] { m_nudgeGesture = 0; });
    JobId lastCurrent;
    connect(this, &QGraphicsScene::selectionChanged, this, [this, lastCurrent]() mutable {
        m_nudgeGesture = 0;
        const JobId current = currentJob();
        if (current != lastCurrent) {
            lastCurrent = current;
            emit currentJobChanged(current);
        }
    });
    onPipelineReset();
}

GraphScene::~GraphScene()
{
    // QGraphicsScene's destructor would emit selectionChanged into this half-destroyed
    // object while it removes the items: remove them here, edges (which refer to their
    // jobs) first.
    blockSignals(true);
    for (auto &[key, edge] : m_edges)
        delete edge;
    m_edges.clear();
    for (auto &[key, item] : m_jobs)
        delete item;
    m_jobs.clear();
}

quint64 GraphScene::edgeKey(JobId from, JobId to)
{
    return (quint64(from.value()) << 32) ^ quint64(to.value());
}

JobItem *GraphScene::jobItem(JobId id) const
{
    const auto it = m_jobs.find(id.value());
    return it == m_jobs.end() ? nullptr : it->second;
}

EdgeItem *GraphScene::edgeItem(JobId from, JobId to) const
{
    const auto it = m_edges.find(edgeKey(from, to));
    return it == m_edges.end() ? nullptr : it->second;
}

QList<JobId> GraphScene::selectedJobIds() const
{
    QList<JobId> result;
    for (JobId id : m_document->jobIds()) {
        const JobItem *item = jobItem(id);
        if (item && item->isSelected())
            result.append(id);
    }
    return result;
}

QList<Edge> GraphScene::selectedEdges() const
{
    QList<Edge> result;
    for (QGraphicsItem *item : selectedItems()) {
        if (item->type() == EdgeItem::Type) {
            const auto *e = static_cast<const EdgeItem *>(item);
            result.append(Edge{e->fromItem()->jobId(), e->toItem()->jobId(), e->status()});
        }
    }
    return result;
}

void GraphScene::selectJobs(const QList<JobId> &ids)
{
    QSignalBlocker blocker(this);
    clearSelection();
    for (JobId id : ids) {
        if (JobItem *item = jobItem(id))
            item->setSelected(true);
    }
    blocker.unblock();
    emit selectionChanged();
}

JobId GraphScene::currentJob() const
{
    const QList<QGraphicsItem *> items = selectedItems();
    if (items.size() != 1 || items.first()->type() != JobItem::Type)
        return JobId();
    return static_cast<const JobItem *>(items.first())->jobId();
}

void GraphScene::setDirection(LayoutDirection direction)
{
    if (m_direction == direction)
        return;
    m_direction = direction;
    for (auto &[key, item] : m_jobs)
        item->setDirection(direction);
    if (m_document->jobCount() > 0)
        m_document->undoStack()->push(new RelayoutCommand(m_document, direction, false));
}

void GraphScene::relayoutAll()
{
    if (m_document->jobCount() > 0)
        m_document->undoStack()->push(new RelayoutCommand(m_document, m_direction, true));
}

void GraphScene::placeUnplacedJobs()
{
    m_placementScheduled = false;
    const QList<JobId> unplaced = m_document->unplacedJobs();
    if (unplaced.isEmpty())
        return;
    QHash<QString, QPointF> placed;
    for (auto it = m_document->placements().begin(); it != m_document->placements().end(); ++it)
        placed.insert(m_document->nameOf(it.key()), it->pos);
    QStringList missing;
    for (JobId id : unplaced)
        missing.append(m_document->nameOf(id));
    const QHash<QString, QPointF> positions
            = placeMissing(m_document->pipeline(), placed, missing, m_direction);
    QHash<JobId, Placement> placements;
    for (JobId id : unplaced) {
        const auto it = positions.constFind(m_document->nameOf(id));
        // A second job of a duplicated name (an invalid pipeline) goes beside the first.
        const QPointF pos = it != positions.constEnd()
                                    ? *it
                                    : positions.value(m_document->nameOf(id)) + QPointF(20, 20);
        placements.insert(id, Placement{pos, false});
    }
    m_document->setPlacements(placements);
}

void GraphScene::schedulePlacement()
{
    if (m_placementScheduled)
        return;
    m_placementScheduled = true;
    QTimer::singleShot(0, this, [this] {
        if (m_placementScheduled)
            placeUnplacedJobs();
    });
}

JobId GraphScene::addJob(const QPointF &pos)
{
    Job job;
    job.name = m_document->uniqueJobName(u"job"_s);
    auto *command = new AddJobCommand(m_document, job, pos);
    m_document->undoStack()->push(command);
    selectJobs({command->jobId()});
    return command->jobId();
}

void GraphScene::deleteSelection()
{
    const QList<JobId> jobs = selectedJobIds();
    const QSet<JobId> removing(jobs.begin(), jobs.end());
    QList<Edge> edges;
    for (const Edge &e : selectedEdges()) {
        if (!removing.contains(e.from) && !removing.contains(e.to))
            edges.append(e);
    }
    if (jobs.isEmpty() && edges.isEmpty())
        return;
    QUndoStack *stack = m_document->undoStack();
    const bool macro = !jobs.isEmpty() + edges.size() > 1;
    if (macro)
        stack->beginMacro(tr("Delete the selection"));
    for (const Edge &e : std::as_const(edges))
        stack->push(new DisconnectJobsCommand(m_document, e.from, e.to));
    if (!jobs.isEmpty())
        stack->push(new RemoveJobsCommand(m_document, jobs));
    if (macro)
        stack->endMacro();
}

void GraphScene::connectJobs(JobId from, JobId to, DependencyStatus status)
{
    const Result<void> ok = m_document->canConnect(from, to);
    if (!ok) {
        emit statusMessage(ok.error().message);
        return;
    }
    m_document->undoStack()->push(new ConnectJobsCommand(m_document, Edge{from, to, status}));
}

void GraphScene::setEdgeStatus(JobId from, JobId to, DependencyStatus status)
{
    const auto e = m_document->edge(from, to);
    if (e && e->status != status)
        m_document->undoStack()->push(new SetEdgeStatusCommand(m_document, from, to, status));
}

QMimeData *GraphScene::copySelection() const
{
    const QList<JobId> ids = selectedJobIds();
    if (ids.isEmpty())
        return nullptr;
    Pipeline fragment;
    QSet<QString> names;
    for (JobId id : ids)
        names.insert(m_document->nameOf(id));
    QJsonObject positions;
    for (JobId id : ids) {
        Job job = *m_document->job(id);
        job.dependencies.removeIf([&](const Dependency &d) { return !names.contains(d.job); });
        if (const auto p = m_document->placement(id))
            positions.insert(job.name, QJsonArray{p->pos.x(), p->pos.y()});
        fragment.jobs.append(job);
    }
    const QByteArray yaml = Config::writePipeline(fragment);
    auto *data = new QMimeData;
    data->setText(QString::fromUtf8(yaml));
    data->setData(kYamlMimeType, yaml);
    data->setData(kPositionsMimeType, QJsonDocument(positions).toJson(QJsonDocument::Compact));
    return data;
}

Result<void> GraphScene::paste(const QMimeData *data)
{
    if (!data)
        return makeError(ErrorCode::MissingField, tr("The clipboard holds no jobs."));
    const QByteArray yaml
            = data->hasFormat(kYamlMimeType) ? data->data(kYamlMimeType) : data->text().toUtf8();
    const Result<Pipeline> fragment = Config::parsePipeline(yaml, u"clipboard"_s);
    if (!fragment)
        return fragment.error();
    if (fragment->jobs.isEmpty())
        return makeError(ErrorCode::MissingField, tr("The clipboard holds no jobs."));
    QHash<QString, QPointF> positions;
    const QJsonObject json = QJsonDocument::fromJson(data->data(kPositionsMimeType)).object();
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QJsonArray xy = it.value().toArray();
        if (xy.size() == 2)
            positions.insert(it.key(), QPointF(xy.at(0).toDouble(), xy.at(1).toDouble())
                                               + QPointF(kPasteOffset, kPasteOffset));
    }
    // Pasting again and again: each copy lands further down-right.
    if (!positions.isEmpty()) {
        auto occupied = [this](const QPointF &p) {
            for (const Placement &placement : m_document->placements()) {
                if (placement.pos == p)
                    return true;
            }
            return false;
        };
        const QPointF offset(kPasteOffset, kPasteOffset);
        for (QPointF first = positions.begin().value(); occupied(first); first += offset) {
            for (QPointF &p : positions)
                p += offset;
        }
    }
    auto *command = new PasteJobsCommand(m_document, fragment->jobs, positions);
    m_document->undoStack()->push(command);
    selectJobs(command->pastedIds());
    return {};
}

JobId GraphScene::findJob(const QString &text)
{
    const QString needle = text.trimmed();
    if (JobItem *old = jobItem(m_foundJob); old && old->highlight() == Highlight::Found)
        old->setHighlight(Highlight::None);
    m_foundJob = JobId();
    if (needle.isEmpty())
        return JobId();
    JobId found = m_document->idOf(needle);
    if (!found.isValid()) {
        for (JobId id : m_document->jobIds()) {
            if (m_document->nameOf(id).contains(needle, Qt::CaseInsensitive)) {
                found = id;
                break;
            }
        }
    }
    if (!found.isValid()) {
        emit statusMessage(tr("No job matches '%1'.").arg(needle));
        return JobId();
    }
    m_foundJob = found;
    selectJobs({found});
    if (JobItem *item = jobItem(found))
        item->setHighlight(Highlight::Found);
    return found;
}

void GraphScene::setErrorJob(JobId id)
{
    if (JobItem *old = jobItem(m_errorJob); old && old->highlight() == Highlight::Error)
        old->setHighlight(Highlight::None);
    m_errorJob = id;
    if (JobItem *item = jobItem(id))
        item->setHighlight(Highlight::Error);
}

void GraphScene::setRunState(const QString &jobName, RunState state, qint64 durationMs)
{
    if (JobItem *item = jobItem(m_document->idOf(jobName)))
        item->setRunState(state, durationMs);
}

void GraphScene::clearRunStates()
{
    for (auto &[key, item] : m_jobs)
        item->setRunState(std::nullopt);
}

// --- Document signals -------------------------------------------------------------------------

void GraphScene::onJobAdded(JobId id)
{
    const Job *job = m_document->job(id);
    if (!job || jobItem(id))
        return;
    auto *item = new JobItem(id);
    item->setJob(*job);
    item->setDirection(m_direction);
    if (const auto p = m_document->placement(id)) {
        item->setPos(p->pos);
    } else {
        item->setVisible(false);  // until the layout has placed it
        schedulePlacement();
    }
    addItem(item);
    m_jobs.emplace(id.value(), item);
}

void GraphScene::onJobAboutToBeRemoved(JobId id)
{
    JobItem *item = jobItem(id);
    if (!item)
        return;
    for (auto it = m_edges.begin(); it != m_edges.end();) {
        if (it->second->fromItem() == item || it->second->toItem() == item) {
            delete it->second;
            it = m_edges.erase(it);
        } else {
            ++it;
        }
    }
    if (m_connectFrom == item || m_connectTarget == item) {
        m_connectFrom = nullptr;
        m_connectTarget = nullptr;
    }
    m_cycleItems.clear();
    m_jobs.erase(id.value());
    delete item;
}

void GraphScene::onJobChanged(JobId id)
{
    JobItem *item = jobItem(id);
    const Job *job = m_document->job(id);
    if (item && job)
        item->setJob(*job);
}

void GraphScene::onEdgeAdded(JobId from, JobId to)
{
    JobItem *a = jobItem(from);
    JobItem *b = jobItem(to);
    const auto e = m_document->edge(from, to);
    if (!a || !b || !e || edgeItem(from, to))
        return;
    auto *item = new EdgeItem(a, b, e->status);
    item->setVisible(a->isVisible() && b->isVisible());
    addItem(item);
    m_edges.emplace(edgeKey(from, to), item);
}

void GraphScene::onEdgeRemoved(JobId from, JobId to)
{
    const auto it = m_edges.find(edgeKey(from, to));
    if (it == m_edges.end())
        return;
    m_cycleItems.removeAll(it->second);
    delete it->second;
    m_edges.erase(it);
}

void GraphScene::onEdgeChanged(JobId from, JobId to)
{
    EdgeItem *item = edgeItem(from, to);
    const auto e = m_document->edge(from, to);
    if (item && e)
        item->setStatus(e->status);
}

void GraphScene::onPlacementChanged(JobId id)
{
    JobItem *item = jobItem(id);
    if (!item)
        return;
    const auto p = m_document->placement(id);
    if (!p) {
        schedulePlacement();
        return;
    }
    item->setPos(p->pos);
    if (!item->isVisible()) {
        item->setVisible(true);
        for (EdgeItem *e : item->edges())
            e->setVisible(e->fromItem()->isVisible() && e->toItem()->isVisible());
    }
}

void GraphScene::onPipelineReset()
{
    m_cycleItems.clear();
    m_connectFrom = nullptr;
    m_connectTarget = nullptr;
    delete m_rubberArrow;
    m_rubberArrow = nullptr;
    for (auto &[key, edge] : m_edges)
        delete edge;
    m_edges.clear();
    for (auto &[key, item] : m_jobs)
        delete item;
    m_jobs.clear();
    m_foundJob = JobId();
    m_errorJob = JobId();

    // Build hidden, place, then show: one pass instead of one per job.
    for (JobId id : m_document->jobIds()) {
        auto *item = new JobItem(id);
        item->setJob(*m_document->job(id));
        item->setDirection(m_direction);
        if (const auto p = m_document->placement(id))
            item->setPos(p->pos);
        else
            item->setVisible(false);
        addItem(item);
        m_jobs.emplace(id.value(), item);
    }
    for (const Edge &e : m_document->edges()) {
        JobItem *a = jobItem(e.from);
        JobItem *b = jobItem(e.to);
        auto *item = new EdgeItem(a, b, e.status);
        item->setVisible(a->isVisible() && b->isVisible());
        addItem(item);
        m_edges.emplace(edgeKey(e.from, e.to), item);
    }
    if (!m_document->unplacedJobs().isEmpty()) {
        const QSignalBlocker blocker(m_document);
        placeUnplacedJobs();
        for (auto &[key, item] : m_jobs) {
            if (const auto p = m_document->placement(JobId(key)))
                item->setPos(p->pos);
            item->setVisible(true);
        }
        for (auto &[key, edge] : m_edges)
            edge->setVisible(true);
    }
    emit currentJobChanged(JobId());
}

// --- Gestures ---------------------------------------------------------------------------------

JobItem *GraphScene::jobItemAt(const QPointF &scenePos) const
{
    for (QGraphicsItem *item : items(scenePos)) {
        if (item->type() == JobItem::Type && item->isVisible())
            return static_cast<JobItem *>(item);
    }
    return nullptr;
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    m_nudgeGesture = 0;
    if (event->button() == Qt::LeftButton) {
        JobItem *item = jobItemAt(event->scenePos());
        if (item && item->isOnOutPort(event->scenePos())) {
            m_connectFrom = item;
            m_connectTarget = nullptr;
            m_rubberArrow = new QGraphicsPathItem;
            m_rubberArrow->setPen(QPen(QColor(0x19, 0x76, 0xd2), 2, Qt::DashLine));
            m_rubberArrow->setZValue(10);
            addItem(m_rubberArrow);
            emit statusMessage(tr("Drop on the job that runs after '%1' (Shift: on failure, "
                                  "Alt: when finished).")
                                       .arg(item->name()));
            event->accept();
            return;
        }
    }
    QGraphicsScene::mousePressEvent(event);
    m_dragging = event->button() == Qt::LeftButton && mouseGrabberItem()
                 && mouseGrabberItem()->type() == JobItem::Type;
}

void GraphScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        if (JobItem *item = jobItemAt(event->scenePos())) {
            emit jobActivated(item->jobId());
            event->accept();
            return;
        }
    }
    QGraphicsScene::mouseDoubleClickEvent(event);
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_connectFrom) {
        QPainterPath path(m_connectFrom->outPort());
        path.lineTo(event->scenePos());
        m_rubberArrow->setPath(path);
        updateConnectionTarget(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_connectFrom) {
        DependencyStatus status = DependencyStatus::Success;
        if (event->modifiers() & Qt::ShiftModifier)
            status = DependencyStatus::Failed;
        else if (event->modifiers() & Qt::AltModifier)
            status = DependencyStatus::Finished;
        JobItem *from = m_connectFrom;
        JobItem *target = jobItemAt(event->scenePos());
        clearCycleHighlight();
        delete m_rubberArrow;
        m_rubberArrow = nullptr;
        m_connectFrom = nullptr;
        m_connectTarget = nullptr;
        if (target && target != from) {
            const Result<void> ok = m_document->canConnect(from->jobId(), target->jobId());
            if (ok)
                connectJobs(from->jobId(), target->jobId(), status);
            else
                emit statusMessage(tr("Not connected: %1").arg(ok.error().message));
        } else {
            emit statusMessage(QString());
        }
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (!m_dragging)
        return;
    m_dragging = false;
    QHash<JobId, QPointF> moved;
    for (QGraphicsItem *item : selectedItems()) {
        if (item->type() != JobItem::Type)
            continue;
        const auto *job = static_cast<JobItem *>(item);
        const auto p = m_document->placement(job->jobId());
        if (!p || p->pos != job->pos())
            moved.insert(job->jobId(), job->pos());
    }
    if (!moved.isEmpty())
        m_document->undoStack()->push(new MoveJobsCommand(m_document, moved));
}

void GraphScene::updateConnectionTarget(const QPointF &scenePos)
{
    JobItem *target = jobItemAt(scenePos);
    if (target == m_connectFrom)
        target = nullptr;
    if (target == m_connectTarget)
        return;
    clearCycleHighlight();
    m_connectTarget = target;
    if (!target) {
        emit statusMessage(QString());
        return;
    }
    const JobId from = m_connectFrom->jobId();
    const Result<void> ok = m_document->canConnect(from, target->jobId());
    if (ok) {
        emit statusMessage(tr("Run '%1' after '%2'.").arg(target->name(), m_connectFrom->name()));
        return;
    }
    target->setHighlight(Highlight::Refused);
    m_cycleItems.append(target);
    if (ok.error().code == ErrorCode::Cycle) {
        const QStringList cycle = m_document->cycleIfConnected(from, target->jobId());
        for (int i = 0; i < cycle.size(); ++i) {
            const JobId id = m_document->idOf(cycle.at(i));
            if (JobItem *item = jobItem(id); item && item != target) {
                item->setHighlight(Highlight::Cycle);
                m_cycleItems.append(item);
            }
            if (i + 1 < cycle.size()) {
                if (EdgeItem *e = edgeItem(id, m_document->idOf(cycle.at(i + 1)))) {
                    e->setHighlight(Highlight::Cycle);
                    m_cycleItems.append(e);
                }
            }
        }
        emit statusMessage(tr("Refused: this dependency would close the cycle %1.")
                                   .arg(Dag::cyclePathString(cycle)));
    } else {
        emit statusMessage(tr("Refused: %1").arg(ok.error().message));
    }
}

void GraphScene::clearCycleHighlight()
{
    for (QGraphicsItem *item : std::as_const(m_cycleItems)) {
        if (item->type() == JobItem::Type)
            static_cast<JobItem *>(item)->setHighlight(Highlight::None);
        else if (item->type() == EdgeItem::Type)
            static_cast<EdgeItem *>(item)->setHighlight(Highlight::None);
    }
    m_cycleItems.clear();
    if (JobItem *found = jobItem(m_foundJob))
        found->setHighlight(Highlight::Found);
    if (JobItem *error = jobItem(m_errorJob))
        error->setHighlight(Highlight::Error);
}

void GraphScene::keyPressEvent(QKeyEvent *event)
{
    QPointF delta;
    const double step = event->modifiers() & Qt::ShiftModifier ? 1.0 : kNudge;
    switch (event->key()) {
    case Qt::Key_Left:
        delta = QPointF(-step, 0);
        break;
    case Qt::Key_Right:
        delta = QPointF(step, 0);
        break;
    case Qt::Key_Up:
        delta = QPointF(0, -step);
        break;
    case Qt::Key_Down:
        delta = QPointF(0, step);
        break;
    default:
        QGraphicsScene::keyPressEvent(event);
        return;
    }
    const QList<JobId> ids = selectedJobIds();
    if (ids.isEmpty()) {
        QGraphicsScene::keyPressEvent(event);
        return;
    }
    QHash<JobId, QPointF> moved;
    for (JobId id : ids)
        moved.insert(id, jobItem(id)->pos() + delta);
    const int gesture = m_nudgeGesture ? m_nudgeGesture : m_nextGesture++;
    m_document->undoStack()->push(new MoveJobsCommand(m_document, moved, gesture));
    m_nudgeGesture = gesture;  // after the push, which resets it
    event->accept();
}

void GraphScene::contextMenuEvent(QGraphicsSceneContextMenuEvent *event)
{
    QGraphicsItem *hit = nullptr;
    for (QGraphicsItem *item : items(event->scenePos())) {
        if (item->type() == JobItem::Type || item->type() == EdgeItem::Type) {
            hit = item;
            break;
        }
    }
    QMenu menu;
    if (hit && hit->type() == EdgeItem::Type) {
        const auto *e = static_cast<EdgeItem *>(hit);
        const JobId from = e->fromItem()->jobId();
        const JobId to = e->toItem()->jobId();
        const std::pair<DependencyStatus, QString> choices[]
                = {{DependencyStatus::Success, tr("Run after success")},
                   {DependencyStatus::Failed, tr("Run after failure")},
                   {DependencyStatus::Finished, tr("Run after it finished (any result)")}};
        for (const auto &[status, text] : choices) {
            QAction *a = menu.addAction(
                    text, this, [this, from, to, s = status] { setEdgeStatus(from, to, s); });
            a->setCheckable(true);
            a->setChecked(e->status() == status);
        }
        menu.addSeparator();
        menu.addAction(tr("Remove the dependency"), this, [this, from, to] {
            m_document->undoStack()->push(new DisconnectJobsCommand(m_document, from, to));
        });
    } else if (hit) {
        auto *job = static_cast<JobItem *>(hit);
        if (!job->isSelected())
            selectJobs({job->jobId()});
        menu.addAction(tr("Delete"), this, &GraphScene::deleteSelection);
    } else {
        const QPointF pos
                = event->scenePos() - QPointF(kJobBoxSize.width(), kJobBoxSize.height()) / 2;
        menu.addAction(tr("Add a job here"), this, [this, pos] { addJob(pos); });
    }
    menu.exec(event->screenPos());
    event->accept();
}

}  // namespace Orrery::Editor

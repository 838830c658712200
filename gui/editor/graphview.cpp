#include "graphview.h"

#include "graphscene.h"

#include <QMouseEvent>
#include <QScrollBar>
#include <QTimer>
#include <QWheelEvent>

#include <cmath>

namespace Orrery::Editor {

namespace {
constexpr double kMinZoom = 0.02;
constexpr double kMaxZoom = 4.0;
}  // namespace

GraphView::GraphView(GraphScene *scene, QWidget *parent)
    : QGraphicsView(scene, parent), m_scene(scene)
{
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState
                         | QGraphicsView::DontAdjustForAntialiasing);
    setCacheMode(QGraphicsView::CacheBackground);
    setBackgroundBrush(QColor(0xf4, 0xf6, 0xf8));
    setFocusPolicy(Qt::StrongFocus);
}

double GraphView::zoom() const
{
    return transform().m11();
}

void GraphView::setZoom(double factor)
{
    factor = std::clamp(factor, kMinZoom, kMaxZoom);
    if (qFuzzyCompare(factor, zoom()))
        return;
    QTransform t;
    t.scale(factor, factor);
    setTransform(t);
    emit zoomChanged(factor);
    emit visibleAreaChanged();
}

void GraphView::zoomBy(double factor)
{
    setZoom(zoom() * factor);
}

void GraphView::zoomToFit()
{
    const QRectF bounds = m_scene->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    if (bounds.isEmpty())
        return;
    fitInView(bounds, Qt::KeepAspectRatio);
    if (zoom() > 1.0)
        setZoom(1.0);
    if (zoom() < kMinZoom)
        setZoom(kMinZoom);
    centerOn(bounds.center());
    emit zoomChanged(zoom());
    emit visibleAreaChanged();
}

void GraphView::centerOnJob(JobId id)
{
    if (const JobItem *item = m_scene->jobItem(id)) {
        if (zoom() < 0.5)
            setZoom(0.8);
        centerOn(item);
        emit visibleAreaChanged();
    }
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    zoomBy(std::pow(1.15, steps));
    event->accept();
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    emit visibleAreaChanged();
}

void GraphView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    emit visibleAreaChanged();
}

// --- MiniMapView ------------------------------------------------------------------------------

MiniMapView::MiniMapView(GraphView *mainView, QWidget *parent)
    : QGraphicsView(mainView->scene(), parent), m_main(mainView)
{
    setInteractive(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    setBackgroundBrush(QColor(0xec, 0xef, 0xf1));
    setMinimumSize(160, 110);
    connect(mainView, &GraphView::visibleAreaChanged, viewport(), qOverload<>(&QWidget::update));
    // Refit when the graph grows or shrinks, at most once per event-loop turn.
    auto *refitTimer = new QTimer(this);
    refitTimer->setSingleShot(true);
    refitTimer->setInterval(100);
    connect(refitTimer, &QTimer::timeout, this, &MiniMapView::refit);
    connect(mainView->scene(), &QGraphicsScene::sceneRectChanged, refitTimer,
            qOverload<>(&QTimer::start));
}

void MiniMapView::refit()
{
    const QRectF bounds = scene()->itemsBoundingRect();
    if (!bounds.isEmpty())
        fitInView(bounds.adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
}

void MiniMapView::drawForeground(QPainter *painter, const QRectF &)
{
    const QRectF visible = m_main->mapToScene(m_main->viewport()->rect()).boundingRect();
    painter->setPen(QPen(QColor(0x19, 0x76, 0xd2), 0));
    painter->setBrush(QColor(0x19, 0x76, 0xd2, 40));
    painter->drawRect(visible);
}

void MiniMapView::mousePressEvent(QMouseEvent *event)
{
    m_main->centerOn(mapToScene(event->position().toPoint()));
    event->accept();
}

void MiniMapView::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        m_main->centerOn(mapToScene(event->position().toPoint()));
    event->accept();
}

void MiniMapView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    refit();
}

}  // namespace Orrery::Editor

#pragma once

#include <model/id.h>

#include <QGraphicsView>

namespace Orrery::Editor {

class GraphScene;

// The editor's view of a GraphScene: rubber-band selection, zoom with the wheel (around the
// cursor), zoom to fit, and centring on a job.
class GraphView final : public QGraphicsView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GraphView)

public:
    explicit GraphView(GraphScene *scene, QWidget *parent = nullptr);

    double zoom() const;
    void setZoom(double factor);
    void zoomBy(double factor);
    void zoomToFit();
    void centerOnJob(JobId id);

signals:
    void zoomChanged(double factor);
    // The visible part of the scene changed (scroll or zoom), for the minimap.
    void visibleAreaChanged();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    GraphScene *m_scene;
};

// A small overview of the same scene that shows the main view's visible area; a click or drag
// centres the main view there.
class MiniMapView final : public QGraphicsView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MiniMapView)

public:
    explicit MiniMapView(GraphView *mainView, QWidget *parent = nullptr);

    // Fits the whole graph into the minimap.
    void refit();

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    GraphView *m_main;
};

}  // namespace Orrery::Editor

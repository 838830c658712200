#pragma once

#include "graphlayout.h"

#include <model/job.h>
#include <model/runstate.h>

#include <QColor>
#include <QGraphicsItem>
#include <QPainterPath>
#include <QStaticText>

#include <optional>

namespace Orrery::Editor {

class EdgeItem;

// How a box or an arrow is emphasised.
enum class Highlight {
    None,
    Found,    // the result of Find
    Cycle,    // on the cycle that a proposed arrow would close
    Refused,  // the target of a refused arrow
    Error,    // named by an error in the YAML text
};

// The colour of a run state in the live overlay (and its legend).
QColor runStateColor(RunState state);

// A job's box: name, a summary of the command or schedule, a state stripe for the live
// overlay, and the output port from which arrows are drawn. It only displays: the scene turns
// gestures into commands, and the item is updated from the document's signals.
class JobItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 1 };

    explicit JobItem(JobId id);

    int type() const override { return Type; }
    JobId jobId() const { return m_id; }
    QString name() const { return m_name; }

    void setJob(const Job &job);
    void setDirection(LayoutDirection direction);
    LayoutDirection direction() const { return m_direction; }
    void setHighlight(Highlight highlight);
    Highlight highlight() const { return m_highlight; }

    // Live overlay: the state colour and the run's duration (negative = unknown).
    void setRunState(std::optional<RunState> state, qint64 durationMs = -1);
    std::optional<RunState> runState() const { return m_runState; }
    QString durationText() const { return m_durationText; }

    // Scene positions of the arrow ends.
    QPointF outPort() const;
    QPointF inPort() const;
    // Whether `scenePos` is on the output port (where an arrow drag starts).
    bool isOnOutPort(const QPointF &scenePos) const;

    void addEdge(EdgeItem *edge) { m_edges.append(edge); }
    void removeEdge(EdgeItem *edge) { m_edges.removeAll(edge); }
    const QList<EdgeItem *> &edges() const { return m_edges; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    QPointF portCenter() const;  // item coordinates

    JobId m_id;
    QString m_name;
    QStaticText m_title;
    QStaticText m_summary;
    LayoutDirection m_direction = LayoutDirection::LeftToRight;
    Highlight m_highlight = Highlight::None;
    std::optional<RunState> m_runState;
    QString m_durationText;
    bool m_disabled = false;
    QList<EdgeItem *> m_edges;
};

// An arrow from the upstream job's output port to the downstream job's input; labelled with
// the required status unless it is success.
class EdgeItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 2 };

    EdgeItem(JobItem *from, JobItem *to, DependencyStatus status);
    ~EdgeItem() override;

    int type() const override { return Type; }
    JobItem *fromItem() const { return m_from; }
    JobItem *toItem() const { return m_to; }
    DependencyStatus status() const { return m_status; }
    void setStatus(DependencyStatus status);
    QString label() const;  // "" for success
    void setHighlight(Highlight highlight);
    Highlight highlight() const { return m_highlight; }

    // Recomputes the path after an end moved.
    void adjust();

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    JobItem *m_from;  // both owned by the scene; the scene removes edges before their jobs
    JobItem *m_to;
    DependencyStatus m_status;
    Highlight m_highlight = Highlight::None;
    QPainterPath m_path;
    QPolygonF m_arrow;
    QPointF m_start;
    QPointF m_end;
    QPointF m_labelPos;
    QRectF m_bounds;
};

}  // namespace Orrery::Editor

#include "graphitems.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Editor {

namespace {

constexpr double kPortRadius = 6.0;
constexpr double kStripe = 6.0;
// Below this zoom level the text is not drawn (it would be unreadable and costs most).
constexpr double kTextLod = 0.45;

QFont titleFont()
{
    QFont f;
    f.setBold(true);
    f.setPointSizeF(9.5);
    return f;
}

QFont summaryFont()
{
    QFont f;
    f.setPointSizeF(8.0);
    return f;
}

QColor highlightColor(Highlight h)
{
    switch (h) {
    case Highlight::Found:
        return QColor(0xf9, 0xa8, 0x25);
    case Highlight::Cycle:
        return QColor(0xe5, 0x39, 0x35);
    case Highlight::Refused:
        return QColor(0xc6, 0x28, 0x28);
    case Highlight::Error:
        return QColor(0xd8, 0x1b, 0x60);
    case Highlight::None:
        break;
    }
    return {};
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    const qint64 s = ms / 1000;
    if (s < 60)
        return QString::number(double(ms) / 1000.0, 'f', s < 10 ? 1 : 0) + u's';
    if (s < 3600)
        return u"%1m %2s"_s.arg(s / 60).arg(s % 60, 2, 10, QChar(u'0'));
    return u"%1h %2m"_s.arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar(u'0'));
}

}  // namespace

QColor runStateColor(RunState state)
{
    switch (state) {
    case RunState::Waiting:
        return QColor(0x90, 0xa4, 0xae);
    case RunState::Running:
        return QColor(0x1e, 0x88, 0xe5);
    case RunState::Success:
        return QColor(0x43, 0xa0, 0x47);
    case RunState::Failed:
        return QColor(0xe5, 0x39, 0x35);
    case RunState::TimedOut:
        return QColor(0xfb, 0x8c, 0x00);
    case RunState::Cancelled:
        return QColor(0x61, 0x61, 0x61);
    case RunState::Lost:
        return QColor(0x8e, 0x24, 0xaa);
    case RunState::Skipped:
        return QColor(0xbd, 0xbd, 0xbd);
    }
    return {};
}

// --- JobItem ----------------------------------------------------------------------------------

JobItem::JobItem(JobId id) : m_id(id)
{
    setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(false);
    setZValue(1);
}

void JobItem::setJob(const Job &job)
{
    m_name = job.name;
    m_disabled = !job.enabled;
    const double textWidth = kJobBoxSize.width() - kStripe - 16;
    const QString title
            = QFontMetricsF(titleFont()).elidedText(job.name, Qt::ElideRight, textWidth);
    QString summary = job.command.section(u'\n', 0, 0).trimmed();
    if (!job.schedule.isEmpty())
        summary = summary.isEmpty() ? u"cron "_s + job.schedule
                                    : u"cron "_s + job.schedule + u" · "_s + summary;
    summary = QFontMetricsF(summaryFont()).elidedText(summary, Qt::ElideRight, textWidth);
    m_title = QStaticText(title);
    m_title.setTextFormat(Qt::PlainText);
    m_title.prepare(QTransform(), titleFont());
    m_summary = QStaticText(summary);
    m_summary.setTextFormat(Qt::PlainText);
    m_summary.prepare(QTransform(), summaryFont());
    setToolTip(job.command.isEmpty() ? job.name : job.name + u"\n"_s + job.command);
    update();
}

void JobItem::setDirection(LayoutDirection direction)
{
    if (m_direction == direction)
        return;
    prepareGeometryChange();
    m_direction = direction;
    for (EdgeItem *e : std::as_const(m_edges))
        e->adjust();
}

void JobItem::setHighlight(Highlight highlight)
{
    if (m_highlight == highlight)
        return;
    m_highlight = highlight;
    update();
}

void JobItem::setRunState(std::optional<RunState> state, qint64 durationMs)
{
    m_runState = state;
    m_durationText = state ? formatDuration(durationMs) : QString();
    update();
}

QPointF JobItem::portCenter() const
{
    return m_direction == LayoutDirection::LeftToRight
                   ? QPointF(kJobBoxSize.width(), kJobBoxSize.height() / 2)
                   : QPointF(kJobBoxSize.width() / 2, kJobBoxSize.height());
}

QPointF JobItem::outPort() const
{
    return mapToScene(portCenter());
}

QPointF JobItem::inPort() const
{
    return mapToScene(m_direction == LayoutDirection::LeftToRight
                              ? QPointF(0, kJobBoxSize.height() / 2)
                              : QPointF(kJobBoxSize.width() / 2, 0));
}

bool JobItem::isOnOutPort(const QPointF &scenePos) const
{
    const QPointF d = mapFromScene(scenePos) - portCenter();
    return d.x() * d.x() + d.y() * d.y() <= (kPortRadius + 3) * (kPortRadius + 3);
}

QRectF JobItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), kJobBoxSize).adjusted(-3, -3, kPortRadius + 3, kPortRadius + 3);
}

QPainterPath JobItem::shape() const
{
    QPainterPath path;
    path.addRect(QRectF(QPointF(0, 0), kJobBoxSize));
    const QPointF c = portCenter();
    path.addEllipse(c, kPortRadius + 3, kPortRadius + 3);
    return path;
}

void JobItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF box(QPointF(0, 0), kJobBoxSize);
    const QColor fill = m_disabled ? QColor(0xee, 0xee, 0xee) : QColor(0xfd, 0xfd, 0xfe);
    QColor border = isSelected() ? QColor(0x19, 0x76, 0xd2) : QColor(0x78, 0x90, 0x9c);
    double borderWidth = isSelected() ? 2.5 : 1.0;
    if (m_highlight != Highlight::None) {
        border = highlightColor(m_highlight);
        borderWidth = 3.0;
    }
    const QColor stripe = m_runState ? runStateColor(*m_runState) : QColor(0xcf, 0xd8, 0xdc);

    if (lod < kTextLod) {
        // Zoomed out: flat shapes only.
        painter->fillRect(box, m_highlight != Highlight::None || isSelected() ? border : fill);
        painter->fillRect(QRectF(0, 0, kStripe * 2, box.height()), stripe);
        return;
    }

    painter->setRenderHint(QPainter::Antialiasing, lod < 2.5);
    painter->setPen(QPen(border, borderWidth));
    painter->setBrush(fill);
    painter->drawRoundedRect(box, 4, 4);
    painter->fillRect(QRectF(1, 1, kStripe, box.height() - 2), stripe);

    painter->setPen(m_disabled ? QColor(0x75, 0x75, 0x75) : QColor(0x21, 0x21, 0x21));
    painter->setFont(titleFont());
    painter->drawStaticText(QPointF(kStripe + 8, 7), m_title);
    painter->setPen(QColor(0x54, 0x6e, 0x7a));
    painter->setFont(summaryFont());
    painter->drawStaticText(QPointF(kStripe + 8, 30), m_summary);
    if (!m_durationText.isEmpty()) {
        painter->setPen(stripe.darker(130));
        painter->drawText(box.adjusted(0, 0, -6, -3), Qt::AlignRight | Qt::AlignBottom,
                          m_durationText);
    }

    painter->setPen(QPen(QColor(0x54, 0x6e, 0x7a), 1));
    painter->setBrush(QColor(0xff, 0xff, 0xff));
    painter->drawEllipse(portCenter(), kPortRadius, kPortRadius);
}

QVariant JobItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged) {
        for (EdgeItem *e : std::as_const(m_edges))
            e->adjust();
    }
    return QGraphicsItem::itemChange(change, value);
}

// --- EdgeItem ---------------------------------------------------------------------------------

EdgeItem::EdgeItem(JobItem *from, JobItem *to, DependencyStatus status)
    : m_from(from), m_to(to), m_status(status)
{
    setFlags(ItemIsSelectable);
    setZValue(0);
    m_from->addEdge(this);
    m_to->addEdge(this);
    adjust();
}

EdgeItem::~EdgeItem()
{
    m_from->removeEdge(this);
    m_to->removeEdge(this);
}

void EdgeItem::setStatus(DependencyStatus status)
{
    m_status = status;
    adjust();
    update();
}

QString EdgeItem::label() const
{
    return m_status == DependencyStatus::Success ? QString() : dependencyStatusName(m_status);
}

void EdgeItem::setHighlight(Highlight highlight)
{
    if (m_highlight == highlight)
        return;
    m_highlight = highlight;
    update();
}

void EdgeItem::adjust()
{
    prepareGeometryChange();
    const QPointF a = m_from->outPort();
    const QPointF b = m_to->inPort();
    const bool lr = m_to->direction() == LayoutDirection::LeftToRight;
    const double bend
            = std::max(40.0, (lr ? std::abs(b.x() - a.x()) : std::abs(b.y() - a.y())) / 2);
    const QPointF c1 = lr ? a + QPointF(bend, 0) : a + QPointF(0, bend);
    const QPointF c2 = lr ? b - QPointF(bend, 0) : b - QPointF(0, bend);
    QPainterPath path(a);
    path.cubicTo(c1, c2, b);
    m_path = path;

    // The arrow head points along the last tangent, which is the rank direction.
    const QPointF dir = lr ? QPointF(1, 0) : QPointF(0, 1);
    const QPointF normal(-dir.y(), dir.x());
    m_arrow = QPolygonF({b, b - dir * 10 + normal * 5, b - dir * 10 - normal * 5});
    m_start = a;
    m_end = b;
    // The curve's point at t = 0.5 (pointAtPercent measures the length: far too slow here).
    m_labelPos = (a + 3 * c1 + 3 * c2 + b) / 8;
    m_bounds = m_path.boundingRect().united(m_arrow.boundingRect()).adjusted(-4, -4, 4, 4);
    if (m_status != DependencyStatus::Success)
        m_bounds |= QRectF(m_labelPos - QPointF(34, 10), QSizeF(68, 20));
}

QRectF EdgeItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(8);
    return stroker.createStroke(m_path);
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    QColor color = m_status == DependencyStatus::Failed     ? QColor(0xc6, 0x28, 0x28)
                   : m_status == DependencyStatus::Finished ? QColor(0x15, 0x65, 0xc0)
                                                            : QColor(0x60, 0x7d, 0x8b);
    double width = 1.3;
    if (isSelected()) {
        color = QColor(0x19, 0x76, 0xd2);
        width = 2.5;
    }
    if (m_highlight != Highlight::None) {
        color = highlightColor(m_highlight);
        width = 3.0;
    }
    QPen pen(color, width);
    if (m_status == DependencyStatus::Finished)
        pen.setStyle(Qt::DashLine);
    if (lod < kTextLod) {
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->drawLine(m_start, m_end);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(m_arrow);
    if (m_status != DependencyStatus::Success) {
        const QRectF r(m_labelPos - QPointF(32, 9), QSizeF(64, 18));
        painter->setBrush(QColor(0xff, 0xff, 0xff));
        painter->setPen(QPen(color, 1));
        painter->drawRoundedRect(r, 8, 8);
        QFont f;
        f.setPointSizeF(7.5);
        painter->setFont(f);
        painter->drawText(r, Qt::AlignCenter, label());
    }
}

}  // namespace Orrery::Editor

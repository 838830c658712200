#pragma once

#include <model/pipeline.h>

#include <QHash>
#include <QPointF>
#include <QSizeF>
#include <QStringList>

namespace Orrery::Editor {

enum class LayoutDirection { LeftToRight, TopToBottom };

// The size of a job's box in scene units, and the free space kept between boxes.
inline constexpr QSizeF kJobBoxSize{180.0, 56.0};
inline constexpr double kBoxGap = 24.0;
// The space between ranks: room for an arrow's status label.
inline constexpr double kRankGap = 96.0;

// The top-left corner of every job's box (by name; the first job of a duplicated name), laid
// out by Graphviz `dot` (libgvc) in `direction`. Boxes do not overlap. Edges are not routed
// (the editor draws its own arrows), which keeps 2,000 jobs well under a second.
QHash<QString, QPointF> layoutAll(const Pipeline &pipeline, LayoutDirection direction);

// Places the jobs named in `missing` next to the boxes in `placed`, which stay where they are:
// after its placed upstream jobs (or before its placed downstream jobs, or below everything),
// moved across the rank direction until it overlaps no other box. When nothing is placed yet
// this is layoutAll() for the missing jobs.
QHash<QString, QPointF> placeMissing(const Pipeline &pipeline,
                                     const QHash<QString, QPointF> &placed,
                                     const QStringList &missing, LayoutDirection direction);

}  // namespace Orrery::Editor

#include "graphlayout.h"

#include <QLoggingCategory>
#include <QRectF>
#include <QSet>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <memory>

namespace Orrery::Editor {

static Q_LOGGING_CATEGORY(lcLayout, "orrery.gui.layout", QtInfoMsg)

        namespace
{
    // Graphviz 2.42 takes char* for names and values that it does not modify.
    char *gv(const char *text)
    {
        return const_cast<char *>(text);
    }

    struct GvcDeleter
    {
        void operator()(GVC_t *gvc) const { gvFreeContext(gvc); }
    };

    QHash<QString, int> firstIndexByName(const Pipeline &pipeline)
    {
        QHash<QString, int> result;
        for (int i = 0; i < pipeline.jobs.size(); ++i) {
            if (!result.contains(pipeline.jobs.at(i).name))
                result.insert(pipeline.jobs.at(i).name, i);
        }
        return result;
    }

    // Boxes already taken, with a coarse grid so that the overlap test stays cheap.
    class Occupancy
    {
    public:
        void add(const QPointF &topLeft)
        {
            const QRectF r = box(topLeft);
            for (const auto &cell : cells(r))
                m_grid[cell].append(r);
        }
        bool isFree(const QPointF &topLeft) const
        {
            const QRectF r = box(topLeft);
            for (const auto &cell : cells(r)) {
                const auto it = m_grid.constFind(cell);
                if (it == m_grid.constEnd())
                    continue;
                for (const QRectF &other : *it) {
                    if (other.intersects(r))
                        return false;
                }
            }
            return true;
        }

    private:
        static constexpr double kCell = 256.0;
        // The box grown by half a gap on each side, so touching grown boxes keep a full gap.
        static QRectF box(const QPointF &topLeft)
        {
            return QRectF(topLeft, kJobBoxSize)
                    .adjusted(-kBoxGap / 2, -kBoxGap / 2, kBoxGap / 2 - 0.01, kBoxGap / 2 - 0.01);
        }
        static QList<std::pair<int, int>> cells(const QRectF &r)
        {
            QList<std::pair<int, int>> result;
            const int x0 = int(std::floor(r.left() / kCell)),
                      x1 = int(std::floor(r.right() / kCell));
            const int y0 = int(std::floor(r.top() / kCell)),
                      y1 = int(std::floor(r.bottom() / kCell));
            for (int x = x0; x <= x1; ++x) {
                for (int y = y0; y <= y1; ++y)
                    result.append({x, y});
            }
            return result;
        }
        QHash<std::pair<int, int>, QList<QRectF>> m_grid;
    };

}  // namespace

QHash<QString, QPointF> layoutAll(const Pipeline &pipeline, LayoutDirection direction)
{
    QHash<QString, QPointF> result;
    if (pipeline.jobs.isEmpty())
        return result;
    const QHash<QString, int> first = firstIndexByName(pipeline);

    // One context per thread for the program's life: Graphviz 2.42 leaks its plugin
    // configuration (~3.6 KB) at every gvContext(), and a context serves any number of
    // layouts. (Contexts are not shared between threads.)
    thread_local const std::unique_ptr<GVC_t, GvcDeleter> gvc(gvContext());
    Agraph_t *g = agopen(gv("pipeline"), Agdirected, nullptr);
    agattr(g, AGRAPH, gv("rankdir"), gv(direction == LayoutDirection::LeftToRight ? "LR" : "TB"));
    // No edge routing: the editor draws its own arrows.
    agattr(g, AGRAPH, gv("splines"), gv(""));
    const QByteArray gapInches = QByteArray::number(kBoxGap / 72.0);
    const QByteArray rankInches = QByteArray::number(kRankGap / 72.0);
    agattr(g, AGRAPH, gv("nodesep"), gv(gapInches.constData()));
    agattr(g, AGRAPH, gv("ranksep"), gv(rankInches.constData()));
    // Fewer crossing-minimisation passes: large pipelines lay out several times faster, and
    // the result is still ranked and readable.
    agattr(g, AGRAPH, gv("mclimit"), gv("0.1"));
    agattr(g, AGRAPH, gv("nslimit"), gv("1"));
    agattr(g, AGRAPH, gv("nslimit1"), gv("1"));
    agattr(g, AGNODE, gv("shape"), gv("box"));
    agattr(g, AGNODE, gv("fixedsize"), gv("true"));
    agattr(g, AGNODE, gv("label"), gv(""));
    const QByteArray w = QByteArray::number(kJobBoxSize.width() / 72.0);
    const QByteArray h = QByteArray::number(kJobBoxSize.height() / 72.0);
    agattr(g, AGNODE, gv("width"), gv(w.constData()));
    agattr(g, AGNODE, gv("height"), gv(h.constData()));

    QList<Agnode_t *> nodes(pipeline.jobs.size(), nullptr);
    for (int i = 0; i < pipeline.jobs.size(); ++i) {
        if (first.value(pipeline.jobs.at(i).name) != i)
            continue;
        const QByteArray id = "n" + QByteArray::number(i);
        nodes[i] = agnode(g, gv(id.constData()), 1);
    }
    for (int i = 0; i < pipeline.jobs.size(); ++i) {
        if (!nodes.at(i))
            continue;
        for (const Dependency &d : pipeline.jobs.at(i).dependencies) {
            const int up = first.value(d.job, -1);
            if (up >= 0 && up != i && nodes.at(up))
                agedge(g, nodes.at(up), nodes.at(i), nullptr, 1);
        }
    }

    if (gvLayout(gvc.get(), g, "dot") != 0) {
        qCWarning(lcLayout) << "Graphviz dot layout failed for" << pipeline.jobs.size() << "jobs";
        agclose(g);
        return result;
    }
    const double height = GD_bb(g).UR.y;
    for (int i = 0; i < pipeline.jobs.size(); ++i) {
        if (!nodes.at(i))
            continue;
        const pointf c = ND_coord(nodes.at(i));
        // Graphviz has y up and gives centres.
        result.insert(pipeline.jobs.at(i).name, QPointF(c.x - kJobBoxSize.width() / 2,
                                                        height - c.y - kJobBoxSize.height() / 2));
    }
    gvFreeLayout(gvc.get(), g);
    agclose(g);
    return result;
}

QHash<QString, QPointF> placeMissing(const Pipeline &pipeline,
                                     const QHash<QString, QPointF> &placed,
                                     const QStringList &missing, LayoutDirection direction)
{
    if (missing.isEmpty())
        return {};
    const bool leftToRight = direction == LayoutDirection::LeftToRight;
    if (placed.isEmpty()) {
        Pipeline subset = pipeline;
        const QSet<QString> wanted(missing.begin(), missing.end());
        subset.jobs.removeIf([&](const Job &j) { return !wanted.contains(j.name); });
        return layoutAll(subset, direction);
    }

    QHash<QString, QPointF> positions = placed;
    Occupancy occupancy;
    QRectF bounds;
    for (const QPointF &p : placed) {
        occupancy.add(p);
        bounds |= QRectF(p, kJobBoxSize);
    }
    // Along the ranks (x for left-to-right) and across them.
    const double rankStep = (leftToRight ? kJobBoxSize.width() : kJobBoxSize.height()) + kRankGap;
    const double crossStep = (leftToRight ? kJobBoxSize.height() : kJobBoxSize.width()) + kBoxGap;
    auto rankOf = [&](const QPointF &p) { return leftToRight ? p.x() : p.y(); };
    auto crossOf = [&](const QPointF &p) { return leftToRight ? p.y() : p.x(); };
    auto make = [&](double rank, double cross) {
        return leftToRight ? QPointF(rank, cross) : QPointF(cross, rank);
    };

    QHash<QString, QStringList> downstream;
    for (const Job &j : pipeline.jobs) {
        for (const Dependency &d : j.dependencies)
            downstream[d.job].append(j.name);
    }

    QHash<QString, QPointF> result;
    for (const QString &name : missing) {
        const Job *job = pipeline.job(name);
        if (!job)
            continue;
        std::optional<QPointF> start;
        double crossSum = 0;
        int count = 0;
        double rank = 0;
        for (const Dependency &d : job->dependencies) {
            const auto it = positions.constFind(d.job);
            if (it == positions.constEnd())
                continue;
            rank = count == 0 ? rankOf(*it) : std::max(rank, rankOf(*it));
            crossSum += crossOf(*it);
            ++count;
        }
        if (count > 0) {
            start = make(rank + rankStep, crossSum / count);
        } else {
            for (const QString &down : downstream.value(name)) {
                const auto it = positions.constFind(down);
                if (it == positions.constEnd())
                    continue;
                rank = count == 0 ? rankOf(*it) : std::min(rank, rankOf(*it));
                crossSum += crossOf(*it);
                ++count;
            }
            if (count > 0)
                start = make(rank - rankStep, crossSum / count);
        }
        if (!start) {
            start = leftToRight ? QPointF(bounds.left(), bounds.bottom() + kBoxGap)
                                : QPointF(bounds.right() + kBoxGap, bounds.top());
        }
        // Try the start, then alternately further along and back across the ranks.
        QPointF p = *start;
        for (int k = 1; !occupancy.isFree(p); ++k) {
            const double offset = crossStep * ((k + 1) / 2) * (k % 2 ? 1 : -1);
            p = make(rankOf(*start), crossOf(*start) + offset);
        }
        occupancy.add(p);
        bounds |= QRectF(p, kJobBoxSize);
        positions.insert(name, p);
        result.insert(name, p);
    }
    return result;
}

}  // namespace Orrery::Editor

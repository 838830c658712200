#include "editortestutils.h"

#include <config/pipelinefile.h>
#include <editor/graphlayout.h>

#include <QRandomGenerator>
#include <QRectF>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Editor;
using namespace EditorTest;
using namespace Qt::Literals::StringLiterals;

class tst_GraphLayout : public QObject
{
    Q_OBJECT

private slots:
    void seedPipelineFollowsTheDirection_data();
    void seedPipelineFollowsTheDirection();
    void largeGraphHasNoOverlaps();
    void placeMissingKeepsPlacedBoxes_data();
    void placeMissingKeepsPlacedBoxes();

private:
    static QString overlap(const QHash<QString, QPointF> &positions);
};

// The first pair of boxes closer than the gap, or "".
QString tst_GraphLayout::overlap(const QHash<QString, QPointF> &positions)
{
    const QList<QString> names = positions.keys();
    for (int i = 0; i < names.size(); ++i) {
        const QRectF a = QRectF(positions.value(names.at(i)), kJobBoxSize)
                                 .adjusted(-kBoxGap / 2 + 0.5, -kBoxGap / 2 + 0.5,
                                           kBoxGap / 2 - 0.5, kBoxGap / 2 - 0.5);
        for (int k = i + 1; k < names.size(); ++k) {
            const QRectF b(positions.value(names.at(k)), kJobBoxSize);
            if (a.intersects(b))
                return names.at(i) + u" / "_s + names.at(k);
        }
    }
    return {};
}

void tst_GraphLayout::seedPipelineFollowsTheDirection_data()
{
    QTest::addColumn<LayoutDirection>("direction");
    QTest::newRow("left-to-right") << LayoutDirection::LeftToRight;
    QTest::newRow("top-down") << LayoutDirection::TopToBottom;
}

void tst_GraphLayout::seedPipelineFollowsTheDirection()
{
    QFETCH(LayoutDirection, direction);
    const Result<Pipeline> seed = Config::loadPipeline(seedPipelinePath());
    QVERIFY2(seed, qPrintable(seed ? QString() : seed.error().toString()));
    const QHash<QString, QPointF> pos = layoutAll(*seed, direction);
    QCOMPARE(pos.size(), 3);
    QCOMPARE(overlap(pos), QString());
    auto rank = [&](const QString &name) {
        return direction == LayoutDirection::LeftToRight ? pos.value(name).x()
                                                         : pos.value(name).y();
    };
    QVERIFY(rank(u"data_extract"_s) + kJobBoxSize.width() / 2 < rank(u"data_transform"_s));
    QVERIFY(rank(u"data_transform"_s) < rank(u"data_load"_s));
}

void tst_GraphLayout::largeGraphHasNoOverlaps()
{
    // 300 jobs, each after one or two of the 20 jobs before it.
    Pipeline p;
    QRandomGenerator rng(42);
    for (int i = 0; i < 300; ++i) {
        Job j = job(u"job%1"_s.arg(i));
        for (int k = 0; i > 0 && k < 2; ++k) {
            const QString up = u"job%1"_s.arg(std::max(0, i - 1 - int(rng.bounded(20))));
            if (!j.dependencies.contains(after(up)))
                j.dependencies.append(after(up));
        }
        p.jobs.append(j);
    }
    const QHash<QString, QPointF> pos = layoutAll(p, LayoutDirection::LeftToRight);
    QCOMPARE(pos.size(), 300);
    QCOMPARE(overlap(pos), QString());
    for (const Job &j : p.jobs) {
        for (const Dependency &d : j.dependencies)
            QVERIFY2(pos.value(d.job).x() < pos.value(j.name).x(), qPrintable(j.name));
    }
}

void tst_GraphLayout::placeMissingKeepsPlacedBoxes_data()
{
    QTest::addColumn<LayoutDirection>("direction");
    QTest::newRow("left-to-right") << LayoutDirection::LeftToRight;
    QTest::newRow("top-down") << LayoutDirection::TopToBottom;
}

void tst_GraphLayout::placeMissingKeepsPlacedBoxes()
{
    QFETCH(LayoutDirection, direction);
    Pipeline p = chain();
    p.jobs.append(job(u"d"_s, {after(u"a"_s)}));  // after a placed job
    p.jobs.append(job(u"e"_s, {after(u"a"_s)}));  // competes with d for the same spot
    p.jobs.append(job(u"lonely"_s));              // no neighbours
    p.jobs.append(job(u"f"_s));
    p.jobs[0].dependencies = {after(u"f"_s)};  // a after f: f goes before a
    const QHash<QString, QPointF> placed{
            {u"a"_s, QPointF(0, 0)}, {u"b"_s, QPointF(300, 0)}, {u"c"_s, QPointF(600, 0)}};
    const QStringList missing{u"d"_s, u"e"_s, u"lonely"_s, u"f"_s};
    const QHash<QString, QPointF> added = placeMissing(p, placed, missing, direction);
    QCOMPARE(added.size(), 4);
    for (const QString &name : placed.keys())
        QVERIFY(!added.contains(name));
    QHash<QString, QPointF> all = placed;
    all.insert(added);
    QCOMPARE(overlap(all), QString());
    const bool lr = direction == LayoutDirection::LeftToRight;
    auto rank = [&](const QString &n) { return lr ? all.value(n).x() : all.value(n).y(); };
    QVERIFY(rank(u"d"_s) > rank(u"a"_s));
    QVERIFY(rank(u"e"_s) > rank(u"a"_s));
    QVERIFY(rank(u"f"_s) < rank(u"a"_s));
}

QTEST_GUILESS_MAIN(tst_GraphLayout)
#include "tst_graphlayout.moc"

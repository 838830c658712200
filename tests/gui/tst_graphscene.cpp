#include "editortestutils.h"

#include <config/pipelinefile.h>
#include <editor/editorcommands.h>
#include <editor/graphscene.h>
#include <editor/graphview.h>

#include <QImage>
#include <QMimeData>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Orrery;
using namespace Orrery::Editor;
using namespace EditorTest;
using namespace Qt::Literals::StringLiterals;

// The document, its scene and a shown view at zoom 1, with boxes at known places.
struct Fixture
{
    explicit Fixture(const Pipeline &p)
    {
        document.load(p);
        scene = std::make_unique<GraphScene>(&document);
        view = std::make_unique<GraphView>(scene.get());
        view->resize(1000, 700);
        view->show();
        QHash<JobId, Placement> places;
        for (int i = 0; i < document.jobCount(); ++i)
            places.insert(document.jobIds().at(i), Placement{QPointF(300.0 * i, 100), false});
        document.setPlacements(places);
        view->setSceneRect(-200, -200, 1600, 800);
        view->centerOn(500, 200);
    }
    QPoint at(const QPointF &scenePos) const { return view->mapFromScene(scenePos); }
    QPoint centreOf(const QString &name) const
    {
        const JobItem *item = scene->jobItem(document.idOf(name));
        return at(item->mapToScene(item->boundingRect().center() - QPointF(3, 3)));
    }
    JobItem *item(const QString &name) const { return scene->jobItem(document.idOf(name)); }

    PipelineDocument document;
    std::unique_ptr<GraphScene> scene;
    std::unique_ptr<GraphView> view;
};

class tst_GraphScene : public QObject
{
    Q_OBJECT

private slots:
    void itemsFollowTheDocument();
    void dragFromPortConnects();
    void cycleIsRefusedWhileDragging();
    void draggingABoxIsOneUndoableMove();
    void rubberBandSelectsAndDeleteRemoves();
    void copyPaste();
    void findSelectsTheJob();
    void arrowKeysMergeIntoOneMove();
    void runStateOverlay();
    void newJobsArePlacedWithoutOverlap();
};

void tst_GraphScene::itemsFollowTheDocument()
{
    const Result<Pipeline> seed = Config::loadPipeline(seedPipelinePath());
    QVERIFY(seed);
    Fixture f(*seed);
    QCOMPARE(f.scene->edgeItemCount(), 2);
    QVERIFY(f.item(u"data_load"_s));
    QCOMPARE(f.item(u"data_load"_s)->name(), u"data_load"_s);
    const JobId load = f.document.idOf(u"data_load"_s);
    const JobId extract = f.document.idOf(u"data_extract"_s);

    f.document.undoStack()->push(
            new ConnectJobsCommand(&f.document, Edge{extract, load, DependencyStatus::Finished}));
    QCOMPARE(f.scene->edgeItemCount(), 3);
    QCOMPARE(f.scene->edgeItem(extract, load)->label(), u"finished"_s);
    QCOMPARE(f.scene->edgeItem(f.document.idOf(u"data_transform"_s), load)->label(), QString());

    f.document.undoStack()->push(new RemoveJobsCommand(&f.document, {load}));
    QVERIFY(!f.scene->jobItem(load));
    QCOMPARE(f.scene->edgeItemCount(), 1);
    f.document.undoStack()->undo();
    QVERIFY(f.scene->jobItem(load));
    QCOMPARE(f.scene->edgeItemCount(), 3);
    QCOMPARE(f.scene->jobItem(load)->pos(), QPointF(600, 100));
}

void tst_GraphScene::dragFromPortConnects()
{
    Pipeline p;
    p.jobs = {job(u"a"_s), job(u"b"_s)};
    Fixture f(p);
    QWidget *vp = f.view->viewport();
    QTest::mousePress(vp, Qt::LeftButton, {}, f.at(f.item(u"a"_s)->outPort()));
    QTest::mouseMove(vp, f.centreOf(u"b"_s) - QPoint(20, 0));
    QTest::mouseMove(vp, f.centreOf(u"b"_s));
    QTest::mouseRelease(vp, Qt::LeftButton, {}, f.centreOf(u"b"_s));
    const JobId a = f.document.idOf(u"a"_s), b = f.document.idOf(u"b"_s);
    QCOMPARE(f.document.edge(a, b), std::optional(Edge{a, b, DependencyStatus::Success}));
    QVERIFY(f.scene->edgeItem(a, b));
    // The boxes did not move: the drag drew an arrow.
    QCOMPARE(f.item(u"a"_s)->pos(), QPointF(0, 100));
    QCOMPARE(f.document.undoStack()->count(), 1);

    // Shift on release: after failure.
    f.document.undoStack()->undo();
    QTest::mousePress(vp, Qt::LeftButton, {}, f.at(f.item(u"a"_s)->outPort()));
    QTest::mouseMove(vp, f.centreOf(u"b"_s));
    QTest::mouseRelease(vp, Qt::LeftButton, Qt::ShiftModifier, f.centreOf(u"b"_s));
    QCOMPARE(f.document.edge(a, b)->status, DependencyStatus::Failed);
    QCOMPARE(f.scene->edgeItem(a, b)->label(), u"failed"_s);
}

void tst_GraphScene::cycleIsRefusedWhileDragging()
{
    Fixture f(line());
    QSignalSpy status(f.scene.get(), &GraphScene::statusMessage);
    QWidget *vp = f.view->viewport();
    QTest::mousePress(vp, Qt::LeftButton, {}, f.at(f.item(u"c"_s)->outPort()));
    QTest::mouseMove(vp, f.centreOf(u"a"_s) + QPoint(10, 0));
    QTest::mouseMove(vp, f.centreOf(u"a"_s));
    QCOMPARE(f.item(u"a"_s)->highlight(), Highlight::Refused);
    QCOMPARE(f.item(u"b"_s)->highlight(), Highlight::Cycle);
    const JobId a = f.document.idOf(u"a"_s), b = f.document.idOf(u"b"_s);
    QCOMPARE(f.scene->edgeItem(a, b)->highlight(), Highlight::Cycle);
    QVERIFY(!status.isEmpty());
    const QString message = status.last().at(0).toString();
    QVERIFY2(message.contains(u"a -> b -> c -> a"_s), qPrintable(message));

    QTest::mouseRelease(vp, Qt::LeftButton, {}, f.centreOf(u"a"_s));
    QCOMPARE(f.document.pipeline(), line());
    QCOMPARE(f.document.undoStack()->count(), 0);
    QCOMPARE(f.item(u"a"_s)->highlight(), Highlight::None);
    QCOMPARE(f.item(u"b"_s)->highlight(), Highlight::None);
}

void tst_GraphScene::draggingABoxIsOneUndoableMove()
{
    Fixture f(chain());
    QWidget *vp = f.view->viewport();
    const QPoint start = f.centreOf(u"b"_s);
    QTest::mousePress(vp, Qt::LeftButton, {}, start);
    for (int i = 1; i <= 5; ++i)
        QTest::mouseMove(vp, start + QPoint(10 * i, 8 * i));
    QTest::mouseRelease(vp, Qt::LeftButton, {}, start + QPoint(50, 40));
    const JobId b = f.document.idOf(u"b"_s);
    QCOMPARE(f.document.undoStack()->count(), 1);
    QCOMPARE(f.document.placement(b), std::optional(Placement{QPointF(350, 140), true}));
    QCOMPARE(f.item(u"b"_s)->pos(), QPointF(350, 140));
    f.document.undoStack()->undo();
    QCOMPARE(f.item(u"b"_s)->pos(), QPointF(300, 100));
    QCOMPARE(f.document.placement(b), std::optional(Placement{QPointF(300, 100), false}));
}

void tst_GraphScene::rubberBandSelectsAndDeleteRemoves()
{
    Fixture f(chain());
    QWidget *vp = f.view->viewport();
    // From empty space above-left of a to the middle of b.
    const QPoint from = f.at(QPointF(-60, 40));
    const QPoint to = f.centreOf(u"b"_s);
    QTest::mousePress(vp, Qt::LeftButton, {}, from);
    QTest::mouseMove(vp, from + QPoint(30, 30));
    QTest::mouseMove(vp, to);
    QTest::mouseRelease(vp, Qt::LeftButton, {}, to);
    const JobId a = f.document.idOf(u"a"_s), b = f.document.idOf(u"b"_s);
    QCOMPARE(f.scene->selectedJobIds(), (QList<JobId>{a, b}));

    f.scene->deleteSelection();
    QCOMPARE(f.document.jobCount(), 1);
    QCOMPARE(f.document.pipeline().jobs.first().dependencies, QList<Dependency>{});
    f.document.undoStack()->undo();
    QCOMPARE(f.document.pipeline(), chain());
    QCOMPARE(f.scene->edgeItemCount(), 3);
}

void tst_GraphScene::copyPaste()
{
    Fixture f(chain());
    const JobId a = f.document.idOf(u"a"_s), b = f.document.idOf(u"b"_s);
    f.scene->selectJobs({a, b});
    std::unique_ptr<QMimeData> data(f.scene->copySelection());
    QVERIFY(data);
    // A YAML fragment anyone can read: the two jobs and the edge between them only.
    const Result<Pipeline> fragment = Config::parsePipeline(data->text().toUtf8(), u"x"_s);
    QVERIFY(fragment);
    QCOMPARE(fragment->jobs.size(), 2);

    QVERIFY(f.scene->paste(data.get()));
    QCOMPARE(f.document.jobCount(), 5);
    const JobId a2 = f.document.idOf(u"a_2"_s), b2 = f.document.idOf(u"b_2"_s);
    QVERIFY(a2.isValid() && b2.isValid());
    QVERIFY(f.document.edge(a2, b2));
    QCOMPARE(f.scene->selectedJobIds(), (QList<JobId>{a2, b2}));
    QCOMPARE(f.document.placement(a2)->pos, QPointF(40, 140));
    // Pasting again lands further on.
    QVERIFY(f.scene->paste(data.get()));
    QCOMPARE(f.document.placement(f.document.idOf(u"a_3"_s))->pos, QPointF(80, 180));
    f.document.undoStack()->undo();
    f.document.undoStack()->undo();
    QCOMPARE(f.document.pipeline(), chain());

    QMimeData garbage;
    garbage.setText(u"pipeline: [ {name: x, dependencies: [{task: nowhere}]} ]"_s);
    const Result<void> refused = f.scene->paste(&garbage);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::UnknownDependency);
    QCOMPARE(f.document.undoStack()->count(), 2);
}

void tst_GraphScene::findSelectsTheJob()
{
    Fixture f(chain());
    QCOMPARE(f.scene->findJob(u"B"_s), f.document.idOf(u"b"_s));
    QCOMPARE(f.scene->currentJob(), f.document.idOf(u"b"_s));
    QCOMPARE(f.item(u"b"_s)->highlight(), Highlight::Found);
    f.view->centerOnJob(f.document.idOf(u"b"_s));
    QVERIFY(f.view->viewport()->rect().contains(f.centreOf(u"b"_s)));
    QVERIFY(!f.scene->findJob(u"nope"_s).isValid());
    QCOMPARE(f.item(u"b"_s)->highlight(), Highlight::None);
}

void tst_GraphScene::arrowKeysMergeIntoOneMove()
{
    Fixture f(chain());
    f.scene->selectJobs({f.document.idOf(u"a"_s)});
    f.view->setFocus();
    QTest::keyClick(f.view->viewport(), Qt::Key_Right);
    QTest::keyClick(f.view->viewport(), Qt::Key_Right);
    QTest::keyClick(f.view->viewport(), Qt::Key_Down);
    QCOMPARE(f.document.undoStack()->count(), 1);
    QCOMPARE(f.item(u"a"_s)->pos(), QPointF(20, 110));
    f.document.undoStack()->undo();
    QCOMPARE(f.item(u"a"_s)->pos(), QPointF(0, 100));
}

void tst_GraphScene::runStateOverlay()
{
    Fixture f(chain());
    f.scene->setRunState(u"b"_s, RunState::Failed, 65'000);
    QCOMPARE(f.item(u"b"_s)->runState(), std::optional(RunState::Failed));
    QCOMPARE(f.item(u"b"_s)->durationText(), u"1m 05s"_s);
    QVERIFY(!f.item(u"a"_s)->runState());

    // The stripe at the box's left edge shows the state's colour.
    QImage image(200, 60, QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        f.scene->render(&painter, QRectF(0, 0, 200, 60), QRectF(300, 100, 200, 60));
    }
    QCOMPARE(QColor(image.pixel(3, 30)), runStateColor(RunState::Failed));

    f.scene->clearRunStates();
    QVERIFY(!f.item(u"b"_s)->runState());
    QCOMPARE(f.item(u"b"_s)->durationText(), QString());
}

void tst_GraphScene::newJobsArePlacedWithoutOverlap()
{
    Fixture f(chain());
    const JobId a = f.document.idOf(u"a"_s);
    f.document.undoStack()->push(
            new AddJobCommand(&f.document, job(u"d"_s, {after(u"a"_s)}), std::nullopt));
    const JobId d = f.document.idOf(u"d"_s);
    QVERIFY(!f.scene->jobItem(d)->isVisible());
    QTRY_VERIFY(f.document.placement(d).has_value());
    QVERIFY(f.scene->jobItem(d)->isVisible());
    QVERIFY(!f.document.placement(d)->manual);
    const QRectF box(f.document.placement(d)->pos, kJobBoxSize);
    for (JobId other : f.document.jobIds()) {
        if (other != d)
            QVERIFY(!box.intersects(QRectF(f.document.placement(other)->pos, kJobBoxSize)));
    }
    QVERIFY(f.document.placement(d)->pos.x() > f.document.placement(a)->pos.x());
}

QTEST_MAIN(tst_GraphScene)
#include "tst_graphscene.moc"

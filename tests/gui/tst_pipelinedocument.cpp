#include "editortestutils.h"

#include <editor/editorcommands.h>
#include <editor/pipelinedocument.h>

#include <QSignalSpy>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Editor;
using namespace EditorTest;
using namespace Qt::Literals::StringLiterals;

class tst_PipelineDocument : public QObject
{
    Q_OBJECT

private slots:
    void buildByCommandsUndoRedo();
    void removeJobsRestoresEverything();
    void movesMergeOnlyWithinAGesture();
    void connectRefusesCycleWithPath();
    void disconnectAndStatusUndo();
    void renameFollowsIntoDependencies();
    void replaceKeepsIdsAndPlacementsByName();
    void pasteRenamesAndKeepsInternalEdges();
    void dirtyFollowsTheUndoStack();
    void relayoutKeepsManualBoxesUnlessAll();
};

void tst_PipelineDocument::buildByCommandsUndoRedo()
{
    PipelineDocument doc;
    const Pipeline empty = doc.pipeline();
    QUndoStack *stack = doc.undoStack();
    auto *addA = new AddJobCommand(&doc, job(u"a"_s), QPointF(0, 0));
    stack->push(addA);
    auto *addB = new AddJobCommand(&doc, job(u"b"_s), QPointF(300, 0));
    stack->push(addB);
    auto *addC = new AddJobCommand(&doc, job(u"c"_s), std::nullopt);
    stack->push(addC);
    stack->push(new ConnectJobsCommand(&doc, Edge{addA->jobId(), addB->jobId()}));
    stack->push(new ConnectJobsCommand(&doc, Edge{addB->jobId(), addC->jobId()}));
    stack->push(new ConnectJobsCommand(
            &doc, Edge{addA->jobId(), addC->jobId(), DependencyStatus::Failed}));

    Pipeline expected = chain();
    expected.name.clear();
    QCOMPARE(doc.pipeline(), expected);
    QCOMPARE(doc.edges().size(), 3);
    QCOMPARE(doc.placement(addB->jobId()), std::optional(Placement{QPointF(300, 0), true}));
    QVERIFY(!doc.placement(addC->jobId()));
    const Pipeline built = doc.pipeline();

    while (stack->canUndo())
        stack->undo();
    QCOMPARE(doc.pipeline(), empty);
    QCOMPARE(doc.jobCount(), 0);
    QVERIFY(doc.placements().isEmpty());

    while (stack->canRedo())
        stack->redo();
    QCOMPARE(doc.pipeline(), built);
    // Redo gives the jobs back their ids.
    QCOMPARE(doc.nameOf(addA->jobId()), u"a"_s);
    QCOMPARE(doc.placement(addA->jobId()), std::optional(Placement{QPointF(0, 0), true}));
}

void tst_PipelineDocument::removeJobsRestoresEverything()
{
    PipelineDocument doc;
    Pipeline p = chain();
    p.jobs.append(job(u"d"_s, {after(u"a"_s, DependencyStatus::Finished), after(u"b"_s)}));
    doc.load(p);
    const JobId a = doc.idOf(u"a"_s), b = doc.idOf(u"b"_s);
    doc.setPlacement(b, Placement{QPointF(10, 20), true});
    QSignalSpy removed(&doc, &PipelineDocument::edgeRemoved);

    doc.undoStack()->push(new RemoveJobsCommand(&doc, {b}));
    QCOMPARE(doc.jobCount(), 3);
    QVERIFY(!doc.contains(b));
    // b's own edge (a -> b) and the edges out of it (b -> c, b -> d) are gone.
    QCOMPARE(removed.size(), 3);
    QCOMPARE(doc.pipeline().job(u"c"_s)->dependencies,
             QList<Dependency>{after(u"a"_s, DependencyStatus::Failed)});
    QCOMPARE(doc.pipeline().job(u"d"_s)->dependencies,
             QList<Dependency>{after(u"a"_s, DependencyStatus::Finished)});

    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), p);
    QCOMPARE(doc.idOf(u"b"_s), b);
    QCOMPARE(doc.placement(b), std::optional(Placement{QPointF(10, 20), true}));
    QCOMPARE(doc.edges().size(), 5);

    // Two jobs at once, with the edge between them.
    doc.undoStack()->push(new RemoveJobsCommand(&doc, {a, b}));
    QCOMPARE(doc.pipeline().jobs.size(), 2);
    QVERIFY(doc.edges().isEmpty());
    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), p);
    QCOMPARE(doc.jobIds().first(), a);
}

void tst_PipelineDocument::movesMergeOnlyWithinAGesture()
{
    PipelineDocument doc;
    doc.load(chain());
    const JobId a = doc.idOf(u"a"_s);
    QUndoStack *stack = doc.undoStack();
    stack->push(new MoveJobsCommand(&doc, {{a, QPointF(10, 0)}}, 7));
    stack->push(new MoveJobsCommand(&doc, {{a, QPointF(20, 0)}}, 7));
    QCOMPARE(stack->count(), 1);
    QCOMPARE(doc.placement(a)->pos, QPointF(20, 0));
    // Another gesture, and gesture 0 (mouse drags) never merge.
    stack->push(new MoveJobsCommand(&doc, {{a, QPointF(30, 0)}}, 8));
    stack->push(new MoveJobsCommand(&doc, {{a, QPointF(40, 0)}}));
    stack->push(new MoveJobsCommand(&doc, {{a, QPointF(50, 0)}}));
    QCOMPARE(stack->count(), 4);
    stack->undo();
    QCOMPARE(doc.placement(a)->pos, QPointF(40, 0));
    stack->undo();
    stack->undo();
    QCOMPARE(doc.placement(a)->pos, QPointF(20, 0));
    stack->undo();
    QVERIFY(!doc.placement(a));  // was never placed before the first move
}

void tst_PipelineDocument::connectRefusesCycleWithPath()
{
    PipelineDocument doc;
    doc.load(line());
    const JobId a = doc.idOf(u"a"_s), c = doc.idOf(u"c"_s);
    const Result<void> r = doc.canConnect(c, a);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Cycle);
    QVERIFY2(r.error().message.contains(u"a -> b -> c -> a"_s), qPrintable(r.error().message));
    QCOMPARE(doc.cycleIfConnected(c, a), (QStringList{u"a"_s, u"b"_s, u"c"_s, u"a"_s}));
    QVERIFY(doc.cycleIfConnected(a, c).isEmpty());
    QVERIFY(doc.canConnect(a, c));
    QCOMPARE(doc.canConnect(a, doc.idOf(u"b"_s)).error().code, ErrorCode::DuplicateName);
    QCOMPARE(doc.canConnect(a, a).error().code, ErrorCode::SelfDependency);
}

void tst_PipelineDocument::disconnectAndStatusUndo()
{
    PipelineDocument doc;
    const Pipeline p = chain();
    doc.load(p);
    const JobId a = doc.idOf(u"a"_s), b = doc.idOf(u"b"_s), c = doc.idOf(u"c"_s);
    doc.undoStack()->push(new DisconnectJobsCommand(&doc, b, c));
    QCOMPARE(doc.pipeline().job(u"c"_s)->dependencies,
             QList<Dependency>{after(u"a"_s, DependencyStatus::Failed)});
    doc.undoStack()->push(new SetEdgeStatusCommand(&doc, a, b, DependencyStatus::Finished));
    QCOMPARE(doc.edge(a, b)->status, DependencyStatus::Finished);
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    // The dependency is back at its place in c's list.
    QCOMPARE(doc.pipeline(), p);
}

void tst_PipelineDocument::renameFollowsIntoDependencies()
{
    PipelineDocument doc;
    const Pipeline p = chain();
    doc.load(p);
    const JobId a = doc.idOf(u"a"_s);
    Job renamed = *doc.job(a);
    renamed.name = u"extract"_s;
    renamed.timeoutSecs = 60;
    QSignalSpy changed(&doc, &PipelineDocument::jobChanged);
    doc.undoStack()->push(new ChangeJobCommand(&doc, a, renamed));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(doc.idOf(u"extract"_s), a);
    QCOMPARE(doc.pipeline().job(u"b"_s)->dependencies, QList<Dependency>{after(u"extract"_s)});
    QCOMPARE(doc.edges().size(), 3);
    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), p);
}

void tst_PipelineDocument::replaceKeepsIdsAndPlacementsByName()
{
    PipelineDocument doc;
    doc.load(chain());
    const JobId a = doc.idOf(u"a"_s), b = doc.idOf(u"b"_s);
    doc.setPlacement(a, Placement{QPointF(1, 2), true});
    doc.setPlacement(b, Placement{QPointF(3, 4), false});
    Pipeline edited = chain();
    edited.jobs.removeAt(1);  // b
    edited.jobs[1].dependencies = {after(u"a"_s)};
    edited.jobs.append(job(u"e"_s, {after(u"c"_s)}));
    doc.undoStack()->push(new ReplacePipelineCommand(&doc, edited));
    QCOMPARE(doc.pipeline(), edited);
    QCOMPARE(doc.idOf(u"a"_s), a);
    QCOMPARE(doc.placement(a), std::optional(Placement{QPointF(1, 2), true}));
    QVERIFY(!doc.contains(b));
    QVERIFY(!doc.placement(doc.idOf(u"e"_s)));
    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), chain());
    QCOMPARE(doc.idOf(u"b"_s), b);
    QCOMPARE(doc.placement(b), std::optional(Placement{QPointF(3, 4), false}));
}

void tst_PipelineDocument::pasteRenamesAndKeepsInternalEdges()
{
    PipelineDocument doc;
    doc.load(chain());
    const QList<Job> fragment{job(u"b"_s), job(u"x"_s, {after(u"b"_s), after(u"a"_s)})};
    auto *paste = new PasteJobsCommand(&doc, fragment, {{u"b"_s, QPointF(5, 5)}});
    doc.undoStack()->push(paste);
    QCOMPARE(doc.jobCount(), 5);
    QCOMPARE(doc.nameOf(paste->pastedIds().at(0)), u"b_2"_s);
    // x follows the pasted b_2; its edge to the existing a is kept.
    QCOMPARE(doc.pipeline().job(u"x"_s)->dependencies,
             (QList<Dependency>{after(u"b_2"_s), after(u"a"_s)}));
    QCOMPARE(doc.placement(paste->pastedIds().at(0)),
             std::optional(Placement{QPointF(5, 5), true}));
    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), chain());
    doc.undoStack()->redo();
    QCOMPARE(doc.idOf(u"b_2"_s), paste->pastedIds().at(0));
}

void tst_PipelineDocument::dirtyFollowsTheUndoStack()
{
    PipelineDocument doc;
    doc.load(chain(), u"/tmp/chain.yaml"_s);
    QVERIFY(!doc.isDirty());
    QCOMPARE(doc.fileName(), u"/tmp/chain.yaml"_s);
    doc.undoStack()->push(new AddJobCommand(&doc, job(u"d"_s), std::nullopt));
    QVERIFY(doc.isDirty());
    doc.undoStack()->undo();
    QVERIFY(!doc.isDirty());
    QCOMPARE(doc.uniqueJobName(u"a"_s), u"a_2"_s);
    QCOMPARE(doc.uniqueJobName(u"z"_s), u"z"_s);
}

void tst_PipelineDocument::relayoutKeepsManualBoxesUnlessAll()
{
    PipelineDocument doc;
    doc.load(chain());
    const JobId a = doc.idOf(u"a"_s), b = doc.idOf(u"b"_s);
    doc.setPlacement(a, Placement{QPointF(-500, -500), true});
    doc.setPlacement(b, Placement{QPointF(0, 0), false});
    doc.undoStack()->push(new RelayoutCommand(&doc, LayoutDirection::TopToBottom, false));
    QCOMPARE(doc.placement(a), std::optional(Placement{QPointF(-500, -500), true}));
    QVERIFY(doc.placement(b));
    QVERIFY(!doc.placement(b)->manual);
    QVERIFY(doc.placement(doc.idOf(u"c"_s)));

    doc.undoStack()->push(new RelayoutCommand(&doc, LayoutDirection::LeftToRight, true));
    QVERIFY(!doc.placement(a)->manual);
    QVERIFY(doc.placement(a)->pos != QPointF(-500, -500));
    // Left to right: each job right of its upstream.
    QVERIFY(doc.placement(a)->pos.x() < doc.placement(b)->pos.x());
    doc.undoStack()->undo();
    QCOMPARE(doc.placement(a), std::optional(Placement{QPointF(-500, -500), true}));
    doc.undoStack()->undo();
    QCOMPARE(doc.placement(b), std::optional(Placement{QPointF(0, 0), false}));
    QVERIFY(!doc.placement(doc.idOf(u"c"_s)));
}

QTEST_GUILESS_MAIN(tst_PipelineDocument)
#include "tst_pipelinedocument.moc"

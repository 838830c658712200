#include "editortestutils.h"

#include <config/pipelinefile.h>
#include <editor/editorcommands.h>
#include <editor/graphscene.h>
#include <editor/yamlview.h>

#include <QDir>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Editor;
using namespace EditorTest;
using namespace Qt::Literals::StringLiterals;

class tst_YamlView : public QObject
{
    Q_OBJECT

private slots:
    void seedRoundTripsThroughEdits();
    void documentChangesRewriteTheText();
    void editingTheTextReplacesTheDocument();
    void errorIsShownAtLineAndColumn();
    void jobNameAtLine_data();
    void jobNameAtLine();
};

void tst_YamlView::seedRoundTripsThroughEdits()
{
    const Result<Pipeline> seed = Config::loadPipeline(seedPipelinePath());
    QVERIFY(seed);
    PipelineDocument doc;
    doc.load(*seed, seedPipelinePath());
    YamlView view(&doc);
    QCOMPARE(Config::parsePipeline(view.text().toUtf8(), u"pipeline.yaml"_s).value(), *seed);

    // Edit: a field, a new job with an edge, a changed edge status.
    const JobId load = doc.idOf(u"data_load"_s);
    Job changed = *doc.job(load);
    changed.command = u"/opt/etl/load --all"_s;
    changed.retry.count = 2;
    doc.undoStack()->push(new ChangeJobCommand(&doc, load, changed));
    auto *add = new AddJobCommand(&doc, job(u"report"_s), QPointF(0, 0));
    doc.undoStack()->push(add);
    doc.undoStack()->push(
            new ConnectJobsCommand(&doc, Edge{load, add->jobId(), DependencyStatus::Finished}));
    doc.undoStack()->push(new SetEdgeStatusCommand(&doc, doc.idOf(u"data_transform"_s), load,
                                                   DependencyStatus::Failed));
    QTRY_VERIFY(view.text().contains(u"report"_s));

    const Result<Pipeline> reread = Config::parsePipeline(view.text().toUtf8(), u"p.yaml"_s);
    QVERIFY2(reread, qPrintable(reread ? QString() : reread.error().toString()));
    QCOMPARE(*reread, doc.pipeline());
    QCOMPARE(reread->job(u"report"_s)->dependencies,
             QList<Dependency>{after(u"data_load"_s, DependencyStatus::Finished)});

    // And through a file: save -> load gives the same pipeline.
    const QString path = QDir::temp().filePath(u"tst_yamlview_roundtrip.yaml"_s);
    QVERIFY(Config::savePipeline(doc.pipeline(), path));
    QCOMPARE(Config::loadPipeline(path).value(), doc.pipeline());
    QFile::remove(path);
}

void tst_YamlView::documentChangesRewriteTheText()
{
    PipelineDocument doc;
    doc.load(chain());
    YamlView view(&doc);
    QVERIFY(!view.text().contains(u"zeta"_s));
    doc.undoStack()->push(new AddJobCommand(&doc, job(u"zeta"_s), std::nullopt));
    QTRY_VERIFY(view.text().contains(u"- name: zeta"_s));
    doc.undoStack()->undo();
    QTRY_VERIFY(!view.text().contains(u"zeta"_s));
}

void tst_YamlView::editingTheTextReplacesTheDocument()
{
    PipelineDocument doc;
    doc.load(chain());
    const JobId a = doc.idOf(u"a"_s);
    doc.setPlacement(a, Placement{QPointF(7, 8), true});
    YamlView view(&doc);
    view.setParseDelay(10);
    QString text = view.text();
    text += u"  - name: added\n    command: echo added\n    dependencies:\n"
            "      - task: c\n        status: finished\n"_s;
    view.editor()->setPlainText(text);
    QTRY_COMPARE(doc.jobCount(), 4);
    QCOMPARE(doc.undoStack()->count(), 1);
    QCOMPARE(doc.pipeline().job(u"added"_s)->dependencies,
             QList<Dependency>{after(u"c"_s, DependencyStatus::Finished)});
    // Jobs keep their ids and positions by name; the text the user typed stays as typed.
    QCOMPARE(doc.idOf(u"a"_s), a);
    QCOMPARE(doc.placement(a), std::optional(Placement{QPointF(7, 8), true}));
    QCOMPARE(view.text(), text);
    QVERIFY(!view.currentError());

    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), chain());
    QTRY_VERIFY(!view.text().contains(u"added"_s));
}

void tst_YamlView::errorIsShownAtLineAndColumn()
{
    PipelineDocument doc;
    doc.load(chain());
    GraphScene scene(&doc);
    YamlView view(&doc);
    connect(&view, &YamlView::jobInError, &scene, &GraphScene::setErrorJob);
    QSignalSpy inError(&view, &YamlView::jobInError);
    const Pipeline before = doc.pipeline();

    QStringList lines = view.text().split(u'\n');
    const int bLine = int(lines.indexOf(u"  - name: b"_s));
    QVERIFY(bLine >= 0);
    lines.insert(bLine + 1, u"    retires: 3"_s);
    view.editor()->setPlainText(lines.join(u'\n'));
    view.parseNow();

    QVERIFY(view.currentError());
    QCOMPARE(view.currentError()->code, ErrorCode::UnknownKey);
    QCOMPARE(view.currentError()->line, bLine + 2);
    QCOMPARE(view.currentError()->column, 5);
    QVERIFY(view.errorText().startsWith(u"pipeline.yaml:%1:5: "_s.arg(bLine + 2)));
    QCOMPARE(doc.pipeline(), before);
    QCOMPARE(doc.undoStack()->count(), 0);
    QCOMPARE(view.editor()->extraSelections().size(), 2);
    QCOMPARE(view.editor()->extraSelections().at(1).cursor.selectedText(), u"retires"_s);
    QCOMPARE(inError.last().at(0).value<JobId>(), doc.idOf(u"b"_s));
    QCOMPARE(scene.jobItem(doc.idOf(u"b"_s))->highlight(), Highlight::Error);

    // Fixing the text clears the mark and applies the edit.
    lines[bLine + 1] = u"    retries: 3"_s;
    view.editor()->setPlainText(lines.join(u'\n'));
    view.parseNow();
    QVERIFY(!view.currentError());
    QCOMPARE(doc.pipeline().job(u"b"_s)->retry.count, 3);
    QCOMPARE(scene.jobItem(doc.idOf(u"b"_s))->highlight(), Highlight::None);
}

void tst_YamlView::jobNameAtLine_data()
{
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("name");
    QTest::newRow("top-level key") << 1 << QString();
    QTest::newRow("the name line") << 3 << u"extract"_s;
    QTest::newRow("inside the job") << 5 << u"extract"_s;
    QTest::newRow("quoted name") << 7 << u"load it"_s;
    QTest::newRow("after the list") << 8 << QString();
}

void tst_YamlView::jobNameAtLine()
{
    QFETCH(int, line);
    QFETCH(QString, name);
    const QString text
            = u"name: p\npipeline:\n  - name: extract\n    dependencies:\n"
              "      - task: x\n  - name: \"load it\"\n    command: y\n"
              "schedule: \"* * * * *\"\n"_s;
    QCOMPARE(YamlView::jobNameAtLine(text, line), name);
}

QTEST_MAIN(tst_YamlView)
#include "tst_yamlview.moc"

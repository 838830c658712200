#include "editortestutils.h"

#include <editor/editorcommands.h>
#include <editor/inspectorfields.h>
#include <editor/jobinspector.h>

#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>
#include <QTimeZone>

using namespace Orrery;
using namespace Orrery::Editor;
using namespace EditorTest;
using namespace Qt::Literals::StringLiterals;

class tst_JobInspector : public QObject
{
    Q_OBJECT

private slots:
    void labelsFromText_data();
    void labelsFromText();
    void locksRoundTrip();
    void schedulePreview();
    void editsBecomeUndoCommands();
    void refusesADuplicateName();
    void timeDependenciesAndCondition();
    void checkCommand();
};

void tst_JobInspector::labelsFromText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("count");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("column");
    QTest::newRow("two") << u"zone=cn-east, role=etl"_s << 2 << ErrorCode::None << 0;
    QTest::newRow("empty") << u"  "_s << 0 << ErrorCode::None << 0;
    QTest::newRow("no equals") << u"zone=a,  role"_s << 0 << ErrorCode::InvalidValue << 10;
    QTest::newRow("twice") << u"a=1,a=2"_s << 0 << ErrorCode::DuplicateName << 5;
}

void tst_JobInspector::labelsFromText()
{
    QFETCH(QString, text);
    QFETCH(int, count);
    QFETCH(ErrorCode, code);
    QFETCH(int, column);
    const auto labels = Editor::labelsFromText(text);
    if (code == ErrorCode::None) {
        QVERIFY(labels);
        QCOMPARE(labels->size(), count);
        QCOMPARE(Editor::labelsFromText(labelsToText(*labels)).value(), *labels);
    } else {
        QVERIFY(!labels);
        QCOMPARE(labels.error().code, code);
        QCOMPARE(labels.error().column, column);
    }
}

void tst_JobInspector::locksRoundTrip()
{
    const auto locks = locksFromText(u"database_lock:primary_db, api_quota : partner"_s);
    QVERIFY(locks);
    QCOMPARE(*locks, (QList<ResourceLock>{{u"database_lock"_s, u"primary_db"_s, {}},
                                          {u"api_quota"_s, u"partner"_s, {}}}));
    QCOMPARE(locksToText(*locks), u"database_lock:primary_db, api_quota:partner"_s);
    QCOMPARE(locksFromText(u"database_lock"_s).error().code, ErrorCode::InvalidValue);
}

void tst_JobInspector::schedulePreview()
{
    const QDateTime from(QDate(2026, 3, 2), QTime(1, 0), QTimeZone("Asia/Shanghai"));
    const auto preview = previewSchedule(u"0 2 * * *"_s, u"Asia/Shanghai"_s, from, 5, false);
    QVERIFY(preview);
    QCOMPARE(preview->nextFires.size(), 5);
    QCOMPARE(preview->nextFires.first(),
             QDateTime(QDate(2026, 3, 2), QTime(2, 0), QTimeZone("Asia/Shanghai")));
    QCOMPARE(preview->nextFires.last(),
             QDateTime(QDate(2026, 3, 6), QTime(2, 0), QTimeZone("Asia/Shanghai")));
    QVERIFY(!preview->explanation.isEmpty());
    const auto bad = previewSchedule(u"0 25 * * *"_s, QString(), from, 5, false);
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::BadCron);

    PipelineDocument doc;
    Pipeline p = chain();
    p.jobs[0].schedule = u"0 2 * * *"_s;
    p.jobs[0].timeZone = u"Asia/Shanghai"_s;
    doc.load(p);
    JobInspector inspector(&doc);
    inspector.setClock([from] { return from; });
    inspector.setJob(doc.idOf(u"a"_s));
    QVERIFY2(inspector.schedulePreviewText().contains(u"2026-03-06"_s),
             qPrintable(inspector.schedulePreviewText()));
    QVERIFY(!inspector.schedulePreviewText().contains(u"2026-03-07"_s));
}

void tst_JobInspector::editsBecomeUndoCommands()
{
    PipelineDocument doc;
    doc.load(chain());
    JobInspector inspector(&doc);
    inspector.setJob(doc.idOf(u"b"_s));
    auto *labels = qobject_cast<QLineEdit *>(inspector.field(u"labels"_s));
    QVERIFY(labels);
    labels->setText(u"zone=cn-east"_s);
    emit labels->editingFinished();
    QCOMPARE(doc.pipeline().job(u"b"_s)->labels,
             (QMap<QString, QString>{{u"zone"_s, u"cn-east"_s}}));
    auto *priority = qobject_cast<QComboBox *>(inspector.field(u"priority"_s));
    priority->setCurrentIndex(0);
    emit priority->activated(0);
    QCOMPARE(doc.pipeline().job(u"b"_s)->priority, Priority::P0);
    auto *name = qobject_cast<QLineEdit *>(inspector.field(u"name"_s));
    name->setText(u"transform"_s);
    emit name->editingFinished();
    QCOMPARE(doc.pipeline().job(u"c"_s)->dependencies.first().job, u"transform"_s);
    QCOMPARE(doc.undoStack()->count(), 3);

    // Undo refreshes the fields.
    doc.undoStack()->undo();
    QCOMPARE(name->text(), u"b"_s);
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), chain());
    QCOMPARE(labels->text(), QString());

    // A bad field is refused with a message and changes nothing.
    labels->setText(u"zone"_s);
    emit labels->editingFinished();
    QVERIFY(!inspector.errorText().isEmpty());
    QCOMPARE(doc.undoStack()->count(), 3);
    QCOMPARE(doc.undoStack()->index(), 0);
}

void tst_JobInspector::refusesADuplicateName()
{
    PipelineDocument doc;
    doc.load(chain());
    JobInspector inspector(&doc);
    inspector.setJob(doc.idOf(u"b"_s));
    auto *name = qobject_cast<QLineEdit *>(inspector.field(u"name"_s));
    name->setText(u"a"_s);
    emit name->editingFinished();
    QCOMPARE(doc.pipeline(), chain());
    QCOMPARE(name->text(), u"b"_s);
    QVERIFY(!inspector.errorText().isEmpty());
}

void tst_JobInspector::timeDependenciesAndCondition()
{
    PipelineDocument doc;
    doc.load(chain());
    JobInspector inspector(&doc);
    inspector.setJob(doc.idOf(u"c"_s));
    auto *window = qobject_cast<QLineEdit *>(inspector.field(u"window"_s));
    auto *notBefore = qobject_cast<QLineEdit *>(inspector.field(u"not_before"_s));
    QVERIFY(window && notBefore);
    window->setText(u"between 22:00 and 02:00"_s);
    emit window->editingFinished();
    QCOMPARE(doc.pipeline().job(u"c"_s)->window, std::optional(DailyWindow{22 * 60, 2 * 60}));
    QCOMPARE(window->text(), u"22:00-02:00"_s);  // refreshed from the document
    notBefore->setText(u"8:30"_s);
    emit notBefore->editingFinished();
    QCOMPARE(doc.pipeline().job(u"c"_s)->notBeforeMinute, std::optional(8 * 60 + 30));

    // Refused: the document is not touched.
    window->setText(u"25:00-02:00"_s);
    emit window->editingFinished();
    QVERIFY(!inspector.errorText().isEmpty());
    QCOMPARE(doc.undoStack()->count(), 2);

    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), chain());
    QCOMPARE(window->text(), QString());
}

void tst_JobInspector::checkCommand()
{
    PipelineDocument doc;
    doc.load(chain());
    JobInspector inspector(&doc);
    inspector.setJob(doc.idOf(u"c"_s));
    auto *check = qobject_cast<QLineEdit *>(inspector.field(u"check"_s));
    auto *timeout = qobject_cast<QSpinBox *>(inspector.field(u"check_timeout"_s));
    QVERIFY(check && timeout);
    QVERIFY(!timeout->isEnabled());  // nothing to time yet
    check->setText(u"  test -f /data/ready/${date} "_s);
    emit check->editingFinished();
    QCOMPARE(doc.pipeline().job(u"c"_s)->check, u"test -f /data/ready/${date}"_s);
    QVERIFY(timeout->isEnabled());
    timeout->setValue(30);
    emit timeout->editingFinished();
    QCOMPARE(doc.pipeline().job(u"c"_s)->checkTimeoutSecs, 30);
    QCOMPARE(doc.undoStack()->count(), 2);

    // Clearing the check clears its timeout in the same step (check_timeout needs a check).
    check->clear();
    emit check->editingFinished();
    QCOMPARE(doc.pipeline().job(u"c"_s)->check, QString());
    QCOMPARE(doc.pipeline().job(u"c"_s)->checkTimeoutSecs, 0);
    QCOMPARE(doc.undoStack()->count(), 3);

    doc.undoStack()->undo();  // the fields follow the document
    QCOMPARE(check->text(), u"test -f /data/ready/${date}"_s);
    QCOMPARE(timeout->value(), 30);
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(doc.pipeline(), chain());
    QCOMPARE(check->text(), QString());
    QVERIFY(!timeout->isEnabled());
}

QTEST_MAIN(tst_JobInspector)
#include "tst_jobinspector.moc"

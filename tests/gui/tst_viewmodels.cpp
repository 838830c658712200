// The views' models without a master: JSON rows upserted and removed by id, the runs' bound
// and filters, a task's last state from run events, a node's heartbeat history, and how
// values are shown. Every model runs under QAbstractItemModelTester.

#include <views/jobsmodel.h>
#include <views/nodesmodel.h>
#include <views/runsmodel.h>
#include <views/viewformat.h>

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QTest>
#include <QTimeZone>

using namespace Orrery::Gui;
using namespace Qt::Literals::StringLiterals;

namespace {

QJsonObject run(qint64 id, const QString &task, const QString &state, const QString &node = {},
                const QString &created = u"2026-01-03T08:00:00Z"_s)
{
    return QJsonObject{{u"id"_s, QString::number(id)},
                       {u"task_id"_s, u"7"_s},
                       {u"task"_s, task},
                       {u"state"_s, state},
                       {u"node"_s, node.isEmpty() ? QJsonValue() : QJsonValue(node)},
                       {u"attempt"_s, 1},
                       {u"created_at"_s, created},
                       {u"started_at"_s, u"2026-01-03T08:00:00Z"_s},
                       {u"finished_at"_s, u"2026-01-03T08:01:05Z"_s},
                       {u"exit_code"_s, 0},
                       {u"attempts"_s, QJsonArray()}};
}

QJsonObject node(const QString &seen, double cpu)
{
    return QJsonObject{{u"id"_s, u"11"_s},       {u"name"_s, u"db-1"_s},
                       {u"connected"_s, true},   {u"state"_s, u"online"_s},
                       {u"cpu_percent"_s, cpu},  {u"free_memory_bytes"_s, 2147483648.0},
                       {u"load1"_s, 0.5},        {u"clock_skew_ms"_s, -12},
                       {u"last_seen_at"_s, seen}};
}

}  // namespace

class tst_ViewModels : public QObject
{
    Q_OBJECT

private slots:
    void runsUpsertUpdateAndBound();
    void runsFilter();
    void jobsKeepTheLatestRunState();
    void nodesKeepHeartbeatHistory();
    void formats();
    void timeAxisLabels_data();
    void timeAxisLabels();
};

void tst_ViewModels::runsUpsertUpdateAndBound()
{
    RunsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({run(5, u"a"_s, u"success"_s), run(6, u"b"_s, u"running"_s)});
    QCOMPARE(model.rowCount(), 2);
    model.upsertRun(run(6, u"b"_s, u"failed"_s));
    QCOMPARE(model.rowCount(), 2);
    const int row = model.rowOf(u"6"_s);
    QCOMPARE(model.index(row, RunsModel::State).data(JsonRowModel::SortRole).toString(),
             u"failed"_s);
    QCOMPARE(model.index(row, RunsModel::State).data().toString(), runStateText(u"failed"_s));
    QCOMPARE(model.index(row, RunsModel::Duration).data(JsonRowModel::SortRole).toLongLong(),
             65000);
    QCOMPARE(model.index(row, RunsModel::Id).data(JsonRowModel::SortRole).toLongLong(), 6);

    // Past the bound the oldest runs go, whatever their row.
    model.setMaximumRows(3);
    model.upsertRun(run(9, u"c"_s, u"waiting"_s));
    model.upsertRun(run(7, u"d"_s, u"waiting"_s));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOf(u"5"_s), -1);
    QVERIFY(model.rowOf(u"6"_s) >= 0);
    model.upsertRun(run(10, u"e"_s, u"waiting"_s));
    QCOMPARE(model.rowOf(u"6"_s), -1);
    QCOMPARE(model.object(u"9"_s).value(u"task"_s).toString(), u"c"_s);
    model.remove(u"9"_s);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.object(model.rowOf(u"10"_s)).value(u"task"_s).toString(), u"e"_s);
}

void tst_ViewModels::runsFilter()
{
    RunsModel model;
    RunsFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({run(1, u"nightly-backup"_s, u"success"_s, u"db-1"_s, u"2026-01-01T00:00:00Z"_s),
                 run(2, u"nightly-backup"_s, u"failed"_s, u"db-2"_s, u"2026-01-03T00:00:00Z"_s),
                 run(3, u"report"_s, u"success"_s, u"app-1"_s, u"2026-01-03T06:00:00Z"_s)});
    QCOMPARE(filter.rowCount(), 3);
    filter.setState(u"success"_s);
    QCOMPARE(filter.rowCount(), 2);
    filter.setJob(u"BACKUP"_s);
    QCOMPARE(filter.rowCount(), 1);
    filter.setState(QString());
    filter.setNode(u"db-2"_s);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, RunsModel::Id).data().toString(), u"2"_s);
    filter.setJob(QString());
    filter.setNode(QString());
    filter.setCreatedSince(QDateTime(QDate(2026, 1, 2), QTime(0, 0), QTimeZone::utc()));
    QCOMPARE(filter.rowCount(), 2);
    // Newest first by id, numerically.
    model.upsertRun(run(10, u"x"_s, u"waiting"_s, {}, u"2026-01-03T07:00:00Z"_s));
    filter.sort(RunsModel::Id, Qt::DescendingOrder);
    QCOMPARE(filter.index(0, RunsModel::Id).data().toString(), u"10"_s);
}

void tst_ViewModels::jobsKeepTheLatestRunState()
{
    JobsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QJsonObject task{{u"id"_s, u"7"_s},
                           {u"name"_s, u"backup"_s},
                           {u"enabled"_s, true},
                           {u"priority"_s, u"P1"_s},
                           {u"schedule"_s, u"0 2 * * *"_s},
                           {u"labels"_s, QJsonObject{{u"zone"_s, u"a"_s}, {u"db"_s, u"x"_s}}}};
    // The list gives each task's newest run, or null when it never ran.
    QJsonObject listed = task;
    listed.insert(u"last_run"_s, QJsonValue(QJsonValue::Null));
    model.resetTasks({listed});
    const auto lastState = [&model] {
        return model.index(0, JobsModel::LastState).data(JsonRowModel::SortRole).toString();
    };
    const auto lastAt = [&model] {
        return model.index(0, JobsModel::LastRunAt).data(JsonRowModel::SortRole).toLongLong();
    };
    QCOMPARE(lastState(), u"idle"_s);
    QCOMPARE(model.index(0, JobsModel::LastRunAt).data().toString(), QString());
    listed.insert(u"last_run"_s, QJsonObject{{u"id"_s, u"15"_s},
                                             {u"state"_s, u"failed"_s},
                                             {u"at"_s, u"2026-01-03T07:00:00Z"_s}});
    model.resetTasks({listed});
    QCOMPARE(lastState(), u"failed"_s);
    QCOMPARE(model.index(0, JobsModel::LastState).data().toString(), runStateText(u"failed"_s));
    QCOMPARE(lastAt(),
             QDateTime(QDate(2026, 1, 3), QTime(7, 0), QTimeZone::utc()).toMSecsSinceEpoch());
    QCOMPARE(model.index(0, JobsModel::LastRunAt).data().toString(),
             instantText(QDateTime(QDate(2026, 1, 3), QTime(7, 0), QTimeZone::utc())));
    // A newer run's event: its state, and its end as the time.
    QVERIFY(model.applyRun(run(20, u"backup"_s, u"running"_s)));
    QCOMPARE(lastState(), u"running"_s);
    QCOMPARE(lastAt(),
             QDateTime(QDate(2026, 1, 3), QTime(8, 1, 5), QTimeZone::utc()).toMSecsSinceEpoch());
    // An event of an older run does not win over the newer one.
    QVERIFY(!model.applyRun(run(19, u"backup"_s, u"failed"_s)));
    QCOMPARE(lastState(), u"running"_s);
    // A job.changed event keeps what only the model knows.
    QJsonObject changed = task;
    changed.insert(u"enabled"_s, false);
    model.upsert(changed);
    QCOMPARE(lastState(), u"running"_s);
    QCOMPARE(model.index(0, JobsModel::Enabled).data().toString(), JobsModel::tr("no"));
    QCOMPARE(model.index(0, JobsModel::Labels).data().toString(), u"db=x, zone=a"_s);
    // Runs of unknown tasks change nothing.
    QJsonObject other = run(30, u"other"_s, u"success"_s);
    other.insert(u"task_id"_s, u"8"_s);
    QVERIFY(!model.applyRun(other));
    model.remove(u"7"_s);
    QCOMPARE(model.rowCount(), 0);
}

void tst_ViewModels::nodesKeepHeartbeatHistory()
{
    NodesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setHistoryLength(3);
    model.upsert(node(u"2026-01-03T08:00:00Z"_s, 10));
    model.upsert(node(u"2026-01-03T08:00:00Z"_s, 10));  // a connect event: same figures
    QCOMPARE(model.history(u"11"_s, NodesModel::Cpu), QList<double>{10});
    for (int i = 1; i <= 4; ++i)
        model.upsert(node(u"2026-01-03T08:00:0%1Z"_s.arg(i), 10 + i));
    QCOMPARE(model.history(u"11"_s, NodesModel::Cpu), (QList<double>{12, 13, 14}));
    QCOMPARE(model.history(u"11"_s, NodesModel::Load), (QList<double>{0.5, 0.5, 0.5}));
    QCOMPARE(model.index(0, NodesModel::Cpu).data().toString(), NodesModel::tr("%1 %").arg(14));
    QCOMPARE(model.index(0, NodesModel::Memory).data().toString(),
             NodesModel::tr("%1 GiB").arg(2.0, 0, 'f', 1));
    QCOMPARE(model.index(0, NodesModel::ClockSkew).data(JsonRowModel::SortRole).toDouble(), 12.0);
    QJsonObject offline = node(u"2026-01-03T08:00:04Z"_s, 14);
    offline.insert(u"connected"_s, false);
    offline.insert(u"state"_s, u"draining"_s);
    model.upsert(offline);
    QCOMPARE(model.index(0, NodesModel::Status).data().toString(),
             NodesModel::tr("offline") + u", "_s + NodesModel::tr("draining"));
    QCOMPARE(model.history(u"11"_s, NodesModel::Cpu).size(), 3);
    model.remove(u"11"_s);
    QVERIFY(model.history(u"11"_s, NodesModel::Cpu).isEmpty());
}

void tst_ViewModels::formats()
{
    QCOMPARE(durationText(-1), QString());
    QCOMPARE(durationText(850), ViewText::tr("%1 ms").arg(850));
    QCOMPARE(durationText(65000), ViewText::tr("%1 min %2 s").arg(1).arg(u"05"_s));
    QCOMPARE(durationText(7380000), ViewText::tr("%1 h %2 min").arg(2).arg(u"03"_s));
    QCOMPARE(idValue(u"9007199254740993"_s), Q_INT64_C(9007199254740993));
    QCOMPARE(idValue(QJsonValue()), 0);
    QCOMPARE(instantValue(u"2026-01-03T08:00:00Z"_s),
             QDateTime(QDate(2026, 1, 3), QTime(8, 0), QTimeZone::utc()));
    QVERIFY(!instantValue(QJsonValue()).isValid());
    QCOMPARE(runStateText(u"timed_out"_s), ViewText::tr("timed out"));
    QCOMPARE(runStateText(u"something"_s), u"something"_s);
}

void tst_ViewModels::timeAxisLabels_data()
{
    QTest::addColumn<int>("firstHour");  // of 24 hourly buckets; -1 = 7 daily buckets
    QTest::addColumn<int>("maxLabels");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("every-hour-fits")
            << 4 << 24 << QList<int>{0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                     12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};
    // From 04:00: the even hours 04:00, 06:00, ... 02:00.
    QTest::newRow("every-2nd-hour")
            << 4 << 12 << QList<int>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22};
    // 06:00, 09:00, ..., 03:00 on the clock, not every 3rd bucket from the first.
    QTest::newRow("every-3rd-hour-on-the-clock")
            << 4 << 11 << QList<int>{2, 5, 8, 11, 14, 17, 20, 23};
    QTest::newRow("every-6th-hour") << 4 << 4 << QList<int>{2, 8, 14, 20};
    QTest::newRow("midnight-only") << 4 << 1 << QList<int>{20};
    QTest::newRow("nothing-fits-still-one") << 4 << 0 << QList<int>{20};
    QTest::newRow("days-all") << -1 << 7 << QList<int>{0, 1, 2, 3, 4, 5, 6};
    // Counted back from today, which is always labelled.
    QTest::newRow("days-every-2nd") << -1 << 4 << QList<int>{0, 2, 4, 6};
    QTest::newRow("days-every-3rd") << -1 << 3 << QList<int>{0, 3, 6};
    QTest::newRow("days-today-only") << -1 << 1 << QList<int>{6};
}

void tst_ViewModels::timeAxisLabels()
{
    QFETCH(int, firstHour);
    QFETCH(int, maxLabels);
    QFETCH(QList<int>, expected);
    const bool byDay = firstHour < 0;
    const QDateTime first(QDate(2026, 1, 3), QTime(byDay ? 0 : firstHour, 0));
    QList<QDateTime> starts;
    for (int i = 0; i < (byDay ? 7 : 24); ++i)
        starts.append(byDay ? first.addDays(i) : first.addSecs(3600 * i));
    QCOMPARE(timeAxisLabelBuckets(starts, byDay, maxLabels), expected);
    QCOMPARE(timeAxisLabelBuckets({}, byDay, maxLabels), QList<int>());
}

QTEST_MAIN(tst_ViewModels)
#include "tst_viewmodels.moc"

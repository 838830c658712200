// The views over the master connection (gui/views) against a real orrery-master and agent
// on loopback (tests/e2e harness), under the offscreen platform: each view loads what the
// master has, follows its events, and its filters and actions work.

#include "../e2e/cluster.h"

#include <client/masterconnection.h>
#include <views/dashboardview.h>
#include <views/jobsmodel.h>
#include <views/jobsview.h>
#include <views/nodesmodel.h>
#include <views/nodesview.h>
#include <views/runlogview.h>
#include <views/runsmodel.h>
#include <views/runsview.h>

#include <QAbstractAxis>
#include <QApplication>
#include <QChart>
#include <QFontMetrics>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

#include <csignal>

using namespace Orrery;
using namespace Orrery::Client;
using namespace Orrery::Gui;
using namespace Orrery::Testing;
using namespace Qt::Literals::StringLiterals;

class tst_Views : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void jobsViewLoadsFollowsAndActs();
    void jobsViewShowsRefusals();
    void runsViewAndLogFollowARun();
    void runsViewLoadsOlderPages();
    void nodesViewShowsHeartbeats();
    void dashboardCountsGrow();

private:
    bool connectAs(MasterConnection &connection, const QString &token);
    // Starts a run of `task` through REST; returns its id.
    QString execute(const QString &task);
    int rowOf(const QAbstractItemModel *model, int column, const QString &text) const;

    Cluster m_cluster;
    std::unique_ptr<MasterConnection> m_connection;
};

bool tst_Views::connectAs(MasterConnection &connection, const QString &token)
{
    ConnectionSettings s;
    s.url = QUrl(u"wss://127.0.0.1:%1"_s.arg(m_cluster.agentPort()));
    s.caFile = m_cluster.caFile();
    s.token = token;
    s.backoff.initialMs = 100;
    s.backoff.maxMs = 500;
    if (!connection.connectToMaster(s))
        return false;
    return Cluster::waitUntil([&] { return connection.isConnected(); }, 20000);
}

QString tst_Views::execute(const QString &task)
{
    const HttpReply r = m_cluster.post(u"/api/v1/tasks/%1/execute"_s.arg(task), QJsonObject());
    return r.json.value(u"run"_s).toObject().value(u"id"_s).toString();
}

int tst_Views::rowOf(const QAbstractItemModel *model, int column, const QString &text) const
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, column).data().toString() == text)
            return row;
    }
    return -1;
}

void tst_Views::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.init(&error), qPrintable(error));
    QVERIFY2(!m_cluster.createAdminToken(&error).isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster.startMaster(&error), qPrintable(error));
    QVERIFY2(m_cluster.startAgent(u"worker-1"_s, &error, {{u"zone"_s, u"test-east"_s}}),
             qPrintable(error));
    QVERIFY2(!m_cluster
                      .createTask({{u"name"_s, u"alpha-report"_s},
                                   {u"command"_s, u"echo alpha"_s},
                                   {u"schedule"_s, u"0 3 * * *"_s},
                                   {u"labels"_s, QJsonObject{{u"zone"_s, u"test-east"_s}}}},
                                  &error)
                      .isEmpty(),
             qPrintable(error));
    m_connection = std::make_unique<MasterConnection>();
    QVERIFY(connectAs(*m_connection, m_cluster.adminToken()));
}

void tst_Views::cleanupTestCase()
{
    m_connection.reset();
    m_cluster.stopMaster(SIGTERM);
}

void tst_Views::jobsViewLoadsFollowsAndActs()
{
    JobsView view(m_connection.get());
    QSignalSpy loaded(&view, &JobsView::loaded);
    QVERIFY(loaded.wait(10000));
    const JobsModel *model = view.model();
    int row = rowOf(model, JobsModel::Name, u"alpha-report"_s);
    QVERIFY(row >= 0);
    QCOMPARE(model->index(row, JobsModel::Schedule).data().toString(), u"0 3 * * *"_s);
    QCOMPARE(model->index(row, JobsModel::Labels).data().toString(), u"zone=test-east"_s);
    QCOMPARE(model->index(row, JobsModel::Priority).data().toString(), u"P2"_s);
    QVERIFY(!model->index(row, JobsModel::NextFire).data().toString().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(
            model->index(row, JobsModel::LastState).data(JsonRowModel::SortRole).toString(),
            u"idle"_s, 10000);

    // A task created elsewhere appears from its event.
    QString error;
    QVERIFY2(!m_cluster
                      .createTask({{u"name"_s, u"beta-backup"_s}, {u"command"_s, u"echo b"_s}},
                                  &error)
                      .isEmpty(),
             qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(model, JobsModel::Name, u"beta-backup"_s) >= 0, 10000);

    // The filter box.
    QTest::keyClicks(view.filterEdit(), u"BETA"_s);
    QCOMPARE(view.filterModel()->rowCount(), 1);
    QCOMPARE(view.filterModel()->index(0, JobsModel::Name).data().toString(), u"beta-backup"_s);
    view.filterEdit()->clear();
    QVERIFY(view.filterModel()->rowCount() >= 2);

    // Disable, then enable, through PUT: the master's task changes.
    QVERIFY(view.selectJob(u"alpha-report"_s));
    QSignalSpy acted(&view, &JobsView::actionFinished);
    view.setSelectedEnabled(false);
    QVERIFY(acted.wait(10000));
    QCOMPARE(acted.last().at(1).toBool(), true);
    QCOMPARE(m_cluster.get(u"/api/v1/tasks/alpha-report"_s).json.value(u"enabled"_s).toBool(),
             false);
    row = rowOf(model, JobsModel::Name, u"alpha-report"_s);
    QCOMPARE(model->index(row, JobsModel::Enabled).data().toString(), JobsModel::tr("no"));
    view.setSelectedEnabled(true);
    QVERIFY(acted.wait(10000));
    QCOMPARE(m_cluster.get(u"/api/v1/tasks/alpha-report"_s).json.value(u"enabled"_s).toBool(),
             true);

    // Run now: the task's last state follows the run to success.
    view.runSelected();
    QVERIFY(acted.wait(10000));
    QCOMPARE(acted.last().at(1).toBool(), true);
    QVERIFY(view.message().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(
            model->index(rowOf(model, JobsModel::Name, u"alpha-report"_s), JobsModel::LastState)
                    .data(JsonRowModel::SortRole)
                    .toString(),
            u"success"_s, 20000);

    // Deleted elsewhere: the row goes.
    QCOMPARE(m_cluster.request("DELETE", u"/api/v1/tasks/beta-backup"_s).status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(rowOf(model, JobsModel::Name, u"beta-backup"_s), -1, 10000);
}

void tst_Views::jobsViewShowsRefusals()
{
    // A viewer may look but not start runs: the master's refusal is shown.
    const HttpReply token = m_cluster.post(
            u"/api/v1/tokens"_s, QJsonObject{{u"name"_s, u"watcher"_s}, {u"role"_s, u"viewer"_s}});
    QCOMPARE(token.status, 201);
    MasterConnection viewer;
    QVERIFY(connectAs(viewer, token.json.value(u"token"_s).toString()));
    JobsView view(&viewer);
    QSignalSpy loaded(&view, &JobsView::loaded);
    QVERIFY(loaded.wait(10000));
    QVERIFY(view.selectJob(u"alpha-report"_s));
    QSignalSpy acted(&view, &JobsView::actionFinished);
    view.runSelected();
    QVERIFY(acted.wait(10000));
    QCOMPARE(acted.last().at(1).toBool(), false);
    QVERIFY2(view.message().contains(u"alpha-report"_s), qPrintable(view.message()));
}

void tst_Views::runsViewAndLogFollowARun()
{
    QString error;
    QVERIFY2(
            !m_cluster
                     .createTask(
                             {{u"name"_s, u"echoer"_s},
                              {u"command"_s,
                               u"echo line-one; sleep 0.5; echo line-two; sleep 0.2; echo oops >&2"_s}},
                             &error)
                     .isEmpty(),
            qPrintable(error));
    RunsView runs(m_connection.get());
    QSignalSpy loaded(&runs, &RunsView::loaded);
    QVERIFY(loaded.wait(10000));
    // The run of alpha-report from the jobs test is there from the REST load.
    QVERIFY(rowOf(runs.model(), RunsModel::Job, u"alpha-report"_s) >= 0);

    RunLogView live(m_connection.get());
    const QString runId = execute(u"echoer"_s);
    QVERIFY(!runId.isEmpty());
    live.showRun(runId.toLongLong());

    // The run appears from its events and ends in success.
    QTRY_VERIFY_WITH_TIMEOUT(runs.model()->rowOf(runId) >= 0, 10000);
    const int row = runs.model()->rowOf(runId);
    QTRY_COMPARE_WITH_TIMEOUT(
            runs.model()->index(row, RunsModel::State).data(JsonRowModel::SortRole).toString(),
            u"success"_s, 20000);
    QCOMPARE(runs.model()->index(row, RunsModel::Node).data().toString(), u"worker-1"_s);
    QCOMPARE(runs.model()->index(row, RunsModel::ExitCode).data().toInt(), 0);

    // The live log has every line once, stderr included.
    QTRY_COMPARE_WITH_TIMEOUT(live.text(), u"line-one\nline-two\noops\n"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(live.runState(), u"success"_s, 10000);

    // A log opened after the end reads the stored output; search finds and wraps.
    RunLogView stored(m_connection.get());
    QSignalSpy appended(&stored, &RunLogView::outputAppended);
    stored.showRun(runId.toLongLong());
    QVERIFY(appended.wait(10000));
    QCOMPARE(stored.text(), u"line-one\nline-two\noops\n"_s);
    stored.setSearchText(u"line-"_s);
    QVERIFY(stored.findNext());
    QVERIFY(!stored.isFollowing());  // searching stops following
    const auto selected = [&stored] {
        return stored.findChild<QPlainTextEdit *>()->textCursor().selectionStart();
    };
    QCOMPARE(selected(), 0);
    QVERIFY(stored.findNext());
    QCOMPARE(selected(), int(u"line-one\n"_s.size()));
    QVERIFY(stored.findNext());  // wraps around
    QCOMPARE(selected(), 0);
    QVERIFY(stored.findPrevious());  // and back
    QCOMPARE(selected(), int(u"line-one\n"_s.size()));
    // The same from the keyboard, while the focus is in the log: F3, Shift+F3, F (follow).
    stored.show();
    QVERIFY(QTest::qWaitForWindowActive(&stored));
    auto *text = stored.findChild<QPlainTextEdit *>();
    text->setFocus();
    QTest::keyClick(text, Qt::Key_F3);
    QCOMPARE(selected(), 0);
    QTest::keyClick(text, Qt::Key_F3, Qt::ShiftModifier);
    QCOMPARE(selected(), int(u"line-one\n"_s.size()));
    QTest::keyClick(text, Qt::Key_F);
    QVERIFY(stored.isFollowing());
    stored.setSearchText(u"not-in-the-log"_s);
    QVERIFY(!stored.findNext());

    // Bounded memory: only the last lines are kept.
    RunLogView bounded(m_connection.get());
    bounded.setMaximumLines(2);
    QSignalSpy boundedAppended(&bounded, &RunLogView::outputAppended);
    bounded.showRun(runId.toLongLong());
    QVERIFY(boundedAppended.wait(10000));
    QCOMPARE(bounded.text(), u"oops\n"_s);

    // Filters: state, job, node.
    RunsFilterModel *filter = runs.filterModel();
    filter->setState(u"failed"_s);
    QCOMPARE(filter->mapFromSource(runs.model()->index(row, 0)).isValid(), false);
    filter->setState(u"success"_s);
    QCOMPARE(filter->mapFromSource(runs.model()->index(row, 0)).isValid(), true);
    runs.showRunsOfJob(u"echo"_s);
    QCOMPARE(filter->rowCount(), 1);
    QCOMPARE(filter->state(), QString());
    filter->setNode(u"worker-2"_s);
    QCOMPARE(filter->rowCount(), 0);
    filter->setNode(u"WORKER"_s);
    QCOMPARE(filter->rowCount(), 1);
    filter->setCreatedSince(QDateTime::currentDateTimeUtc().addSecs(3600));
    QCOMPARE(filter->rowCount(), 0);
    filter->setCreatedSince(QDateTime::currentDateTimeUtc().addSecs(-3600));
    QCOMPARE(filter->rowCount(), 1);

    // Activating a run asks for its log.
    QSignalSpy open(&runs, &RunsView::openLog);
    QVERIFY(runs.selectRun(runId.toLongLong()));
    QCOMPARE(runs.selectedRun(), runId.toLongLong());
    QTest::keyClick(runs.table(), Qt::Key_Return);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().at(0).toLongLong(), runId.toLongLong());
    QTRY_COMPARE_WITH_TIMEOUT(runs.logView()->text(), u"line-one\nline-two\noops\n"_s, 10000);
}

void tst_Views::runsViewLoadsOlderPages()
{
    // Three more runs, ended before the view opens (no event adds a run behind the pages).
    for (int i = 0; i < 3; ++i) {
        const QString run = execute(u"alpha-report"_s);
        QVERIFY(!run.isEmpty());
        QVERIFY(!m_cluster.waitForRunEnd(run, 20000).isEmpty());
    }
    QStringList expected;  // every run of the master, newest first
    for (const QJsonValue &run :
         m_cluster.get(u"/api/v1/runs?limit=1000"_s).json.value(u"runs"_s).toArray())
        expected.append(run.toObject().value(u"id"_s).toString());
    QVERIFY(expected.size() >= 5);

    RunsView view(m_connection.get());
    view.setPageSize(2);
    QSignalSpy loaded(&view, &RunsView::loaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(view.model()->rowCount(), 2);
    QVERIFY(view.model()->rowOf(expected.at(0)) >= 0);
    QVERIFY(view.model()->rowOf(expected.at(1)) >= 0);
    QVERIFY(view.hasOlderRuns());
    QVERIFY(view.loadOlderButton()->isEnabled());

    // "Load older runs" until the master has none: each page starts before the last one.
    QSignalSpy older(&view, &RunsView::olderLoaded);
    int pages = 0;
    while (view.loadOlderButton()->isEnabled() && pages <= expected.size()) {
        view.loadOlderButton()->click();
        QVERIFY(!view.loadOlderButton()->isEnabled());  // one page at a time
        QVERIFY(older.wait(10000));
        QVERIFY(older.last().at(0).toInt() >= 0);
        ++pages;
    }
    QCOMPARE(pages, int(expected.size()) / 2);  // the last page is short (or empty)
    QVERIFY(!view.hasOlderRuns());
    QCOMPARE(view.model()->rowCount(), expected.size());
    for (const QString &id : std::as_const(expected))
        QVERIFY2(view.model()->rowOf(id) >= 0, qPrintable(id));
}

void tst_Views::nodesViewShowsHeartbeats()
{
    NodesView view(m_connection.get());
    QSignalSpy loaded(&view, &NodesView::loaded);
    QVERIFY(loaded.wait(10000));
    const NodesModel *model = view.model();
    const int row = rowOf(model, NodesModel::Name, u"worker-1"_s);
    QVERIFY(row >= 0);
    QCOMPARE(model->index(row, NodesModel::Status).data().toString(), NodesModel::tr("online"));
    QCOMPARE(model->index(row, NodesModel::Labels).data().toString(), u"zone=test-east"_s);
    QVERIFY(!model->index(row, NodesModel::ClockSkew).data().toString().isEmpty());
    // Heartbeats (1 s apart) grow each sparkline's history.
    const QString id = model->index(row, 0).data(JsonRowModel::IdRole).toString();
    QTRY_VERIFY_WITH_TIMEOUT(model->history(id, NodesModel::Cpu).size() >= 3, 10000);
    QCOMPARE(model->history(id, NodesModel::Memory).size(),
             model->history(id, NodesModel::Cpu).size());
    QVERIFY(model->history(id, NodesModel::Memory).last() > 0);
    QCOMPARE(model->index(row, NodesModel::Cpu)
                     .data(JsonRowModel::HistoryRole)
                     .value<QList<double>>(),
             model->history(id, NodesModel::Cpu));
    // The sparkline cell paints (offscreen).
    view.resize(1000, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.grab().isNull());

    // Drain, then enable again, through REST: the row follows the master's answer.
    QVERIFY(view.selectNode(u"worker-1"_s));
    QSignalSpy acted(&view, &NodesView::actionFinished);
    view.drainSelected();
    QVERIFY(acted.wait(10000));
    QCOMPARE(acted.last().at(1).toBool(), true);
    const auto state = [&] { return model->object(id).value(u"state"_s).toString(); };
    QVERIFY2(state() == u"draining"_s || state() == u"drained"_s, qPrintable(state()));
    QCOMPARE(m_cluster.get(u"/api/v1/nodes"_s)
                     .json.value(u"nodes"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"state"_s)
                     .toString(),
             state());
    view.enableSelected();
    QVERIFY(acted.wait(10000));
    QCOMPARE(acted.last().at(1).toBool(), true);
    QCOMPARE(state(), u"online"_s);
    QVERIFY(view.message().isEmpty());

    view.filterEdit()->setText(u"test-east"_s);
    QCOMPARE(view.filterModel()->rowCount(), 1);
    view.filterEdit()->setText(u"test-west"_s);
    QCOMPARE(view.filterModel()->rowCount(), 0);
}

void tst_Views::dashboardCountsGrow()
{
    DashboardView view(m_connection.get());
    view.setRefreshInterval(300);
    QSignalSpy refreshed(&view, &DashboardView::refreshed);
    QVERIFY(refreshed.wait(10000));
    const qint64 before = view.stats().value(u"total_runs"_s).toInteger();
    QVERIFY(before >= 2);  // alpha-report and echoer ran today
    QCOMPARE(view.tileText(DashboardView::Tile::TotalRuns), QString::number(before));
    QCOMPARE(view.stats().value(u"buckets"_s).toArray().size(), 24);

    const QString runId = execute(u"echoer"_s);
    QVERIFY(!runId.isEmpty());
    QVERIFY(!m_cluster.waitForRunEnd(runId, 20000).isEmpty());
    // The run's events refresh the tiles, a few times at most (rate-limited).
    QTRY_COMPARE_WITH_TIMEOUT(view.tileText(DashboardView::Tile::TotalRuns),
                              QString::number(before + 1), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(view.tileText(DashboardView::Tile::SuccessRate),
                              DashboardView::tr("%1 %").arg(100.0, 0, 'f', 1), 10000);
    QCOMPARE(view.tileText(DashboardView::Tile::QueueLength), u"0"_s);
    QCOMPARE(view.tileText(DashboardView::Tile::AbnormalRuns), u"0"_s);

    view.setRange(u"7d"_s);
    QVERIFY(refreshed.wait(10000));
    QCOMPARE(view.stats().value(u"range"_s).toString(), u"7d"_s);
    QCOMPARE(view.stats().value(u"buckets"_s).toArray().size(), 7);
    QCOMPARE(view.stats()
                     .value(u"buckets"_s)
                     .toArray()
                     .last()
                     .toObject()
                     .value(u"runs"_s)
                     .toInteger(),
             before + 1);

    // The hours at the size the page has in a default window: labels on round hours, each
    // narrower than its share of the axis, so that none is cut; fewer in a narrower window.
    view.setRange(u"24h"_s);
    QVERIFY(refreshed.wait(10000));
    view.resize(1260, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY_WITH_TIMEOUT(view.timeAxisLabels().size() >= 6, 5000);
    const QStringList wide = view.timeAxisLabels();
    const QChart *chart = view.trendChart();
    const QFontMetrics metrics(chart->axes(Qt::Horizontal).first()->labelsFont());
    const qreal share = chart->plotArea().width() / wide.size();
    static const QRegularExpression hour(u"^\\d\\d:00$"_s);
    for (const QString &label : wide) {
        QVERIFY2(hour.match(label).hasMatch(), qPrintable(label));
        QVERIFY2(metrics.horizontalAdvance(label) < share, qPrintable(label));
    }
    view.resize(520, 700);
    QTRY_VERIFY_WITH_TIMEOUT(view.timeAxisLabels().size() < wide.size(), 5000);
    QVERIFY(!view.timeAxisLabels().isEmpty());
    // Every day fits.
    view.resize(1260, 700);
    view.setRange(u"7d"_s);
    QVERIFY(refreshed.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(view.timeAxisLabels().size(), 7, 5000);
}

QTEST_MAIN(tst_Views)
#include "tst_views.moc"

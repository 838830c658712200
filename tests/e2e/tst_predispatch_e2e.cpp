// Pre-dispatch end to end (master.yaml scheduling.predispatch_ms): a real orrery-master sends a
// cron fire's run to a real orrery-agent before its instant; the agent holds it and starts the
// child at the instant. Asserted as a user sees it through the REST API and the agent's log:
// the order of events and the states, never how fast.

#include "cluster.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTest>
#include <QTimeZone>

#include <csignal>

using namespace Qt::StringLiterals;
using Orrery::Testing::Cluster;
using Orrery::Testing::HttpReply;

namespace {

constexpr qint64 kLeadMs = 3000;

// A whole second at least `aheadMs` from now, and a cron expression (seconds field, UTC) that
// fires at that second only once a day.
QDateTime instantAhead(qint64 aheadMs)
{
    const qint64 ms = QDateTime::currentMSecsSinceEpoch() + aheadMs;
    return QDateTime::fromSecsSinceEpoch((ms + 999) / 1000, QTimeZone::utc());
}

QString cronAt(const QDateTime &at)
{
    const QTime t = at.time();
    return u"%1 %2 %3 * * *"_s.arg(t.second()).arg(t.minute()).arg(t.hour());
}

QDateTime instant(const QJsonValue &value)
{
    QDateTime at = QDateTime::fromString(value.toString(), Qt::ISODate);
    at.setTimeZone(QTimeZone::utc());
    return at;
}

// The task's only run (empty while it has none).
QJsonObject onlyRun(Cluster &c, const QString &task)
{
    const QJsonArray runs
            = c.get(u"/api/v1/tasks/%1/runs"_s.arg(task)).json.value(u"runs"_s).toArray();
    if (runs.size() != 1)
        return {};
    return c.get(u"/api/v1/runs/"_s + runs.first().toObject().value(u"id"_s).toString()).json;
}

}  // namespace

class TestPredispatchEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void heldRunsStartAtTheInstantOrAreCancelled();
    void agentRestartedWhileHoldingIsReconciled();

private:
    bool startCluster(Cluster &c);
    QString createTask(Cluster &c, const QString &name, const QDateTime &at);
};

bool TestPredispatchEndToEnd::startCluster(Cluster &c)
{
    QString error;
    const QByteArray config
            = "scheduling:\n  predispatch_ms: " + QByteArray::number(kLeadMs) + "\n";
    if (!c.init(&error, config) || c.createAdminToken(&error).isEmpty() || !c.startMaster(&error)
        || !c.startAgent(u"a1"_s, &error)) {
        qWarning().noquote() << error << "\nmaster log:\n" << c.masterLog();
        return false;
    }
    return true;
}

QString TestPredispatchEndToEnd::createTask(Cluster &c, const QString &name, const QDateTime &at)
{
    QString error;
    const QString id = c.createTask({{u"name"_s, name},
                                     {u"schedule"_s, cronAt(at)},
                                     {u"command"_s, u"echo started"_s},
                                     {u"timeout"_s, 30}},
                                    &error);
    if (id.isEmpty())
        qWarning().noquote() << error;
    return id;
}

// Three tasks fire at the same instant; before it, one is stopped and one disabled. The third
// starts at its instant; the other two end cancelled on the agent without a child, and the
// node's slots are free again.
void TestPredispatchEndToEnd::heldRunsStartAtTheInstantOrAreCancelled()
{
    Cluster c;
    QVERIFY(startCluster(c));
    const QDateTime at = instantAhead(kLeadMs + 2000);
    const QString onTime = createTask(c, u"on_time"_s, at);
    const QString stopped = createTask(c, u"stopped"_s, at);
    const QString disabled = createTask(c, u"disabled"_s, at);
    QVERIFY(!onTime.isEmpty() && !stopped.isEmpty() && !disabled.isEmpty());

    // Pre-dispatched: each task has its run, waiting, and the agent holds it.
    QJsonObject runs[3];
    const QString tasks[3] = {onTime, stopped, disabled};
    const QString names[3] = {u"on_time"_s, u"stopped"_s, u"disabled"_s};
    QVERIFY2(
            Cluster::waitUntil(
                    [&] {
                        const QString log = c.agentLog(u"a1"_s);
                        for (int i = 0; i < 3; ++i) {
                            runs[i] = onlyRun(c, tasks[i]);
                            const QString id = runs[i].value(u"id"_s).toString();
                            if (id.isEmpty()
                                || !log.contains(u"run %1/1 of job %2 dispatched, held until"_s.arg(
                                        id, names[i])))
                                return false;
                        }
                        return true;
                    },
                    kLeadMs + 8000),
            qPrintable(c.masterLog()));
    QVERIFY2(QDateTime::currentDateTimeUtc() < at.addMSecs(-500),
             "the machine was too slow to act before the instant");
    for (const QJsonObject &run : runs) {
        QCOMPARE(run.value(u"state"_s).toString(), u"waiting"_s);
        QCOMPARE(instant(run.value(u"scheduled_at"_s)), at);
        QVERIFY(instant(run.value(u"created_at"_s)) < at);
    }
    QCOMPARE(c.node(u"a1"_s).value(u"running"_s).toInt(), 3);  // each held run takes a slot

    QCOMPARE(c.post(u"/api/v1/tasks/%1/stop"_s.arg(stopped), {}).status, 200);
    const HttpReply off = c.request("PUT", u"/api/v1/tasks/"_s + disabled, R"({"enabled": false})");
    QVERIFY2(off.status == 200, off.body.constData());
    QVERIFY2(QDateTime::currentDateTimeUtc() < at,
             "the machine was too slow to act before the instant");

    const QString onTimeRun = runs[0].value(u"id"_s).toString();
    const QJsonObject ran = c.waitForRunEnd(onTimeRun, 20000);
    QCOMPARE(ran.value(u"state"_s).toString(), u"success"_s);
    QCOMPARE(ran.value(u"attempt"_s).toInt(), 1);
    QVERIFY2(instant(ran.value(u"started_at"_s)) >= at,
             qPrintable(ran.value(u"started_at"_s).toString()));
    QCOMPARE(c.runOutput(onTimeRun), QByteArray("started\n"));
    for (int i = 1; i < 3; ++i) {
        const QString id = runs[i].value(u"id"_s).toString();
        const QJsonObject ended = c.waitForRunEnd(id, 20000);
        QCOMPARE(ended.value(u"state"_s).toString(), u"cancelled"_s);
        QVERIFY(ended.value(u"started_at"_s).isNull());
        QVERIFY(c.runOutput(id).isEmpty());
        QVERIFY2(
                c.agentLog(u"a1"_s).contains(u"held run %1/1 cancelled before its start"_s.arg(id)),
                qPrintable(c.agentLog(u"a1"_s)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(c.node(u"a1"_s).value(u"running"_s).toInt(), 0, 10000);
    // The fire is not made again at the instant: each task still has its one run.
    QCOMPARE(c.get(u"/api/v1/tasks/%1/runs"_s.arg(stopped)).json.value(u"runs"_s).toArray().size(),
             1);
    QCOMPARE(c.get(u"/api/v1/tasks/%1/runs"_s.arg(disabled)).json.value(u"runs"_s).toArray().size(),
             1);
}

// The agent holding a pre-dispatched run is killed and started again: its hello does not list
// the run, which the master reconciles like a running one: lost, and sent again as a new
// attempt while its instant has not come (it then starts at the instant), or lost for good
// once the instant has passed.
void TestPredispatchEndToEnd::agentRestartedWhileHoldingIsReconciled()
{
    Cluster c;
    QVERIFY(startCluster(c));
    const QDateTime at = instantAhead(kLeadMs + 2000);
    const QString task = createTask(c, u"held"_s, at);
    QVERIFY(!task.isEmpty());
    QString runId;
    QVERIFY2(
            Cluster::waitUntil(
                    [&] {
                        runId = onlyRun(c, task).value(u"id"_s).toString();
                        return !runId.isEmpty()
                               && c.agentLog(u"a1"_s).contains(
                                       u"run %1/1 of job held dispatched, held until"_s.arg(runId));
                    },
                    kLeadMs + 8000),
            qPrintable(c.masterLog()));
    c.stopAgent(u"a1"_s, SIGKILL);
    QString error;
    QVERIFY2(c.startAgent(u"a1"_s, &error), qPrintable(error));
    const QDateTime reconnected = QDateTime::currentDateTimeUtc();

    const QJsonObject run = c.waitForRunEnd(runId, 20000);
    const QJsonArray attempts = run.value(u"attempts"_s).toArray();
    QVERIFY(!attempts.isEmpty());
    QCOMPARE(attempts.first().toObject().value(u"state"_s).toString(), u"lost"_s);
    if (run.value(u"state"_s).toString() == u"success"_s) {
        // Sent again before the instant: attempt 2 started at the instant, on the same node.
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(run.value(u"attempt"_s).toInt(), 2);
        QCOMPARE(run.value(u"node"_s).toString(), u"a1"_s);
        QVERIFY2(instant(run.value(u"started_at"_s)) >= at,
                 qPrintable(run.value(u"started_at"_s).toString()));
        QVERIFY2(reconnected < at.addSecs(1), "sent again although the agent came back late");
    } else {
        // The agent came back after the instant: lost, like a running run (no retries).
        QCOMPARE(run.value(u"state"_s).toString(), u"lost"_s);
        QCOMPARE(attempts.size(), 1);
        QVERIFY2(reconnected > at.addMSecs(-1000),
                 qPrintable(u"lost although the agent was back at %1, before the instant %2"_s.arg(
                         reconnected.toString(Qt::ISODateWithMs), at.toString(Qt::ISODate))));
    }
}

QTEST_GUILESS_MAIN(TestPredispatchEndToEnd)
#include "tst_predispatch_e2e.moc"

// End to end: a real orrery-master and real orrery-agent processes on loopback, TLS with a
// private CA made for the test, driven through the REST API as a user would.

#include "cluster.h"

#include <net/pki.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using Orrery::Testing::Cluster;
using Orrery::Testing::HttpReply;

namespace {

QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

// The run ids of a task, newest first.
QStringList runIds(Cluster &c, const QString &task)
{
    QStringList ids;
    for (const auto &r : c.get(u"/api/v1/tasks/%1/runs"_s.arg(task)).json.value(u"runs"_s).toArray())
        ids << r.toObject().value(u"id"_s).toString();
    return ids;
}

}  // namespace

class TestEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void cronJobFiresAndItsOutputIsStored();
    void seedPipelineRunsInOrder();
    void timeoutKillsTheWholeProcessGroup();
    void agentKilledBeforeTheAckReportsExactlyOnce();
    void agentKilledMidRunMakesTheRunLostAndRetried();
    void masterRestartMidRunLosesNothing();
    void badClientsAreRefusedAndNothingIsHarmed();

private:
    // A master with one agent "a1" (and an admin token), or a failed test.
    bool startCluster(Cluster &c, const QStringList &agents = {u"a1"_s});
};

bool TestEndToEnd::startCluster(Cluster &c, const QStringList &agents)
{
    QString error;
    if (!c.init(&error) || c.createAdminToken(&error).isEmpty() || !c.startMaster(&error)) {
        qWarning().noquote() << error;
        return false;
    }
    for (const QString &name : agents) {
        if (!c.startAgent(name, &error)) {
            qWarning().noquote() << error << "\nmaster log:\n" << c.masterLog();
            return false;
        }
    }
    return true;
}

void TestEndToEnd::cronJobFiresAndItsOutputIsStored()
{
    Cluster c;
    QVERIFY(startCluster(c));
    QString error;
    const QString task = c.createTask({{u"name"_s, u"every_second"_s},
                                       {u"schedule"_s, u"* * * * * *"_s},
                                       {u"command"_s, u"echo fired $ORRERY_RUN_ID"_s},
                                       {u"timeout"_s, 30}},
                                      &error);
    QVERIFY2(!task.isEmpty(), qPrintable(error));
    QString runId;
    QVERIFY2(Cluster::waitUntil(
                     [&] {
                         const QStringList ids = runIds(c, task);
                         for (const QString &id : ids) {
                             if (c.get(u"/api/v1/runs/"_s + id).json.value(u"state"_s) == u"success"_s) {
                                 runId = id;
                                 return true;
                             }
                         }
                         return false;
                     },
                     20000),
             qPrintable(c.masterLog()));
    const QJsonObject run = c.get(u"/api/v1/runs/"_s + runId).json;
    QCOMPARE(run.value(u"trigger"_s).toString(), u"schedule"_s);
    QCOMPARE(run.value(u"node"_s).toString(), u"a1"_s);
    QVERIFY(!run.value(u"scheduled_at"_s).toString().isEmpty());
    QCOMPARE(c.runOutput(runId), ("fired " + runId + "\n").toUtf8());
    QCOMPARE(c.request("DELETE", u"/api/v1/tasks/"_s + task).status, 204);
}

void TestEndToEnd::seedPipelineRunsInOrder()
{
    Cluster c;
    QVERIFY(startCluster(c));
    // The brief's pipeline as printed, with a command per job that records the order.
    QString yaml = readFile(QStringLiteral(ORRERY_SOURCE_DIR "/examples/data_pipeline.yaml"));
    QVERIFY(!yaml.isEmpty());
    const QString orderFile = c.dir() + u"/order.txt"_s;
    for (const QString &job : {u"data_extract"_s, u"data_transform"_s, u"data_load"_s}) {
        yaml.replace(u"- name: "_s + job,
                     u"- name: %1\n    command: \"sleep 0.2; echo %1 >> %2\""_s.arg(job, orderFile));
    }
    const HttpReply applied = c.request("POST", u"/api/v1/apply?file=data_pipeline.yaml"_s,
                                        yaml.toUtf8(), "application/yaml");
    QVERIFY2(applied.status == 200, applied.body.constData());
    QCOMPARE(applied.json.value(u"tasks"_s).toArray().size(), 3);

    const HttpReply started = c.post(u"/api/v1/tasks/data_extract/execute"_s, {});
    QCOMPARE(started.status, 202);
    QVERIFY2(Cluster::waitUntil(
                     [&] {
                         const QStringList ids = runIds(c, u"data_load"_s);
                         return !ids.isEmpty()
                                && c.get(u"/api/v1/runs/"_s + ids.first()).json.value(u"state"_s)
                                           == u"success"_s;
                     },
                     30000),
             qPrintable(c.masterLog()));
    QCOMPARE(readFile(orderFile), u"data_extract\ndata_transform\ndata_load\n"_s);
    // The three runs belong to one pipeline run and started one after the other.
    QString previousEnd;
    for (const QString &job : {u"data_extract"_s, u"data_transform"_s, u"data_load"_s}) {
        const QStringList ids = runIds(c, job);
        QCOMPARE(ids.size(), 1);
        const QJsonObject run = c.get(u"/api/v1/runs/"_s + ids.first()).json;
        QCOMPARE(run.value(u"state"_s).toString(), u"success"_s);
        if (!previousEnd.isEmpty())
            QVERIFY(run.value(u"started_at"_s).toString() >= previousEnd);
        previousEnd = run.value(u"finished_at"_s).toString();
    }
}

void TestEndToEnd::timeoutKillsTheWholeProcessGroup()
{
    Cluster c;
    QVERIFY(startCluster(c));
    const QString pids = c.dir() + u"/pids"_s;
    QString error;
    const QString task = c.createTask(
            {{u"name"_s, u"hangs"_s},
             {u"command"_s, u"sleep 300 & echo $! > %1; sleep 300 & echo $! >> %1; wait"_s.arg(pids)},
             {u"timeout"_s, 1}},
            &error);
    QVERIFY2(!task.isEmpty(), qPrintable(error));
    const HttpReply started = c.post(u"/api/v1/tasks/%1/execute"_s.arg(task), {});
    QCOMPARE(started.status, 202);
    const QString runId = started.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    const QJsonObject run = c.waitForRunEnd(runId, 30000);
    QCOMPARE(run.value(u"state"_s).toString(), u"timed_out"_s);
    const QStringList children = readFile(pids).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(children.size(), 2);
    for (const QString &pid : children)
        QVERIFY2(Cluster::waitUntil([&] { return !processAlive(pid.toLongLong()); }, 5000),
                 qPrintable(u"child %1 survived the timeout"_s.arg(pid)));
}

void TestEndToEnd::agentKilledBeforeTheAckReportsExactlyOnce()
{
    Cluster c;
    QVERIFY(startCluster(c));
    QString error;
    const QString task = c.createTask({{u"name"_s, u"short"_s},
                                       {u"command"_s, u"sleep 1; echo finished"_s}},
                                      &error);
    QVERIFY2(!task.isEmpty(), qPrintable(error));
    const HttpReply started = c.post(u"/api/v1/tasks/%1/execute"_s.arg(task), {});
    const QString runId = started.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    QVERIFY(Cluster::waitUntil(
            [&] { return c.get(u"/api/v1/runs/"_s + runId).json.value(u"state"_s) == u"running"_s; },
            15000));
    // Freeze the master: the agent finishes, spools the result and never sees an ack.
    const pid_t master = pid_t(c.master()->processId());
    ::kill(master, SIGSTOP);
    const QString spool = c.dir() + u"/agents/a1/spool"_s;
    const bool spooled = Cluster::waitUntil(
            [&] { return !QDir(spool).entryList({u"*.json"_s}, QDir::Files).isEmpty(); }, 15000);
    c.stopAgent(u"a1"_s, SIGKILL);
    ::kill(master, SIGCONT);
    QVERIFY2(spooled, qPrintable(c.agentLog(u"a1"_s)));
    // The restarted agent re-sends the spooled result; the master counts it once.
    QVERIFY2(c.startAgent(u"a1"_s, &error), qPrintable(error));
    const QJsonObject run = c.waitForRunEnd(runId, 20000);
    QCOMPARE(run.value(u"state"_s).toString(), u"success"_s);
    QCOMPARE(run.value(u"attempts"_s).toArray().size(), 1);
    int successEvents = 0;
    for (const auto &e : c.get(u"/api/v1/runs/"_s + runId).json.value(u"events"_s).toArray())
        successEvents += e.toObject().value(u"to"_s).toString() == u"success"_s;
    QCOMPARE(successEvents, 1);
    QVERIFY(Cluster::waitUntil(
            [&] { return QDir(spool).entryList({u"*.json"_s}, QDir::Files).isEmpty(); }, 15000));
    QCOMPARE(c.runOutput(runId), QByteArray("finished\n"));
}

void TestEndToEnd::agentKilledMidRunMakesTheRunLostAndRetried()
{
    Cluster c;
    QVERIFY(startCluster(c));
    QString error;
    const QString marker = c.dir() + u"/attempts"_s;
    const QString task = c.createTask({{u"name"_s, u"retried"_s},
                                       {u"command"_s, u"echo x >> %1; sleep 2"_s.arg(marker)},
                                       {u"retries"_s, 1}},
                                      &error);
    QVERIFY2(!task.isEmpty(), qPrintable(error));
    const HttpReply started = c.post(u"/api/v1/tasks/%1/execute"_s.arg(task), {});
    const QString runId = started.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    QVERIFY(Cluster::waitUntil(
            [&] { return c.get(u"/api/v1/runs/"_s + runId).json.value(u"state"_s) == u"running"_s; },
            15000));
    c.stopAgent(u"a1"_s, SIGKILL);
    QVERIFY2(c.startAgent(u"a1"_s, &error), qPrintable(error));
    const QJsonObject run = c.waitForRunEnd(runId, 30000);
    QCOMPARE(run.value(u"state"_s).toString(), u"success"_s);
    const QJsonArray attempts = run.value(u"attempts"_s).toArray();
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts.at(0).toObject().value(u"state"_s).toString(), u"lost"_s);
    QCOMPARE(attempts.at(1).toObject().value(u"state"_s).toString(), u"success"_s);
}

void TestEndToEnd::masterRestartMidRunLosesNothing()
{
    Cluster c;
    QVERIFY(startCluster(c));
    QString error;
    const QString task = c.createTask({{u"name"_s, u"survives"_s},
                                       {u"command"_s, u"sleep 2; echo survived"_s}},
                                      &error);
    QVERIFY2(!task.isEmpty(), qPrintable(error));
    const HttpReply started = c.post(u"/api/v1/tasks/%1/execute"_s.arg(task), {});
    const QString runId = started.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    QVERIFY(Cluster::waitUntil(
            [&] { return c.get(u"/api/v1/runs/"_s + runId).json.value(u"state"_s) == u"running"_s; },
            15000));
    const int api = c.apiPort();
    const int agents = c.agentPort();
    c.stopMaster(SIGKILL);
    QVERIFY2(c.startMaster(&error, {u"--api-port"_s, QString::number(api), u"--agent-port"_s,
                                    QString::number(agents)}),
             qPrintable(error));
    const QJsonObject run = c.waitForRunEnd(runId, 30000);
    QCOMPARE(run.value(u"state"_s).toString(), u"success"_s);
    QCOMPARE(run.value(u"attempts"_s).toArray().size(), 1);
    QCOMPARE(c.runOutput(runId), QByteArray("survived\n"));
    // The task made before the crash is still there.
    QCOMPARE(c.get(u"/api/v1/tasks/survives"_s).status, 200);
}

void TestEndToEnd::badClientsAreRefusedAndNothingIsHarmed()
{
    Cluster c;
    QVERIFY(startCluster(c));

    // A wrong token.
    c.setToken(u"orr_wrong"_s);
    HttpReply r = c.get(u"/api/v1/tasks"_s);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value(u"error"_s).toObject().value(u"code"_s).toString(), u"unauthorized"_s);
    c.setToken(c.adminToken());

    // A client that trusts another CA does not get through TLS.
    {
        QTemporaryDir other;
        Orrery::Net::PkiOptions o;
        o.dir = other.filePath(u"pki"_s);
        QVERIFY(Orrery::Net::initPki(o));
        QWebSocket ws;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(o.dir + u"/ca.crt"_s));
        ws.setSslConfiguration(tls);
        bool sslFailed = false;
        QObject::connect(&ws, &QWebSocket::sslErrors, [&] { sslFailed = true; });
        ws.open(QUrl(u"wss://127.0.0.1:%1"_s.arg(c.agentPort())));
        QVERIFY(Cluster::waitUntil([&] { return sslFailed; }, 10000));
        QVERIFY(ws.state() != QAbstractSocket::ConnectedState);
    }
    // Plain ws:// is refused.
    {
        QWebSocket ws;
        bool connected = false;
        bool failed = false;
        QObject::connect(&ws, &QWebSocket::connected, [&] { connected = true; });
        QObject::connect(&ws, &QWebSocket::disconnected, [&] { failed = true; });
        ws.open(QUrl(u"ws://127.0.0.1:%1"_s.arg(c.agentPort())));
        QVERIFY(Cluster::waitUntil([&] { return failed || connected; }, 10000));
        QVERIFY(!connected);
    }
    // An oversized message over a proper TLS connection: refused, the process carries on.
    {
        QWebSocket ws;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(c.caFile()));
        ws.setSslConfiguration(tls);
        QString reply;
        bool closed = false;
        QObject::connect(&ws, &QWebSocket::textMessageReceived, [&](const QString &m) { reply = m; });
        QObject::connect(&ws, &QWebSocket::disconnected, [&] { closed = true; });
        ws.open(QUrl(u"wss://127.0.0.1:%1"_s.arg(c.agentPort())));
        QVERIFY(Cluster::waitUntil([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 10000));
        ws.sendTextMessage(QString(2 * 1024 * 1024, u'x'));
        QVERIFY(Cluster::waitUntil([&] { return !reply.isEmpty() || closed; }, 10000));
        if (!reply.isEmpty())
            QVERIFY2(reply.contains(u"too_large"_s), qPrintable(reply));
    }
    // The master and the agent are unharmed: a job still runs.
    QVERIFY(c.master()->state() == QProcess::Running);
    QString error;
    const QString task = c.createTask({{u"name"_s, u"still_fine"_s}, {u"command"_s, u"echo ok"_s}},
                                      &error);
    QVERIFY2(!task.isEmpty(), qPrintable(error));
    const HttpReply started = c.post(u"/api/v1/tasks/%1/execute"_s.arg(task), {});
    const QJsonObject run = c.waitForRunEnd(started.json.value(u"run"_s).toObject().value(u"id"_s).toString(), 20000);
    QCOMPARE(run.value(u"state"_s).toString(), u"success"_s);
    // The master's log names the oversized frame.
    QVERIFY2(Cluster::waitUntil([&] { return c.masterLog().contains(u"too_large"_s); }, 10000),
             qPrintable(c.masterLog().right(6000)));
}

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_e2e.moc"

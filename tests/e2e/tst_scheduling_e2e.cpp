// Scheduling end to end: one real orrery-master and three real orrery-agent processes with
// different labels and a simulated load in their heartbeats (ORRERY_AGENT_SIMULATED_LOAD, so
// that the machine's own load does not decide), driven through the REST API.
//
//   a1  zone=sh role=app  max_parallel 4  cpu 20 %
//   a2  zone=bj role=app  max_parallel 4  cpu 40 %
//   a3  zone=sh role=db   max_parallel 1  cpu 95 %
//
// The cluster is shared by the tests (each uses its own task names); a test that kills an
// agent starts it again before it ends.

#include "cluster.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <csignal>

using namespace Qt::StringLiterals;
using Orrery::Testing::AgentOptions;
using Orrery::Testing::Cluster;
using Orrery::Testing::HttpReply;

namespace {

struct AgentSpec
{
    QString name;
    AgentOptions options;
};

QList<AgentSpec> agentSpecs()
{
    return {
            {u"a1"_s, {{{u"zone"_s, u"sh"_s}, {u"role"_s, u"app"_s}}, 4, u"cpu=20,memory=8G"_s}},
            {u"a2"_s, {{{u"zone"_s, u"bj"_s}, {u"role"_s, u"app"_s}}, 4, u"cpu=40,memory=8G"_s}},
            {u"a3"_s, {{{u"zone"_s, u"sh"_s}, {u"role"_s, u"db"_s}}, 1, u"cpu=95,memory=8G"_s}},
    };
}

}  // namespace

class TestSchedulingEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void retryAfterAgentKilledRunsOnAnotherNode();

private:
    // POST /api/v1/apply of a pipeline file; a failed test when the master refuses it.
    bool apply(const QString &fileName, const QByteArray &yaml);
    // POST .../execute: the new run's id, or empty.
    QString execute(const QString &task);
    QJsonObject run(const QString &id) { return m_cluster.get(u"/api/v1/runs/"_s + id).json; }
    bool waitForState(const QString &runId, const QString &state, int timeoutMs);

    Cluster m_cluster;
};

void TestSchedulingEndToEnd::initTestCase()
{
    QString error;
    // Lost runs are noticed after two missed 1 s heartbeats.
    QVERIFY2(m_cluster.init(&error, "missed_heartbeats: 2\n"), qPrintable(error));
    QVERIFY2(!m_cluster.createAdminToken(&error).isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster.startMaster(&error), qPrintable(error));
    for (const AgentSpec &a : agentSpecs())
        QVERIFY2(m_cluster.startAgent(a.name, a.options, &error), qPrintable(error));
    // Every agent's simulated load has reached the master.
    for (const AgentSpec &a : agentSpecs()) {
        const double cpu = a.options.simulatedLoad.section(u',', 0, 0).mid(4).toDouble();
        QVERIFY2(Cluster::waitUntil(
                         [&] {
                             return m_cluster.node(a.name).value(u"cpu_percent"_s).toDouble()
                                    == cpu;
                         },
                         10000),
                 QJsonDocument(m_cluster.node(a.name)).toJson().constData());
        QCOMPARE(m_cluster.node(a.name).value(u"labels"_s).toObject().value(u"zone"_s).toString(),
                 a.options.labels.value(u"zone"_s));
    }
}

bool TestSchedulingEndToEnd::apply(const QString &fileName, const QByteArray &yaml)
{
    const HttpReply r = m_cluster.request("POST", u"/api/v1/apply?file="_s + fileName, yaml,
                                          "application/yaml");
    if (r.status != 200)
        qWarning().noquote() << "apply" << fileName << r.status << r.body << r.networkError;
    return r.status == 200;
}

QString TestSchedulingEndToEnd::execute(const QString &task)
{
    const HttpReply r = m_cluster.post(u"/api/v1/tasks/%1/execute"_s.arg(task), {});
    if (r.status != 202)
        qWarning().noquote() << "execute" << task << r.status << r.body;
    return r.json.value(u"run"_s).toObject().value(u"id"_s).toString();
}

bool TestSchedulingEndToEnd::waitForState(const QString &runId, const QString &state, int timeoutMs)
{
    return Cluster::waitUntil([&] { return run(runId).value(u"state"_s).toString() == state; },
                              timeoutMs);
}

// The retry of a run whose agent died (`lost`) goes to another node, even when the node that
// lost it is back by the time the retry is placed.
void TestSchedulingEndToEnd::retryAfterAgentKilledRunsOnAnotherNode()
{
    // a1 or a2 (role=app); the retry waits 3 s, by then the killed agent is connected again.
    QVERIFY(apply(u"retry_elsewhere.yaml"_s,
                  "name: retry_elsewhere\n"
                  "pipeline:\n"
                  "  - name: lands_elsewhere\n"
                  "    command: sleep 2\n"
                  "    labels: {role: app}\n"
                  "    retries: 1\n"
                  "    retry_delay: 3s\n"));
    const QString id = execute(u"lands_elsewhere"_s);
    QVERIFY(!id.isEmpty());
    QVERIFY(waitForState(id, u"running"_s, 10000));
    const QString first = run(id).value(u"node"_s).toString();
    QVERIFY2(first == u"a1"_s || first == u"a2"_s, qPrintable(first));

    m_cluster.stopAgent(first, SIGKILL);
    QString error;
    QVERIFY2(m_cluster.startAgent(first, agentSpecs().at(first == u"a1"_s ? 0 : 1).options, &error),
             qPrintable(error));
    // `lost` until the retry starts.
    QVERIFY2(waitForState(id, u"success"_s, 20000), QJsonDocument(run(id)).toJson().constData());
    const QJsonObject ended = run(id);
    const QJsonArray attempts = ended.value(u"attempts"_s).toArray();
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts.at(0).toObject().value(u"state"_s).toString(), u"lost"_s);
    QCOMPARE(attempts.at(0).toObject().value(u"node"_s).toString(), first);
    const QString second = attempts.at(1).toObject().value(u"node"_s).toString();
    QCOMPARE(second, first == u"a1"_s ? u"a2"_s : u"a1"_s);
}

QTEST_GUILESS_MAIN(TestSchedulingEndToEnd)
#include "tst_scheduling_e2e.moc"

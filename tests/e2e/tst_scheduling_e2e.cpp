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
#include <QFile>
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

// A command that appends "<label> s <us>" before `body` and "<label> e <us>" after it to
// `file`: start and end as the job itself saw them, in microseconds (bash's EPOCHREALTIME, one
// process per run instead of a `date` before and after).
QString stamped(const QString &file, const QString &label, const QString &body)
{
    return u"exec bash -c \"echo %2 s \\${EPOCHREALTIME/./} >> %1; %3; echo %2 e \\${EPOCHREALTIME/./} >> %1\""_s
            .arg(file, label, body);
}

struct Interval
{
    QString label;
    qint64 start = 0;
    qint64 end = 0;
};

// The intervals stamped() wrote, sorted by start.
QList<Interval> readStamps(const QString &file)
{
    QFile f(file);
    QMap<QString, Interval> byLabel;
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : f.readAll().split('\n')) {
            const QList<QByteArray> w = line.trimmed().split(' ');
            if (w.size() != 3)
                continue;
            Interval &i = byLabel[QString::fromUtf8(w[0])];
            i.label = QString::fromUtf8(w[0]);
            (w[1] == "s" ? i.start : i.end) = w[2].toLongLong();
        }
    }
    QList<Interval> out = byLabel.values();
    std::sort(out.begin(), out.end(),
              [](const Interval &a, const Interval &b) { return a.start < b.start; });
    return out;
}

// "task@node state (waiting reason)" for each run of a pipeline run, for failure messages.
QByteArray summary(const QJsonObject &pipelineRun)
{
    QStringList out{pipelineRun.value(u"state"_s).toString()};
    for (const auto &v : pipelineRun.value(u"runs"_s).toArray()) {
        const QJsonObject r = v.toObject();
        out << u"%1@%2 %3 (%4)"_s.arg(r.value(u"task"_s).toString(), r.value(u"node"_s).toString(),
                                      r.value(u"state"_s).toString(),
                                      r.value(u"waiting_reason"_s).toString());
    }
    return out.join(u"; "_s).toUtf8();
}

QDateTime instant(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODate);
}

struct AgentSpec
{
    QString name;
    AgentOptions options;
};

AgentSpec agentSpec(const QString &name, const QMap<QString, QString> &labels, int maxParallel,
                    const QString &simulatedLoad)
{
    AgentSpec spec{name, {}};
    spec.options.labels = labels;
    spec.options.maxParallel = maxParallel;
    spec.options.simulatedLoad = simulatedLoad;
    return spec;
}

QList<AgentSpec> agentSpecs()
{
    return {
            agentSpec(u"a1"_s, {{u"zone"_s, u"sh"_s}, {u"role"_s, u"app"_s}}, 4, u"cpu=20,memory=8G"_s),
            agentSpec(u"a2"_s, {{u"zone"_s, u"bj"_s}, {u"role"_s, u"app"_s}}, 4, u"cpu=40,memory=8G"_s),
            agentSpec(u"a3"_s, {{u"zone"_s, u"sh"_s}, {u"role"_s, u"db"_s}}, 1, u"cpu=95,memory=8G"_s),
    };
}

}  // namespace

class TestSchedulingEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void seedPipelineWaitsForTheLockASecondPipelineHolds();
    void p0PreemptsAP3();
    void conditionSkipPropagates();
    void broadcastRunsOnEveryNode();
    void retryAfterAgentKilledRunsOnAnotherNode();
    void capacityOneLockHoldersNeverOverlap();
    void resourceAwareDispatchSkipsTheBusyNode();

private:
    // POST /api/v1/apply of a pipeline file; a failed test when the master refuses it.
    bool apply(const QString &fileName, const QByteArray &yaml);
    // POST .../execute: the new run's id, or empty.
    QString execute(const QString &task);
    QJsonObject run(const QString &id) { return m_cluster.get(u"/api/v1/runs/"_s + id).json; }
    bool waitForState(const QString &runId, const QString &state, int timeoutMs);
    // The newest run of a task (its JSON), or an empty object.
    QJsonObject lastRun(const QString &task);

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

QJsonObject TestSchedulingEndToEnd::lastRun(const QString &task)
{
    const QJsonArray runs
            = m_cluster.get(u"/api/v1/tasks/%1/runs"_s.arg(task)).json.value(u"runs"_s).toArray();
    return runs.isEmpty() ? QJsonObject() : runs.first().toObject();
}

// The seed's pipeline as printed: data_load holds database_lock: primary_db. A second pipeline
// holds the same lock; data_load waits (with a reason) until that run has ended.
void TestSchedulingEndToEnd::seedPipelineWaitsForTheLockASecondPipelineHolds()
{
    const QString stamps = m_cluster.dir() + u"/seed-stamps"_s;
    QFile seed(QStringLiteral(ORRERY_SOURCE_DIR "/examples/data_pipeline.yaml"));
    QVERIFY(seed.open(QIODevice::ReadOnly));
    QString yaml = QString::fromUtf8(seed.readAll());
    for (const QString &job : {u"data_extract"_s, u"data_transform"_s, u"data_load"_s}) {
        yaml.replace(u"- name: "_s + job, u"- name: %1\n    command: '%2'"_s.arg(
                                                  job, stamped(stamps, job, u"sleep 0.2"_s)));
    }
    QVERIFY(apply(u"data_pipeline.yaml"_s, yaml.toUtf8()));
    QVERIFY(apply(u"db_maintenance.yaml"_s,
                  "pipeline:\n"
                  "  - name: db_vacuum\n"
                  "    command: '"
                          + stamped(stamps, u"db_vacuum"_s, u"sleep 3"_s).toUtf8()
                          + "'\n"
                            "    resources:\n"
                            "      - database_lock: primary_db\n"));

    const QString vacuum = execute(u"db_vacuum"_s);
    QVERIFY(waitForState(vacuum, u"running"_s, 10000));
    QVERIFY(!execute(u"data_extract"_s).isEmpty());
    // data_load is created once data_transform succeeded, and waits for the lock.
    QJsonObject load;
    QVERIFY2(Cluster::waitUntil(
                     [&] {
                         load = lastRun(u"data_load"_s);
                         return !load.isEmpty();
                     },
                     10000),
             qPrintable(m_cluster.masterLog().right(4000)));
    if (run(vacuum).value(u"state"_s).toString() == u"running"_s) {
        QCOMPARE(load.value(u"state"_s).toString(), u"waiting"_s);
        QVERIFY(!run(load.value(u"id"_s).toString())
                         .value(u"waiting_reason"_s)
                         .toString()
                         .isEmpty());
    }
    QVERIFY(waitForState(load.value(u"id"_s).toString(), u"success"_s, 20000));
    const QJsonObject vacuumRun = run(vacuum);
    QCOMPARE(vacuumRun.value(u"state"_s).toString(), u"success"_s);
    load = run(load.value(u"id"_s).toString());
    QVERIFY(instant(load.value(u"started_at"_s)) >= instant(vacuumRun.value(u"finished_at"_s)));

    // As the jobs saw it: the pipeline in order, data_load after db_vacuum.
    QHash<QString, Interval> at;
    for (const Interval &i : readStamps(stamps))
        at.insert(i.label, i);
    QCOMPARE(at.size(), 4);
    QVERIFY(at[u"data_transform"_s].start >= at[u"data_extract"_s].end);
    QVERIFY(at[u"data_load"_s].start >= at[u"data_transform"_s].end);
    // data_load was ready while db_vacuum still held the lock, and started only after it.
    QVERIFY(at[u"data_transform"_s].end < at[u"db_vacuum"_s].end);
    QVERIFY2(at[u"data_load"_s].start >= at[u"db_vacuum"_s].end,
             qPrintable(u"data_load started %1 ms before db_vacuum ended"_s.arg(
                     (at[u"db_vacuum"_s].end - at[u"data_load"_s].start) / 1000)));
}

// a3 (role=db) takes one run at a time. A P3 runs there; a P0 for the same node stops it, runs,
// and the P3 starts again as a new attempt.
void TestSchedulingEndToEnd::p0PreemptsAP3()
{
    // Two files: running a root job runs every root job of its pipeline.
    QVERIFY(apply(u"low_report.yaml"_s,
                  "pipeline:\n"
                  "  - name: low_report\n"
                  "    command: sleep 30\n"
                  "    priority: P3\n"
                  "    strategy: round_robin\n"
                  "    labels: {role: db}\n"));
    QVERIFY(apply(u"urgent_fix.yaml"_s,
                  "pipeline:\n"
                  "  - name: urgent_fix\n"
                  "    command: echo fixed\n"
                  "    priority: P0\n"
                  "    strategy: round_robin\n"
                  "    labels: {role: db}\n"));
    const QString low = execute(u"low_report"_s);
    QVERIFY(waitForState(low, u"running"_s, 10000));
    QCOMPARE(run(low).value(u"node"_s).toString(), u"a3"_s);

    const QString urgent = execute(u"urgent_fix"_s);
    const QJsonObject urgentRun = m_cluster.waitForRunEnd(urgent, 20000);
    QCOMPARE(urgentRun.value(u"state"_s).toString(), u"success"_s);
    QCOMPARE(urgentRun.value(u"node"_s).toString(), u"a3"_s);

    // The P3 ran again after the P0: a second attempt on a3.
    QVERIFY2(Cluster::waitUntil(
                     [&] {
                         const QJsonObject r = run(low);
                         return r.value(u"attempts"_s).toArray().size() == 2
                                && r.value(u"state"_s).toString() == u"running"_s;
                     },
                     15000),
             QJsonDocument(run(low)).toJson().constData());
    const QJsonArray attempts = run(low).value(u"attempts"_s).toArray();
    const QJsonObject first = attempts.at(0).toObject();
    QCOMPARE(first.value(u"node"_s).toString(), u"a3"_s);
    // Its history says which run preempted it.
    bool named = false;
    const QJsonArray events = run(low).value(u"events"_s).toArray();
    for (const auto &e : events)
        named = named || e.toObject().value(u"reason"_s).toString().contains(urgent);
    QVERIFY2(named, QJsonDocument(events).toJson().constData());
    QVERIFY(instant(first.value(u"finished_at"_s)) <= instant(urgentRun.value(u"started_at"_s)));
    const QJsonObject second = attempts.at(1).toObject();
    QCOMPARE(second.value(u"node"_s).toString(), u"a3"_s);
    QVERIFY(instant(second.value(u"started_at"_s)) >= instant(urgentRun.value(u"finished_at"_s)));
    QCOMPARE(m_cluster.post(u"/api/v1/runs/%1/stop"_s.arg(low), {}).status, 200);
    QCOMPARE(m_cluster.waitForRunEnd(low, 10000).value(u"state"_s).toString(), u"cancelled"_s);
}

// probe prints ::set ready=no; the job whose condition wants "yes" is skipped, and so is the
// job after it; the job whose condition wants "no" runs.
void TestSchedulingEndToEnd::conditionSkipPropagates()
{
    const QString marks = m_cluster.dir() + u"/condition-marks"_s;
    QVERIFY(apply(u"conditions.yaml"_s,
                  QByteArray("pipeline:\n"
                             "  - name: probe\n"
                             "    command: echo ::set ready=no\n"
                             "  - name: load_when_ready\n"
                             "    dependencies: [probe]\n"
                             "    condition: '${upstream.probe.ready} == \"yes\"'\n"
                             "    command: echo load >> MARKS\n"
                             "  - name: report_after_load\n"
                             "    dependencies: [load_when_ready]\n"
                             "    command: echo report >> MARKS\n"
                             "  - name: alert_when_not_ready\n"
                             "    dependencies: [probe]\n"
                             "    condition: '${upstream.probe.ready} == \"no\" && "
                             "${upstream.probe.exit_code} == 0'\n"
                             "    command: echo alert >> MARKS\n")
                          .replace("MARKS", marks.toUtf8())));
    QVERIFY(!execute(u"probe"_s).isEmpty());
    QVERIFY(Cluster::waitUntil(
            [&] {
                return lastRun(u"report_after_load"_s).value(u"state"_s).toString() == u"skipped"_s
                       && lastRun(u"alert_when_not_ready"_s).value(u"state"_s).toString()
                                  == u"success"_s;
            },
            20000));
    QCOMPARE(lastRun(u"probe"_s).value(u"state"_s).toString(), u"success"_s);
    const QJsonObject load = lastRun(u"load_when_ready"_s);
    QCOMPARE(load.value(u"state"_s).toString(), u"skipped"_s);
    QVERIFY(load.value(u"node"_s).isNull());
    QVERIFY(lastRun(u"report_after_load"_s).value(u"node"_s).isNull());
    QFile f(marks);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("alert\n"));
}

// A broadcast job runs once on each of the three nodes (a3's 95 % CPU does not matter to a
// broadcast); the job after it starts once all three have succeeded.
void TestSchedulingEndToEnd::broadcastRunsOnEveryNode()
{
    const QString stamps = m_cluster.dir() + u"/broadcast-stamps"_s;
    QVERIFY(apply(u"everywhere.yaml"_s,
                  "name: everywhere\n"
                  "pipeline:\n"
                  "  - name: clean_logs\n"
                  "    strategy: broadcast\n"
                  "    command: '"
                          + stamped(stamps, u"$ORRERY_RUN_ID"_s, u"sleep 0.3"_s).toUtf8()
                          + "'\n"
                            "  - name: report_cleaned\n"
                            "    dependencies: [clean_logs]\n"
                            "    command: '"
                          + stamped(stamps, u"report"_s, u":"_s).toUtf8() + "'\n"));
    const HttpReply started = m_cluster.post(u"/api/v1/pipelines/everywhere/run"_s, {});
    QVERIFY2(started.status == 201, started.body.constData());
    const QString id = started.json.value(u"id"_s).toString();
    QJsonObject p;
    QVERIFY2(Cluster::waitUntil(
                     [&] {
                         p = m_cluster.get(u"/api/v1/pipeline-runs/"_s + id).json;
                         return p.value(u"state"_s).toString() != u"running"_s;
                     },
                     30000),
             summary(p).constData());
    QCOMPARE(p.value(u"state"_s).toString(), u"success"_s);

    QStringList cleanNodes;
    QStringList cleanRuns;
    QJsonObject report;
    for (const auto &v : p.value(u"runs"_s).toArray()) {
        const QJsonObject r = v.toObject();
        QCOMPARE(r.value(u"state"_s).toString(), u"success"_s);
        if (r.value(u"task"_s).toString() == u"clean_logs"_s) {
            cleanNodes << r.value(u"node"_s).toString();
            cleanRuns << r.value(u"id"_s).toString();
        } else {
            report = r;
        }
    }
    cleanNodes.sort();
    QCOMPARE(cleanNodes, QStringList({u"a1"_s, u"a2"_s, u"a3"_s}));
    QCOMPARE(report.value(u"task"_s).toString(), u"report_cleaned"_s);

    // By the jobs' own clocks: report_cleaned started after every clean_logs run ended.
    QHash<QString, Interval> at;
    for (const Interval &i : readStamps(stamps))
        at.insert(i.label, i);
    QCOMPARE(at.size(), 4);
    for (const QString &run : std::as_const(cleanRuns)) {
        QVERIFY2(at.contains(run), qPrintable(run));
        QVERIFY(at[u"report"_s].start >= at[run].end);
    }
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

// Two pipelines of 100 independent jobs each, all holding stress_lock (capacity 1), started
// at once on three agents with 9 slots between them: no two of the 200 runs ever overlap, by
// the master's records and by the times the jobs themselves wrote.
void TestSchedulingEndToEnd::capacityOneLockHoldersNeverOverlap()
{
    const QString stamps = m_cluster.dir() + u"/lock-stamps"_s;
    for (const QString &pipeline : {u"stress_a"_s, u"stress_b"_s}) {
        QByteArray yaml = "name: " + pipeline.toUtf8() + "\npipeline:\n";
        for (int i = 0; i < 100; ++i) {
            yaml += "  - name: " + pipeline.toUtf8() + '_' + QByteArray::number(i) + "\n"
                    + "    command: '" + stamped(stamps, u"$ORRERY_RUN_ID"_s, u":"_s).toUtf8()
                    + "'\n    strategy: round_robin\n"
                    + "    resources:\n      - stress_lock: shared\n";
        }
        QVERIFY(apply(pipeline + u".yaml"_s, yaml));
    }
    QStringList pipelineRuns;
    for (const QString &pipeline : {u"stress_a"_s, u"stress_b"_s}) {
        const HttpReply r = m_cluster.post(u"/api/v1/pipelines/%1/run"_s.arg(pipeline), {});
        QVERIFY2(r.status == 201, r.body.constData());
        pipelineRuns << r.json.value(u"id"_s).toString();
    }
    QList<QJsonObject> runs;
    for (const QString &id : std::as_const(pipelineRuns)) {
        QJsonObject p;
        QVERIFY2(Cluster::waitUntil(
                         [&] {
                             p = m_cluster.get(u"/api/v1/pipeline-runs/"_s + id).json;
                             return p.value(u"state"_s).toString() != u"running"_s;
                         },
                         120000),
                 summary(p).constData());
        QCOMPARE(p.value(u"state"_s).toString(), u"success"_s);
        for (const auto &r : p.value(u"runs"_s).toArray())
            runs << r.toObject();
    }
    QCOMPARE(runs.size(), 200);

    // The jobs' own clock (us): strictly one after the other.
    const QList<Interval> seen = readStamps(stamps);
    QCOMPARE(seen.size(), 200);
    for (qsizetype i = 1; i < seen.size(); ++i) {
        QVERIFY2(seen[i].start >= seen[i - 1].end,
                 qPrintable(u"run %1 started %2 us before run %3 ended"_s.arg(
                         seen[i].label, QString::number(seen[i - 1].end - seen[i].start),
                         seen[i - 1].label)));
    }
    // The master's records are in whole seconds: two runs overlapped for sure when each
    // started in an earlier second than the other finished.
    for (const QJsonObject &a : std::as_const(runs)) {
        QCOMPARE(a.value(u"state"_s).toString(), u"success"_s);
        for (const QJsonObject &b : std::as_const(runs)) {
            const bool overlap
                    = instant(a.value(u"started_at"_s)) < instant(b.value(u"finished_at"_s))
                      && instant(b.value(u"started_at"_s)) < instant(a.value(u"finished_at"_s));
            QVERIFY2(!overlap || a.value(u"id"_s) == b.value(u"id"_s),
                     qPrintable(u"runs %1 and %2 overlap"_s.arg(a.value(u"id"_s).toString(),
                                                                b.value(u"id"_s).toString())));
        }
    }
}

// a3 reports 95 % CPU: resource-aware dispatch sends it nothing, and a job only a3 could take
// waits with a reason.
void TestSchedulingEndToEnd::resourceAwareDispatchSkipsTheBusyNode()
{
    QVERIFY(apply(u"aware_any.yaml"_s,
                  "pipeline:\n"
                  "  - name: aware_any\n"
                  "    command: sleep 0.5\n"
                  "    concurrency: allow\n"
                  "    strategy: resource_aware\n"));
    QVERIFY(apply(u"aware_db_only.yaml"_s,
                  "pipeline:\n"
                  "  - name: aware_db_only\n"
                  "    command: echo never\n"
                  "    strategy: resource_aware\n"
                  "    labels: {role: db}\n"));
    QStringList ids;
    for (int i = 0; i < 8; ++i)
        ids << execute(u"aware_any"_s);
    QMap<QString, int> perNode;
    for (const QString &id : std::as_const(ids)) {
        const QJsonObject r = m_cluster.waitForRunEnd(id, 20000);
        QCOMPARE(r.value(u"state"_s).toString(), u"success"_s);
        ++perNode[r.value(u"node"_s).toString()];
    }
    QCOMPARE(perNode.value(u"a3"_s), 0);
    QCOMPARE(perNode.value(u"a1"_s) + perNode.value(u"a2"_s), 8);

    const QString db = execute(u"aware_db_only"_s);
    QVERIFY(Cluster::waitUntil(
            [&] { return !run(db).value(u"waiting_reason"_s).toString().isEmpty(); }, 10000));
    QCOMPARE(run(db).value(u"state"_s).toString(), u"waiting"_s);
    QVERIFY(run(db).value(u"node"_s).isNull());
    QCOMPARE(m_cluster.post(u"/api/v1/runs/%1/stop"_s.arg(db), {}).status, 200);
    QCOMPARE(m_cluster.waitForRunEnd(db, 10000).value(u"state"_s).toString(), u"cancelled"_s);
}

QTEST_GUILESS_MAIN(TestSchedulingEndToEnd)
#include "tst_scheduling_e2e.moc"

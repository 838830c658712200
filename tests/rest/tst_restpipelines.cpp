// The pipeline routes (list, show as JSON and YAML, manual pipeline runs and their runs) and
// node drain over real HTTPS on loopback, with the engine in process.

#include "restfixture.h"

#include <config/pipelinefile.h>

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Test;

namespace {

QString reply(const HttpReply &r)
{
    return u"HTTP %1 %2 %3"_s.arg(r.status).arg(QString::fromUtf8(r.body), r.transportError);
}

// Two jobs with commands (no agent is connected: their runs wait) and one edge.
const QByteArray kTwoSteps = R"(name: two_steps
pipeline:
  - name: step_a
    command: "true"
    schedule: "30 4 * * *"
  - name: step_b
    command: "true"
    dependencies:
      - task: step_a
        status: success
)";

QStringList taskNames(const QJsonArray &runs)
{
    QStringList out;
    for (const QJsonValue &v : runs)
        out.append(v.toObject().value(u"task"_s).toString());
    return out;
}

QStringList states(const QJsonArray &runs)
{
    QStringList out;
    for (const QJsonValue &v : runs)
        out.append(v.toObject().value(u"state"_s).toString());
    return out;
}

}  // namespace

class tst_RestPipelines : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void seedPipelineRunsToTheEnd();
    void stoppedRootSkipsTheRest();
    void showAsJsonAndYaml();
    void backfill();
    void notFound_data();
    void notFound();
    void roles();
    void drainAndEnable();

private:
    HttpReply apply(const QByteArray &yaml, const QString &file);

    QTemporaryDir m_pkiDir;
    Net::PkiFiles m_pki;
    std::unique_ptr<RestFixture> m_f;
};

void tst_RestPipelines::initTestCase()
{
    QVERIFY(m_pkiDir.isValid());
    const Result<Net::PkiFiles> pki = RestFixture::makePki(m_pkiDir.filePath(u"pki"_s));
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error().toString()));
    m_pki = *pki;
}

void tst_RestPipelines::init()
{
    m_f = std::make_unique<RestFixture>();
    // A node the engine knows from the store (enrolled earlier, not connected now).
    const QString error = m_f->start(m_pki, {}, [](Store &store) {
        NodeRecord node;
        node.name = u"node-1"_s;
        node.labels = {{u"zone"_s, u"sh"_s}};
        node.state = NodeState::Offline;
        const auto stored = store.upsertNode(node);
        return stored ? QString() : stored.error().toString();
    });
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_RestPipelines::cleanup()
{
    m_f.reset();
}

HttpReply tst_RestPipelines::apply(const QByteArray &yaml, const QString &file)
{
    return m_f->request("POST", u"/api/v1/apply?file="_s + file, yaml, m_f->adminToken,
                        "application/yaml");
}

// The seed's pipeline has no commands: every job succeeds at once, in dependency order.
void tst_RestPipelines::seedPipelineRunsToTheEnd()
{
    const QByteArray yaml = RestFixture::readFile(QStringLiteral(ORRERY_SOURCE_DIR)
                                                  + u"/examples/data_pipeline.yaml"_s);
    HttpReply r = apply(yaml, u"data_pipeline.yaml"_s);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));

    r = m_f->get(u"/api/v1/pipelines"_s, m_f->viewerToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QJsonArray list = r.json.value(u"pipelines"_s).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.at(0).toObject().value(u"name"_s).toString(), u"data_pipeline"_s);
    QCOMPARE(list.at(0).toObject().value(u"tasks"_s).toInt(), 3);
    QCOMPARE(list.at(0).toObject().value(u"schedule"_s).toString(), u"0 2 * * *"_s);
    QVERIFY(list.at(0).toObject().value(u"last_run"_s).isNull());

    r = m_f->request("POST", u"/api/v1/pipelines/data_pipeline/run"_s, {}, m_f->operatorToken);
    QVERIFY2(r.status == 201, qPrintable(reply(r)));
    const QString id = r.json.value(u"id"_s).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(r.json.value(u"pipeline"_s).toString(), u"data_pipeline"_s);
    QCOMPARE(r.json.value(u"trigger"_s).toString(), u"manual"_s);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"success"_s);
    const QJsonArray runs = r.json.value(u"runs"_s).toArray();
    QCOMPARE(taskNames(runs),
             (QStringList{u"data_extract"_s, u"data_transform"_s, u"data_load"_s}));
    QCOMPARE(states(runs), (QStringList{u"success"_s, u"success"_s, u"success"_s}));
    // The first run names the pipeline run.
    QCOMPARE(runs.at(0).toObject().value(u"id"_s).toString(), id);
    QCOMPARE(runs.at(0).toObject().value(u"attempt"_s).toInt(), 1);
    QCOMPARE(runs.at(0).toObject().value(u"exit_code"_s).toInt(), 0);

    r = m_f->get(u"/api/v1/pipeline-runs/"_s + id, m_f->viewerToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"id"_s).toString(), id);
    QCOMPARE(taskNames(r.json.value(u"runs"_s).toArray()).size(), 3);

    // A second pipeline run; the list is newest first.
    r = m_f->request("POST", u"/api/v1/pipelines/data_pipeline/run"_s, {}, m_f->adminToken);
    QVERIFY2(r.status == 201, qPrintable(reply(r)));
    const QString second = r.json.value(u"id"_s).toString();
    QVERIFY(second != id);
    r = m_f->get(u"/api/v1/pipelines/data_pipeline/runs"_s, m_f->viewerToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    list = r.json.value(u"pipeline_runs"_s).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(u"id"_s).toString(), second);
    QCOMPARE(list.at(1).toObject().value(u"id"_s).toString(), id);
    r = m_f->get(u"/api/v1/pipelines/data_pipeline/runs?limit=1"_s, m_f->viewerToken);
    QCOMPARE(r.json.value(u"pipeline_runs"_s).toArray().size(), 1);

    r = m_f->get(u"/api/v1/pipelines"_s, m_f->viewerToken);
    const QJsonObject last = r.json.value(u"pipelines"_s)
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value(u"last_run"_s)
                                     .toObject();
    QCOMPARE(last.value(u"id"_s).toString(), second);
    QCOMPARE(last.value(u"state"_s).toString(), u"success"_s);

    // Audited with the token's name.
    const auto audit = m_f->store->listAudit(10);
    QVERIFY(audit);
    int pipelineRuns = 0;
    for (const AuditEntry &e : *audit) {
        if (e.action == u"pipeline.run"_s) {
            ++pipelineRuns;
            QCOMPARE(e.target, u"data_pipeline"_s);
        }
    }
    QCOMPARE(pipelineRuns, 2);
}

// No agent: the root waits; stopping it cancels it, and the job behind it is skipped.
void tst_RestPipelines::stoppedRootSkipsTheRest()
{
    HttpReply r = apply(kTwoSteps, u"two_steps.yaml"_s);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    r = m_f->request("POST", u"/api/v1/pipelines/two_steps/run"_s, {}, m_f->operatorToken);
    QVERIFY2(r.status == 201, qPrintable(reply(r)));
    const QString id = r.json.value(u"id"_s).toString();
    QCOMPARE(r.json.value(u"state"_s).toString(), u"running"_s);
    QCOMPARE(taskNames(r.json.value(u"runs"_s).toArray()), QStringList{u"step_a"_s});
    QCOMPARE(states(r.json.value(u"runs"_s).toArray()), QStringList{u"waiting"_s});
    QVERIFY(r.json.value(u"runs"_s).toArray().at(0).toObject().value(u"node"_s).isNull());

    r = m_f->request("POST", u"/api/v1/runs/"_s + id + u"/stop"_s, {}, m_f->operatorToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    r = m_f->get(u"/api/v1/pipeline-runs/"_s + id, m_f->viewerToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(taskNames(r.json.value(u"runs"_s).toArray()), (QStringList{u"step_a"_s, u"step_b"_s}));
    QCOMPARE(states(r.json.value(u"runs"_s).toArray()),
             (QStringList{u"cancelled"_s, u"skipped"_s}));
    QCOMPARE(r.json.value(u"state"_s).toString(), u"cancelled"_s);

    // Re-run from the failed jobs: both get a new attempt; step_b waits for step_a.
    r = m_f->request("POST", u"/api/v1/pipeline-runs/"_s + id + u"/rerun"_s, {}, m_f->viewerToken);
    QCOMPARE(r.status, 403);
    r = m_f->request("POST", u"/api/v1/pipeline-runs/"_s + id + u"/rerun"_s, {},
                     m_f->operatorToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"state"_s).toString(), u"running"_s);
    const QJsonArray runs = r.json.value(u"runs"_s).toArray();
    QCOMPARE(states(runs), (QStringList{u"waiting"_s, u"waiting"_s}));
    QCOMPARE(runs.at(0).toObject().value(u"attempt"_s).toInt(), 2);
    QCOMPARE(runs.at(1).toObject().value(u"waiting_reason"_s).toString(),
             u"waiting for its upstream tasks"_s);
    r = m_f->request("POST", u"/api/v1/pipeline-runs/"_s + id + u"/rerun"_s, {},
                     m_f->operatorToken);
    QCOMPARE(r.status, 409);
}

void tst_RestPipelines::showAsJsonAndYaml()
{
    HttpReply r = apply(kTwoSteps, u"two_steps.yaml"_s);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QStringList ids;
    for (const QJsonValue &t : r.json.value(u"tasks"_s).toArray())
        ids.append(t.toObject().value(u"id"_s).toString());

    r = m_f->get(u"/api/v1/pipelines/two_steps"_s, m_f->viewerToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"name"_s).toString(), u"two_steps"_s);
    QStringList names;
    for (const QJsonValue &t : r.json.value(u"tasks"_s).toArray())
        names.append(t.toObject().value(u"name"_s).toString());
    QCOMPARE(names, (QStringList{u"step_a"_s, u"step_b"_s}));
    QCOMPARE(r.json.value(u"edges"_s).toArray(),
             (QJsonArray{QJsonObject{{u"from"_s, u"step_a"_s},
                                     {u"to"_s, u"step_b"_s},
                                     {u"status"_s, u"success"_s}}}));

    r = m_f->get(u"/api/v1/pipelines/two_steps?format=yaml"_s, m_f->viewerToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.header("Content-Type"), QByteArray("application/yaml"));
    const Result<Pipeline> parsed = Config::parsePipeline(r.body, u"two_steps.yaml"_s);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().toString()));
    QCOMPARE(parsed->name, u"two_steps"_s);
    QCOMPARE(parsed->jobs.size(), 2);
    QCOMPARE(parsed->jobs.at(1).dependencies.size(), 1);
    QCOMPARE(parsed->jobs.at(0).schedule, u"30 4 * * *"_s);

    // The YAML goes back through apply and changes nothing: the same tasks, the same ids.
    r = apply(r.body, u"two_steps.yaml"_s);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QStringList again;
    for (const QJsonValue &t : r.json.value(u"tasks"_s).toArray())
        again.append(t.toObject().value(u"id"_s).toString());
    QCOMPARE(again, ids);

    r = m_f->get(u"/api/v1/pipelines/two_steps?format=xml"_s, m_f->viewerToken);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorField(), u"format"_s);
}

// The seed's pipeline over three days, serially: three pipeline runs (trigger backfill, one
// per 02:00 fire), all done at once since its jobs have no commands.
void tst_RestPipelines::backfill()
{
    const QByteArray yaml = RestFixture::readFile(QStringLiteral(ORRERY_SOURCE_DIR)
                                                  + u"/examples/data_pipeline.yaml"_s);
    QVERIFY(apply(yaml, u"data_pipeline.yaml"_s).status == 200);
    HttpReply r = m_f->post(u"/api/v1/pipelines/data_pipeline/backfill"_s,
                            QJsonObject{{u"from"_s, u"2025-12-01T00:00:00Z"_s},
                                        {u"to"_s, u"2025-12-03T23:00:00Z"_s}},
                            m_f->operatorToken);
    QVERIFY2(r.status == 202, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"concurrency"_s).toInt(), 1);
    QCOMPARE(r.json.value(u"fires"_s).toArray(),
             (QJsonArray{u"2025-12-01T02:00:00Z"_s, u"2025-12-02T02:00:00Z"_s,
                         u"2025-12-03T02:00:00Z"_s}));
    r = m_f->get(u"/api/v1/pipelines/data_pipeline/runs"_s, m_f->viewerToken);
    const QJsonArray runs = r.json.value(u"pipeline_runs"_s).toArray();
    QCOMPARE(runs.size(), 3);
    for (const QJsonValue &v : runs) {
        QCOMPARE(v.toObject().value(u"trigger"_s).toString(), u"backfill"_s);
        QCOMPARE(v.toObject().value(u"state"_s).toString(), u"success"_s);
    }
    QCOMPARE(runs.at(0).toObject().value(u"scheduled_at"_s).toString(), u"2025-12-03T02:00:00Z"_s);

    r = m_f->post(u"/api/v1/pipelines/data_pipeline/backfill"_s,
                  QJsonObject{{u"from"_s, u"2025-12-03T00:00:00Z"_s},
                              {u"to"_s, u"2025-12-01T00:00:00Z"_s}},
                  m_f->operatorToken);
    QCOMPARE(r.status, 400);
    r = m_f->post(u"/api/v1/pipelines/data_pipeline/backfill"_s,
                  QJsonObject{{u"form"_s, u"2025-12-03T00:00:00Z"_s}}, m_f->operatorToken);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorField(), u"form"_s);
    r = m_f->post(u"/api/v1/pipelines/data_pipeline/backfill"_s,
                  QJsonObject{{u"from"_s, u"2025-12-01T00:00:00Z"_s},
                              {u"to"_s, u"2025-12-02T00:00:00Z"_s},
                              {u"concurrency"_s, 0}},
                  m_f->operatorToken);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorField(), u"concurrency"_s);
}

void tst_RestPipelines::notFound_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("pipeline") << QByteArray("GET") << u"/api/v1/pipelines/nope"_s;
    QTest::newRow("run") << QByteArray("POST") << u"/api/v1/pipelines/nope/run"_s;
    QTest::newRow("runs") << QByteArray("GET") << u"/api/v1/pipelines/nope/runs"_s;
    QTest::newRow("pipeline-run") << QByteArray("GET") << u"/api/v1/pipeline-runs/99"_s;
    QTest::newRow("pipeline-run-not-digits") << QByteArray("GET") << u"/api/v1/pipeline-runs/x1"_s;
    QTest::newRow("drain") << QByteArray("POST") << u"/api/v1/nodes/nope/drain"_s;
    QTest::newRow("enable") << QByteArray("POST") << u"/api/v1/nodes/nope/enable"_s;
}

void tst_RestPipelines::notFound()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const HttpReply r = m_f->request(method, path, {}, m_f->adminToken);
    QVERIFY2(r.status == 404, qPrintable(reply(r)));
    QCOMPARE(r.errorCode(), u"not_found"_s);
}

void tst_RestPipelines::roles()
{
    QVERIFY(apply(kTwoSteps, u"two_steps.yaml"_s).status == 200);
    HttpReply r = m_f->request("POST", u"/api/v1/pipelines/two_steps/run"_s, {}, m_f->viewerToken);
    QCOMPARE(r.status, 403);
    r = m_f->request("POST", u"/api/v1/nodes/node-1/drain"_s, {}, m_f->viewerToken);
    QCOMPARE(r.status, 403);
    QCOMPARE(m_f->get(u"/api/v1/pipelines"_s, m_f->viewerToken).status, 200);
}

// A node with nothing running is drained at once; the state survives a restart of the engine
// (it is stored); enable ends it.
void tst_RestPipelines::drainAndEnable()
{
    HttpReply r = m_f->request("POST", u"/api/v1/nodes/node-1/drain"_s, {}, m_f->operatorToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"name"_s).toString(), u"node-1"_s);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"drained"_s);
    const auto stored = m_f->store->nodeByName(u"node-1"_s);
    QVERIFY(stored);
    QCOMPARE(stored->state, NodeState::Draining);

    // A second engine on the same store sees the drain.
    Master::Engine second(*m_f->store, m_f->clock(), Master::EngineOptions());
    QVERIFY(second.start());
    const QList<Master::NodeStatus> nodes = second.nodes();
    QCOMPARE(nodes.size(), 1);
    QCOMPARE(nodes.at(0).record.state, NodeState::Draining);
    QVERIFY(nodes.at(0).drained);

    r = m_f->request("POST", u"/api/v1/nodes/node-1/enable"_s, {}, m_f->operatorToken);
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"state"_s).toString(), u"offline"_s);
    QCOMPARE(m_f->store->nodeByName(u"node-1"_s)->state, NodeState::Offline);

    const auto audit = m_f->store->listAudit(10);
    QVERIFY(audit);
    QStringList actions;
    for (const AuditEntry &e : *audit) {
        if (e.target == u"node-1"_s)
            actions.prepend(e.action + u' ' + e.actor);
    }
    QCOMPARE(actions, (QStringList{u"node.drain ops"_s, u"node.enable ops"_s}));
}

QTEST_GUILESS_MAIN(tst_RestPipelines)
#include "tst_restpipelines.moc"

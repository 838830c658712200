// The REST API of docs/rest-api.md over real HTTPS on loopback: the brief's four calls,
// every error status, roles, audit entries, run output paging, pipeline files, tokens, and
// the OpenAPI document against the server's routes.

#include "restfixture.h"

#include <master/rest/jsonviews.h>

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Test;

namespace {

const QJsonObject kSeedTask{{u"name"_s, u"data_backup"_s},
                            {u"schedule"_s, u"0 2 * * *"_s},
                            {u"command"_s, u"backup.sh"_s},
                            {u"timeout"_s, 3600}};

QString reply(const HttpReply &r)
{
    return u"HTTP %1 %2 %3"_s.arg(r.status).arg(QString::fromUtf8(r.body), r.transportError);
}

bool isDigits(const QJsonValue &v)
{
    static const QRegularExpression digits(u"^[0-9]+$"_s);
    return v.isString() && digits.match(v.toString()).hasMatch();
}

}  // namespace

class tst_RestApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void seedCalls();
    void taskCrud();
    void taskFields();
    void errors_data();
    void errors();
    void methodNotAllowed();
    void bodyTooLarge();
    void roles_data();
    void roles();
    void runs();
    void runPages();
    void tasksListTheirLastRun();
    void output();
    void outputTruncated();
    void applyPipeline();
    void applyBadYaml();
    void applyTemplate();
    void tokens();
    void enrolTokens();
    void audit();
    void nodesAndHealth();
    void compactJson();
    void openApiMatchesRoutes();
    void storageFailure();
    void listenFailure();
    void statusMapping();

private:
    QJsonObject createSeedTask();

    QTemporaryDir m_pkiDir;
    Net::PkiFiles m_pki;
    std::unique_ptr<RestFixture> m_f;
};

void tst_RestApi::initTestCase()
{
    QVERIFY(m_pkiDir.isValid());
    const Result<Net::PkiFiles> pki = RestFixture::makePki(m_pkiDir.filePath(u"pki"_s));
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error().toString()));
    m_pki = *pki;
}

void tst_RestApi::init()
{
    m_f = std::make_unique<RestFixture>();
    Master::RestApiOptions options;
    options.maxOutputChunks = 2;
    options.outputLimitBytes = 64;
    const QString error = m_f->start(m_pki, options);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_RestApi::cleanup()
{
    m_f.reset();
}

QJsonObject tst_RestApi::createSeedTask()
{
    const HttpReply r = m_f->post(u"/api/v1/tasks"_s, kSeedTask, m_f->adminToken);
    if (r.status != 201)
        qWarning("%s", qPrintable(reply(r)));
    return r.json;
}

// The brief's section 9.3: create, status, execute, stop, with a Bearer token.
void tst_RestApi::seedCalls()
{
    HttpReply r = m_f->post(u"/api/v1/tasks"_s, kSeedTask, m_f->adminToken);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject task = r.json;
    QVERIFY2(isDigits(task.value(u"id"_s)), qPrintable(reply(r)));
    QCOMPARE(task.value(u"name"_s).toString(), u"data_backup"_s);
    QCOMPARE(task.value(u"schedule"_s).toString(), u"0 2 * * *"_s);
    QCOMPARE(task.value(u"command"_s).toString(), u"backup.sh"_s);
    QCOMPARE(task.value(u"timeout"_s).toInteger(), 3600);
    QCOMPARE(task.value(u"enabled"_s).toBool(), true);
    QCOMPARE(task.value(u"priority"_s).toString(), u"P2"_s);
    QCOMPARE(task.value(u"next_fire_time"_s).toString(), u"2026-01-01T02:00:00Z"_s);
    const QString id = task.value(u"id"_s).toString();

    r = m_f->get(u"/api/v1/tasks/%1/status"_s.arg(id), m_f->adminToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"id"_s).toString(), id);
    QCOMPARE(r.json.value(u"name"_s).toString(), u"data_backup"_s);
    QCOMPARE(r.json.value(u"enabled"_s).toBool(), true);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"idle"_s);
    QCOMPARE(r.json.value(u"next_fire_time"_s).toString(), u"2026-01-01T02:00:00Z"_s);
    QCOMPARE(r.json.value(u"active_runs"_s).toInt(), 0);
    QVERIFY(r.json.value(u"last_run"_s).isNull());

    r = m_f->request("POST", u"/api/v1/tasks/%1/execute"_s.arg(id), QByteArray(), m_f->adminToken);
    QCOMPARE(r.status, 202);
    const QJsonObject run = r.json.value(u"run"_s).toObject();
    QVERIFY2(isDigits(run.value(u"id"_s)), qPrintable(reply(r)));
    QCOMPARE(run.value(u"task_id"_s).toString(), id);
    QCOMPARE(run.value(u"task"_s).toString(), u"data_backup"_s);
    QCOMPARE(run.value(u"state"_s).toString(), u"waiting"_s);  // no agent is connected
    QCOMPARE(run.value(u"trigger"_s).toString(), u"manual"_s);
    QCOMPARE(run.value(u"attempt"_s).toInt(), 1);
    QCOMPARE(run.value(u"attempts"_s).toArray().size(), 1);

    r = m_f->get(u"/api/v1/tasks/%1/status"_s.arg(id), m_f->adminToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"waiting"_s);
    QCOMPARE(r.json.value(u"active_runs"_s).toInt(), 1);
    QCOMPARE(r.json.value(u"last_run"_s).toObject().value(u"id"_s), run.value(u"id"_s));

    r = m_f->request("POST", u"/api/v1/tasks/%1/stop"_s.arg(id), QByteArray(), m_f->adminToken);
    QCOMPARE(r.status, 200);
    const QJsonArray stopped = r.json.value(u"runs"_s).toArray();
    QCOMPARE(stopped.size(), 1);
    QCOMPARE(stopped.at(0).toObject().value(u"id"_s), run.value(u"id"_s));
    QCOMPARE(stopped.at(0).toObject().value(u"state"_s).toString(), u"cancelled"_s);

    r = m_f->get(u"/api/v1/tasks/data_backup/status"_s, m_f->adminToken);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"cancelled"_s);
    QCOMPARE(r.json.value(u"active_runs"_s).toInt(), 0);
}

void tst_RestApi::taskCrud()
{
    const QJsonObject task = createSeedTask();
    const QString id = task.value(u"id"_s).toString();
    QVERIFY(!id.isEmpty());
    HttpReply r = m_f->post(u"/api/v1/tasks"_s,
                            {{u"name"_s, u"archive"_s}, {u"command"_s, u"tar czf a.tgz /srv"_s}},
                            m_f->adminToken);
    QCOMPARE(r.status, 201);
    QVERIFY(r.json.value(u"next_fire_time"_s).isNull());  // no schedule

    r = m_f->get(u"/api/v1/tasks"_s, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    const QJsonArray tasks = r.json.value(u"tasks"_s).toArray();
    QCOMPARE(tasks.size(), 2);
    QCOMPARE(tasks.at(0).toObject().value(u"name"_s).toString(), u"archive"_s);  // by name
    QCOMPARE(tasks.at(1).toObject().value(u"name"_s).toString(), u"data_backup"_s);

    // By id and by name.
    QCOMPARE(m_f->get(u"/api/v1/tasks/"_s + id, m_f->viewerToken).json, task);
    QCOMPARE(m_f->get(u"/api/v1/tasks/data_backup"_s, m_f->viewerToken).json, task);

    // PUT: absent fields keep their value; the read-only fields of a GET may be sent back.
    QJsonObject change = task;
    change.insert(u"timeout"_s, u"2h"_s);
    change.insert(u"labels"_s, QJsonObject{{u"zone"_s, u"sh"_s}});
    change.remove(u"command"_s);
    r = m_f->request("PUT", u"/api/v1/tasks/data_backup"_s,
                     QJsonDocument(change).toJson(QJsonDocument::Compact), m_f->adminToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"id"_s).toString(), id);
    QCOMPARE(r.json.value(u"timeout"_s).toInteger(), 7200);
    QCOMPARE(r.json.value(u"command"_s).toString(), u"backup.sh"_s);
    QCOMPARE(r.json.value(u"labels"_s).toObject().value(u"zone"_s).toString(), u"sh"_s);
    QCOMPARE(m_f->get(u"/api/v1/tasks/"_s + id, m_f->viewerToken)
                     .json.value(u"timeout"_s)
                     .toInteger(),
             7200);

    r = m_f->request("DELETE", u"/api/v1/tasks/"_s + id, QByteArray(), m_f->adminToken);
    QCOMPARE(r.status, 204);
    QVERIFY(r.body.isEmpty());
    r = m_f->get(u"/api/v1/tasks/"_s + id, m_f->viewerToken);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorCode(), u"not_found"_s);
    QCOMPARE(m_f->get(u"/api/v1/tasks"_s, m_f->viewerToken).json.value(u"tasks"_s).toArray().size(),
             1);
}

void tst_RestApi::taskFields()
{
    const QJsonObject body{{u"name"_s, u"report"_s},
                           {u"command"_s, u"make report"_s},
                           {u"schedule"_s, u"30 6 * * 1-5"_s},
                           {u"timeout"_s, 0},
                           {u"time_zone"_s, u"Asia/Shanghai"_s},
                           {u"enabled"_s, false},
                           {u"priority"_s, u"P1"_s},
                           {u"retries"_s, 3},
                           {u"labels"_s, QJsonObject{{u"zone"_s, u"sh"_s}}},
                           {u"env"_s, QJsonObject{{u"MODE"_s, u"full"_s}}},
                           {u"working_directory"_s, u"/srv/reports"_s},
                           {u"description"_s, u"weekday report"_s},
                           {u"check"_s, u"test -f /srv/reports/ready"_s},
                           {u"check_timeout"_s, 30}};
    HttpReply r = m_f->post(u"/api/v1/tasks"_s, body, m_f->adminToken);
    QCOMPARE(r.status, 201);
    for (auto it = body.begin(); it != body.end(); ++it)
        QCOMPARE(r.json.value(it.key()), it.value());
    // The check's timeout as a duration; a task without a check has none (0 = the default).
    r = m_f->request("PUT", u"/api/v1/tasks/report"_s, QByteArray(R"({"check_timeout":"2m"})"),
                     m_f->adminToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"check_timeout"_s).toInteger(), 120);
    QCOMPARE(r.json.value(u"check"_s).toString(), u"test -f /srv/reports/ready"_s);
    r = m_f->post(u"/api/v1/tasks"_s, {{u"name"_s, u"plain"_s}, {u"command"_s, u"true"_s}},
                  m_f->adminToken);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(u"check"_s).toString(), QString());
    QCOMPARE(r.json.value(u"check_timeout"_s).toInteger(), 0);
    r = m_f->get(u"/api/v1/tasks/report"_s, m_f->viewerToken);
    QCOMPARE(r.json.value(u"check_timeout"_s).toInteger(), 120);
    QCOMPARE(r.json.value(u"pipeline"_s).toString(), QString());
    QCOMPARE(r.json.value(u"depends_on"_s).toArray().size(), 0);
    QVERIFY(r.json.value(u"next_fire_time"_s).isNull());  // disabled
    QCOMPARE(r.json.value(u"created_at"_s).toString(), u"2026-01-01T00:00:00Z"_s);
    QCOMPARE(r.json.value(u"updated_at"_s).toString(), u"2026-01-01T00:00:00Z"_s);
}

void tst_RestApi::errors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("token");  // 0 none, 1 admin, 2 a wrong secret
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");

    const QByteArray seed = QJsonDocument(kSeedTask).toJson(QJsonDocument::Compact);
    QTest::newRow("no-token") << QByteArray("GET") << u"/api/v1/tasks"_s << QByteArray() << 0 << 401
                              << u"unauthorized"_s << QString();
    QTest::newRow("unknown-token") << QByteArray("GET") << u"/api/v1/tasks"_s << QByteArray() << 2
                                   << 401 << u"unauthorized"_s << QString();
    QTest::newRow("malformed-json")
            << QByteArray("POST") << u"/api/v1/tasks"_s << QByteArray("{\"name\": \"x\",") << 1
            << 400 << u"syntax"_s << QString();
    QTest::newRow("not-an-object")
            << QByteArray("POST") << u"/api/v1/tasks"_s << QByteArray("[1, 2]") << 1 << 400
            << u"wrong_type"_s << QString();
    QTest::newRow("timeout-wrong-type")
            << QByteArray("POST") << u"/api/v1/tasks"_s
            << QByteArray(R"({"name":"a","command":"true","timeout":true})") << 1 << 400
            << u"wrong_type"_s << u"timeout"_s;
    QTest::newRow("timeout-fraction")
            << QByteArray("POST") << u"/api/v1/tasks"_s
            << QByteArray(R"({"name":"a","command":"true","timeout":1.5})") << 1 << 400
            << u"wrong_type"_s << u"timeout"_s;
    QTest::newRow("timeout-negative") << QByteArray("POST") << u"/api/v1/tasks"_s
                                      << QByteArray(R"({"name":"a","command":"true","timeout":-1})")
                                      << 1 << 400 << u"invalid_value"_s << u"timeout"_s;
    QTest::newRow("check-timeout-without-check")
            << QByteArray("POST") << u"/api/v1/tasks"_s
            << QByteArray(R"({"name":"a","command":"true","check_timeout":30})") << 1 << 400
            << u"invalid_value"_s << u"check_timeout"_s;
    QTest::newRow("check-timeout-wrong-type")
            << QByteArray("POST") << u"/api/v1/tasks"_s
            << QByteArray(R"({"name":"a","command":"true","check":"true","check_timeout":[]})") << 1
            << 400 << u"wrong_type"_s << u"check_timeout"_s;
    QTest::newRow("check-wrong-type") << QByteArray("POST") << u"/api/v1/tasks"_s
                                      << QByteArray(R"({"name":"a","command":"true","check":1})")
                                      << 1 << 400 << u"wrong_type"_s << u"check"_s;
    QTest::newRow("name-wrong-type") << QByteArray("POST") << u"/api/v1/tasks"_s
                                     << QByteArray(R"({"name":7,"command":"true"})") << 1 << 400
                                     << u"wrong_type"_s << u"name"_s;
    QTest::newRow("label-wrong-type")
            << QByteArray("POST") << u"/api/v1/tasks"_s
            << QByteArray(R"({"name":"a","command":"true","labels":{"zone":1}})") << 1 << 400
            << u"wrong_type"_s << u"labels.zone"_s;
    QTest::newRow("missing-command")
            << QByteArray("POST") << u"/api/v1/tasks"_s << QByteArray(R"({"name":"a"})") << 1 << 400
            << u"missing_field"_s << u"command"_s;
    QTest::newRow("unknown-field") << QByteArray("POST") << u"/api/v1/tasks"_s
                                   << QByteArray(R"({"name":"a","command":"true","retires":2})")
                                   << 1 << 400 << u"unknown_key"_s << u"retires"_s;
    QTest::newRow("bad-priority") << QByteArray("POST") << u"/api/v1/tasks"_s
                                  << QByteArray(R"({"name":"a","command":"true","priority":"P9"})")
                                  << 1 << 400 << u"invalid_value"_s << u"priority"_s;
    QTest::newRow("bad-cron") << QByteArray("POST") << u"/api/v1/tasks"_s
                              << QByteArray(R"({"name":"a","command":"true","schedule":"0 2 *"})")
                              << 1 << 400 << QString() << u"schedule"_s;
    QTest::newRow("name-taken") << QByteArray("POST") << u"/api/v1/tasks"_s << seed << 1 << 409
                                << u"conflict"_s << QString();
    QTest::newRow("unknown-task") << QByteArray("GET") << u"/api/v1/tasks/nope/status"_s
                                  << QByteArray() << 1 << 404 << u"not_found"_s << QString();
    QTest::newRow("unknown-task-execute")
            << QByteArray("POST") << u"/api/v1/tasks/123456/execute"_s << QByteArray() << 1 << 404
            << u"not_found"_s << QString();
    QTest::newRow("unknown-run") << QByteArray("GET") << u"/api/v1/runs/42"_s << QByteArray() << 1
                                 << 404 << u"not_found"_s << QString();
    QTest::newRow("run-id-not-digits") << QByteArray("GET") << u"/api/v1/runs/abc/output"_s
                                       << QByteArray() << 1 << 404 << u"not_found"_s << QString();
    QTest::newRow("unknown-route") << QByteArray("GET") << u"/api/v1/nothing"_s << QByteArray() << 1
                                   << 404 << u"not_found"_s << QString();
    QTest::newRow("unknown-route-no-token")
            << QByteArray("GET") << u"/api/v2/tasks"_s << QByteArray() << 0 << 404 << u"not_found"_s
            << QString();
    QTest::newRow("empty-placeholder") << QByteArray("DELETE") << u"/api/v1/tasks/"_s
                                       << QByteArray() << 1 << 404 << u"not_found"_s << QString();
    QTest::newRow("bad-limit") << QByteArray("GET") << u"/api/v1/runs?limit=0"_s << QByteArray()
                               << 1 << 400 << u"invalid_value"_s << u"limit"_s;
    QTest::newRow("bad-state") << QByteArray("GET") << u"/api/v1/runs?state=sucess"_s
                               << QByteArray() << 1 << 400 << u"invalid_value"_s << u"state"_s;
    QTest::newRow("bad-after") << QByteArray("GET") << u"/api/v1/runs/42/output?after=-1"_s
                               << QByteArray() << 1 << 400 << u"invalid_value"_s << u"after"_s;
    QTest::newRow("unknown-token-id") << QByteArray("DELETE") << u"/api/v1/tokens/999"_s
                                      << QByteArray() << 1 << 404 << u"not_found"_s << QString();
    QTest::newRow("token-bad-role") << QByteArray("POST") << u"/api/v1/tokens"_s
                                    << QByteArray(R"({"name":"x","role":"root"})") << 1 << 400
                                    << u"invalid_value"_s << u"role"_s;
    QTest::newRow("enrol-bad-ttl")
            << QByteArray("POST") << u"/api/v1/enrol-tokens"_s << QByteArray(R"({"ttl":"forever"})")
            << 1 << 400 << QString() << u"ttl"_s;
}

void tst_RestApi::errors()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, token);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, field);

    QVERIFY(!createSeedTask().isEmpty());
    const QString secret = token == 1   ? m_f->adminToken
                           : token == 2 ? u"orrery_not-a-real-token"_s
                                        : QString();
    const HttpReply r = m_f->request(method, path, body, secret);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    QVERIFY2(!r.errorMessage().isEmpty(), qPrintable(reply(r)));
    if (!code.isEmpty())
        QCOMPARE(r.errorCode(), code);
    QCOMPARE(r.errorField(), field);
    if (status == 401)
        QCOMPARE(r.header("WWW-Authenticate"), QByteArray("Bearer"));
}

void tst_RestApi::methodNotAllowed()
{
    HttpReply r = m_f->request("PATCH", u"/api/v1/tasks"_s, QByteArray("{}"), m_f->adminToken);
    QCOMPARE(r.status, 405);
    QCOMPARE(r.errorCode(), u"method_not_allowed"_s);
    QCOMPARE(r.header("Allow"), QByteArray("POST, GET"));

    r = m_f->request("DELETE", u"/api/v1/tasks/x/status"_s, QByteArray(), QString());
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("Allow"), QByteArray("GET"));

    r = m_f->request("GET", u"/api/v1/tasks/x/execute"_s, QByteArray(), m_f->adminToken);
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("Allow"), QByteArray("POST"));
}

void tst_RestApi::bodyTooLarge()
{
    QByteArray body = R"({"name":"big","command":")";
    body.append(QByteArray(1024 * 1024, 'x'));
    body.append(R"("})");
    HttpReply r = m_f->request("POST", u"/api/v1/tasks"_s, body, m_f->adminToken);
    QCOMPARE(r.status, 413);
    QCOMPARE(r.errorCode(), u"too_large"_s);
    QCOMPARE(m_f->get(u"/api/v1/tasks"_s, m_f->adminToken).json.value(u"tasks"_s).toArray().size(),
             0);
    // Just under the limit is read (and refused for its content, not its size).
    body = QByteArray(1024 * 1024 - 2, ' ');
    body.prepend("{");
    body.append("}");
    r = m_f->request("POST", u"/api/v1/tasks"_s, body, m_f->adminToken);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), u"missing_field"_s);
}

void tst_RestApi::roles_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("viewer");
    QTest::addColumn<int>("operatorStatus");
    QTest::addColumn<int>("admin");

    const QByteArray newTask = R"({"name":"t2","command":"true"})";
    QTest::newRow("list-tasks") << QByteArray("GET") << u"/api/v1/tasks"_s << QByteArray() << 200
                                << 200 << 200;
    QTest::newRow("status") << QByteArray("GET") << u"/api/v1/tasks/data_backup/status"_s
                            << QByteArray() << 200 << 200 << 200;
    QTest::newRow("runs") << QByteArray("GET") << u"/api/v1/runs"_s << QByteArray() << 200 << 200
                          << 200;
    QTest::newRow("nodes") << QByteArray("GET") << u"/api/v1/nodes"_s << QByteArray() << 200 << 200
                           << 200;
    QTest::newRow("execute") << QByteArray("POST") << u"/api/v1/tasks/data_backup/execute"_s
                             << QByteArray() << 403 << 202 << 202;
    QTest::newRow("stop") << QByteArray("POST") << u"/api/v1/tasks/data_backup/stop"_s
                          << QByteArray() << 403 << 200 << 200;
    QTest::newRow("create") << QByteArray("POST") << u"/api/v1/tasks"_s << newTask << 403 << 403
                            << 201;
    QTest::newRow("update") << QByteArray("PUT") << u"/api/v1/tasks/data_backup"_s
                            << QByteArray(R"({"timeout":60})") << 403 << 403 << 200;
    QTest::newRow("apply") << QByteArray("POST") << u"/api/v1/apply?file=p.yaml"_s
                           << QByteArray("pipeline:\n  - name: p1\n    command: \"true\"\n") << 403
                           << 403 << 200;
    QTest::newRow("tokens") << QByteArray("GET") << u"/api/v1/tokens"_s << QByteArray() << 403
                            << 403 << 200;
    QTest::newRow("enrol") << QByteArray("POST") << u"/api/v1/enrol-tokens"_s << QByteArray() << 403
                           << 403 << 201;
    QTest::newRow("audit") << QByteArray("GET") << u"/api/v1/audit"_s << QByteArray() << 403 << 403
                           << 200;
    QTest::newRow("delete") << QByteArray("DELETE") << u"/api/v1/tasks/data_backup"_s
                            << QByteArray() << 403 << 403 << 204;
}

void tst_RestApi::roles()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, viewer);
    QFETCH(int, operatorStatus);
    QFETCH(int, admin);

    QVERIFY(!createSeedTask().isEmpty());
    const QList<std::pair<QString, int>> calls{{m_f->viewerToken, viewer},
                                               {m_f->operatorToken, operatorStatus},
                                               {m_f->adminToken, admin}};
    for (const auto &[token, status] : calls) {
        const HttpReply r = m_f->request(method, path, body, token);
        QVERIFY2(r.status == status, qPrintable(reply(r)));
        if (status == 403)
            QCOMPARE(r.errorCode(), u"forbidden"_s);
    }
}

void tst_RestApi::runs()
{
    QVERIFY(!createSeedTask().isEmpty());
    HttpReply r = m_f->request("POST", u"/api/v1/tasks/data_backup/execute"_s, QByteArray(),
                               m_f->operatorToken);
    QCOMPARE(r.status, 202);
    const QString first = r.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    r = m_f->request("POST", u"/api/v1/runs/%1/stop"_s.arg(first), QByteArray(),
                     m_f->operatorToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"id"_s).toString(), first);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"cancelled"_s);
    r = m_f->request("POST", u"/api/v1/tasks/data_backup/execute"_s, QByteArray(),
                     m_f->operatorToken);
    const QString second = r.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    QVERIFY(!second.isEmpty());

    r = m_f->get(u"/api/v1/runs"_s, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    QJsonArray list = r.json.value(u"runs"_s).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(u"id"_s).toString(), second);  // newest first
    QCOMPARE(list.at(1).toObject().value(u"id"_s).toString(), first);

    r = m_f->get(u"/api/v1/runs?state=cancelled"_s, m_f->viewerToken);
    list = r.json.value(u"runs"_s).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.at(0).toObject().value(u"id"_s).toString(), first);

    r = m_f->get(u"/api/v1/runs?task=data_backup&state=waiting"_s, m_f->viewerToken);
    list = r.json.value(u"runs"_s).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.at(0).toObject().value(u"id"_s).toString(), second);

    r = m_f->get(u"/api/v1/runs?limit=1"_s, m_f->viewerToken);
    QCOMPARE(r.json.value(u"runs"_s).toArray().size(), 1);

    r = m_f->get(u"/api/v1/tasks/data_backup/runs?limit=10"_s, m_f->viewerToken);
    list = r.json.value(u"runs"_s).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(u"id"_s).toString(), second);

    r = m_f->get(u"/api/v1/runs/"_s + first, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"cancelled"_s);
    const QJsonArray events = r.json.value(u"events"_s).toArray();
    QVERIFY2(events.size() >= 2, qPrintable(reply(r)));
    QVERIFY(events.first().toObject().value(u"from"_s).isNull());
    QCOMPARE(events.first().toObject().value(u"to"_s).toString(), u"waiting"_s);
    QCOMPARE(events.last().toObject().value(u"to"_s).toString(), u"cancelled"_s);
    QCOMPARE(events.last().toObject().value(u"from"_s).toString(), u"waiting"_s);
}

void tst_RestApi::runPages()
{
    QVERIFY(!createSeedTask().isEmpty());
    QStringList ids;  // oldest first
    for (int i = 0; i < 5; ++i) {
        const HttpReply r = m_f->request("POST", u"/api/v1/tasks/data_backup/execute"_s,
                                         QByteArray(), m_f->operatorToken);
        QCOMPARE(r.status, 202);
        ids.append(r.json.value(u"run"_s).toObject().value(u"id"_s).toString());
    }
    const auto page = [this](const QString &query) {
        QStringList got;
        const HttpReply r = m_f->get(u"/api/v1/runs?"_s + query, m_f->viewerToken);
        for (const QJsonValue &run : r.json.value(u"runs"_s).toArray())
            got.append(run.toObject().value(u"id"_s).toString());
        return got;
    };
    // Page after page of two, each starting before the last run of the one before.
    QCOMPARE(page(u"limit=2"_s), (QStringList{ids[4], ids[3]}));
    QCOMPARE(page(u"limit=2&before="_s + ids[3]), (QStringList{ids[2], ids[1]}));
    QCOMPARE(page(u"limit=2&before="_s + ids[1]), (QStringList{ids[0]}));
    QCOMPARE(page(u"limit=2&before="_s + ids[0]), QStringList());
    // With a task, and with a state.
    QCOMPARE(page(u"task=data_backup&limit=3&before="_s + ids[2]), (QStringList{ids[1], ids[0]}));
    QCOMPARE(page(u"state=waiting&limit=1&before="_s + ids[4]), (QStringList{ids[3]}));

    const HttpReply bad = m_f->get(u"/api/v1/runs?before=x1"_s, m_f->viewerToken);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json.value(u"error"_s).toObject().value(u"field"_s).toString(), u"before"_s);
}

void tst_RestApi::tasksListTheirLastRun()
{
    QVERIFY(!createSeedTask().isEmpty());
    HttpReply r
            = m_f->post(u"/api/v1/tasks"_s,
                        {{u"name"_s, u"never_run"_s}, {u"command"_s, u"true"_s}}, m_f->adminToken);
    QCOMPARE(r.status, 201);
    const auto listed = [this] {
        QHash<QString, QJsonValue> last;
        const HttpReply list = m_f->get(u"/api/v1/tasks"_s, m_f->viewerToken);
        for (const QJsonValue &task : list.json.value(u"tasks"_s).toArray()) {
            const QJsonObject o = task.toObject();
            last.insert(o.value(u"name"_s).toString(), o.value(u"last_run"_s));
        }
        return last;
    };
    QCOMPARE(listed().size(), 2);
    QVERIFY(listed().value(u"data_backup"_s).isNull());
    QVERIFY(listed().value(u"never_run"_s).isNull());

    // A cancelled run, then a newer waiting one: the list shows the newer.
    r = m_f->request("POST", u"/api/v1/tasks/data_backup/execute"_s, QByteArray(),
                     m_f->operatorToken);
    const QString first = r.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    r = m_f->request("POST", u"/api/v1/runs/%1/stop"_s.arg(first), QByteArray(),
                     m_f->operatorToken);
    QCOMPARE(r.status, 200);
    QJsonObject last = listed().value(u"data_backup"_s).toObject();
    QCOMPARE(last.value(u"id"_s).toString(), first);
    QCOMPARE(last.value(u"state"_s).toString(), u"cancelled"_s);
    QCOMPARE(last.value(u"at"_s).toString(), r.json.value(u"attempts"_s)
                                                     .toArray()
                                                     .last()
                                                     .toObject()
                                                     .value(u"finished_at"_s)
                                                     .toString());
    r = m_f->request("POST", u"/api/v1/tasks/data_backup/execute"_s, QByteArray(),
                     m_f->operatorToken);
    const QJsonObject second = r.json.value(u"run"_s).toObject();
    last = listed().value(u"data_backup"_s).toObject();
    QCOMPARE(last.value(u"id"_s).toString(), second.value(u"id"_s).toString());
    QCOMPARE(last.value(u"state"_s).toString(), u"waiting"_s);
    QCOMPARE(last.value(u"at"_s).toString(), second.value(u"created_at"_s).toString());
    QVERIFY(listed().value(u"never_run"_s).isNull());
    // The task itself (GET /tasks/{task}) is unchanged: the list alone carries it.
    QVERIFY(!m_f->get(u"/api/v1/tasks/data_backup"_s, m_f->viewerToken)
                     .json.contains(u"last_run"_s));
}

void tst_RestApi::output()
{
    QVERIFY(!createSeedTask().isEmpty());
    const HttpReply exec = m_f->request("POST", u"/api/v1/tasks/data_backup/execute"_s,
                                        QByteArray(), m_f->adminToken);
    const RunId run
            = RunId::fromString(exec.json.value(u"run"_s).toObject().value(u"id"_s).toString());
    QVERIFY(run.isValid());

    const QList<OutputChunk> chunks{
            {1, OutputStream::Stdout, 1, QByteArray("hello\n")},
            {1, OutputStream::Stderr, 2, QByteArray("warn\n")},
            {1, OutputStream::Stdout, 3, QByteArray("caf\xc3\xa9 \xff!")},
    };
    for (const OutputChunk &chunk : chunks)
        QVERIFY(m_f->store->appendOutput(run, chunk, 64));

    const QString path = u"/api/v1/runs/%1/output"_s.arg(run.value());
    // maxOutputChunks = 2 in this fixture: two pages.
    HttpReply r = m_f->get(path, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"run_id"_s).toString(), run.toString());
    QCOMPARE(r.json.value(u"state"_s).toString(), u"waiting"_s);
    QCOMPARE(r.json.value(u"finished"_s).toBool(), false);
    QCOMPARE(r.json.value(u"more"_s).toBool(), true);
    QJsonArray page = r.json.value(u"chunks"_s).toArray();
    QCOMPARE(page.size(), 2);
    QCOMPARE(page.at(0).toObject(), (QJsonObject{{u"index"_s, 1},
                                                 {u"attempt"_s, 1},
                                                 {u"stream"_s, u"stdout"_s},
                                                 {u"seq"_s, 1},
                                                 {u"text"_s, u"hello\n"_s}}));
    QCOMPARE(page.at(1).toObject().value(u"stream"_s).toString(), u"stderr"_s);
    QCOMPARE(page.at(1).toObject().value(u"index"_s).toInt(), 2);

    r = m_f->get(path + u"?after=2"_s, m_f->viewerToken);
    page = r.json.value(u"chunks"_s).toArray();
    QCOMPARE(page.size(), 1);
    QCOMPARE(r.json.value(u"more"_s).toBool(), false);
    QCOMPARE(r.json.value(u"truncated"_s).toBool(), false);
    QCOMPARE(page.at(0).toObject().value(u"index"_s).toInt(), 3);
    // Invalid UTF-8 is replaced, the rest kept.
    QCOMPARE(page.at(0).toObject().value(u"text"_s).toString(), u"caf\u00e9 \ufffd!"_s);

    r = m_f->get(path + u"?after=3"_s, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"chunks"_s).toArray().size(), 0);

    // Following a live run: a new chunk shows up after the last index seen.
    QVERIFY(m_f->store->appendOutput(run, {1, OutputStream::Stdout, 4, QByteArray("done\n")}, 64));
    r = m_f->get(path + u"?after=3"_s, m_f->viewerToken);
    page = r.json.value(u"chunks"_s).toArray();
    QCOMPARE(page.size(), 1);
    QCOMPARE(page.at(0).toObject().value(u"text"_s).toString(), u"done\n"_s);
    QCOMPARE(page.at(0).toObject().value(u"index"_s).toInt(), 4);

    // The run ends: finished.
    QVERIFY(m_f->engine->stopRun(run, Master::Actor{u"test"_s, QString()}));
    r = m_f->get(path + u"?after=4"_s, m_f->viewerToken);
    QCOMPARE(r.json.value(u"finished"_s).toBool(), true);
    QCOMPARE(r.json.value(u"state"_s).toString(), u"cancelled"_s);
}

void tst_RestApi::outputTruncated()
{
    QVERIFY(!createSeedTask().isEmpty());
    const HttpReply exec = m_f->request("POST", u"/api/v1/tasks/data_backup/execute"_s,
                                        QByteArray(), m_f->adminToken);
    const RunId run
            = RunId::fromString(exec.json.value(u"run"_s).toObject().value(u"id"_s).toString());
    QVERIFY(run.isValid());
    // The fixture's limit is 64 bytes, as the engine would pass to the store.
    const Result<AppendOutcome> outcome
            = m_f->store->appendOutput(run, {1, OutputStream::Stdout, 1, QByteArray(100, 'a')}, 64);
    QVERIFY(outcome);
    QVERIFY(outcome->truncated);
    const HttpReply r = m_f->get(u"/api/v1/runs/%1/output"_s.arg(run.value()), m_f->viewerToken);
    QCOMPARE(r.json.value(u"truncated"_s).toBool(), true);
    QCOMPARE(r.json.value(u"chunks"_s).toArray().at(0).toObject().value(u"text"_s).toString(),
             QString(64, u'a'));
}

void tst_RestApi::applyPipeline()
{
    const QByteArray yaml = RestFixture::readFile(QStringLiteral(ORRERY_SOURCE_DIR)
                                                  + u"/examples/data_pipeline.yaml"_s);
    QVERIFY(!yaml.isEmpty());
    HttpReply r = m_f->request("POST", u"/api/v1/apply?file=data_pipeline.yaml"_s, yaml,
                               m_f->adminToken, "application/yaml");
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"kind"_s).toString(), u"pipeline"_s);
    QCOMPARE(r.json.value(u"name"_s).toString(), u"data_pipeline"_s);
    const QJsonArray tasks = r.json.value(u"tasks"_s).toArray();
    QStringList names;
    for (const QJsonValue &t : tasks) {
        names.append(t.toObject().value(u"name"_s).toString());
        QCOMPARE(t.toObject().value(u"pipeline"_s).toString(), u"data_pipeline"_s);
    }
    names.sort();
    QCOMPARE(names, (QStringList{u"data_extract"_s, u"data_load"_s, u"data_transform"_s}));

    r = m_f->get(u"/api/v1/tasks/data_transform"_s, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"timeout"_s).toInteger(), 3600);
    QCOMPARE(
            r.json.value(u"depends_on"_s).toArray(),
            (QJsonArray{QJsonObject{{u"task"_s, u"data_extract"_s}, {u"status"_s, u"success"_s}}}));
    QCOMPARE(m_f->get(u"/api/v1/tasks/data_extract"_s, m_f->viewerToken)
                     .json.value(u"next_fire_time"_s)
                     .toString(),
             u"2026-01-01T02:00:00Z"_s);
    QCOMPARE(m_f->get(u"/api/v1/tasks"_s, m_f->viewerToken).json.value(u"tasks"_s).toArray().size(),
             3);
}

void tst_RestApi::applyBadYaml()
{
    const QByteArray yaml = "pipeline:\n  - name: a\n    command: \"true\"\n    retires: 3\n";
    HttpReply r = m_f->request("POST", u"/api/v1/apply?file=bad.yaml"_s, yaml, m_f->adminToken,
                               "application/yaml");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), u"unknown_key"_s);
    QVERIFY2(r.errorMessage().startsWith(u"bad.yaml:4:5: "_s), qPrintable(reply(r)));

    r = m_f->request("POST", u"/api/v1/apply?file=broken.yaml"_s, "pipeline: [\n  {name: a\n",
                     m_f->adminToken, "application/yaml");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), u"syntax"_s);
    QVERIFY2(QRegularExpression(u"^broken\\.yaml:\\d+:\\d+: "_s).match(r.errorMessage()).hasMatch(),
             qPrintable(reply(r)));
    QCOMPARE(m_f->get(u"/api/v1/tasks"_s, m_f->viewerToken).json.value(u"tasks"_s).toArray().size(),
             0);
}

void tst_RestApi::applyTemplate()
{
    const QByteArray yaml = RestFixture::readFile(QStringLiteral(ORRERY_SOURCE_DIR)
                                                  + u"/examples/database_backup.yaml"_s);
    QVERIFY(!yaml.isEmpty());
    // A required parameter is missing: located error, nothing created.
    HttpReply r = m_f->request("POST", u"/api/v1/apply?file=database_backup.yaml"_s, yaml,
                               m_f->adminToken, "application/yaml");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), u"missing_parameter"_s);
    QVERIFY2(r.errorMessage().startsWith(u"database_backup.yaml:"_s), qPrintable(reply(r)));

    const QString path = u"/api/v1/apply?file=database_backup.yaml&set=database_host%3Ddb1&"
                         "set=backup_path%3D/srv/b%26k"_s;
    r = m_f->request("POST", path, yaml, m_f->adminToken, "application/yaml");
    QVERIFY2(r.status == 200, qPrintable(reply(r)));
    QCOMPARE(r.json.value(u"kind"_s).toString(), u"template"_s);
    QCOMPARE(r.json.value(u"name"_s).toString(), u"database_backup"_s);
    const QJsonObject task = m_f->get(u"/api/v1/tasks/database_backup"_s, m_f->viewerToken).json;
    QCOMPARE(task.value(u"schedule"_s).toString(), u"0 2 * * *"_s);
    QCOMPARE(task.value(u"timeout"_s).toInteger(), 7200);
    QCOMPARE(task.value(u"retries"_s).toInteger(), 2);
    QVERIFY2(task.value(u"command"_s).toString().contains(u"mysqldump -h db1 "_s),
             qPrintable(task.value(u"command"_s).toString()));
    QVERIFY(task.value(u"command"_s).toString().contains(u"> /srv/b&k/backup_$(date +%Y%m%d).sql"_s));

    // Applying again updates the same task; a bad --set is refused with its field.
    r = m_f->request("POST", u"/api/v1/apply?file=t.yaml&set=database_host%3Ddb2"_s, yaml,
                     m_f->adminToken, "application/yaml");
    QCOMPARE(r.status, 200);
    QCOMPARE(m_f->get(u"/api/v1/tasks"_s, m_f->viewerToken).json.value(u"tasks"_s).toArray().size(),
             1);
    r = m_f->request("POST", u"/api/v1/apply?file=t.yaml&set=oops"_s, yaml, m_f->adminToken,
                     "application/yaml");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorField(), u"set"_s);
}

void tst_RestApi::tokens()
{
    HttpReply r = m_f->post(u"/api/v1/tokens"_s, {{u"name"_s, u"ci"_s}, {u"role"_s, u"operator"_s}},
                            m_f->adminToken);
    QCOMPARE(r.status, 201);
    QVERIFY(isDigits(r.json.value(u"id"_s)));
    QCOMPARE(r.json.value(u"name"_s).toString(), u"ci"_s);
    QCOMPARE(r.json.value(u"role"_s).toString(), u"operator"_s);
    const QString secret = r.json.value(u"token"_s).toString();
    const QString id = r.json.value(u"id"_s).toString();
    QVERIFY(secret.size() >= 20);

    // The new token works, with its role.
    QCOMPARE(m_f->get(u"/api/v1/runs"_s, secret).status, 200);
    QCOMPARE(m_f->get(u"/api/v1/tokens"_s, secret).status, 403);

    // Listed without the secret, by the API and by the store.
    r = m_f->get(u"/api/v1/tokens"_s, m_f->adminToken);
    QCOMPARE(r.status, 200);
    QVERIFY(!r.body.contains(secret.toUtf8()));
    bool listed = false;
    for (const QJsonValue &v : r.json.value(u"tokens"_s).toArray()) {
        const QJsonObject t = v.toObject();
        QVERIFY(!t.contains(u"token"_s));
        if (t.value(u"id"_s).toString() == id) {
            listed = true;
            QCOMPARE(t.value(u"name"_s).toString(), u"ci"_s);
            QCOMPARE(t.value(u"role"_s).toString(), u"operator"_s);
            QVERIFY(t.value(u"revoked_at"_s).isNull());
            QCOMPARE(t.value(u"created_at"_s).toString(), u"2026-01-01T00:00:00Z"_s);
        }
    }
    QVERIFY(listed);

    // Stored hashed: the secret appears nowhere in the database file's token table.
    {
        const QString connection = u"tst_restapi_tokens"_s;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
            db.setDatabaseName(m_f->databasePath());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT * FROM api_tokens"_s));
            int rows = 0;
            while (q.next()) {
                ++rows;
                for (int i = 0; i < q.record().count(); ++i)
                    QVERIFY(!q.value(i).toString().contains(secret));
            }
            QCOMPARE(rows, 4);
        }
        QSqlDatabase::removeDatabase(connection);
    }

    // Same name again: conflict.
    r = m_f->post(u"/api/v1/tokens"_s, {{u"name"_s, u"ci"_s}, {u"role"_s, u"viewer"_s}},
                  m_f->adminToken);
    QCOMPARE(r.status, 409);
    QCOMPARE(r.errorCode(), u"conflict"_s);

    r = m_f->request("DELETE", u"/api/v1/tokens/"_s + id, QByteArray(), m_f->adminToken);
    QCOMPARE(r.status, 204);
    r = m_f->get(u"/api/v1/runs"_s, secret);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.errorCode(), u"unauthorized"_s);
    r = m_f->request("DELETE", u"/api/v1/tokens/"_s + id, QByteArray(), m_f->adminToken);
    QCOMPARE(r.status, 404);
}

void tst_RestApi::enrolTokens()
{
    HttpReply r = m_f->request("POST", u"/api/v1/enrol-tokens"_s, QByteArray(), m_f->adminToken);
    QCOMPARE(r.status, 201);
    QVERIFY(isDigits(r.json.value(u"id"_s)));
    QCOMPARE(r.json.value(u"expires_at"_s).toString(), u"2026-01-01T01:00:00Z"_s);  // 1h
    const QString secret = r.json.value(u"token"_s).toString();
    QVERIFY(!secret.isEmpty());
    QVERIFY(m_f->store->consumeEnrolToken(secret, u"web-01"_s));

    r = m_f->post(u"/api/v1/enrol-tokens"_s, {{u"ttl"_s, u"30m"_s}}, m_f->adminToken);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(u"expires_at"_s).toString(), u"2026-01-01T00:30:00Z"_s);
}

void tst_RestApi::audit()
{
    QVERIFY(!createSeedTask().isEmpty());
    HttpReply r = m_f->post(u"/api/v1/tokens"_s, {{u"name"_s, u"ci"_s}, {u"role"_s, u"viewer"_s}},
                            m_f->adminToken);
    QCOMPARE(r.status, 201);
    const QString tokenId = r.json.value(u"id"_s).toString();
    QCOMPARE(m_f->request("DELETE", u"/api/v1/tokens/"_s + tokenId, QByteArray(), m_f->adminToken)
                     .status,
             204);
    QCOMPARE(m_f->request("POST", u"/api/v1/enrol-tokens"_s, QByteArray(), m_f->adminToken).status,
             201);

    r = m_f->get(u"/api/v1/audit?limit=10"_s, m_f->adminToken);
    QCOMPARE(r.status, 200);
    const QJsonArray entries = r.json.value(u"entries"_s).toArray();
    QHash<QString, QJsonObject> byAction;
    for (const QJsonValue &v : entries) {
        const QJsonObject e = v.toObject();
        QVERIFY(isDigits(e.value(u"id"_s)));
        QCOMPARE(e.value(u"actor"_s).toString(), u"ci-admin"_s);
        QCOMPARE(e.value(u"source"_s).toString(), u"127.0.0.1"_s);
        QCOMPARE(e.value(u"at"_s).toString(), u"2026-01-01T00:00:00Z"_s);
        byAction.insert(e.value(u"action"_s).toString(), e);
    }
    // Newest first: enrolment, revoke, create token; the engine's own entry for the task.
    QCOMPARE(entries.at(0).toObject().value(u"action"_s).toString(), u"enrol_token.create"_s);
    QCOMPARE(entries.at(1).toObject().value(u"action"_s).toString(), u"token.revoke"_s);
    QCOMPARE(entries.at(2).toObject().value(u"action"_s).toString(), u"token.create"_s);
    QCOMPARE(byAction.value(u"token.create"_s).value(u"target"_s).toString(), u"token:ci"_s);
    QVERIFY(byAction.value(u"token.create"_s)
                    .value(u"detail"_s)
                    .toString()
                    .contains(u"role=viewer"_s));
    QCOMPARE(byAction.value(u"token.revoke"_s).value(u"target"_s).toString(), u"token:ci"_s);
    QVERIFY(byAction.contains(u"task.create"_s));
    QCOMPARE(byAction.value(u"task.create"_s).value(u"target"_s).toString(), u"data_backup"_s);
    QVERIFY(!r.body.contains("orrery_"));  // no secret in the log

    r = m_f->get(u"/api/v1/audit?limit=1"_s, m_f->adminToken);
    QCOMPARE(r.json.value(u"entries"_s).toArray().size(), 1);
}

void tst_RestApi::nodesAndHealth()
{
    HttpReply r = m_f->get(u"/api/v1/nodes"_s, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json, (QJsonObject{{u"nodes"_s, QJsonArray()}}));

    NodeRecord node;
    node.name = u"web-01"_s;
    node.labels = {{u"zone"_s, u"sh"_s}};
    QVERIFY(m_f->store->upsertNode(node));
    // A freshly started engine reads the stored node (offline, not connected).
    Master::Engine engine(*m_f->store, m_f->clock(), Master::EngineOptions());
    QVERIFY(engine.start());
    Master::RestApi api(engine);
    const Result<quint16> port = api.listen(QHostAddress::LocalHost, 0, m_f->serverTls());
    QVERIFY(port);
    const QString saved = m_f->baseUrl;
    m_f->baseUrl = u"https://127.0.0.1:%1"_s.arg(*port);
    r = m_f->get(u"/api/v1/nodes"_s, m_f->viewerToken);
    m_f->baseUrl = saved;
    QCOMPARE(r.status, 200);
    const QJsonArray nodes = r.json.value(u"nodes"_s).toArray();
    QCOMPARE(nodes.size(), 1);
    const QJsonObject n = nodes.at(0).toObject();
    QCOMPARE(n.value(u"name"_s).toString(), u"web-01"_s);
    QCOMPARE(n.value(u"state"_s).toString(), u"offline"_s);
    QCOMPARE(n.value(u"connected"_s).toBool(), false);
    QCOMPARE(n.value(u"labels"_s).toObject().value(u"zone"_s).toString(), u"sh"_s);
    QCOMPARE(n.value(u"running"_s).toInt(), 0);
    QVERIFY(n.value(u"cpu_percent"_s).isNull());
    QVERIFY(n.value(u"free_memory_bytes"_s).isNull());
    QVERIFY(n.value(u"load1"_s).isNull());
    QVERIFY(n.value(u"clock_skew_ms"_s).isNull());
    QVERIFY(isDigits(n.value(u"id"_s)));

    r = m_f->get(u"/api/v1/health"_s, QString());
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json,
             (QJsonObject{{u"status"_s, u"ok"_s}, {u"version"_s, QStringLiteral(ORRERY_VERSION)}}));
}

void tst_RestApi::compactJson()
{
    const QJsonObject task = createSeedTask();
    QVERIFY(!task.isEmpty());
    for (const QString &path : {u"/api/v1/tasks"_s, u"/api/v1/tasks/data_backup"_s,
                                u"/api/v1/openapi.json"_s, u"/api/v1/nothing"_s}) {
        const HttpReply r = m_f->get(path, m_f->adminToken);
        QVERIFY2(!r.body.isEmpty(), qPrintable(path));
        QCOMPARE(r.body, QJsonDocument::fromJson(r.body).toJson(QJsonDocument::Compact));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    }
}

// Every path+method of the OpenAPI document is routed (an unauthenticated call gets 401, or
// 200 for the public ones, never 404/405), and every route of the server is in the document.
void tst_RestApi::openApiMatchesRoutes()
{
    const HttpReply doc = m_f->get(u"/api/v1/openapi.json"_s, QString());
    QCOMPARE(doc.status, 200);
    QCOMPARE(doc.json.value(u"openapi"_s).toString(), u"3.0.3"_s);
    QVERIFY(doc.json.value(u"components"_s)
                    .toObject()
                    .value(u"schemas"_s)
                    .toObject()
                    .contains(u"Task"_s));

    QSet<QString> documented;
    const QJsonObject paths = doc.json.value(u"paths"_s).toObject();
    QVERIFY(!paths.isEmpty());
    for (auto p = paths.begin(); p != paths.end(); ++p) {
        const QJsonObject methods = p.value().toObject();
        for (auto m = methods.begin(); m != methods.end(); ++m) {
            const QString method = m.key().toUpper();
            documented.insert(method + u' ' + p.key());
            const QJsonObject operation = m.value().toObject();
            const bool isPublic = operation.contains(u"security"_s)
                                  && operation.value(u"security"_s).toArray().isEmpty();
            QString concrete = p.key();
            concrete.replace(u"{task}"_s, u"no-such-task"_s)
                    .replace(u"{run}"_s, u"1"_s)
                    .replace(u"{id}"_s, u"1"_s)
                    .replace(u"{node}"_s, u"no-such-node"_s)
                    .replace(u"{pipeline}"_s, u"no-such-pipeline"_s);
            QVERIFY2(!concrete.contains(u'{'), qPrintable(p.key()));
            const HttpReply r = m_f->request(method.toLatin1(), concrete, QByteArray(), QString());
            QVERIFY2(r.status == (isPublic ? 200 : 401),
                     qPrintable(method + u' ' + concrete + u": "_s + reply(r)));
            // The responses the document promises include the one given.
            QVERIFY2(operation.value(u"responses"_s).toObject().contains(QString::number(r.status)),
                     qPrintable(method + u' ' + p.key()));
        }
    }

    QSet<QString> served;
    for (const Master::RestRoute &route : m_f->api->routes()) {
        served.insert(route.method + u' ' + route.path);
        // The role named in the document is the one the server enforces.
        const QJsonObject operation
                = paths.value(route.path).toObject().value(route.method.toLower()).toObject();
        if (route.role.isEmpty())
            QCOMPARE(operation.value(u"description"_s).toString(), u"No token needed."_s);
        else
            QCOMPARE(operation.value(u"description"_s).toString(),
                     u"Role: %1 or higher."_s.arg(route.role));
    }
    QCOMPARE(served.size(), m_f->api->routes().size());
    QCOMPARE(documented, served);
}

// A store that cannot write (the read-only fault seam): 503 storage, nothing half-done.
void tst_RestApi::storageFailure()
{
    QVERIFY(!createSeedTask().isEmpty());
    StoreOptions readOnly;
    readOnly.readOnly = true;
    auto store = Store::open(u"sqlite:"_s + m_f->databasePath(), m_f->clock(), readOnly);
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    Master::Engine engine(**store, m_f->clock(), Master::EngineOptions());
    QVERIFY(engine.start());
    Master::RestApi api(engine);
    const Result<quint16> port = api.listen(QHostAddress::LocalHost, 0, m_f->serverTls());
    QVERIFY(port);
    const QString saved = m_f->baseUrl;
    m_f->baseUrl = u"https://127.0.0.1:%1"_s.arg(*port);
    const HttpReply r
            = m_f->post(u"/api/v1/tasks"_s, {{u"name"_s, u"other"_s}, {u"command"_s, u"true"_s}},
                        m_f->adminToken);
    m_f->baseUrl = saved;
    QCOMPARE(r.status, 503);
    QCOMPARE(r.errorCode(), u"storage"_s);
    QCOMPARE(m_f->get(u"/api/v1/tasks"_s, m_f->adminToken).json.value(u"tasks"_s).toArray().size(),
             1);
}

void tst_RestApi::listenFailure()
{
    Master::RestApi second(*m_f->engine);
    const quint16 taken = m_f->api->port();
    QVERIFY(taken != 0);
    const Result<quint16> r = second.listen(QHostAddress::LocalHost, taken, m_f->serverTls());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Io);
    QVERIFY2(r.error().message.contains(QString::number(taken)), qPrintable(r.error().message));
    QCOMPARE(second.port(), quint16(0));

    const Result<quint16> noCert
            = second.listen(QHostAddress::LocalHost, 0, QSslConfiguration::defaultConfiguration());
    QVERIFY(!noCert);
    QCOMPARE(noCert.error().code, ErrorCode::InvalidValue);

    // Listening twice is refused.
    const Result<quint16> again = m_f->api->listen(QHostAddress::LocalHost, 0, m_f->serverTls());
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::Conflict);
}

void tst_RestApi::statusMapping()
{
    using Master::Rest::httpStatus;
    QCOMPARE(httpStatus(ErrorCode::InvalidValue), 400);
    QCOMPARE(httpStatus(ErrorCode::BadCron), 400);
    QCOMPARE(httpStatus(ErrorCode::Cycle), 400);
    QCOMPARE(httpStatus(ErrorCode::Unauthorized), 401);
    QCOMPARE(httpStatus(ErrorCode::Forbidden), 403);
    QCOMPARE(httpStatus(ErrorCode::NotFound), 404);
    QCOMPARE(httpStatus(ErrorCode::Conflict), 409);
    QCOMPARE(httpStatus(ErrorCode::IllegalTransition), 409);
    QCOMPARE(httpStatus(ErrorCode::TooLarge), 413);
    QCOMPARE(httpStatus(ErrorCode::RateLimited), 429);
    QCOMPARE(httpStatus(ErrorCode::Storage), 503);
    QCOMPARE(httpStatus(ErrorCode::Io), 500);
}

QTEST_GUILESS_MAIN(tst_RestApi)
#include "tst_restapi.moc"

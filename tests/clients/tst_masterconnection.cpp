// Orrery::Client::MasterConnection against a real orrery-master process and agent over real
// TLS on loopback ports chosen at run time: authentication, the REST API over the connection
// (same answers as HTTPS), events, reconnects after a master restart, refused messages.

#include "../e2e/cluster.h"

#include <client/masterconnection.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTest>

#include <csignal>
#include <optional>

using namespace Orrery;
using namespace Orrery::Client;
using namespace Orrery::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

// Waits for the handler of one request() and returns its reply.
ApiReply call(MasterConnection &connection, const QString &method, const QString &path,
              const QJsonValue &body = QJsonValue(), const QString &query = QString())
{
    std::optional<ApiReply> reply;
    connection.request(
            method, path, body, [&reply](const ApiReply &r) { reply = r; }, query);
    Cluster::waitUntil([&] { return reply.has_value(); }, 20000);
    return reply.value_or(ApiReply{0, QJsonValue(), u"no answer within 20 s"_s});
}

QJsonValue jsonOf(const HttpReply &reply)
{
    if (reply.body.isEmpty())
        return QJsonValue();
    const QJsonDocument doc = QJsonDocument::fromJson(reply.body);
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

}  // namespace

class tst_MasterConnection : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void authenticates();
    void wrongTokenIsRefused();
    void revokedTokenIsRefused();
    void pinsTheCertificateByFingerprint();
    void answersLikeRest();
    void viewerCannotMutate();
    void runEventsAndOutput();
    void oversizedMessageIsRefused();
    void reconnectsAfterMasterRestart();

private:
    ConnectionSettings settings(const QString &token) const;
    bool connectAndWait(MasterConnection &connection, const ConnectionSettings &s);
    QString createToken(const QString &name, const QString &role, QString *id = nullptr);

    Cluster m_cluster;
};

ConnectionSettings tst_MasterConnection::settings(const QString &token) const
{
    ConnectionSettings s;
    s.url = QUrl(u"wss://127.0.0.1:%1"_s.arg(m_cluster.agentPort()));
    s.caFile = m_cluster.caFile();
    s.token = token;
    s.backoff.initialMs = 100;
    s.backoff.maxMs = 500;
    return s;
}

bool tst_MasterConnection::connectAndWait(MasterConnection &connection, const ConnectionSettings &s)
{
    if (!connection.connectToMaster(s))
        return false;
    return Cluster::waitUntil(
            [&] {
                return connection.state() == MasterConnection::State::Connected
                       || connection.state() == MasterConnection::State::Refused;
            },
            20000);
}

QString tst_MasterConnection::createToken(const QString &name, const QString &role, QString *id)
{
    const HttpReply r = m_cluster.post(u"/api/v1/tokens"_s,
                                       QJsonObject{{u"name"_s, name}, {u"role"_s, role}});
    if (id)
        *id = r.json.value(u"id"_s).toString();
    return r.json.value(u"token"_s).toString();
}

void tst_MasterConnection::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.init(&error), qPrintable(error));
    QVERIFY2(!m_cluster.createAdminToken(&error).isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster.startMaster(&error), qPrintable(error));
    QVERIFY2(m_cluster.startAgent(u"worker-1"_s, &error), qPrintable(error));
}

void tst_MasterConnection::cleanupTestCase()
{
    m_cluster.stopMaster(SIGTERM);
}

void tst_MasterConnection::authenticates()
{
    MasterConnection connection;
    QSignalSpy states(&connection, &MasterConnection::stateChanged);
    QVERIFY(connectAndWait(connection, settings(m_cluster.adminToken())));
    QCOMPARE(connection.state(), MasterConnection::State::Connected);
    QCOMPARE(connection.user(), u"e2e-admin"_s);
    QCOMPARE(connection.role(), u"admin"_s);
    QVERIFY(!connection.serverVersion().isEmpty());
    QCOMPARE(states.first().at(0).value<MasterConnection::State>(),
             MasterConnection::State::Connecting);
    // The master's certificate as seen in the handshake.
    const QList<QSslCertificate> master
            = QSslCertificate::fromPath(m_cluster.dir() + u"/pki/master.crt"_s);
    QCOMPARE(master.size(), 1);
    QCOMPARE(connection.peerFingerprint(), MasterConnection::fingerprint(master.first()));

    // The session is in the audit log with the client's address.
    const HttpReply audit = m_cluster.get(u"/api/v1/audit?limit=20"_s);
    bool found = false;
    for (const QJsonValue &v : audit.json.value(u"entries"_s).toArray()) {
        const QJsonObject e = v.toObject();
        if (e.value(u"action"_s) == u"client.connect"_s && e.value(u"actor"_s) == u"e2e-admin"_s)
            found = e.value(u"source"_s).toString() == u"127.0.0.1"_s;
    }
    QVERIFY2(found, audit.body.constData());
}

void tst_MasterConnection::wrongTokenIsRefused()
{
    MasterConnection connection;
    QVERIFY(connectAndWait(connection, settings(u"orr_not_a_token"_s)));
    QCOMPARE(connection.state(), MasterConnection::State::Refused);
    QVERIFY2(connection.stateReason().contains(u"unknown, wrong or revoked"_s),
             qPrintable(connection.stateReason()));
    // Refused means no further attempts.
    QTest::qWait(300);
    QCOMPARE(connection.state(), MasterConnection::State::Refused);

    const HttpReply audit = m_cluster.get(u"/api/v1/audit?limit=20"_s);
    bool found = false;
    for (const QJsonValue &v : audit.json.value(u"entries"_s).toArray())
        found = found || v.toObject().value(u"action"_s) == u"client.refused"_s;
    QVERIFY2(found, audit.body.constData());
}

void tst_MasterConnection::revokedTokenIsRefused()
{
    QString id;
    const QString token = createToken(u"soon-revoked"_s, u"operator"_s, &id);
    QVERIFY(!token.isEmpty());

    // Connected first: after the revocation its next request is refused like over HTTPS.
    MasterConnection open;
    QVERIFY(connectAndWait(open, settings(token)));
    QCOMPARE(open.state(), MasterConnection::State::Connected);
    QCOMPARE(call(open, u"GET"_s, u"/api/v1/tasks"_s).status, 200);
    QCOMPARE(m_cluster.request("DELETE", u"/api/v1/tokens/"_s + id).status, 204);
    const ApiReply after = call(open, u"GET"_s, u"/api/v1/tasks"_s);
    QCOMPARE(after.status, 401);
    QCOMPARE(after.object().value(u"error"_s).toObject().value(u"code"_s).toString(),
             u"unauthorized"_s);

    // A new connection with it is refused.
    MasterConnection later;
    QVERIFY(connectAndWait(later, settings(token)));
    QCOMPARE(later.state(), MasterConnection::State::Refused);
}

void tst_MasterConnection::pinsTheCertificateByFingerprint()
{
    // First contact without any trust: refused, and the certificate is there to be shown.
    ConnectionSettings s = settings(m_cluster.adminToken());
    s.caFile.clear();
    MasterConnection first;
    QVERIFY(connectAndWait(first, s));
    QCOMPARE(first.state(), MasterConnection::State::Refused);
    const QByteArray seen = first.peerFingerprint();
    QCOMPARE(seen.size(), 32);
    QVERIFY2(first.stateReason().contains(MasterConnection::fingerprintText(seen)),
             qPrintable(first.stateReason()));

    // The user trusts it: pinned, the connection goes through.
    s.pinnedSha256 = seen;
    MasterConnection pinned;
    QVERIFY(connectAndWait(pinned, s));
    QCOMPARE(pinned.state(), MasterConnection::State::Connected);
    QCOMPARE(call(pinned, u"GET"_s, u"/api/v1/health"_s).status, 200);

    // Another fingerprint is refused.
    QByteArray other = seen;
    other[0] = char(other[0] ^ 0x01);
    s.pinnedSha256 = other;
    MasterConnection wrong;
    QVERIFY(connectAndWait(wrong, s));
    QCOMPARE(wrong.state(), MasterConnection::State::Refused);
}

void tst_MasterConnection::answersLikeRest()
{
    QString error;
    const QString id = m_cluster.createTask(QJsonObject{{u"name"_s, u"same_answer"_s},
                                                        {u"schedule"_s, u"0 2 * * *"_s},
                                                        {u"command"_s, u"true"_s}},
                                            &error);
    QVERIFY2(!id.isEmpty(), qPrintable(error));

    MasterConnection connection;
    QVERIFY(connectAndWait(connection, settings(m_cluster.adminToken())));
    QCOMPARE(connection.state(), MasterConnection::State::Connected);

    struct Case
    {
        QString path;
        QString query;
        int status;
    };
    const QList<Case> cases{
            {u"/api/v1/tasks"_s, {}, 200},
            {u"/api/v1/tasks/same_answer"_s, {}, 200},
            {u"/api/v1/tasks/"_s + id + u"/status"_s, {}, 200},
            {u"/api/v1/tasks/no_such_task"_s, {}, 404},
            {u"/api/v1/no/such/route"_s, {}, 404},
            {u"/api/v1/runs"_s, u"state=nonsense"_s, 400},
            {u"/api/v1/runs"_s, u"limit=3"_s, 200},
    };
    for (const Case &c : cases) {
        const QString full = c.query.isEmpty() ? c.path : c.path + u'?' + c.query;
        const HttpReply rest = m_cluster.get(full);
        const ApiReply wss = call(connection, u"GET"_s, c.path, QJsonValue(), c.query);
        QCOMPARE(rest.status, c.status);
        QCOMPARE(wss.status, rest.status);
        QCOMPARE(wss.body, jsonOf(rest));
    }
    // A method the path does not allow.
    const ApiReply put = call(connection, u"PUT"_s, u"/api/v1/runs"_s, QJsonObject());
    QCOMPARE(put.status, 405);
    // A mutation with a JSON body, then its effect seen over HTTPS.
    const ApiReply created
            = call(connection, u"POST"_s, u"/api/v1/tasks"_s,
                   QJsonObject{{u"name"_s, u"made_over_wss"_s}, {u"command"_s, u"echo hi"_s}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.object().value(u"name"_s).toString(), u"made_over_wss"_s);
    QCOMPARE(m_cluster.get(u"/api/v1/tasks/made_over_wss"_s).status, 200);
    // The YAML of /api/v1/apply as a string body.
    const ApiReply applied = call(connection, u"POST"_s, u"/api/v1/apply"_s,
                                  u"pipeline:\n  - name: wss_extract\n    command: echo x\n"_s,
                                  u"file=wss_etl.yaml"_s);
    QCOMPARE(applied.status, 200);
    QCOMPARE(applied.object().value(u"name"_s).toString(), u"wss_etl"_s);
    // A text answer (the pipeline as YAML) comes back as a string, the same as over HTTPS.
    const ApiReply yaml = call(connection, u"GET"_s, u"/api/v1/pipelines/wss_etl"_s,
                               QJsonValue(), u"format=yaml"_s);
    QCOMPARE(yaml.status, 200);
    QVERIFY2(yaml.body.isString(), "the YAML answer was dropped");
    const HttpReply restYaml = m_cluster.get(u"/api/v1/pipelines/wss_etl?format=yaml"_s);
    QCOMPARE(restYaml.status, 200);
    QCOMPARE(yaml.body.toString(), QString::fromUtf8(restYaml.body));
    QVERIFY(yaml.body.toString().contains(u"wss_extract"_s));
    const ApiReply deleted = call(connection, u"DELETE"_s, u"/api/v1/tasks/made_over_wss"_s);
    QCOMPARE(deleted.status, 204);
    QVERIFY(deleted.body.isNull());
}

void tst_MasterConnection::viewerCannotMutate()
{
    const QString viewer = createToken(u"wss-viewer"_s, u"viewer"_s);
    QVERIFY(!viewer.isEmpty());
    QString error;
    const QString id = m_cluster.createTask(
            QJsonObject{{u"name"_s, u"not_for_viewers"_s}, {u"command"_s, u"true"_s}}, &error);
    QVERIFY2(!id.isEmpty(), qPrintable(error));

    MasterConnection connection;
    QVERIFY(connectAndWait(connection, settings(viewer)));
    QCOMPARE(connection.role(), u"viewer"_s);
    const ApiReply wss = call(connection, u"POST"_s, u"/api/v1/tasks/not_for_viewers/execute"_s);
    m_cluster.setToken(viewer);
    const HttpReply rest = m_cluster.request("POST", u"/api/v1/tasks/not_for_viewers/execute"_s);
    m_cluster.setToken(m_cluster.adminToken());
    QCOMPARE(rest.status, 403);
    QCOMPARE(wss.status, 403);
    QCOMPARE(wss.body, jsonOf(rest));
    // Nothing ran.
    QCOMPARE(m_cluster.get(u"/api/v1/tasks/not_for_viewers/runs"_s)
                     .json.value(u"runs"_s)
                     .toArray()
                     .size(),
             0);
    // Reading is allowed.
    QCOMPARE(call(connection, u"GET"_s, u"/api/v1/tasks/not_for_viewers"_s).status, 200);
}

void tst_MasterConnection::runEventsAndOutput()
{
    MasterConnection connection;
    QVERIFY(connectAndWait(connection, settings(m_cluster.adminToken())));
    QSignalSpy subscribed(&connection, &MasterConnection::subscribed);
    QSignalSpy events(&connection, &MasterConnection::event);
    connection.subscribe({u"runs"_s});
    QVERIFY(subscribed.wait(10000));
    QCOMPARE(subscribed.last().at(0).toStringList(), QStringList{u"runs"_s});

    const ApiReply created = call(connection, u"POST"_s, u"/api/v1/tasks"_s,
                                  QJsonObject{{u"name"_s, u"evented"_s},
                                              {u"command"_s, u"sleep 0.5; echo hello-over-wss"_s}});
    QCOMPARE(created.status, 201);
    const ApiReply started = call(connection, u"POST"_s, u"/api/v1/tasks/evented/execute"_s);
    QCOMPARE(started.status, 202);
    const QString runId = started.object().value(u"run"_s).toObject().value(u"id"_s).toString();
    QVERIFY(!runId.isEmpty());
    connection.subscribe({u"output:"_s + runId});

    QStringList states;
    QSet<QString> kinds;
    QString output;
    QVERIFY(Cluster::waitUntil(
            [&] {
                while (!events.isEmpty()) {
                    const QList<QVariant> e = events.takeFirst();
                    const QJsonObject data = e.at(2).toJsonObject();
                    if (e.at(0).toString() == u"runs"_s && data.value(u"id"_s) == runId) {
                        kinds.insert(e.at(1).toString());
                        const QString state = data.value(u"state"_s).toString();
                        if (states.isEmpty() || states.last() != state)
                            states.append(state);
                    } else if (e.at(0).toString() == u"output:"_s + runId) {
                        output += data.value(u"text"_s).toString();
                    }
                }
                return states.contains(u"success"_s) && !output.isEmpty();
            },
            20000));
    QCOMPARE(states, (QStringList{u"waiting"_s, u"running"_s, u"success"_s}));
    QCOMPARE(kinds, QSet<QString>{u"run.changed"_s});
    QCOMPARE(output, u"hello-over-wss\n"_s);
    // The event carries the same view as REST.
    QCOMPARE(m_cluster.get(u"/api/v1/runs/"_s + runId).json.value(u"state"_s).toString(),
             u"success"_s);
}

void tst_MasterConnection::oversizedMessageIsRefused()
{
    MasterConnection connection;
    QVERIFY(connectAndWait(connection, settings(m_cluster.adminToken())));
    QSignalSpy states(&connection, &MasterConnection::stateChanged);
    // 2 MiB: over the master's 1 MiB message limit.
    const QString huge(2 * 1024 * 1024, u'x');
    const ApiReply reply = call(connection, u"POST"_s, u"/api/v1/tasks"_s,
                                QJsonObject{{u"name"_s, u"huge"_s}, {u"command"_s, huge}});
    QCOMPARE(reply.status, 0);
    QVERIFY2(reply.error.contains(u"too_large"_s), qPrintable(reply.error));
    // The connection was closed by the master; the client comes back by itself.
    QVERIFY(Cluster::waitUntil(
            [&] { return connection.state() == MasterConnection::State::Connected; }, 20000));
    QVERIFY(!states.isEmpty());
    QCOMPARE(states.first().at(0).value<MasterConnection::State>(),
             MasterConnection::State::Reconnecting);
    QCOMPARE(call(connection, u"GET"_s, u"/api/v1/tasks/huge"_s).status, 404);
    QCOMPARE(m_cluster.master()->state(), QProcess::Running);
}

void tst_MasterConnection::reconnectsAfterMasterRestart()
{
    MasterConnection connection;
    QVERIFY(connectAndWait(connection, settings(m_cluster.adminToken())));
    QSignalSpy subscribed(&connection, &MasterConnection::subscribed);
    connection.subscribe({u"runs"_s});
    QVERIFY(subscribed.wait(10000));

    const int api = m_cluster.apiPort();
    const int agents = m_cluster.agentPort();
    m_cluster.stopMaster(SIGTERM);
    QVERIFY(Cluster::waitUntil(
            [&] { return connection.state() == MasterConnection::State::Reconnecting; }, 10000));
    QString error;
    QVERIFY2(m_cluster.startMaster(&error, {u"--api-port"_s, QString::number(api),
                                            u"--agent-port"_s, QString::number(agents)}),
             qPrintable(error));
    QVERIFY(Cluster::waitUntil(
            [&] { return connection.state() == MasterConnection::State::Connected; }, 20000));
    // Subscribed again by itself.
    QVERIFY(subscribed.count() >= 2 || subscribed.wait(10000));
    QCOMPARE(subscribed.last().at(0).toStringList(), QStringList{u"runs"_s});

    // Events flow again (the agent reconnects too).
    QVERIFY(Cluster::waitUntil(
            [&] {
                const QJsonArray nodes
                        = m_cluster.get(u"/api/v1/nodes"_s).json.value(u"nodes"_s).toArray();
                return !nodes.isEmpty() && nodes.first().toObject().value(u"connected"_s).toBool();
            },
            20000));
    QSignalSpy events(&connection, &MasterConnection::event);
    const ApiReply created
            = call(connection, u"POST"_s, u"/api/v1/tasks"_s,
                   QJsonObject{{u"name"_s, u"after_restart"_s}, {u"command"_s, u"true"_s}});
    QCOMPARE(created.status, 201);
    const ApiReply started = call(connection, u"POST"_s, u"/api/v1/tasks/after_restart/execute"_s);
    QCOMPARE(started.status, 202);
    const QString runId = started.object().value(u"run"_s).toObject().value(u"id"_s).toString();
    QVERIFY(Cluster::waitUntil(
            [&] {
                for (const QList<QVariant> &e : std::as_const(events)) {
                    const QJsonObject data = e.at(2).toJsonObject();
                    if (data.value(u"id"_s) == runId && data.value(u"state"_s) == u"success"_s)
                        return true;
                }
                return false;
            },
            20000));
}

QTEST_GUILESS_MAIN(tst_MasterConnection)
#include "tst_masterconnection.moc"

#include "cluster.h"

#include <net/pki.h>

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Orrery;
using namespace Orrery::Testing;
using namespace Qt::Literals::StringLiterals;

// Mutual TLS with a real master (tls.client_ca + tls.require_client_certificate) and real
// agents: an agent with its own certificate enrols and runs a job; one that presents another
// node's certificate, a certificate from another CA or none is refused and audited, and the
// master carries on. The REST API on the same master needs no client certificate (the
// Cluster's REST client presents none).
class TestMutualTlsEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void agentWithItsCertificateRunsJobs();
    void wrongCertificatesAreRefused_data();
    void wrongCertificatesAreRefused();

private:
    // The certificate files issued for `node` by the cluster's CA (made on first use).
    AgentOptions withCertificateOf(const QString &node);
    // The agent.refused audit details for `node`.
    QStringList refusals(const QString &node);

    Cluster m_cluster;
    QTemporaryDir m_otherCa;
};

void TestMutualTlsEndToEnd::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.init(&error, {}, true), qPrintable(error));
    QVERIFY2(!m_cluster.createAdminToken(&error).isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster.startMaster(&error), qPrintable(error));
}

AgentOptions TestMutualTlsEndToEnd::withCertificateOf(const QString &node)
{
    const QString pki = m_cluster.dir() + u"/pki"_s;
    AgentOptions options;
    options.clientCertificate = pki + u"/agents/"_s + node + u".crt"_s;
    options.clientKey = pki + u"/agents/"_s + node + u".key"_s;
    if (!QFile::exists(options.clientCertificate)) {
        const auto issued = Net::issueClientCertificate(pki, node, 30);
        if (!issued)
            qWarning("%s", qPrintable(issued.error().toString()));
    }
    return options;
}

QStringList TestMutualTlsEndToEnd::refusals(const QString &node)
{
    QStringList details;
    const HttpReply audit = m_cluster.get(u"/api/v1/audit?limit=100"_s);
    for (const QJsonValue &v : audit.json.value(u"entries"_s).toArray()) {
        const QJsonObject e = v.toObject();
        if (e.value(u"action"_s) == u"agent.refused"_s && e.value(u"target"_s) == node)
            details << e.value(u"detail"_s).toString();
    }
    return details;
}

void TestMutualTlsEndToEnd::agentWithItsCertificateRunsJobs()
{
    QString error;
    QVERIFY2(m_cluster.startAgent(u"good"_s, withCertificateOf(u"good"_s), &error),
             qPrintable(error));
    const QString id = m_cluster.createTask(
            {{u"name"_s, u"mtls-echo"_s}, {u"command"_s, u"echo over mutual tls"_s}}, &error);
    QVERIFY2(!id.isEmpty(), qPrintable(error));
    const HttpReply started = m_cluster.post(u"/api/v1/tasks/%1/execute"_s.arg(id), {});
    QVERIFY2(started.status == 202, started.body.constData());
    const QString runId = started.json.value(u"run"_s).toObject().value(u"id"_s).toString();
    const QJsonObject run = m_cluster.waitForRunEnd(runId, 20000);
    QCOMPARE(run.value(u"state"_s).toString(), u"success"_s);
    QCOMPARE(run.value(u"node"_s).toString(), u"good"_s);
    QCOMPARE(m_cluster.runOutput(runId), QByteArray("over mutual tls\n"));
    QVERIFY(refusals(u"good"_s).isEmpty());
}

void TestMutualTlsEndToEnd::wrongCertificatesAreRefused_data()
{
    QTest::addColumn<QString>("node");
    QTest::addColumn<QString>("certificate");  // "own", "other-node", "other-ca", "none"
    QTest::addColumn<QString>("reason");        // in the audit entry
    QTest::newRow("another node's certificate")
            << u"thief"_s << u"other-node"_s << u"does not match the node name"_s;
    QTest::newRow("a certificate from another CA")
            << u"forger"_s << u"other-ca"_s << u"refused: unable to get local issuer"_s;
    QTest::newRow("no certificate") << u"bare"_s << u"none"_s << u"no client certificate"_s;
}

void TestMutualTlsEndToEnd::wrongCertificatesAreRefused()
{
    QFETCH(QString, node);
    QFETCH(QString, certificate);
    QFETCH(QString, reason);
    AgentOptions options;
    if (certificate == u"other-node") {
        options = withCertificateOf(u"victim"_s);
    } else if (certificate == u"other-ca") {
        // A CA of the forger's own, with a certificate that names the node correctly.
        const QString dir = m_otherCa.filePath(u"pki"_s);
        if (!QFile::exists(dir + u"/ca.crt"_s)) {
            Net::PkiOptions pki;
            pki.dir = dir;
            pki.names = {u"localhost"_s};
            QVERIFY(Net::initPki(pki));
        }
        const auto issued = Net::issueClientCertificate(dir, node, 30);
        QVERIFY(issued);
        options.clientCertificate = issued->certificate;
        options.clientKey = issued->privateKey;
    }
    QString error;
    QVERIFY2(m_cluster.launchAgent(node, options, &error), qPrintable(error));
    QVERIFY2(Cluster::waitUntil([&] { return !refusals(node).isEmpty(); }, 20000),
             qPrintable(m_cluster.agentLog(node)));
    const QStringList details = refusals(node);
    QVERIFY2(details.first().contains(reason), qPrintable(details.join(u'\n')));
    // Never connected, never enrolled with a credential; the good agent and the master are
    // unharmed.
    QVERIFY(!m_cluster.node(node).value(u"connected"_s).toBool());
    QVERIFY(!QFile::exists(m_cluster.dir() + u"/agents/"_s + node + u"/credential"_s));
    QVERIFY(m_cluster.node(u"good"_s).value(u"connected"_s).toBool());
    QCOMPARE(m_cluster.master()->state(), QProcess::Running);
    m_cluster.stopAgent(node, SIGTERM);
}

QTEST_GUILESS_MAIN(TestMutualTlsEndToEnd)
#include "tst_mtls_e2e.moc"

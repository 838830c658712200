// The brief's Python client (tests/e2e/seed_client.py, section 9.3 verbatim) against the
// REST API over HTTPS, trusting only the test CA through REQUESTS_CA_BUNDLE.

#include "restfixture.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Test;

class tst_SeedClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createStatusExecuteStop();
    void refusedWithoutTrustedCa();

private:
    struct Outcome
    {
        int exitCode = -1;
        QString err;
        QHash<QString, QJsonObject> steps;  // step -> result
    };
    Outcome runClient(const QString &token, const QString &caBundle);

    QTemporaryDir m_pkiDir;
    Net::PkiFiles m_pki;
    RestFixture m_f;
    QString m_python;
};

void tst_SeedClient::initTestCase()
{
    m_python = QStandardPaths::findExecutable(u"python3"_s);
    QVERIFY2(!m_python.isEmpty(), "python3 is needed (scripts/install-deps.sh installs it)");
    QVERIFY(m_pkiDir.isValid());
    const Result<Net::PkiFiles> pki = RestFixture::makePki(m_pkiDir.filePath(u"pki"_s));
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error().toString()));
    m_pki = *pki;
    const QString error = m_f.start(m_pki);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

tst_SeedClient::Outcome tst_SeedClient::runClient(const QString &token, const QString &caBundle)
{
    QProcess python;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"ORRERY_URL"_s, m_f.baseUrl);
    env.insert(u"ORRERY_TOKEN"_s, token);
    env.insert(u"REQUESTS_CA_BUNDLE"_s, caBundle);
    env.remove(u"CURL_CA_BUNDLE"_s);
    env.remove(u"HTTPS_PROXY"_s);
    env.remove(u"https_proxy"_s);
    env.insert(u"NO_PROXY"_s, u"127.0.0.1"_s);
    python.setProcessEnvironment(env);
    python.start(m_python, {QStringLiteral(ORRERY_SOURCE_DIR) + u"/tests/e2e/seed_client.py"_s});
    Outcome out;
    // The event loop must run while Python talks to the in-process server: no blocking wait.
    if (!python.waitForStarted(20000)) {
        out.err = python.errorString();
        return out;
    }
    QSignalSpy finished(&python, &QProcess::finished);
    if (!finished.wait(60000)) {
        python.kill();
        python.waitForFinished(5000);
        out.err = u"seed_client.py did not finish within 60 s"_s;
        return out;
    }
    out.exitCode = python.exitStatus() == QProcess::NormalExit ? python.exitCode() : -1;
    out.err = QString::fromUtf8(python.readAllStandardError());
    const QList<QByteArray> lines = python.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        out.steps.insert(o.value(u"step"_s).toString(), o.value(u"result"_s).toObject());
    }
    return out;
}

void tst_SeedClient::createStatusExecuteStop()
{
    const Outcome o = runClient(m_f.adminToken, m_pki.caCert);
    QVERIFY2(o.exitCode == 0, qPrintable(o.err));

    const QJsonObject created = o.steps.value(u"create"_s);
    const QString id = created.value(u"id"_s).toString();
    QVERIFY2(QRegularExpression(u"^[0-9]+$"_s).match(id).hasMatch(), qPrintable(o.err));
    QCOMPARE(created.value(u"name"_s).toString(), u"data_backup"_s);
    QCOMPARE(created.value(u"schedule"_s).toString(), u"0 2 * * *"_s);
    QCOMPARE(created.value(u"command"_s).toString(), u"backup.sh"_s);
    QCOMPARE(created.value(u"timeout"_s).toInteger(), 3600);

    const QJsonObject status = o.steps.value(u"status"_s);
    QCOMPARE(status.value(u"id"_s).toString(), id);
    QCOMPARE(status.value(u"state"_s).toString(), u"idle"_s);
    QCOMPARE(status.value(u"next_fire_time"_s).toString(), u"2026-01-01T02:00:00Z"_s);
    QCOMPARE(status.value(u"active_runs"_s).toInt(), 0);

    const QJsonObject execute = o.steps.value(u"execute"_s);
    QCOMPARE(execute.value(u"http_status"_s).toInt(), 202);
    const QJsonObject run = execute.value(u"body"_s).toObject().value(u"run"_s).toObject();
    QCOMPARE(run.value(u"task_id"_s).toString(), id);
    QCOMPARE(run.value(u"state"_s).toString(), u"waiting"_s);
    QCOMPARE(run.value(u"trigger"_s).toString(), u"manual"_s);

    const QJsonObject afterExecute = o.steps.value(u"status_after_execute"_s);
    QCOMPARE(afterExecute.value(u"state"_s).toString(), u"waiting"_s);
    QCOMPARE(afterExecute.value(u"active_runs"_s).toInt(), 1);
    QCOMPARE(afterExecute.value(u"last_run"_s).toObject().value(u"id"_s), run.value(u"id"_s));

    const QJsonObject stop = o.steps.value(u"stop"_s);
    QCOMPARE(stop.value(u"http_status"_s).toInt(), 200);
    const QJsonArray stopped = stop.value(u"body"_s).toObject().value(u"runs"_s).toArray();
    QCOMPARE(stopped.size(), 1);
    QCOMPARE(stopped.at(0).toObject().value(u"state"_s).toString(), u"cancelled"_s);

    const QJsonObject afterStop = o.steps.value(u"status_after_stop"_s);
    QCOMPARE(afterStop.value(u"state"_s).toString(), u"cancelled"_s);
    QCOMPARE(afterStop.value(u"active_runs"_s).toInt(), 0);

    // What the client did is what the master now holds.
    const Result<JobRecord> stored = m_f.engine->findJob(id);
    QVERIFY(stored);
    QCOMPARE(stored->job.name, u"data_backup"_s);
}

// Trusting another CA, the client refuses the master's certificate: TLS is really checked.
void tst_SeedClient::refusedWithoutTrustedCa()
{
    const Result<Net::PkiFiles> other = RestFixture::makePki(m_pkiDir.filePath(u"other"_s));
    QVERIFY(other);
    const Outcome o = runClient(m_f.adminToken, other->caCert);
    QVERIFY(o.exitCode != 0);
    QVERIFY(o.steps.isEmpty());
    QVERIFY2(o.err.contains(u"CERTIFICATE_VERIFY_FAILED"_s), qPrintable(o.err));
}

QTEST_GUILESS_MAIN(tst_SeedClient)
#include "tst_seedclient.moc"

// The orrery-master executable as a user runs it: arguments, refusals with exit code 1 and a
// message, start with ports chosen at run time, SIGTERM.

#include <net/pki.h>

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int kTimeout = 20000;

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

Outcome runMaster(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(ORRERY_MASTER_BINARY), args);
    Outcome o;
    if (!p.waitForFinished(kTimeout)) {
        p.kill();
        p.waitForFinished();
        o.err = u"timed out"_s;
        return o;
    }
    o.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    o.out = QString::fromUtf8(p.readAllStandardOutput());
    o.err = QString::fromUtf8(p.readAllStandardError());
    return o;
}

}  // namespace

class tst_MasterBinary : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void helpAndVersion();
    void badConfigIsLocated();
    void missingCertificateIsNamed();
    void portInUseIsRefused();
    void startsPrintsPortsAndStopsOnSigterm();
    void adminAndEnrolTokens();

private:
    QStringList serveArgs(const QString &dataDir) const;

    QTemporaryDir m_tmp;
    Net::PkiFiles m_pki;
};

void tst_MasterBinary::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    Net::PkiOptions options;
    options.dir = m_tmp.filePath(u"pki"_s);
    auto pki = Net::initPki(options);
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error().toString()));
    m_pki = *pki;
}

QStringList tst_MasterBinary::serveArgs(const QString &dataDir) const
{
    return {u"--listen"_s,  u"127.0.0.1"_s,  u"--agent-port"_s, u"0"_s,          u"--api-port"_s,
            u"0"_s,         u"--data-dir"_s, dataDir,           u"--tls-cert"_s, m_pki.masterCert,
            u"--tls-key"_s, m_pki.masterKey, u"--log-level"_s,  u"warning"_s};
}

void tst_MasterBinary::helpAndVersion()
{
    const Outcome help = runMaster({u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains(u"--config"_s));
    QVERIFY(help.out.contains(u"admin-token"_s));
    QVERIFY(help.out.contains(u"enrol-token"_s));
    const Outcome version = runMaster({u"--version"_s});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out.trimmed(), u"orrery-master " ORRERY_VERSION ""_s);
    const Outcome unknown = runMaster({u"frobnicate"_s});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains(u"frobnicate"_s));
}

void tst_MasterBinary::badConfigIsLocated()
{
    const QString path = m_tmp.filePath(u"bad.yaml"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("api_port: 0\n  agent_prot: 1\nlog_level: [\n");
    f.close();
    const Outcome o = runMaster({u"--config"_s, path});
    QCOMPARE(o.exitCode, 1);
    // file:line:col: error: ...
    QVERIFY2(QRegularExpression(u"bad\\.yaml:\\d+:\\d+: error: "_s).match(o.err).hasMatch(),
             qPrintable(o.err));
}

void tst_MasterBinary::missingCertificateIsNamed()
{
    const QString missing = m_tmp.filePath(u"absent/master.crt"_s);
    QStringList args = serveArgs(m_tmp.filePath(u"data-cert"_s));
    args[args.indexOf(m_pki.masterCert)] = missing;
    const Outcome o = runMaster(args);
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(missing), qPrintable(o.err));
    QVERIFY(!o.out.contains(u"ready"_s));
}

void tst_MasterBinary::portInUseIsRefused()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(occupier.serverPort());
    QStringList args = serveArgs(m_tmp.filePath(u"data-port"_s));
    args[args.indexOf(u"--agent-port"_s) + 1] = port;
    const Outcome o = runMaster(args);
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(port), qPrintable(o.err));
    QVERIFY(!o.out.contains(u"ready"_s));
}

void tst_MasterBinary::startsPrintsPortsAndStopsOnSigterm()
{
    QProcess p;
    p.start(QStringLiteral(ORRERY_MASTER_BINARY), serveArgs(m_tmp.filePath(u"data-run"_s)));
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT(
            (out += QString::fromUtf8(p.readAllStandardOutput()),
             out.contains(u"orrery-master: ready"_s) || p.state() == QProcess::NotRunning),
            kTimeout);
    QVERIFY2(out.contains(u"orrery-master: ready"_s),
             qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
    const auto agent = QRegularExpression(u"orrery-master: agent_port=(\\d+)\n"_s).match(out);
    QVERIFY(agent.hasMatch());
    QVERIFY(agent.captured(1).toInt() > 0);
    // With the REST API built in, its port comes too, before "ready".
    const auto api = QRegularExpression(u"orrery-master: api_port=(\\d+)\n"_s).match(out);
    if (out.contains(u"api_port="_s)) {
        QVERIFY(api.hasMatch());
        QVERIFY(api.captured(1).toInt() > 0);
        QVERIFY(api.captured(1) != agent.captured(1));
    }

    // The agent port accepts connections.
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, quint16(agent.captured(1).toInt()));
    QVERIFY(probe.waitForConnected(kTimeout));
    probe.abort();

    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(kTimeout));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
}

void tst_MasterBinary::adminAndEnrolTokens()
{
    const QString data = m_tmp.filePath(u"data-tokens"_s);
    const Outcome admin
            = runMaster({u"admin-token"_s, u"--data-dir"_s, data, u"--name"_s, u"bootstrap"_s});
    QCOMPARE(admin.exitCode, 0);
    QVERIFY2(admin.out.startsWith(u"orr_"_s), qPrintable(admin.out + admin.err));
    QCOMPARE(admin.out.count(u'\n'), 1);
    QVERIFY(QFile::exists(data + u"/orrery.db"_s));

    const Outcome enrol
            = runMaster({u"enrol-token"_s, u"--data-dir"_s, data, u"--ttl"_s, u"30m"_s});
    QCOMPARE(enrol.exitCode, 0);
    QVERIFY2(enrol.out.startsWith(u"orre_"_s), qPrintable(enrol.out + enrol.err));

    const Outcome badTtl
            = runMaster({u"enrol-token"_s, u"--data-dir"_s, data, u"--ttl"_s, u"soon"_s});
    QCOMPARE(badTtl.exitCode, 2);
    QVERIFY(badTtl.err.contains(u"--ttl"_s));
}

QTEST_GUILESS_MAIN(tst_MasterBinary)
#include "tst_masterbinary.moc"

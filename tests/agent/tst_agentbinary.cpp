// The real orrery-agent executable: help, version, configuration errors naming the key and
// line, the root refusal, and SIGTERM ending in exit 0.

#include <net/pki.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Orrery;
using namespace Qt::Literals::StringLiterals;

static constexpr int kTimeout = 20000;

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

static Outcome runAgent(const QStringList &arguments)
{
    QProcess agent;
    agent.start(QStringLiteral(ORRERY_AGENT_BINARY), arguments);
    if (!agent.waitForFinished(kTimeout)) {
        agent.kill();
        agent.waitForFinished();
        return {};
    }
    return {agent.exitStatus() == QProcess::NormalExit ? agent.exitCode() : -1,
            QString::fromUtf8(agent.readAllStandardOutput()),
            QString::fromUtf8(agent.readAllStandardError())};
}

class tst_AgentBinary final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void help();
    void version();
    void noConfiguration();
    void configErrorNamesKeyAndLine();
    void missingKeyIsNamed();
    void unknownFlag();
    void refusesRoot();
    void sigtermExitsZero();

private:
    QString writeConfig(const QByteArray &text);

    QTemporaryDir m_dir;
    QString m_caFile;
};

void tst_AgentBinary::initTestCase()
{
    QVERIFY(m_dir.isValid());
    Net::PkiOptions options;
    options.dir = m_dir.filePath(u"pki"_s);
    const Result<Net::PkiFiles> pki = Net::initPki(options);
    QVERIFY(pki.has_value());
    m_caFile = pki->caCert;
}

QString tst_AgentBinary::writeConfig(const QByteArray &text)
{
    const QString path = m_dir.filePath(u"agent.conf"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(text);
    return path;
}

void tst_AgentBinary::help()
{
    const Outcome o = runAgent({u"--help"_s});
    QCOMPARE(o.exitCode, 0);
    QVERIFY(o.out.startsWith(u"Usage: orrery-agent"_s));
    QVERIFY(o.out.contains(u"--master-url"_s));
    QVERIFY(o.out.contains(u"SIGTERM"_s));
}

void tst_AgentBinary::version()
{
    const Outcome o = runAgent({u"--version"_s});
    QCOMPARE(o.exitCode, 0);
    QCOMPARE(o.out.trimmed(), u"orrery-agent " ORRERY_VERSION ""_s);
}

void tst_AgentBinary::noConfiguration()
{
    const Outcome o = runAgent({});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(u"--config"_s), qPrintable(o.err));
}

void tst_AgentBinary::configErrorNamesKeyAndLine()
{
    const QString path = writeConfig("[agent]\n  max_paralel = 3\n");
    const Outcome o = runAgent({u"--config"_s, path});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(path + u":2:3: error: unknown key 'max_paralel'"_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(u"max_parallel"_s), qPrintable(o.err));
}

void tst_AgentBinary::missingKeyIsNamed()
{
    const QString path = writeConfig("ca_file = ca.crt\ndata_dir = data\n");
    const Outcome o = runAgent({u"--config"_s, path});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(u"master_urls"_s), qPrintable(o.err));
}

void tst_AgentBinary::unknownFlag()
{
    const Outcome o = runAgent({u"--data-dri"_s, u"/tmp"_s});
    QCOMPARE(o.exitCode, 1);
    QVERIFY2(o.err.contains(u"--data-dir"_s), qPrintable(o.err));
}

void tst_AgentBinary::refusesRoot()
{
    if (::geteuid() != 0)
        QSKIP("the root refusal needs the test to run as root (AgentService tests cover the "
              "check through its uid seam)");
    const QString path = writeConfig("master_urls = wss://127.0.0.1:1\nca_file = "
                                     + m_caFile.toUtf8() + "\ndata_dir = data\nenrol_token = t\n");
    const Outcome o = runAgent({u"--config"_s, path});
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.contains(u"allow_root"_s), qPrintable(o.err));
    QVERIFY2(o.err.contains(u"root"_s), qPrintable(o.err));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(u"data"_s)));
}

void tst_AgentBinary::sigtermExitsZero()
{
    // Nobody listens on the master port: the agent keeps trying until it is told to stop.
    const QString path = writeConfig("master_urls = wss://127.0.0.1:1\nca_file = "
                                     + m_caFile.toUtf8()
                                     + "\ndata_dir = data\nenrol_token = t\nallow_root = true\n"
                                       "reconnect_min = 1s\n");
    QProcess agent;
    agent.start(QStringLiteral(ORRERY_AGENT_BINARY), {u"--config"_s, path});
    QVERIFY(agent.waitForStarted(kTimeout));
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT(
            (err += QString::fromUtf8(agent.readAllStandardError())).contains(u"starting"_s),
            kTimeout);
    QVERIFY(QFileInfo(m_dir.filePath(u"data/spool"_s)).isDir());
    agent.terminate();  // SIGTERM
    QVERIFY(agent.waitForFinished(kTimeout));
    err += QString::fromUtf8(agent.readAllStandardError());
    QCOMPARE(agent.exitStatus(), QProcess::NormalExit);
    QVERIFY2(agent.exitCode() == 0, qPrintable(err));
    QVERIFY2(err.contains(u"SIGTERM received"_s), qPrintable(err));
}

QTEST_GUILESS_MAIN(tst_AgentBinary)
#include "tst_agentbinary.moc"

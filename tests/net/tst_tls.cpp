// serverTlsConfiguration / clientTlsConfiguration: what they load from the files initPki and
// issueClientCertificate write, and the located Io errors for missing or wrong files.

#include <net/pki.h>
#include <net/tls.h>

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Net;

class tst_Tls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void server();
    void serverMutual();
    void client();
    void clientWithCertificate();
    void serverErrors_data();
    void serverErrors();
    void clientErrors_data();
    void clientErrors();

private:
    QString write(const QString &name, const QByteArray &data);

    QTemporaryDir m_tmp;
    PkiFiles m_pki;
    PkiFiles m_other;
    ClientCertFiles m_agent;
};

QString tst_Tls::write(const QString &name, const QByteArray &data)
{
    const QString path = m_tmp.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void tst_Tls::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    PkiOptions options;
    options.dir = m_tmp.filePath(u"pki"_s);
    auto pki = initPki(options);
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error().toString()));
    m_pki = *pki;
    options.dir = m_tmp.filePath(u"other"_s);
    auto other = initPki(options);
    QVERIFY(other);
    m_other = *other;
    auto agent = issueClientCertificate(m_tmp.filePath(u"pki"_s), u"agent-01"_s);
    QVERIFY2(agent, qPrintable(agent ? QString() : agent.error().toString()));
    m_agent = *agent;
    write(u"garbage.pem"_s, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");
    write(u"empty.pem"_s, "");
}

void tst_Tls::server()
{
    auto conf = serverTlsConfiguration({m_pki.masterCert, m_pki.masterKey, {}, false});
    QVERIFY2(conf, qPrintable(conf ? QString() : conf.error().toString()));
    QCOMPARE(conf->protocol(), QSsl::TlsV1_2OrLater);
    QCOMPARE(conf->localCertificate().subjectInfo(QSslCertificate::CommonName),
             QStringList{u"localhost"_s});
    QVERIFY(!conf->privateKey().isNull());
    QCOMPARE(conf->peerVerifyMode(), QSslSocket::VerifyNone);
}

void tst_Tls::serverMutual()
{
    auto conf = serverTlsConfiguration({m_pki.masterCert, m_pki.masterKey, m_pki.caCert, true});
    QVERIFY(conf);
    // Asked for, checked by the master for agents (verifyClientCertificate), not required by
    // the handshake: clients with tokens use the same ports.
    QCOMPARE(conf->peerVerifyMode(), QSslSocket::QueryPeer);
    QCOMPARE(conf->caCertificates().size(), 1);
    QCOMPARE(conf->caCertificates().first().digest(QCryptographicHash::Sha256), m_pki.caSha256);

    auto optional
            = serverTlsConfiguration({m_pki.masterCert, m_pki.masterKey, m_pki.caCert, false});
    QVERIFY(optional);
    QCOMPARE(optional->peerVerifyMode(), QSslSocket::QueryPeer);

    auto noCa = serverTlsConfiguration({m_pki.masterCert, m_pki.masterKey, {}, true});
    QVERIFY(!noCa);
    QCOMPARE(noCa.error().code, ErrorCode::InvalidValue);
}

void tst_Tls::client()
{
    auto conf = clientTlsConfiguration({m_pki.caCert, {}, {}});
    QVERIFY2(conf, qPrintable(conf ? QString() : conf.error().toString()));
    QCOMPARE(conf->protocol(), QSsl::TlsV1_2OrLater);
    QCOMPARE(conf->peerVerifyMode(), QSslSocket::VerifyPeer);
    // Pinned: the one CA, not the system store.
    QCOMPARE(conf->caCertificates().size(), 1);
    QCOMPARE(conf->caCertificates().first().digest(QCryptographicHash::Sha256), m_pki.caSha256);
    QVERIFY(conf->localCertificate().isNull());
}

void tst_Tls::clientWithCertificate()
{
    auto conf = clientTlsConfiguration({m_pki.caCert, m_agent.certificate, m_agent.privateKey});
    QVERIFY2(conf, qPrintable(conf ? QString() : conf.error().toString()));
    QCOMPARE(conf->localCertificate().subjectInfo(QSslCertificate::CommonName),
             QStringList{u"agent-01"_s});
    QCOMPARE(conf->privateKey().algorithm(), QSsl::Rsa);
}

void tst_Tls::serverErrors_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("clientCa");
    QTest::addColumn<QString>("errorFile");  // the file the error names

    const QString missing = m_tmp.filePath(u"missing.pem"_s);
    const QString garbage = m_tmp.filePath(u"garbage.pem"_s);
    const QString empty = m_tmp.filePath(u"empty.pem"_s);
    QTest::newRow("certificate-missing") << missing << m_pki.masterKey << QString() << missing;
    QTest::newRow("certificate-garbage") << garbage << m_pki.masterKey << QString() << garbage;
    QTest::newRow("certificate-is-a-key")
            << m_pki.masterKey << m_pki.masterKey << QString() << m_pki.masterKey;
    QTest::newRow("certificate-is-a-directory")
            << m_tmp.path() << m_pki.masterKey << QString() << m_tmp.path();
    QTest::newRow("key-missing") << m_pki.masterCert << missing << QString() << missing;
    QTest::newRow("key-empty") << m_pki.masterCert << empty << QString() << empty;
    QTest::newRow("key-is-a-certificate")
            << m_pki.masterCert << m_pki.masterCert << QString() << m_pki.masterCert;
    QTest::newRow("key-does-not-match")
            << m_pki.masterCert << m_other.masterKey << QString() << m_other.masterKey;
    QTest::newRow("client-ca-missing") << m_pki.masterCert << m_pki.masterKey << missing << missing;
    QTest::newRow("client-ca-garbage") << m_pki.masterCert << m_pki.masterKey << garbage << garbage;
}

void tst_Tls::serverErrors()
{
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QString, clientCa);
    QFETCH(QString, errorFile);
    auto conf = serverTlsConfiguration({certificate, key, clientCa, false});
    QVERIFY(!conf);
    QCOMPARE(conf.error().code, ErrorCode::Io);
    QCOMPARE(conf.error().file, errorFile);
    QVERIFY2(conf.error().message.contains(errorFile), qPrintable(conf.error().message));
}

void tst_Tls::clientErrors_data()
{
    QTest::addColumn<QString>("ca");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("errorFile");

    const QString missing = m_tmp.filePath(u"missing.pem"_s);
    const QString garbage = m_tmp.filePath(u"garbage.pem"_s);
    QTest::newRow("ca-missing") << missing << QString() << QString() << missing;
    QTest::newRow("ca-garbage") << garbage << QString() << QString() << garbage;
    QTest::newRow("ca-empty-path") << QString() << QString() << QString() << QString();
    QTest::newRow("key-without-certificate")
            << m_pki.caCert << QString() << m_agent.privateKey << m_agent.privateKey;
    QTest::newRow("certificate-without-key")
            << m_pki.caCert << m_agent.certificate << QString() << QString();
    QTest::newRow("agent-key-from-elsewhere")
            << m_pki.caCert << m_agent.certificate << m_pki.masterKey << m_pki.masterKey;
}

void tst_Tls::clientErrors()
{
    QFETCH(QString, ca);
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QString, errorFile);
    auto conf = clientTlsConfiguration({ca, certificate, key});
    QVERIFY(!conf);
    QCOMPARE(conf.error().code, ErrorCode::Io);
    QCOMPARE(conf.error().file, errorFile);
}

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"

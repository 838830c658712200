// initPki: the files it writes load in Qt, form a chain, carry the SANs asked for, are
// private, are not overwritten by accident, and serve a real TLS handshake on loopback.

#include <net/pki.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Orrery;
using namespace Orrery::Net;

static QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

static QSslCertificate loadCert(const QString &path)
{
    return QSslCertificate(readAll(path), QSsl::Pem);
}

static QSslKey loadKey(const QString &path)
{
    return QSslKey(readAll(path), QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey);
}

class tst_Pki : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void filesLoad();
    void sanAndChain();
    void opensslVerifies();
    void permissions();
    void refusesToOverwrite();
    void forceReplaces();
    void badAddress_data();
    void badAddress();
    void tlsHandshake_data();
    void tlsHandshake();
    void clientCertificate();
    void clientCertificateErrors_data();
    void clientCertificateErrors();
    void verifyClientCertificateChecks();

private:
    QTemporaryDir m_tmp;
    PkiFiles m_files;
    QString m_dir;
};

void tst_Pki::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_dir = m_tmp.filePath(u"pki"_s);
    PkiOptions options;
    options.dir = m_dir;
    options.names = {u"localhost"_s, u"master.example.com"_s};
    options.addresses = {u"127.0.0.1"_s, u"::1"_s, u"10.1.2.3"_s};
    const Result<PkiFiles> files = initPki(options);
    QVERIFY2(files, qPrintable(files ? QString() : files.error().toString()));
    m_files = *files;
}

void tst_Pki::filesLoad()
{
    for (const QString &path : {m_files.caCert, m_files.masterCert}) {
        const QSslCertificate cert = loadCert(path);
        QVERIFY2(!cert.isNull(), qPrintable(path));
        QCOMPARE(cert.publicKey().algorithm(), QSsl::Rsa);
        QCOMPARE(cert.publicKey().length(), 2048);
    }
    for (const QString &path : {m_files.caKey, m_files.masterKey}) {
        QVERIFY(readAll(path).startsWith("-----BEGIN PRIVATE KEY-----"));  // PKCS#8
        const QSslKey key = loadKey(path);
        QVERIFY2(!key.isNull(), qPrintable(path));
        QCOMPARE(key.algorithm(), QSsl::Rsa);
        QCOMPARE(key.length(), 2048);
    }
    QCOMPARE(loadCert(m_files.caCert).digest(QCryptographicHash::Sha256), m_files.caSha256);
}

void tst_Pki::sanAndChain()
{
    const QSslCertificate ca = loadCert(m_files.caCert);
    const QSslCertificate master = loadCert(m_files.masterCert);
    QVERIFY(ca.isSelfSigned());
    QVERIFY(!master.isSelfSigned());
    QCOMPARE(master.issuerDisplayName(), ca.subjectDisplayName());
    QCOMPARE(master.issuerInfo(QSslCertificate::CommonName),
             ca.subjectInfo(QSslCertificate::CommonName));
    QVERIFY(ca.serialNumber() != master.serialNumber());

    const auto san = master.subjectAlternativeNames();
    const QStringList dns = san.values(QSsl::DnsEntry);
    QVERIFY(dns.contains(u"localhost"_s));
    QVERIFY(dns.contains(u"master.example.com"_s));
    const QStringList ips = san.values(QSsl::IpAddressEntry);
    QVERIFY2(ips.contains(u"127.0.0.1"_s), qPrintable(ips.join(u' ')));
    QVERIFY2(ips.contains(u"10.1.2.3"_s), qPrintable(ips.join(u' ')));
    QVERIFY2(std::any_of(
                     ips.cbegin(), ips.cend(),
                     [](const QString &ip) { return QHostAddress(ip) == QHostAddress(u"::1"_s); }),
             qPrintable(ips.join(u' ')));

    const QList<QSslError> errors = QSslCertificate::verify({master, ca}, u"localhost"_s);
    QVERIFY2(errors.isEmpty()
                     || std::all_of(
                             errors.cbegin(), errors.cend(),
                             [](const QSslError &e) {
                                 // verify() uses the system store; only "CA not trusted" is
                                 // acceptable here.
                                 return e.error() == QSslError::SelfSignedCertificateInChain
                                        || e.error()
                                                   == QSslError::UnableToGetLocalIssuerCertificate;
                             }),
             qPrintable(errors.isEmpty() ? QString() : errors.first().errorString()));
}

void tst_Pki::opensslVerifies()
{
    const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
    if (openssl.isEmpty())
        QSKIP("no openssl binary");
    QProcess p;
    p.start(openssl, {u"verify"_s, u"-CAfile"_s, m_files.caCert, u"-purpose"_s, u"sslserver"_s,
                      u"-x509_strict"_s, m_files.masterCert});
    QVERIFY(p.waitForFinished(30000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());

    QProcess text;
    text.start(openssl, {u"x509"_s, u"-noout"_s, u"-text"_s, u"-in"_s, m_files.caCert});
    QVERIFY(text.waitForFinished(30000));
    const QByteArray caText = text.readAllStandardOutput();
    QVERIFY(caText.contains("CA:TRUE"));
    QVERIFY(caText.contains("Certificate Sign, CRL Sign"));
    QVERIFY(caText.contains("sha256WithRSAEncryption"));
    text.start(openssl, {u"x509"_s, u"-noout"_s, u"-text"_s, u"-in"_s, m_files.masterCert});
    QVERIFY(text.waitForFinished(30000));
    const QByteArray masterText = text.readAllStandardOutput();
    QVERIFY(masterText.contains("CA:FALSE"));
    QVERIFY(masterText.contains("Digital Signature, Key Encipherment"));
    QVERIFY(masterText.contains("TLS Web Server Authentication"));
    QVERIFY(masterText.contains("X509v3 Authority Key Identifier"));
    QVERIFY(masterText.contains("X509v3 Subject Key Identifier"));
}

void tst_Pki::permissions()
{
    const QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
    QCOMPARE(QFileInfo(m_files.caKey).permissions()
                     & ~QFile::Permissions(QFile::ReadUser | QFile::WriteUser),
             ownerOnly);
    QCOMPARE(QFileInfo(m_files.masterKey).permissions()
                     & ~QFile::Permissions(QFile::ReadUser | QFile::WriteUser),
             ownerOnly);
    QCOMPARE(QFileInfo(m_dir).permissions()
                     & ~QFile::Permissions(QFile::ReadUser | QFile::WriteUser | QFile::ExeUser),
             ownerOnly | QFile::ExeOwner);
}

void tst_Pki::refusesToOverwrite()
{
    const QByteArray caKey = readAll(m_files.caKey);
    const QByteArray masterCert = readAll(m_files.masterCert);
    PkiOptions options;
    options.dir = m_dir;
    const Result<PkiFiles> again = initPki(options);
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::Conflict);
    QVERIFY(again.error().message.contains(u"ca."_s)
            || again.error().message.contains(u"master."_s));
    QCOMPARE(readAll(m_files.caKey), caKey);
    QCOMPARE(readAll(m_files.masterCert), masterCert);

    // One leftover file is enough to refuse.
    QTemporaryDir other;
    QVERIFY(QFile(other.filePath(u"master.key"_s)).open(QIODevice::WriteOnly));
    options.dir = other.path();
    const Result<PkiFiles> partial = initPki(options);
    QVERIFY(!partial);
    QCOMPARE(partial.error().code, ErrorCode::Conflict);
    QVERIFY(partial.error().message.contains(u"master.key"_s));
    QVERIFY(!QFileInfo::exists(other.filePath(u"ca.key"_s)));
}

void tst_Pki::forceReplaces()
{
    QTemporaryDir tmp;
    PkiOptions options;
    options.dir = tmp.path();
    const Result<PkiFiles> first = initPki(options);
    QVERIFY(first);
    const QByteArray caKey = readAll(first->caKey);
    options.force = true;
    const Result<PkiFiles> second = initPki(options);
    QVERIFY(second);
    QVERIFY(readAll(second->caKey) != caKey);
    QVERIFY(first->caSha256 != second->caSha256);
    QCOMPARE(QFileInfo(second->caKey).permissions()
                     & QFile::Permissions(QFile::ReadOther | QFile::ReadGroup),
             QFile::Permissions());
}

void tst_Pki::badAddress_data()
{
    QTest::addColumn<QStringList>("addresses");
    QTest::addColumn<QString>("bad");
    QTest::newRow("garbage") << QStringList{u"127.0.0.1"_s, u"not-an-ip"_s} << u"not-an-ip"_s;
    QTest::newRow("octet") << QStringList{u"300.1.1.1"_s} << u"300.1.1.1"_s;
    QTest::newRow("short-form") << QStringList{u"1.2.3"_s} << u"1.2.3"_s;
    QTest::newRow("scoped") << QStringList{u"fe80::1%eth0"_s} << u"fe80::1%eth0"_s;
    QTest::newRow("empty") << QStringList{u""_s} << u"''"_s;
}

void tst_Pki::badAddress()
{
    QFETCH(QStringList, addresses);
    QFETCH(QString, bad);
    QTemporaryDir tmp;
    PkiOptions options;
    options.dir = tmp.filePath(u"pki"_s);
    options.addresses = addresses;
    const Result<PkiFiles> r = initPki(options);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::InvalidValue);
    QVERIFY2(r.error().message.contains(bad), qPrintable(r.error().message));
    QVERIFY(!QFileInfo::exists(options.dir));
}

void tst_Pki::tlsHandshake_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("trusted");
    QTest::newRow("localhost") << u"localhost"_s << true;
    QTest::newRow("ip-in-san") << u"127.0.0.1"_s << true;
    QTest::newRow("ip-not-in-san") << u"127.0.0.2"_s << false;
}

void tst_Pki::tlsHandshake()
{
    QFETCH(QString, host);
    QFETCH(bool, trusted);
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");

    QSslConfiguration serverConfig = QSslConfiguration::defaultConfiguration();
    serverConfig.setLocalCertificate(loadCert(m_files.masterCert));
    serverConfig.setPrivateKey(loadKey(m_files.masterKey));
    serverConfig.setPeerVerifyMode(QSslSocket::VerifyNone);
    QSslServer server;
    server.setSslConfiguration(serverConfig);
    QVERIFY(server.listen(QHostAddress::Any, 0));  // 127.0.0.2 must reach it too
    QSignalSpy serverErrors(&server, &QSslServer::errorOccurred);

    QSslConfiguration clientConfig = QSslConfiguration::defaultConfiguration();
    clientConfig.setCaCertificates({loadCert(m_files.caCert)});  // pin: only our CA
    clientConfig.setPeerVerifyMode(QSslSocket::VerifyPeer);
    QSslSocket client;
    client.setSslConfiguration(clientConfig);
    QSignalSpy encrypted(&client, &QSslSocket::encrypted);
    QSignalSpy sslErrors(&client, &QSslSocket::sslErrors);
    QSignalSpy disconnected(&client, &QSslSocket::disconnected);
    client.connectToHostEncrypted(host, server.serverPort());

    if (trusted) {
        QVERIFY2(encrypted.wait(10000), qPrintable(client.errorString()));
        QVERIFY(sslErrors.isEmpty());
        QVERIFY(client.isEncrypted());
        QCOMPARE(client.peerCertificate(), loadCert(m_files.masterCert));
    } else {
        QVERIFY(sslErrors.wait(10000));
        const auto errors = sslErrors.first().first().value<QList<QSslError>>();
        QVERIFY(std::any_of(errors.cbegin(), errors.cend(), [](const QSslError &e) {
            return e.error() == QSslError::HostNameMismatch;
        }));
        // Only the host name is wrong: the chain itself is trusted.
        QVERIFY(std::none_of(errors.cbegin(), errors.cend(), [](const QSslError &e) {
            return e.error() == QSslError::UnableToGetLocalIssuerCertificate
                   || e.error() == QSslError::SelfSignedCertificateInChain;
        }));
        QVERIFY(disconnected.count() > 0 || disconnected.wait(10000));
        QVERIFY(encrypted.isEmpty());
    }
}

void tst_Pki::clientCertificate()
{
    const Result<ClientCertFiles> files = issueClientCertificate(m_dir, u"agent-01"_s, 30);
    QVERIFY2(files, qPrintable(files ? QString() : files.error().toString()));
    QCOMPARE(files->certificate, QDir(m_dir).absoluteFilePath(u"agents/agent-01.crt"_s));
    QCOMPARE(files->privateKey, QDir(m_dir).absoluteFilePath(u"agents/agent-01.key"_s));
    QCOMPARE(QFileInfo(files->privateKey).permissions() & 0x7777,
             QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
    QCOMPARE(QFileInfo(QDir(m_dir).absoluteFilePath(u"agents"_s)).permissions() & 0x0077,
             QFile::Permissions());

    const QSslCertificate cert = loadCert(files->certificate);
    QVERIFY(!cert.isNull());
    QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName), QStringList{u"agent-01"_s});
    QCOMPARE(cert.issuerInfo(QSslCertificate::CommonName),
             loadCert(m_files.caCert).subjectInfo(QSslCertificate::CommonName));
    QCOMPARE(cert.digest(QCryptographicHash::Sha256), files->sha256);
    QVERIFY(cert.effectiveDate().daysTo(cert.expiryDate()) >= 29);
    QVERIFY(cert.effectiveDate().daysTo(cert.expiryDate()) <= 31);
    QVERIFY(!loadKey(files->privateKey).isNull());

    const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
    if (openssl.isEmpty())
        QSKIP("no openssl binary");
    QProcess client;
    client.start(openssl, {u"verify"_s, u"-CAfile"_s, m_files.caCert, u"-purpose"_s, u"sslclient"_s,
                           u"-x509_strict"_s, files->certificate});
    QVERIFY(client.waitForFinished(30000));
    QVERIFY2(client.exitCode() == 0, client.readAllStandardError().constData());
    // clientAuth only: it cannot serve as a TLS server certificate.
    QProcess server;
    server.start(openssl, {u"verify"_s, u"-CAfile"_s, m_files.caCert, u"-purpose"_s, u"sslserver"_s,
                           files->certificate});
    QVERIFY(server.waitForFinished(30000));
    QVERIFY(server.exitCode() != 0);
    // The key belongs to the certificate.
    QProcess pub1;
    pub1.start(openssl, {u"x509"_s, u"-noout"_s, u"-pubkey"_s, u"-in"_s, files->certificate});
    QProcess pub2;
    pub2.start(openssl, {u"pkey"_s, u"-pubout"_s, u"-in"_s, files->privateKey});
    QVERIFY(pub1.waitForFinished(30000) && pub2.waitForFinished(30000));
    const QByteArray certPublic = pub1.readAllStandardOutput();
    QVERIFY(certPublic.startsWith("-----BEGIN PUBLIC KEY-----"));
    QCOMPARE(pub2.readAllStandardOutput(), certPublic);
}

void tst_Pki::clientCertificateErrors_data()
{
    QTest::addColumn<QString>("dir");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("days");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("slash-in-name") << m_dir << u"../evil"_s << 10 << ErrorCode::InvalidValue;
    QTest::newRow("empty-name") << m_dir << QString() << 10 << ErrorCode::InvalidValue;
    QTest::newRow("dot-name") << m_dir << u".hidden"_s << 10 << ErrorCode::InvalidValue;
    QTest::newRow("space-in-name") << m_dir << u"a b"_s << 10 << ErrorCode::InvalidValue;
    QTest::newRow("zero-days") << m_dir << u"agent-02"_s << 0 << ErrorCode::InvalidValue;
    QTest::newRow("exists") << m_dir << u"agent-dup"_s << 10 << ErrorCode::Conflict;
    QTest::newRow("no-ca") << m_tmp.filePath(u"nowhere"_s) << u"agent-03"_s << 10 << ErrorCode::Io;
}

void tst_Pki::clientCertificateErrors()
{
    QFETCH(QString, dir);
    QFETCH(QString, name);
    QFETCH(int, days);
    QFETCH(ErrorCode, code);
    if (code == ErrorCode::Conflict)
        QVERIFY(issueClientCertificate(dir, name, days));
    const Result<ClientCertFiles> files = issueClientCertificate(dir, name, days);
    QVERIFY(!files);
    QCOMPARE(files.error().code, code);
    if (code == ErrorCode::Io)
        QCOMPARE(files.error().file, QDir(dir).absoluteFilePath(u"ca.crt"_s));
}

// What the master checks of an agent's certificate under mutual TLS.
void tst_Pki::verifyClientCertificateChecks()
{
    const QList<QSslCertificate> ca{loadCert(m_files.caCert)};
    const Result<ClientCertFiles> agent = issueClientCertificate(m_dir, u"agent-verify"_s, 30);
    QVERIFY(agent);
    const QSslCertificate agentCert = loadCert(agent->certificate);
    QVERIFY(verifyClientCertificate({agentCert}, ca));

    // None presented.
    const Result<void> none = verifyClientCertificate({}, ca);
    QVERIFY(!none);
    QCOMPARE(none.error().code, ErrorCode::InvalidValue);
    QCOMPARE(none.error().message, u"no client certificate"_s);
    QVERIFY(!verifyClientCertificate({QSslCertificate()}, ca));

    // The same node name, signed by another CA.
    QTemporaryDir otherTmp;
    PkiOptions other;
    other.dir = otherTmp.filePath(u"pki"_s);
    other.names = {u"localhost"_s};
    QVERIFY(initPki(other));
    const Result<ClientCertFiles> forged = issueClientCertificate(other.dir, u"agent-verify"_s, 30);
    QVERIFY(forged);
    const Result<void> foreign = verifyClientCertificate({loadCert(forged->certificate)}, ca);
    QVERIFY(!foreign);
    QVERIFY2(foreign.error().message.contains(u"agent-verify"_s)
                     && foreign.error().message.contains(u"issuer"_s),
             qPrintable(foreign.error().message));
    // ...and accepted by its own CA, so the refusal above is the CA's doing.
    QVERIFY(verifyClientCertificate({loadCert(forged->certificate)},
                                    {loadCert(other.dir + u"/ca.crt"_s)}));

    // The master's own certificate is signed by the CA but is for servers only.
    const Result<void> server = verifyClientCertificate({loadCert(m_files.masterCert)}, ca);
    QVERIFY(!server);
    QVERIFY2(server.error().message.contains(u"purpose"_s), qPrintable(server.error().message));

    // No trusted CA at all.
    QVERIFY(!verifyClientCertificate({agentCert}, {}));
}

QTEST_GUILESS_MAIN(tst_Pki)
#include "tst_pki.moc"

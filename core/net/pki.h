#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

namespace Orrery::Net {

// What `orreryctl pki init DIR` creates: a private CA and the master's server certificate.
struct PkiOptions
{
    QString dir;
    QStringList names = {QStringLiteral("localhost")};                             // DNS SANs
    QStringList addresses = {QStringLiteral("127.0.0.1"), QStringLiteral("::1")};  // IP SANs
    int caDays = 3650;
    int certDays = 825;
    bool force = false;  // overwrite existing files
};

struct PkiFiles
{
    QString caCert;
    QString caKey;
    QString masterCert;
    QString masterKey;
    QByteArray caSha256;  // SHA-256 of the CA certificate (DER)
};

// Creates DIR (0700) with ca.crt, ca.key (0600), master.crt and master.key (0600):
// RSA-2048 keys as PKCS#8 PEM, SHA-256 signatures. Conflict if a file exists and !force;
// InvalidValue for an address that is not an IP address; Io for file errors.
Result<PkiFiles> initPki(const PkiOptions &options);

struct ClientCertFiles
{
    QString certificate;  // DIR/agents/NODE.crt
    QString privateKey;   // DIR/agents/NODE.key (0600)
    QByteArray sha256;    // SHA-256 of the certificate (DER)
};

// A client (agent) certificate for mutual TLS, signed by DIR/ca.crt + DIR/ca.key (from
// initPki): CN = nodeName, EKU clientAuth, RSA-2048, written to DIR/agents/ (0700) as
// NODE.crt and NODE.key (0600). InvalidValue for a node name that is not [A-Za-z0-9._-]{1,64}
// (it becomes a file name) or days <= 0; Conflict if NODE.crt or NODE.key exists; Io (file =
// path) when the CA cannot be read or does not match its key.
Result<ClientCertFiles> issueClientCertificate(const QString &dir, const QString &nodeName,
                                               int days = 825);

// Whether a TLS peer's certificate chain (leaf first, as the handshake gave it) authenticates
// a client: the leaf is signed (through the chain's intermediates) by one of `trusted`, is valid
// now and may be used for TLS client authentication (extended key usage clientAuth, when the
// certificate restricts it). The master asks agents for a certificate without requiring one
// in the handshake (its port also serves clients that authenticate with tokens) and checks an
// agent's with this. InvalidValue saying why not: no certificate, not signed by the CA,
// expired, not for client authentication.
Result<void> verifyClientCertificate(const QList<QSslCertificate> &chain,
                                     const QList<QSslCertificate> &trusted);

// "AB:CD:..." for a fingerprint.
QString formatFingerprint(const QByteArray &digest);

}  // namespace Orrery::Net

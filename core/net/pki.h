#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Orrery::Net {

// What `orreryctl pki init DIR` creates: a private CA and the master's server certificate.
struct PkiOptions
{
    QString dir;
    QStringList names = {QStringLiteral("localhost")};                         // DNS SANs
    QStringList addresses = {QStringLiteral("127.0.0.1"), QStringLiteral("::1")}; // IP SANs
    int caDays = 3650;
    int certDays = 825;
    bool force = false; // overwrite existing files
};

struct PkiFiles
{
    QString caCert;
    QString caKey;
    QString masterCert;
    QString masterKey;
    QByteArray caSha256; // SHA-256 of the CA certificate (DER)
};

// Creates DIR (0700) with ca.crt, ca.key (0600), master.crt and master.key (0600):
// RSA-2048 keys as PKCS#8 PEM, SHA-256 signatures. Conflict if a file exists and !force;
// InvalidValue for an address that is not an IP address; Io for file errors.
Result<PkiFiles> initPki(const PkiOptions &options);

// "AB:CD:..." for a fingerprint.
QString formatFingerprint(const QByteArray &digest);

} // namespace Orrery::Net

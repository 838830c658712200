#pragma once

#include <QDialog>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <utility>

namespace Orrery::Connect {

// First contact with a master whose certificate nothing trusts yet: shows who the
// certificate names (subject, issuer), when it is valid, and its SHA-256 fingerprint for the
// user to compare with the one the administrator gave (`orrery-master` prints it). Accepting
// pins that fingerprint.
class CertificateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificateDialog)

public:
    // `previousPin`: the fingerprint trusted so far (empty on first contact); a different one
    // is shown as a warning that the certificate changed.
    CertificateDialog(const QSslCertificate &certificate, const QString &server,
                      const QByteArray &previousPin, QWidget *parent = nullptr);

    // The details as label/value rows, in the order shown.
    static QList<std::pair<QString, QString>> details(const QSslCertificate &certificate);
};

}  // namespace Orrery::Connect

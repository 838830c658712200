#include "certificatedialog.h"

#include <client/masterconnection.h>

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

namespace {

QString names(const QSslCertificate &certificate, bool subject)
{
    const auto info = [&](QSslCertificate::SubjectInfo what) {
        return (subject ? certificate.subjectInfo(what) : certificate.issuerInfo(what))
                .join(u", "_s);
    };
    QStringList parts;
    for (auto [key, what] : {std::pair{u"CN"_s, QSslCertificate::CommonName},
                             std::pair{u"O"_s, QSslCertificate::Organization},
                             std::pair{u"OU"_s, QSslCertificate::OrganizationalUnitName}}) {
        const QString value = info(what);
        if (!value.isEmpty())
            parts.append(key + u'=' + value);
    }
    return parts.join(u", "_s);
}

}  // namespace

QList<std::pair<QString, QString>> CertificateDialog::details(const QSslCertificate &certificate)
{
    const QLocale locale;
    QStringList hosts;
    const auto alternates = certificate.subjectAlternativeNames();
    for (auto it = alternates.cbegin(); it != alternates.cend(); ++it)
        hosts.append(it.value());
    return {
            {tr("Subject"), names(certificate, true)},
            {tr("Issuer"), names(certificate, false)},
            {tr("Alternative names"), hosts.join(u", "_s)},
            {tr("Valid from"), locale.toString(certificate.effectiveDate(), QLocale::LongFormat)},
            {tr("Valid until"), locale.toString(certificate.expiryDate(), QLocale::LongFormat)},
            {tr("SHA-256 fingerprint"),
             Client::MasterConnection::fingerprintText(
                     Client::MasterConnection::fingerprint(certificate))},
    };
}

CertificateDialog::CertificateDialog(const QSslCertificate &certificate, const QString &server,
                                     const QByteArray &previousPin, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Trust this master?"));
    auto *layout = new QVBoxLayout(this);
    const bool changed = !previousPin.isEmpty();
    auto *intro = new QLabel(
            changed ? tr("<b>The certificate of %1 is not the one trusted before.</b> It may "
                         "have been renewed, or someone may be in between. Trust the new one "
                         "only if its fingerprint is the one your administrator gives.")
                              .arg(server.toHtmlEscaped())
                    : tr("Nothing trusts the certificate of %1 yet. Compare its SHA-256 "
                         "fingerprint with the one your administrator gives; if they are the "
                         "same, trust it and it will be pinned for this server.")
                              .arg(server.toHtmlEscaped()));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    for (const auto &[label, value] : details(certificate)) {
        auto *field = new QLabel(value);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        field->setWordWrap(true);
        if (label == tr("SHA-256 fingerprint")) {
            field->setObjectName(u"fingerprint"_s);
            field->setStyleSheet(u"font-family: monospace;"_s);
        }
        form->addRow(label + u':', field);
    }
    if (changed) {
        auto *old = new QLabel(Client::MasterConnection::fingerprintText(previousPin));
        old->setTextInteractionFlags(Qt::TextSelectableByMouse);
        old->setWordWrap(true);
        form->addRow(tr("Trusted before:"), old);
    }
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    QPushButton *trust = buttons->addButton(tr("&Trust and connect"), QDialogButtonBox::AcceptRole);
    trust->setObjectName(u"trust"_s);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

}  // namespace Orrery::Connect

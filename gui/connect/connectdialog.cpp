#include "connectdialog.h"

#include "connectionmanager.h"
#include "tokenstore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

ConnectDialog::ConnectDialog(ConnectionManager *manager, QWidget *parent)
    : QDialog(parent)
    , m_manager(manager)
    , m_servers(new QComboBox(this))
    , m_label(new QLineEdit(this))
    , m_url(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_caFile(new QLineEdit(this))
    , m_fingerprint(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_forget(new QPushButton(tr("&Forget"), this))
{
    setWindowTitle(tr("Connect to a master"));
    setMinimumWidth(520);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;

    auto *serverRow = new QHBoxLayout;
    serverRow->addWidget(m_servers, 1);
    serverRow->addWidget(m_forget);
    m_forget->setToolTip(tr("Remove this server and its token from this computer"));
    form->addRow(tr("&Server:"), serverRow);

    m_label->setPlaceholderText(tr("optional, e.g. production"));
    form->addRow(tr("&Name:"), m_label);
    m_url->setPlaceholderText(u"wss://scheduler.example.com:8443"_s);
    form->addRow(tr("&Address:"), m_url);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("an API token (orr_…)"));
    m_token->setToolTip(tr("Kept in the system keychain, never in a file"));
    form->addRow(tr("&Token:"), m_token);

    auto *caRow = new QHBoxLayout;
    m_caFile->setPlaceholderText(tr("the CA that signed the master's certificate (PEM)"));
    auto *browse = new QToolButton(this);
    browse->setText(u"…"_s);
    browse->setToolTip(tr("Choose a CA file"));
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(browse);
    form->addRow(tr("&CA file:"), caRow);
    m_fingerprint->setPlaceholderText(tr("or the certificate's SHA-256 (AB:CD:…)"));
    form->addRow(tr("&Fingerprint:"), m_fingerprint);
    layout->addLayout(form);

    auto *hint = new QLabel(tr("Leave both the CA file and the fingerprint empty to see the "
                               "master's certificate on first contact and trust it."),
                            this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #c62828;"_s);
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *connectButton = buttons->addButton(tr("C&onnect"), QDialogButtonBox::AcceptRole);
    connectButton->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path
                = QFileDialog::getOpenFileName(this, tr("The CA certificate"), m_caFile->text(),
                                               tr("PEM certificates (*.pem *.crt)"));
        if (!path.isEmpty())
            m_caFile->setText(path);
    });
    connect(m_forget, &QPushButton::clicked, this, &ConnectDialog::forgetServer);
    connect(m_servers, &QComboBox::currentIndexChanged, this, &ConnectDialog::onServerChosen);
    setTabOrder(m_servers, m_label);
    setTabOrder(m_label, m_url);
    setTabOrder(m_url, m_token);
    setTabOrder(m_token, m_caFile);
    setTabOrder(m_caFile, m_fingerprint);
    fillServers();
}

void ConnectDialog::fillServers()
{
    m_saved = m_manager->savedServers();
    const QSignalBlocker block(m_servers);
    m_servers->clear();
    for (const ServerProfile &p : std::as_const(m_saved))
        m_servers->addItem(p.displayName(), p.url.toString());
    m_servers->addItem(tr("New server…"));
    m_servers->setCurrentIndex(0);
    onServerChosen(0);
}

void ConnectDialog::onServerChosen(int index)
{
    m_error->hide();
    ++m_tokenRequest;
    const bool saved = index >= 0 && index < m_saved.size();
    m_forget->setEnabled(saved);
    if (!saved) {
        for (QLineEdit *e : {m_label, m_url, m_token, m_caFile, m_fingerprint})
            e->clear();
        return;
    }
    const ServerProfile &p = m_saved.at(index);
    m_label->setText(p.label);
    m_url->setText(p.url.toString());
    m_caFile->setText(p.caFile);
    m_fingerprint->setText(p.pinnedSha256.isEmpty()
                                   ? QString()
                                   : Client::MasterConnection::fingerprintText(p.pinnedSha256));
    m_token->clear();
    const int request = m_tokenRequest;
    m_manager->tokens()->read(p.secretKey(), [this, request](const Result<QString> &token) {
        // Only the answer for the server still chosen, and never over what the user typed.
        if (request == m_tokenRequest && token && m_token->text().isEmpty())
            m_token->setText(*token);
    });
}

void ConnectDialog::forgetServer()
{
    const int index = m_servers->currentIndex();
    if (index < 0 || index >= m_saved.size())
        return;
    m_manager->forgetServer(m_saved.at(index));
    fillServers();
}

QString ConnectDialog::token() const
{
    return m_token->text().trimmed();
}

QString ConnectDialog::errorText() const
{
    return m_error->isVisible() || !m_error->isHidden() ? m_error->text() : QString();
}

void ConnectDialog::accept()
{
    Result<ServerProfile> profile
            = makeProfile(m_label->text(), m_url->text(), m_caFile->text(), m_fingerprint->text());
    QString problem;
    QLineEdit *field = nullptr;
    if (!profile) {
        problem = profile.error().message;
        const QString name = profile.error().file;
        field = name == u"url"_s ? m_url : name == u"ca_file"_s ? m_caFile : m_fingerprint;
    } else if (token().isEmpty()) {
        problem = tr("an API token is needed (orrery-master admin-token, or POST /api/v1/tokens)");
        field = m_token;
    }
    if (field) {
        m_error->setText(problem);
        m_error->show();
        field->setFocus();
        return;
    }
    m_profile = *profile;
    QDialog::accept();
}

}  // namespace Orrery::Connect

#pragma once

#include "serverprofile.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Orrery::Connect {

class ConnectionManager;

// Master > Connect: the saved servers (choose one, or type a new one), the server's address,
// the API token, and how its certificate is trusted (a CA file, a SHA-256 fingerprint, or
// neither: then the certificate is shown on first contact to be pinned). Choosing a saved
// server fills in its token from the keychain. Accepted only with valid fields.
class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    explicit ConnectDialog(ConnectionManager *manager, QWidget *parent = nullptr);

    // After accept().
    const ServerProfile &profile() const { return m_profile; }
    QString token() const;

    // For tests: the fields.
    QComboBox *serverBox() const { return m_servers; }
    QLineEdit *labelEdit() const { return m_label; }
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QLineEdit *fingerprintEdit() const { return m_fingerprint; }
    QString errorText() const;

    void accept() override;

private:
    void fillServers();
    void onServerChosen(int index);
    void forgetServer();

    QPointer<ConnectionManager> m_manager;
    QList<ServerProfile> m_saved;
    ServerProfile m_profile;
    QComboBox *m_servers;
    QLineEdit *m_label;
    QLineEdit *m_url;
    QLineEdit *m_token;
    QLineEdit *m_caFile;
    QLineEdit *m_fingerprint;
    QLabel *m_error;
    QPushButton *m_forget;
    int m_tokenRequest = 0;
};

}  // namespace Orrery::Connect

#pragma once

#include "serverprofile.h"
#include "tokenstore.h"

#include <client/masterconnection.h>

#include <QObject>
#include <QPointer>
#include <QSslCertificate>

#include <functional>

class QSettings;

namespace Orrery::Connect {

// The GUI's side of connecting: which server, with which token, trusting which certificate.
// It drives one MasterConnection (which reconnects by itself after a loss):
// - connectTo() starts a connection; a master whose certificate is not trusted ends the
//   attempt in Refused with the certificate at hand: the trust question (certificateCheck)
//   is asked, and a yes pins the certificate's SHA-256 and connects again;
// - once connected, the server goes first in the saved list (QSettings, no secrets) and the
//   token into the keychain (TokenStore).
class ConnectionManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionManager)

public:
    // Whether the user trusts `certificate` for `profile` (the GUI shows CertificateDialog).
    using TrustQuestion
            = std::function<bool(const QSslCertificate &certificate, const ServerProfile &profile)>;

    // None owned; all must outlive the manager.
    ConnectionManager(Client::MasterConnection *connection, TokenStore *tokens, QSettings *settings,
                      QObject *parent = nullptr);
    ~ConnectionManager() override;

    Client::MasterConnection *connection() const { return m_connection; }
    TokenStore *tokens() const { return m_tokens; }
    void setTrustQuestion(TrustQuestion question) { m_trustQuestion = std::move(question); }

    // The server being connected to (or last connected to).
    const ServerProfile &profile() const { return m_profile; }
    QList<ServerProfile> savedServers() const;
    void forgetServer(const ServerProfile &profile);

    // Starts connecting (see the class comment). An invalid setting is returned at once.
    Result<void> connectTo(const ServerProfile &profile, const QString &token);
    // The most recently used server with its token from the keychain; false when there is
    // none saved (the keychain's answer comes later: an error there ends in failed()).
    bool connectToLastUsed();
    void disconnectFromServer();

    // One line for the status bar: "Connected to prod (admin as ci-admin)", "Reconnecting to
    // prod: connection refused", ...
    QString statusText() const;

signals:
    void statusChanged(const QString &text);
    // Connected, the profile (with a new pin) saved.
    void connected(const Orrery::Connect::ServerProfile &profile);
    // Refused (and not retried after a trust question), or the keychain failed.
    void failed(const QString &reason);

private:
    void onStateChanged(Client::MasterConnection::State state, const QString &reason);
    void onRefused();
    bool refusedForCertificate() const;

    QPointer<Client::MasterConnection> m_connection;
    QPointer<TokenStore> m_tokens;
    QSettings *m_settings;
    TrustQuestion m_trustQuestion;
    ServerProfile m_profile;
    QString m_token;
    bool m_tokenSaved = false;
    QString m_keychainProblem;
};

}  // namespace Orrery::Connect

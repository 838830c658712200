#include "connectionmanager.h"

#include "tokenstore.h"

#include <QLoggingCategory>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

static Q_LOGGING_CATEGORY(lcConnect, "orrery.gui.connect", QtInfoMsg)

        using Client::MasterConnection;

ConnectionManager::ConnectionManager(MasterConnection *connection, TokenStore *tokens,
                                     QSettings *settings, QObject *parent)
    : QObject(parent), m_connection(connection), m_tokens(tokens), m_settings(settings)
{
    connect(m_connection, &MasterConnection::stateChanged, this,
            &ConnectionManager::onStateChanged);
}

ConnectionManager::~ConnectionManager() = default;

QList<ServerProfile> ConnectionManager::savedServers() const
{
    return ServerList::load(*m_settings);
}

void ConnectionManager::forgetServer(const ServerProfile &profile)
{
    ServerList::save(*m_settings, ServerList::without(savedServers(), profile.url));
    m_tokens->remove(profile.secretKey(), [key = profile.secretKey()](const Result<void> &done) {
        if (!done)
            qCInfo(lcConnect).noquote()
                    << "could not remove the token of" << key << ":" << done.error().message;
    });
}

Result<void> ConnectionManager::connectTo(const ServerProfile &profile, const QString &token)
{
    m_profile = profile;
    m_token = token;
    m_tokenSaved = false;
    m_keychainProblem.clear();
    return m_connection->connectToMaster(connectionSettings(profile, token));
}

bool ConnectionManager::connectToLastUsed()
{
    const QList<ServerProfile> servers = savedServers();
    if (servers.isEmpty())
        return false;
    const ServerProfile profile = servers.first();
    m_profile = profile;
    m_tokens->read(profile.secretKey(), [this, profile](const Result<QString> &token) {
        if (!token) {
            emit failed(tr("No token for %1 from the keychain: %2")
                                .arg(profile.displayName(), token.error().message));
            return;
        }
        const Result<void> started = connectTo(profile, *token);
        if (!started)
            emit failed(started.error().message);
    });
    return true;
}

void ConnectionManager::disconnectFromServer()
{
    m_connection->disconnectFromMaster();
}

bool ConnectionManager::refusedForCertificate() const
{
    // MasterConnection names the fingerprint of a certificate it did not trust.
    const QByteArray seen = m_connection->peerFingerprint();
    return m_connection->state() == MasterConnection::State::Refused
           && !m_connection->peerCertificate().isNull()
           && m_connection->stateReason().contains(MasterConnection::fingerprintText(seen));
}

void ConnectionManager::onStateChanged(MasterConnection::State state, const QString &)
{
    emit statusChanged(statusText());
    if (state == MasterConnection::State::Connected) {
        ServerList::save(*m_settings, ServerList::withUsed(savedServers(), m_profile));
        if (!m_tokenSaved) {
            m_tokenSaved = true;
            m_tokens->write(m_profile.secretKey(), m_token, [this](const Result<void> &done) {
                if (!done) {
                    m_keychainProblem = done.error().message;
                    emit failed(tr("The token could not be kept in the keychain: %1")
                                        .arg(done.error().message));
                    emit statusChanged(statusText());
                }
            });
        }
        emit connected(m_profile);
        return;
    }
    if (state == MasterConnection::State::Refused) {
        // Asked after the connection's signal has returned: the question may be a modal dialog.
        QMetaObject::invokeMethod(this, &ConnectionManager::onRefused, Qt::QueuedConnection);
    }
}

void ConnectionManager::onRefused()
{
    if (m_connection->state() != MasterConnection::State::Refused)
        return;
    const QString reason = m_connection->stateReason();
    if (refusedForCertificate() && m_trustQuestion) {
        const QSslCertificate certificate = m_connection->peerCertificate();
        if (m_trustQuestion(certificate, m_profile)) {
            ServerProfile pinned = m_profile;
            pinned.caFile.clear();
            pinned.pinnedSha256 = MasterConnection::fingerprint(certificate);
            qCInfo(lcConnect).noquote()
                    << "pinned" << MasterConnection::fingerprintText(pinned.pinnedSha256) << "for"
                    << pinned.url.toString();
            const Result<void> again = connectTo(pinned, m_token);
            if (again)
                return;
            emit failed(again.error().message);
            return;
        }
    }
    emit failed(reason);
}

QString ConnectionManager::statusText() const
{
    const QString name = m_profile.displayName();
    switch (m_connection->state()) {
    case MasterConnection::State::Disconnected:
        return tr("Offline");
    case MasterConnection::State::Connecting:
        return tr("Connecting to %1…").arg(name);
    case MasterConnection::State::Connected: {
        QString text = tr("Connected to %1 as %2 (%3)")
                               .arg(name, m_connection->user(), m_connection->role());
        if (!m_keychainProblem.isEmpty())
            text += u" — "_s + tr("token not kept: %1").arg(m_keychainProblem);
        return text;
    }
    case MasterConnection::State::Reconnecting:
        return tr("Reconnecting to %1: %2").arg(name, m_connection->stateReason());
    case MasterConnection::State::Refused:
        return tr("Refused by %1: %2").arg(name, m_connection->stateReason());
    }
    return QString();
}

}  // namespace Orrery::Connect

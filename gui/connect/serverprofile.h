#pragma once

#include <client/masterconnection.h>
#include <model/result.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

class QSettings;

namespace Orrery::Connect {

// A master the user connects to, as kept in QSettings: only what is not secret. The token
// lives in the OS keychain (TokenStore), keyed by the URL.
struct ServerProfile
{
    QString label;            // what the user calls it ("prod"); the host when empty
    QUrl url;                 // wss://host:port
    QString caFile;           // trust by a CA file ...
    QByteArray pinnedSha256;  // ... or by the certificate's SHA-256 (32 bytes)

    QString displayName() const;
    // The key of the token in the keychain: the URL without user info or trailing slash.
    QString secretKey() const;
    friend bool operator==(const ServerProfile &, const ServerProfile &) = default;
};

// Checks what the user typed: a wss:// URL with a host and a port, an existing CA file or a
// fingerprint of 32 bytes written as hex (with or without ':' or spaces), at most one of the
// two. The error's `file` names the field: url, ca_file, pinned_sha256.
Result<ServerProfile> makeProfile(const QString &label, const QString &url, const QString &caFile,
                                  const QString &fingerprint);
// "AB:CD:…" or "abcd…" (64 hex digits) -> 32 bytes.
Result<QByteArray> parseFingerprint(const QString &text);

// The MasterConnection settings for a profile and its token.
Client::ConnectionSettings connectionSettings(const ServerProfile &profile, const QString &token);

// The saved servers, most recently used first, under "servers/" in `settings`.
class ServerList final
{
public:
    static QList<ServerProfile> load(QSettings &settings);
    static void save(QSettings &settings, const QList<ServerProfile> &servers);
    // Puts `profile` first, replacing the one with the same URL.
    static QList<ServerProfile> withUsed(QList<ServerProfile> servers,
                                         const ServerProfile &profile);
    static QList<ServerProfile> without(QList<ServerProfile> servers, const QUrl &url);
};

}  // namespace Orrery::Connect

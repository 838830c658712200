#pragma once

#include <model/result.h>

#include <QObject>
#include <QString>

#include <functional>

namespace Orrery::Connect {

// API tokens in the operating system's keychain (QtKeychain: Secret Service on Linux, the
// Credential Manager on Windows, the Keychain on macOS), never in a file. Every call is
// asynchronous: the handler runs once, later, with the result. A keychain that is missing
// or locked answers with an error whose message comes from QtKeychain.
class TokenStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenStore)

public:
    using ReadHandler = std::function<void(const Result<QString> &)>;
    using DoneHandler = std::function<void(const Result<void> &)>;

    // `service` groups Orrery's entries in the keychain ("orrery"; tests use their own).
    explicit TokenStore(const QString &service, QObject *parent = nullptr);
    ~TokenStore() override;

    QString service() const { return m_service; }

    // NotFound when the keychain has no token under `key`.
    void read(const QString &key, ReadHandler handler);
    void write(const QString &key, const QString &token, DoneHandler handler);
    // Succeeds also when there was nothing to remove.
    void remove(const QString &key, DoneHandler handler);

private:
    QString m_service;
};

}  // namespace Orrery::Connect

#include "tokenstore.h"

#include <qt6keychain/keychain.h>

#include <QLoggingCategory>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

static Q_LOGGING_CATEGORY(lcTokens, "orrery.gui.tokens", QtInfoMsg)

        namespace
{
    Error keychainError(const QKeychain::Job &job)
    {
        return makeError(
                job.error() == QKeychain::EntryNotFound ? ErrorCode::NotFound : ErrorCode::Io,
                job.errorString());
    }

}  // namespace

TokenStore::TokenStore(const QString &service, QObject *parent)
    : QObject(parent), m_service(service)
{
}

TokenStore::~TokenStore() = default;

// The jobs have no parent: a job deleted while libsecret still works for it crashes later in
// libsecret's callback. Each deletes itself once finished (autoDelete); the connection to
// this store ends with the store, so a late answer reaches no handler.
void TokenStore::read(const QString &key, ReadHandler handler)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [handler, key](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() != QKeychain::NoError) {
            if (read->error() != QKeychain::EntryNotFound)
                qCInfo(lcTokens).noquote()
                        << "keychain read failed for" << key << ":" << read->errorString();
            handler(keychainError(*read));
            return;
        }
        handler(read->textData());
    });
    job->start();
}

void TokenStore::write(const QString &key, const QString &token, DoneHandler handler)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [handler, key](QKeychain::Job *j) {
        if (j->error() != QKeychain::NoError) {
            qCInfo(lcTokens).noquote()
                    << "keychain write failed for" << key << ":" << j->errorString();
            handler(keychainError(*j));
            return;
        }
        handler({});
    });
    job->start();
}

void TokenStore::remove(const QString &key, DoneHandler handler)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [handler](QKeychain::Job *j) {
        if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound) {
            handler(keychainError(*j));
            return;
        }
        handler({});
    });
    job->start();
}

}  // namespace Orrery::Connect

#include "tls.h"

#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Net {

namespace {

struct OpenSslDeleter
{
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(X509 *p) const { X509_free(p); }
    void operator()(BIO *p) const { BIO_free(p); }
};
template<typename T>
using Owned = std::unique_ptr<T, OpenSslDeleter>;

Error fileError(const QString &path, const QString &what)
{
    Error e = makeError(ErrorCode::Io, u"%1: %2"_s.arg(path, what));
    e.file = path;
    return e;
}

Result<QByteArray> readFile(const QString &path, const QString &role)
{
    if (path.isEmpty())
        return makeError(ErrorCode::Io, u"no %1 file given"_s.arg(role));
    const QFileInfo info(path);
    if (!info.exists())
        return fileError(path, u"%1 file does not exist"_s.arg(role));
    if (info.isDir())
        return fileError(path, u"%1 file is a directory"_s.arg(role));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fileError(path, u"cannot read %1 file: %2"_s.arg(role, file.errorString()));
    return file.readAll();
}

Result<QList<QSslCertificate>> loadCertificates(const QString &path, const QString &role)
{
    const Result<QByteArray> data = readFile(path, role);
    if (!data)
        return data.error();
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(*data, QSsl::Pem);
    if (certificates.isEmpty() || certificates.first().isNull())
        return fileError(path, u"not a PEM certificate (%1)"_s.arg(role));
    return certificates;
}

struct LoadedKey
{
    QSslKey key;
    Owned<EVP_PKEY> evp;
};

Result<LoadedKey> loadPrivateKey(const QString &path)
{
    const Result<QByteArray> data = readFile(path, u"private key"_s);
    if (!data)
        return data.error();
    ERR_clear_error();
    Owned<BIO> bio(BIO_new_mem_buf(data->constData(), int(data->size())));
    // A null passphrase callback with an empty passphrase: an encrypted key fails here.
    static char empty[] = "";
    Owned<EVP_PKEY> evp(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty)
                            : nullptr);
    ERR_clear_error();
    if (!evp)
        return fileError(path, u"not an unencrypted PEM private key"_s);

    QSsl::KeyAlgorithm algorithm = QSsl::Opaque;
    switch (EVP_PKEY_get_base_id(evp.get())) {
    case EVP_PKEY_RSA:
        algorithm = QSsl::Rsa;
        break;
    case EVP_PKEY_EC:
        algorithm = QSsl::Ec;
        break;
    case EVP_PKEY_DSA:
        algorithm = QSsl::Dsa;
        break;
    case EVP_PKEY_DH:
        algorithm = QSsl::Dh;
        break;
    default:
        return fileError(path, u"unsupported private key algorithm"_s);
    }
    QSslKey key(*data, algorithm, QSsl::Pem, QSsl::PrivateKey);
    if (key.isNull())
        return fileError(path, u"the private key cannot be loaded"_s);
    return LoadedKey{key, std::move(evp)};
}

// The certificate's public key must be the private key's: otherwise the handshake fails with an
// obscure alert on the peer's side.
Result<void> checkKeyMatches(const QSslCertificate &certificate, const QString &certificatePath,
                             EVP_PKEY *key, const QString &keyPath)
{
    const QByteArray der = certificate.toDer();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    Owned<X509> x509(d2i_X509(nullptr, &p, long(der.size())));
    ERR_clear_error();
    if (!x509)
        return fileError(certificatePath, u"the certificate cannot be decoded"_s);
    EVP_PKEY *publicKey = X509_get0_pubkey(x509.get());
    if (!publicKey || EVP_PKEY_eq(publicKey, key) != 1) {
        ERR_clear_error();
        return fileError(keyPath, u"the private key does not match the certificate %1"_s.arg(
                                          certificatePath));
    }
    return {};
}

struct Identity
{
    QList<QSslCertificate> chain;
    QSslKey key;
};

Result<Identity> loadIdentity(const QString &certificatePath, const QString &keyPath)
{
    Result<QList<QSslCertificate>> chain = loadCertificates(certificatePath, u"certificate"_s);
    if (!chain)
        return chain.error();
    Result<LoadedKey> key = loadPrivateKey(keyPath);
    if (!key)
        return key.error();
    if (Result<void> r = checkKeyMatches(chain->first(), certificatePath, key->evp.get(), keyPath);
        !r)
        return r.error();
    return Identity{*chain, key->key};
}

QSslConfiguration baseConfiguration()
{
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    // Never trust the system store: only the CA given explicitly (setCaCertificates also
    // turns off the on-demand loading of system roots).
    conf.setCaCertificates({});
    return conf;
}

}  // namespace

Result<QSslConfiguration> serverTlsConfiguration(const ServerTlsFiles &files)
{
    if (files.requireClientCertificate && files.clientCa.isEmpty())
        return makeError(ErrorCode::InvalidValue,
                         u"requiring client certificates needs the CA that signs them"_s);
    Result<Identity> identity = loadIdentity(files.certificate, files.privateKey);
    if (!identity)
        return identity.error();

    QSslConfiguration conf = baseConfiguration();
    conf.setLocalCertificateChain(identity->chain);
    conf.setPrivateKey(identity->key);
    if (files.clientCa.isEmpty()) {
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
    } else {
        Result<QList<QSslCertificate>> ca = loadCertificates(files.clientCa, u"client CA"_s);
        if (!ca)
            return ca.error();
        conf.setCaCertificates(*ca);
        // Asked for, not required by the handshake: the same ports serve clients that
        // authenticate with tokens. An agent's certificate is checked by the master
        // (verifyClientCertificate) when requireClientCertificate is set.
        conf.setPeerVerifyMode(QSslSocket::QueryPeer);
    }
    return conf;
}

Result<QSslConfiguration> clientTlsConfiguration(const ClientTlsFiles &files)
{
    Result<QList<QSslCertificate>> ca = loadCertificates(files.ca, u"CA"_s);
    if (!ca)
        return ca.error();
    QSslConfiguration conf = baseConfiguration();
    conf.setCaCertificates(*ca);
    conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!files.certificate.isEmpty() || !files.privateKey.isEmpty()) {
        if (files.certificate.isEmpty())
            return fileError(files.privateKey, u"a private key without a certificate"_s);
        Result<Identity> identity = loadIdentity(files.certificate, files.privateKey);
        if (!identity)
            return identity.error();
        conf.setLocalCertificateChain(identity->chain);
        conf.setPrivateKey(identity->key);
    }
    return conf;
}

}  // namespace Orrery::Net

#include "pki.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSaveFile>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Net {

namespace {

struct OpenSslDeleter
{
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX *p) const { EVP_PKEY_CTX_free(p); }
    void operator()(X509 *p) const { X509_free(p); }
    void operator()(X509_EXTENSION *p) const { X509_EXTENSION_free(p); }
    void operator()(BIGNUM *p) const { BN_free(p); }
    void operator()(BIO *p) const { BIO_free(p); }
    void operator()(X509_STORE *p) const { X509_STORE_free(p); }
    void operator()(X509_STORE_CTX *p) const { X509_STORE_CTX_free(p); }
    void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
template<typename T>
using Owned = std::unique_ptr<T, OpenSslDeleter>;

constexpr QFile::Permissions kOwnerOnly = QFile::ReadOwner | QFile::WriteOwner;

// The queued OpenSSL errors (cleared) after `what`.
Error openSslError(const QString &what)
{
    QString text;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.isEmpty())
            text += u"; "_s;
        text += QString::fromLatin1(buffer);
    }
    if (text.isEmpty())
        text = u"unknown error"_s;
    return makeError(ErrorCode::Io, u"%1: %2"_s.arg(what, text));
}

Result<Owned<EVP_PKEY>> generateRsaKey()
{
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0
        || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) <= 0)
        return openSslError(u"cannot set up RSA key generation"_s);
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) <= 0)
        return openSslError(u"cannot generate an RSA key"_s);
    return Owned<EVP_PKEY>(raw);
}

Result<void> addExtension(X509 *cert, X509V3_CTX *ctx, int nid, const QString &value)
{
    const QByteArray v = value.toLatin1();
    Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, v.constData()));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        return openSslError(
                u"cannot add extension %1=%2"_s.arg(QString::fromLatin1(OBJ_nid2sn(nid)), value));
    return {};
}

// A certificate for `key` with subject CN=`commonName`, signed by issuer/issuerKey (itself
// when issuer is null), valid for `days` days, with the given extensions (nid, value).
Result<Owned<X509>> makeCertificate(EVP_PKEY *key, const QString &commonName, X509 *issuer,
                                    EVP_PKEY *issuerKey, int days,
                                    const QList<std::pair<int, QString>> &extensions)
{
    Owned<X509> cert(X509_new());
    Owned<BIGNUM> serial(BN_new());
    if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1
        || BN_rand(serial.get(), 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))
        || !X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0)
        || !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr)
        || X509_set_pubkey(cert.get(), key) != 1)
        return openSslError(u"cannot create certificate"_s);

    X509_NAME *name = X509_get_subject_name(cert.get());
    const QByteArray cn = commonName.toUtf8();
    const QByteArray org = QByteArrayLiteral("Orrery");
    if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(org.constData()), -1, -1,
                                   0)
                != 1
        || X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(cn.constData()), -1,
                                      -1, 0)
                   != 1)
        return openSslError(u"cannot set certificate subject"_s);
    X509 *signer = issuer ? issuer : cert.get();
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1)
        return openSslError(u"cannot set certificate issuer"_s);

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, signer, cert.get(), nullptr, nullptr, 0);
    for (const auto &[nid, value] : extensions) {
        if (Result<void> r = addExtension(cert.get(), &ctx, nid, value); !r)
            return r.error();
    }
    if (X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256()) <= 0)
        return openSslError(u"cannot sign certificate"_s);
    return cert;
}

QByteArray readBio(BIO *bio)
{
    QByteArray data(qsizetype(BIO_ctrl_pending(bio)), Qt::Uninitialized);
    const int n = BIO_read(bio, data.data(), int(data.size()));
    data.resize(n > 0 ? n : 0);
    return data;
}

Result<QByteArray> certificatePem(X509 *cert)
{
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return openSslError(u"cannot encode certificate"_s);
    return readBio(bio.get());
}

Result<QByteArray> privateKeyPem(EVP_PKEY *key)
{
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    // PKCS#8 ("BEGIN PRIVATE KEY"), unencrypted: the file mode protects it.
    if (!bio
        || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return openSslError(u"cannot encode private key"_s);
    return readBio(bio.get());
}

Result<QByteArray> certificateDer(X509 *cert)
{
    unsigned char *der = nullptr;
    const int n = i2d_X509(cert, &der);
    if (n <= 0)
        return openSslError(u"cannot encode certificate"_s);
    QByteArray out(reinterpret_cast<const char *>(der), n);
    OPENSSL_free(der);
    return out;
}

Result<void> writeFile(const QString &path, const QByteArray &data, bool secret)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()));
    if (secret)
        file.setPermissions(kOwnerOnly);
    if (file.write(data) != data.size() || !file.commit())
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()));
    if (secret && !QFile::setPermissions(path, kOwnerOnly))
        return makeError(ErrorCode::Io, u"cannot make %1 private"_s.arg(path));
    return {};
}

Error fileError(const QString &path, const QString &what)
{
    Error e = makeError(ErrorCode::Io, u"%1: %2"_s.arg(path, what));
    e.file = path;
    return e;
}

Result<QByteArray> readWholeFile(const QString &path)
{
    QFile file(path);
    if (!QFileInfo::exists(path))
        return fileError(path, u"does not exist"_s);
    if (!file.open(QIODevice::ReadOnly))
        return fileError(path, u"cannot read: %1"_s.arg(file.errorString()));
    return file.readAll();
}

Result<Owned<X509>> readCertificate(const QString &path)
{
    const Result<QByteArray> data = readWholeFile(path);
    if (!data)
        return data.error();
    Owned<BIO> bio(BIO_new_mem_buf(data->constData(), int(data->size())));
    Owned<X509> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!cert)
        return fileError(path, u"not a PEM certificate"_s);
    return cert;
}

Result<Owned<EVP_PKEY>> readPrivateKey(const QString &path)
{
    const Result<QByteArray> data = readWholeFile(path);
    if (!data)
        return data.error();
    Owned<BIO> bio(BIO_new_mem_buf(data->constData(), int(data->size())));
    static char empty[] = "";
    Owned<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty)
                            : nullptr);
    ERR_clear_error();
    if (!key)
        return fileError(path, u"not an unencrypted PEM private key"_s);
    return key;
}

}  // namespace

Result<void> verifyClientCertificate(const QList<QSslCertificate> &chain,
                                     const QList<QSslCertificate> &trusted)
{
    if (chain.isEmpty() || chain.first().isNull())
        return makeError(ErrorCode::InvalidValue, u"no client certificate"_s);
    const auto toX509 = [](const QSslCertificate &certificate) {
        const QByteArray der = certificate.toDer();
        const auto *data = reinterpret_cast<const unsigned char *>(der.constData());
        return Owned<X509>(d2i_X509(nullptr, &data, long(der.size())));
    };
    ERR_clear_error();
    Owned<X509_STORE> store(X509_STORE_new());
    Owned<STACK_OF(X509)> intermediates(sk_X509_new_null());
    Owned<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
    Owned<X509> leaf = toX509(chain.first());
    if (!store || !intermediates || !ctx || !leaf)
        return openSslError(u"cannot read the client certificate"_s);
    for (const QSslCertificate &ca : trusted) {
        Owned<X509> x = toX509(ca);
        if (!x || X509_STORE_add_cert(store.get(), x.get()) != 1)
            return openSslError(u"cannot use the client CA"_s);
    }
    for (qsizetype i = 1; i < chain.size(); ++i) {
        Owned<X509> x = toX509(chain.at(i));
        if (x && sk_X509_push(intermediates.get(), x.get()) > 0)
            x.release();  // the stack owns it now
    }
    if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), intermediates.get()) != 1
        || X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT) != 1)
        return openSslError(u"cannot verify the client certificate"_s);
    if (X509_verify_cert(ctx.get()) == 1)
        return {};
    const int code = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    const QString subject = chain.first().subjectInfo(QSslCertificate::CommonName).join(u", "_s);
    return makeError(ErrorCode::InvalidValue,
                     u"client certificate '%1' refused: %2"_s.arg(
                             subject, QString::fromLatin1(X509_verify_cert_error_string(code))));
}

QString formatFingerprint(const QByteArray &digest)
{
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

Result<PkiFiles> initPki(const PkiOptions &options)
{
    if (options.dir.isEmpty())
        return makeError(ErrorCode::InvalidValue, u"no directory given"_s);
    if (options.names.isEmpty() && options.addresses.isEmpty())
        return makeError(ErrorCode::InvalidValue, u"the certificate needs a name or an address"_s);
    if (options.caDays <= 0 || options.certDays <= 0)
        return makeError(ErrorCode::InvalidValue, u"validity must be at least one day"_s);

    QStringList san;
    for (const QString &name : options.names) {
        static const QRegularExpression dns(u"^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$"_s);
        if (!dns.match(name).hasMatch())
            return makeError(ErrorCode::InvalidValue, u"invalid DNS name '%1'"_s.arg(name));
        san << u"DNS:"_s + name;
    }
    for (const QString &address : options.addresses) {
        QHostAddress parsed;
        // QHostAddress takes inet_aton forms ("1.2.3" = 1.2.0.3); only dotted quads here.
        static const QRegularExpression quad(u"^\\d{1,3}(\\.\\d{1,3}){3}$"_s);
        if (!parsed.setAddress(address) || !parsed.scopeId().isEmpty()
            || (parsed.protocol() == QAbstractSocket::IPv4Protocol
                && !quad.match(address).hasMatch()))
            return makeError(ErrorCode::InvalidValue, u"invalid IP address '%1'"_s.arg(address));
        san << u"IP:"_s + parsed.toString();
    }

    const QDir dir(options.dir);
    PkiFiles files{dir.absoluteFilePath(u"ca.crt"_s),
                   dir.absoluteFilePath(u"ca.key"_s),
                   dir.absoluteFilePath(u"master.crt"_s),
                   dir.absoluteFilePath(u"master.key"_s),
                   {}};
    if (!options.force) {
        for (const QString &path : {files.caCert, files.caKey, files.masterCert, files.masterKey}) {
            if (QFileInfo::exists(path))
                return makeError(ErrorCode::Conflict,
                                 u"%1 already exists (use --force to replace it)"_s.arg(path));
        }
    }

    ERR_clear_error();
    auto caKey = generateRsaKey();
    if (!caKey)
        return caKey.error();
    auto ca = makeCertificate(caKey->get(), u"Orrery CA"_s, nullptr, nullptr, options.caDays,
                              {{NID_basic_constraints, u"critical,CA:TRUE"_s},
                               {NID_key_usage, u"critical,keyCertSign,cRLSign"_s},
                               {NID_subject_key_identifier, u"hash"_s},
                               {NID_authority_key_identifier, u"keyid:always"_s}});
    if (!ca)
        return ca.error();
    auto masterKey = generateRsaKey();
    if (!masterKey)
        return masterKey.error();
    const QString cn = options.names.isEmpty() ? options.addresses.first() : options.names.first();
    auto master = makeCertificate(masterKey->get(), cn, ca->get(), caKey->get(), options.certDays,
                                  {{NID_basic_constraints, u"critical,CA:FALSE"_s},
                                   {NID_key_usage, u"critical,digitalSignature,keyEncipherment"_s},
                                   {NID_ext_key_usage, u"serverAuth"_s},
                                   {NID_subject_key_identifier, u"hash"_s},
                                   {NID_authority_key_identifier, u"keyid:always"_s},
                                   {NID_subject_alt_name, san.join(u',')}});
    if (!master)
        return master.error();

    auto caPem = certificatePem(ca->get());
    auto caKeyPem = privateKeyPem(caKey->get());
    auto masterPem = certificatePem(master->get());
    auto masterKeyPem = privateKeyPem(masterKey->get());
    auto caDer = certificateDer(ca->get());
    for (const auto *r : {&caPem, &caKeyPem, &masterPem, &masterKeyPem, &caDer}) {
        if (!*r)
            return r->error();
    }
    files.caSha256 = QCryptographicHash::hash(*caDer, QCryptographicHash::Sha256);

    if (!QDir().mkpath(dir.absolutePath()))
        return makeError(ErrorCode::Io, u"cannot create directory %1"_s.arg(dir.absolutePath()));
    if (!QFile::setPermissions(dir.absolutePath(), kOwnerOnly | QFile::ExeOwner))
        return makeError(ErrorCode::Io, u"cannot make %1 private"_s.arg(dir.absolutePath()));

    // Keys first, so that a certificate never sits next to a missing key.
    if (auto r = writeFile(files.caKey, *caKeyPem, true); !r)
        return r.error();
    if (auto r = writeFile(files.caCert, *caPem, false); !r)
        return r.error();
    if (auto r = writeFile(files.masterKey, *masterKeyPem, true); !r)
        return r.error();
    if (auto r = writeFile(files.masterCert, *masterPem, false); !r)
        return r.error();
    return files;
}

Result<ClientCertFiles> issueClientCertificate(const QString &dir, const QString &nodeName,
                                               int days)
{
    if (dir.isEmpty())
        return makeError(ErrorCode::InvalidValue, u"no directory given"_s);
    static const QRegularExpression validName(u"^[A-Za-z0-9._-]{1,64}$"_s);
    if (!validName.match(nodeName).hasMatch() || nodeName.startsWith(u'.'))
        return makeError(ErrorCode::InvalidValue,
                         u"invalid node name '%1' (letters, digits, '.', '_', '-'; at most 64; "
                         "not starting with '.')"_s.arg(nodeName));
    if (days <= 0)
        return makeError(ErrorCode::InvalidValue, u"validity must be at least one day"_s);

    const QDir base(dir);
    const QString agentsDir = base.absoluteFilePath(u"agents"_s);
    ClientCertFiles files{QDir(agentsDir).absoluteFilePath(nodeName + u".crt"_s),
                          QDir(agentsDir).absoluteFilePath(nodeName + u".key"_s),
                          {}};
    for (const QString &path : {files.certificate, files.privateKey}) {
        if (QFileInfo::exists(path))
            return makeError(ErrorCode::Conflict, u"%1 already exists"_s.arg(path));
    }

    ERR_clear_error();
    const QString caCertPath = base.absoluteFilePath(u"ca.crt"_s);
    const QString caKeyPath = base.absoluteFilePath(u"ca.key"_s);
    auto ca = readCertificate(caCertPath);
    if (!ca)
        return ca.error();
    auto caKey = readPrivateKey(caKeyPath);
    if (!caKey)
        return caKey.error();
    if (EVP_PKEY_eq(X509_get0_pubkey(ca->get()), caKey->get()) != 1) {
        ERR_clear_error();
        return fileError(caKeyPath, u"the key does not match %1"_s.arg(caCertPath));
    }

    auto key = generateRsaKey();
    if (!key)
        return key.error();
    auto cert = makeCertificate(key->get(), nodeName, ca->get(), caKey->get(), days,
                                {{NID_basic_constraints, u"critical,CA:FALSE"_s},
                                 {NID_key_usage, u"critical,digitalSignature,keyEncipherment"_s},
                                 {NID_ext_key_usage, u"clientAuth"_s},
                                 {NID_subject_key_identifier, u"hash"_s},
                                 {NID_authority_key_identifier, u"keyid:always"_s}});
    if (!cert)
        return cert.error();
    auto certPem = certificatePem(cert->get());
    auto keyPem = privateKeyPem(key->get());
    auto der = certificateDer(cert->get());
    for (const auto *r : {&certPem, &keyPem, &der}) {
        if (!*r)
            return r->error();
    }
    files.sha256 = QCryptographicHash::hash(*der, QCryptographicHash::Sha256);

    if (!QDir().mkpath(agentsDir))
        return makeError(ErrorCode::Io, u"cannot create directory %1"_s.arg(agentsDir));
    if (!QFile::setPermissions(agentsDir, kOwnerOnly | QFile::ExeOwner))
        return makeError(ErrorCode::Io, u"cannot make %1 private"_s.arg(agentsDir));
    if (auto r = writeFile(files.privateKey, *keyPem, true); !r)
        return r.error();
    if (auto r = writeFile(files.certificate, *certPem, false); !r)
        return r.error();
    return files;
}

}  // namespace Orrery::Net

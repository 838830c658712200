#include "credential.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QList>
#include <QRandomGenerator>

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

namespace {

constexpr int kSecretWords = 8;  // 256 bits
constexpr int kSaltWords = 4;    // 128 bits

QByteArray randomBytes(int words)
{
    std::array<quint32, kSecretWords> buffer{};
    QRandomGenerator::system()->fillRange(buffer.data(), words);
    return QByteArray(reinterpret_cast<const char *>(buffer.data()),
                      qsizetype(words * sizeof(quint32)));
}

QByteArray digest(const QByteArray &salt, const QString &credential)
{
    return QCryptographicHash::hash(salt + credential.toUtf8(), QCryptographicHash::Sha256);
}

}  // namespace

QString newCredential()
{
    return u"orrn_"_s
           + QString::fromLatin1(randomBytes(kSecretWords)
                                         .toBase64(QByteArray::Base64UrlEncoding
                                                   | QByteArray::OmitTrailingEquals));
}

QString hashCredential(const QString &credential)
{
    const QByteArray salt = randomBytes(kSaltWords);
    return u"sha256:"_s + QString::fromLatin1(salt.toBase64()) + u':'
           + QString::fromLatin1(digest(salt, credential).toBase64());
}

bool verifyCredential(const QString &credential, const QString &storedHash)
{
    const QList<QStringView> parts = QStringView(storedHash).split(u':');
    if (parts.size() != 3 || parts[0] != u"sha256"_s || credential.isEmpty())
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts[1].toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts[2].toLatin1());
    const QByteArray actual = digest(salt, credential);
    if (salt.isEmpty() || expected.size() != actual.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < actual.size(); ++i)
        diff |= static_cast<unsigned char>(actual.at(i) ^ expected.at(i));
    return diff == 0;
}

}  // namespace Orrery::Master

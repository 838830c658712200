#include "serverprofile.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Connect {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Connect)
};

Error fieldError(const QString &field, const QString &message)
{
    Error e = makeError(ErrorCode::InvalidValue, message);
    e.file = field;
    return e;
}

QUrl normalised(QUrl url)
{
    url.setUserInfo(QString());
    url.setPath(url.path().endsWith(u'/') ? url.path().chopped(1) : url.path());
    return url;
}

}  // namespace

QString ServerProfile::displayName() const
{
    if (!label.isEmpty())
        return label;
    return url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();
}

QString ServerProfile::secretKey() const
{
    return normalised(url).toString();
}

Result<QByteArray> parseFingerprint(const QString &text)
{
    QString hex = text;
    hex.remove(QRegularExpression(u"[\\s:]"_s));
    static const QRegularExpression hexDigits(u"^[0-9A-Fa-f]{64}$"_s);
    if (!hexDigits.match(hex).hasMatch())
        return fieldError(u"pinned_sha256"_s,
                          Tr::tr("a SHA-256 fingerprint is 64 hexadecimal digits (32 bytes)"));
    return QByteArray::fromHex(hex.toLatin1());
}

Result<ServerProfile> makeProfile(const QString &label, const QString &url, const QString &caFile,
                                  const QString &fingerprint)
{
    ServerProfile profile;
    profile.label = label.trimmed();
    profile.url = normalised(QUrl(url.trimmed(), QUrl::StrictMode));
    if (!profile.url.isValid() || profile.url.scheme() != u"wss"_s || profile.url.host().isEmpty()
        || profile.url.port() <= 0)
        return fieldError(u"url"_s, Tr::tr("the server's address is wss://host:port"));
    profile.caFile = caFile.trimmed();
    const QString pin = fingerprint.trimmed();
    if (!profile.caFile.isEmpty() && !pin.isEmpty())
        return fieldError(u"ca_file"_s,
                          Tr::tr("trust either a CA file or a fingerprint, not both"));
    if (!profile.caFile.isEmpty() && !QFileInfo(profile.caFile).isFile())
        return fieldError(u"ca_file"_s, Tr::tr("no such file: %1").arg(profile.caFile));
    if (!pin.isEmpty()) {
        Result<QByteArray> sha = parseFingerprint(pin);
        if (!sha)
            return sha.error();
        profile.pinnedSha256 = *sha;
    }
    return profile;
}

Client::ConnectionSettings connectionSettings(const ServerProfile &profile, const QString &token)
{
    Client::ConnectionSettings s;
    s.url = profile.url;
    s.caFile = profile.caFile;
    s.pinnedSha256 = profile.pinnedSha256;
    s.token = token;
    return s;
}

QList<ServerProfile> ServerList::load(QSettings &settings)
{
    QList<ServerProfile> servers;
    const int count = settings.beginReadArray(u"servers"_s);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        ServerProfile p;
        p.label = settings.value(u"label"_s).toString();
        p.url = QUrl(settings.value(u"url"_s).toString());
        p.caFile = settings.value(u"caFile"_s).toString();
        p.pinnedSha256
                = QByteArray::fromHex(settings.value(u"pinnedSha256"_s).toString().toLatin1());
        if (p.url.isValid() && !p.url.host().isEmpty())
            servers.append(p);
    }
    settings.endArray();
    return servers;
}

void ServerList::save(QSettings &settings, const QList<ServerProfile> &servers)
{
    settings.remove(u"servers"_s);
    settings.beginWriteArray(u"servers"_s, int(servers.size()));
    for (int i = 0; i < servers.size(); ++i) {
        settings.setArrayIndex(i);
        const ServerProfile &p = servers.at(i);
        settings.setValue(u"label"_s, p.label);
        settings.setValue(u"url"_s, p.url.toString());
        settings.setValue(u"caFile"_s, p.caFile);
        settings.setValue(u"pinnedSha256"_s, QString::fromLatin1(p.pinnedSha256.toHex()));
    }
    settings.endArray();
}

QList<ServerProfile> ServerList::withUsed(QList<ServerProfile> servers,
                                          const ServerProfile &profile)
{
    servers = without(std::move(servers), profile.url);
    servers.prepend(profile);
    return servers;
}

QList<ServerProfile> ServerList::without(QList<ServerProfile> servers, const QUrl &url)
{
    const QUrl key = normalised(url);
    servers.removeIf([&key](const ServerProfile &p) { return normalised(p.url) == key; });
    return servers;
}

}  // namespace Orrery::Connect

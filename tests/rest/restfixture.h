#pragma once

// A master's REST side in-process: a Store on a temporary SQLite file, an Engine on a
// ManualClock, the RestApi on 127.0.0.1 with a port chosen at run time and a real TLS
// certificate from Orrery::Net::initPki, and a QNetworkAccessManager that trusts only that CA.

#include <master/engine/engine.h>
#include <master/rest/restapi.h>
#include <model/clock.h>
#include <net/pki.h>
#include <store/store.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTemporaryDir>
#include <QUrl>

#include <functional>
#include <memory>

namespace Orrery::Test {

struct HttpReply
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;
    QString transportError;  // empty unless the request never got an HTTP answer

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return QByteArray();
    }
    QString errorCode() const
    {
        return json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("code"))
                .toString();
    }
    QString errorField() const
    {
        return json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("field"))
                .toString();
    }
    QString errorMessage() const
    {
        return json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString();
    }
};

class RestFixture
{
public:
    // The UTC instant the ManualClock starts at.
    static QDateTime startTime() { return QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC); }

    RestFixture() : m_clock(startTime()) {}

    ~RestFixture()
    {
        api.reset();
        engine.reset();
        store.reset();
    }

    // A CA and a master certificate for 127.0.0.1 in `dir` (RSA key generation takes a
    // moment: make it once per test program).
    static Result<Net::PkiFiles> makePki(const QString &dir)
    {
        Net::PkiOptions pkiOptions;
        pkiOptions.dir = dir;
        return Net::initPki(pkiOptions);
    }

    // Everything up to a listening API; returns an error text or "".
    // `prepare` runs on the store before the engine starts (nodes the engine should know).
    QString start(const Net::PkiFiles &files, Master::RestApiOptions options = {},
                  const std::function<QString(Store &)> &prepare = {})
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        pki = files;

        auto opened = Store::open(QStringLiteral("sqlite:") + databasePath(), m_clock);
        if (!opened)
            return opened.error().toString();
        store = std::move(*opened);
        if (prepare) {
            if (const QString error = prepare(*store); !error.isEmpty())
                return error;
        }
        engine = std::make_unique<Master::Engine>(*store, m_clock, Master::EngineOptions());
        if (const Result<void> started = engine->start(); !started)
            return started.error().toString();

        for (const auto &[name, role] :
             {std::pair{QStringLiteral("ci-admin"), TokenRole::Admin},
              std::pair{QStringLiteral("ops"), TokenRole::Operator},
              std::pair{QStringLiteral("dashboard"), TokenRole::Viewer}}) {
            const Result<NewToken> token = store->createApiToken(name, role);
            if (!token)
                return token.error().toString();
            (role == TokenRole::Admin      ? adminToken
             : role == TokenRole::Operator ? operatorToken
                                           : viewerToken)
                    = token->plaintext;
        }

        QSslConfiguration serverTls = QSslConfiguration::defaultConfiguration();
        serverTls.setLocalCertificate(QSslCertificate(readFile(pki.masterCert), QSsl::Pem));
        serverTls.setPrivateKey(QSslKey(readFile(pki.masterKey), QSsl::Rsa, QSsl::Pem));
        serverTls.setPeerVerifyMode(QSslSocket::VerifyNone);

        options.clock = &m_clock;
        api = std::make_unique<Master::RestApi>(*engine, options);
        const Result<quint16> port = api->listen(QHostAddress::LocalHost, 0, serverTls);
        if (!port)
            return port.error().toString();
        baseUrl = QStringLiteral("https://127.0.0.1:%1").arg(*port);
        m_serverTls = serverTls;

        clientTls = QSslConfiguration::defaultConfiguration();
        clientTls.setCaCertificates({QSslCertificate(readFile(pki.caCert), QSsl::Pem)});
        clientTls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        return QString();
    }

    HttpReply request(const QByteArray &method, const QString &pathAndQuery,
                      const QByteArray &body = QByteArray(), const QString &token = QString(),
                      const QByteArray &contentType = QByteArrayLiteral("application/json"))
    {
        QNetworkRequest req(QUrl(baseUrl + pathAndQuery));
        req.setSslConfiguration(clientTls);
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        if (!body.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        HttpReply out;
        if (!reply->isFinished() && !finished.wait(20000)) {
            out.transportError = QStringLiteral("no answer within 20 s");
            reply->abort();
            reply->deleteLater();
            return out;
        }
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.headers = reply->rawHeaderPairs();
        if (out.status == 0)
            out.transportError = reply->errorString();
        out.json = QJsonDocument::fromJson(out.body).object();
        reply->deleteLater();
        return out;
    }

    HttpReply get(const QString &path, const QString &token)
    {
        return request("GET", path, QByteArray(), token);
    }
    HttpReply post(const QString &path, const QJsonObject &body, const QString &token)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
    }

    QString databasePath() const { return m_dir.filePath(QStringLiteral("orrery.db")); }
    const QSslConfiguration &serverTls() const { return m_serverTls; }
    ManualClock &clock() { return m_clock; }

    static QByteArray readFile(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    Net::PkiFiles pki;
    std::unique_ptr<Store> store;
    std::unique_ptr<Master::Engine> engine;
    std::unique_ptr<Master::RestApi> api;
    QSslConfiguration clientTls;
    QString baseUrl;
    QString adminToken;
    QString operatorToken;
    QString viewerToken;

private:
    QTemporaryDir m_dir;
    ManualClock m_clock;
    QSslConfiguration m_serverTls;
    QNetworkAccessManager m_nam;
};

}  // namespace Orrery::Test

#include "apiclient.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslError>
#include <QUrl>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Cli {

// One request may take this long between two bytes before it is given up.
static constexpr int kTransferTimeoutMs = 30000;

QString ApiError::toString(const QString &server) const
{
    if (code.isEmpty())
        return u"cannot connect to %1: %2"_s.arg(server, message);
    QString text = u"error: %1: %2"_s.arg(code, message);
    if (!field.isEmpty())
        text += u" (field: %1)"_s.arg(field);
    return text;
}

Result<QSslConfiguration> ApiClient::tlsConfiguration(const ConnectionSettings &settings)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!settings.ca.isEmpty()) {
        QFile file(settings.ca);
        if (!file.open(QIODevice::ReadOnly))
            return Error{ErrorCode::Io,
                         u"cannot read the CA certificate (from %1): %2"_s.arg(settings.caOrigin,
                                                                               file.errorString()),
                         settings.ca, 0, 0};
        const QList<QSslCertificate> certificates
                = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        if (certificates.isEmpty())
            return Error{ErrorCode::Io,
                         u"no PEM certificate in the CA file (from %1)"_s.arg(settings.caOrigin),
                         settings.ca, 0, 0};
        tls.setCaCertificates(certificates);
    }
    return tls;
}

ApiClient::ApiClient(ConnectionSettings settings, QSslConfiguration tls)
    : m_settings(std::move(settings)), m_tls(std::move(tls))
{
    m_network.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

QString ApiClient::segment(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

ApiClient::Outcome ApiClient::get(const QString &path, const QUrlQuery &query)
{
    return send("GET", path, query, {}, {});
}

ApiClient::Outcome ApiClient::post(const QString &path, const QJsonObject &body)
{
    return send("POST", path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact),
                "application/json");
}

ApiClient::Outcome ApiClient::postData(const QString &path, const QUrlQuery &query,
                                       const QByteArray &body, const QByteArray &contentType)
{
    return send("POST", path, query, body, contentType);
}

ApiClient::Outcome ApiClient::remove(const QString &path)
{
    return send("DELETE", path, {}, {}, {});
}

// The server's error body, or a code made from the HTTP status when the body is not one.
static ApiError decodeError(int status, const QByteArray &body, const QString &reason)
{
    ApiError error;
    error.status = status;
    const QJsonObject object = QJsonDocument::fromJson(body).object().value(u"error"_s).toObject();
    if (object.value(u"code"_s).isString()) {
        error.code = object.value(u"code"_s).toString();
        error.message = object.value(u"message"_s).toString();
        error.field = object.value(u"field"_s).toString();
        return error;
    }
    error.code = u"http_%1"_s.arg(status);
    error.message = reason.isEmpty() ? u"the server answered HTTP %1"_s.arg(status) : reason;
    return error;
}

ApiClient::Outcome ApiClient::send(const QByteArray &verb, const QString &path,
                                   const QUrlQuery &query, const QByteArray &body,
                                   const QByteArray &contentType)
{
    QUrl url(m_settings.server);
    url.setPath(url.path() + u"/api/v1"_s + path, QUrl::StrictMode);
    if (!query.isEmpty())
        url.setQuery(query);

    QNetworkRequest request(url);
    request.setSslConfiguration(m_tls);
    request.setTransferTimeout(kTransferTimeoutMs);
    request.setRawHeader("Authorization", "Bearer " + m_settings.token.toUtf8());
    request.setRawHeader("Accept", "application/json");
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);

    std::unique_ptr<QNetworkReply, void (*)(QNetworkReply *)> reply(
            m_network.sendCustomRequest(request, verb, body),
            [](QNetworkReply *r) { r->deleteLater(); });
    QStringList sslErrors;
    QObject::connect(reply.get(), &QNetworkReply::sslErrors, reply.get(),
                     [&sslErrors](const QList<QSslError> &errors) {
                         for (const QSslError &e : errors)
                             sslErrors.append(e.errorString());
                     });
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();

    Outcome outcome;
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid()) {
        // No HTTP answer: refused, unreachable, TLS failure, timeout.
        QString reason = reply->errorString();
        if (!sslErrors.isEmpty()) {
            reason = u"TLS handshake failed: "_s + sslErrors.join(u"; "_s);
            reason += m_settings.ca.isEmpty()
                              ? u" (give the master's CA certificate with --ca or ORRERY_CA)"_s
                              : u" (CA %1 from %2)"_s.arg(m_settings.ca, m_settings.caOrigin);
        } else if (reply->error() == QNetworkReply::OperationCanceledError
                   || reply->error() == QNetworkReply::TimeoutError) {
            reason = u"no answer within %1 s"_s.arg(kTransferTimeoutMs / 1000);
        }
        outcome.error.message = reason;
        return outcome;
    }
    const int status = statusAttribute.toInt();
    const QByteArray data = reply->readAll();
    if (status < 200 || status > 299) {
        outcome.error = decodeError(
                status, data,
                reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        return outcome;
    }
    ApiReply ok;
    ok.status = status;
    ok.body = data;
    ok.json = QJsonDocument::fromJson(data).object();
    outcome.reply = std::move(ok);
    return outcome;
}

}  // namespace Orrery::Cli

#pragma once

#include "connectionsettings.h"

#include <model/result.h>

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSslConfiguration>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace Orrery::Cli {

// Why a call failed: the server's error body, or no usable answer at all.
struct ApiError
{
    QString code;     // the server's code ("forbidden", "not_found"); empty = connection failure
    QString message;  // the server's message, or what went wrong with the connection
    QString field;    // the input field at fault, when the server names one
    int status = 0;   // HTTP status; 0 when no answer came

    // "error: forbidden: role viewer may not ... (field: name)" for a server error,
    // "cannot connect to https://host:port: <reason>" for a connection failure.
    QString toString(const QString &server) const;
};

// A successful answer (2xx).
struct ApiReply
{
    int status = 0;
    QByteArray body;   // exactly as the server sent it
    QJsonObject json;  // the body as an object; empty for 204 or a non-object body
};

// The one HTTP client of orreryctl: HTTPS to the master's REST API (/api/v1/...), the bearer
// token on every request, the CA pinned, synchronous calls (a local event loop), and the
// decoding of the server's {"error": {"code", "message", "field"}} bodies.
class ApiClient final
{
public:
    // The TLS configuration for `settings`: only `settings.ca` is trusted when set (Io error
    // naming the file if it is missing or holds no PEM certificate), else the system CAs.
    static Result<QSslConfiguration> tlsConfiguration(const ConnectionSettings &settings);

    ApiClient(ConnectionSettings settings, QSslConfiguration tls);
    Q_DISABLE_COPY_MOVE(ApiClient)

    const ConnectionSettings &settings() const { return m_settings; }

    // `path` is below /api/v1 ("/tasks/x"); the answer, or the error to print.
    struct Outcome
    {
        std::optional<ApiReply> reply;
        ApiError error;
        explicit operator bool() const { return reply.has_value(); }
    };
    Outcome get(const QString &path, const QUrlQuery &query = {});
    Outcome post(const QString &path, const QJsonObject &body);
    Outcome postData(const QString &path, const QUrlQuery &query, const QByteArray &body,
                     const QByteArray &contentType);
    Outcome remove(const QString &path);

    // A path segment (task name, id) percent-encoded for a URL path.
    static QString segment(const QString &text);

private:
    Outcome send(const QByteArray &verb, const QString &path, const QUrlQuery &query,
                 const QByteArray &body, const QByteArray &contentType);

    ConnectionSettings m_settings;
    QSslConfiguration m_tls;
    QNetworkAccessManager m_network;
};

}  // namespace Orrery::Cli

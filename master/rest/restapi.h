#pragma once

#include <model/result.h>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSslConfiguration>
#include <QString>
#include <QUrlQuery>

#include <memory>

namespace Orrery {
class Clock;
}

namespace Orrery::Master {

class Engine;

struct RestApiOptions
{
    // Request bodies over this size are refused with 413 too_large.
    qint64 maxBodyBytes = 1024 * 1024;
    // The engine's per-run output limit (EngineOptions::outputLimitBytes): a run whose stored
    // output reached it is reported as "truncated".
    qint64 outputLimitBytes = 10 * 1024 * 1024;
    // At most this many output chunks in one answer of /runs/{run}/output.
    int maxOutputChunks = 1000;
    // "now" for enrolment token expiry; nullptr = the system clock. Must outlive the RestApi.
    const Clock *clock = nullptr;
};

// One route of the API: what the OpenAPI document must describe.
struct RestRoute
{
    QString method;  // "GET", "POST", "PUT", "DELETE"
    QString path;    // OpenAPI template: "/api/v1/tasks/{task}/status"
    QString role;    // least role that may call it: "viewer", "operator", "admin"; "" = public
};

// One call of the API, whatever carried it (HTTPS, or a `request` message of a client session
// on the master's wss:// port): RestApi::handle() routes it, authenticates it, checks the
// route's role and runs the route's handler.
struct ApiRequest
{
    QString method;   // "GET", "POST", "PUT", "DELETE", ...
    QString path;     // percent-encoded path: "/api/v1/tasks/a%20b"
    QUrlQuery query;  // "limit=5&task=backup"
    QByteArray body;  // JSON text, or YAML for /api/v1/apply; may be empty
    // The credentials as an HTTP Authorization header value ("Bearer <token>"); empty = none.
    // Checked against the store on every call, so a revoked token stops working at once.
    QByteArray authorization;
    QString source;  // the client's address, for the audit log ("127.0.0.1")
};

// The answer: an HTTP status and its body (JSON; empty for 204), plus headers an HTTP
// answer carries (WWW-Authenticate, Allow, and Content-Type for a body that is not JSON: a
// pipeline as YAML text).
struct ApiResponse
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

// The REST API of docs/rest-api.md on Qt HttpServer, HTTPS only. Every request is
// authenticated with a Bearer API token (Store::verifyApiToken) and checked against the role
// its route needs; job and run changes go through the Engine, which audits them with the
// token's name and the client's address.
//
// Single-threaded: lives in the thread of the Engine (and its Store). The Engine must
// outlive the RestApi.
class RestApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestApi)

public:
    explicit RestApi(Engine &engine, QObject *parent = nullptr);
    RestApi(Engine &engine, const RestApiOptions &options, QObject *parent = nullptr);
    ~RestApi() override;

    // Starts serving HTTPS on address:port (0 = any free port) with `tls` (certificate and
    // key). Returns the port; Io error naming the address when it cannot listen (in use,
    // no permission). May be called once.
    Result<quint16> listen(const QHostAddress &address, quint16 port, const QSslConfiguration &tls);
    // The listening port, 0 before listen().
    quint16 port() const;

    // Answers one call: the single implementation of every route, used by the HTTPS server
    // and by the master's WebSocket client sessions.
    ApiResponse handle(const ApiRequest &request);

    // Every route the server answers, in the order of docs/rest-api.md.
    QList<RestRoute> routes() const;

    // The OpenAPI 3.0 document served at /api/v1/openapi.json.
    static QByteArray openApiDocument();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

}  // namespace Orrery::Master

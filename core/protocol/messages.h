#pragma once

#include "envelope.h"

#include <model/error.h>
#include <model/id.h>
#include <model/result.h>
#include <model/runstate.h>

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// The bodies of the agent <-> master and client <-> master messages (docs/protocol.md). Each has
// type(), toJson() and fromJson(); fromJson() names a bad field by its path ("body.exit_code") in
// Error::file.

namespace Orrery::Protocol {

// ---- agent -> master ------------------------------------------------------------------------

// First connection with a one-time enrolment token; answered by `enrolled`.
struct EnrolBody
{
    static QString type();
    QString token;
    QString nodeName;
    QString hostname;

    QJsonObject toJson() const;
    static Result<EnrolBody> fromJson(const QJsonObject &body);
    friend bool operator==(const EnrolBody &, const EnrolBody &) = default;
};

struct RunRef
{
    RunId runId;
    int attempt = 1;
    friend bool operator==(const RunRef &, const RunRef &) = default;
};

// Sent after every (re)connect; answered by `welcome`.
struct HelloBody
{
    static QString type();
    QString nodeName;
    QString agentVersion;
    QMap<QString, QString> labels;
    int maxParallel = 1;
    QList<RunRef> running;      // runs the agent is executing right now
    qint64 spooledResults = 0;  // results on disk waiting for an ack
    // The node's credential from `enrolled` (opt., ""; added within v1, older masters ignore
    // it). The master refuses a hello whose credential does not match the node's.
    QString credential;
    // What this agent can do beyond the first v1 agents (opt., []; added within v1): "check" =
    // it runs RunDispatchBody::check. The master sends a job with a check only to agents that
    // say "check", so an older agent never runs such a job without its check. "start_at" = it
    // holds a run until RunDispatchBody::startAtMs; only such agents get one (pre-dispatch).
    QStringList capabilities;

    QJsonObject toJson() const;
    static Result<HelloBody> fromJson(const QJsonObject &body);
    friend bool operator==(const HelloBody &, const HelloBody &) = default;
};

struct HeartbeatBody
{
    static QString type();
    double cpuPercent = 0;  // 0..100
    qint64 freeMemoryBytes = 0;
    double load1 = 0;
    int running = 0;
    qint64 clockMs = 0;  // the agent's clock, ms since the Unix epoch

    QJsonObject toJson() const;
    static Result<HeartbeatBody> fromJson(const QJsonObject &body);
    friend bool operator==(const HeartbeatBody &, const HeartbeatBody &) = default;
};

struct RunStartedBody
{
    static QString type();
    RunId runId;
    int attempt = 1;
    qint64 pid = 0;
    qint64 startedAtMs = 0;

    QJsonObject toJson() const;
    static Result<RunStartedBody> fromJson(const QJsonObject &body);
    friend bool operator==(const RunStartedBody &, const RunStartedBody &) = default;
};

enum class OutputStream { Stdout, Stderr };
QString outputStreamName(OutputStream stream);  // "stdout", "stderr"

// A chunk of a run's output. `data` is raw bytes, base64 on the wire.
struct RunOutputBody
{
    static QString type();
    RunId runId;
    int attempt = 1;
    OutputStream stream = OutputStream::Stdout;
    qint64 seq = 0;  // 0, 1, 2, ... per (run, attempt), over both streams
    QByteArray data;
    bool truncated = false;  // the output limit was reached; no more chunks follow

    QJsonObject toJson() const;
    static Result<RunOutputBody> fromJson(const QJsonObject &body);
    friend bool operator==(const RunOutputBody &, const RunOutputBody &) = default;
};

// The end of an attempt; re-sent from the agent's spool until acknowledged with `ack`.
struct RunResultBody
{
    static QString type();
    RunId runId;
    int attempt = 1;
    RunState state = RunState::Success;  // success | failed | timed_out | cancelled | skipped
    int exitCode = 0;                    // -1 when the process did not exit by itself
    int signal = 0;                      // the signal that ended it, 0 for none
    qint64 startedAtMs = 0;
    qint64 finishedAtMs = 0;
    qint64 outputBytes = 0;
    bool outputTruncated = false;
    // Why it ended so, for the run's history (opt., ""; added within v1): set for `skipped`
    // ("check `test -f /data/x` exited 1"); older masters ignore it.
    QString reason;

    QJsonObject toJson() const;
    static Result<RunResultBody> fromJson(const QJsonObject &body);
    friend bool operator==(const RunResultBody &, const RunResultBody &) = default;
};

// ---- master -> agent ------------------------------------------------------------------------

struct EnrolledBody
{
    static QString type();
    NodeId nodeId;
    QString credential;  // the agent stores it (0600) and uses it from then on

    QJsonObject toJson() const;
    static Result<EnrolledBody> fromJson(const QJsonObject &body);
    friend bool operator==(const EnrolledBody &, const EnrolledBody &) = default;
};

struct WelcomeBody
{
    static QString type();
    NodeId nodeId;
    qint64 heartbeatIntervalMs = 10000;
    qint64 serverTimeMs = 0;

    QJsonObject toJson() const;
    static Result<WelcomeBody> fromJson(const QJsonObject &body);
    friend bool operator==(const WelcomeBody &, const WelcomeBody &) = default;
};

struct RunDispatchBody
{
    static QString type();
    RunId runId;
    int attempt = 1;
    QString job;
    QString command;  // run through /bin/sh -c
    QMap<QString, QString> env;
    QString workingDirectory;     // empty: the agent's default
    qint64 timeoutMs = 0;         // 0: no timeout
    qint64 killGraceMs = 0;       // SIGTERM to SIGKILL
    qint64 outputLimitBytes = 0;  // 0: no limit
    // Condition dependency (opt., ""; added within v1): run through /bin/sh -c like `command`,
    // just before it, with the same env and directory; exit 0 runs the command, anything else
    // or check_timeout_ms ends the attempt `skipped`. Sent only to agents whose hello has the
    // "check" capability.
    QString check;
    qint64 checkTimeoutMs = 0;  // 0: no limit for the check
    // Pre-dispatch: start the child at this time of the agent's clock (ms since the epoch),
    // holding the run (and its slot) until then; 0 or a time already past: start at once.
    // Sent only when set (start_at_ms, opt., 0).
    qint64 startAtMs = 0;

    QJsonObject toJson() const;
    static Result<RunDispatchBody> fromJson(const QJsonObject &body);
    friend bool operator==(const RunDispatchBody &, const RunDispatchBody &) = default;
};

struct RunStopBody
{
    static QString type();
    RunId runId;
    int attempt = 1;
    QString reason;  // free text for the log, may be empty

    QJsonObject toJson() const;
    static Result<RunStopBody> fromJson(const QJsonObject &body);
    friend bool operator==(const RunStopBody &, const RunStopBody &) = default;
};

// Acknowledges a run.result: the agent may delete it from its spool.
struct AckBody
{
    static QString type();
    RunId runId;
    int attempt = 1;

    QJsonObject toJson() const;
    static Result<AckBody> fromJson(const QJsonObject &body);
    friend bool operator==(const AckBody &, const AckBody &) = default;
};

// ---- client -> master (GUI, tools: docs/protocol.md "Clients") -----------------------------

// The first message of a client: an API token (the same tokens as the REST API). Answered by
// `authenticated`, or by `error` and a close.
struct AuthBody
{
    static QString type();
    QString token;

    QJsonObject toJson() const;
    static Result<AuthBody> fromJson(const QJsonObject &body);
    friend bool operator==(const AuthBody &, const AuthBody &) = default;
};

// A REST API call carried over the connection; answered by `response` (re = its id).
struct RequestBody
{
    static QString type();
    QString method;  // "GET", "POST", "PUT", "DELETE"
    QString path;    // percent-encoded, from "/": "/api/v1/tasks/backup/status"
    QString query;   // percent-encoded, without '?': "limit=5&task=backup"; "" = none
    // The request body: an object or array is sent as JSON text, a string as it is (the YAML
    // of /api/v1/apply); null = no body.
    QJsonValue body;

    QJsonObject toJson() const;
    static Result<RequestBody> fromJson(const QJsonObject &body);
    friend bool operator==(const RequestBody &, const RequestBody &) = default;
};

// "runs", "nodes", "jobs" or "output:<run id>".
bool isValidTopic(const QString &topic);

// Adds topics to the connection's subscriptions; answered by `subscribed`.
struct SubscribeBody
{
    static QString type();
    QStringList topics;  // at least one

    QJsonObject toJson() const;
    static Result<SubscribeBody> fromJson(const QJsonObject &body);
    friend bool operator==(const SubscribeBody &, const SubscribeBody &) = default;
};

// Removes topics (unknown ones are ignored); answered by `subscribed`.
struct UnsubscribeBody
{
    static QString type();
    QStringList topics;

    QJsonObject toJson() const;
    static Result<UnsubscribeBody> fromJson(const QJsonObject &body);
    friend bool operator==(const UnsubscribeBody &, const UnsubscribeBody &) = default;
};

// ---- master -> client -----------------------------------------------------------------------

struct AuthenticatedBody
{
    static QString type();
    QString user;  // the token's name: the actor of the audit log
    QString role;  // "admin", "operator", "viewer"
    QString serverVersion;

    QJsonObject toJson() const;
    static Result<AuthenticatedBody> fromJson(const QJsonObject &body);
    friend bool operator==(const AuthenticatedBody &, const AuthenticatedBody &) = default;
};

// The REST API's answer to a `request`: its HTTP status and JSON body (null for 204), or a
// string for a text answer (a pipeline's YAML).
struct ResponseBody
{
    static QString type();
    int status = 200;
    QJsonValue body;

    QJsonObject toJson() const;
    static Result<ResponseBody> fromJson(const QJsonObject &body);
    friend bool operator==(const ResponseBody &, const ResponseBody &) = default;
};

// The connection's subscriptions after a `subscribe` or `unsubscribe`, sorted.
struct SubscribedBody
{
    static QString type();
    QStringList topics;

    QJsonObject toJson() const;
    static Result<SubscribedBody> fromJson(const QJsonObject &body);
    friend bool operator==(const SubscribedBody &, const SubscribedBody &) = default;
};

// Something changed on the master. kind per topic: "runs": run.changed (data = the run as
// GET /api/v1/runs/{run} without events); "nodes": node.changed (a node of GET /api/v1/nodes);
// "jobs": job.changed (a task of GET /api/v1/tasks) and job.removed ({"id"}); "output:<run>":
// output (a chunk of GET /api/v1/runs/{run}/output, without its index).
struct EventBody
{
    static QString type();
    QString topic;
    QString kind;
    QJsonObject data;

    QJsonObject toJson() const;
    static Result<EventBody> fromJson(const QJsonObject &body);
    friend bool operator==(const EventBody &, const EventBody &) = default;
};

// ---- both directions ------------------------------------------------------------------------

// A refused message. `code` is an errorCodeName() ("missing_field"); a code this build does not
// know is kept as text (a newer peer may send it). `field` is the field path, if any.
struct ErrorBody
{
    static QString type();
    QString code;
    QString message;
    QString field;

    static ErrorBody fromError(const Error &error);
    // ErrorCode::None when the code is not one this build knows.
    ErrorCode errorCode() const;
    Error toError() const;

    QJsonObject toJson() const;
    static Result<ErrorBody> fromJson(const QJsonObject &body);
    friend bool operator==(const ErrorBody &, const ErrorBody &) = default;
};

// HelloBody::capabilities: the agent runs RunDispatchBody::check.
QString checkCapability();  // "check"
// HelloBody::capabilities: the agent holds a run until RunDispatchBody::startAtMs, and one
// whose time comes while it is not connected only after the master's word following the next
// hello (the run.dispatch again: start it now; a run.stop: cancel it).
QString startAtCapability();  // "start_at"

// ---- envelope helpers -----------------------------------------------------------------------

// Every message type of the given version; empty for a version this build does not speak.
QList<QString> messageTypes(int version = kCurrentVersion);
// UnknownType if the type is not a message of that version, else the body's checks.
Result<void> validateBody(int version, const QString &type, const QJsonObject &body);

template<typename Body>
Envelope makeEnvelope(const Body &body, const QString &id, const QString &re = {})
{
    return Envelope{kCurrentVersion, Body::type(), id, re, body.toJson()};
}

// The typed body of a decoded envelope; InvalidValue on "type" if it is another message.
template<typename Body>
Result<Body> bodyOf(const Envelope &envelope)
{
    if (envelope.type != Body::type()) {
        Error e = makeError(ErrorCode::InvalidValue,
                            QStringLiteral("expected a '%1' message, found '%2'")
                                    .arg(Body::type(), envelope.type));
        e.file = QStringLiteral("type");
        return e;
    }
    return Body::fromJson(envelope.body);
}

// The reply to a message that was refused: type "error", re = the refused message's id (may
// be empty when it could not be read). `id` defaults to "error:<re>".
Envelope errorEnvelope(const Error &error, const QString &re, const QString &id = {});

// errorCodeName() backwards.
std::optional<ErrorCode> errorCodeFromName(const QString &name);

}  // namespace Orrery::Protocol

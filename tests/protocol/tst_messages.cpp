#include "protocoltestutils.h"

#include <protocol/envelope.h>
#include <protocol/messages.h>

#include <QJsonObject>
#include <QTest>

#include <variant>

using namespace Orrery;
using namespace Orrery::Protocol;
using namespace ProtocolTest;
using namespace Qt::Literals::StringLiterals;

namespace {

// Beyond 2^53: a double would lose the last digit, so ids travel as strings.
const RunId kBigRun(9007199254740993);

struct Sample
{
    const char *name;    // row name
    const char *golden;  // fixture in data/v1/
    QString id;
    QString re;
    AnyBody body;
};

QList<Sample> samples()
{
    HelloBody hello;
    hello.nodeName = u"db-01"_s;
    hello.agentVersion = u"0.4.0"_s;
    hello.labels = {{u"zone"_s, u"sh-a"_s}, {u"role"_s, u"db"_s}};
    hello.maxParallel = 4;
    hello.running = {RunRef{kBigRun, 1}, RunRef{RunId(42), 3}};
    hello.spooledResults = 2;

    HelloBody helloIdle;
    helloIdle.nodeName = u"edge"_s;
    helloIdle.agentVersion = u"0.4.0"_s;

    // An agent that runs check commands (a job's `check`).
    HelloBody helloChecks = helloIdle;
    helloChecks.capabilities = {checkCapability()};

    // An agent that also holds pre-dispatched runs until their start_at_ms.
    HelloBody helloStartAt = helloIdle;
    helloStartAt.capabilities = {checkCapability(), startAtCapability()};

    RunOutputBody output;
    output.runId = kBigRun;
    output.attempt = 2;
    output.stream = OutputStream::Stderr;
    output.seq = 17;
    output.data = QByteArray("warn: disk 91%\n\xff\xfe bytes\x00 end", 29);  // not UTF-8
    output.truncated = true;

    RunResultBody result;
    result.runId = kBigRun;
    result.attempt = 2;
    result.state = RunState::TimedOut;
    result.exitCode = -1;
    result.signal = 15;
    result.startedAtMs = 1764080000000;
    result.finishedAtMs = 1764080030500;
    result.outputBytes = 1048576;
    result.outputTruncated = true;

    RunResultBody success;
    success.runId = RunId(7);
    success.state = RunState::Success;
    success.startedAtMs = 1764080000000;
    success.finishedAtMs = 1764080000012;
    success.outputBytes = 6;

    RunDispatchBody dispatch;
    dispatch.runId = kBigRun;
    dispatch.attempt = 1;
    dispatch.job = u"backup_mysql"_s;
    dispatch.command = u"mysqldump --all-databases | gzip > /backup/$(date +%F).sql.gz"_s;
    dispatch.env = {{u"BACKUP_DIR"_s, u"/backup"_s}, {u"LANG"_s, u"zh_CN.UTF-8"_s}};
    dispatch.workingDirectory = u"/var/lib/orrery"_s;
    dispatch.timeoutMs = 3600000;
    dispatch.killGraceMs = 10000;
    dispatch.outputLimitBytes = 10485760;

    // Pre-dispatched: held on the agent until start_at_ms (its clock).
    RunDispatchBody dispatchAt;
    dispatchAt.runId = RunId(43);
    dispatchAt.job = u"report"_s;
    dispatchAt.command = u"true"_s;
    dispatchAt.killGraceMs = 5000;
    dispatchAt.startAtMs = 1764080001000;

    // A job with a check command: it runs first, the command only when it exits 0.
    RunDispatchBody dispatchCheck;
    dispatchCheck.runId = RunId(44);
    dispatchCheck.job = u"data_load"_s;
    dispatchCheck.command = u"/opt/etl/load"_s;
    dispatchCheck.workingDirectory = u"/data"_s;
    dispatchCheck.killGraceMs = 5000;
    dispatchCheck.check = u"test -f /data/ready/2026-03-10"_s;
    dispatchCheck.checkTimeoutMs = 60000;

    // The check said no: skipped, with the check's exit in the reason.
    RunResultBody skipped;
    skipped.runId = RunId(44);
    skipped.state = RunState::Skipped;
    skipped.exitCode = -1;
    skipped.startedAtMs = 1764080000000;
    skipped.finishedAtMs = 1764080000004;
    skipped.outputBytes = 0;
    skipped.reason = u"check `test -f /data/ready/2026-03-10` exited 1"_s;

    RequestBody create;
    create.method = u"POST"_s;
    create.path = u"/api/v1/tasks"_s;
    create.body = QJsonObject{{u"name"_s, u"daily_report"_s},
                              {u"schedule"_s, u"0 2 * * *"_s},
                              {u"command"_s, u"python3 report.py"_s},
                              {u"timeout"_s, 3600}};
    RequestBody listRuns;
    listRuns.method = u"GET"_s;
    listRuns.path = u"/api/v1/runs"_s;
    listRuns.query = u"limit=5&state=running"_s;
    RequestBody apply;
    apply.method = u"POST"_s;
    apply.path = u"/api/v1/apply"_s;
    apply.query = u"file=etl.yaml"_s;
    apply.body = u"pipeline: etl\njobs: []\n"_s;

    return {
            {"auth", "auth.json", u"c1"_s, {}, AuthBody{u"orr_8f3Kq2"_s}},
            {"authenticated", "authenticated.json", u"m1"_s, u"c1"_s,
             AuthenticatedBody{u"ci-admin"_s, u"admin"_s, u"0.4.0"_s}},
            {"request", "request.json", u"c2"_s, {}, create},
            {"request-query", "request-query.json", u"c3"_s, {}, listRuns},
            {"request-yaml", "request-yaml.json", u"c4"_s, {}, apply},
            {"response", "response.json", u"m2"_s, u"c2"_s,
             ResponseBody{202, QJsonObject{{u"run"_s, QJsonObject{{u"id"_s, u"42"_s},
                                                                  {u"state"_s, u"waiting"_s}}}}}},
            {"response-no-content", "response-no-content.json", u"m3"_s, u"c5"_s,
             ResponseBody{204, QJsonValue()}},
            {"response-text", "response-text.json", u"m4"_s, u"c7"_s,
             ResponseBody{200, QJsonValue(u"pipeline: etl\njobs: []\n"_s)}},
            {"subscribe",
             "subscribe.json",
             u"c6"_s,
             {},
             SubscribeBody{{u"runs"_s, u"output:9007199254740993"_s}}},
            {"unsubscribe",
             "unsubscribe.json",
             u"c7"_s,
             {},
             UnsubscribeBody{{u"output:9007199254740993"_s}}},
            {"subscribed", "subscribed.json", u"m4"_s, u"c6"_s,
             SubscribedBody{{u"nodes"_s, u"runs"_s}}},
            {"event",
             "event.json",
             u"m5"_s,
             {},
             EventBody{u"runs"_s, u"run.changed"_s,
                       QJsonObject{{u"id"_s, u"42"_s}, {u"state"_s, u"running"_s}}}},
            {"enrol",
             "enrol.json",
             u"a1"_s,
             {},
             EnrolBody{u"enr_7Hq2xV"_s, u"db-01"_s, u"db-01.prod.example.com"_s}},
            {"hello", "hello.json", u"a2"_s, {}, hello},
            {"hello-idle", "hello-idle.json", u"a2"_s, {}, helloIdle},
            {"hello-checks", "hello-checks.json", u"a2"_s, {}, helloChecks},
            {"hello-start-at", "hello-start-at.json", u"a2"_s, {}, helloStartAt},
            {"heartbeat",
             "heartbeat.json",
             u"a3"_s,
             {},
             HeartbeatBody{37.5, 2147483648, 0.75, 2, 1764080000123}},
            {"run.started",
             "run.started.json",
             u"a4"_s,
             {},
             RunStartedBody{kBigRun, 2, 31337, 1764080000000}},
            {"run.output", "run.output.json", u"a5"_s, {}, output},
            {"run.result", "run.result.json", u"a6"_s, {}, result},
            {"run.result-success", "run.result-success.json", u"a7"_s, {}, success},
            {"run.result-skipped", "run.result-skipped.json", u"a8"_s, {}, skipped},
            {"enrolled", "enrolled.json", u"m1"_s, u"a1"_s,
             EnrolledBody{NodeId(123456789012345678), u"cred_Zx81pQ"_s}},
            {"welcome", "welcome.json", u"m2"_s, u"a2"_s,
             WelcomeBody{NodeId(123456789012345678), 10000, 1764080000100}},
            {"run.dispatch", "run.dispatch.json", u"m3"_s, {}, dispatch},
            {"run.dispatch-start-at", "run.dispatch-start-at.json", u"m7"_s, {}, dispatchAt},
            {"run.dispatch-check", "run.dispatch-check.json", u"m8"_s, {}, dispatchCheck},
            {"run.stop",
             "run.stop.json",
             u"m4"_s,
             {},
             RunStopBody{kBigRun, 2, u"cancelled by alice"_s}},
            {"ack", "ack.json", u"m5"_s, u"a6"_s, AckBody{kBigRun, 2}},
            {"error", "error.json", u"m6"_s, u"a9"_s,
             ErrorBody{u"missing_field"_s, u"the field is required"_s, u"body.exit_code"_s}},
            {"error-without-field", "error-without-field.json", u"a8"_s, u"m9"_s,
             ErrorBody{u"rate_limited"_s, u"too many messages"_s, {}}},
    };
}

Envelope envelopeOf(const Sample &sample)
{
    return std::visit([&](const auto &body) { return makeEnvelope(body, sample.id, sample.re); },
                      sample.body);
}

// The typed body of `envelope` equals the sample's body.
void compareTyped(const Envelope &envelope, const AnyBody &expected)
{
    std::visit(
            [&](const auto &body) {
                using Body = std::decay_t<decltype(body)>;
                const Result<Body> typed = bodyOf<Body>(envelope);
                QVERIFY2(typed.has_value(), errorText(typed).constData());
                QCOMPARE(*typed, body);
            },
            expected);
}

}  // namespace

class tst_Messages : public QObject
{
    Q_OBJECT

private slots:
    void everyTypeHasASample();
    void roundTrip_data();
    void roundTrip();
    void golden_data();
    void golden();
    void compatibleVariants_data();
    void compatibleVariants();
    void wrongBodyType();
    void errorBody();
    void clientBodyErrors_data();
    void clientBodyErrors();
};

void tst_Messages::everyTypeHasASample()
{
    QStringList covered;
    for (const Sample &s : samples())
        covered.append(envelopeOf(s).type);
    for (const QString &type : messageTypes(1))
        QVERIFY2(covered.contains(type), qPrintable(type));
    QCOMPARE(messageTypes(1).size(), 20);
}

void tst_Messages::roundTrip_data()
{
    QTest::addColumn<int>("index");
    const QList<Sample> all = samples();
    for (int i = 0; i < all.size(); ++i)
        QTest::newRow(all.at(i).name) << i;
}

// Typed body -> envelope -> bytes -> envelope -> typed body, and the body alone through
// toJson/fromJson.
void tst_Messages::roundTrip()
{
    QFETCH(int, index);
    const Sample sample = samples().at(index);
    const Envelope sent = envelopeOf(sample);
    const QByteArray bytes = encode(sent);
    const Result<Envelope> received = decode(bytes);
    QVERIFY2(received.has_value(), errorText(received).constData());
    QCOMPARE(*received, sent);
    compareTyped(*received, sample.body);
    if (QTest::currentTestFailed())
        return;
    // Encoding what was decoded gives the same bytes.
    QCOMPARE(encode(*received), bytes);
}

void tst_Messages::golden_data()
{
    roundTrip_data();
}

// The exact v1 text of every message. These files never change once released: when v2
// arrives, a v2 build must still decode each of them to the same value.
void tst_Messages::golden()
{
    QFETCH(int, index);
    const Sample sample = samples().at(index);
    const QByteArray text = readData(u"v1/"_s + QString::fromLatin1(sample.golden));
    QVERIFY2(!text.isEmpty(), sample.golden);
    const Result<Envelope> decoded = decode(text);
    QVERIFY2(decoded.has_value(), errorText(decoded).constData());
    QCOMPARE(decoded->version, 1);
    QCOMPARE(*decoded, envelopeOf(sample));
    compareTyped(*decoded, sample.body);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(encode(envelopeOf(sample)), text);
}

// Texts that a v1 peer may send and that mean the same as a golden file: ids as JSON
// integers, optional fields left out, unknown fields (from a newer minor revision) present.
void tst_Messages::compatibleVariants_data()
{
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("golden");
    QTest::newRow("integer-run-id") << u"v1-variants/ack-integer-run-id.json"_s << u"ack"_s;
    QTest::newRow("unknown-fields")
            << u"v1-variants/heartbeat-unknown-fields.json"_s << u"heartbeat"_s;
    QTest::newRow("optional-fields-absent")
            << u"v1-variants/run.result-success-minimal.json"_s << u"run.result-success"_s;
    QTest::newRow("hello-minimal") << u"v1-variants/hello-idle-minimal.json"_s << u"hello-idle"_s;
    QTest::newRow("dispatch-key-order-and-spaces")
            << u"v1-variants/run.dispatch-pretty.json"_s << u"run.dispatch"_s;
}

void tst_Messages::compatibleVariants()
{
    QFETCH(QString, variant);
    QFETCH(QString, golden);
    const Result<Envelope> decoded = decode(readData(variant));
    QVERIFY2(decoded.has_value(), errorText(decoded).constData());
    const Result<Envelope> reference = decode(readData(u"v1/"_s + golden + u".json"_s));
    QVERIFY2(reference.has_value(), errorText(reference).constData());
    QCOMPARE(decoded->type, reference->type);
    QCOMPARE(decoded->id, reference->id);
    QCOMPARE(decoded->re, reference->re);
    for (const Sample &s : samples()) {
        if (QLatin1StringView(s.name) == golden) {
            compareTyped(*decoded, s.body);
            return;
        }
    }
    QFAIL("no sample for the golden file");
}

void tst_Messages::wrongBodyType()
{
    const Envelope ack = makeEnvelope(AckBody{RunId(5), 1}, u"m1"_s);
    const Result<RunResultBody> asResult = bodyOf<RunResultBody>(ack);
    QVERIFY(!asResult.has_value());
    QCOMPARE(asResult.error().code, ErrorCode::InvalidValue);
    QCOMPARE(asResult.error().file, u"type"_s);
}

void tst_Messages::errorBody()
{
    Error error = makeError(ErrorCode::WrongType, u"expected an integer"_s);
    error.file = u"body.exit_code"_s;
    const Envelope reply = errorEnvelope(error, u"a6"_s);
    QCOMPARE(reply.type, u"error"_s);
    QCOMPARE(reply.re, u"a6"_s);
    QVERIFY(!reply.id.isEmpty());
    const Result<Envelope> decoded = decode(encode(reply));
    QVERIFY2(decoded.has_value(), errorText(decoded).constData());
    const Result<ErrorBody> body = bodyOf<ErrorBody>(*decoded);
    QVERIFY(body.has_value());
    QCOMPARE(body->code, u"wrong_type"_s);
    QCOMPARE(body->errorCode(), ErrorCode::WrongType);
    QCOMPARE(body->field, u"body.exit_code"_s);
    QCOMPARE(body->toError().code, ErrorCode::WrongType);
    QCOMPARE(body->toError().file, u"body.exit_code"_s);
    QCOMPARE(body->toError().message, error.message);

    // A code from a newer peer is kept as text.
    const ErrorBody future{u"quota_exceeded"_s, u"later"_s, {}};
    const Result<Envelope> futureDecoded = decode(encode(makeEnvelope(future, u"x"_s)));
    QVERIFY(futureDecoded.has_value());
    QCOMPARE(bodyOf<ErrorBody>(*futureDecoded)->code, u"quota_exceeded"_s);
    QCOMPARE(bodyOf<ErrorBody>(*futureDecoded)->errorCode(), ErrorCode::None);

    // Every code survives the trip by name.
    for (int i = int(ErrorCode::None); i <= int(ErrorCode::Storage); ++i)
        QCOMPARE(errorCodeFromName(errorCodeName(ErrorCode(i))), std::optional(ErrorCode(i)));
    QCOMPARE(errorCodeFromName(u"Syntax"_s), std::nullopt);
}

// Client messages that decode() must refuse, with the field at fault.
void tst_Messages::clientBodyErrors_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("field");
    QTest::newRow("auth-empty-token")
            << QByteArray(R"({"v":1,"type":"auth","id":"c1","body":{"token":""}})")
            << ErrorCode::InvalidValue << u"body.token"_s;
    QTest::newRow("request-relative-path") << QByteArray(
            R"({"v":1,"type":"request","id":"c1","body":{"method":"GET","path":"api/v1/tasks"}})")
                                           << ErrorCode::InvalidValue << u"body.path"_s;
    QTest::newRow("request-number-body") << QByteArray(
            R"({"v":1,"type":"request","id":"c1","body":{"method":"POST","path":"/api/v1/tasks","body":5}})")
                                         << ErrorCode::WrongType << u"body.body"_s;
    QTest::newRow("subscribe-unknown-topic") << QByteArray(
            R"({"v":1,"type":"subscribe","id":"c1","body":{"topics":["runs","logs"]}})")
                                             << ErrorCode::InvalidValue << u"body.topics[1]"_s;
    QTest::newRow("subscribe-bad-run-id")
            << QByteArray(R"({"v":1,"type":"subscribe","id":"c1","body":{"topics":["output:x1"]}})")
            << ErrorCode::InvalidValue << u"body.topics[0]"_s;
    QTest::newRow("subscribe-none")
            << QByteArray(R"({"v":1,"type":"subscribe","id":"c1","body":{"topics":[]}})")
            << ErrorCode::InvalidValue << u"body.topics"_s;
    QTest::newRow("response-status-out-of-range") << QByteArray(
            R"({"v":1,"type":"response","id":"m1","re":"c1","body":{"status":42,"body":null}})")
                                                  << ErrorCode::InvalidValue << u"body.status"_s;
    QTest::newRow("event-without-data") << QByteArray(
            R"({"v":1,"type":"event","id":"m1","body":{"topic":"runs","kind":"run.changed"}})")
                                        << ErrorCode::MissingField << u"body.data"_s;
}

void tst_Messages::clientBodyErrors()
{
    QFETCH(QByteArray, frame);
    QFETCH(ErrorCode, code);
    QFETCH(QString, field);
    const Result<Envelope> decoded = decode(frame);
    QVERIFY(!decoded.has_value());
    QCOMPARE(decoded.error().code, code);
    QCOMPARE(decoded.error().file, field);
}

QTEST_APPLESS_MAIN(tst_Messages)
#include "tst_messages.moc"

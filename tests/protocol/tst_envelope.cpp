#include "protocoltestutils.h"

#include <protocol/envelope.h>
#include <protocol/messages.h>

#include <QTest>

using namespace Orrery;
using namespace Orrery::Protocol;
using namespace ProtocolTest;
using namespace Qt::Literals::StringLiterals;

namespace {

QByteArray message(const QByteArray &type, const QByteArray &body)
{
    return R"({"v":1,"type":")" + type + R"(","id":"m1","body":)" + body + '}';
}

const QByteArray kResult
        = R"("run_id":"7","attempt":1,"state":"failed","signal":0,"started_at_ms":1,"finished_at_ms":2,"output_bytes":0)";

QByteArray result(const QByteArray &exitCode)
{
    return message("run.result", "{" + kResult + R"(,"exit_code":)" + exitCode + "}");
}

QByteArray heartbeat(const QByteArray &cpu)
{
    return message("heartbeat",
                   R"({"cpu_percent":)" + cpu
                           + R"(,"free_memory_bytes":1,"load1":0,"running":0,"clock_ms":1})");
}

QByteArray ack(const QByteArray &runId, const QByteArray &attempt = "1")
{
    return message("ack", R"({"run_id":)" + runId + R"(,"attempt":)" + attempt + "}");
}

QByteArray dispatch(const QByteArray &command, const QByteArray &env)
{
    return message("run.dispatch",
                   R"({"run_id":"1","attempt":1,"job":"j","command":)" + command + R"(,"env":)"
                           + env + R"(,"timeout_ms":0,"kill_grace_ms":0,"output_limit_bytes":0})");
}

QByteArray output(const QByteArray &stream, const QByteArray &data)
{
    return message("run.output", R"({"run_id":"1","attempt":1,"stream":)" + stream
                                         + R"(,"seq":0,"data":)" + data + "}");
}

QByteArray hello(const QByteArray &running)
{
    return message("hello", R"({"node_name":"n","agent_version":"1","max_parallel":1,"running":)"
                                    + running + R"(,"spooled_results":0})");
}

// A valid run.stop message of exactly `size` bytes (padded with a field v1 does not know).
QByteArray stopOfSize(qsizetype size)
{
    const QByteArray head
            = R"({"v":1,"type":"run.stop","id":"m1","body":{"run_id":"1","attempt":1,"padding":")";
    const QByteArray tail = R"("}})";
    return head + QByteArray(size - head.size() - tail.size(), 'x') + tail;
}

}  // namespace

class tst_Envelope : public QObject
{
    Q_OBJECT

private slots:
    void refused_data();
    void refused();
    void sizeLimit_data();
    void sizeLimit();
    void bracketsInsideStringsAreNotNesting();
    void unsupportedVersionSaysWhichAreSupported();
    void encodeIsCompact();
    void reOptional();
    void readableId_data();
    void readableId();
    void errorReplyForEveryRefusal();
};

void tst_Envelope::refused_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("field");
    QTest::addColumn<int>("column");  // -1: not checked

    const auto row
            = [](const char *name, const QByteArray &frame, ErrorCode code, const QString &field,
                 int column = -1) { QTest::newRow(name) << frame << code << field << column; };
    // Not JSON, or not a JSON object.
    row("empty", "", ErrorCode::Syntax, {}, 1);
    row("truncated", R"({"v":1,"type":"ack","id":"m1")", ErrorCode::Syntax, {}, 30);
    row("truncated-in-string", R"({"v":1,"type":"ac)", ErrorCode::Syntax, {});
    row("trailing-garbage", R"({"v":1} x)", ErrorCode::Syntax, {}, 9);
    row("nan-literal", R"({"v":NaN})", ErrorCode::Syntax, {}, 6);
    row("infinity-literal", R"({"v":Infinity})", ErrorCode::Syntax, {});
    row("number-beyond-double", R"({"v":1e400})", ErrorCode::Syntax, {});
    row("invalid-utf8", "{\"v\":1,\"type\":\"\xff\"}", ErrorCode::Syntax, {});
    row("array", "[1,2]", ErrorCode::WrongType, {});
    // Qt's parser takes only an object or an array at the top.
    row("string", R"("hello")", ErrorCode::Syntax, {});
    row("null", "null", ErrorCode::Syntax, {});
    // Nesting bombs are refused before the parser sees them.
    row("depth-bomb-arrays-100k", QByteArray(100000, '['), ErrorCode::TooLarge, {}, 33);
    row("depth-bomb-objects-100k", QByteArray(R"({"a":)").repeated(100000), ErrorCode::TooLarge, {},
        1 + 32 * 5);
    row("depth-bomb-in-body", message("ack", QByteArray(40, '[') + QByteArray(40, ']')),
        ErrorCode::TooLarge, {});
    // Envelope fields.
    row("v-missing", R"({"type":"ack","id":"m1","body":{}})", ErrorCode::MissingField, u"v"_s);
    row("v-string", R"({"v":"1","type":"ack","id":"m1","body":{}})", ErrorCode::WrongType, u"v"_s);
    row("v-fraction", R"({"v":1.5,"type":"ack","id":"m1","body":{}})", ErrorCode::WrongType,
        u"v"_s);
    row("v-null", R"({"v":null})", ErrorCode::WrongType, u"v"_s);
    row("v-0", R"({"v":0,"type":"ack","id":"m1","body":{}})", ErrorCode::UnsupportedVersion,
        u"v"_s);
    row("v-2", R"({"v":2,"type":"ack","id":"m1","body":{}})", ErrorCode::UnsupportedVersion,
        u"v"_s);
    row("v-2-other-shape", R"({"v":2,"kind":"ack","payload":[]})", ErrorCode::UnsupportedVersion,
        u"v"_s);
    row("v-huge", R"({"v":1e300,"type":"ack","id":"m1","body":{}})", ErrorCode::UnsupportedVersion,
        u"v"_s);
    row("type-missing", R"({"v":1,"id":"m1","body":{}})", ErrorCode::MissingField, u"type"_s);
    row("type-number", R"({"v":1,"type":7,"id":"m1","body":{}})", ErrorCode::WrongType, u"type"_s);
    row("type-empty", R"({"v":1,"type":"","id":"m1","body":{}})", ErrorCode::InvalidValue,
        u"type"_s);
    row("type-unknown", message("run.explode", "{}"), ErrorCode::UnknownType, u"type"_s);
    row("type-wrong-case", message("ACK", R"({"run_id":"1","attempt":1})"), ErrorCode::UnknownType,
        u"type"_s);
    row("id-missing", R"({"v":1,"type":"ack","body":{}})", ErrorCode::MissingField, u"id"_s);
    row("id-number", R"({"v":1,"type":"ack","id":1,"body":{}})", ErrorCode::WrongType, u"id"_s);
    row("id-empty", R"({"v":1,"type":"ack","id":"","body":{}})", ErrorCode::InvalidValue, u"id"_s);
    row("id-too-long", R"({"v":1,"type":"ack","id":")" + QByteArray(129, 'i') + R"(","body":{}})",
        ErrorCode::InvalidValue, u"id"_s);
    row("re-number", R"({"v":1,"type":"ack","id":"m1","re":5,"body":{}})", ErrorCode::WrongType,
        u"re"_s);
    row("body-missing", R"({"v":1,"type":"ack","id":"m1"})", ErrorCode::MissingField, u"body"_s);
    row("body-array", R"({"v":1,"type":"ack","id":"m1","body":[]})", ErrorCode::WrongType,
        u"body"_s);
    row("body-null", R"({"v":1,"type":"ack","id":"m1","body":null})", ErrorCode::WrongType,
        u"body"_s);
    row("body-string", R"({"v":1,"type":"ack","id":"m1","body":"{}"})", ErrorCode::WrongType,
        u"body"_s);
    // Body fields, named by their path.
    row("exit-code-missing", message("run.result", "{" + kResult + "}"), ErrorCode::MissingField,
        u"body.exit_code"_s);
    row("exit-code-string", result(R"("0")"), ErrorCode::WrongType, u"body.exit_code"_s);
    row("exit-code-null", result("null"), ErrorCode::WrongType, u"body.exit_code"_s);
    row("exit-code-fraction", result("0.5"), ErrorCode::WrongType, u"body.exit_code"_s);
    row("exit-code-256", result("256"), ErrorCode::InvalidValue, u"body.exit_code"_s);
    row("exit-code-minus-2", result("-2"), ErrorCode::InvalidValue, u"body.exit_code"_s);
    row("exit-code-huge", result("1e300"), ErrorCode::InvalidValue, u"body.exit_code"_s);
    row("exit-code-beyond-int64", result("9223372036854775808"), ErrorCode::InvalidValue,
        u"body.exit_code"_s);
    row("state-running", message("run.result", R"({"run_id":"7","attempt":1,"state":"running"})"),
        ErrorCode::InvalidValue, u"body.state"_s);
    row("state-lost", message("run.result", R"({"run_id":"7","attempt":1,"state":"lost"})"),
        ErrorCode::InvalidValue, u"body.state"_s);
    row("capability-number",
        message("hello", R"({"node_name":"n","agent_version":"1","max_parallel":1,"running":[],)"
                         R"("spooled_results":0,"capabilities":["check",7]})"),
        ErrorCode::InvalidValue, u"body.capabilities[1]"_s);
    row("capabilities-string",
        message("hello", R"({"node_name":"n","agent_version":"1","max_parallel":1,"running":[],)"
                         R"("spooled_results":0,"capabilities":"check"})"),
        ErrorCode::WrongType, u"body.capabilities"_s);
    row("check-timeout-negative",
        message("run.dispatch", R"({"run_id":"7","attempt":1,"job":"j","command":"true",)"
                                R"("timeout_ms":0,"kill_grace_ms":0,"output_limit_bytes":0,)"
                                R"("check":"true","check_timeout_ms":-1})"),
        ErrorCode::InvalidValue, u"body.check_timeout_ms"_s);
    row("state-unknown", message("run.result", R"({"run_id":"7","attempt":1,"state":"ok"})"),
        ErrorCode::InvalidValue, u"body.state"_s);
    row("finished-before-started",
        message("run.result", R"({"run_id":"7","attempt":1,"state":"failed","exit_code":1,)"
                              R"("started_at_ms":5,"finished_at_ms":4,"output_bytes":0})"),
        ErrorCode::InvalidValue, u"body.finished_at_ms"_s);
    row("run-id-missing", message("ack", R"({"attempt":1})"), ErrorCode::MissingField,
        u"body.run_id"_s);
    row("run-id-zero", ack("0"), ErrorCode::InvalidValue, u"body.run_id"_s);
    row("run-id-negative", ack("-5"), ErrorCode::InvalidValue, u"body.run_id"_s);
    row("run-id-negative-string", ack(R"("-5")"), ErrorCode::InvalidValue, u"body.run_id"_s);
    row("run-id-not-digits", ack(R"("12a")"), ErrorCode::InvalidValue, u"body.run_id"_s);
    row("run-id-empty-string", ack(R"("")"), ErrorCode::InvalidValue, u"body.run_id"_s);
    row("run-id-beyond-int64", ack(R"("99999999999999999999")"), ErrorCode::InvalidValue,
        u"body.run_id"_s);
    row("run-id-fraction", ack("1.5"), ErrorCode::WrongType, u"body.run_id"_s);
    row("run-id-bool", ack("true"), ErrorCode::WrongType, u"body.run_id"_s);
    row("attempt-zero", ack(R"("1")", "0"), ErrorCode::InvalidValue, u"body.attempt"_s);
    row("attempt-string", ack(R"("1")", R"("1")"), ErrorCode::WrongType, u"body.attempt"_s);
    row("cpu-over-100", heartbeat("100.5"), ErrorCode::InvalidValue, u"body.cpu_percent"_s);
    row("cpu-negative", heartbeat("-1"), ErrorCode::InvalidValue, u"body.cpu_percent"_s);
    row("cpu-nan-string", heartbeat(R"("NaN")"), ErrorCode::WrongType, u"body.cpu_percent"_s);
    row("cpu-huge", heartbeat("1e308"), ErrorCode::InvalidValue, u"body.cpu_percent"_s);
    row("command-empty", dispatch(R"("")", "{}"), ErrorCode::InvalidValue, u"body.command"_s);
    row("command-array", dispatch(R"(["ls"])", "{}"), ErrorCode::WrongType, u"body.command"_s);
    row("env-empty-key", dispatch(R"("ls")", R"({"":"x"})"), ErrorCode::InvalidValue,
        u"body.env"_s);
    row("env-value-number", dispatch(R"("ls")", R"({"PATH":1})"), ErrorCode::WrongType,
        u"body.env.PATH"_s);
    row("env-array", dispatch(R"("ls")", R"(["A=1"])"), ErrorCode::WrongType, u"body.env"_s);
    row("stream-unknown", output(R"("stdin")", R"("")"), ErrorCode::InvalidValue, u"body.stream"_s);
    row("data-not-base64", output(R"("stdout")", R"("not base64!")"), ErrorCode::InvalidValue,
        u"body.data"_s);
    row("data-non-ascii", output(R"("stdout")", R"("日志")"), ErrorCode::InvalidValue,
        u"body.data"_s);
    row("running-not-array", hello("{}"), ErrorCode::WrongType, u"body.running"_s);
    row("running-item-not-object", hello("[1]"), ErrorCode::WrongType, u"body.running[0]"_s);
    row("running-item-attempt-missing", hello(R"([{"run_id":"1","attempt":1},{"run_id":"2"}])"),
        ErrorCode::MissingField, u"body.running[1].attempt"_s);
    row("max-parallel-zero",
        message("hello",
                R"({"node_name":"n","agent_version":"1","max_parallel":0,"running":[],"spooled_results":0})"),
        ErrorCode::InvalidValue, u"body.max_parallel"_s);
    row("spooled-negative",
        message("hello",
                R"({"node_name":"n","agent_version":"1","max_parallel":1,"running":[],"spooled_results":-1})"),
        ErrorCode::InvalidValue, u"body.spooled_results"_s);
    row("labels-value-list",
        message("hello",
                R"({"node_name":"n","agent_version":"1","labels":{"zone":["a"]},"max_parallel":1,"running":[],"spooled_results":0})"),
        ErrorCode::WrongType, u"body.labels.zone"_s);
    row("enrol-token-empty", message("enrol", R"({"token":"","node_name":"n","hostname":"h"})"),
        ErrorCode::InvalidValue, u"body.token"_s);
    row("welcome-interval-zero",
        message("welcome", R"({"node_id":"1","heartbeat_interval_ms":0,"server_time_ms":0})"),
        ErrorCode::InvalidValue, u"body.heartbeat_interval_ms"_s);
    row("error-code-missing", message("error", R"({"message":"x"})"), ErrorCode::MissingField,
        u"body.code"_s);
    row("truncated-flag-string", output(R"("stdout")", R"("", "truncated":"yes")"),
        ErrorCode::WrongType, u"body.truncated"_s);
}

void tst_Envelope::refused()
{
    QFETCH(QByteArray, frame);
    QFETCH(ErrorCode, code);
    QFETCH(QString, field);
    QFETCH(int, column);
    const Result<Envelope> decoded = decode(frame);
    QVERIFY(!decoded.has_value());
    QCOMPARE(decoded.error().code, code);
    QCOMPARE(decoded.error().file, field);
    if (column >= 0)
        QCOMPARE(decoded.error().column, column);
    QVERIFY(!decoded.error().message.isEmpty());
}

void tst_Envelope::sizeLimit_data()
{
    QTest::addColumn<qsizetype>("limit");
    QTest::addColumn<qsizetype>("size");
    QTest::addColumn<bool>("accepted");
    constexpr qsizetype mib = 1024 * 1024;
    QTest::newRow("default-exactly-at-limit") << qsizetype(-1) << mib << true;
    QTest::newRow("default-one-byte-over") << qsizetype(-1) << mib + 1 << false;
    QTest::newRow("default-far-below") << qsizetype(-1) << qsizetype(200) << true;
    QTest::newRow("small-at-limit") << qsizetype(300) << qsizetype(300) << true;
    QTest::newRow("small-one-byte-over") << qsizetype(300) << qsizetype(301) << false;
}

void tst_Envelope::sizeLimit()
{
    QFETCH(qsizetype, limit);
    QFETCH(qsizetype, size);
    QFETCH(bool, accepted);
    Limits limits;
    if (limit >= 0)
        limits.maxMessageBytes = limit;
    QCOMPARE(Limits().maxMessageBytes, qsizetype(1048576));
    const QByteArray frame = stopOfSize(size);
    QCOMPARE(frame.size(), size);
    const Result<Envelope> decoded = decode(frame, limits);
    QCOMPARE(decoded.has_value(), accepted);
    if (!accepted) {
        QCOMPARE(decoded.error().code, ErrorCode::TooLarge);
        // Refused before parsing: garbage of the same size gives the same error.
        const Result<Envelope> garbage = decode(QByteArray(size, '{'), limits);
        QCOMPARE(garbage.error().code, ErrorCode::TooLarge);
    } else {
        QCOMPARE(decoded->type, u"run.stop"_s);
        QCOMPARE(decoded->body.value(u"padding"_s).toString().size(),
                 size - 82);  // 82 bytes of envelope
    }
}

void tst_Envelope::bracketsInsideStringsAreNotNesting()
{
    const QByteArray reason = QByteArray(5000, '[') + "\\\"{{{" + QByteArray(5000, '{');
    const QByteArray frame
            = R"({"v":1,"type":"run.stop","id":"m1","body":{"run_id":"1","attempt":1,"note":")"
              + reason + R"("}})";
    const Result<Envelope> decoded = decode(frame);
    QVERIFY2(decoded.has_value(), errorText(decoded).constData());
    QCOMPARE(decoded->body.value(u"note"_s).toString().size(), 10004);

    // Nesting up to the limit is fine (unknown fields are ignored).
    const QByteArray deep = R"({"v":1,"type":"ack","id":"m1","body":{"run_id":"1","attempt":1,"x":)"
                            + QByteArray(30, '[') + QByteArray(30, ']') + "}}";
    const Result<Envelope> atLimit = decode(deep);
    QVERIFY2(atLimit.has_value(), errorText(atLimit).constData());
    const Result<Envelope> overLimit = decode(deep, Limits{1024 * 1024, 31});
    QCOMPARE(overLimit.error().code, ErrorCode::TooLarge);
}

void tst_Envelope::unsupportedVersionSaysWhichAreSupported()
{
    QCOMPARE(supportedVersions(), QList<int>{1});
    QCOMPARE(kCurrentVersion, 1);
    QVERIFY(messageTypes(2).isEmpty());
    const Result<Envelope> decoded = decode(R"({"v":7,"type":"ack","id":"m1","body":{}})");
    QCOMPARE(decoded.error().code, ErrorCode::UnsupportedVersion);
    QVERIFY2(decoded.error().message.contains(u"7"_s), qPrintable(decoded.error().message));
    QVERIFY2(decoded.error().message.endsWith(u" 1"_s), qPrintable(decoded.error().message));
}

void tst_Envelope::encodeIsCompact()
{
    const Envelope e = makeEnvelope(AckBody{RunId(5), 2}, u"m9"_s, u"a3"_s);
    QCOMPARE(
            encode(e),
            QByteArray(
                    R"({"body":{"attempt":2,"run_id":"5"},"id":"m9","re":"a3","type":"ack","v":1})"));
}

void tst_Envelope::reOptional()
{
    const Envelope e = makeEnvelope(AckBody{RunId(5), 2}, u"m9"_s);
    QVERIFY(!encode(e).contains("\"re\""));
    const Result<Envelope> decoded = decode(encode(e));
    QVERIFY2(decoded.has_value(), errorText(decoded).constData());
    QCOMPARE(decoded->re, QString());
}

void tst_Envelope::readableId_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("id");
    QTest::newRow("unknown-type") << message("run.explode", "{}") << u"m1"_s;
    QTest::newRow("bad-body") << result(R"("0")") << u"m1"_s;
    QTest::newRow("unsupported-version") << QByteArray(R"({"v":9,"id":"x9"})") << u"x9"_s;
    QTest::newRow("garbled") << QByteArray(R"({"v":1,"id":"m1")") << QString();
    QTest::newRow("id-number") << QByteArray(R"({"v":1,"id":4})") << QString();
    QTest::newRow("oversized") << stopOfSize(1024 * 1024 + 1) << QString();
    QTest::newRow("depth-bomb") << QByteArray(100000, '[') << QString();
}

void tst_Envelope::readableId()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, id);
    QCOMPARE(Protocol::readableId(frame), id);
}

// What the server does with a refused frame: a coded error reply that the peer can decode.
void tst_Envelope::errorReplyForEveryRefusal()
{
    const QByteArray frame = result("256");
    const Result<Envelope> refused = decode(frame);
    QVERIFY(!refused.has_value());
    const Envelope reply = errorEnvelope(refused.error(), Protocol::readableId(frame));
    const Result<Envelope> received = decode(encode(reply));
    QVERIFY2(received.has_value(), errorText(received).constData());
    QCOMPARE(received->type, u"error"_s);
    QCOMPARE(received->re, u"m1"_s);
    const Result<ErrorBody> body = bodyOf<ErrorBody>(*received);
    QVERIFY2(body.has_value(), errorText(body).constData());
    QCOMPARE(body->errorCode(), ErrorCode::InvalidValue);
    QCOMPARE(body->field, u"body.exit_code"_s);

    // Without a readable id the reply still decodes, with no "re".
    const Envelope anonymous = errorEnvelope(decode("[[").error(), Protocol::readableId("[["));
    const Result<Envelope> anonymousReceived = decode(encode(anonymous));
    QVERIFY2(anonymousReceived.has_value(), errorText(anonymousReceived).constData());
    QCOMPARE(anonymousReceived->re, QString());
    QCOMPARE(bodyOf<ErrorBody>(*anonymousReceived)->errorCode(), ErrorCode::Syntax);
}

QTEST_APPLESS_MAIN(tst_Envelope)
#include "tst_envelope.moc"

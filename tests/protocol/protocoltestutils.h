#pragma once

// Shared by the tests of Orrery::Protocol: readable QCOMPARE failures, sample messages and
// fixture paths.

#include <protocol/envelope.h>
#include <protocol/messages.h>

#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include <variant>

namespace Orrery {

inline char *toString(const ErrorCode &code)
{
    return QTest::toString(errorCodeName(code));
}

inline char *toString(const Error &error)
{
    return QTest::toString(errorCodeName(error.code) + QStringLiteral(" ") + error.toString());
}

namespace Protocol {

inline char *toString(const Envelope &envelope)
{
    return QTest::toString(QString::fromUtf8(encode(envelope)));
}

#define ORRERY_BODY_TOSTRING(Body)                                                               \
    inline char *toString(const Body &body)                                                      \
    {                                                                                            \
        return QTest::toString(                                                                  \
                QString::fromUtf8(QJsonDocument(body.toJson()).toJson(QJsonDocument::Compact))); \
    }
ORRERY_BODY_TOSTRING(EnrolBody)
ORRERY_BODY_TOSTRING(HelloBody)
ORRERY_BODY_TOSTRING(HeartbeatBody)
ORRERY_BODY_TOSTRING(RunStartedBody)
ORRERY_BODY_TOSTRING(RunOutputBody)
ORRERY_BODY_TOSTRING(RunResultBody)
ORRERY_BODY_TOSTRING(EnrolledBody)
ORRERY_BODY_TOSTRING(WelcomeBody)
ORRERY_BODY_TOSTRING(RunDispatchBody)
ORRERY_BODY_TOSTRING(RunStopBody)
ORRERY_BODY_TOSTRING(AckBody)
ORRERY_BODY_TOSTRING(ErrorBody)
ORRERY_BODY_TOSTRING(AuthBody)
ORRERY_BODY_TOSTRING(RequestBody)
ORRERY_BODY_TOSTRING(SubscribeBody)
ORRERY_BODY_TOSTRING(UnsubscribeBody)
ORRERY_BODY_TOSTRING(AuthenticatedBody)
ORRERY_BODY_TOSTRING(ResponseBody)
ORRERY_BODY_TOSTRING(SubscribedBody)
ORRERY_BODY_TOSTRING(EventBody)
#undef ORRERY_BODY_TOSTRING

}  // namespace Protocol
}  // namespace Orrery

namespace ProtocolTest {

using AnyBody = std::variant<Orrery::Protocol::EnrolBody, Orrery::Protocol::HelloBody,
                             Orrery::Protocol::HeartbeatBody, Orrery::Protocol::RunStartedBody,
                             Orrery::Protocol::RunOutputBody, Orrery::Protocol::RunResultBody,
                             Orrery::Protocol::EnrolledBody, Orrery::Protocol::WelcomeBody,
                             Orrery::Protocol::RunDispatchBody, Orrery::Protocol::RunStopBody,
                             Orrery::Protocol::AckBody, Orrery::Protocol::ErrorBody,
                             Orrery::Protocol::AuthBody, Orrery::Protocol::RequestBody,
                             Orrery::Protocol::SubscribeBody, Orrery::Protocol::UnsubscribeBody,
                             Orrery::Protocol::AuthenticatedBody, Orrery::Protocol::ResponseBody,
                             Orrery::Protocol::SubscribedBody, Orrery::Protocol::EventBody>;

// For QVERIFY2, which evaluates its message even when the check passes.
template<typename T>
QByteArray errorText(const Orrery::Result<T> &result)
{
    return result.has_value() ? QByteArray() : result.error().toString().toUtf8();
}

inline QString dataPath(const QString &name)
{
    return QStringLiteral(ORRERY_TEST_DATA_DIR) + u'/' + name;
}

inline QByteArray readData(const QString &name)
{
    QFile file(dataPath(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().trimmed();
}

}  // namespace ProtocolTest

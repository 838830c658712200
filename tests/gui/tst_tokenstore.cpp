// Connect::TokenStore against a real Secret Service (gnome-keyring in a private D-Bus session,
// started by with-keyring.sh): tokens round-trip, are replaced, removed, and a missing one is
// NotFound.

#include <connect/tokenstore.h>

#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <optional>

using namespace Orrery;
using namespace Orrery::Connect;
using namespace Qt::Literals::StringLiterals;

namespace {

template<typename T>
std::optional<Result<T>> waitFor(
        const std::function<void(std::function<void(const Result<T> &)>)> &call)
{
    std::optional<Result<T>> result;
    call([&result](const Result<T> &r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 10000);
    return result;
}

}  // namespace

class tst_TokenStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void writeReadReplaceRemove();
    void missingIsNotFound();

private:
    Result<QString> read(const QString &key);
    Result<void> write(const QString &key, const QString &token);
    Result<void> remove(const QString &key);

    std::unique_ptr<TokenStore> m_store;
};

void tst_TokenStore::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QFAIL("run through tests/gui/with-keyring.sh (no D-Bus session)");
    m_store = std::make_unique<TokenStore>(u"orrery-test"_s);
}

Result<QString> tst_TokenStore::read(const QString &key)
{
    auto r = waitFor<QString>([&](auto done) { m_store->read(key, done); });
    return r.value_or(makeError(ErrorCode::Io, u"no answer"_s));
}

Result<void> tst_TokenStore::write(const QString &key, const QString &token)
{
    auto r = waitFor<void>([&](auto done) { m_store->write(key, token, done); });
    return r.value_or(makeError(ErrorCode::Io, u"no answer"_s));
}

Result<void> tst_TokenStore::remove(const QString &key)
{
    auto r = waitFor<void>([&](auto done) { m_store->remove(key, done); });
    return r.value_or(makeError(ErrorCode::Io, u"no answer"_s));
}

void tst_TokenStore::writeReadReplaceRemove()
{
    const QString key = u"wss://prod.example:8443"_s;
    const Result<void> written = write(key, u"orr_first"_s);
    QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
    Result<QString> token = read(key);
    QVERIFY2(token, qPrintable(token ? QString() : token.error().message));
    QCOMPARE(*token, u"orr_first"_s);

    // Another server's token is separate; writing again replaces.
    QVERIFY(write(u"wss://test.example:8443"_s, u"orr_other"_s));
    QVERIFY(write(key, u"orr_second"_s));
    QCOMPARE(*read(key), u"orr_second"_s);
    QCOMPARE(*read(u"wss://test.example:8443"_s), u"orr_other"_s);

    QVERIFY(remove(key));
    token = read(key);
    QVERIFY(!token);
    QCOMPARE(token.error().code, ErrorCode::NotFound);
    // Removing again is not an error.
    QVERIFY(remove(key));
}

void tst_TokenStore::missingIsNotFound()
{
    const Result<QString> token = read(u"wss://never.example:1"_s);
    QVERIFY(!token);
    QCOMPARE(token.error().code, ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(tst_TokenStore)
#include "tst_tokenstore.moc"

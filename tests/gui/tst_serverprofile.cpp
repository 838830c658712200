// gui/connect's pure parts: what the connection dialog accepts (ServerProfile), the saved
// servers in QSettings (no secrets), and the overlay's reading of run JSON.

#include <connect/runoverlay.h>
#include <connect/serverprofile.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Connect;
using namespace Qt::Literals::StringLiterals;

namespace {
const QString kSha
        = u"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
          "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"_s;
}

class tst_ServerProfile : public QObject
{
    Q_OBJECT

private slots:
    void makeProfile_data();
    void makeProfile();
    void fingerprintForms();
    void savedServersRoundTrip();
    void jobRunFromJson_data();
    void jobRunFromJson();
    void pipelineRunKeepsTheLatestRunOfAJob();

private:
    QTemporaryDir m_dir;
};

void tst_ServerProfile::makeProfile_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("fingerprint");
    QTest::addColumn<QString>("errorField");                    // empty = valid
    const QString ca = QFINDTESTDATA("tst_serverprofile.cpp");  // any existing file

    QTest::newRow("tofu") << u"wss://master.example:8443"_s << QString() << QString() << QString();
    QTest::newRow("ca-file") << u"wss://10.0.0.1:8443/"_s << ca << QString() << QString();
    QTest::newRow("pinned") << u" wss://m:1 "_s << QString() << kSha << QString();
    QTest::newRow("https-scheme") << u"https://m:8443"_s << QString() << QString() << u"url"_s;
    QTest::newRow("no-port") << u"wss://m"_s << QString() << QString() << u"url"_s;
    QTest::newRow("no-host") << u"wss://:8443"_s << QString() << QString() << u"url"_s;
    QTest::newRow("empty") << QString() << QString() << QString() << u"url"_s;
    QTest::newRow("missing-ca") << u"wss://m:1"_s << u"/nonexistent/ca.pem"_s << QString()
                                << u"ca_file"_s;
    QTest::newRow("ca-and-pin") << u"wss://m:1"_s << ca << kSha << u"ca_file"_s;
    QTest::newRow("short-pin") << u"wss://m:1"_s << QString() << u"AB:CD"_s << u"pinned_sha256"_s;
    QTest::newRow("not-hex") << u"wss://m:1"_s << QString() << QString(64, u'z')
                             << u"pinned_sha256"_s;
}

void tst_ServerProfile::makeProfile()
{
    QFETCH(QString, url);
    QFETCH(QString, caFile);
    QFETCH(QString, fingerprint);
    QFETCH(QString, errorField);
    const Result<ServerProfile> p = Connect::makeProfile(u" prod "_s, url, caFile, fingerprint);
    if (!errorField.isEmpty()) {
        QVERIFY(!p);
        QCOMPARE(p.error().file, errorField);
        QCOMPARE(p.error().code, ErrorCode::InvalidValue);
        return;
    }
    QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
    QCOMPARE(p->label, u"prod"_s);
    QCOMPARE(p->url.scheme(), u"wss"_s);
    QVERIFY(!p->secretKey().endsWith(u'/'));
    QCOMPARE(p->caFile, caFile);
    QCOMPARE(p->pinnedSha256.size(), fingerprint.isEmpty() ? 0 : 32);
    const Client::ConnectionSettings s = connectionSettings(*p, u"orr_token"_s);
    QCOMPARE(s.url, p->url);
    QCOMPARE(s.pinnedSha256, p->pinnedSha256);
    QCOMPARE(s.token, u"orr_token"_s);
}

void tst_ServerProfile::fingerprintForms()
{
    const Result<QByteArray> colons = parseFingerprint(kSha);
    QVERIFY(colons);
    QCOMPARE(colons->toHex(),
             QByteArray("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
    // As printed by MasterConnection::fingerprintText, and bare hex with spaces.
    QCOMPARE(*parseFingerprint(Client::MasterConnection::fingerprintText(*colons)), *colons);
    QCOMPARE(*parseFingerprint(QString::fromLatin1(colons->toHex(' '))), *colons);
}

void tst_ServerProfile::savedServersRoundTrip()
{
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(u"servers.ini"_s);
    ServerProfile a{u"prod"_s, QUrl(u"wss://prod:8443"_s), QString(), QByteArray(32, '\x7f')};
    ServerProfile b{QString(), QUrl(u"wss://test:9443"_s), u"/etc/orrery/ca.pem"_s, {}};
    {
        QSettings settings(path, QSettings::IniFormat);
        ServerList::save(settings, {a, b});
    }
    QSettings settings(path, QSettings::IniFormat);
    QCOMPARE(ServerList::load(settings), (QList<ServerProfile>{a, b}));
    QCOMPARE(b.displayName(), u"test:9443"_s);

    // Using b again puts it first; a new pin of a replaces the old entry.
    QList<ServerProfile> used = ServerList::withUsed({a, b}, b);
    QCOMPARE(used, (QList<ServerProfile>{b, a}));
    ServerProfile repinned = a;
    repinned.pinnedSha256 = QByteArray(32, '\x01');
    used = ServerList::withUsed(used, repinned);
    QCOMPARE(used, (QList<ServerProfile>{repinned, b}));
    QCOMPARE(ServerList::without(used, QUrl(u"wss://prod:8443/"_s)), QList<ServerProfile>{b});

    // Nothing secret is written: only these keys.
    ServerList::save(settings, used);
    settings.sync();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(!text.contains("token"));
    settings.beginReadArray(u"servers"_s);
    settings.setArrayIndex(0);
    QCOMPARE(settings.childKeys(),
             (QStringList{u"caFile"_s, u"label"_s, u"pinnedSha256"_s, u"url"_s}));
    settings.endArray();
}

void tst_ServerProfile::jobRunFromJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("errorField");
    QTest::addColumn<QString>("state");
    QTest::addColumn<qint64>("durationMs");

    QTest::newRow("success") << QByteArray(R"({"id":"42","task":"extract","state":"success",
        "started_at":"2026-11-26T01:00:00Z","finished_at":"2026-11-26T01:00:07Z"})")
                             << QString() << u"success"_s << qint64(7000);
    QTest::newRow("waiting") << QByteArray(R"({"id":"43","task":"load","state":"waiting",
        "started_at":null,"finished_at":null})")
                             << QString() << u"waiting"_s << qint64(-1);
    QTest::newRow("timed-out") << QByteArray(R"({"id":"44","task":"load","state":"timed_out",
        "started_at":"2026-11-26T01:00:00Z","finished_at":"2026-11-26T01:01:00Z"})")
                               << QString() << u"timed_out"_s << qint64(60000);
    QTest::newRow("no-task") << QByteArray(R"({"id":"1","state":"success"})") << u"task"_s
                             << QString() << qint64(0);
    QTest::newRow("bad-id") << QByteArray(R"({"id":"x","task":"a","state":"success"})") << u"id"_s
                            << QString() << qint64(0);
    QTest::newRow("bad-state") << QByteArray(R"({"id":"1","task":"a","state":"sleeping"})")
                               << u"state"_s << QString() << qint64(0);
    QTest::newRow("bad-time") << QByteArray(R"({"id":"1","task":"a","state":"running",
        "started_at":"yesterday"})")
                              << u"started_at"_s << QString() << qint64(0);
}

void tst_ServerProfile::jobRunFromJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorField);
    QFETCH(QString, state);
    QFETCH(qint64, durationMs);
    const Result<JobRunView> run = Connect::jobRunFromJson(QJsonDocument::fromJson(json).object());
    if (!errorField.isEmpty()) {
        QVERIFY(!run);
        QCOMPARE(run.error().file, errorField);
        return;
    }
    QVERIFY2(run, qPrintable(run ? QString() : run.error().message));
    QCOMPARE(runStateName(run->state), state);
    QCOMPARE(run->durationMs(QDateTime::currentDateTimeUtc()), durationMs);
}

void tst_ServerProfile::pipelineRunKeepsTheLatestRunOfAJob()
{
    const QJsonObject pipelineRun = QJsonDocument::fromJson(R"({"id":"7","state":"running",
        "runs":[{"id":"10","task":"extract","state":"failed"},
                {"id":"12","task":"extract","state":"running","started_at":"2026-11-26T01:00:00Z"},
                {"id":"11","task":"load","state":"waiting"}]})")
                                            .object();
    const Result<QList<JobRunView>> runs = pipelineRunFromJson(pipelineRun);
    QVERIFY(runs);
    QCOMPARE(runs->size(), 2);
    QCOMPARE(runs->at(0).job, u"extract"_s);
    QCOMPARE(runs->at(0).runId, 12);
    QCOMPARE(runs->at(0).state, RunState::Running);
    QCOMPARE(runs->at(1).job, u"load"_s);
    QVERIFY(!pipelineRunFromJson(QJsonObject{{u"id"_s, u"7"_s}}));
}

QTEST_GUILESS_MAIN(tst_ServerProfile)
#include "tst_serverprofile.moc"

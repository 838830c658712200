#include "faildevice.h"

#include <agent/resultspool.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

namespace QTest {
template<>
char *toString(const Orrery::Agent::RunOutcome &o)
{
    return qstrdup(Orrery::Agent::toJson(o).constData());
}
}  // namespace QTest

static SpooledResult sample(qint64 runId, int attempt, qint64 finishedMs,
                            RunState state = RunState::Success)
{
    SpooledResult r;
    r.runId = RunId(runId);
    r.attempt = attempt;
    r.state = state;
    r.exitCode = state == RunState::Success ? 0 : 1;
    r.startedMs = finishedMs - 1500;
    r.finishedMs = finishedMs;
    r.stdoutBytes = 123456789012ULL;
    r.stderrBytes = 7;
    r.truncated = state != RunState::Success;
    r.reason = state == RunState::Success ? QString() : u"exited with code 1 — ü"_s;
    return r;
}

static int modeOf(const QString &path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return static_cast<int>(st.st_mode & 07777);
}

static QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

class tst_ResultSpool : public QObject
{
    Q_OBJECT

private slots:
    void storeSurvivesRestartUntilAcknowledged();
    void pendingIsOldestFirst();
    void storeOverwritesSameAttempt();
    void groupSharesOneFileUntilAllAcknowledged();
    void attemptStoredAgainKeepsItsNeighbours();
    void jsonRoundTrip();
    void garbledFilesAreMovedAside_data();
    void garbledFilesAreMovedAside();
    void fullDiskLeavesPreviousFileIntact();
    void writeToFailDevice();
    void permissions();
    void openFailsOnFile();
};

void tst_ResultSpool::storeSurvivesRestartUntilAcknowledged()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(u"spool"_s);
    const SpooledResult result = sample(1234567890123456789, 3, 1700000000000);
    {
        auto spool = ResultSpool::open(dir);
        QVERIFY(spool);
        QVERIFY(spool->store(result));
        QVERIFY(QFile::exists(dir + u"/1234567890123456789-3.json"_s));
    }
    // "restart": a new spool on the same directory
    auto spool = ResultSpool::open(dir);
    QVERIFY(spool);
    ResultSpool::Pending pending = spool->pending();
    QCOMPARE(pending.errors.size(), 0);
    QCOMPARE(pending.results.size(), 1);
    QCOMPARE(pending.results.first(), result);

    QVERIFY(spool->acknowledge(result.runId, result.attempt));
    QCOMPARE(spool->pending().results.size(), 0);
    QVERIFY(!QFile::exists(spool->pathFor(result.runId, result.attempt)));
    QVERIFY(spool->acknowledge(result.runId, result.attempt));  // idempotent
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden).size(), 0);
}

void tst_ResultSpool::pendingIsOldestFirst()
{
    QTemporaryDir tmp;
    auto spool = ResultSpool::open(tmp.path());
    QVERIFY(spool);
    QVERIFY(spool->store(sample(900, 1, 3000)));
    QVERIFY(spool->store(sample(10, 1, 1000)));
    QVERIFY(spool->store(sample(500, 2, 2000, RunState::TimedOut)));
    QVERIFY(spool->store(sample(500, 1, 1000, RunState::Failed)));
    const auto pending = spool->pending();
    QCOMPARE(pending.errors.size(), 0);
    QList<QPair<qint64, int>> order;
    for (const auto &r : pending.results)
        order.append({r.runId.value(), r.attempt});
    const QList<QPair<qint64, int>> expected{{10, 1}, {500, 1}, {500, 2}, {900, 1}};
    QCOMPARE(order, expected);
}

void tst_ResultSpool::storeOverwritesSameAttempt()
{
    QTemporaryDir tmp;
    auto spool = ResultSpool::open(tmp.path());
    QVERIFY(spool);
    QVERIFY(spool->store(sample(7, 1, 1000, RunState::Failed)));
    const SpooledResult second = sample(7, 1, 2000, RunState::Cancelled);
    QVERIFY(spool->store(second));
    const auto pending = spool->pending();
    QCOMPARE(pending.results.size(), 1);
    QCOMPARE(pending.results.first(), second);
}

void tst_ResultSpool::groupSharesOneFileUntilAllAcknowledged()
{
    QTemporaryDir tmp;
    const QList<SpooledResult> group{sample(40, 1, 1000), sample(41, 2, 900, RunState::Failed),
                                     sample(42, 1, 1100)};
    {
        auto spool = ResultSpool::open(tmp.path());
        QVERIFY(spool);
        QVERIFY(spool->store(group));
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{u"40-1.json"_s});
        QVERIFY(spool->acknowledge(RunId(41), 2));
        QVERIFY(QFile::exists(tmp.filePath(u"40-1.json"_s)));
    }
    // After a restart the file still holds all three (the acknowledgement was not written
    // down): all three are re-sent, oldest first.
    auto spool = ResultSpool::open(tmp.path());
    QVERIFY(spool);
    const auto pending = spool->pending();
    QCOMPARE(pending.errors.size(), 0);
    const QList<SpooledResult> expected{group.at(1), group.at(0), group.at(2)};
    QCOMPARE(pending.results, expected);

    QVERIFY(spool->acknowledge(RunId(40), 1));
    QVERIFY(spool->acknowledge(RunId(42), 1));
    QVERIFY(QFile::exists(tmp.filePath(u"40-1.json"_s)));  // 41/2 not acknowledged since
    QVERIFY(spool->acknowledge(RunId(41), 2));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
    QCOMPARE(spool->pending().results.size(), 0);
}

void tst_ResultSpool::attemptStoredAgainKeepsItsNeighbours()
{
    QTemporaryDir tmp;
    auto spool = ResultSpool::open(tmp.path());
    QVERIFY(spool);
    QVERIFY(spool->store({sample(50, 1, 1000, RunState::Failed), sample(51, 1, 1000)}));
    // 50/1 again, alone: its file name is the group's; 51/1 must survive the replacement.
    const SpooledResult again = sample(50, 1, 2000, RunState::Cancelled);
    QVERIFY(spool->store(again));
    const auto pending = spool->pending();
    QCOMPARE(pending.errors.size(), 0);
    const QList<SpooledResult> expected{sample(51, 1, 1000), again};
    QCOMPARE(pending.results, expected);

    // Superseded in another file: the old group file goes once its other attempt is acked.
    QVERIFY(spool->store({sample(60, 1, 1000), sample(61, 1, 1000)}));
    QVERIFY(spool->store(sample(61, 1, 3000, RunState::Failed)));
    QVERIFY(spool->acknowledge(RunId(60), 1));
    QVERIFY(!QFile::exists(tmp.filePath(u"60-1.json"_s)));
    QVERIFY(QFile::exists(tmp.filePath(u"61-1.json"_s)));
    QCOMPARE(spool->pending().results.size(), 3);
}

void tst_ResultSpool::jsonRoundTrip()
{
    for (RunState state :
         {RunState::Success, RunState::Failed, RunState::TimedOut, RunState::Cancelled}) {
        const SpooledResult r = sample(99, 4, 1700000000123, state);
        auto back = runOutcomeFromJson(toJson(r));
        QVERIFY(back);
        QCOMPARE(*back, r);
    }
}

void tst_ResultSpool::garbledFilesAreMovedAside_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    const QByteArray good = toJson(sample(5, 1, 1000));
    QTest::newRow("partial") << u"5-1.json"_s << good.left(good.size() / 2);
    QTest::newRow("empty") << u"5-1.json"_s << QByteArray();
    QTest::newRow("binary") << u"5-1.json"_s << QByteArray("\x00\xff\x10garbage", 10);
    QTest::newRow("not-an-object") << u"5-1.json"_s << QByteArray("[1,2,3]");
    QTest::newRow("missing-field")
            << u"5-1.json"_s << QByteArray(R"({"format":1,"run_id":"5","attempt":1})");
    QTest::newRow("name-mismatch") << u"6-1.json"_s << good;
    QTest::newRow("bad-name") << u"hello.json"_s << good;
}

void tst_ResultSpool::garbledFilesAreMovedAside()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QTemporaryDir tmp;
    auto spool = ResultSpool::open(tmp.path());
    QVERIFY(spool);
    const SpooledResult intact = sample(8, 1, 500);
    QVERIFY(spool->store(intact));
    const QString path = tmp.filePath(name);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }

    const auto pending = spool->pending();
    QCOMPARE(pending.results.size(), 1);
    QCOMPARE(pending.results.first(), intact);
    QCOMPARE(pending.errors.size(), 1);
    QCOMPARE(pending.errors.first().file, path);
    QVERIFY(!QFile::exists(path));
    QVERIFY(QFile::exists(path + u".corrupt"_s));
    QCOMPARE(readAll(path + u".corrupt"_s), content);

    // Reported once: the next scan sees only the good result.
    const auto again = spool->pending();
    QCOMPARE(again.errors.size(), 0);
    QCOMPARE(again.results.size(), 1);
}

void tst_ResultSpool::fullDiskLeavesPreviousFileIntact()
{
    QTemporaryDir tmp;
    auto spool = ResultSpool::open(tmp.path());
    QVERIFY(spool);
    const SpooledResult first = sample(11, 1, 1000, RunState::Failed);
    QVERIFY(spool->store(first));
    const QString path = spool->pathFor(first.runId, first.attempt);
    const QByteArray before = readAll(path);
    const QStringList filesBefore = QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden);

    spool->setDeviceWrapperForTesting(
            [](QIODevice &file) { return std::make_unique<FailDevice>(40, &file); });
    const auto stored = spool->store(sample(11, 1, 2000, RunState::Success));
    QVERIFY(!stored);
    QCOMPARE(stored.error().code, ErrorCode::Io);
    QCOMPARE(stored.error().file, path);
    QVERIFY2(stored.error().message.contains(u"No space left on device"_s),
             qPrintable(stored.error().message));

    // A brand-new attempt that fails leaves no file at all.
    const auto storedNew = spool->store(sample(12, 1, 2000));
    QVERIFY(!storedNew);
    QCOMPARE(storedNew.error().file, spool->pathFor(RunId(12), 1));

    QCOMPARE(readAll(path), before);
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden), filesBefore);
    spool->setDeviceWrapperForTesting({});
    const auto pending = spool->pending();
    QCOMPARE(pending.errors.size(), 0);
    QCOMPARE(pending.results.size(), 1);
    QCOMPARE(pending.results.first(), first);
}

void tst_ResultSpool::writeToFailDevice()
{
    const SpooledResult r = sample(13, 2, 1000);
    const qint64 full = toJson(r).size();
    FailDevice tight(full - 1);
    const auto failed = ResultSpool::writeTo(tight, r);
    QVERIFY(!failed);
    QCOMPARE(failed.error().code, ErrorCode::Io);
    FailDevice roomy(full);
    QVERIFY(ResultSpool::writeTo(roomy, r));
    QCOMPARE(roomy.bytesWritten(), full);
}

void tst_ResultSpool::permissions()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(u"a/b/spool"_s);
    const mode_t oldMask = ::umask(0);
    auto spool = ResultSpool::open(dir);
    QVERIFY(spool);
    QVERIFY(spool->store(sample(14, 1, 1000)));
    ::umask(oldMask);
    QCOMPARE(modeOf(dir), 0700);
    QCOMPARE(modeOf(spool->pathFor(RunId(14), 1)), 0600);

    // An existing, too open directory is tightened.
    QVERIFY(QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                               | QFileDevice::ExeOwner | QFileDevice::ReadOther
                                               | QFileDevice::ExeOther));
    QVERIFY(ResultSpool::open(dir));
    QCOMPARE(modeOf(dir), 0700);
}

void tst_ResultSpool::openFailsOnFile()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath(u"plain"_s);
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    auto spool = ResultSpool::open(file);
    QVERIFY(!spool);
    QCOMPARE(spool.error().code, ErrorCode::Io);
    QCOMPARE(spool.error().file, file);
}

QTEST_GUILESS_MAIN(tst_ResultSpool)
#include "tst_resultspool.moc"

#include <agent/resourceprobe.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Agent;
using namespace Qt::Literals::StringLiterals;

static QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(ORRERY_TEST_DATA_DIR) + u"/proc/"_s + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

class tst_ResourceProbe : public QObject
{
    Q_OBJECT

private slots:
    void parseProcStat_data();
    void parseProcStat();
    void cpuPercent_data();
    void cpuPercent();
    void parseMemAvailable_data();
    void parseMemAvailable();
    void parseLoad1_data();
    void parseLoad1();
    void sampleFromDirectory();
    void sampleFromRealProc();
    void parseSimulatedLoad_data();
    void parseSimulatedLoad();
    void simulatedLoadReplacesNamedValues();
};

void tst_ResourceProbe::parseProcStat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<quint64>("total");
    QTest::addColumn<quint64>("idle");
    QTest::addColumn<ErrorCode>("error");
    // total = user+nice+system+idle+iowait+irq+softirq+steal (guest is inside user)
    QTest::newRow("fixture") << fixture(
            u"stat"_s) << quint64(10132153 + 290696 + 3084719 + 46828483 + 16683 + 0 + 25195 + 0)
                             << quint64(46828483 + 16683) << ErrorCode::None;
    QTest::newRow("old-kernel-4-fields")
            << QByteArray("cpu 1 2 3 4\n") << quint64(10) << quint64(4) << ErrorCode::None;
    QTest::newRow("tabs-and-spaces") << QByteArray("cpu\t1  2 3 4 5 6 7 8 100 100") << quint64(36)
                                     << quint64(9) << ErrorCode::None;
    QTest::newRow("empty") << QByteArray() << quint64(0) << quint64(0) << ErrorCode::MissingField;
    QTest::newRow("per-cpu-first")
            << QByteArray("cpu0 1 2 3 4\n") << quint64(0) << quint64(0) << ErrorCode::MissingField;
    QTest::newRow("too-few") << QByteArray("cpu 1 2 3\n") << quint64(0) << quint64(0)
                             << ErrorCode::Syntax;
    QTest::newRow("not-a-number") << QByteArray("cpu 1 2 x 4\n") << quint64(0) << quint64(0)
                                  << ErrorCode::Syntax;
    QTest::newRow("negative") << QByteArray("cpu 1 2 -3 4\n") << quint64(0) << quint64(0)
                              << ErrorCode::Syntax;
    QTest::newRow("overflow") << QByteArray("cpu 1 2 99999999999999999999999 4\n") << quint64(0)
                              << quint64(0) << ErrorCode::Syntax;
}

void tst_ResourceProbe::parseProcStat()
{
    QFETCH(QByteArray, text);
    QFETCH(quint64, total);
    QFETCH(quint64, idle);
    QFETCH(ErrorCode, error);
    const auto r = Agent::parseProcStat(text);
    if (error != ErrorCode::None) {
        QVERIFY(!r);
        QCOMPARE(r.error().code, error);
        return;
    }
    QVERIFY(r);
    QCOMPARE(r->total, total);
    QCOMPARE(r->idle, idle);
}

void tst_ResourceProbe::cpuPercent_data()
{
    QTest::addColumn<CpuTimes>("before");
    QTest::addColumn<CpuTimes>("after");
    QTest::addColumn<double>("percent");
    QTest::newRow("idle") << CpuTimes{100, 50} << CpuTimes{200, 150} << 0.0;
    QTest::newRow("busy") << CpuTimes{100, 50} << CpuTimes{200, 50} << 100.0;
    QTest::newRow("quarter") << CpuTimes{1000, 500} << CpuTimes{1400, 800} << 25.0;
    QTest::newRow("no-time-passed") << CpuTimes{100, 50} << CpuTimes{100, 50} << 0.0;
    QTest::newRow("counter-went-back") << CpuTimes{500, 50} << CpuTimes{100, 40} << 0.0;
    QTest::newRow("since-boot") << CpuTimes{} << CpuTimes{1000, 900} << 10.0;
}

void tst_ResourceProbe::cpuPercent()
{
    QFETCH(CpuTimes, before);
    QFETCH(CpuTimes, after);
    QFETCH(double, percent);
    QCOMPARE(Agent::cpuPercent(before, after), percent);
}

void tst_ResourceProbe::parseMemAvailable_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<ErrorCode>("error");
    QTest::addColumn<int>("line");
    QTest::newRow("fixture") << fixture(u"meminfo"_s) << qint64(8123456) * 1024 << ErrorCode::None
                             << 0;
    QTest::newRow("first-line") << QByteArray("MemAvailable: 1 kB") << qint64(1024)
                                << ErrorCode::None << 0;
    QTest::newRow("missing") << QByteArray("MemTotal: 1 kB\nMemFree: 1 kB\n") << qint64(0)
                             << ErrorCode::MissingField << 0;
    QTest::newRow("bad-number") << QByteArray("MemTotal: 1 kB\nMemAvailable: lots kB\n")
                                << qint64(0) << ErrorCode::Syntax << 2;
    QTest::newRow("bad-unit") << QByteArray("MemAvailable: 5 MB\n") << qint64(0)
                              << ErrorCode::Syntax << 1;
    QTest::newRow("no-value") << QByteArray("MemAvailable:\n") << qint64(0) << ErrorCode::Syntax
                              << 1;
}

void tst_ResourceProbe::parseMemAvailable()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, bytes);
    QFETCH(ErrorCode, error);
    QFETCH(int, line);
    const auto r = parseMemAvailableBytes(text);
    if (error != ErrorCode::None) {
        QVERIFY(!r);
        QCOMPARE(r.error().code, error);
        QCOMPARE(r.error().line, line);
        return;
    }
    QVERIFY(r);
    QCOMPARE(*r, bytes);
}

void tst_ResourceProbe::parseLoad1_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<double>("load");
    QTest::addColumn<ErrorCode>("error");
    QTest::newRow("fixture") << fixture(u"loadavg"_s) << 0.52 << ErrorCode::None;
    QTest::newRow("high") << QByteArray("17.25 3.00 1.00 1/1 1\n") << 17.25 << ErrorCode::None;
    QTest::newRow("empty") << QByteArray("") << 0.0 << ErrorCode::MissingField;
    QTest::newRow("garbage") << QByteArray("abc 1 2\n") << 0.0 << ErrorCode::Syntax;
    QTest::newRow("negative") << QByteArray("-1.0 1 2\n") << 0.0 << ErrorCode::Syntax;
}

void tst_ResourceProbe::parseLoad1()
{
    QFETCH(QByteArray, text);
    QFETCH(double, load);
    QFETCH(ErrorCode, error);
    const auto r = Agent::parseLoad1(text);
    if (error != ErrorCode::None) {
        QVERIFY(!r);
        QCOMPARE(r.error().code, error);
        return;
    }
    QVERIFY(r);
    QCOMPARE(*r, load);
}

static bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

void tst_ResourceProbe::sampleFromDirectory()
{
    QTemporaryDir proc;
    QVERIFY(proc.isValid());
    QVERIFY(writeFile(proc.filePath(u"stat"_s), "cpu 100 0 100 800 0 0 0 0\n"));
    QVERIFY(writeFile(proc.filePath(u"meminfo"_s), fixture(u"meminfo"_s)));
    QVERIFY(writeFile(proc.filePath(u"loadavg"_s), fixture(u"loadavg"_s)));
    ResourceProbe probe(proc.path());
    auto first = probe.sample();
    QVERIFY(first);
    QCOMPARE(first->cpuPercent, 20.0);  // since boot
    QCOMPARE(first->memAvailableBytes, qint64(8123456) * 1024);
    QCOMPARE(first->load1, 0.52);

    QVERIFY(writeFile(proc.filePath(u"stat"_s), "cpu 160 0 100 840 0 0 0 0\n"));
    auto second = probe.sample();
    QVERIFY(second);
    QCOMPARE(second->cpuPercent, 60.0);  // 60 busy of 100 ticks

    QVERIFY(writeFile(proc.filePath(u"loadavg"_s), "nonsense"));
    auto bad = probe.sample();
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::Syntax);
    QCOMPARE(bad.error().file, proc.filePath(u"loadavg"_s));

    QVERIFY(QFile::remove(proc.filePath(u"meminfo"_s)));
    auto missing = probe.sample();
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::Io);
    QCOMPARE(missing.error().file, proc.filePath(u"meminfo"_s));
}

void tst_ResourceProbe::sampleFromRealProc()
{
    ResourceProbe probe;
    auto s = probe.sample();
    QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
    QVERIFY(s->cpuPercent >= 0 && s->cpuPercent <= 100);
    QVERIFY(s->memAvailableBytes > 0);
    QVERIFY(s->load1 >= 0);
}

void tst_ResourceProbe::parseSimulatedLoad_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<SimulatedLoad>("expected");
    QTest::addColumn<ErrorCode>("error");
    QTest::addColumn<int>("column");

    const auto load = [](std::optional<double> cpu, std::optional<qint64> mem,
                         std::optional<double> load1) {
        SimulatedLoad l;
        l.cpuPercent = cpu;
        l.memAvailableBytes = mem;
        l.load1 = load1;
        return l;
    };
    QTest::newRow("empty") << QString() << SimulatedLoad{} << ErrorCode::None << 0;
    QTest::newRow("cpu") << u"cpu=95"_s << load(95.0, {}, {}) << ErrorCode::None << 0;
    QTest::newRow("all-with-spaces") << u" cpu = 72.5 , memory=512M, load=3"_s
                                     << load(72.5, qint64(512) << 20, 3.0) << ErrorCode::None << 0;
    QTest::newRow("memory-bytes") << u"memory=1000"_s << load({}, 1000, {}) << ErrorCode::None << 0;
    QTest::newRow("memory-kib") << u"memory=4K"_s << load({}, 4096, {}) << ErrorCode::None << 0;
    QTest::newRow("memory-gib") << u"memory=3G"_s << load({}, qint64(3) << 30, {})
                                << ErrorCode::None << 0;
    QTest::newRow("cpu-boundary-100")
            << u"cpu=100"_s << load(100.0, {}, {}) << ErrorCode::None << 0;
    QTest::newRow("cpu-over-100") << u"cpu=100.5"_s << SimulatedLoad{} << ErrorCode::InvalidValue
                                  << 1;
    QTest::newRow("negative-load")
            << u"cpu=1,load=-1"_s << SimulatedLoad{} << ErrorCode::InvalidValue << 7;
    QTest::newRow("bad-memory-suffix")
            << u"memory=3T"_s << SimulatedLoad{} << ErrorCode::InvalidValue << 1;
    QTest::newRow("unknown-name") << u"cpu=1,disk=5"_s << SimulatedLoad{} << ErrorCode::UnknownKey
                                  << 7;
    QTest::newRow("no-equals") << u"cpu"_s << SimulatedLoad{} << ErrorCode::Syntax << 1;
    QTest::newRow("empty-item") << u"cpu=1,,load=2"_s << SimulatedLoad{} << ErrorCode::Syntax << 7;
}

void tst_ResourceProbe::parseSimulatedLoad()
{
    QFETCH(QString, text);
    QFETCH(SimulatedLoad, expected);
    QFETCH(ErrorCode, error);
    QFETCH(int, column);
    const auto r = Orrery::Agent::parseSimulatedLoad(text);
    if (error == ErrorCode::None) {
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->cpuPercent, expected.cpuPercent);
        QCOMPARE(r->memAvailableBytes, expected.memAvailableBytes);
        QCOMPARE(r->load1, expected.load1);
    } else {
        QVERIFY(!r);
        QCOMPARE(r.error().code, error);
        QCOMPARE(r.error().line, 1);
        QCOMPARE(r.error().column, column);
    }
}

void tst_ResourceProbe::simulatedLoadReplacesNamedValues()
{
    QTemporaryDir proc;
    QVERIFY(proc.isValid());
    QVERIFY(writeFile(proc.filePath(u"stat"_s), "cpu 100 0 100 800 0 0 0 0\n"));
    QVERIFY(writeFile(proc.filePath(u"meminfo"_s), fixture(u"meminfo"_s)));
    QVERIFY(writeFile(proc.filePath(u"loadavg"_s), fixture(u"loadavg"_s)));

    ResourceProbe probe(proc.path(), u"cpu=95,memory=256M"_s);
    auto s = probe.sample();
    QVERIFY(s);
    QCOMPARE(s->cpuPercent, 95.0);
    QCOMPARE(s->memAvailableBytes, qint64(256) << 20);
    QCOMPARE(s->load1, 0.52);  // not named: measured

    ResourceProbe broken(proc.path(), u"cpu=high"_s);
    auto bad = broken.sample();
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::InvalidValue);
    QCOMPARE(bad.error().file, QString::fromLatin1(kSimulatedLoadVariable));
}

QTEST_APPLESS_MAIN(tst_ResourceProbe)
#include "tst_resourceprobe.moc"

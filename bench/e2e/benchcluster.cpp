#include "benchcluster.h"

#include <net/pki.h>
#include <net/tls.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QThread>
#include <QTimer>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>

extern char **environ;

using namespace Qt::StringLiterals;

namespace Orrery::Bench {

double spawnRatePerSecond(int count)
{
    char path[] = "/bin/true";
    char *argv[] = {path, nullptr};
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        pid_t pid = 0;
        if (posix_spawn(&pid, path, nullptr, nullptr, argv, environ) != 0)
            return 0;
        int status = 0;
        waitpid(pid, &status, 0);
    }
    return count * 1e9 / double(timer.nsecsElapsed());
}

double selfCpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0
           + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

double processCpuMs(qint64 pid)
{
    QFile f(u"/proc/%1/stat"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = f.readAll();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (fields.at(11).toDouble() + fields.at(12).toDouble()) * 1000.0 / ticks;
}

qint64 rssKiB(qint64 pid)
{
    QFile f(u"/proc/%1/status"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

MemoryBreakdown memoryBreakdown(qint64 pid)
{
    MemoryBreakdown m;
    auto kib = [](const QByteArray &line) {
        return line.mid(line.indexOf(':') + 1).trimmed().split(' ').first().toLongLong();
    };
    QFile rollup(u"/proc/%1/smaps_rollup"_s.arg(pid));
    if (!rollup.open(QIODevice::ReadOnly))
        return m;
    for (const QByteArray &line : rollup.readAll().split('\n')) {
        if (line.startsWith("Rss:"))
            m.rss = kib(line);
        else if (line.startsWith("Pss:"))
            m.pss = kib(line);
        else if (line.startsWith("Anonymous:"))
            m.anonymous = kib(line);
        else if (line.startsWith("Private_Dirty:"))
            m.privateDirty = kib(line);
    }
    QFile smaps(u"/proc/%1/smaps"_s.arg(pid));
    if (!smaps.open(QIODevice::ReadOnly))
        return m;
    QHash<QString, qint64> byFile;
    QString current;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        // A mapping's header: "start-end perms offset dev inode [path]"; then "Key: value" lines.
        const int colon = line.indexOf(':');
        const int space = line.indexOf(' ');
        if (space > 0 && (colon < 0 || colon > space)) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            current = fields.size() >= 6 ? QString::fromUtf8(fields.at(5)) : u"anonymous"_s;
        } else if (line.startsWith("Rss:")) {
            byFile[current] += kib(line);
        }
    }
    for (auto it = byFile.cbegin(); it != byFile.cend(); ++it)
        m.files.append({it.key(), it.value()});
    std::sort(m.files.begin(), m.files.end(),
              [](const auto &a, const auto &b) { return a.second > b.second; });
    return m;
}

QString formatBreakdown(const MemoryBreakdown &m, int top)
{
    QString text
            = u"RSS %1 KiB (PSS %2, anonymous %3, private dirty %4, file-backed %5)\n"_s.arg(m.rss)
                      .arg(m.pss)
                      .arg(m.anonymous)
                      .arg(m.privateDirty)
                      .arg(m.rss - m.anonymous);
    for (qsizetype i = 0; i < std::min<qsizetype>(top, m.files.size()); ++i)
        text += u"  %1 KiB  %2\n"_s.arg(m.files.at(i).second, 6).arg(m.files.at(i).first);
    return text;
}

double median(std::vector<double> values)
{
    return percentile(std::move(values), 50);
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = qsizetype(std::ceil(p / 100.0 * double(values.size()))) - 1;
    return values[size_t(std::clamp<qsizetype>(rank, 0, qsizetype(values.size()) - 1))];
}

BenchMaster::BenchMaster(const QString &dir, Master::EngineOptions options)
    : m_dir(dir), m_options(std::move(options))
{
}

BenchMaster::~BenchMaster()
{
    for (auto &p : m_agents) {
        p->terminate();
        if (!p->waitForFinished(5000))
            p->kill();
    }
}

bool BenchMaster::start(QString *error)
{
    Net::PkiOptions pki;
    pki.dir = m_dir + u"/pki"_s;
    if (auto r = Net::initPki(pki); !r) {
        *error = r.error().toString();
        return false;
    }
    auto store = Store::open(u"sqlite:"_s + m_dir + u"/orrery.db"_s, m_clock);
    if (!store) {
        *error = store.error().toString();
        return false;
    }
    m_store = std::move(*store);
    m_engine = std::make_unique<Master::Engine>(*m_store, m_clock, m_options);
    if (auto r = m_engine->start(); !r) {
        *error = r.error().toString();
        return false;
    }
    auto tls = Net::serverTlsConfiguration(
            {pki.dir + u"/master.crt"_s, pki.dir + u"/master.key"_s, {}, false});
    if (!tls) {
        *error = tls.error().toString();
        return false;
    }
    m_server = std::make_unique<Net::WssServer>(*tls, Net::ChannelOptions{});
    QObject::connect(m_server.get(), &Net::WssServer::connected, m_engine.get(),
                     [this](Net::Channel *c) { m_engine->attachAgent(c); });
    auto port = m_server->listen(QHostAddress::LocalHost, 0);
    if (!port) {
        *error = port.error().toString();
        return false;
    }
    m_port = *port;
    return true;
}

QProcess *BenchMaster::startAgent(const QString &name, int maxParallel, QString *error)
{
    const QString dir = m_dir + u"/agents/"_s + name;
    QDir().mkpath(dir);
    auto token = m_store->createEnrolToken(m_clock.now().addSecs(3600));
    if (!token) {
        *error = token.error().toString();
        return nullptr;
    }
    QFile conf(dir + u"/agent.conf"_s);
    if (!conf.open(QIODevice::WriteOnly)) {
        *error = conf.errorString();
        return nullptr;
    }
    conf.write(QStringLiteral("[agent]\nmaster_urls = wss://127.0.0.1:%1\nca_file = %2\n"
                              "node_name = %3\ndata_dir = %4\nmax_parallel = %5\n"
                              "allow_root = true\nenrol_token = %6\nlog_level = warning\n")
                       .arg(m_port)
                       .arg(m_dir + u"/pki/ca.crt"_s, name, dir)
                       .arg(maxParallel)
                       .arg(token->plaintext)
                       .toUtf8());
    conf.close();
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p->start(QStringLiteral(ORRERY_AGENT_PATH), {u"--config"_s, conf.fileName()});
    if (!p->waitForStarted(10000)) {
        *error = p->errorString();
        return nullptr;
    }
    const bool connected = waitUntil(
            [&] {
                for (const auto &n : m_engine->nodes())
                    if (n.record.name == name && n.connected)
                        return true;
                return false;
            },
            20000);
    if (!connected) {
        *error = u"agent %1 did not connect"_s.arg(name);
        return nullptr;
    }
    m_agents.push_back(std::move(p));
    return m_agents.back().get();
}

bool BenchMaster::waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    // An event loop that looks at the condition every 5 ms: blocking in poll() between, so
    // the benchmark does not burn the CPU it measures.
    if (condition())
        return true;
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (condition())
            loop.quit();
    });
    check.start(5);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return condition();
}

}  // namespace Orrery::Bench

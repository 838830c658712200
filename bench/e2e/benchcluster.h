#pragma once

// What the end-to-end benchmarks share: an in-process master (the same Engine, Store and
// TLS WebSocket server orrery-master runs) and real orrery-agent processes.

#include <master/engine/engine.h>
#include <model/clock.h>
#include <net/wssserver.h>
#include <store/store.h>

#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace Orrery::Bench {

// Serial posix_spawn + waitpid of /bin/true: the machine's bound for one-process-per-run.
double spawnRatePerSecond(int count);
// CPU time (user + system) in ms of this process / of another process (from /proc).
double selfCpuMs();
double processCpuMs(qint64 pid);
// Resident set size in KiB (VmRSS).
qint64 rssKiB(qint64 pid);

// Where a process's resident memory is (from /proc/PID/smaps_rollup and /proc/PID/smaps), in
// KiB: rss = anonymous (heap, stacks: the process's own) + file-backed pages (shared libraries
// and their relocations, locale files), and the mappings that hold the most.
struct MemoryBreakdown
{
    qint64 rss = 0;
    qint64 pss = 0;
    qint64 anonymous = 0;
    qint64 privateDirty = 0;
    QList<QPair<QString, qint64>>
            files;  // file (or [heap], [stack], anonymous) -> Rss, largest first
};
MemoryBreakdown memoryBreakdown(qint64 pid);
QString formatBreakdown(const MemoryBreakdown &m, int top);
double median(std::vector<double> values);
double percentile(std::vector<double> values, double p);

class BenchMaster
{
public:
    // dir: a fresh directory for the store, PKI and agent data.
    explicit BenchMaster(const QString &dir, Master::EngineOptions options = {});
    ~BenchMaster();
    bool start(QString *error);

    Store &store() { return *m_store; }
    Master::Engine &engine() { return *m_engine; }
    quint16 port() const { return m_port; }
    const Clock &clock() const { return m_clock; }

    // Starts an orrery-agent enrolled with a fresh token; waits until it is connected.
    QProcess *startAgent(const QString &name, int maxParallel, QString *error);
    bool waitUntil(const std::function<bool()> &condition, int timeoutMs);

private:
    QString m_dir;
    SystemClock m_clock;
    Master::EngineOptions m_options;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Master::Engine> m_engine;
    std::unique_ptr<Net::WssServer> m_server;
    std::vector<std::unique_ptr<QProcess>> m_agents;
    quint16 m_port = 0;
};

}  // namespace Orrery::Bench

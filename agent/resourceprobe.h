#pragma once

#include <model/result.h>

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Orrery::Agent {

// Cumulative CPU time from the first line of /proc/stat, in clock ticks.
struct CpuTimes
{
    quint64 total = 0;  // user + nice + system + idle + iowait + irq + softirq + steal
    quint64 idle = 0;   // idle + iowait

    friend bool operator==(const CpuTimes &, const CpuTimes &) = default;
};

// Pure parsers over the text of the /proc files (Syntax / MissingField errors on bad text).
Result<CpuTimes> parseProcStat(QByteArrayView text);
Result<qint64> parseMemAvailableBytes(QByteArrayView meminfo);  // MemAvailable, in bytes
Result<double> parseLoad1(QByteArrayView loadavg);
// Busy share of the time between two samples, 0..100; 0 when no time passed.
double cpuPercent(const CpuTimes &before, const CpuTimes &after);

struct ResourceSample
{
    double cpuPercent = 0;  // since the previous sample (since boot for the first one)
    qint64 memAvailableBytes = 0;
    double load1 = 0;
};

// For testing only: the environment variable that makes an agent report a load it does not
// have, so that end-to-end tests can show load-aware dispatch on one machine. Its value is
// a comma-separated list of any of `cpu=<percent 0..100>`, `memory=<free bytes, with an
// optional K, M or G (binary) suffix>`, `load=<load average>`, e.g. "cpu=95,memory=512M".
// Named values replace what /proc says; the others are measured as usual.
inline constexpr char kSimulatedLoadVariable[] = "ORRERY_AGENT_SIMULATED_LOAD";

struct SimulatedLoad
{
    std::optional<double> cpuPercent;
    std::optional<qint64> memAvailableBytes;
    std::optional<double> load1;

    friend bool operator==(const SimulatedLoad &, const SimulatedLoad &) = default;
};

// Syntax / InvalidValue errors with the column (1-based) of the bad item.
Result<SimulatedLoad> parseSimulatedLoad(QStringView text);
ResourceSample applySimulatedLoad(ResourceSample sample, const SimulatedLoad &load);

// Reads /proc (or a directory laid out like it, for tests). Thin: all logic is in the parsers.
class ResourceProbe final
{
public:
    // simulatedLoad: see kSimulatedLoadVariable (read from the environment by default); an
    // invalid value makes every sample() fail with its error, so a test notices at once.
    explicit ResourceProbe(QString procRoot = QStringLiteral("/proc"),
                           const QString &simulatedLoad
                           = qEnvironmentVariable(kSimulatedLoadVariable));

    Result<ResourceSample> sample();

private:
    QString m_procRoot;
    std::optional<CpuTimes> m_previous;
    Result<SimulatedLoad> m_simulated;
};

}  // namespace Orrery::Agent

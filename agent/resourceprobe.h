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

// Reads /proc (or a directory laid out like it, for tests). Thin: all logic is in the parsers.
class ResourceProbe final
{
public:
    explicit ResourceProbe(QString procRoot = QStringLiteral("/proc"));

    Result<ResourceSample> sample();

private:
    QString m_procRoot;
    std::optional<CpuTimes> m_previous;
};

}  // namespace Orrery::Agent

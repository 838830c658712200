#include "resourceprobe.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Agent {

static QList<QByteArrayView> fields(QByteArrayView line)
{
    QList<QByteArrayView> out;
    qsizetype i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const qsizetype start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            out.append(line.sliced(start, i - start));
    }
    return out;
}

static std::optional<quint64> toUInt64(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    quint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const auto digit = static_cast<quint64>(c - '0');
        if (value > (~quint64(0) - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

static QByteArrayView firstLine(QByteArrayView text)
{
    const qsizetype nl = text.indexOf('\n');
    return nl < 0 ? text : text.first(nl);
}

Result<CpuTimes> parseProcStat(QByteArrayView text)
{
    const QList<QByteArrayView> f = fields(firstLine(text));
    if (f.isEmpty() || f.first() != "cpu")
        return makeError(ErrorCode::MissingField, u"no aggregate 'cpu' line"_s, 1);
    if (f.size() < 5)  // user nice system idle at least (very old kernels stop there)
        return makeError(ErrorCode::Syntax, u"'cpu' line has too few fields"_s, 1);
    CpuTimes t;
    // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is
    // already counted in user/nice, so it is left out of the total.
    const qsizetype used = std::min<qsizetype>(f.size(), 9);
    for (qsizetype i = 1; i < used; ++i) {
        const auto v = toUInt64(f[i]);
        if (!v)
            return makeError(ErrorCode::Syntax, u"'cpu' field %1 is not a number"_s.arg(i), 1);
        t.total += *v;
        if (i == 4 || i == 5)
            t.idle += *v;
    }
    return t;
}

Result<qint64> parseMemAvailableBytes(QByteArrayView meminfo)
{
    int lineNo = 0;
    while (!meminfo.isEmpty()) {
        ++lineNo;
        const QByteArrayView line = firstLine(meminfo);
        meminfo = meminfo.sliced(std::min(meminfo.size(), line.size() + 1));
        if (!line.startsWith("MemAvailable:"))
            continue;
        const QList<QByteArrayView> f = fields(line.sliced(13));
        const auto kb = f.isEmpty() ? std::nullopt : toUInt64(f.first());
        if (!kb || (f.size() > 1 && f[1] != "kB") || *kb > quint64(1) << 50)
            return makeError(ErrorCode::Syntax, u"bad MemAvailable value"_s, lineNo);
        return static_cast<qint64>(*kb * 1024);
    }
    return makeError(ErrorCode::MissingField, u"no MemAvailable line"_s);
}

Result<double> parseLoad1(QByteArrayView loadavg)
{
    const QList<QByteArrayView> f = fields(firstLine(loadavg));
    if (f.isEmpty())
        return makeError(ErrorCode::MissingField, u"empty loadavg"_s, 1);
    bool ok = false;
    const double v = f.first().toDouble(&ok);
    if (!ok || v < 0)
        return makeError(ErrorCode::Syntax, u"bad load average"_s, 1, 1);
    return v;
}

double cpuPercent(const CpuTimes &before, const CpuTimes &after)
{
    if (after.total <= before.total)
        return 0;
    const double total = static_cast<double>(after.total - before.total);
    const double idle
            = after.idle >= before.idle ? static_cast<double>(after.idle - before.idle) : 0.0;
    return std::clamp(100.0 * (total - idle) / total, 0.0, 100.0);
}

Result<SimulatedLoad> parseSimulatedLoad(QStringView text)
{
    SimulatedLoad load;
    qsizetype start = 0;
    while (start <= text.size()) {
        qsizetype end = text.indexOf(u',', start);
        if (end < 0)
            end = text.size();
        const QStringView item = text.sliced(start, end - start).trimmed();
        const int column = static_cast<int>(start) + 1;
        start = end + 1;
        if (item.isEmpty()) {
            if (end == text.size() && text.trimmed().isEmpty())
                break;
            return makeError(ErrorCode::Syntax, u"empty item"_s, 1, column);
        }
        const qsizetype eq = item.indexOf(u'=');
        if (eq < 0)
            return makeError(ErrorCode::Syntax, u"expected name=value"_s, 1, column);
        const QStringView key = item.first(eq).trimmed();
        QStringView value = item.sliced(eq + 1).trimmed();
        bool ok = false;
        if (key == u"cpu") {
            const double v = value.toDouble(&ok);
            if (!ok || v < 0 || v > 100)
                return makeError(ErrorCode::InvalidValue, u"cpu must be 0..100"_s, 1, column);
            load.cpuPercent = v;
        } else if (key == u"memory") {
            qint64 unit = 1;
            if (value.endsWith(u'K'))
                unit = qint64(1) << 10;
            else if (value.endsWith(u'M'))
                unit = qint64(1) << 20;
            else if (value.endsWith(u'G'))
                unit = qint64(1) << 30;
            if (unit != 1)
                value.chop(1);
            const qint64 v = value.toLongLong(&ok);
            if (!ok || v < 0 || v > (qint64(1) << 50) / unit)
                return makeError(ErrorCode::InvalidValue, u"memory must be a byte count"_s, 1,
                                 column);
            load.memAvailableBytes = v * unit;
        } else if (key == u"load") {
            const double v = value.toDouble(&ok);
            if (!ok || v < 0)
                return makeError(ErrorCode::InvalidValue, u"load must be >= 0"_s, 1, column);
            load.load1 = v;
        } else {
            return makeError(ErrorCode::UnknownKey,
                             u"unknown name '%1' (cpu, memory, load)"_s.arg(key), 1, column);
        }
    }
    return load;
}

ResourceSample applySimulatedLoad(ResourceSample sample, const SimulatedLoad &load)
{
    sample.cpuPercent = load.cpuPercent.value_or(sample.cpuPercent);
    sample.memAvailableBytes = load.memAvailableBytes.value_or(sample.memAvailableBytes);
    sample.load1 = load.load1.value_or(sample.load1);
    return sample;
}

static Result<SimulatedLoad> simulatedLoadFrom(const QString &text)
{
    Result<SimulatedLoad> load = parseSimulatedLoad(text);
    if (load)
        return load;
    Error e = load.error();
    e.file = QString::fromLatin1(kSimulatedLoadVariable);
    return e;
}

ResourceProbe::ResourceProbe(QString procRoot, const QString &simulatedLoad)
    : m_procRoot(std::move(procRoot)), m_simulated(simulatedLoadFrom(simulatedLoad))
{
}

static Result<QByteArray> readProcFile(const QString &path)
{
    QFile file(path);
    // /proc files report size 0: read until EOF.
    if (!file.open(QIODevice::ReadOnly)) {
        Error e = makeError(ErrorCode::Io, file.errorString());
        e.file = path;
        return e;
    }
    return file.readAll();
}

Result<ResourceSample> ResourceProbe::sample()
{
    ResourceSample s;
    auto located = [](Error e, const QString &path) {
        e.file = path;
        return e;
    };

    const QString statPath = m_procRoot + u"/stat"_s;
    auto stat = readProcFile(statPath);
    if (!stat)
        return stat.error();
    auto cpu = parseProcStat(*stat);
    if (!cpu)
        return located(cpu.error(), statPath);
    s.cpuPercent = cpuPercent(m_previous.value_or(CpuTimes{}), *cpu);
    m_previous = *cpu;

    const QString memPath = m_procRoot + u"/meminfo"_s;
    auto mem = readProcFile(memPath);
    if (!mem)
        return mem.error();
    auto avail = parseMemAvailableBytes(*mem);
    if (!avail)
        return located(avail.error(), memPath);
    s.memAvailableBytes = *avail;

    const QString loadPath = m_procRoot + u"/loadavg"_s;
    auto load = readProcFile(loadPath);
    if (!load)
        return load.error();
    auto load1 = parseLoad1(*load);
    if (!load1)
        return located(load1.error(), loadPath);
    s.load1 = *load1;
    if (!m_simulated)
        return m_simulated.error();
    return applySimulatedLoad(s, *m_simulated);
}

}  // namespace Orrery::Agent

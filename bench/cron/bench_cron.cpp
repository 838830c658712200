// Throughput of Orrery::Cron: next/previous fire computations and parses per second on one
// core, over a mix of expressions and zones. Prints the median of several runs, e.g.
//   cron.next: median 2345678 ops/s (5 runs)

#include <cron/cronexpression.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QTimeZone>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace Orrery::Cron;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int kRuns = 5;
constexpr qint64 kRunNanos = 500'000'000;  // each run lasts about this long

const QStringList &expressions()
{
    static const QStringList list = {
            u"*/5 * * * *"_s,    u"0 2 * * *"_s,      u"30 9 * * MON-FRI"_s,   u"0 0 L * *"_s,
            u"0 0 LW * *"_s,     u"0 0 15W * *"_s,    u"0 12 * * 5L"_s,        u"0 9 * * MON#2"_s,
            u"0 0 1,15 * MON"_s, u"*/10 * * * * *"_s, u"0 */5 9-17 * * 1-5"_s, u"15 */2 * * *"_s,
            u"0 0 29 2 *"_s,     u"@hourly"_s,        u"@every 90s"_s,         u"0 0 1 JAN,JUL *"_s,
    };
    return list;
}

const QList<QTimeZone> &zones()
{
    static const QList<QTimeZone> list
            = {QTimeZone::utc(), QTimeZone("Asia/Shanghai"), QTimeZone("Europe/Berlin"),
               QTimeZone("America/New_York")};
    return list;
}

// Runs `batch` repeatedly for about kRunNanos; returns operations per second.
double measure(const std::function<qint64()> &batch)
{
    QElapsedTimer timer;
    timer.start();
    qint64 ops = 0;
    while (timer.nsecsElapsed() < kRunNanos)
        ops += batch();
    return double(ops) * 1e9 / double(timer.nsecsElapsed());
}

void report(const char *name, std::vector<double> rates)
{
    std::sort(rates.begin(), rates.end());
    std::printf("%s: median %.0f ops/s (%d runs; min %.0f, max %.0f)\n", name,
                rates[rates.size() / 2], int(rates.size()), rates.front(), rates.back());
    std::fflush(stdout);
}

volatile qint64 g_sink = 0;

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);

    std::vector<CronExpression> crons;
    for (const QTimeZone &zone : zones()) {
        for (const QString &text : expressions())
            crons.push_back(*CronExpression::parse(text, zone));
    }
    const qint64 start = 1767225600;  // 2026-01-01T00:00:00Z
    // Warm-up: builds the zone tables once, as a long-running master would have.
    for (const CronExpression &c : crons)
        g_sink = g_sink + c.nextSecs(start).value_or(0) + c.previousSecs(start).value_or(0);

    std::printf("cron.setup: %d expressions x %d zones = %d schedules\n", int(expressions().size()),
                int(zones().size()), int(crons.size()));

    // next: each schedule walks forward 64 fire times from a spread of start points.
    std::vector<double> nextRates, previousRates, parseRates, qdatetimeRates;
    qint64 offset = 0;
    for (int run = 0; run < kRuns; ++run) {
        nextRates.push_back(measure([&] {
            qint64 ops = 0;
            offset = (offset + 7919 * 61) % (366 * 86400);
            for (const CronExpression &c : crons) {
                qint64 t = start + offset;
                for (int i = 0; i < 64; ++i) {
                    const auto fire = c.nextSecs(t);
                    ++ops;
                    if (!fire)
                        break;
                    t = *fire;
                }
                g_sink = g_sink + t;
            }
            return ops;
        }));
    }
    report("cron.next", nextRates);

    for (int run = 0; run < kRuns; ++run) {
        previousRates.push_back(measure([&] {
            qint64 ops = 0;
            offset = (offset + 7919 * 61) % (366 * 86400);
            for (const CronExpression &c : crons) {
                qint64 t = start + offset;
                for (int i = 0; i < 64; ++i) {
                    const auto fire = c.previousSecs(t);
                    ++ops;
                    if (!fire)
                        break;
                    t = *fire;
                }
                g_sink = g_sink + t;
            }
            return ops;
        }));
    }
    report("cron.previous", previousRates);

    for (int run = 0; run < kRuns; ++run) {
        parseRates.push_back(measure([&] {
            qint64 ops = 0;
            for (const QTimeZone &zone : zones()) {
                for (const QString &text : expressions()) {
                    const auto parsed = CronExpression::parse(text, zone);
                    g_sink = g_sink + (parsed ? 1 : 0);
                    ++ops;
                }
            }
            return ops;
        }));
    }
    report("cron.parse", parseRates);

    // The QDateTime API edge (conversion in and out of the zone) for comparison.
    for (int run = 0; run < kRuns; ++run) {
        qdatetimeRates.push_back(measure([&] {
            qint64 ops = 0;
            const QDateTime from = QDateTime::fromSecsSinceEpoch(start + offset, Qt::UTC);
            for (const CronExpression &c : crons) {
                const auto fire = c.next(from);
                g_sink = g_sink + (fire ? fire->toSecsSinceEpoch() : 0);
                ++ops;
            }
            return ops;
        }));
    }
    report("cron.next_qdatetime", qdatetimeRates);
    return 0;
}

// Scale: fire latency with 100,000 cron jobs, a burst of 1,000 jobs on one second, and memory
// (agent idle RSS; master RSS with 100,000 jobs and 1,000 simulated agents over TLS).
//
//   bench_scale [--jobs 100000] [--seconds 60] [--burst 1000] [--agents 1000]
//               [--predispatch-ms 0]
//   bench_scale --simulate-agents N --url wss://... --ca FILE --tokens FILE   (load generator)
//
// The master is the engine in this process (the same Engine, Store and TLS WebSocket server
// as orrery-master); the agent that runs the jobs is a real orrery-agent process. Latency =
// the instant the job was scheduled for -> the child process started on the agent (the
// agent's run.started time; both processes read the same system clock), for every fire
// scheduled inside a window of --seconds that starts once the runs that fell due while the
// jobs were being registered (which blocks the event loop) have been dealt with.

#include "benchcluster.h"

#include <net/tls.h>
#include <net/wssclient.h>
#include <protocol/messages.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <limits>

using namespace Qt::StringLiterals;
using namespace Orrery;

namespace {

// ---- load generator: N agents that enrol, say hello and send heartbeats ----------------------

int simulateAgents(int count, const QUrl &url, const QString &ca, const QString &tokensFile)
{
    QFile f(tokensFile);
    if (!f.open(QIODevice::ReadOnly))
        return 1;
    const QList<QByteArray> tokens = f.readAll().trimmed().split('\n');
    auto tls = Net::clientTlsConfiguration({ca, {}, {}});
    if (!tls || tokens.size() < count)
        return 1;
    auto *welcomed = new int(0);  // lives as long as the process
    for (int i = 0; i < count; ++i) {
        auto *client = new Net::WssClient({url}, *tls, Net::ChannelOptions{}, Net::Backoff{}, qApp);
        const QString name = u"sim-%1"_s.arg(i, 4, 10, QChar(u'0'));
        const QString token = QString::fromUtf8(tokens.at(i));
        auto *credential = new QString;
        auto *heartbeat = new QTimer(client);
        QObject::connect(heartbeat, &QTimer::timeout, client, [client] {
            if (Net::Channel *c = client->channel()) {
                Protocol::HeartbeatBody hb;
                hb.cpuPercent = 12.5;
                hb.freeMemoryBytes = 8LL << 30;
                hb.load1 = 0.5;
                hb.clockMs = QDateTime::currentMSecsSinceEpoch();
                c->send(hb);
            }
        });
        auto hello = [name, credential](Net::Channel *c) {
            Protocol::HelloBody h;
            h.nodeName = name;
            h.agentVersion = u"sim"_s;
            h.maxParallel = 4;
            h.credential = *credential;
            c->send(h);
        };
        QObject::connect(client, &Net::WssClient::connected, client, [=](Net::Channel *c) {
            QObject::connect(c, &Net::Channel::received, client, [=](const Protocol::Envelope &m) {
                if (m.type == Protocol::EnrolledBody::type()) {
                    *credential = Protocol::bodyOf<Protocol::EnrolledBody>(m)->credential;
                    hello(c);
                } else if (m.type == Protocol::WelcomeBody::type()) {
                    heartbeat->start(10000);
                    if (++*welcomed == count)
                        std::printf("simulated agents: %d connected\n", count);
                    std::fflush(stdout);
                }
            });
            if (credential->isEmpty()) {
                Protocol::EnrolBody e;
                e.token = token;
                e.nodeName = name;
                e.hostname = name;
                c->send(e);
            } else {
                hello(c);
            }
        });
        client->start();
    }
    return QCoreApplication::exec();
}

// ---- the measurements -------------------------------------------------------------------------

struct Latencies
{
    std::vector<double> ms;  // scheduled instant -> child started
};

bool createJobs(Bench::BenchMaster &m, int count, const std::function<QString(int)> &schedule,
                const QString &prefix, QString *error)
{
    constexpr int kBatch = 2000;
    for (int i = 0; i < count; i += kBatch) {
        if (auto r = m.store().beginBatch(); !r) {
            *error = r.error().toString();
            return false;
        }
        for (int j = i; j < std::min(count, i + kBatch); ++j) {
            Job job;
            job.name = prefix + QString::number(j);
            job.command = u"true"_s;
            job.schedule = schedule(j);
            job.timeZone = u"UTC"_s;
            if (auto r = m.engine().createJob(job, {u"bench"_s, {}}); !r) {
                m.store().rollbackBatch();
                *error = r.error().toString();
                return false;
            }
        }
        if (auto r = m.store().commitBatch(); !r) {
            *error = r.error().toString();
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Orrery scale: fire latency, burst, memory"_s);
    parser.addHelpOption();
    parser.addOption({u"jobs"_s, u"Cron jobs registered."_s, u"N"_s, u"100000"_s});
    parser.addOption({u"seconds"_s, u"How long fire latency is sampled."_s, u"S"_s, u"60"_s});
    parser.addOption({u"burst"_s, u"Jobs that fire on the same second."_s, u"N"_s, u"1000"_s});
    parser.addOption(
            {u"agents"_s, u"Simulated agents for the memory figure."_s, u"N"_s, u"1000"_s});
    parser.addOption({u"predispatch-ms"_s,
                      u"Pre-dispatch lead (master.yaml scheduling.predispatch_ms), 0 = off."_s,
                      u"MS"_s, u"0"_s});
    parser.addOption({u"simulate-agents"_s, u"Load generator mode."_s, u"N"_s});
    parser.addOption({u"url"_s, u"Load generator: master URL."_s, u"URL"_s});
    parser.addOption({u"ca"_s, u"Load generator: CA file."_s, u"FILE"_s});
    parser.addOption(
            {u"tokens"_s, u"Load generator: enrolment tokens, one per line."_s, u"FILE"_s});
    parser.process(app);
    if (parser.isSet(u"simulate-agents"_s))
        return simulateAgents(parser.value(u"simulate-agents"_s).toInt(),
                              QUrl(parser.value(u"url"_s)), parser.value(u"ca"_s),
                              parser.value(u"tokens"_s));

    const int jobCount = parser.value(u"jobs"_s).toInt();
    const int seconds = parser.value(u"seconds"_s).toInt();
    const int burst = parser.value(u"burst"_s).toInt();
    const int simulated = parser.value(u"agents"_s).toInt();

    Master::EngineOptions options;
    options.predispatch.leadMs = parser.value(u"predispatch-ms"_s).toLongLong();
    std::printf("pre-dispatch lead: %lld ms\n", options.predispatch.leadMs);
    QTemporaryDir dir;
    Bench::BenchMaster master(dir.path(), options);
    QString error;
    if (!master.start(&error)) {
        std::fprintf(stderr, "bench_scale: %s\n", qPrintable(error));
        return 1;
    }
    const qint64 baseRss = Bench::rssKiB(QCoreApplication::applicationPid());
    QProcess *agent = master.startAgent(u"runner"_s, 64, &error);
    if (!agent) {
        std::fprintf(stderr, "bench_scale: %s\n", qPrintable(error));
        return 1;
    }
    // Idle agent RSS: connected, heartbeating, nothing to run.
    master.waitUntil([] { return false; }, 2000);
    const qint64 agentIdleRss = Bench::rssKiB(agent->processId());
    std::printf("agent idle RSS: %.1f MB\n", double(agentIdleRss) / 1024.0);
    std::printf("agent %s",
                qPrintable(Bench::formatBreakdown(Bench::memoryBreakdown(agent->processId()), 12)));
    std::fflush(stdout);

    // Latency samples: the start of every run scheduled inside the sampling window.
    Latencies latencies;
    qint64 sampleFromMs = std::numeric_limits<qint64>::max();
    qint64 sampleToMs = std::numeric_limits<qint64>::max();
    QHash<RunId, bool> seen;
    qint64 burstSecondMs = 0;
    qint64 lastBurstStartMs = 0;
    int burstStarted = 0;
    const QString burstPrefix = u"burst_"_s;
    QObject::connect(&master.engine(), &Master::Engine::runChanged, &master.engine(),
                     [&](const RunRecord &r) {
                         if (r.run.state() != RunState::Running || !r.scheduledAt.isValid()
                             || seen.contains(r.run.id()))
                             return;
                         seen.insert(r.run.id(), true);
                         const qint64 started
                                 = r.run.currentAttempt().startedAt.toMSecsSinceEpoch();
                         if (r.run.jobName().startsWith(burstPrefix)) {
                             ++burstStarted;
                             lastBurstStartMs = std::max(lastBurstStartMs, started);
                             return;
                         }
                         const qint64 scheduled = r.scheduledAt.toMSecsSinceEpoch();
                         if (scheduled >= sampleFromMs && scheduled < sampleToMs)
                             latencies.ms.push_back(double(started - scheduled));
                     });

    // 100,000 jobs, each twice an hour at its own second: about 55 fires per second.
    QElapsedTimer t;
    t.start();
    if (!createJobs(
                master, jobCount,
                [](int i) {
                    const int second = i % 60;
                    const int minute = (i / 60) % 30;
                    return u"%1 %2,%3 * * * *"_s.arg(second).arg(minute).arg(minute + 30);
                },
                u"job_"_s, &error)) {
        std::fprintf(stderr, "bench_scale: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("registered %d cron jobs in %.1f s; master RSS %.1f MB\n", jobCount,
                double(t.elapsed()) / 1000.0,
                double(Bench::rssKiB(QCoreApplication::applicationPid())) / 1024.0);
    std::fflush(stdout);

    if (seconds > 0) {
        // Registering blocks the event loop, so the fires that fell due meanwhile are all
        // handled late, at once. Let that backlog drain (less than a second's worth of runs
        // still active), then sample only the fires scheduled from the next second on.
        // The machine's spawn rate now (it blocks the event loop, so before the window).
        const double spawnRate = Bench::spawnRatePerSecond(300);
        QElapsedTimer drain;
        drain.start();
        master.waitUntil([] { return false; }, 2000);  // the fire timer's first turns
        // With pre-dispatch, the runs of the next `lead` ms are active (held) as well.
        const qint64 held = qint64(
                std::ceil(double(jobCount) / 1800.0 * double(options.predispatch.leadMs) / 1000.0));
        master.waitUntil([&] { return master.engine().activeRunCount() <= 60 + held; }, 120000);
        sampleFromMs = (QDateTime::currentMSecsSinceEpoch() / 1000 + 1) * 1000;
        sampleToMs = sampleFromMs + qint64(seconds) * 1000;
        // The fires the window holds: job i fires at second i % 60 of minutes m and m + 30,
        // m = (i / 60) % 30.
        qint64 expected = 0;
        for (qint64 at = sampleFromMs / 1000; at < sampleToMs / 1000; ++at) {
            const int second = int(at % 60);
            const int minute = int((at / 60) % 30);
            for (qint64 i = 60LL * minute + second; i < jobCount; i += 60LL * 30)
                ++expected;
        }
        std::printf("backlog of the registration drained in %.1f s; serial posix_spawn %.0f/s\n",
                    double(drain.elapsed()) / 1000.0, spawnRate);
        std::fflush(stdout);
        // Wait for the window, then up to 30 s more for its last runs to start.
        master.waitUntil([] { return false; },
                         int(sampleToMs - QDateTime::currentMSecsSinceEpoch()));
        master.waitUntil([&] { return qint64(latencies.ms.size()) >= expected; }, 30000);
        const size_t samples = latencies.ms.size();
        std::printf(
                "fire latency over %d s (%zu of %lld fires started, %.1f/s): p50 %.1f ms, "
                "p99 %.1f ms, max %.1f ms\n",
                seconds, samples, expected, double(expected) / seconds, Bench::median(latencies.ms),
                Bench::percentile(latencies.ms, 99), Bench::percentile(latencies.ms, 100));
        std::fflush(stdout);
    }

    // A burst: `burst` jobs all due at the same second, a few seconds from now.
    if (burst > 0) {
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(5);
        burstSecondMs = at.toSecsSinceEpoch() * 1000;
        const QString cron = u"%1 %2 %3 * * *"_s.arg(at.time().second())
                                     .arg(at.time().minute())
                                     .arg(at.time().hour());
        if (!createJobs(
                    master, burst, [&](int) { return cron; }, burstPrefix, &error)) {
            std::fprintf(stderr, "bench_scale: %s\n", qPrintable(error));
            return 1;
        }
        master.waitUntil([&] { return burstStarted >= burst; }, 120000);
        const double spawnBoundMs = burst * 1000.0 / Bench::spawnRatePerSecond(1000);
        std::printf(
                "burst of %d jobs on one second: last child started %.0f ms after the "
                "second (%d started); serial spawn bound %.0f ms\n",
                burst, double(lastBurstStartMs - burstSecondMs), burstStarted, spawnBoundMs);
        std::fflush(stdout);
    }

    // Memory with simulated agents: the master holds jobCount + burst jobs now.
    if (simulated > 0) {
        QFile tokens(dir.filePath(u"tokens"_s));
        if (!tokens.open(QIODevice::WriteOnly))
            return 1;
        (void)master.store().beginBatch();
        for (int i = 0; i < simulated; ++i)
            tokens.write(master.store()
                                 .createEnrolToken(QDateTime::currentDateTimeUtc().addSecs(3600))
                                 ->plaintext.toUtf8()
                         + '\n');
        (void)master.store().commitBatch();
        tokens.close();
        QProcess loadgen;
        loadgen.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        loadgen.start(QCoreApplication::applicationFilePath(),
                      {u"--simulate-agents"_s, QString::number(simulated), u"--url"_s,
                       u"wss://127.0.0.1:%1"_s.arg(master.port()), u"--ca"_s,
                       dir.filePath(u"pki/ca.crt"_s), u"--tokens"_s, tokens.fileName()});
        const bool all = master.waitUntil(
                [&] {
                    int connected = 0;
                    for (const auto &n : master.engine().nodes())
                        connected += n.connected;
                    return connected >= simulated + 1;
                },
                300000);
        master.waitUntil([] { return false; }, 3000);
        int connected = 0;
        for (const auto &n : master.engine().nodes())
            connected += n.connected;
        const qint64 rss = Bench::rssKiB(QCoreApplication::applicationPid());
        std::printf(
                "master RSS with %d jobs and %d connected agents (%s): %.1f MB (%.1f MB at "
                "start)\n",
                jobCount + burst, connected, all ? "all" : "not all", double(rss) / 1024.0,
                double(baseRss) / 1024.0);
        loadgen.kill();
        loadgen.waitForFinished();
    }
    return 0;
}

// End-to-end throughput: N trivial runs (/bin/true) through the master's engine (store, fire
// queue, dispatch, TLS WebSocket) to a real orrery-agent process and back to a stored result,
// next to the machine's serial posix_spawn rate. Every state change is committed to SQLite
// (WAL, synchronous=FULL) before anything that depends on it is sent.
//
//   bench_throughput [--runs N] [--rounds R] [--parallel P] [--batch B]
//
// The runs are submitted with Engine::runJobs, B runs per call (each call is one transaction,
// answered once it is on disk); the clock runs from the first submission to the last stored
// result.

#include "benchcluster.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace Orrery;

namespace {

struct Round
{
    double runsPerSecond = 0;
    double masterCpuMsPerRun = 0;
    double agentCpuMsPerRun = 0;
};

std::optional<Round> runRound(int runs, int parallel, int batch, QString *error)
{
    QTemporaryDir dir;
    Master::EngineOptions options;
    Bench::BenchMaster master(dir.path(), options);
    if (!master.start(error))
        return std::nullopt;
    QProcess *agent = master.startAgent(u"bench-agent"_s, parallel, error);
    if (!agent)
        return std::nullopt;
    Job job;
    job.name = u"true"_s;
    job.command = u"/bin/true"_s;
    job.concurrency = ConcurrencyPolicy::Allow;
    auto created = master.engine().createJob(job, {u"bench"_s, {}});
    if (!created) {
        *error = created.error().toString();
        return std::nullopt;
    }
    const JobId id = created->job.id;

    int finished = 0;
    int succeeded = 0;
    QObject::connect(&master.engine(), &Master::Engine::runChanged, &master.engine(),
                     [&](const RunRecord &r) {
                         if (isFinal(r.run.state())) {
                             ++finished;
                             succeeded += r.run.state() == RunState::Success;
                         }
                     });
    auto submit = [&](int count) -> bool {
        finished = 0;
        succeeded = 0;
        QElapsedTimer submitTimer;
        submitTimer.start();
        // runJobs: each call creates its runs in one transaction (one disk flush).
        const int perCall = batch > 0 ? batch : count;
        for (int done = 0; done < count; done += perCall) {
            const QList<JobId> ids(std::min(perCall, count - done), id);
            if (auto r = master.engine().runJobs(ids, {u"bench"_s, {}}); !r) {
                *error = r.error().toString();
                return false;
            }
        }
        std::fprintf(stderr, "submitted %d runs in %lld ms\n", count,
                     qint64(submitTimer.elapsed()));
        return master.waitUntil([&] { return finished >= count; }, 600000);
    };
    // Warm up: TLS session, page cache, SQLite statement cache.
    if (!submit(200))
        return std::nullopt;

    const double masterCpu0 = Bench::selfCpuMs();
    const double agentCpu0 = Bench::processCpuMs(agent->processId());
    QElapsedTimer timer;
    timer.start();
    if (!submit(runs)) {
        if (error->isEmpty())
            *error = u"only %1 of %2 runs ended"_s.arg(finished).arg(runs);
        return std::nullopt;
    }
    const double secs = double(timer.nsecsElapsed()) / 1e9;
    if (succeeded != runs) {
        *error = u"%1 of %2 runs did not succeed"_s.arg(runs - succeeded).arg(runs);
        return std::nullopt;
    }
    // Every result is in the store.
    auto stored = master.store().listRunsByJob(id, runs + 200);
    if (!stored || stored->size() != runs + 200) {
        *error = u"the store does not hold every run"_s;
        return std::nullopt;
    }
    Round r;
    r.runsPerSecond = runs / secs;
    r.masterCpuMsPerRun = (Bench::selfCpuMs() - masterCpu0) / runs;
    r.agentCpuMsPerRun = (Bench::processCpuMs(agent->processId()) - agentCpu0) / runs;
    return r;
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Orrery end-to-end run throughput"_s);
    parser.addHelpOption();
    parser.addOption({u"runs"_s, u"Runs per round."_s, u"N"_s, u"5000"_s});
    parser.addOption({u"rounds"_s, u"Rounds (the median is reported)."_s, u"R"_s, u"3"_s});
    parser.addOption({u"parallel"_s, u"The agent's max_parallel."_s, u"P"_s, u"16"_s});
    parser.addOption({u"batch"_s,
                      u"Runs submitted per Engine::runJobs call, each one transaction (0: all "
                      u"of a round's runs in one call)."_s,
                      u"B"_s, u"0"_s});
    parser.process(app);
    const int runs = parser.value(u"runs"_s).toInt();
    const int rounds = parser.value(u"rounds"_s).toInt();
    const int parallel = parser.value(u"parallel"_s).toInt();
    const int batch = parser.value(u"batch"_s).toInt();

    std::vector<double> spawn;
    std::vector<double> rate;
    std::vector<double> masterCpu;
    std::vector<double> agentCpu;
    for (int i = 0; i < rounds; ++i) {
        spawn.push_back(Bench::spawnRatePerSecond(2000));
        QString error;
        const auto r = runRound(runs, parallel, batch, &error);
        if (!r) {
            std::fprintf(stderr, "bench_throughput: %s\n", qPrintable(error));
            return 1;
        }
        rate.push_back(r->runsPerSecond);
        masterCpu.push_back(r->masterCpuMsPerRun);
        agentCpu.push_back(r->agentCpuMsPerRun);
        std::printf("round %d: %.0f runs/s (spawn %.0f/s), master %.3f CPU-ms/run, agent %.3f "
                    "CPU-ms/run\n",
                    i + 1, r->runsPerSecond, spawn.back(), r->masterCpuMsPerRun,
                    r->agentCpuMsPerRun);
        std::fflush(stdout);
    }
    const double medianRate = Bench::median(rate);
    const double medianSpawn = Bench::median(spawn);
    std::printf("throughput (median of %d x %d runs, max_parallel %d, %d runs per submission): "
                "%.0f runs/s; serial posix_spawn %.0f/s; ratio %.2f; master %.3f CPU-ms/run; agent "
                "%.3f CPU-ms/run\n",
                rounds, runs, parallel, batch > 0 ? batch : runs, medianRate, medianSpawn, medianRate / medianSpawn,
                Bench::median(masterCpu), Bench::median(agentCpu));
    return 0;
}

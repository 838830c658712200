// A 1,000-job pipeline end to end: a random DAG (fixed seed, about 1.5 dependency edges per
// job, trivial commands) applied as a pipeline file to the master's engine in this process
// (the same Engine, Store and TLS WebSocket server as orrery-master) and run by a real
// orrery-agent process, from the root job's manual run to the last job's stored result.
//
//   bench_pipeline [--jobs 1000] [--edges 1.5] [--window 40] [--seed 1] [--rounds 3]
//                  [--parallel 16] [--command /bin/true] [--verbose]
//
// Each round uses a fresh master (store, PKI) and agent; the median of the rounds is reported.
//
// Figures, per round:
//   total        wall time from Engine::runJob(root) to the last job's final state
//   depth        jobs on the longest dependency chain (the critical path counted in jobs)
//   in-job time  the time spent inside jobs along the critical path: the largest sum of
//                (finished_at - started_at) of the runs over any dependency chain, with the
//                times the runs recorded
//   overhead     (total - in-job time) / jobs: the wall time not explained by the jobs that
//                had to run one after the other, shared out over all jobs; and the same
//                divided by the depth, which is the delay the scheduler adds per dependency
//                step (an upstream run's end -> its downstream run's start, and the dispatch)

#include "benchcluster.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <cstdio>
#include <random>

using namespace Qt::StringLiterals;
using namespace Orrery;

namespace {

struct Dag
{
    // deps[i]: the jobs job i depends on (all < i, so the index order is topological).
    std::vector<std::vector<int>> deps;
    int edges = 0;
    int depth = 0;  // jobs on the longest chain
};

QString jobName(int i)
{
    return u"j%1"_s.arg(i, 4, 10, QChar(u'0'));
}

// Job 0 is the only root; every other job depends on one or two earlier jobs drawn from the
// `window` jobs before it (local edges, like real pipelines, give a long critical path);
// a second dependency with probability `edgesPerJob - 1`.
Dag randomDag(int jobs, double edgesPerJob, int window, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> coin(0, 1);
    Dag dag;
    dag.deps.resize(size_t(jobs));
    std::vector<int> level(size_t(jobs), 1);
    for (int i = 1; i < jobs; ++i) {
        std::uniform_int_distribution<int> pick(std::max(0, i - window), i - 1);
        auto &d = dag.deps[size_t(i)];
        d.push_back(pick(rng));
        if (i >= 2 && coin(rng) < edgesPerJob - 1.0) {
            int second = pick(rng);
            while (second == d.front())
                second = pick(rng);
            d.push_back(second);
        }
        for (int p : d)
            level[size_t(i)] = std::max(level[size_t(i)], level[size_t(p)] + 1);
        dag.edges += int(d.size());
    }
    dag.depth = *std::max_element(level.begin(), level.end());
    return dag;
}

QByteArray pipelineYaml(const Dag &dag, const QString &command)
{
    QByteArray y = "name: bench_pipeline\npipeline:\n";
    for (size_t i = 0; i < dag.deps.size(); ++i) {
        y += "  - name: " + jobName(int(i)).toUtf8() + "\n";
        y += "    command: " + command.toUtf8() + "\n";
        if (dag.deps[i].empty()) {
            y += "    dependencies: []\n";
            continue;
        }
        y += "    dependencies:\n";
        for (int p : dag.deps[i])
            y += "      - task: " + jobName(p).toUtf8() + "\n        status: success\n";
    }
    return y;
}

struct Round
{
    double totalMs = 0;
    double inJobMs = 0;  // along the critical path
    double masterCpuMs = 0;
    double agentCpuMs = 0;
};

std::optional<Round> runRound(const Dag &dag, const QString &command, int parallel, QString *error)
{
    QTemporaryDir dir;
    Bench::BenchMaster master(dir.path());
    if (!master.start(error))
        return std::nullopt;
    QProcess *agent = master.startAgent(u"bench-agent"_s, parallel, error);
    if (!agent)
        return std::nullopt;
    const Master::Actor actor{u"bench"_s, {}};
    auto applied = master.engine().applyYaml(pipelineYaml(dag, command), u"bench_pipeline.yaml"_s,
                                             actor);
    if (!applied) {
        *error = applied.error().toString();
        return std::nullopt;
    }
    const int jobs = int(dag.deps.size());
    if (applied->size() != jobs) {
        *error = u"the master made %1 jobs of %2"_s.arg(applied->size()).arg(jobs);
        return std::nullopt;
    }
    auto root = master.engine().findJob(jobName(0));
    if (!root) {
        *error = root.error().toString();
        return std::nullopt;
    }

    // The final record of every run, by job name.
    QHash<QString, RunRecord> ended;
    QElapsedTimer timer;
    qint64 lastEndNs = 0;
    QObject::connect(&master.engine(), &Master::Engine::runChanged, &master.engine(),
                     [&](const RunRecord &r) {
                         if (isFinal(r.run.state()) && !ended.contains(r.run.jobName())) {
                             ended.insert(r.run.jobName(), r);
                             lastEndNs = timer.nsecsElapsed();
                         }
                     });
    const double masterCpu0 = Bench::selfCpuMs();
    const double agentCpu0 = Bench::processCpuMs(agent->processId());
    timer.start();
    if (auto r = master.engine().runJob(root->job.id, actor); !r) {
        *error = r.error().toString();
        return std::nullopt;
    }
    if (!master.waitUntil([&] { return ended.size() >= jobs; }, 600000)) {
        *error = u"only %1 of %2 jobs ended within 10 minutes"_s.arg(ended.size()).arg(jobs);
        return std::nullopt;
    }
    Round round;
    round.totalMs = double(lastEndNs) / 1e6;
    round.masterCpuMs = Bench::selfCpuMs() - masterCpu0;
    round.agentCpuMs = Bench::processCpuMs(agent->processId()) - agentCpu0;

    // The time inside jobs along the critical path: longest chain weighted by each run's
    // recorded duration (index order is topological).
    std::vector<double> chain(size_t(jobs), 0);
    for (int i = 0; i < jobs; ++i) {
        const RunRecord &r = ended.value(jobName(i));
        if (r.run.state() != RunState::Success) {
            *error = u"job %1 ended %2"_s.arg(jobName(i), runStateName(r.run.state()));
            return std::nullopt;
        }
        const Attempt &a = r.run.currentAttempt();
        const double ms = double(a.startedAt.msecsTo(a.finishedAt));
        double before = 0;
        for (int p : dag.deps[size_t(i)])
            before = std::max(before, chain[size_t(p)]);
        chain[size_t(i)] = before + std::max(0.0, ms);
    }
    round.inJobMs = *std::max_element(chain.begin(), chain.end());
    return round;
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Orrery: a random 1,000-job pipeline end to end"_s);
    parser.addHelpOption();
    parser.addOption({u"jobs"_s, u"Jobs in the pipeline."_s, u"N"_s, u"1000"_s});
    parser.addOption({u"edges"_s, u"Dependency edges per job (1 to 2)."_s, u"E"_s, u"1.5"_s});
    parser.addOption(
            {u"window"_s, u"A job depends on jobs among the W before it."_s, u"W"_s, u"40"_s});
    parser.addOption({u"seed"_s, u"Random seed of the DAG."_s, u"S"_s, u"1"_s});
    parser.addOption({u"rounds"_s, u"Rounds (the median is reported)."_s, u"R"_s, u"3"_s});
    parser.addOption({u"parallel"_s, u"The agent's max_parallel."_s, u"P"_s, u"16"_s});
    parser.addOption({u"command"_s, u"Every job's command."_s, u"CMD"_s, u"/bin/true"_s});
    parser.addOption({u"verbose"_s, u"Keep the engine's info log (a line per job)."_s});
    parser.process(app);
    if (!parser.isSet(u"verbose"_s))
        QLoggingCategory::setFilterRules(u"orrery.*.info=false"_s);
    const int jobs = parser.value(u"jobs"_s).toInt();
    const double edges = parser.value(u"edges"_s).toDouble();
    const int window = parser.value(u"window"_s).toInt();
    const int rounds = parser.value(u"rounds"_s).toInt();
    const int parallel = parser.value(u"parallel"_s).toInt();
    const QString command = parser.value(u"command"_s);
    if (jobs < 2 || edges < 1 || edges > 2 || window < 2 || rounds < 1 || parallel < 1) {
        std::fprintf(stderr, "bench_pipeline: bad arguments\n");
        return 2;
    }
    const Dag dag = randomDag(jobs, edges, window, parser.value(u"seed"_s).toUInt());
    std::printf(
            "DAG: %d jobs, %d edges (%.2f per job), one root, depth %d jobs (seed %u, "
            "window %d); agent max_parallel %d; command %s\n",
            jobs, dag.edges, double(dag.edges) / jobs, dag.depth, parser.value(u"seed"_s).toUInt(),
            window, parallel, qPrintable(command));
    std::fflush(stdout);

    std::vector<double> total;
    std::vector<double> inJob;
    std::vector<double> perJob;
    std::vector<double> perStep;
    std::vector<double> masterCpu;
    std::vector<double> agentCpu;
    for (int i = 0; i < rounds; ++i) {
        QString error;
        const auto r = runRound(dag, command, parallel, &error);
        if (!r) {
            std::fprintf(stderr, "bench_pipeline: %s\n", qPrintable(error));
            return 1;
        }
        total.push_back(r->totalMs);
        inJob.push_back(r->inJobMs);
        perJob.push_back((r->totalMs - r->inJobMs) / jobs);
        perStep.push_back((r->totalMs - r->inJobMs) / dag.depth);
        masterCpu.push_back(r->masterCpuMs);
        agentCpu.push_back(r->agentCpuMs);
        std::printf(
                "round %d: total %.0f ms, in jobs on the critical path %.0f ms, overhead "
                "%.2f ms/job (%.1f ms per dependency step), master CPU %.0f ms, agent CPU "
                "%.0f ms\n",
                i + 1, r->totalMs, r->inJobMs, perJob.back(), perStep.back(), r->masterCpuMs,
                r->agentCpuMs);
        std::fflush(stdout);
    }
    std::printf(
            "median of %d rounds: total %.0f ms; critical path %d jobs, %.0f ms inside them; "
            "scheduling overhead %.2f ms per job = (total - in-job time on the critical "
            "path) / %d jobs, or %.1f ms per dependency step (/ depth %d); master CPU %.2f "
            "ms/job, agent CPU %.2f ms/job\n",
            rounds, Bench::median(total), dag.depth, Bench::median(inJob), Bench::median(perJob),
            jobs, Bench::median(perStep), dag.depth, Bench::median(masterCpu) / jobs,
            Bench::median(agentCpu) / jobs);
    return 0;
}

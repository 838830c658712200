#include "dag.h"

#include "condition.h"

#include <model/spelling.h>

#include <QCoreApplication>
#include <QSet>

#include <algorithm>
#include <functional>
#include <queue>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Dag {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Dag)
};

// upstream -> downstream: jobs[to].dependencies[dep] names jobs[from].
struct Edge
{
    int from = -1;
    int to = -1;
    int dep = -1;
};

// The dependency graph over the first job of each name. Self dependencies, unknown
// dependencies, repeated dependencies and the dependencies of later jobs of a used name are
// not edges, so every search below runs on a simple graph.
struct Graph
{
    explicit Graph(const Pipeline &pipeline);

    bool isNode(int job) const { return firstOfName.at(job); }
    int nodeCount() const { return int(firstOfName.size()); }

    QHash<QString, int> index;       // name -> first job of that name
    std::vector<bool> firstOfName;   // per job index
    std::vector<Edge> edges;
    std::vector<std::vector<int>> out; // per upstream job: edge ids, downstream in file order
};

Graph::Graph(const Pipeline &p)
    : firstOfName(size_t(p.jobs.size()), false)
    , out(size_t(p.jobs.size()))
{
    index.reserve(p.jobs.size());
    for (int i = 0; i < p.jobs.size(); ++i) {
        if (!index.contains(p.jobs.at(i).name)) {
            index.insert(p.jobs.at(i).name, i);
            firstOfName[size_t(i)] = true;
        }
    }
    QSet<int> seen; // upstreams of the current job
    for (int to = 0; to < p.jobs.size(); ++to) {
        if (!isNode(to))
            continue;
        const Job &job = p.jobs.at(to);
        seen.clear();
        for (int d = 0; d < job.dependencies.size(); ++d) {
            const int from = index.value(job.dependencies.at(d).job, -1);
            if (from < 0 || from == to || seen.contains(from))
                continue;
            seen.insert(from);
            out[size_t(from)].push_back(int(edges.size()));
            edges.push_back(Edge{from, to, d});
        }
    }
}

// Kahn's algorithm; among the jobs that could go next, the one defined first goes first.
// Jobs left over (on or behind a cycle) are appended in file order when `appendRest`.
std::vector<int> kahnOrder(const Graph &g, bool appendRest)
{
    const int n = g.nodeCount();
    std::vector<int> inDegree(size_t(n), 0);
    for (const Edge &e : g.edges)
        ++inDegree[size_t(e.to)];
    std::priority_queue<int, std::vector<int>, std::greater<>> next;
    for (int i = 0; i < n; ++i) {
        if (g.isNode(i) && inDegree[size_t(i)] == 0)
            next.push(i);
    }
    std::vector<int> order;
    order.reserve(size_t(n));
    std::vector<bool> placed(size_t(n), false);
    while (!next.empty()) {
        const int v = next.top();
        next.pop();
        order.push_back(v);
        placed[size_t(v)] = true;
        for (int e : g.out[size_t(v)]) {
            const int w = g.edges[size_t(e)].to;
            if (--inDegree[size_t(w)] == 0)
                next.push(w);
        }
    }
    if (appendRest) {
        for (int i = 0; i < n; ++i) {
            if (g.isNode(i) && !placed[size_t(i)])
                order.push_back(i);
        }
    }
    return order;
}

// A cycle as edge ids; the last edge closes it (it enters the first job of the cycle).
using Cycle = std::vector<int>;

// Cycles of the graph that share no edge, at least one per strongly connected component,
// sorted by the file position of their closing dependency.
class CycleFinder
{
public:
    explicit CycleFinder(const Graph &g)
        : m_alive(g.edges.size(), true)
        , m_member(size_t(g.nodeCount()), 0)
        , m_index(size_t(g.nodeCount()), -1)
        , m_low(size_t(g.nodeCount()), 0)
        , m_onStack(size_t(g.nodeCount()), false)
        , m_parentEdge(size_t(g.nodeCount()), -1)
    {}

    std::vector<Cycle> run(const Graph &g)
    {
        std::vector<int> all;
        for (int i = 0; i < g.nodeCount(); ++i) {
            if (g.isNode(i))
                all.push_back(i);
        }
        std::vector<Cycle> cycles;
        std::vector<std::vector<int>> work = components(g, all);
        while (!work.empty()) {
            std::vector<int> component = std::move(work.back());
            work.pop_back();
            Cycle cycle = shortestCycleThrough(g, component);
            if (cycle.empty())
                continue; // cannot happen in a strongly connected component of 2+ jobs
            for (int e : cycle)
                m_alive[size_t(e)] = false; // later cycles share no edge with this one
            for (std::vector<int> &sub : components(g, component))
                work.push_back(std::move(sub));
            cycles.push_back(std::move(cycle));
        }
        const auto closing = [&g](const Cycle &c) {
            const Edge &e = g.edges[size_t(c.back())];
            return std::pair(e.to, e.dep);
        };
        std::sort(cycles.begin(), cycles.end(),
                  [&](const Cycle &a, const Cycle &b) { return closing(a) < closing(b); });
        return cycles;
    }

private:
    // Strongly connected components of 2+ jobs among `nodes` (sorted by file order), using
    // live edges between them; each component sorted by file order (iterative Tarjan).
    std::vector<std::vector<int>> components(const Graph &g, const std::vector<int> &nodes)
    {
        ++m_stamp;
        for (int v : nodes) {
            m_member[size_t(v)] = m_stamp;
            m_index[size_t(v)] = -1;
            m_onStack[size_t(v)] = false;
        }
        std::vector<std::vector<int>> result;
        std::vector<int> stack;
        std::vector<std::pair<int, size_t>> frames; // job, next position in out[job]
        int counter = 0;
        for (int root : nodes) {
            if (m_index[size_t(root)] >= 0)
                continue;
            const auto open = [&](int v) {
                m_index[size_t(v)] = m_low[size_t(v)] = counter++;
                stack.push_back(v);
                m_onStack[size_t(v)] = true;
                frames.emplace_back(v, 0);
            };
            open(root);
            while (!frames.empty()) {
                const int v = frames.back().first;
                const std::vector<int> &edges = g.out[size_t(v)];
                if (frames.back().second < edges.size()) {
                    const int e = edges[frames.back().second++];
                    const int w = g.edges[size_t(e)].to;
                    if (!m_alive[size_t(e)] || m_member[size_t(w)] != m_stamp)
                        continue;
                    if (m_index[size_t(w)] < 0)
                        open(w);
                    else if (m_onStack[size_t(w)])
                        m_low[size_t(v)] = std::min(m_low[size_t(v)], m_index[size_t(w)]);
                    continue;
                }
                frames.pop_back();
                if (!frames.empty()) {
                    const int parent = frames.back().first;
                    m_low[size_t(parent)] = std::min(m_low[size_t(parent)], m_low[size_t(v)]);
                }
                if (m_low[size_t(v)] != m_index[size_t(v)])
                    continue;
                std::vector<int> component;
                int w = -1;
                do {
                    w = stack.back();
                    stack.pop_back();
                    m_onStack[size_t(w)] = false;
                    component.push_back(w);
                } while (w != v);
                if (component.size() > 1) {
                    std::sort(component.begin(), component.end());
                    result.push_back(std::move(component));
                }
            }
        }
        // Process in file order of each component's first job (the work list pops from the back).
        std::sort(result.begin(), result.end(),
                  [](const auto &a, const auto &b) { return a.front() > b.front(); });
        return result;
    }

    // Breadth-first from the component's first job along live edges inside the component,
    // until an edge leads back to it.
    Cycle shortestCycleThrough(const Graph &g, const std::vector<int> &component)
    {
        ++m_stamp;
        for (int v : component) {
            m_member[size_t(v)] = m_stamp;
            m_parentEdge[size_t(v)] = -1;
        }
        const int start = component.front();
        std::vector<int> queue{start};
        std::vector<bool> visited(size_t(g.nodeCount()), false);
        visited[size_t(start)] = true;
        for (size_t head = 0; head < queue.size(); ++head) {
            const int v = queue[head];
            for (int e : g.out[size_t(v)]) {
                const int w = g.edges[size_t(e)].to;
                if (!m_alive[size_t(e)] || m_member[size_t(w)] != m_stamp)
                    continue;
                if (w == start) {
                    Cycle cycle{e};
                    for (int u = v; u != start; u = g.edges[size_t(m_parentEdge[size_t(u)])].from)
                        cycle.push_back(m_parentEdge[size_t(u)]);
                    std::reverse(cycle.begin(), cycle.end());
                    return cycle;
                }
                if (visited[size_t(w)])
                    continue;
                visited[size_t(w)] = true;
                m_parentEdge[size_t(w)] = e;
                queue.push_back(w);
            }
        }
        return {};
    }

    std::vector<bool> m_alive;
    std::vector<int> m_member; // == m_stamp: inside the current node set
    std::vector<int> m_index;
    std::vector<int> m_low;
    std::vector<bool> m_onStack;
    std::vector<int> m_parentEdge;
    int m_stamp = 0;
};

QStringList pathNames(const Pipeline &pipeline, const Graph &g, const Cycle &cycle)
{
    QStringList names;
    names.reserve(qsizetype(cycle.size()) + 1);
    names.append(pipeline.jobs.at(g.edges[size_t(cycle.front())].from).name);
    for (int e : cycle)
        names.append(pipeline.jobs.at(g.edges[size_t(e)].to).name);
    return names;
}

// The job name closest to `unknown` (not `exclude`), or empty.
QString suggestion(const Pipeline &pipeline, const QString &unknown, const QString &exclude)
{
    QStringList names;
    names.reserve(pipeline.jobs.size());
    for (const Job &job : pipeline.jobs) {
        if (job.name != exclude)
            names.append(job.name);
    }
    return closestMatch(unknown, names);
}

Error locatedError(ErrorCode code, const QString &message, const SourceLocation &where)
{
    return makeError(code, message, where.line, where.column);
}

QString unknownDependencyMessage(const Pipeline &pipeline, const QString &job,
                                 const QString &dependency)
{
    const QString hint = suggestion(pipeline, dependency, job);
    if (hint.isEmpty())
        return Tr::tr("job '%1' depends on unknown job '%2'").arg(job, dependency);
    return Tr::tr("job '%1' depends on unknown job '%2' (did you mean '%3'?)")
        .arg(job, dependency, hint);
}

QString unknownJobMessage(const Pipeline &pipeline, const QString &name)
{
    const QString hint = suggestion(pipeline, name, QString());
    if (hint.isEmpty())
        return Tr::tr("there is no job '%1'").arg(name);
    return Tr::tr("there is no job '%1' (did you mean '%2'?)").arg(name, hint);
}

bool satisfies(DependencyStatus status, RunState state)
{
    switch (status) {
    case DependencyStatus::Success:
        return state == RunState::Success;
    case DependencyStatus::Failed:
        return state == RunState::Failed || state == RunState::TimedOut || state == RunState::Lost;
    case DependencyStatus::Finished:
        return isFinal(state);
    }
    return false;
}

} // namespace

QString cyclePathString(const QStringList &path)
{
    return path.join(u" -> "_s);
}

QList<Error> validateAll(const Pipeline &pipeline)
{
    struct Located
    {
        int job;
        int dep; // -1: the job itself
        Error error;
    };
    std::vector<Located> found;

    const Graph graph(pipeline);
    for (int i = 0; i < pipeline.jobs.size(); ++i) {
        const Job &job = pipeline.jobs.at(i);
        if (!graph.isNode(i)) {
            const Job &first = pipeline.jobs.at(graph.index.value(job.name));
            const QString message = first.location.line > 0
                ? Tr::tr("job '%1' is already defined at line %2")
                      .arg(job.name)
                      .arg(first.location.line)
                : Tr::tr("job '%1' is defined more than once").arg(job.name);
            found.push_back({i, -1, locatedError(ErrorCode::DuplicateName, message, job.location)});
        }
        QHash<QString, int> listed; // dependency name -> its first entry in this job
        for (int d = 0; d < job.dependencies.size(); ++d) {
            const Dependency &dep = job.dependencies.at(d);
            if (dep.job == job.name) {
                const QString message = Tr::tr("job '%1' depends on itself").arg(job.name);
                found.push_back(
                    {i, d, locatedError(ErrorCode::SelfDependency, message, dep.location)});
            } else if (!graph.index.contains(dep.job)) {
                const QString message = unknownDependencyMessage(pipeline, job.name, dep.job);
                found.push_back(
                    {i, d, locatedError(ErrorCode::UnknownDependency, message, dep.location)});
            } else if (const auto it = listed.constFind(dep.job); it != listed.constEnd()) {
                const SourceLocation &firstEntry = job.dependencies.at(*it).location;
                const QString message = firstEntry.line > 0
                    ? Tr::tr("job '%1' already depends on '%2' at line %3")
                          .arg(job.name, dep.job)
                          .arg(firstEntry.line)
                    : Tr::tr("job '%1' depends on '%2' more than once").arg(job.name, dep.job);
                found.push_back(
                    {i, d, locatedError(ErrorCode::DuplicateName, message, dep.location)});
            } else {
                listed.insert(dep.job, d);
            }
        }
    }

    for (int i = 0; i < pipeline.jobs.size(); ++i) {
        const Job &job = pipeline.jobs.at(i);
        const int after = int(job.dependencies.size());  // after the job's dependency errors
        if (job.condition.trimmed().isEmpty())
            continue;
        const Result<ConditionExpression> condition = ConditionExpression::parse(job.condition);
        if (!condition) {
            const QString message
                    = Tr::tr("condition of job '%1': %2").arg(job.name, condition.error().message);
            found.push_back({i, after, locatedError(ErrorCode::Syntax, message, job.location)});
            continue;
        }
        for (const QString &variable : condition->variables()) {
            const QStringList parts = variable.split(u'.');
            QString message;
            ErrorCode code = ErrorCode::UnknownParameter;
            if (parts.size() == 2 && parts.at(0) == u"param"_s) {
                if (!pipeline.parameters.contains(parts.at(1)))
                    message = Tr::tr("the condition of job '%1' uses '${%2}', but the pipeline "
                                     "has no parameter '%3'")
                                      .arg(job.name, variable, parts.at(1));
            } else if (parts.size() == 3 && parts.at(0) == u"upstream"_s) {
                const bool dependsOn
                        = std::any_of(job.dependencies.cbegin(), job.dependencies.cend(),
                                      [&](const Dependency &d) { return d.job == parts.at(1); });
                if (!dependsOn) {
                    code = ErrorCode::UnknownDependency;
                    message = Tr::tr("the condition of job '%1' uses '${%2}', but '%1' does not "
                                     "depend on '%3'")
                                      .arg(job.name, variable, parts.at(1));
                }
            } else {
                message = Tr::tr("the condition of job '%1' uses '${%2}': variables are "
                                 "param.NAME and upstream.JOB.NAME")
                                  .arg(job.name, variable);
            }
            if (!message.isEmpty())
                found.push_back({i, after, locatedError(code, message, job.location)});
        }
    }

    for (const Cycle &cycle : CycleFinder(graph).run(graph)) {
        const Edge &closing = graph.edges[size_t(cycle.back())];
        const Dependency &dep = pipeline.jobs.at(closing.to).dependencies.at(closing.dep);
        const QString path = cyclePathString(pathNames(pipeline, graph, cycle));
        found.push_back({closing.to, closing.dep,
                         locatedError(ErrorCode::Cycle, Tr::tr("dependency cycle: %1").arg(path),
                                      dep.location)});
    }

    std::stable_sort(found.begin(), found.end(), [](const Located &a, const Located &b) {
        return std::pair(a.job, a.dep) < std::pair(b.job, b.dep);
    });
    QList<Error> errors;
    errors.reserve(qsizetype(found.size()));
    for (Located &l : found)
        errors.append(std::move(l.error));
    return errors;
}

QList<QStringList> findCycles(const Pipeline &pipeline)
{
    const Graph graph(pipeline);
    QList<QStringList> paths;
    for (const Cycle &cycle : CycleFinder(graph).run(graph))
        paths.append(pathNames(pipeline, graph, cycle));
    return paths;
}

Result<void> validate(const Pipeline &pipeline)
{
    const QList<Error> errors = validateAll(pipeline);
    if (!errors.isEmpty())
        return errors.first();
    return {};
}

Result<QStringList> topologicalOrder(const Pipeline &pipeline)
{
    const QList<Error> errors = validateAll(pipeline);
    if (!errors.isEmpty())
        return errors.first();
    const Graph graph(pipeline);
    QStringList names;
    names.reserve(pipeline.jobs.size());
    for (int i : kahnOrder(graph, false))
        names.append(pipeline.jobs.at(i).name);
    return names;
}

Result<void> canAddEdge(const Pipeline &pipeline, const QString &upstream,
                        const QString &downstream)
{
    const Graph graph(pipeline);
    for (const QString &name : {upstream, downstream}) {
        if (!graph.index.contains(name))
            return makeError(ErrorCode::UnknownDependency, unknownJobMessage(pipeline, name));
    }
    if (upstream == downstream)
        return makeError(ErrorCode::SelfDependency,
                         Tr::tr("job '%1' cannot depend on itself").arg(upstream));

    const int from = graph.index.value(upstream);
    const int to = graph.index.value(downstream);
    for (const Dependency &dep : pipeline.jobs.at(to).dependencies) {
        if (dep.job == upstream)
            return makeError(ErrorCode::DuplicateName,
                             Tr::tr("job '%1' already depends on '%2'").arg(downstream, upstream));
    }

    // A chain downstream -> ... -> upstream would become a cycle with the new edge.
    std::vector<int> parentEdge(size_t(graph.nodeCount()), -1);
    std::vector<bool> visited(size_t(graph.nodeCount()), false);
    std::vector<int> queue{to};
    visited[size_t(to)] = true;
    for (size_t head = 0; head < queue.size() && !visited[size_t(from)]; ++head) {
        for (int e : graph.out[size_t(queue[head])]) {
            const int w = graph.edges[size_t(e)].to;
            if (visited[size_t(w)])
                continue;
            visited[size_t(w)] = true;
            parentEdge[size_t(w)] = e;
            queue.push_back(w);
        }
    }
    if (!visited[size_t(from)])
        return {};
    QStringList path{downstream};
    for (int v = from; v != to; v = graph.edges[size_t(parentEdge[size_t(v)])].from)
        path.insert(1, pipeline.jobs.at(v).name);
    path.append(downstream);
    return makeError(ErrorCode::Cycle,
                     Tr::tr("this dependency would close the cycle %1").arg(cyclePathString(path)));
}

QString readinessName(Readiness r)
{
    switch (r) {
    case Readiness::Blocked: return u"blocked"_s;
    case Readiness::Ready: return u"ready"_s;
    case Readiness::Skip: return u"skip"_s;
    }
    return QString();
}

Readiness readiness(const Job &job, const QHash<QString, RunState> &states,
                    const QHash<QString, QString> &variables)
{
    Readiness result = Readiness::Ready;
    for (const Dependency &dep : job.dependencies) {
        const auto it = states.constFind(dep.job);
        if (it == states.constEnd() || !isFinal(*it))
            result = Readiness::Blocked;
        else if (!satisfies(dep.status, *it))
            return Readiness::Skip; // Skip wins over Blocked
    }
    if (result == Readiness::Ready) {
        const Result<bool> holds = evaluateCondition(job, variables);
        if (!holds || !*holds)
            return Readiness::Skip;
    }
    return result;
}

Pipeline downstreamPart(const Pipeline &pipeline, const QString &job)
{
    // The first job of each name, and the jobs that depend on each.
    QHash<QString, const Job *> byName;
    QHash<QString, QStringList> dependents;
    for (const Job &j : pipeline.jobs) {
        if (byName.contains(j.name))
            continue;
        byName.insert(j.name, &j);
        for (const Dependency &dep : j.dependencies)
            dependents[dep.job].append(j.name);
    }
    QSet<QString> part;
    if (byName.contains(job)) {
        QStringList todo{job};
        part.insert(job);
        while (!todo.isEmpty()) {
            const QString name = todo.takeLast();
            for (const QString &down : dependents.value(name)) {
                if (!part.contains(down)) {
                    part.insert(down);
                    todo.append(down);
                }
            }
        }
    }
    Pipeline out = pipeline;
    out.jobs.clear();
    for (const Job &j : pipeline.jobs) {
        if (!part.contains(j.name) || byName.value(j.name) != &j)
            continue;
        Job kept = j;
        kept.dependencies.clear();
        if (j.name != job) {
            for (const Dependency &dep : j.dependencies) {
                if (part.contains(dep.job))
                    kept.dependencies.append(dep);
            }
        }
        out.jobs.append(kept);
    }
    return out;
}

QStringList propagateSkips(const Pipeline &pipeline, const QHash<QString, RunState> &states,
                           const QHash<QString, QString> &variables)
{
    const Graph graph(pipeline);
    QHash<QString, RunState> current = states;
    QStringList skipped;
    for (int i : kahnOrder(graph, true)) {
        const Job &job = pipeline.jobs.at(i);
        if (states.contains(job.name))
            continue;
        if (readiness(job, current, variables) == Readiness::Skip) {
            skipped.append(job.name);
            current.insert(job.name, RunState::Skipped);
        }
    }
    return skipped;
}

QStringList readyJobs(const Pipeline &pipeline, const QHash<QString, RunState> &states,
                      const QHash<QString, QString> &variables)
{
    const Graph graph(pipeline);
    QStringList ready;
    for (int i : kahnOrder(graph, true)) {
        const Job &job = pipeline.jobs.at(i);
        if (!states.contains(job.name) && readiness(job, states, variables) == Readiness::Ready)
            ready.append(job.name);
    }
    return ready;
}

DependencyIndex::DependencyIndex(const Pipeline &pipeline) : m_pipeline(pipeline)
{
    const Graph graph(m_pipeline);
    const std::vector<int> order = kahnOrder(graph, true);
    std::vector<int> rankOf(size_t(graph.nodeCount()), -1);
    m_jobAt = order;
    m_rank.reserve(qsizetype(order.size()));
    for (size_t r = 0; r < order.size(); ++r) {
        rankOf[size_t(order[r])] = int(r);
        m_rank.insert(m_pipeline.jobs.at(order[r]).name, int(r));
    }
    m_downstream.resize(order.size());
    for (size_t r = 0; r < order.size(); ++r) {
        std::vector<int> &out = m_downstream[r];
        for (int e : graph.out[size_t(order[r])])
            out.push_back(rankOf[size_t(graph.edges[size_t(e)].to)]);
        std::sort(out.begin(), out.end());
    }
}

const Job *DependencyIndex::job(const QString &name) const
{
    const auto it = m_rank.constFind(name);
    return it == m_rank.cend() ? nullptr : &m_pipeline.jobs.at(m_jobAt[size_t(*it)]);
}

QStringList DependencyIndex::jobs() const
{
    QStringList names;
    names.reserve(qsizetype(m_jobAt.size()));
    for (int i : m_jobAt)
        names.append(m_pipeline.jobs.at(i).name);
    return names;
}

QStringList DependencyIndex::downstream(const QString &name) const
{
    QStringList names;
    const auto it = m_rank.constFind(name);
    if (it == m_rank.cend())
        return names;
    for (int r : m_downstream[size_t(*it)])
        names.append(m_pipeline.jobs.at(m_jobAt[size_t(r)]).name);
    return names;
}

QList<Decision> advance(const DependencyIndex &index, QHash<QString, RunState> &states,
                        const QStringList &candidates, const VariablesFunction &variables)
{
    std::priority_queue<int, std::vector<int>, std::greater<>> next;
    std::vector<bool> queued(index.m_jobAt.size(), false);
    const auto push = [&](int rank) {
        if (!queued[size_t(rank)]) {
            queued[size_t(rank)] = true;
            next.push(rank);
        }
    };
    for (const QString &name : candidates) {
        const auto it = index.m_rank.constFind(name);
        if (it != index.m_rank.cend())
            push(*it);
    }
    QList<Decision> decisions;
    while (!next.empty()) {
        const int rank = next.top();
        next.pop();
        const Job &job = index.m_pipeline.jobs.at(index.m_jobAt[size_t(rank)]);
        if (states.contains(job.name))
            continue;
        Readiness r = Readiness::Ready;
        if (job.condition.isEmpty()) {
            r = readiness(job, states);
        } else {
            // The condition decides once the order dependencies are satisfied.
            Job orderOnly = job;
            orderOnly.condition.clear();
            r = readiness(orderOnly, states);
            if (r == Readiness::Ready)
                r = readiness(job, states,
                              variables ? variables(job, states) : QHash<QString, QString>());
        }
        if (r == Readiness::Blocked)
            continue;
        decisions.append(Decision{job.name, r});
        if (r == Readiness::Ready) {
            states.insert(job.name, RunState::Waiting);
            continue;
        }
        states.insert(job.name, RunState::Skipped);
        for (int down : index.m_downstream[size_t(rank)])
            push(down);
    }
    return decisions;
}

} // namespace Orrery::Dag

#include <dag/dag.h>

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <numeric>
#include <vector>

using namespace Orrery;
using namespace Orrery::Dag;
using namespace Qt::Literals::StringLiterals;

namespace {

// A pipeline written as a small "file": one job per line, `name <- dep, dep:failed, ...`.
// The job is located at (line, column of its name), each dependency at the column of its name,
// so an expected "3:6" can be checked by counting characters in the row.
Pipeline pipelineFrom(const QStringList &lines)
{
    static const QRegularExpression depPattern(u"([A-Za-z0-9_.-]+)(?::([a-z]+))?"_s);
    Pipeline pipeline;
    for (int i = 0; i < lines.size(); ++i) {
        const QString &text = lines.at(i);
        const qsizetype arrow = text.indexOf(u"<-"_s);
        Job job;
        job.name = (arrow < 0 ? text : text.left(arrow)).trimmed();
        job.location = {i + 1, int(text.indexOf(job.name)) + 1};
        if (arrow >= 0) {
            auto it = depPattern.globalMatch(text, arrow + 2);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                Dependency dep;
                dep.job = m.captured(1);
                if (m.hasCaptured(2)) {
                    const auto status = dependencyStatusFromName(m.captured(2));
                    if (!status)
                        qFatal("bad dependency status in test pipeline");
                    dep.status = *status;
                }
                dep.location = {i + 1, int(m.capturedStart(1)) + 1};
                job.dependencies.append(dep);
            }
        }
        pipeline.jobs.append(job);
    }
    return pipeline;
}

// {"a=failed", "b=running"}
QHash<QString, RunState> statesFrom(const QStringList &entries)
{
    QHash<QString, RunState> states;
    for (const QString &entry : entries) {
        const QStringList parts = entry.split(u'=');
        const auto state = parts.size() == 2 ? runStateFromName(parts.at(1)) : std::nullopt;
        if (!state)
            qFatal("bad state in test row");
        states.insert(parts.at(0), *state);
    }
    return states;
}

// "cycle 3:6": what a test asserts about an error (code and position, not wording).
QString located(const Error &error)
{
    return u"%1 %2:%3"_s.arg(errorCodeName(error.code)).arg(error.line).arg(error.column);
}

QStringList located(const QList<Error> &errors)
{
    QStringList result;
    for (const Error &e : errors)
        result.append(located(e));
    return result;
}

// The "a -> b -> a" path spelled inside a message, whatever the wording around it.
QString pathIn(const QString &message)
{
    static const QRegularExpression pathPattern(u"[^\\s']+(?: -> [^\\s']+)+"_s);
    return pathPattern.match(message).captured(0);
}

QStringList quotedIn(const QString &message)
{
    static const QRegularExpression quoted(u"'([^']*)'"_s);
    QStringList words;
    auto it = quoted.globalMatch(message);
    while (it.hasNext())
        words.append(it.next().captured(1));
    return words;
}

QString codeOf(const Result<void> &r)
{
    return r ? errorCodeName(ErrorCode::None) : errorCodeName(r.error().code);
}

} // namespace

class tst_Dag : public QObject
{
    Q_OBJECT

private slots:
    void validateAll_data();
    void validateAll();
    void validate();
    void errorMessages_data();
    void errorMessages();
    void topologicalOrder_data();
    void topologicalOrder();
    void canAddEdge_data();
    void canAddEdge();
    void readiness_data();
    void readiness();
    void propagateSkips_data();
    void propagateSkips();
    void readyJobs_data();
    void readyJobs();
    void largeDag();
    void largeCycles();
    void dependencyIndex();
    void advance_data();
    void advance();
    void advanceFollowsARunLikeFullPasses();
    void downstreamPart_data();
    void downstreamPart();
};

void tst_Dag::validateAll_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QStringList>("errors");  // "code line:column", in the order reported
    QTest::addColumn<QStringList>("cycles");  // the paths of the Cycle errors, in the same order

    QTest::newRow("valid-pipeline")
        << QStringList{u"extract"_s, u"transform <- extract"_s, u"load <- transform:finished"_s}
        << QStringList{} << QStringList{};
    QTest::newRow("empty-pipeline") << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("duplicate-name")
        << QStringList{u"a"_s, u"b <- a"_s, u"  a"_s}
        << QStringList{u"duplicate_name 3:3"_s} << QStringList{};
    QTest::newRow("duplicate-name-three-times")
        << QStringList{u"a"_s, u"a"_s, u"a"_s}
        << QStringList{u"duplicate_name 2:1"_s, u"duplicate_name 3:1"_s} << QStringList{};
    QTest::newRow("duplicate-dependency")
        << QStringList{u"a"_s, u"b <- a, a:failed"_s}
        << QStringList{u"duplicate_name 2:9"_s} << QStringList{};
    QTest::newRow("self-dependency")
        << QStringList{u"a <- a"_s} << QStringList{u"self_dependency 1:6"_s} << QStringList{};
    QTest::newRow("unknown-dependency")
        << QStringList{u"a"_s, u"b <- a, zzz"_s}
        << QStringList{u"unknown_dependency 2:9"_s} << QStringList{};
    QTest::newRow("unknown-dependency-did-you-mean")
        << QStringList{u"extract"_s, u"load <- extarct"_s}
        << QStringList{u"unknown_dependency 2:9"_s} << QStringList{};
    QTest::newRow("cycle-of-two")
        << QStringList{u"a <- b"_s, u"b <- a"_s}
        << QStringList{u"cycle 1:6"_s} << QStringList{u"a -> b -> a"_s};
    QTest::newRow("cycle-of-three")
        << QStringList{u"a <- c"_s, u"b <- a"_s, u"c <- b"_s}
        << QStringList{u"cycle 1:6"_s} << QStringList{u"a -> b -> c -> a"_s};
    QTest::newRow("cycle-starts-at-first-defined-job")
        << QStringList{u"c <- b"_s, u"b <- a"_s, u"a <- c"_s}
        << QStringList{u"cycle 1:6"_s} << QStringList{u"c -> a -> b -> c"_s};
    QTest::newRow("cycle-of-five")
        << QStringList{u"a <- e"_s, u"b <- a"_s, u"c <- b"_s, u"d <- c"_s, u"e <- d"_s}
        << QStringList{u"cycle 1:6"_s} << QStringList{u"a -> b -> c -> d -> e -> a"_s};
    QTest::newRow("cycle-closed-by-a-later-dependency")
        << QStringList{u"x"_s, u"m <- x, n"_s, u"n <- m"_s}
        << QStringList{u"cycle 2:9"_s} << QStringList{u"m -> n -> m"_s};
    QTest::newRow("two-disjoint-cycles")
        << QStringList{u"a <- b"_s, u"b <- a"_s, u"c <- d"_s, u"d <- c"_s}
        << QStringList{u"cycle 1:6"_s, u"cycle 3:6"_s}
        << QStringList{u"a -> b -> a"_s, u"c -> d -> c"_s};
    QTest::newRow("cycle-plus-valid-part")
        << QStringList{u"start"_s, u"a <- start, c"_s, u"b <- a"_s, u"c <- b"_s,
                       u"end <- start, c"_s}
        << QStringList{u"cycle 2:13"_s} << QStringList{u"a -> b -> c -> a"_s};
    QTest::newRow("two-cycles-sharing-a-job")
        << QStringList{u"a <- b, c"_s, u"b <- a"_s, u"c <- a"_s}
        << QStringList{u"cycle 1:6"_s, u"cycle 1:9"_s}
        << QStringList{u"a -> b -> a"_s, u"a -> c -> a"_s};
    QTest::newRow("cycles-sharing-an-edge-reported-once")
        << QStringList{u"a <- d, c"_s, u"b <- a"_s, u"c <- b"_s, u"d <- c"_s}
        << QStringList{u"cycle 1:9"_s} << QStringList{u"a -> b -> c -> a"_s};
    QTest::newRow("self-dependency-inside-a-cycle")
        << QStringList{u"a <- a, b"_s, u"b <- a"_s}
        << QStringList{u"self_dependency 1:6"_s, u"cycle 1:9"_s} << QStringList{u"a -> b -> a"_s};
    QTest::newRow("unknown-dependency-inside-a-cycle")
        << QStringList{u"a <- b, nope"_s, u"b <- nope, a"_s}
        << QStringList{u"cycle 1:6"_s, u"unknown_dependency 1:9"_s, u"unknown_dependency 2:6"_s}
        << QStringList{u"a -> b -> a"_s};
    QTest::newRow("errors-in-file-order")
        << QStringList{u"a <- c"_s, u"b <- zzz"_s, u"c <- a"_s, u"b"_s, u"d <- d"_s}
        << QStringList{u"cycle 1:6"_s, u"unknown_dependency 2:6"_s, u"duplicate_name 4:1"_s,
                       u"self_dependency 5:6"_s}
        << QStringList{u"a -> c -> a"_s};
    QTest::newRow("later-definition-of-a-name-has-no-edges")
        << QStringList{u"a"_s, u"b <- a"_s, u"a <- b"_s}
        << QStringList{u"duplicate_name 3:1"_s} << QStringList{};
}

void tst_Dag::validateAll()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, cycles);

    const Pipeline p = pipelineFrom(pipeline);
    const QList<Error> actual = Dag::validateAll(p);
    QCOMPARE(located(actual), errors);

    QStringList cyclePaths;
    for (const Error &e : actual) {
        if (e.code == ErrorCode::Cycle)
            cyclePaths.append(pathIn(e.message));
    }
    QCOMPARE(cyclePaths, cycles);

    QStringList found;
    for (const QStringList &path : findCycles(p))
        found.append(cyclePathString(path));
    QCOMPARE(found, cycles);
}

void tst_Dag::validate()
{
    const Pipeline valid = pipelineFrom({u"a"_s, u"b <- a"_s});
    QCOMPARE(codeOf(Dag::validate(valid)), u"none"_s);

    const Pipeline invalid = pipelineFrom({u"a <- zzz"_s, u"b <- b"_s});
    const Result<void> r = Dag::validate(invalid);
    QCOMPARE(codeOf(r), u"unknown_dependency"_s);
    QCOMPARE(located(r.error()), u"unknown_dependency 1:6"_s);
}

void tst_Dag::errorMessages_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QStringList>("quoted"); // the 'quoted' names in the first error's message
    QTest::addColumn<QString>("mentions");   // text the message must contain, if any

    QTest::newRow("duplicate-names-job-and-first-line")
        << QStringList{u"a"_s, u"b"_s, u"b"_s} << QStringList{u"b"_s} << u"line 2"_s;
    QTest::newRow("self-dependency-names-job")
        << QStringList{u"a <- a"_s} << QStringList{u"a"_s} << QString();
    QTest::newRow("unknown-dependency-did-you-mean")
        << QStringList{u"extract"_s, u"load <- extarct"_s}
        << QStringList{u"load"_s, u"extarct"_s, u"extract"_s} << QString();
    QTest::newRow("unknown-dependency-distance-two")
        << QStringList{u"extract"_s, u"load <- xtrct"_s}
        << QStringList{u"load"_s, u"xtrct"_s, u"extract"_s} << QString();
    QTest::newRow("unknown-dependency-closest-wins")
        << QStringList{u"reports"_s, u"report"_s, u"load <- repor"_s}
        << QStringList{u"load"_s, u"repor"_s, u"report"_s} << QString();
    QTest::newRow("unknown-dependency-too-far")
        << QStringList{u"extract"_s, u"load <- xtrt"_s}
        << QStringList{u"load"_s, u"xtrt"_s} << QString();
    QTest::newRow("unknown-dependency-no-guess-for-short-name")
        << QStringList{u"ab"_s, u"load <- cd"_s} << QStringList{u"load"_s, u"cd"_s} << QString();
    QTest::newRow("unknown-dependency-does-not-suggest-itself")
        << QStringList{u"laod <- lod"_s, u"load"_s} << QStringList{u"laod"_s, u"lod"_s, u"load"_s}
        << QString();
}

void tst_Dag::errorMessages()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QStringList, quoted);
    QFETCH(QString, mentions);

    const QList<Error> errors = Dag::validateAll(pipelineFrom(pipeline));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(quotedIn(errors.first().message), quoted);
    if (!mentions.isEmpty())
        QVERIFY2(errors.first().message.contains(mentions), qPrintable(errors.first().message));
}

void tst_Dag::topologicalOrder_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QStringList>("order");
    QTest::addColumn<QString>("error"); // "code line:column", empty when ok

    QTest::newRow("empty") << QStringList{} << QStringList{} << QString();
    QTest::newRow("independent-jobs-keep-file-order")
        << QStringList{u"c"_s, u"a"_s, u"b"_s} << QStringList{u"c"_s, u"a"_s, u"b"_s} << QString();
    QTest::newRow("downstream-defined-first")
        << QStringList{u"load <- transform"_s, u"transform <- extract"_s, u"extract"_s}
        << QStringList{u"extract"_s, u"transform"_s, u"load"_s} << QString();
    QTest::newRow("chains-interleave-by-file-order")
        << QStringList{u"a"_s, u"b <- a"_s, u"c"_s, u"d <- c"_s}
        << QStringList{u"a"_s, u"b"_s, u"c"_s, u"d"_s} << QString();
    QTest::newRow("released-job-defined-earlier-goes-first")
        << QStringList{u"x <- y"_s, u"y"_s, u"z"_s}
        << QStringList{u"y"_s, u"x"_s, u"z"_s} << QString();
    QTest::newRow("diamond")
        << QStringList{u"d <- b, c"_s, u"c <- a"_s, u"b <- a"_s, u"a"_s}
        << QStringList{u"a"_s, u"c"_s, u"b"_s, u"d"_s} << QString();
    QTest::newRow("cycle-is-an-error")
        << QStringList{u"x"_s, u"a <- b"_s, u"b <- a"_s} << QStringList{} << u"cycle 2:6"_s;
    QTest::newRow("unknown-dependency-is-an-error")
        << QStringList{u"a <- zz"_s} << QStringList{} << u"unknown_dependency 1:6"_s;
    QTest::newRow("duplicate-name-is-an-error")
        << QStringList{u"a"_s, u"a"_s} << QStringList{} << u"duplicate_name 2:1"_s;
}

void tst_Dag::topologicalOrder()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QStringList, order);
    QFETCH(QString, error);

    const Result<QStringList> r = Dag::topologicalOrder(pipelineFrom(pipeline));
    QCOMPARE(r ? QString() : located(r.error()), error);
    if (r)
        QCOMPARE(*r, order);
}

void tst_Dag::canAddEdge_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QString>("upstream");
    QTest::addColumn<QString>("downstream");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("path"); // for Cycle

    const QStringList etl{u"extract"_s, u"transform <- extract"_s, u"load <- transform"_s,
                          u"report"_s};
    QTest::newRow("ok-new-edge") << etl << u"load"_s << u"report"_s << u"none"_s << QString();
    QTest::newRow("ok-shortcut-edge")
        << etl << u"extract"_s << u"load"_s << u"none"_s << QString();
    QTest::newRow("cycle-of-two-as-documented")
        << QStringList{u"extract"_s, u"load <- extract"_s} << u"load"_s << u"extract"_s
        << u"cycle"_s << u"extract -> load -> extract"_s;
    QTest::newRow("cycle-of-three")
        << etl << u"load"_s << u"extract"_s << u"cycle"_s
        << u"extract -> transform -> load -> extract"_s;
    QTest::newRow("cycle-uses-shortest-chain")
        << QStringList{u"a"_s, u"b <- a"_s, u"c <- b"_s, u"d <- c, a"_s} << u"d"_s << u"a"_s
        << u"cycle"_s << u"a -> d -> a"_s;
    QTest::newRow("self-dependency")
        << etl << u"load"_s << u"load"_s << u"self_dependency"_s << QString();
    QTest::newRow("unknown-upstream")
        << etl << u"extrct"_s << u"load"_s << u"unknown_dependency"_s << QString();
    QTest::newRow("unknown-downstream")
        << etl << u"load"_s << u"nope"_s << u"unknown_dependency"_s << QString();
    QTest::newRow("existing-edge")
        << etl << u"extract"_s << u"transform"_s << u"duplicate_name"_s << QString();
}

void tst_Dag::canAddEdge()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QString, upstream);
    QFETCH(QString, downstream);
    QFETCH(QString, code);
    QFETCH(QString, path);

    const Result<void> r = Dag::canAddEdge(pipelineFrom(pipeline), upstream, downstream);
    QCOMPARE(codeOf(r), code);
    if (!r) {
        QCOMPARE(r.error().line, 0);
        QCOMPARE(r.error().column, 0);
        QCOMPARE(pathIn(r.error().message), path);
    }
}

void tst_Dag::readiness_data()
{
    QTest::addColumn<QString>("job");       // "x <- up:failed"
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<QString>("expected");  // readinessName()

    // Every (required status x upstream state); "missing" = the upstream has no state yet.
    struct Row
    {
        const char *status;
        const char *state;
        const char *expected;
    };
    static const Row table[] = {
        {"success", "missing", "blocked"},   {"success", "waiting", "blocked"},
        {"success", "running", "blocked"},   {"success", "success", "ready"},
        {"success", "failed", "skip"},       {"success", "timed_out", "skip"},
        {"success", "cancelled", "skip"},    {"success", "lost", "skip"},
        {"success", "skipped", "skip"},

        {"failed", "missing", "blocked"},    {"failed", "waiting", "blocked"},
        {"failed", "running", "blocked"},    {"failed", "success", "skip"},
        {"failed", "failed", "ready"},       {"failed", "timed_out", "ready"},
        {"failed", "cancelled", "skip"},     {"failed", "lost", "ready"},
        {"failed", "skipped", "skip"},

        {"finished", "missing", "blocked"},  {"finished", "waiting", "blocked"},
        {"finished", "running", "blocked"},  {"finished", "success", "ready"},
        {"finished", "failed", "ready"},     {"finished", "timed_out", "ready"},
        {"finished", "cancelled", "ready"},  {"finished", "lost", "ready"},
        {"finished", "skipped", "ready"},
    };
    for (const Row &row : table) {
        const QString status = QString::fromLatin1(row.status);
        const QString state = QString::fromLatin1(row.state);
        QTest::addRow("%s-after-%s", row.status, row.state)
            << u"x <- up:"_s + status
            << (state == u"missing"_s ? QStringList{} : QStringList{u"up="_s + state})
            << QString::fromLatin1(row.expected);
    }

    QTest::newRow("no-dependencies-is-ready") << u"x"_s << QStringList{} << u"ready"_s;
    QTest::newRow("all-satisfied")
        << u"x <- a, b:failed, c:finished"_s
        << QStringList{u"a=success"_s, u"b=timed_out"_s, u"c=cancelled"_s} << u"ready"_s;
    QTest::newRow("one-still-running-is-blocked")
        << u"x <- a, b"_s << QStringList{u"a=success"_s, u"b=running"_s} << u"blocked"_s;
    QTest::newRow("one-without-state-is-blocked")
        << u"x <- a, b"_s << QStringList{u"a=success"_s} << u"blocked"_s;
    QTest::newRow("skip-beats-running")
        << u"x <- a, b"_s << QStringList{u"a=running"_s, u"b=failed"_s} << u"skip"_s;
    QTest::newRow("skip-listed-before-running")
        << u"x <- a, b"_s << QStringList{u"a=failed"_s, u"b=running"_s} << u"skip"_s;
    QTest::newRow("skip-beats-missing")
        << u"x <- a, b:failed"_s << QStringList{u"b=success"_s} << u"skip"_s;
    QTest::newRow("unrelated-states-are-ignored")
        << u"x <- a"_s << QStringList{u"a=success"_s, u"other=failed"_s} << u"ready"_s;
    QTest::newRow("unknown-upstream-is-blocked")
        << u"x <- ghost"_s << QStringList{} << u"blocked"_s;
}

void tst_Dag::readiness()
{
    QFETCH(QString, job);
    QFETCH(QStringList, states);
    QFETCH(QString, expected);

    const Pipeline p = pipelineFrom({job});
    QCOMPARE(readinessName(Dag::readiness(p.jobs.first(), statesFrom(states))), expected);
}

void tst_Dag::propagateSkips_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<QStringList>("skipped");

    const QStringList chain{u"a"_s, u"b <- a"_s, u"c <- b"_s, u"d <- c"_s};
    QTest::newRow("chain-after-failure")
        << chain << QStringList{u"a=failed"_s} << QStringList{u"b"_s, u"c"_s, u"d"_s};
    QTest::newRow("chain-after-success") << chain << QStringList{u"a=success"_s} << QStringList{};
    QTest::newRow("chain-while-running") << chain << QStringList{u"a=running"_s} << QStringList{};
    QTest::newRow("chain-in-reverse-file-order")
        << QStringList{u"d <- c"_s, u"c <- b"_s, u"b <- a"_s, u"a"_s} << QStringList{u"a=failed"_s}
        << QStringList{u"b"_s, u"c"_s, u"d"_s};
    QTest::newRow("chain-stops-at-finished")
        << QStringList{u"a"_s, u"b <- a"_s, u"c <- b:finished"_s, u"d <- c"_s}
        << QStringList{u"a=failed"_s} << QStringList{u"b"_s};
    QTest::newRow("failure-handler-skipped-after-success")
        << QStringList{u"a"_s, u"on_fail <- a:failed"_s, u"cleanup <- on_fail"_s}
        << QStringList{u"a=success"_s} << QStringList{u"on_fail"_s, u"cleanup"_s};
    QTest::newRow("jobs-with-a-state-are-not-returned")
        << chain << QStringList{u"a=failed"_s, u"b=skipped"_s} << QStringList{u"c"_s, u"d"_s};

    const QStringList diamond{u"a"_s, u"b <- a"_s, u"c <- a:failed"_s, u"d <- b, c"_s};
    QTest::newRow("diamond-skip-beats-unfinished-branch")
        << diamond << QStringList{u"a=success"_s} << QStringList{u"c"_s, u"d"_s};
    QTest::newRow("diamond-other-branch")
        << diamond << QStringList{u"a=failed"_s} << QStringList{u"b"_s, u"d"_s};
    QTest::newRow("diamond-both-branches")
        << QStringList{u"a"_s, u"b <- a"_s, u"c <- a"_s, u"d <- b, c"_s}
        << QStringList{u"a=cancelled"_s} << QStringList{u"b"_s, u"c"_s, u"d"_s};
    QTest::newRow("diamond-join-on-finished")
        << QStringList{u"a"_s, u"b <- a"_s, u"c <- a"_s, u"d <- b:finished, c:finished"_s}
        << QStringList{u"a=lost"_s} << QStringList{u"b"_s, u"c"_s};
}

void tst_Dag::propagateSkips()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QStringList, states);
    QFETCH(QStringList, skipped);

    QCOMPARE(Dag::propagateSkips(pipelineFrom(pipeline), statesFrom(states)), skipped);
}

void tst_Dag::readyJobs_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<QStringList>("ready");

    const QStringList simple{u"a"_s, u"b <- a"_s, u"c"_s};
    QTest::newRow("fresh-run") << simple << QStringList{} << QStringList{u"a"_s, u"c"_s};
    QTest::newRow("after-success-in-topological-order")
        << simple << QStringList{u"a=success"_s} << QStringList{u"b"_s, u"c"_s};
    QTest::newRow("jobs-with-a-state-are-not-returned")
        << simple << QStringList{u"a=running"_s} << QStringList{u"c"_s};
    QTest::newRow("failure-handler")
        << QStringList{u"a"_s, u"on_fail <- a:failed"_s, u"next <- a"_s}
        << QStringList{u"a=failed"_s} << QStringList{u"on_fail"_s};

    const QStringList diamond{u"a"_s, u"b <- a"_s, u"c <- a"_s, u"d <- b, c"_s};
    QTest::newRow("diamond-join-waits")
        << diamond << QStringList{u"a=success"_s, u"b=success"_s, u"c=running"_s} << QStringList{};
    QTest::newRow("diamond-join-ready")
        << diamond << QStringList{u"a=success"_s, u"b=success"_s, u"c=success"_s}
        << QStringList{u"d"_s};
    QTest::newRow("skip-is-not-ready")
        << QStringList{u"a"_s, u"b <- a"_s} << QStringList{u"a=skipped"_s} << QStringList{};
    QTest::newRow("finished-after-skipped")
        << QStringList{u"a"_s, u"b <- a:finished"_s} << QStringList{u"a=skipped"_s}
        << QStringList{u"b"_s};
    QTest::newRow("topological-order")
        << QStringList{u"c <- a"_s, u"b"_s, u"a"_s} << QStringList{} << QStringList{u"b"_s, u"a"_s};
}

void tst_Dag::readyJobs()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QStringList, states);
    QFETCH(QStringList, ready);

    QCOMPARE(Dag::readyJobs(pipelineFrom(pipeline), statesFrom(states)), ready);
}

namespace {

// 2,000 jobs and 3,000 edges in random file order: edges go from lower to higher hidden rank.
Pipeline largePipeline()
{
    constexpr int kJobs = 2000;
    constexpr int kEdges = 3000;
    QRandomGenerator random(20240101);
    std::vector<int> rank(kJobs);
    std::iota(rank.begin(), rank.end(), 0);
    std::shuffle(rank.begin(), rank.end(), random);

    Pipeline p;
    for (int i = 0; i < kJobs; ++i) {
        Job job;
        job.name = u"job%1"_s.arg(i, 4, 10, QChar(u'0'));
        job.location = {i + 1, 3};
        p.jobs.append(job);
    }
    QSet<QPair<int, int>> edges;
    while (edges.size() < kEdges) {
        int from = int(random.bounded(kJobs));
        int to = int(random.bounded(kJobs));
        if (from == to)
            continue;
        if (rank[size_t(from)] > rank[size_t(to)])
            std::swap(from, to);
        if (edges.contains({from, to}))
            continue;
        edges.insert({from, to});
        Job &job = p.jobs[to];
        job.dependencies.append(Dependency{p.jobs.at(from).name, DependencyStatus::Success,
                                           {to + 1, 20 + int(job.dependencies.size())}});
    }
    return p;
}

} // namespace

void tst_Dag::largeDag()
{
    const Pipeline p = largePipeline();
    const QList<Error> errors = Dag::validateAll(p);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).toString()));

    const Result<QStringList> order = Dag::topologicalOrder(p);
    QVERIFY2(order, qPrintable(order ? QString() : order.error().toString()));
    QCOMPARE(order->size(), p.jobs.size());
    QHash<QString, int> position;
    for (int i = 0; i < order->size(); ++i)
        position.insert(order->at(i), i);
    QCOMPARE(position.size(), p.jobs.size());
    int edgeCount = 0;
    for (const Job &job : p.jobs) {
        for (const Dependency &dep : job.dependencies) {
            ++edgeCount;
            if (position.value(dep.job) >= position.value(job.name))
                QFAIL(qPrintable(u"%1 comes before its upstream %2"_s.arg(job.name, dep.job)));
        }
    }
    QCOMPARE(edgeCount, 3000);

    // Exactly the jobs without a dependency are ready at the start.
    QHash<QString, RunState> states;
    const QStringList ready = Dag::readyJobs(p, states);
    QStringList roots;
    for (const QString &name : *order) {
        if (p.job(name)->dependencies.isEmpty())
            roots.append(name);
    }
    QVERIFY(!roots.isEmpty());
    QCOMPARE(ready, roots);
}

void tst_Dag::largeCycles()
{
    // One dependency back from the end of a long chain to its start: exactly one cycle, through
    // that dependency, even though many cycles of the component share it.
    Pipeline p = largePipeline();
    int top = -1;
    for (int i = 0; i < p.jobs.size() && top < 0; ++i) {
        if (!p.jobs.at(i).dependencies.isEmpty())
            top = i;
    }
    QVERIFY(top >= 0);
    int root = top;
    while (!p.jobs.at(root).dependencies.isEmpty())
        root = p.indexOf(p.jobs.at(root).dependencies.first().job);
    Job &rootJob = p.jobs[root];
    rootJob.dependencies.append(
        Dependency{p.jobs.at(top).name, DependencyStatus::Success, {root + 1, 99}});

    const QList<Error> errors = Dag::validateAll(p);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errorCodeName(errors.first().code), u"cycle"_s);
    const QStringList path = pathIn(errors.first().message).split(u" -> "_s);
    QVERIFY(path.size() >= 3);
    QCOMPARE(path.first(), path.last());
    int firstDefined = p.jobs.size();
    for (const QString &name : path)
        firstDefined = std::min(firstDefined, int(p.indexOf(name)));
    QCOMPARE(path.first(), p.jobs.at(firstDefined).name);
    bool usesBackEdge = false;
    for (int i = 0; i + 1 < path.size(); ++i) {
        const Job *downstream = p.job(path.at(i + 1));
        const auto dep = std::find_if(downstream->dependencies.cbegin(),
                                      downstream->dependencies.cend(),
                                      [&](const Dependency &d) { return d.job == path.at(i); });
        QVERIFY2(dep != downstream->dependencies.cend(), qPrintable(path.join(u' ')));
        if (i + 2 == path.size()) { // the closing dependency locates the error
            QCOMPARE(errors.first().line, dep->location.line);
            QCOMPARE(errors.first().column, dep->location.column);
        }
        usesBackEdge = usesBackEdge
                       || (path.at(i) == p.jobs.at(top).name && path.at(i + 1) == rootJob.name);
    }
    QVERIFY(usesBackEdge);

    // One cycle through all 2,000 jobs.
    Pipeline ring;
    for (int i = 0; i < 2000; ++i) {
        Job job;
        job.name = u"r%1"_s.arg(i);
        job.location = {i + 1, 1};
        const QString upstream = u"r%1"_s.arg((i + 1999) % 2000);
        job.dependencies.append(Dependency{upstream, DependencyStatus::Success, {i + 1, 10}});
        ring.jobs.append(job);
    }
    const QList<Error> ringErrors = Dag::validateAll(ring);
    QCOMPARE(located(ringErrors), QStringList{u"cycle 1:10"_s});
    const QStringList ringPath = pathIn(ringErrors.first().message).split(u" -> "_s);
    QCOMPARE(ringPath.size(), 2001);
    QCOMPARE(ringPath.at(1), u"r1"_s);
    QCOMPARE(ringPath.at(1999), u"r1999"_s);

    // 1,000 separate cycles of two jobs: one error each.
    Pipeline pairs;
    for (int i = 0; i < 2000; ++i) {
        Job job;
        job.name = u"p%1"_s.arg(i);
        job.dependencies.append(Dependency{u"p%1"_s.arg(i ^ 1), DependencyStatus::Success, {}});
        pairs.jobs.append(job);
    }
    QCOMPARE(Dag::findCycles(pairs).size(), 1000);
    QCOMPARE(Dag::findCycles(pairs).at(1), (QStringList{u"p2"_s, u"p3"_s, u"p2"_s}));
}

namespace {

// "a:ready", "b:skip"
QStringList decided(const QList<Decision> &decisions)
{
    QStringList out;
    for (const Decision &d : decisions)
        out.append(d.job + u':' + readinessName(d.readiness));
    return out;
}

}  // namespace

void tst_Dag::dependencyIndex()
{
    const DependencyIndex index(
            pipelineFrom({u"d <- b, c"_s, u"c <- a"_s, u"b <- a"_s, u"a"_s, u"e"_s}));
    QCOMPARE(index.jobs(), (QStringList{u"a"_s, u"c"_s, u"b"_s, u"d"_s, u"e"_s}));
    QCOMPARE(index.downstream(u"a"_s), (QStringList{u"c"_s, u"b"_s}));
    QCOMPARE(index.downstream(u"b"_s), QStringList{u"d"_s});
    QCOMPARE(index.downstream(u"d"_s), QStringList());
    QCOMPARE(index.downstream(u"nope"_s), QStringList());
    QVERIFY(index.job(u"c"_s));
    QCOMPARE(index.job(u"c"_s)->dependencies.first().job, u"a"_s);
    QCOMPARE(index.job(u"nope"_s), nullptr);
}

void tst_Dag::advance_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<QStringList>("candidates");
    QTest::addColumn<QStringList>("decisions");

    const QStringList chain{u"a"_s, u"b <- a"_s, u"c <- b"_s, u"d <- c"_s};
    QTest::newRow("fresh-run-every-job")
            << QStringList{u"a"_s, u"b <- a"_s, u"c"_s} << QStringList{}
            << QStringList{u"c"_s, u"b"_s, u"a"_s} << QStringList{u"a:ready"_s, u"c:ready"_s};
    QTest::newRow("downstream-ready") << chain << QStringList{u"a=success"_s} << QStringList{u"b"_s}
                                      << QStringList{u"b:ready"_s};
    QTest::newRow("blocked-downstream-not-returned")
            << chain << QStringList{u"a=running"_s} << QStringList{u"b"_s} << QStringList{};
    QTest::newRow("skip-propagates-past-candidates")
            << chain << QStringList{u"a=failed"_s} << QStringList{u"b"_s}
            << QStringList{u"b:skip"_s, u"c:skip"_s, u"d:skip"_s};
    QTest::newRow("finished-behind-a-skip-is-ready")
            << QStringList{u"a"_s, u"b <- a"_s, u"c <- b:finished"_s, u"d <- c"_s}
            << QStringList{u"a=failed"_s} << QStringList{u"b"_s}
            << QStringList{u"b:skip"_s, u"c:ready"_s};
    QTest::newRow("job-with-a-state-left-alone")
            << chain << QStringList{u"a=failed"_s, u"b=skipped"_s} << QStringList{u"b"_s}
            << QStringList{};
    QTest::newRow("join-waits-for-the-other-branch")
            << QStringList{u"a"_s, u"b"_s, u"c <- a, b"_s} << QStringList{u"a=success"_s}
            << QStringList{u"c"_s} << QStringList{};
    QTest::newRow("join-skips-before-the-other-branch-ends")
            << QStringList{u"a"_s, u"b"_s, u"c <- a, b"_s} << QStringList{u"a=failed"_s}
            << QStringList{u"c"_s} << QStringList{u"c:skip"_s};
    QTest::newRow("unknown-candidate-ignored")
            << chain << QStringList{u"a=success"_s} << QStringList{u"zz"_s, u"b"_s}
            << QStringList{u"b:ready"_s};
}

void tst_Dag::advance()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QStringList, states);
    QFETCH(QStringList, candidates);
    QFETCH(QStringList, decisions);

    const DependencyIndex index(pipelineFrom(pipeline));
    QHash<QString, RunState> current = statesFrom(states);
    const QList<Decision> result = Dag::advance(index, current, candidates);
    QCOMPARE(decided(result), decisions);
    for (const Decision &d : result) {
        QCOMPARE(current.value(d.job),
                 d.readiness == Readiness::Ready ? RunState::Waiting : RunState::Skipped);
    }
}

// A run of a 400-job random DAG with all three dependency kinds, followed one ended job at a
// time with advance() on that job's downstream only, decides at every step what a full pass
// (propagateSkips, then readyJobs with the skips recorded) decides.
void tst_Dag::advanceFollowsARunLikeFullPasses()
{
    constexpr int kJobs = 400;
    QRandomGenerator random(7);
    Pipeline p;
    for (int i = 0; i < kJobs; ++i) {
        Job job;
        job.name = u"j%1"_s.arg(i);
        const int deps = i == 0 ? 0 : int(random.bounded(4));
        QSet<int> used;
        for (int k = 0; k < deps; ++k) {
            const int from = int(random.bounded(std::max(0, i - 30), i));
            if (used.contains(from))
                continue;
            used.insert(from);
            const auto status = DependencyStatus(random.bounded(3));
            job.dependencies.append(Dependency{u"j%1"_s.arg(from), status, {}});
        }
        p.jobs.append(job);
    }
    const DependencyIndex index(p);
    const auto fullPass = [&p](QHash<QString, RunState> states) {
        QStringList decided;
        for (const QString &job : Dag::propagateSkips(p, states)) {
            decided.append(job + u":skip"_s);
            states.insert(job, RunState::Skipped);
        }
        for (const QString &job : Dag::readyJobs(p, states))
            decided.append(job + u":ready"_s);
        decided.sort();
        return decided;
    };
    const auto sorted = [](const QList<Decision> &decisions) {
        QStringList out = decided(decisions);
        out.sort();
        return out;
    };

    QHash<QString, RunState> states;
    QCOMPARE(sorted(Dag::advance(index, states, index.jobs())), fullPass({}));
    QStringList running;
    for (auto it = states.cbegin(); it != states.cend(); ++it) {
        if (it.value() == RunState::Waiting)
            running.append(it.key());
    }
    const RunState ends[] = {RunState::Success, RunState::Success, RunState::Success,
                             RunState::Failed, RunState::Cancelled};
    int steps = 0;
    while (!running.isEmpty()) {
        const QString job = running.takeAt(int(random.bounded(int(running.size()))));
        states.insert(job, ends[random.bounded(5)]);
        const QString expected = fullPass(states).join(u' ');
        const QList<Decision> decisions = Dag::advance(index, states, index.downstream(job));
        QCOMPARE(sorted(decisions).join(u' '), expected);
        for (const Decision &d : decisions) {
            if (d.readiness == Readiness::Ready)
                running.append(d.job);
        }
        ++steps;
    }
    QCOMPARE(states.size(), kJobs);  // every job decided in the end
    QVERIFY2(steps > 100, qPrintable(QString::number(steps)));
}

void tst_Dag::downstreamPart_data()
{
    QTest::addColumn<QStringList>("pipeline");
    QTest::addColumn<QString>("job");
    QTest::addColumn<QStringList>("part");  // as pipelineFrom() reads it, statuses spelled out

    // extract -> transform -> load -> publish, extract -> index -> publish, load -> on_fail.
    const QStringList etl{u"extract"_s,
                          u"transform <- extract"_s,
                          u"index <- extract"_s,
                          u"load <- transform"_s,
                          u"on_fail <- load:failed"_s,
                          u"publish <- load, index"_s};
    QTest::newRow("root-is-the-whole-pipeline")
            << etl << u"extract"_s
            << QStringList{u"extract"_s,     u"transform <- extract"_s,
                           u"index <- extract"_s, u"load <- transform"_s,
                           u"on_fail <- load:failed"_s, u"publish <- load, index"_s};
    QTest::newRow("middle-job-and-its-downstream")
            << etl << u"transform"_s
            << QStringList{u"transform"_s, u"load <- transform"_s, u"on_fail <- load:failed"_s,
                           u"publish <- load"_s};
    QTest::newRow("other-branch")
            << etl << u"index"_s << QStringList{u"index"_s, u"publish <- index"_s};
    QTest::newRow("leaf-alone") << etl << u"publish"_s << QStringList{u"publish"_s};
    QTest::newRow("unknown-job") << etl << u"nope"_s << QStringList{};
    QTest::newRow("file-order-kept")
            << QStringList{u"d <- c"_s, u"c <- b"_s, u"b <- a"_s, u"a"_s} << u"b"_s
            << QStringList{u"d <- c"_s, u"c <- b"_s, u"b"_s};
    QTest::newRow("through-two-paths")
            << QStringList{u"a"_s, u"b <- a"_s, u"c <- a, b:finished"_s, u"d <- c, x"_s, u"x"_s}
            << u"a"_s
            << QStringList{u"a"_s, u"b <- a"_s, u"c <- a, b:finished"_s, u"d <- c"_s};
    QTest::newRow("first-of-a-duplicated-name")
            << QStringList{u"a"_s, u"b <- a"_s, u"b"_s, u"c <- b"_s} << u"b"_s
            << QStringList{u"b"_s, u"c <- b"_s};
    QTest::newRow("cycle-does-not-loop")
            << QStringList{u"a"_s, u"b <- a, c"_s, u"c <- b"_s} << u"a"_s
            << QStringList{u"a"_s, u"b <- a, c"_s, u"c <- b"_s};
}

void tst_Dag::downstreamPart()
{
    QFETCH(QStringList, pipeline);
    QFETCH(QString, job);
    QFETCH(QStringList, part);
    Pipeline full = pipelineFrom(pipeline);
    full.name = u"etl"_s;
    full.parameters = {{u"day"_s, u"today"_s}};
    const Pipeline result = Dag::downstreamPart(full, job);
    QStringList described;
    for (const Job &j : result.jobs) {
        QStringList deps;
        for (const Dependency &dep : j.dependencies) {
            deps.append(dep.status == DependencyStatus::Success
                                ? dep.job
                                : dep.job + u':' + dependencyStatusName(dep.status));
        }
        described.append(deps.isEmpty() ? j.name : j.name + u" <- "_s + deps.join(u", "_s));
    }
    QCOMPARE(described, part);
    QCOMPARE(result.name, full.name);
    QCOMPARE(result.parameters, full.parameters);
}

QTEST_APPLESS_MAIN(tst_Dag)

#include "tst_dag.moc"

#include <master/scheduling/predispatch.h>

#include <QTest>

Q_DECLARE_METATYPE(Orrery::Job)
Q_DECLARE_METATYPE(Orrery::Master::PredispatchVeto)
Q_DECLARE_METATYPE(Orrery::Master::HeldRunFate)

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

namespace {

Job cronJob()
{
    Job j;
    j.id = JobId(1);
    j.name = u"report"_s;
    j.schedule = u"0 * * * * *"_s;
    j.command = u"true"_s;
    return j;  // concurrency forbid, the default
}

PredispatchPolicy lead(qint64 ms)
{
    PredispatchPolicy p;
    p.leadMs = ms;
    return p;
}

}  // namespace

namespace QTest {
template<>
char *toString(const PredispatchVeto &veto)
{
    return qstrdup(predispatchVetoName(veto).toUtf8().constData());
}
template<>
char *toString(const HeldRunFate &fate)
{
    return qstrdup(fate == HeldRunFate::Redispatch ? "redispatch" : "lost");
}
}  // namespace QTest

class tst_Predispatch : public QObject
{
    Q_OBJECT

private slots:
    void veto_data();
    void veto();
    void startAt_data();
    void startAt();
    void clockSkew();
    void heldRunFate_data();
    void heldRunFate();
};

void tst_Predispatch::veto_data()
{
    QTest::addColumn<Job>("job");
    QTest::addColumn<bool>("inPipeline");
    QTest::addColumn<int>("activeRuns");
    QTest::addColumn<qint64>("leadMs");
    QTest::addColumn<PredispatchVeto>("expected");

    const Job plain = cronJob();
    QTest::newRow("plain-cron-job") << plain << false << 0 << qint64(1000) << PredispatchVeto::None;
    QTest::newRow("lead-zero-is-off") << plain << false << 0 << qint64(0) << PredispatchVeto::Off;
    QTest::newRow("negative-lead-is-off")
            << plain << false << 0 << qint64(-5) << PredispatchVeto::Off;

    Job disabled = plain;
    disabled.enabled = false;
    QTest::newRow("disabled") << disabled << false << 0 << qint64(1000)
                              << PredispatchVeto::Disabled;

    QTest::newRow("pipeline-root")
            << plain << true << 0 << qint64(1000) << PredispatchVeto::Pipeline;
    Job downstream = plain;
    downstream.dependencies.append(Dependency{u"extract"_s, DependencyStatus::Success, {}});
    QTest::newRow("has-dependencies")
            << downstream << false << 0 << qint64(1000) << PredispatchVeto::Pipeline;

    Job empty = plain;
    empty.command = u"  "_s;
    QTest::newRow("no-command") << empty << false << 0 << qint64(1000)
                                << PredispatchVeto::NoCommand;

    Job broadcast = plain;
    broadcast.strategy = DispatchStrategy::Broadcast;
    QTest::newRow("broadcast") << broadcast << false << 0 << qint64(1000)
                               << PredispatchVeto::Broadcast;

    Job locked = plain;
    locked.resources.append(ResourceLock{u"database_lock"_s, u"primary_db"_s, {}});
    QTest::newRow("resource-lock")
            << locked << false << 0 << qint64(1000) << PredispatchVeto::ResourceLocks;

    Job notBefore = plain;
    notBefore.notBeforeMinute = 120;
    QTest::newRow("not-before") << notBefore << false << 0 << qint64(1000)
                                << PredispatchVeto::TimeDependency;
    Job window = plain;
    window.window = DailyWindow{60, 120};
    QTest::newRow("window") << window << false << 0 << qint64(1000)
                            << PredispatchVeto::TimeDependency;

    QTest::newRow("forbid-idle") << plain << false << 0 << qint64(1000) << PredispatchVeto::None;
    QTest::newRow("forbid-with-active-run")
            << plain << false << 1 << qint64(1000) << PredispatchVeto::ActiveRun;
    Job replace = plain;
    replace.concurrency = ConcurrencyPolicy::Replace;
    QTest::newRow("replace-idle") << replace << false << 0 << qint64(1000) << PredispatchVeto::None;
    QTest::newRow("replace-with-active-run")
            << replace << false << 2 << qint64(1000) << PredispatchVeto::ActiveRun;
    Job allow = plain;
    allow.concurrency = ConcurrencyPolicy::Allow;
    QTest::newRow("allow-with-active-runs")
            << allow << false << 3 << qint64(1000) << PredispatchVeto::None;
}

void tst_Predispatch::veto()
{
    QFETCH(Job, job);
    QFETCH(bool, inPipeline);
    QFETCH(int, activeRuns);
    QFETCH(qint64, leadMs);
    QFETCH(PredispatchVeto, expected);
    QCOMPARE(predispatchVeto(job, inPipeline, activeRuns, lead(leadMs)), expected);
}

void tst_Predispatch::startAt_data()
{
    QTest::addColumn<qint64>("fireMs");
    QTest::addColumn<qint64>("skewMs");
    QTest::addColumn<qint64>("deadbandMs");
    QTest::addColumn<qint64>("expected");

    const qint64 fire = 1764080001000;
    QTest::newRow("no-skew") << fire << qint64(0) << qint64(20) << fire;
    // Inside the deadband the estimate is mostly transit delay: the instant as it is.
    QTest::newRow("small-negative-skew-ignored") << fire << qint64(-3) << qint64(20) << fire;
    QTest::newRow("small-positive-skew-ignored") << fire << qint64(19) << qint64(20) << fire;
    QTest::newRow("agent-ahead") << fire << qint64(250) << qint64(20) << fire + 250;
    QTest::newRow("agent-behind") << fire << qint64(-1500) << qint64(20) << fire - 1500;
    QTest::newRow("deadband-zero-applies-every-skew")
            << fire << qint64(-1) << qint64(0) << fire - 1;
    QTest::newRow("never-zero-or-negative")
            << qint64(100) << qint64(-5000) << qint64(20) << qint64(1);
}

void tst_Predispatch::startAt()
{
    QFETCH(qint64, fireMs);
    QFETCH(qint64, skewMs);
    QFETCH(qint64, deadbandMs);
    QFETCH(qint64, expected);
    PredispatchPolicy policy = lead(1000);
    policy.skewDeadbandMs = deadbandMs;
    QCOMPARE(agentStartAtMs(fireMs, skewMs, policy), expected);
}

void tst_Predispatch::clockSkew()
{
    QList<qint64> samples;
    QCOMPARE(estimateClockSkew(samples), qint64(0));
    // Agent 500 ms ahead; each heartbeat took 2..40 ms to be read: the least delayed wins.
    for (qint64 delay : {40, 12, 2, 25, 7})
        addClockSkewSample(samples, 500 - delay, 4);
    QCOMPARE(samples.size(), qsizetype(4));  // the oldest (40 ms late) was dropped
    QCOMPARE(estimateClockSkew(samples), qint64(498));
    // The clock was stepped back by NTP: once the old samples are out, the estimate follows.
    for (int i = 0; i < 4; ++i)
        addClockSkewSample(samples, -3 - i, 4);
    QCOMPARE(estimateClockSkew(samples), qint64(-3));
}

void tst_Predispatch::heldRunFate_data()
{
    QTest::addColumn<qint64>("startAtMs");
    QTest::addColumn<qint64>("nowMs");
    QTest::addColumn<HeldRunFate>("expected");
    QTest::newRow("instant-ahead") << qint64(5000) << qint64(4000) << HeldRunFate::Redispatch;
    QTest::newRow("instant-now") << qint64(5000) << qint64(5000) << HeldRunFate::Lost;
    QTest::newRow("instant-passed") << qint64(5000) << qint64(5001) << HeldRunFate::Lost;
    QTest::newRow("not-pre-dispatched") << qint64(0) << qint64(5000) << HeldRunFate::Lost;
}

void tst_Predispatch::heldRunFate()
{
    QFETCH(qint64, startAtMs);
    QFETCH(qint64, nowMs);
    QFETCH(HeldRunFate, expected);
    QCOMPARE(Orrery::Master::heldRunFate(startAtMs, nowMs), expected);
}

QTEST_APPLESS_MAIN(tst_Predispatch)
#include "tst_predispatch.moc"

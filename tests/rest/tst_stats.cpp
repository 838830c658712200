// GET /api/v1/stats over real HTTPS: today's totals, success rate, mean duration, queue and
// abnormal runs, per hour (24h) and per day (7d) in the asked time zone, and refusals.

#include "restfixture.h"

#include <QJsonArray>
#include <QTest>
#include <QTimeZone>

using namespace Orrery;
using namespace Orrery::Test;
using namespace Qt::Literals::StringLiterals;

namespace {

QDateTime utc(int day, int hour, int minute = 0)
{
    return QDateTime(QDate(2026, 1, day), QTime(hour, minute), QTimeZone::utc());
}

}  // namespace

class tst_Stats : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void todayAndHours();
    void daysInTheAskedZone();
    void refusals();

private:
    void runAt(const QDateTime &created, std::optional<RunState> end, int durationSecs);

    QTemporaryDir m_pkiDir;
    std::unique_ptr<RestFixture> m_f;
};

void tst_Stats::initTestCase()
{
    QVERIFY(m_pkiDir.isValid());
    const Result<Net::PkiFiles> pki = RestFixture::makePki(m_pkiDir.path());
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error().toString()));
    m_f = std::make_unique<RestFixture>();
    const QString error = m_f->start(*pki);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // Runs written through the store at chosen instants (the engine has no agent, so it
    // leaves them alone): yesterday 23:30 UTC a success of 60 s; today a success of 10 s,
    // a failure of 30 s, a timeout of 20 s, a cancelled run and a waiting one.
    runAt(utc(2, 23, 30), RunState::Success, 60);
    runAt(utc(3, 8, 10), RunState::Success, 10);
    runAt(utc(3, 8, 20), RunState::Failed, 30);
    runAt(utc(3, 9, 5), RunState::TimedOut, 20);
    runAt(utc(3, 9, 40), RunState::Cancelled, 0);
    runAt(utc(3, 10, 0), std::nullopt, 0);
    m_f->clock().set(utc(3, 10, 30));
}

void tst_Stats::runAt(const QDateTime &created, std::optional<RunState> end, int durationSecs)
{
    m_f->clock().set(created);
    NewRun nr;
    nr.job = JobId(42);
    nr.jobName = u"nightly-report"_s;
    nr.trigger = RunTrigger::Manual;
    const Result<RunRecord> run = m_f->store->createRun(nr);
    QVERIFY(run);
    if (!end)
        return;
    if (*end == RunState::Cancelled) {
        QVERIFY(m_f->store->transition(run->run.id(), 1, RunState::Cancelled, created));
        return;
    }
    QVERIFY(m_f->store->recordResult(run->run.id(), 1, *end, *end == RunState::Success ? 0 : 1,
                                     created, created.addSecs(durationSecs)));
}

void tst_Stats::todayAndHours()
{
    // A viewer may read it; 24h is the default range.
    const HttpReply r = m_f->get(u"/api/v1/stats?tz=UTC"_s, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    const QJsonObject s = r.json;
    QCOMPARE(s.value(u"range"_s).toString(), u"24h"_s);
    QCOMPARE(s.value(u"time_zone"_s).toString(), u"UTC"_s);
    QCOMPARE(s.value(u"day_start"_s).toString(), u"2026-01-03T00:00:00Z"_s);
    QCOMPARE(s.value(u"total_runs"_s).toInt(), 5);
    QCOMPARE(s.value(u"successes"_s).toInt(), 1);
    QCOMPARE(s.value(u"finished"_s).toInt(), 3);
    QCOMPARE(s.value(u"abnormal_runs"_s).toInt(), 2);
    QCOMPARE(s.value(u"queue_length"_s).toInt(), 1);
    QCOMPARE(s.value(u"success_rate"_s).toDouble(), 1.0 / 3.0);
    QCOMPARE(s.value(u"mean_duration_ms"_s).toDouble(), 20000.0);

    const QJsonArray buckets = s.value(u"buckets"_s).toArray();
    QCOMPARE(buckets.size(), 24);
    QCOMPARE(buckets.first().toObject().value(u"start"_s).toString(), u"2026-01-02T11:00:00Z"_s);
    QCOMPARE(buckets.last().toObject().value(u"start"_s).toString(), u"2026-01-03T10:00:00Z"_s);
    const QJsonObject late = buckets.at(12).toObject();  // 23:00 yesterday
    QCOMPARE(late.value(u"runs"_s).toInt(), 1);
    QCOMPARE(late.value(u"success_rate"_s).toDouble(), 1.0);
    QCOMPARE(late.value(u"mean_duration_ms"_s).toDouble(), 60000.0);
    const QJsonObject nine = buckets.at(22).toObject();  // 09:00: timeout and cancel
    QCOMPARE(nine.value(u"runs"_s).toInt(), 2);
    QCOMPARE(nine.value(u"abnormal"_s).toInt(), 1);
    QCOMPARE(nine.value(u"success_rate"_s).toDouble(), 0.0);
    const QJsonObject ten = buckets.at(23).toObject();  // 10:00: only the waiting run
    QCOMPARE(ten.value(u"runs"_s).toInt(), 1);
    QVERIFY(ten.value(u"success_rate"_s).isNull());
    QVERIFY(ten.value(u"mean_duration_ms"_s).isNull());
    QCOMPARE(buckets.at(0).toObject().value(u"runs"_s).toInt(), 0);
}

void tst_Stats::daysInTheAskedZone()
{
    // 18:30 in Shanghai: yesterday's 23:30 UTC run happened this morning there.
    const HttpReply r = m_f->get(u"/api/v1/stats?range=7d&tz=Asia%2FShanghai"_s, m_f->viewerToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"range"_s).toString(), u"7d"_s);
    QCOMPARE(r.json.value(u"time_zone"_s).toString(), u"Asia/Shanghai"_s);
    QCOMPARE(r.json.value(u"day_start"_s).toString(), u"2026-01-02T16:00:00Z"_s);
    QCOMPARE(r.json.value(u"total_runs"_s).toInt(), 6);
    QCOMPARE(r.json.value(u"successes"_s).toInt(), 2);
    QCOMPARE(r.json.value(u"mean_duration_ms"_s).toDouble(), 30000.0);
    const QJsonArray days = r.json.value(u"buckets"_s).toArray();
    QCOMPARE(days.size(), 7);
    QCOMPARE(days.first().toObject().value(u"start"_s).toString(), u"2025-12-27T16:00:00Z"_s);
    QCOMPARE(days.last().toObject().value(u"runs"_s).toInt(), 6);
    QCOMPARE(days.at(5).toObject().value(u"runs"_s).toInt(), 0);
}

void tst_Stats::refusals()
{
    QCOMPARE(m_f->get(u"/api/v1/stats"_s, QString()).status, 401);
    HttpReply r = m_f->get(u"/api/v1/stats?range=30d"_s, m_f->viewerToken);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), u"invalid_value"_s);
    QCOMPARE(r.errorField(), u"range"_s);
    r = m_f->get(u"/api/v1/stats?tz=Mars%2FOlympus"_s, m_f->viewerToken);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorField(), u"tz"_s);
}

QTEST_MAIN(tst_Stats)
#include "tst_stats.moc"

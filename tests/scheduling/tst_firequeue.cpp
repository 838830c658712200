#include <master/scheduling/firequeue.h>

#include <QRandomGenerator>
#include <QTest>

#include <map>
#include <set>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

namespace {

using Due = QList<std::pair<JobId, qint64>>;

// "3@100 1@200": job id @ fire time, so a failing QCOMPARE shows both sides.
QString describe(const Due &due)
{
    QStringList parts;
    for (const auto &[job, fireMs] : due)
        parts.append(job.toString() + u'@' + QString::number(fireMs));
    return parts.join(u' ');
}

QString describe(const std::optional<qint64> &ms)
{
    return ms ? QString::number(*ms) : u"none"_s;
}

JobId job(qint64 id)
{
    return JobId(id);
}

}  // namespace

class tst_FireQueue : public QObject
{
    Q_OBJECT

private slots:
    void empty();
    void order_data();
    void order();
    void tiesByJobId();
    void replace();
    void replaceBackAndForth();
    void remove();
    void takeDueBoundary();
    void takeDueTwiceAndReschedule();
    void randomAgainstModel();
    void hundredThousandJobs();
};

void tst_FireQueue::empty()
{
    FireQueue q;
    QVERIFY(q.isEmpty());
    QCOMPARE(q.size(), 0);
    QCOMPARE(describe(q.nextFireMs()), u"none"_s);
    QCOMPARE(describe(q.takeDue(std::numeric_limits<qint64>::max())), QString());
    QVERIFY(!q.contains(job(1)));
    QCOMPARE(describe(q.fireTimeOf(job(1))), u"none"_s);
    q.remove(job(1));
    QVERIFY(q.isEmpty());
}

void tst_FireQueue::order_data()
{
    QTest::addColumn<QList<qint64>>("fireTimes");  // of jobs 1, 2, 3, ...
    QTest::addColumn<QString>("expected");

    QTest::newRow("ascending") << QList<qint64>{100, 200, 300} << u"1@100 2@200 3@300"_s;
    QTest::newRow("descending") << QList<qint64>{300, 200, 100} << u"3@100 2@200 1@300"_s;
    QTest::newRow("mixed") << QList<qint64>{500, 100, 400, 200, 300}
                           << u"2@100 4@200 5@300 3@400 1@500"_s;
    QTest::newRow("negative-and-zero") << QList<qint64>{0, -50, 7} << u"2@-50 1@0 3@7"_s;
    QTest::newRow("single") << QList<qint64>{42} << u"1@42"_s;
}

void tst_FireQueue::order()
{
    QFETCH(QList<qint64>, fireTimes);
    QFETCH(QString, expected);

    FireQueue q;
    for (qsizetype i = 0; i < fireTimes.size(); ++i)
        q.schedule(job(i + 1), fireTimes.at(i));
    QCOMPARE(q.size(), fireTimes.size());
    QCOMPARE(describe(q.nextFireMs()),
             QString::number(*std::min_element(fireTimes.cbegin(), fireTimes.cend())));
    QCOMPARE(describe(q.takeDue(std::numeric_limits<qint64>::max())), expected);
    QVERIFY(q.isEmpty());
    QCOMPARE(describe(q.nextFireMs()), u"none"_s);
}

void tst_FireQueue::tiesByJobId()
{
    FireQueue q;
    for (const qint64 id : {7, 3, 9, 1, 5})
        q.schedule(job(id), 1000);
    q.schedule(job(2), 999);
    QCOMPARE(describe(q.takeDue(1000)), u"2@999 1@1000 3@1000 5@1000 7@1000 9@1000"_s);
}

void tst_FireQueue::replace()
{
    FireQueue q;
    q.schedule(job(1), 100);
    q.schedule(job(2), 150);
    q.schedule(job(1), 50);  // earlier
    QCOMPARE(q.size(), 2);
    QCOMPARE(describe(q.fireTimeOf(job(1))), u"50"_s);
    QCOMPARE(describe(q.nextFireMs()), u"50"_s);
    QCOMPARE(describe(q.takeDue(60)), u"1@50"_s);
    QCOMPARE(describe(q.takeDue(100)), QString());  // the replaced 100 is gone

    q.schedule(job(2), 300);  // the top moves later: the stale top must not show
    QCOMPARE(describe(q.nextFireMs()), u"300"_s);
    QCOMPARE(describe(q.takeDue(299)), QString());
    QCOMPARE(describe(q.fireTimeOf(job(2))), u"300"_s);
    q.schedule(job(2), 300);  // the same time again: still one entry
    QCOMPARE(describe(q.takeDue(300)), u"2@300"_s);
    QVERIFY(q.isEmpty());
}

void tst_FireQueue::replaceBackAndForth()
{
    FireQueue q;
    q.schedule(job(1), 10);
    q.schedule(job(1), 20);
    q.schedule(job(1), 10);  // two heap entries (10, 1) now: the job must come out once
    q.schedule(job(2), 15);
    QCOMPARE(q.size(), 2);
    QCOMPARE(describe(q.takeDue(30)), u"1@10 2@15"_s);
    QVERIFY(q.isEmpty());
    QCOMPARE(describe(q.nextFireMs()), u"none"_s);
}

void tst_FireQueue::remove()
{
    FireQueue q;
    q.schedule(job(1), 100);
    q.schedule(job(2), 200);
    q.schedule(job(3), 300);

    q.remove(job(1));  // the top
    QVERIFY(!q.contains(job(1)));
    QCOMPARE(q.size(), 2);
    QCOMPARE(describe(q.nextFireMs()), u"200"_s);
    QCOMPARE(describe(q.fireTimeOf(job(1))), u"none"_s);

    q.remove(job(3));   // not the top
    q.remove(job(42));  // unknown: nothing happens
    QCOMPARE(q.size(), 1);
    QCOMPARE(describe(q.nextFireMs()), u"200"_s);

    q.schedule(job(1), 50);  // back after removal
    QCOMPARE(describe(q.takeDue(1000)), u"1@50 2@200"_s);

    q.schedule(job(4), 10);
    q.remove(job(4));
    QVERIFY(q.isEmpty());
    QCOMPARE(describe(q.nextFireMs()), u"none"_s);
}

void tst_FireQueue::takeDueBoundary()
{
    FireQueue q;
    q.schedule(job(1), 999);
    q.schedule(job(2), 1000);
    q.schedule(job(3), 1001);
    QCOMPARE(describe(q.takeDue(998)), QString());
    QCOMPARE(q.size(), 3);
    QCOMPARE(describe(q.takeDue(1000)), u"1@999 2@1000"_s);  // fireMs <= now
    QVERIFY(!q.contains(job(1)));
    QVERIFY(!q.contains(job(2)));
    QVERIFY(q.contains(job(3)));
    QCOMPARE(describe(q.nextFireMs()), u"1001"_s);
}

void tst_FireQueue::takeDueTwiceAndReschedule()
{
    FireQueue q;
    q.schedule(job(1), 100);
    const Due first = q.takeDue(100);
    QCOMPARE(describe(first), u"1@100"_s);
    QCOMPARE(describe(q.takeDue(100)), QString());  // taken means gone
    // The engine schedules the next fire of what it took.
    q.schedule(job(1), 160);
    QCOMPARE(describe(q.nextFireMs()), u"160"_s);
    QCOMPARE(describe(q.takeDue(200)), u"1@160"_s);
}

// 10,000 random operations on a small set of jobs (so that replacements, removals of the top
// and stale entries are frequent), compared after each with a sorted-map model.
void tst_FireQueue::randomAgainstModel()
{
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    QRandomGenerator rng(seed);

    FireQueue q;
    std::map<JobId, qint64> model;  // job -> fire time
    qint64 now = 0;

    const auto modelNext = [&model]() -> std::optional<qint64> {
        std::optional<qint64> best;
        for (const auto &[j, t] : model) {
            if (!best || t < *best)
                best = t;
        }
        return best;
    };

    for (int step = 0; step < 10'000; ++step) {
        const JobId j = job(rng.bounded(1, 201));
        const quint32 op = rng.bounded(100);
        if (op < 55) {
            const qint64 t = now + rng.bounded(-50, 1000);
            q.schedule(j, t);
            model[j] = t;
        } else if (op < 75) {
            q.remove(j);
            model.erase(j);
        } else {
            now += rng.bounded(0, 200);
            std::set<std::pair<qint64, JobId>> expected;
            for (auto it = model.begin(); it != model.end();) {
                if (it->second <= now) {
                    expected.insert({it->second, it->first});
                    it = model.erase(it);
                } else {
                    ++it;
                }
            }
            Due want;
            for (const auto &[t, id] : expected)
                want.append({id, t});
            const Due got = q.takeDue(now);
            if (describe(got) != describe(want))
                qInfo("step %d", step);
            QCOMPARE(describe(got), describe(want));
        }
        QCOMPARE(q.size(), qsizetype(model.size()));
        QCOMPARE(describe(q.nextFireMs()), describe(modelNext()));
        const auto it = model.find(j);
        QCOMPARE(describe(q.fireTimeOf(j)),
                 describe(it == model.end() ? std::nullopt : std::optional(it->second)));
        QCOMPARE(q.contains(j), it != model.end());
    }
}

// The size the engine must handle: 100,000 jobs, each rescheduled several times (edits), then
// drained in slices as time passes. Everything comes out once, in order, at its last time.
void tst_FireQueue::hundredThousandJobs()
{
    constexpr int kJobs = 100'000;
    QRandomGenerator rng(20260308);
    FireQueue q;
    QHash<JobId, qint64> last;
    for (int round = 0; round < 3; ++round) {
        for (int i = 1; i <= kJobs; ++i) {
            const qint64 t = rng.bounded(0, 3'600'000);
            q.schedule(job(i), t);
            last.insert(job(i), t);
        }
        QCOMPARE(q.size(), kJobs);
    }
    for (int i = 1; i <= kJobs; i += 10)
        q.remove(job(i));
    QCOMPARE(q.size(), kJobs - kJobs / 10);

    qsizetype taken = 0;
    std::pair<qint64, JobId> previous{std::numeric_limits<qint64>::min(), JobId()};
    for (qint64 now = 0; now <= 3'600'000; now += 360'000) {
        for (const auto &[j, t] : q.takeDue(now)) {
            QVERIFY(t <= now);
            QVERIFY(previous < std::pair(t, j));
            QCOMPARE(t, last.value(j));
            QVERIFY(j.value() % 10 != 1);
            previous = {t, j};
            ++taken;
        }
        if (const auto next = q.nextFireMs())
            QVERIFY(*next > now);
    }
    QCOMPARE(taken, kJobs - kJobs / 10);
    QVERIFY(q.isEmpty());
}

QTEST_APPLESS_MAIN(tst_FireQueue)
#include "tst_firequeue.moc"

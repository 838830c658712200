#include <master/scheduling/locks.h>

#include <QRandomGenerator>
#include <QTest>

using namespace Orrery;
using namespace Orrery::Master;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString kDb = u"database_lock:primary_db"_s;
const QString kFtp = u"ftp_lock:upload"_s;

QString ids(const QList<RunId> &runs)
{
    QStringList out;
    for (RunId r : runs)
        out.append(QString::number(r.value()));
    return out.join(u' ');
}

}  // namespace

class tst_Locks : public QObject
{
    Q_OBJECT

private slots:
    void capacityOneSerialises();
    void grantOrderPriorityThenAge();
    void capacities();
    void allOrNothing();
    void reservationPreventsStarvation();
    void releaseWaitingAndLost();
    void reasons();
    void randomOperationsNeverExceedCapacity_data();
    void randomOperationsNeverExceedCapacity();
};

void tst_Locks::capacityOneSerialises()
{
    LockTable t;
    QCOMPARE(t.capacity(kDb), 1);
    t.request(RunId(1), Priority::P2, 0, {kDb});
    t.request(RunId(2), Priority::P2, 1, {kDb});
    QCOMPARE(ids(t.grant()), u"1"_s);
    QCOMPARE(ids(t.grant()), QString());
    QVERIFY(t.holdsAll(RunId(1)));
    QVERIFY(t.isWaiting(RunId(2)));
    QVERIFY(t.release(RunId(1)));
    QCOMPARE(ids(t.grant()), u"2"_s);
    QCOMPARE(ids(t.holders(kDb)), u"2"_s);
}

void tst_Locks::grantOrderPriorityThenAge()
{
    LockTable t;
    t.request(RunId(9), Priority::P2, 0, {kDb});
    QCOMPARE(ids(t.grant()), u"9"_s);  // holds it while the others queue
    t.request(RunId(1), Priority::P3, 10, {kDb});
    t.request(RunId(2), Priority::P2, 30, {kDb});
    t.request(RunId(3), Priority::P1, 50, {kDb});
    t.request(RunId(4), Priority::P2, 20, {kDb});
    t.request(RunId(5), Priority::P0, 90, {kDb});
    QString order;
    RunId holder(9);
    for (int i = 0; i < 5; ++i) {
        t.release(holder);
        const QList<RunId> g = t.grant();
        QCOMPARE(g.size(), 1);
        holder = g.first();
        order += QString::number(holder.value());
    }
    QCOMPARE(order, u"53421"_s);
}

void tst_Locks::capacities()
{
    LockTable t;
    t.setCapacity(kDb, 2);
    t.setCapacity(kFtp, 0);  // at least 1
    QCOMPARE(t.capacity(kFtp), 1);
    for (int i = 1; i <= 4; ++i)
        t.request(RunId(i), Priority::P2, i, {kDb});
    QCOMPARE(ids(t.grant()), u"1 2"_s);
    QCOMPARE(t.holderCount(kDb), 2);
    t.setCapacity(kDb, 3);  // raised at run time: one more goes
    QCOMPARE(ids(t.grant()), u"3"_s);
    t.setCapacity(kDb, 1);  // lowered: holders keep their units, nobody new until below
    t.release(RunId(1));
    QCOMPARE(ids(t.grant()), QString());
    t.release(RunId(2));
    t.release(RunId(3));
    QCOMPARE(ids(t.grant()), u"4"_s);
}

void tst_Locks::allOrNothing()
{
    LockTable t;
    t.request(RunId(1), Priority::P2, 0, {kFtp});
    QCOMPARE(ids(t.grant()), u"1"_s);
    t.request(RunId(2), Priority::P2, 1, {kDb, kFtp});
    QCOMPARE(ids(t.grant()), QString());
    QCOMPARE(t.holderCount(kDb), 0);  // did not take the free one
    t.release(RunId(1));
    QCOMPARE(ids(t.grant()), u"2"_s);
    QCOMPARE(t.holderCount(kDb), 1);
    QCOMPARE(t.holderCount(kFtp), 1);
    t.release(RunId(2));
    QCOMPARE(t.holderCount(kDb), 0);
    QCOMPARE(t.holderCount(kFtp), 0);
}

void tst_Locks::reservationPreventsStarvation()
{
    LockTable t;
    t.request(RunId(1), Priority::P2, 0, {kFtp});
    QCOMPARE(ids(t.grant()), u"1"_s);
    // Run 2 needs both; run 3 (later) needs only the db lock, which is free but reserved.
    t.request(RunId(2), Priority::P2, 1, {kDb, kFtp});
    t.request(RunId(3), Priority::P2, 2, {kDb});
    QCOMPARE(ids(t.grant()), QString());
    // A higher priority goes first even so.
    t.request(RunId(4), Priority::P1, 3, {kDb});
    QCOMPARE(ids(t.grant()), u"4"_s);
    t.release(RunId(4));
    t.release(RunId(1));
    QCOMPARE(ids(t.grant()), u"2"_s);
    t.release(RunId(2));
    QCOMPARE(ids(t.grant()), u"3"_s);
    // With capacity 2, a later request takes the unit beyond the reservation.
    LockTable u;
    u.setCapacity(kDb, 2);
    u.request(RunId(1), Priority::P2, 0, {kFtp});
    QCOMPARE(ids(u.grant()), u"1"_s);
    u.request(RunId(2), Priority::P2, 1, {kDb, kFtp});
    u.request(RunId(3), Priority::P2, 2, {kDb});
    u.request(RunId(5), Priority::P2, 3, {kDb});
    QCOMPARE(ids(u.grant()), u"3"_s);
}

void tst_Locks::releaseWaitingAndLost()
{
    LockTable t;
    t.request(RunId(1), Priority::P2, 0, {kDb});
    t.request(RunId(2), Priority::P2, 1, {kDb});
    QCOMPARE(ids(t.grant()), u"1"_s);
    QVERIFY(t.release(RunId(2)));  // cancelled while waiting
    QVERIFY(!t.isWaiting(RunId(2)));
    QVERIFY(t.release(RunId(1)));  // the run's node died: marked lost
    QVERIFY(!t.release(RunId(1)));
    QCOMPARE(ids(t.grant()), QString());
    QCOMPARE(t.holderCount(kDb), 0);
    // A request again from a holder is ignored (it already holds its locks).
    t.request(RunId(3), Priority::P2, 2, {kDb});
    QCOMPARE(ids(t.grant()), u"3"_s);
    t.request(RunId(3), Priority::P2, 2, {kDb});
    QVERIFY(!t.isWaiting(RunId(3)));
    QCOMPARE(t.holderCount(kDb), 1);
}

void tst_Locks::reasons()
{
    LockTable t;
    t.request(RunId(12), Priority::P2, 0, {kDb});
    QCOMPARE(ids(t.grant()), u"12"_s);
    t.request(RunId(13), Priority::P2, 1, {kDb});
    t.grant();
    QCOMPARE(t.waitingReason(RunId(13)),
             u"waiting for lock database_lock:primary_db (1 of 1 held by run 12)"_s);
    t.request(RunId(20), Priority::P2, 0, {kFtp});
    t.grant();
    t.release(RunId(12));
    t.request(RunId(14), Priority::P1, 0, {kFtp, kDb});  // ahead of 13, blocked on ftp
    QCOMPARE(ids(t.grant()), QString());
    QCOMPARE(t.waitingReason(RunId(13)),
             u"waiting for lock database_lock:primary_db (run 14 is ahead in its queue)"_s);
    QCOMPARE(t.waitingReason(RunId(12)), QString());
}

void tst_Locks::randomOperationsNeverExceedCapacity_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed : {1u, 2u, 3u, 42u, 1234u, 99991u})
        QTest::newRow(qPrintable(u"seed-"_s + QString::number(seed))) << seed;
}

void tst_Locks::randomOperationsNeverExceedCapacity()
{
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    const QStringList keys{kDb, kFtp, u"file_lock:report"_s};
    LockTable t;
    t.setCapacity(kFtp, 2);
    t.setCapacity(u"file_lock:report"_s, 3);
    QMap<RunId, QStringList> wants;  // requests made and not released (ordered: deterministic)
    qint64 nextRun = 1;
    int grants = 0;
    for (int op = 0; op < 200; ++op) {
        const int kind = int(rng.bounded(10));
        if (kind < 5 || wants.isEmpty()) {
            QStringList k;
            for (const QString &key : keys) {
                if (rng.bounded(2))
                    k.append(key);
            }
            if (k.isEmpty())
                k.append(keys.at(int(rng.bounded(3))));
            const RunId run(nextRun++);
            t.request(run, Priority(rng.bounded(4)), qint64(op), k);
            wants.insert(run, k);
        } else {
            const QList<RunId> runs = wants.keys();
            const RunId run = runs.at(int(rng.bounded(qsizetype(runs.size()))));
            QVERIFY(t.release(run));
            wants.remove(run);
        }
        const QList<RunId> granted = t.grant();
        grants += int(granted.size());
        for (RunId run : granted)
            QVERIFY(t.holdsAll(run));
        for (const QString &key : keys) {
            QVERIFY2(t.holderCount(key) <= t.capacity(key), qPrintable(key));
            for (RunId h : t.holders(key))
                QVERIFY(wants.value(h).contains(key));
        }
        // Nothing that fits is left waiting: a waiting run would exceed a capacity or take a
        // unit reserved by an earlier waiting request. Checked the simple way: grant() again
        // grants nothing.
        QVERIFY(t.grant().isEmpty());
        for (auto it = wants.cbegin(); it != wants.cend(); ++it)
            QCOMPARE(t.holdsAll(it.key()) || t.isWaiting(it.key()), true);
    }
    QVERIFY(grants >= 10);  // the sequence exercised grants, not only waits (20 to 64 here)
    // Liveness: releasing the holders one by one serves every waiting request.
    for (int round = 0; round < 1000 && !wants.isEmpty(); ++round) {
        for (auto it = wants.begin(); it != wants.end();) {
            if (t.holdsAll(it.key())) {
                QVERIFY(t.release(it.key()));
                it = wants.erase(it);
                break;
            }
            ++it;
        }
        t.grant();
    }
    QVERIFY(wants.isEmpty());
}

QTEST_APPLESS_MAIN(tst_Locks)
#include "tst_locks.moc"

#include "cluster.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Orrery::Testing;
using namespace Qt::Literals::StringLiterals;

// A job's check command (condition dependency) with a real master and agent: the check runs
// on the agent before the command, with the pipeline's ${} parameters substituted; a check
// that exits non-zero skips its job and the job's downstream, while a sibling whose check
// passes runs.
class TestCheckEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void failingCheckSkipsItsJobAndDownstream();

private:
    Cluster m_cluster;
};

void TestCheckEndToEnd::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.init(&error), qPrintable(error));
    QVERIFY2(!m_cluster.createAdminToken(&error).isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster.startMaster(&error), qPrintable(error));
    QVERIFY2(m_cluster.startAgent(u"n1"_s, &error), qPrintable(error));
}

void TestCheckEndToEnd::failingCheckSkipsItsJobAndDownstream()
{
    const QString dir = m_cluster.dir() + u"/flags"_s;
    QVERIFY(QDir().mkpath(dir));
    QFile present(dir + u"/present-2026-03-10"_s);
    QVERIFY(present.open(QIODevice::WriteOnly));
    present.close();
    const QByteArray marks = (m_cluster.dir() + u"/check-marks"_s).toUtf8();
    const QByteArray yaml
            = "name: checked\n"
              "parameters:\n"
              "  day: 2026-03-10\n"
              "pipeline:\n"
              "  - name: probe\n"
              "    command: echo probe >> MARKS\n"
              "  - name: load\n"
              "    dependencies: [probe]\n"
              "    check: test -f DIR/ready-${day}\n"
              "    check_timeout: 20s\n"
              "    command: echo load >> MARKS\n"
              "  - name: report\n"
              "    dependencies: [load]\n"
              "    command: echo report >> MARKS\n"
              "  - name: sibling\n"
              "    dependencies: [probe]\n"
              "    check: echo looking; test -f DIR/present-${day}\n"
              "    command: echo sibling >> MARKS\n";
    const HttpReply applied = m_cluster.request(
            "POST", u"/api/v1/apply?file=checked.yaml"_s,
            QByteArray(yaml).replace("MARKS", marks).replace("DIR", dir.toUtf8()),
            "application/yaml");
    QVERIFY2(applied.status == 200, applied.body.constData());

    // Running the root job runs the pipeline.
    const HttpReply started = m_cluster.post(u"/api/v1/tasks/probe/execute"_s, {});
    QVERIFY2(started.status == 202, started.body.constData());
    QMap<QString, QJsonObject> runs;
    const auto lastRuns = [&] {
        for (const QString &task : {u"probe"_s, u"load"_s, u"report"_s, u"sibling"_s}) {
            const QJsonArray list = m_cluster.get(u"/api/v1/tasks/%1/runs"_s.arg(task))
                                            .json.value(u"runs"_s)
                                            .toArray();
            runs.insert(task, list.isEmpty() ? QJsonObject() : list.first().toObject());
        }
        for (const QJsonObject &r : std::as_const(runs)) {
            const QString state = r.value(u"state"_s).toString();
            if (state.isEmpty() || state == u"waiting"_s || state == u"running"_s)
                return false;
        }
        return true;
    };
    QVERIFY2(Cluster::waitUntil(lastRuns, 30000), qPrintable(m_cluster.masterLog()));
    QCOMPARE(runs.value(u"probe"_s).value(u"state"_s).toString(), u"success"_s);
    QCOMPARE(runs.value(u"load"_s).value(u"state"_s).toString(), u"skipped"_s);
    QCOMPARE(runs.value(u"report"_s).value(u"state"_s).toString(), u"skipped"_s);
    QCOMPARE(runs.value(u"sibling"_s).value(u"state"_s).toString(), u"success"_s);

    // The check ran on the node and its reason is stored with the run's attempt.
    const QString loadId = runs.value(u"load"_s).value(u"id"_s).toString();
    const QJsonObject load = m_cluster.get(u"/api/v1/runs/"_s + loadId).json;
    QCOMPARE(load.value(u"node"_s).toString(), u"n1"_s);
    const QJsonArray attempts = load.value(u"attempts"_s).toArray();
    QCOMPARE(attempts.size(), 1);  // not retried
    QCOMPARE(attempts.first().toObject().value(u"reason"_s).toString(),
             u"check `test -f %1/ready-2026-03-10` exited 1"_s.arg(dir));
    QVERIFY2(m_cluster.runOutput(loadId).startsWith("[orrery: check test -f " + dir.toUtf8()
                                                    + "/ready-2026-03-10]\n"),
             m_cluster.runOutput(loadId).constData());
    const QString siblingId = runs.value(u"sibling"_s).value(u"id"_s).toString();
    QCOMPARE(m_cluster.runOutput(siblingId),
             "[orrery: check echo looking; test -f " + dir.toUtf8()
                     + "/present-2026-03-10]\nlooking\n[orrery: check passed, running the command]\n");

    QFile f(QString::fromUtf8(marks));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("probe\nsibling\n"));
}

QTEST_GUILESS_MAIN(TestCheckEndToEnd)
#include "tst_check_e2e.moc"

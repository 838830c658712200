#pragma once

// Shared by the engine tests: readable QCOMPARE failures and a store in a temporary directory.

#include <master/engine/engine.h>
#include <model/runstate.h>
#include <store/store.h>

#include <QFile>
#include <QTest>
#include <QTimeZone>

namespace Orrery {

inline char *toString(const ErrorCode &code)
{
    return QTest::toString(errorCodeName(code));
}

inline char *toString(const RunState &state)
{
    return QTest::toString(runStateName(state));
}

inline char *toString(const RunTrigger &trigger)
{
    return QTest::toString(runTriggerName(trigger));
}

inline char *toString(const JobId &id)
{
    return QTest::toString(id.toString());
}

inline char *toString(const RunId &id)
{
    return QTest::toString(id.toString());
}

}  // namespace Orrery

namespace EngineTest {

inline QDateTime utc(int y, int m, int d, int h = 0, int min = 0, int s = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min, s), QTimeZone::utc());
}

template<typename T>
QString errorText(const Orrery::Result<T> &r)
{
    return r ? QString() : r.error().toString();
}

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qWarning("cannot read %s", qPrintable(path));
    return f.readAll();
}

inline Orrery::Master::Actor tester()
{
    return Orrery::Master::Actor{QStringLiteral("tester"), QStringLiteral("127.0.0.1")};
}

// Runs of a job, oldest first.
inline QList<Orrery::RunRecord> runsOf(Orrery::Store &store, Orrery::JobId job)
{
    auto runs = store.listRunsByJob(job, 1000);
    if (!runs)
        return {};
    QList<Orrery::RunRecord> out(runs->crbegin(), runs->crend());
    return out;
}

}  // namespace EngineTest

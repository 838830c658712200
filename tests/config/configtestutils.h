#pragma once

// Shared by the tests of Orrery::Config: readable QCOMPARE failures and fixture paths.

#include <config/jobtemplate.h>
#include <config/pipelinefile.h>
#include <model/error.h>

#include <QFile>
#include <QTest>

namespace Orrery {

inline char *toString(const ErrorCode &code)
{
    return QTest::toString(errorCodeName(code));
}

inline char *toString(const Error &error)
{
    return QTest::toString(error.toString());
}

inline char *toString(const Pipeline &pipeline)
{
    return QTest::toString(QString::fromUtf8(Config::writePipeline(pipeline)));
}

inline char *toString(const Job &job)
{
    return QTest::toString(QString::fromUtf8(Config::writeJob(job)));
}

}  // namespace Orrery

namespace ConfigTest {

inline QString dataPath(const QString &name)
{
    return QStringLiteral(ORRERY_TEST_DATA_DIR) + u'/' + name;
}

inline QByteArray readData(const QString &name)
{
    QFile f(dataPath(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open test data %s", qPrintable(f.fileName()));
    return f.readAll();
}

}  // namespace ConfigTest

#pragma once

// Shared by the editor tests: small pipelines and readable QCOMPARE failures.

#include "../config/configtestutils.h"

#include <editor/pipelinedocument.h>

#include <QTest>

namespace Orrery {

inline char *toString(const Editor::Placement &p)
{
    return QTest::toString(QStringLiteral("(%1, %2)%3")
                                   .arg(p.pos.x())
                                   .arg(p.pos.y())
                                   .arg(p.manual ? QStringLiteral(" manual") : QString()));
}

}  // namespace Orrery

namespace EditorTest {

using namespace Orrery;

inline Job job(const QString &name, const QList<Dependency> &deps = {})
{
    Job j;
    j.name = name;
    j.command = QStringLiteral("echo ") + name;
    j.dependencies = deps;
    return j;
}

inline Dependency after(const QString &name, DependencyStatus s = DependencyStatus::Success)
{
    return Dependency{name, s, {}};
}

// a -> b -> c, and c also after a on failure.
inline Pipeline chain()
{
    Pipeline p;
    p.name = QStringLiteral("chain");
    p.jobs = {job(QStringLiteral("a")), job(QStringLiteral("b"), {after(QStringLiteral("a"))}),
              job(QStringLiteral("c"), {after(QStringLiteral("b")),
                                        after(QStringLiteral("a"), DependencyStatus::Failed)})};
    return p;
}

// a -> b -> c only.
inline Pipeline line()
{
    Pipeline p = chain();
    p.jobs[2].dependencies.removeLast();
    return p;
}

// The seed's pipeline (section 3.2 of the brief), as the config tests keep it.
inline QString seedPipelinePath()
{
    return QStringLiteral(ORRERY_SOURCE_DIR "/tests/config/data/pipeline.yaml");
}

}  // namespace EditorTest

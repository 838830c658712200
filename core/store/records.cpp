#include "records.h"

#include <QList>

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

namespace {
template<typename E>
std::optional<E> fromName(const QList<QString> &names, const QString &name)
{
    const qsizetype i = names.indexOf(name);
    if (i < 0)
        return std::nullopt;
    return static_cast<E>(i);
}

const QList<QString> &triggerNames()
{
    static const QList<QString> names{u"schedule"_s, u"manual"_s, u"retry"_s, u"backfill"_s};
    return names;
}
const QList<QString> &nodeStateNames()
{
    static const QList<QString> names{u"online"_s, u"offline"_s, u"draining"_s, u"revoked"_s};
    return names;
}
const QList<QString> &roleNames()
{
    static const QList<QString> names{u"admin"_s, u"operator"_s, u"viewer"_s};
    return names;
}
}  // namespace

QString runTriggerName(RunTrigger t)
{
    return triggerNames().at(static_cast<int>(t));
}
std::optional<RunTrigger> runTriggerFromName(const QString &name)
{
    return fromName<RunTrigger>(triggerNames(), name);
}

QString outputStreamName(OutputStream s)
{
    return s == OutputStream::Stdout ? u"stdout"_s : u"stderr"_s;
}

QString nodeStateName(NodeState s)
{
    return nodeStateNames().at(static_cast<int>(s));
}
std::optional<NodeState> nodeStateFromName(const QString &name)
{
    return fromName<NodeState>(nodeStateNames(), name);
}

QString tokenRoleName(TokenRole r)
{
    return roleNames().at(static_cast<int>(r));
}
std::optional<TokenRole> tokenRoleFromName(const QString &name)
{
    return fromName<TokenRole>(roleNames(), name);
}

}  // namespace Orrery

// Auto-scale (issue 5): the fleet fed to the Autoscaler on every liveness tick, the hook
// command run on a decision, and the node drained on a scale-in.

#include "engineprivate.h"

#include <store/store.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace Qt::Literals::StringLiterals;

namespace Orrery::Master {

using namespace Internal;

namespace {

constexpr int kHookTimeoutMs = 60 * 1000;

}  // namespace

void Engine::Private::observeFleet()
{
    if (options.autoscaleHook.isEmpty() || !started)
        return;
    if (!autoscaler)
        autoscaler.emplace(options.autoscalePolicy);
    FleetSnapshot snapshot;
    snapshot.atMs = clock.nowMs();
    qint64 waited = 0;
    for (const ActiveRun &run : std::as_const(active)) {
        if (run.state == RunState::Waiting && !run.dispatched && !run.retryPending) {
            ++snapshot.queueLength;
            waited += std::max<qint64>(0, snapshot.atMs - run.queuedMs);
        }
    }
    snapshot.averageWaitMs = snapshot.queueLength > 0 ? waited / snapshot.queueLength : 0;
    snapshot.nodes = candidates();
    const AutoscaleDecision decision = autoscaler->observe(snapshot);
    if (decision.triggers.isEmpty())
        return;
    // Every decision is logged, and the ones acted on or held are audited (visible in the GUI
    // and through /api/v1/audit).
    qCInfo(lcEngine, "autoscale: %s", qPrintable(decision.summary));
    QString drainNode;
    if (decision.action == AutoscaleDecision::Action::ScaleIn && decision.drain)
        drainNode = nodeNames.value(*decision.drain);
    const QString action = decision.heldByCooldown
                                   ? u"autoscale.held"_s
                                   : u"autoscale."_s + autoscaleActionName(decision.action);
    audit(Actor{u"system"_s, QString()}, action, drainNode.isEmpty() ? u"fleet"_s : drainNode,
          decision.summary);
    if (decision.action != AutoscaleDecision::Action::None) {
        if (!drainNode.isEmpty()) {
            auto node = nodes.find(drainNode);
            if (node != nodes.end() && node->status.record.state != NodeState::Draining) {
                if (auto r = store.setNodeState(drainNode, NodeState::Draining); r) {
                    node->status.record.state = NodeState::Draining;
                    emit q->nodeChanged(drainNode);
                } else {
                    qCWarning(lcEngine, "autoscale: cannot drain '%s': %s", qPrintable(drainNode),
                              qPrintable(r.error().toString()));
                }
            }
        }
        runAutoscaleHook(decision, drainNode);
    }
    emit q->autoscaleDecided(decision);
}

void Engine::Private::runAutoscaleHook(const AutoscaleDecision &decision, const QString &drainNode)
{
    QJsonObject body{
            {u"action"_s, autoscaleActionName(decision.action)},
            {u"triggers"_s, QJsonArray::fromStringList(decision.triggers)},
            {u"summary"_s, decision.summary},
            {u"queue_length"_s, int(queue.size())},
            {u"at"_s, clock.now().toUTC().toString(Qt::ISODateWithMs)},
    };
    if (!drainNode.isEmpty())
        body.insert(u"drain_node"_s, drainNode);
    QJsonArray list;
    for (const NodeCandidate &c : candidates())
        list.append(QJsonObject{{u"name"_s, c.name},
                                {u"running"_s, c.running},
                                {u"max_parallel"_s, c.maxParallel},
                                {u"draining"_s, c.draining}});
    body.insert(u"nodes"_s, list);
    const QByteArray input = QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n';

    auto *process = new QProcess(q);
    process->setProgram(u"/bin/sh"_s);
    process->setArguments({u"-c"_s, options.autoscaleHook});
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->setStandardOutputFile(QProcess::nullDevice());
    auto *timeout = new QTimer(process);
    timeout->setSingleShot(true);
    QObject::connect(timeout, &QTimer::timeout, process, [process] {
        qCWarning(lcEngine, "autoscale hook still running after %d s, killed",
                  kHookTimeoutMs / 1000);
        process->kill();
    });
    QObject::connect(process, &QProcess::finished, process,
                     [process](int exitCode, QProcess::ExitStatus status) {
                         if (status == QProcess::NormalExit && exitCode == 0)
                             qCInfo(lcEngine, "autoscale hook done");
                         else
                             qCWarning(lcEngine, "autoscale hook failed (exit %d)", exitCode);
                         process->deleteLater();
                     });
    QObject::connect(process, &QProcess::errorOccurred, process,
                     [process](QProcess::ProcessError error) {
                         if (error == QProcess::FailedToStart) {
                             qCWarning(lcEngine, "autoscale hook did not start: %s",
                                       qPrintable(process->errorString()));
                             process->deleteLater();
                         }
                     });
    process->start();
    process->write(input);
    process->closeWriteChannel();
    timeout->start(kHookTimeoutMs);
}

}  // namespace Orrery::Master

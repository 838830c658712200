#include "runstate.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace Orrery {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Orrery::Model)
};
} // namespace

const QList<RunState> &allRunStates()
{
    static const QList<RunState> states{RunState::Waiting,   RunState::Running, RunState::Success,
                                        RunState::Failed,    RunState::TimedOut, RunState::Cancelled,
                                        RunState::Lost,      RunState::Skipped};
    return states;
}

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Waiting: return u"waiting"_s;
    case RunState::Running: return u"running"_s;
    case RunState::Success: return u"success"_s;
    case RunState::Failed: return u"failed"_s;
    case RunState::TimedOut: return u"timed_out"_s;
    case RunState::Cancelled: return u"cancelled"_s;
    case RunState::Lost: return u"lost"_s;
    case RunState::Skipped: return u"skipped"_s;
    }
    return QString();
}

std::optional<RunState> runStateFromName(const QString &name)
{
    for (RunState s : allRunStates()) {
        if (runStateName(s) == name)
            return s;
    }
    return std::nullopt;
}

bool isFinal(RunState state)
{
    return state != RunState::Waiting && state != RunState::Running;
}

bool isFailure(RunState state)
{
    return state == RunState::Failed || state == RunState::TimedOut || state == RunState::Lost;
}

bool isRetryable(RunState state)
{
    return isFailure(state);
}

bool canTransition(RunState from, RunState to)
{
    switch (from) {
    case RunState::Waiting:
        return to == RunState::Running || to == RunState::Cancelled || to == RunState::Skipped
               || to == RunState::Lost;
    case RunState::Running:
        return to == RunState::Success || to == RunState::Failed || to == RunState::TimedOut
               || to == RunState::Cancelled || to == RunState::Lost || to == RunState::Waiting
               || to == RunState::Skipped; // its check command said no (Job::check)
    default:
        return false; // final states never change; a retry is a new attempt
    }
}

Result<void> checkTransition(RunState from, RunState to)
{
    if (canTransition(from, to))
        return {};
    if (isFinal(from))
        return makeError(ErrorCode::IllegalTransition,
                         Tr::tr("a run in state '%1' is final and cannot become '%2'")
                             .arg(runStateName(from), runStateName(to)));
    return makeError(ErrorCode::IllegalTransition,
                     Tr::tr("a run cannot go from '%1' to '%2'").arg(runStateName(from), runStateName(to)));
}

QString pipelineRunStateName(PipelineRunState state)
{
    switch (state) {
    case PipelineRunState::Running:
        return u"running"_s;
    case PipelineRunState::Success:
        return u"success"_s;
    case PipelineRunState::Failed:
        return u"failed"_s;
    case PipelineRunState::Cancelled:
        return u"cancelled"_s;
    }
    return u"running"_s;
}

PipelineRunState pipelineRunState(const QList<RunState> &jobStates)
{
    if (jobStates.isEmpty())
        return PipelineRunState::Running;
    bool failed = false;
    bool cancelled = false;
    for (RunState s : jobStates) {
        if (!isFinal(s))
            return PipelineRunState::Running;
        failed = failed || s == RunState::Failed || s == RunState::TimedOut || s == RunState::Lost;
        cancelled = cancelled || s == RunState::Cancelled;
    }
    if (failed)
        return PipelineRunState::Failed;
    return cancelled ? PipelineRunState::Cancelled : PipelineRunState::Success;
}

QString priorityName(Priority p)
{
    return u"P"_s + QString::number(int(p));
}

std::optional<Priority> priorityFromName(const QString &name)
{
    const QString n = name.trimmed().toUpper();
    if (n.size() == 2 && n.at(0) == u'P' && n.at(1) >= u'0' && n.at(1) <= u'3')
        return Priority(n.at(1).digitValue());
    return std::nullopt;
}

} // namespace Orrery

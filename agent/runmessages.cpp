#include "runmessages.h"

#include <algorithm>
#include <limits>

namespace Orrery::Agent {

Protocol::RunResultBody toRunResultBody(const RunOutcome &outcome)
{
    Protocol::RunResultBody body;
    body.runId = outcome.runId;
    body.attempt = outcome.attempt;
    body.state = outcome.state;
    // The wire allows -1..255 and 0..128; the executor stays within them, clamp for safety.
    body.exitCode = std::clamp(outcome.exitCode, -1, 255);
    body.signal = std::clamp(outcome.signal, 0, 128);
    body.startedAtMs = std::max<qint64>(outcome.startedMs, 0);
    body.finishedAtMs = std::max(outcome.finishedMs, body.startedAtMs);
    constexpr auto kMax = static_cast<quint64>(std::numeric_limits<qint64>::max());
    body.outputBytes = static_cast<qint64>(std::min(
            kMax, std::min(kMax, outcome.stdoutBytes) + std::min(kMax, outcome.stderrBytes)));
    body.outputTruncated = outcome.truncated;
    if (outcome.state == RunState::Skipped)
        body.reason = outcome.reason.left(4096);
    return body;
}

RunSpec toRunSpec(const Protocol::RunDispatchBody &dispatch, qint64 defaultKillGraceMs)
{
    RunSpec spec;
    spec.runId = dispatch.runId;
    spec.attempt = dispatch.attempt;
    spec.command = dispatch.command;
    spec.env = dispatch.env;
    spec.workingDirectory = dispatch.workingDirectory;
    spec.timeoutMs = dispatch.timeoutMs;
    spec.killGraceMs = dispatch.killGraceMs > 0 ? dispatch.killGraceMs : defaultKillGraceMs;
    spec.outputLimitBytes = dispatch.outputLimitBytes;
    spec.check = dispatch.check;
    spec.checkTimeoutMs = dispatch.checkTimeoutMs;
    return spec;
}

}  // namespace Orrery::Agent

#pragma once

#include "executor.h"
#include "runoutcome.h"

#include <protocol/messages.h>

namespace Orrery::Agent {

// The one place where the agent's own run shapes meet the wire shapes of core/protocol.

// A finished attempt as `run.result`: output_bytes = stdout + stderr bytes read (including
// bytes dropped over the limit), output_truncated = the limit was hit.
Protocol::RunResultBody toRunResultBody(const RunOutcome &outcome);

// A `run.dispatch` as what the executor runs. A kill_grace_ms of 0 takes the agent's own
// kill grace (defaultKillGraceMs).
RunSpec toRunSpec(const Protocol::RunDispatchBody &dispatch, qint64 defaultKillGraceMs);

}  // namespace Orrery::Agent

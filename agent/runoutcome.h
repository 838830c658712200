#pragma once

#include <model/id.h>
#include <model/result.h>
#include <model/runstate.h>

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace Orrery::Agent {

// How one attempt of a run ended on this agent: what the executor reports and what the
// result spool keeps on disk until the master acknowledges it.
struct RunOutcome
{
    RunId runId;
    int attempt = 1;
    RunState state = RunState::Failed;  // success, failed, timed_out or cancelled
    int exitCode = -1;                  // -1 when the shell did not exit normally
    int signal = 0;                     // the signal that killed the shell, 0 if none
    qint64 startedMs = 0;               // ms since the Unix epoch, 0 if it never started
    qint64 finishedMs = 0;
    quint64 stdoutBytes = 0;  // bytes read from the pipe, including dropped ones
    quint64 stderrBytes = 0;
    bool truncated = false;  // output went over the limit and was cut
    QString reason;          // why it failed/ended, empty on success

    friend bool operator==(const RunOutcome &, const RunOutcome &) = default;
};

// Compact JSON ({"format":1,"run_id":"...",...}); run ids are strings (63-bit values do not
// survive a JSON double).
QByteArray toJson(const RunOutcome &outcome);
// Syntax for garbled text, MissingField/InvalidValue/UnsupportedVersion for well-formed
// JSON that is not an outcome.
Result<RunOutcome> runOutcomeFromJson(const QByteArray &json);

}  // namespace Orrery::Agent

Q_DECLARE_METATYPE(Orrery::Agent::RunOutcome)

#pragma once

#include "runoutcome.h"

#include <model/error.h>
#include <model/id.h>
#include <model/result.h>

#include <QIODevice>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace Orrery::Agent {

// What the spool keeps per attempt: the final outcome, as reported to the master.
using SpooledResult = RunOutcome;

// The agent's result spool: each result is on disk (fsync'ed file and directory) before it is
// reported, and stays there until the master acknowledges it; after a crash or a disconnect
// pending() gives everything to re-send. One file per attempt, `<runId>-<attempt>.json`,
// written through QSaveFile (a crash leaves the old file or the new one, never half of one).
// The directory is 0700 and the files 0600. Not thread-safe; one spool per directory.
class ResultSpool final
{
public:
    struct Pending
    {
        QList<SpooledResult> results;  // oldest (finishedMs) first
        QList<Error> errors;           // unreadable files, each already moved to *.corrupt
    };

    // Creates the directory (0700) if needed and tightens its permissions.
    static Result<ResultSpool> open(const QString &directory);

    QString directory() const { return m_directory; }
    QString pathFor(RunId runId, int attempt) const;

    // Io with the file path when anything fails; the previous file for the attempt, if any,
    // is left as it was.
    Result<void> store(const SpooledResult &result);
    Pending pending() const;
    // Deletes the attempt's file; acknowledging a missing file is fine (idempotent).
    Result<void> acknowledge(RunId runId, int attempt);

    // Writes the serialised result to a device; Io with device's error when a write fails.
    static Result<void> writeTo(QIODevice &device, const SpooledResult &result);

    // Test seam: store() writes through the device this returns, wrapping the open save file
    // (a FailDevice to simulate a full disk). Empty function: write to the file directly.
    using DeviceWrapper = std::function<std::unique_ptr<QIODevice>(QIODevice &file)>;
    void setDeviceWrapperForTesting(DeviceWrapper wrapper) { m_wrapper = std::move(wrapper); }

private:
    explicit ResultSpool(QString directory) : m_directory(std::move(directory)) {}
    Error ioError(const QString &path, const QString &what) const;

    QString m_directory;
    DeviceWrapper m_wrapper;
};

}  // namespace Orrery::Agent

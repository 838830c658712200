#pragma once

#include "runoutcome.h"

#include <model/error.h>
#include <model/id.h>
#include <model/result.h>

#include <QHash>
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
// pending() gives everything to re-send.
//
// store() writes the results it is given in one file named after the first of them,
// `<runId>-<attempt>.json`, one JSON object a line, through QSaveFile (a crash leaves the old
// file or the new one, never half of one); the file and the directory are fsync'ed once for
// the whole group, which is what lets the agent report many results per disk flush. A file is
// deleted when every result in it is acknowledged. Deleting needs no fsync: a deletion lost in
// a crash only makes the agent send an acknowledged result again, which the master ignores
// ((run id, attempt) is idempotent there).
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

    // Io with the file path when anything fails; the previous file of that name, if any, is
    // left as it was. An attempt stored again replaces its earlier result.
    Result<void> store(const QList<SpooledResult> &results);
    Result<void> store(const SpooledResult &result) { return store(QList<SpooledResult>{result}); }
    // Also learns which file holds which attempt (a spool opened after a restart needs this
    // before acknowledge() can delete files holding several results).
    Pending pending() const;
    // Forgets the attempt; deletes its file once nothing in it waits for an acknowledgement.
    // Acknowledging an unknown attempt is fine (idempotent).
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

    static QString keyOf(RunId runId, int attempt);
    // Records that `file` holds `keys` (their latest results), releasing what other files held.
    void track(const QString &file, const QStringList &keys) const;
    // The attempt `key` no longer needs its file; deletes the file when nothing else does.
    Result<void> release(const QString &key) const;

    QString m_directory;
    DeviceWrapper m_wrapper;
    // Which file holds each unacknowledged attempt, and how many such attempts each file holds.
    // A cache of the directory's contents, filled by store() and pending().
    mutable QHash<QString, QString> m_fileOf;  // "<runId>-<attempt>" -> file name
    mutable QHash<QString, int> m_heldBy;      // file name -> attempts it holds
};

}  // namespace Orrery::Agent

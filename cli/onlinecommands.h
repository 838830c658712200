#pragma once

#include "commandline.h"

namespace Orrery::Cli {

// Whether `word`, the first argument of orreryctl, starts an online command: apply, jobs/job,
// runs/run, nodes, tokens/token, or a connection option given before the command
// (--server, --token, --ca, --config, --json).
bool isOnlineCommand(const QString &word);

// The commands that talk to an orrery-master over its REST API (docs/rest-api.md).
// args[0] is the command word or the first leading connection option.
// Exit codes: 0 done, 1 the server refused or could not be reached (or, for
// `run logs --follow`, the run did not succeed), 2 wrong usage or connection settings.
int runOnlineCommand(const QStringList &args, Io io);

}  // namespace Orrery::Cli

#pragma once

#include "commandline.h"

namespace Orrery::Cli {

// `orreryctl pki init DIR [--name DNS]... [--ip ADDR]... [--force]`: a private CA and the
// master's TLS certificate; prints the four paths and the CA's SHA-256 fingerprint.
// args[0] = "pki".
int runPkiCommand(const QStringList &args, Io io);

} // namespace Orrery::Cli

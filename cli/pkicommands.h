#pragma once

#include "commandline.h"

namespace Orrery::Cli {

// `orreryctl pki init DIR [--name DNS]... [--ip ADDR]... [--force]`: a private CA and the
// master's TLS certificate; prints the four paths and the CA's SHA-256 fingerprint.
// `orreryctl pki issue-agent DIR --name NODE [--days N]`: an agent's client certificate for
// mutual TLS, DIR/agents/NODE.crt and .key; prints the paths and its fingerprint.
// args[0] = "pki".
int runPkiCommand(const QStringList &args, Io io);

}  // namespace Orrery::Cli

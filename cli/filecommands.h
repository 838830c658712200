#pragma once

#include "commandline.h"

namespace Orrery::Cli {

// `orreryctl validate FILE...`: every error as file:line:col, exit 1 when any file is invalid.
int runValidate(const QStringList &args, Io io);

// `orreryctl render TEMPLATE --set key=value...`: the rendered task definition as YAML.
int runRender(const QStringList &args, Io io);

// `orreryctl preview FILE...`: each scheduled job of pipelines (and rendered templates) with
// its schedule in words and its next fire times.
int runPreview(const QStringList &args, Io io);

} // namespace Orrery::Cli

// kavach-launch --backend process|oci|gvisor|noop|auto (docs/oci.md,
// docs/scoring.md): where the command runs.
#pragma once

#include "launcher/Options.h"
#include "runtime/Policy.h"

namespace kavach::launch {

// Consumes --backend NAME, --runtime crun|runc, --rootfs DIR and
// --inside-oci at argv[i] (advancing i past a value); false if argv[i] is
// none of them.
bool parseBackendOption(Options &options, int argc, char **argv, int &i);

// With --backend other than process: runs the command there and exits with
// its status (never returns), or refuses with exit 125 naming what is
// missing. Returns for `process` (given, or picked by `auto`), and when no
// --backend was given.
void runOnBackend(const Options &options, const runtime::Policy &policy);

} // namespace kavach::launch

// Running a bundle with crun/runc (--backend oci) or runsc (--backend
// gvisor), with the flags /work/shared/notes/runtimes.md measured.
#pragma once

#include "launcher/Options.h"
#include "runtime/Policy.h"

#include <string>

namespace kavach::launch {

// The absolute path of PROGRAM on PATH (unset: the usual sbin/bin dirs),
// or "" if it is not there.
std::string findProgram(const char *program);

// Builds the bundle, runs it, removes it and exits with the command's
// status (128+N for a signal). `inner`: oci with the inner launcher; else
// gvisor with the bare config. Never returns.
[[noreturn]] void runContainer(const Options &options, const runtime::Policy &policy, bool inner);

} // namespace kavach::launch

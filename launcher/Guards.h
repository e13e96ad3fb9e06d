// Step: the argv guards (`guards { ... }`), before anything is set up.
#pragma once

#include "launcher/Command.h"
#include "runtime/Policy.h"

namespace kavach::launch {

// Checks the command and its arguments against the policy's guards: a
// blocked command name (unless allowed), an argument naming a sensitive
// path, a shell's `-c` string with an injection pattern. Every violation is
// listed (a report on stderr), then the launch is refused with exit 125.
// Guards are advisory early errors; the boundary is seccomp, Landlock and
// the command allowlist.
void checkGuards(const runtime::ProcessPolicy &policy, const Command &command);

} // namespace kavach::launch

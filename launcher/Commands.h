// Step: the command allowlist (`commands { allow "/usr/bin/python3"; }`).
#pragma once

#include "launcher/Command.h"
#include "runtime/Policy.h"

namespace kavach::launch {

// Refuses (125) a command whose resolved path (realpath: /bin and /usr/bin
// on a merged-/usr system are one) is not one of the allowed commands'.
// What the command may exec afterwards is Landlock's job: kavachc limits
// `execute` to the same list (plus their loaders, which the Landlock step
// grants).
void checkCommandAllowed(const runtime::ProcessPolicy &policy, const Command &command);

} // namespace kavach::launch

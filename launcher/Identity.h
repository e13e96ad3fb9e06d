// Step: run as the policy's uid, gid and supplementary groups.
#pragma once

#include "launcher/Process.h"

namespace kavach::launch {

// setgroups, then setresgid, then setresuid (each only when it changes
// something), then reads every id back: real, effective and saved uid and
// gid must all be the target, and the groups the policy's, or the launch
// dies (125). A privileged caller that changes ids drops its own
// supplementary groups when the policy names none.
void applyIdentity(const ProcessPlan &plan);

} // namespace kavach::launch

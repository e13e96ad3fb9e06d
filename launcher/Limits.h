// Step: resource limits (setrlimit) and the working directory.
#pragma once

#include "launcher/Process.h"

namespace kavach::launch {

// address_space, cpu_time, processes, file_size, open_files, stack, core:
// soft and hard limit both set to the policy's value, then read back. A
// value above the current hard limit needs CAP_SYS_RESOURCE: without it
// the launch is refused, or under best effort the limit is left as is.
void applyRlimits(const ProcessPlan &plan, bool bestEffort);

} // namespace kavach::launch

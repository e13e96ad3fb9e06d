// Step: create the namespaces. In direct mode the launcher unshares them
// itself; in supervised mode it clones a child into the user and pid
// namespaces, moves it into the cgroup, writes its uid/gid maps, and only
// then lets it go on (a sync pipe): the parent supervises and never
// returns. Either way the process that returns is in every namespace the
// plan asks for, with its ids mapped and checked.
#pragma once

#include "launcher/Cgroups.h"
#include "launcher/Process.h"

namespace kavach::launch {

// Under best effort (`bestEffort` or the policy's namespaces bit) a
// namespace the kernel refuses is dropped from `plan` with a degraded line.
void enterNamespaces(ProcessPlan &plan, Cgroup &cgroup, bool bestEffort);

// Inside the new namespaces: hostname (uts) and loopback up (net).
void setupHostnameAndNetwork(const ProcessPlan &plan);

} // namespace kavach::launch

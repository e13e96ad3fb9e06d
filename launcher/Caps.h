// Step: capabilities (libcap), around the identity step.
#pragma once

#include "launcher/Process.h"

namespace kavach::launch {

// Before the identity step: drops every capability the policy does not keep
// from the bounding set (when it can be changed: CAP_SETPCAP), and sets
// SECBIT_KEEP_CAPS so a switch away from uid 0 keeps the permitted set.
void dropBoundingSet(const ProcessPlan &plan, bool bestEffort);

// After the identity step: permitted, effective and inheritable become
// exactly the kept capabilities, the ambient set too (so they survive
// execve for a non-root uid), KEEP_CAPS is cleared; then everything is read
// back and compared. A kept capability the process does not have is
// refused (125) unless best effort.
void setCapabilities(const ProcessPlan &plan, bool bestEffort);

} // namespace kavach::launch

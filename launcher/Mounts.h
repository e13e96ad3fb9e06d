// Step: the mount namespace's file system view.
#pragma once

#include "launcher/Process.h"

namespace kavach::launch {

// With a mount namespace: every mount private (nothing propagates back to
// the host), the root file system read-only when the policy says so (each
// mount remounted read-only as a bind, keeping its locked flags), a fresh
// /proc when there is a pid namespace, a minimal /dev (null, zero, full,
// random, urandom, tty bound from the host, fd/stdin/stdout/stderr links, a
// tmpfs /dev/shm) and a tmpfs /tmp. Any failure dies (125) naming the mount.
void setupMounts(const ProcessPlan &plan);

} // namespace kavach::launch

// Step: the mount namespace's file system view.
#pragma once

#include "launcher/Process.h"

namespace kavach::launch {

// With a mount namespace: every mount private (nothing propagates back to
// the host), the root file system read-only when the policy says so (each
// mount remounted read-only as a bind, keeping its locked flags), a fresh
// /proc when there is a pid namespace, a minimal /dev (null, zero, full,
// random, urandom, tty bound from the host, fd/stdin/stdout/stderr links, a
// /dev/shm directory) and a tmpfs /tmp unless the policy keeps the host's,
// then the policy's tmpfs mounts and binds. Any failure dies (125) naming
// the mount.
void setupMounts(const ProcessPlan &plan);

// Whether `path` lies in the sandbox's own file systems, where a missing
// mount target may be created (never on the host): its private tmpfs /tmp,
// its minimal /dev, or one of the first `tmpfsCount` of `tmpfs` (the policy's
// tmpfs mounts, ${VARS} expanded).
bool inSandboxFs(const runtime::ProcessPolicy &policy, const std::vector<std::string> &tmpfs,
                 size_t tmpfsCount, const std::string &path);

} // namespace kavach::launch

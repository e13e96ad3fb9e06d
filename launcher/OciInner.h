// --inside-oci: kavach-launch as a container's entry point
// (`kavach-launch --backend oci` writes that config.json).
#pragma once

#include "runtime/Policy.h"

namespace kavach::launch {

// The container runtime already applied the process part from config.json
// (namespaces, read-only root, hostname, identity, capabilities, rlimits,
// cgroup limits), and a container without capabilities could not redo it.
// What is left is what OCI has no field for: Landlock, the exact seccomp
// filter, the env section, the command allowlist and guards, the workdir.
void keepInnerParts(runtime::Policy &policy);

} // namespace kavach::launch

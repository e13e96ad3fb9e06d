// Step: read and verify policy.bin.
#pragma once

#include "runtime/Policy.h"

namespace kavach::launch {

// Reads `path` with runtime::readPolicyFile, which checks every length,
// offset and the digest. Any error dies with exit 125 before anything runs.
runtime::Policy loadPolicy(const char *path);

} // namespace kavach::launch

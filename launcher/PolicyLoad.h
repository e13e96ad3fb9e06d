// Step: read and verify policy.bin.
#pragma once

#include "runtime/Policy.h"

namespace kavach::launch {

// Reads `path` with runtime::readPolicyFile, which checks every length,
// offset and the digest. Any error dies with exit 125 before anything runs.
// With `signerKeyPath` (--require-signature), the file must also carry a
// valid Ed25519 signature by the public key in that file.
runtime::Policy loadPolicy(const char *path, const char *signerKeyPath = nullptr);

} // namespace kavach::launch

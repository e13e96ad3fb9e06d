// SHA-256 over a byte range, via libsodium. The only place runtime/ touches
// libsodium, so the rest of the code (and its users) need not see sodium.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kavach::runtime {

using Sha256Digest = std::array<uint8_t, 32>;

// Initialises libsodium on first use (thread-safe).
Sha256Digest sha256(const uint8_t *data, size_t size);

} // namespace kavach::runtime

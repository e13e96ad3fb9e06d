// SHA-256 via libsodium's crypto_hash_sha256.
//
// No sodium_init() here: crypto_hash_sha256 is libsodium's plain C
// implementation with no CPU dispatch and no randomness, so it needs no
// initialisation, and sodium_init() (CPU probing, seeding the random
// generator with getrandom) costs ~35 us, a measurable part of every launch
// (bench/launch). Signature.cpp, which does need it, initialises on its own.
#include "runtime/Sha256.h"

#include <sodium.h>

namespace kavach::runtime {

static_assert(crypto_hash_sha256_BYTES == std::tuple_size_v<Sha256Digest>);

Sha256Digest sha256(const uint8_t *data, size_t size) {
  Sha256Digest out;
  crypto_hash_sha256(out.data(), data, size);
  return out;
}

} // namespace kavach::runtime

// SHA-256 via libsodium's crypto_hash_sha256.
//
// libsodium wants sodium_init() before any other call; a function-local
// static makes that happen exactly once, thread-safely, on the first hash.
// sodium_init() can only fail while seeding its random generator, which
// crypto_hash_sha256 (a plain C implementation with no CPU dispatch) does not
// use, so a failure there cannot make the digest wrong and is not reported.
#include "runtime/Sha256.h"

#include <sodium.h>

namespace kavach::runtime {

static_assert(crypto_hash_sha256_BYTES == std::tuple_size_v<Sha256Digest>);

Sha256Digest sha256(const uint8_t *data, size_t size) {
  static const int initResult = sodium_init();
  (void)initResult;
  Sha256Digest out;
  crypto_hash_sha256(out.data(), data, size);
  return out;
}

} // namespace kavach::runtime

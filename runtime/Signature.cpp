// Ed25519 signing and verification of policy.bin, via libsodium's
// crypto_sign_ed25519_*_detached.
//
// What is signed is the whole unsigned image, not only its SHA-256 digest:
// libsodium hashes the message itself (SHA-512, as Ed25519 specifies), the
// image is at most 16 MiB, and signing every byte means the signature does
// not depend on the digest check having run first. The image starts with
// "KAVACHPB" and the format version, which separates these signatures from
// anything else the same key might sign. The trailer carries the public key
// so that a launcher without --require-signature can still check the
// trailer is intact (any flipped bit is refused), and so that a refusal can
// say "signed by a different key" rather than only "bad signature". The
// embedded key is never trusted by itself: only a comparison with the key
// the caller supplies authenticates the file.
//
// Deliberately not here: key revocation, expiry, several signatures per
// file, and encrypted secret keys (the secret key file is plain text with
// mode 0600, like an ssh key without a passphrase).
#include "runtime/Signature.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kavach::runtime {

static_assert(crypto_sign_ed25519_PUBLICKEYBYTES == kPublicKeySize);
static_assert(crypto_sign_ed25519_SECRETKEYBYTES == kSecretKeySize);
static_assert(crypto_sign_ed25519_BYTES == kSignatureSize);

namespace {

constexpr std::string_view kPublicPrefix = "kavach-ed25519-public ";
constexpr std::string_view kSecretPrefix = "kavach-ed25519-secret ";
constexpr size_t kMaxKeyFile = 4096;

bool initSodium() {
  static const int result = sodium_init(); // thread-safe, once
  return result >= 0;
}

bool setWhy(std::string *why, std::string msg) {
  if (why)
    *why = std::move(msg);
  return false;
}

std::string toHex(const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1; // lowercase only: one spelling per key
}

template <size_t N>
bool parseKey(std::string_view text, std::string_view prefix, std::array<uint8_t, N> &out,
              std::string *why) {
  if (!text.empty() && text.back() == '\n')
    text.remove_suffix(1);
  if (text.substr(0, prefix.size()) != prefix)
    return setWhy(why, "not a kavach key file: expected a line starting with '" +
                           std::string(prefix.substr(0, prefix.size() - 1)) + "'");
  text.remove_prefix(prefix.size());
  if (text.size() != 2 * N)
    return setWhy(why, "expected " + std::to_string(2 * N) + " lowercase hex digits, found " +
                           std::to_string(text.size()) + " characters");
  std::array<uint8_t, N> key;
  for (size_t i = 0; i < N; ++i) {
    int hi = hexValue(text[2 * i]), lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return setWhy(why, "invalid character in the key: expected lowercase hex digits");
    key[i] = uint8_t(hi << 4 | lo);
  }
  out = key;
  return true;
}

bool readKeyFile(const char *path, std::string &text, std::string *why) {
  int fd;
  do
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return setWhy(why, std::string("cannot open ") + path + ": " + strerror(errno));
  struct stat st;
  bool ok = fstat(fd, &st) == 0;
  int err = errno;
  if (ok && !S_ISREG(st.st_mode)) {
    close(fd);
    return setWhy(why, std::string(path) + " is not a regular file");
  }
  char buf[kMaxKeyFile + 1];
  size_t got = 0;
  while (ok && got < sizeof buf) {
    ssize_t n = read(fd, buf + got, sizeof buf - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ok = n == 0;
      err = errno;
      break;
    }
    got += size_t(n);
  }
  close(fd);
  if (!ok)
    return setWhy(why, std::string("cannot read ") + path + ": " + strerror(err));
  if (got > kMaxKeyFile)
    return setWhy(why, std::string(path) + " is too large to be a key file");
  text.assign(buf, got);
  return true;
}

} // namespace

bool generateKeyPair(KeyPair &out) {
  if (!initSodium())
    return false;
  crypto_sign_ed25519_keypair(out.publicKey.data(), out.secretKey.data());
  return true;
}

KeyPair keyPairFromSeed(const std::array<uint8_t, 32> &seed) {
  initSodium();
  KeyPair kp;
  crypto_sign_ed25519_seed_keypair(kp.publicKey.data(), kp.secretKey.data(), seed.data());
  return kp;
}

std::vector<uint8_t> makeSignatureTrailer(const uint8_t *image, size_t size, const SecretKey &key) {
  initSodium();
  std::vector<uint8_t> t(kSignatureTrailerSize);
  memcpy(t.data(), kSignatureMagic, sizeof kSignatureMagic);
  crypto_sign_ed25519_sk_to_pk(t.data() + sizeof kSignatureMagic, key.data());
  crypto_sign_ed25519_detached(t.data() + sizeof kSignatureMagic + kPublicKeySize, nullptr, image,
                               size, key.data());
  return t;
}

bool checkSignatureTrailer(const uint8_t *image, size_t imageSize, const uint8_t *trailer,
                           size_t trailerSize, const PublicKey *required, bool &untrusted,
                           std::string *why) {
  untrusted = false;
  if (trailerSize != kSignatureTrailerSize ||
      memcmp(trailer, kSignatureMagic, sizeof kSignatureMagic) != 0)
    return setWhy(why, "the " + std::to_string(trailerSize) +
                           " bytes after the digest are not a signature trailer (\"KVSIG001\", "
                           "public key, signature)");
  const uint8_t *pk = trailer + sizeof kSignatureMagic;
  const uint8_t *sig = pk + kPublicKeySize;
  if (!initSodium())
    return setWhy(why, "cannot initialise libsodium to check the signature");
  if (crypto_sign_ed25519_verify_detached(sig, image, imageSize, pk) != 0)
    return setWhy(why, "the Ed25519 signature does not verify: the file was altered after it was "
                       "signed");
  if (required && memcmp(required->data(), pk, kPublicKeySize) != 0) {
    untrusted = true;
    return setWhy(why, "signed by key " + toHex(pk, 8) + "…, not by the required key " +
                           toHex(required->data(), 8) + "…");
  }
  return true;
}

std::string formatPublicKey(const PublicKey &key) {
  return std::string(kPublicPrefix) + toHex(key.data(), key.size()) + "\n";
}
std::string formatSecretKey(const SecretKey &key) {
  return std::string(kSecretPrefix) + toHex(key.data(), key.size()) + "\n";
}
bool parsePublicKey(std::string_view text, PublicKey &out, std::string *why) {
  return parseKey(text, kPublicPrefix, out, why);
}
bool parseSecretKey(std::string_view text, SecretKey &out, std::string *why) {
  SecretKey key;
  if (!parseKey(text, kSecretPrefix, key, why))
    return false;
  // The second half is the public key derived from the seed; a file whose
  // halves disagree was edited or damaged.
  PublicKey derived;
  initSodium();
  crypto_sign_ed25519_sk_to_pk(derived.data(), key.data()); // copies the stored half
  uint8_t seedPk[kPublicKeySize], seedSk[kSecretKeySize];
  crypto_sign_ed25519_seed_keypair(seedPk, seedSk, key.data());
  bool consistent = memcmp(seedPk, derived.data(), kPublicKeySize) == 0;
  sodium_memzero(seedSk, sizeof seedSk);
  if (!consistent)
    return setWhy(why, "the secret key's public half does not match its seed");
  out = key;
  sodium_memzero(key.data(), key.size());
  return true;
}

bool readPublicKeyFile(const char *path, PublicKey &out, std::string *why) {
  std::string text;
  if (!readKeyFile(path, text, why))
    return false;
  if (parsePublicKey(text, out, why))
    return true;
  if (why)
    *why = std::string(path) + ": " + *why;
  return false;
}

bool readSecretKeyFile(const char *path, SecretKey &out, std::string *why) {
  std::string text;
  if (!readKeyFile(path, text, why))
    return false;
  bool ok = parseSecretKey(text, out, why);
  sodium_memzero(text.data(), text.size());
  if (!ok && why)
    *why = std::string(path) + ": " + *why;
  return ok;
}

} // namespace kavach::runtime

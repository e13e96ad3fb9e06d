// Ed25519 signatures for policy.bin (libsodium), and the key files.
//
// A signed policy.bin is the unsigned file, byte for byte, followed by one
// 104-byte trailer:
//
//   offset fileSize       "KVSIG001"                 8 bytes
//   offset fileSize + 8   Ed25519 public key        32 bytes
//   offset fileSize + 40  Ed25519 signature         64 bytes
//
// The signature covers the whole unsigned image (header to digest, i.e. the
// first FileHeader::fileSize bytes). Signing is therefore appending: the
// header's fileSize and the digest do not change, and an unsigned file is
// exactly what it was before signatures existed. docs/hardening.md has the
// rules the reader applies and the reasoning.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kavach::runtime {

inline constexpr char kSignatureMagic[8] = {'K', 'V', 'S', 'I', 'G', '0', '0', '1'};
inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSecretKeySize = 64; // libsodium layout: seed then public key
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kSignatureTrailerSize = sizeof kSignatureMagic + kPublicKeySize + kSignatureSize;

using PublicKey = std::array<uint8_t, kPublicKeySize>;
using SecretKey = std::array<uint8_t, kSecretKeySize>;

struct KeyPair {
  PublicKey publicKey;
  SecretKey secretKey;
};

// A fresh key pair from the system's random generator. False only if
// libsodium cannot initialise (no entropy source).
bool generateKeyPair(KeyPair &out);
// The key pair for a 32-byte seed (deterministic; for tests and fuzzers).
KeyPair keyPairFromSeed(const std::array<uint8_t, 32> &seed);

// The trailer for `image` (an unsigned policy.bin) signed with `key`.
std::vector<uint8_t> makeSignatureTrailer(const uint8_t *image, size_t size, const SecretKey &key);

// Checks a trailer against the unsigned image before it. With `required`,
// the trailer's key must also be that key. On failure returns false and says
// why in `why`; `untrusted` is set when the signature is valid but made with
// a key other than `required`.
bool checkSignatureTrailer(const uint8_t *image, size_t imageSize, const uint8_t *trailer,
                           size_t trailerSize, const PublicKey *required, bool &untrusted,
                           std::string *why);

// Key files are one line of text: "kavach-ed25519-public <64 hex digits>" or
// "kavach-ed25519-secret <128 hex digits>", then a newline. Parsing is
// strict (exactly that, a final newline optional).
std::string formatPublicKey(const PublicKey &key);
std::string formatSecretKey(const SecretKey &key);
bool parsePublicKey(std::string_view text, PublicKey &out, std::string *why);
bool parseSecretKey(std::string_view text, SecretKey &out, std::string *why);

// Reads and parses a key file (regular files only, at most 4 KiB). `why`
// names the path.
bool readPublicKeyFile(const char *path, PublicKey &out, std::string *why);
bool readSecretKeyFile(const char *path, SecretKey &out, std::string *why);

} // namespace kavach::runtime

// Serialising a runtime::Policy to policy.bin and back.
#pragma once

#include "runtime/Policy.h"
#include "runtime/Signature.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kavach::runtime {

enum class ReadError {
  None = 0,
  TooSmall,
  TooLarge,
  BadMagic,
  UnsupportedVersion,
  BadHeader,
  SizeMismatch,
  BadDigest,
  BadSectionTable,
  SectionOutOfBounds,
  SectionsOverlap,
  UnknownSection,
  DuplicateSection,
  BadMeta,
  BadSeccomp,
  BadLandlock,
  BadProcess,
  BadBackends,
  Io,
  // Signatures (runtime/Signature.h): a malformed trailer or a signature
  // that does not verify; no signature where one is required; a valid
  // signature by a key other than the required one.
  BadSignature,
  NotSigned,
  UntrustedSigner,
};

// A stable, human-readable description, e.g. "digest mismatch: file is corrupted".
const char *describe(ReadError e);

// Parses and validates a whole policy.bin image (every rule is listed in
// docs/policy-bin.md). On error returns the kind and (if `detail` is set) a
// sentence saying exactly what was wrong; `out` is then left untouched.
// Accepted files are canonical: writePolicy(out) gives back the same bytes.
// Seccomp programs come back sorted by auditArch; an absent Landlock section
// gives a default LandlockPolicy.
//
// A signed file (an Ed25519 trailer after the digest) is accepted only if its
// signature verifies, whoever signed it. With `requiredSigner`, the file must
// be signed, and by that key (NotSigned, UntrustedSigner otherwise).
ReadError readPolicy(const uint8_t *data, size_t size, Policy &out, std::string *detail = nullptr,
                     const PublicKey *requiredSigner = nullptr);

// Reads the file (regular files only, bounded by kMaxFileSize) and calls
// readPolicy. Failures to open/stat/read are ReadError::Io with strerror and
// the path in `detail`.
ReadError readPolicyFile(const char *path, Policy &out, std::string *detail = nullptr,
                         const PublicKey *requiredSigner = nullptr);

// Deterministic: the same Policy always gives the same bytes (seccomp
// programs sorted by auditArch, Landlock written iff landlock.present). It
// does not validate: a Policy that breaks a limit or rule gives a file
// readPolicy rejects, so callers (kavachc) should read the result back
// before writing it out.
std::vector<uint8_t> writePolicy(const Policy &p);

} // namespace kavach::runtime

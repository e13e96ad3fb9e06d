// Serialising a runtime::Policy to policy.bin and back.
#pragma once

#include "runtime/Policy.h"

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
  Io,
};

// A stable, human-readable description, e.g. "digest mismatch: file is corrupted".
const char *describe(ReadError e);

// Parses and validates a whole policy.bin image. On error returns the kind and
// (if `detail` is set) a sentence saying exactly what was wrong; `out` is
// then unspecified and must not be used.
ReadError readPolicy(const uint8_t *data, size_t size, Policy &out,
                     std::string *detail = nullptr);

// Reads the file (bounded by kMaxFileSize) and calls readPolicy.
ReadError readPolicyFile(const char *path, Policy &out, std::string *detail = nullptr);

// Deterministic: the same Policy always gives the same bytes.
std::vector<uint8_t> writePolicy(const Policy &p);

} // namespace kavach::runtime

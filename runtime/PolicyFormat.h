// policy.bin v1 on-disk layout. docs/policy-bin.md is the prose version of
// this file; keep them in step.
//
//   FileHeader (32 bytes)
//   SectionEntry[sectionCount] (24 bytes each)
//   section payloads, each starting on an 8-byte boundary, padding zeroed
//   SHA-256 digest (32 bytes) of every byte before it
//
// All integers are little-endian. Readers reject anything they do not fully
// understand: unknown section types, a newer format version, a length or
// offset that points outside the file, overlapping sections, trailing bytes.
#pragma once

#include <cstdint>

namespace kavach::runtime {

inline constexpr char kMagic[8] = {'K', 'A', 'V', 'A', 'C', 'H', 'P', 'B'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kDigestSize = 32;
// Upper bound on a policy.bin the launcher will read: a filter is at most
// 4096 instructions per arch, so real files are far below this.
inline constexpr uint64_t kMaxFileSize = 16u << 20;
inline constexpr uint32_t kMaxSections = 64;
inline constexpr uint32_t kMaxBpfInsns = 4096; // BPF_MAXINSNS
inline constexpr uint32_t kMaxPathLen = 4096;  // PATH_MAX
inline constexpr uint32_t kMaxRules = 65536;

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t headerSize;   // sizeof(FileHeader); lets a reader skip later fields
  uint32_t sectionCount;
  uint32_t flags;        // must be 0 in v1
  uint64_t fileSize;     // whole file, digest included
};
static_assert(sizeof(FileHeader) == 32);

enum class SectionType : uint32_t {
  Meta = 1,     // u32 nameLen, name, u32 versionLen, version (no padding inside)
  Seccomp = 2,  // u32 auditArch, u32 flags(bit0 bestEffort), u32 insnCount, u32 0, insns
  Landlock = 3, // see LandlockHeader
};

struct SectionEntry {
  uint32_t type;
  uint32_t flags; // must be 0 in v1
  uint64_t offset;
  uint64_t size;
};
static_assert(sizeof(SectionEntry) == 24);

struct SeccompHeader {
  uint32_t auditArch;
  uint32_t flags; // bit 0: best effort
  uint32_t insnCount;
  uint32_t reserved;
};
static_assert(sizeof(SeccompHeader) == 16);

struct LandlockHeader {
  uint32_t flags; // bit 0: best effort
  uint32_t pathRuleCount;
  uint32_t netRuleCount;
  uint32_t reserved;
  uint64_t handledFs;
  uint64_t handledNet;
  uint64_t scoped;
};
static_assert(sizeof(LandlockHeader) == 40);
// Followed by pathRuleCount × { u64 access; u32 pathLen; u32 0; path bytes,
// zero-padded to 8 }, then netRuleCount × { u64 access; u64 port }.

} // namespace kavach::runtime

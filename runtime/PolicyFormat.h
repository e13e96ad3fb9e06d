// policy.bin v1 on-disk layout. docs/policy-bin.md is the prose version of
// this file; keep them in step.
//
//   FileHeader (32 bytes)
//   SectionEntry[sectionCount] (24 bytes each)
//   section payloads, each starting on an 8-byte boundary, padding zeroed
//   SHA-256 digest (32 bytes) of every byte before it
//
// All integers are little-endian. There is exactly one encoding of a given
// Policy: sections appear in the table and in the file in the order Meta,
// Seccomp (ascending auditArch), Landlock; each payload starts where the
// previous one ended, rounded up to 8; SectionEntry::size is the exact payload
// size (the alignment padding after it is not part of the section). Readers
// reject anything they do not fully understand: unknown section types or
// flags, a newer format version, a length or offset that points outside the
// file, overlapping sections, gaps, nonzero padding or reserved fields.
//
// The structs below document the layout and give its sizes; the reader and
// writer encode field by field (explicit little-endian), never by memcpy of
// a struct.
#pragma once

#include <cstdint>

namespace kavach::runtime {

inline constexpr char kMagic[8] = {'K', 'A', 'V', 'A', 'C', 'H', 'P', 'B'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kDigestSize = 32;
inline constexpr uint32_t kSectionAlign = 8;
// Upper bound on a policy.bin the launcher will read: a filter is at most
// 4096 instructions per arch, so real files are far below this.
inline constexpr uint64_t kMaxFileSize = 16u << 20;
inline constexpr uint32_t kMaxSections = 64;
inline constexpr uint32_t kMaxBpfInsns = 4096;      // BPF_MAXINSNS
inline constexpr uint32_t kMaxPathLen = 4096;       // PATH_MAX
inline constexpr uint32_t kMaxRules = 65536;        // per kind (path, net)
inline constexpr uint32_t kMaxMetaStringLen = 4096; // policy name, compiler version
inline constexpr uint64_t kMaxPort = 65535;

// Rounds a file offset up to the next section boundary. Only for values
// already known to be at most kMaxFileSize (it would wrap near UINT64_MAX).
constexpr uint64_t alignToSection(uint64_t v) {
  return (v + kSectionAlign - 1) & ~uint64_t(kSectionAlign - 1);
}

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t headerSize;   // sizeof(FileHeader); exactly 32 in v1
  uint32_t sectionCount; // 1..kMaxSections
  uint32_t flags;        // must be 0 in v1
  uint64_t fileSize;     // whole file, digest included
};
static_assert(sizeof(FileHeader) == 32);

enum class SectionType : uint32_t {
  Meta = 1,     // MetaHeader, name, compilerVersion
  Seccomp = 2,  // SeccompHeader, insnCount × 8-byte struct sock_filter
  Landlock = 3, // LandlockHeader, path rules, net rules
  Process = 4,  // ProcessHeader, records
  Backends = 5, // BackendsHeader, records (scores, requirements, OCI config templates)
};

struct SectionEntry {
  uint32_t type;   // SectionType
  uint32_t flags;  // must be 0 in v1
  uint64_t offset; // from the start of the file; a multiple of 8
  uint64_t size;   // exact payload size, padding excluded
};
static_assert(sizeof(SectionEntry) == 24);

// Exactly one per file.
inline constexpr uint32_t kMetaSeccompBestEffort = 1u << 0;
struct MetaHeader {
  uint32_t flags;              // kMetaSeccompBestEffort; other bits must be 0
  uint32_t nameLen;            // <= kMaxMetaStringLen, no NUL in the bytes
  uint32_t compilerVersionLen; // <= kMaxMetaStringLen, no NUL in the bytes
  uint32_t reserved;           // 0
};
static_assert(sizeof(MetaHeader) == 16);
// Followed by nameLen bytes of name, then compilerVersionLen bytes of
// compiler version (no terminator, no padding in between); section size is
// exactly 16 + nameLen + compilerVersionLen.

// At most one per auditArch. The policy-wide "seccomp best effort" bit lives
// in MetaHeader::flags (it must survive a policy with no Seccomp section).
struct SeccompHeader {
  uint32_t auditArch; // AUDIT_ARCH_*, nonzero
  uint32_t flags;     // must be 0 in v1
  uint32_t insnCount; // 1..kMaxBpfInsns
  uint32_t reserved;  // 0
};
static_assert(sizeof(SeccompHeader) == 16);
// Followed by insnCount × { u16 code; u8 jt; u8 jf; u32 k }; section size is
// exactly 16 + 8 × insnCount. The program must pass checkSeccompProgram.

// At most one per file; present iff LandlockPolicy::present.
inline constexpr uint32_t kLandlockBestEffort = 1u << 0;
struct LandlockHeader {
  uint32_t flags;         // kLandlockBestEffort; other bits must be 0
  uint32_t pathRuleCount; // <= kMaxRules
  uint32_t netRuleCount;  // <= kMaxRules
  uint32_t reserved;      // 0
  uint64_t handledFs;     // only rights LandlockAbi.h knows
  uint64_t handledNet;    // only rights LandlockAbi.h knows
  uint64_t scoped;        // only scopes LandlockAbi.h knows
};
static_assert(sizeof(LandlockHeader) == 40);

// pathRuleCount of these, each followed by pathLen path bytes zero-padded to
// a multiple of 8 (so every rule starts 8-aligned).
struct LandlockPathRuleHeader {
  uint64_t access;   // nonzero, a subset of handledFs
  uint32_t pathLen;  // 1..kMaxPathLen, no NUL in the bytes
  uint32_t reserved; // 0
};
static_assert(sizeof(LandlockPathRuleHeader) == 16);

// Then netRuleCount of these; nothing may follow the last one.
struct LandlockNetRuleEntry {
  uint64_t access; // nonzero, a subset of handledNet
  uint64_t port;   // <= kMaxPort
};
static_assert(sizeof(LandlockNetRuleEntry) == 16);

// At most one per file; present iff ProcessPolicy::present.
inline constexpr uint32_t kProcRootfsReadOnly = 1u << 0;
inline constexpr uint32_t kProcCapsPresent = 1u << 1;
inline constexpr uint32_t kProcHasUid = 1u << 2;
inline constexpr uint32_t kProcHasGid = 1u << 3;
inline constexpr uint32_t kProcHasGroups = 1u << 4;
inline constexpr uint32_t kProcEnvClear = 1u << 5;
// With a mount namespace: keep the host's /dev, /tmp (no minimal /dev, no
// tmpfs /tmp). Only with kNsMount.
inline constexpr uint32_t kProcHostDev = 1u << 6;
inline constexpr uint32_t kProcHostTmp = 1u << 7;
// `terminal detach;`: the command gives up the controlling terminal.
inline constexpr uint32_t kProcDetachTerminal = 1u << 8;
inline constexpr uint32_t kProcFlagsKnown = (1u << 9) - 1;
inline constexpr uint32_t kMaxCapability = 40; // CAP_CHECKPOINT_RESTORE (Linux 5.9)
inline constexpr uint32_t kMaxHostnameLen = 64; // HOST_NAME_MAX
inline constexpr uint32_t kMaxProcessRecords = 65536;
// The cpu quota (LimitKind::Cpu, millicores): a quota per 100 ms period of
// at least 1 ms (the kernel's minimum) and at most 1024 CPUs' worth.
inline constexpr uint64_t kMinCpuMillicores = 10;
inline constexpr uint64_t kMaxCpuMillicores = 1024000;
struct ProcessHeader {
  uint32_t flags;       // kProc* flags above; other bits must be 0
  uint32_t bestEffort;  // kProc{Namespaces,...} bits of Policy.h; other bits must be 0
  uint32_t namespaces;  // kNs* bits of Policy.h; other bits must be 0
  uint32_t recordCount; // <= kMaxProcessRecords
  uint64_t capsKeep;    // bits 0..kMaxCapability; 0 unless kProcCapsPresent
  uint32_t uid;         // 0 unless kProcHasUid
  uint32_t gid;         // 0 unless kProcHasGid
};
static_assert(sizeof(ProcessHeader) == 32);

// recordCount records follow, kinds in ascending order, each 8-aligned:
// the header, then `len` bytes (no NUL) zero-padded to a multiple of 8.
enum class ProcessRecordKind : uint16_t {
  Hostname = 1, // string, 1..kMaxHostnameLen; at most one; needs kNsUts
  Group = 2,    // value: a gid (<= 0xffffffff); len 0; needs kProcHasGroups
  Limit = 3,    // sub: LimitKind, strictly ascending; value; len 0
  EnvPass = 4,  // string: a variable name (no '=')
  EnvSet = 5,   // string: NAME=VALUE (NAME nonempty, no '=')
  Command = 6,  // string: an absolute path
  Workdir = 7,  // string: an absolute path; at most one
  GuardBlock = 8,   // string: a command basename glob (no '/') the guards refuse
  GuardAllow = 9,   // string: a command basename (no '/') exempt from GuardBlock
  GuardPath = 10,   // string: a sensitive path, absolute or starting "${HOME}/"
  GuardShell = 11,  // string: a shell basename (no '/') whose -c string is checked
  GuardPattern = 12, // string: a shell-injection substring
  // A bind mount: the source then the target, value = the source's length
  // (both nonempty; each absolute or starting "${"; launch-time ${VARS}
  // are expanded by the launcher); sub: kBindReadOnly or 0; targets unique.
  // Needs kNsMount.
  Bind = 13,
  // string: a path (absolute or starting "${") that gets an empty tmpfs;
  // paths unique. Needs kNsMount.
  Tmpfs = 14,
  // user { host_ids BASE count N; }: value = BASE | N << 32, len 0; at most
  // one. The sandbox's uids and gids 0..N-1 are host ids BASE..BASE+N-1:
  // BASE >= 1 (never the host's root), N >= 1, BASE + N <= 0xffffffff, and
  // the uid, gid and groups all below N. Needs kNsUser.
  HostIds = 15,
};
inline constexpr uint16_t kBindReadOnly = 1;
struct ProcessRecordHeader {
  uint16_t kind;  // ProcessRecordKind
  uint16_t sub;   // LimitKind for Limit records, else 0
  uint32_t len;   // string length (0..kMaxPathLen); 0 for value records
  uint64_t value; // Group and Limit records, else 0
};
static_assert(sizeof(ProcessRecordHeader) == 16);

// At most one per file; present iff BackendsPolicy::present. What kavachc
// knew about the other backends, for `kavach-launch --backend`: the score on
// each backend, the policy's `require score` lines, and the config.json
// templates the launcher fills in for --backend oci (inner launcher) and
// gvisor (bare). Records use ProcessRecordHeader, kinds in ascending order.
inline constexpr uint32_t kMaxBackendNameLen = 32;    // [a-z0-9-]+
inline constexpr uint32_t kMaxOciTemplateLen = 1u << 20;
inline constexpr uint32_t kMaxBackendRecords = 256;
struct BackendsHeader {
  uint32_t flags;       // must be 0 in v1
  uint32_t recordCount; // <= kMaxBackendRecords
};
static_assert(sizeof(BackendsHeader) == 8);
enum class BackendsRecordKind : uint16_t {
  Score = 1,    // string: backend name; value: 0..100; names unique
  Require = 2,  // string: backend name; value: 0..100; names unique
  OciInner = 3, // string: config.json template (runtime/OciTemplate.h); at most one
  OciBare = 4,  // string: config.json template without /.kavach; at most one
};

} // namespace kavach::runtime

// The in-memory form of a compiled policy, shared by kavachc (which fills it
// and hands it to the writer) and kavach-launch (which gets it back from the
// reader after every length, offset and the digest were checked).
//
// Only plain data: no LLVM, no fmt, no exceptions. Everything here is already
// compiled: BPF programs, Landlock access masks. The launcher decides nothing
// except what the running kernel supports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kavach::runtime {

// One classic BPF instruction, laid out exactly as the kernel's
// struct sock_filter (8 bytes, native little-endian on every supported arch).
struct BpfInsn {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
  bool operator==(const BpfInsn &) const = default;
};
static_assert(sizeof(BpfInsn) == 8);

// The filter installed on one native arch (AUDIT_ARCH_* value). It checks
// the arch itself and kills everything it does not handle.
struct SeccompProgram {
  uint32_t auditArch = 0;
  std::vector<BpfInsn> insns;
  bool operator==(const SeccompProgram &) const = default;
};

// A filesystem grant: `access` is a mask of LANDLOCK_ACCESS_FS_* bits.
// `path` may contain ${HOME}, ${PWD}, ${TMPDIR}, ${UID}; the launcher resolves
// them from trusted sources before anything else.
struct LandlockPathRule {
  uint64_t access = 0;
  std::string path;
  bool operator==(const LandlockPathRule &) const = default;
};

// A TCP port grant: `access` is a mask of LANDLOCK_ACCESS_NET_* bits.
struct LandlockNetRule {
  uint64_t access = 0;
  uint64_t port = 0;
  bool operator==(const LandlockNetRule &) const = default;
};

struct LandlockPolicy {
  bool present = false;
  // The policy accepts degraded enforcement on kernels whose Landlock ABI lacks
  // a handled right (`on_unsupported best_effort;`). Otherwise the launcher
  // refuses to run.
  bool bestEffort = false;
  uint64_t handledFs = 0;
  uint64_t handledNet = 0;
  uint64_t scoped = 0;
  std::vector<LandlockPathRule> pathRules;
  std::vector<LandlockNetRule> netRules;
  bool operator==(const LandlockPolicy &) const = default;
};

// Namespaces the launcher creates (ProcessPolicy::namespaces bits).
inline constexpr uint32_t kNsUser = 1u << 0;
inline constexpr uint32_t kNsPid = 1u << 1;
inline constexpr uint32_t kNsMount = 1u << 2;
inline constexpr uint32_t kNsIpc = 1u << 3;
inline constexpr uint32_t kNsUts = 1u << 4;
inline constexpr uint32_t kNsNet = 1u << 5;
inline constexpr uint32_t kNsCgroup = 1u << 6;
inline constexpr uint32_t kNsAll = (1u << 7) - 1;

// The parts of the process set-up a policy may let degrade
// (`on_unsupported best_effort;` inside that section): ProcessPolicy::bestEffort bits.
inline constexpr uint32_t kProcNamespaces = 1u << 0;
inline constexpr uint32_t kProcCapabilities = 1u << 1;
inline constexpr uint32_t kProcLimits = 1u << 2;
inline constexpr uint32_t kProcUser = 1u << 3;
inline constexpr uint32_t kProcRootfs = 1u << 4;
inline constexpr uint32_t kProcAll = (1u << 5) - 1;

// Resource limits, in file order. Rlimits are applied with setrlimit (soft
// and hard); the cgroup ones go into a child cgroup; WallTime is enforced by
// the supervising launcher. Values: bytes, seconds, or counts.
enum class LimitKind : uint16_t {
  AddressSpace = 1, // RLIMIT_AS, bytes
  CpuTime = 2,      // RLIMIT_CPU, seconds
  Processes = 3,    // RLIMIT_NPROC
  FileSize = 4,     // RLIMIT_FSIZE, bytes
  OpenFiles = 5,    // RLIMIT_NOFILE
  Stack = 6,        // RLIMIT_STACK, bytes
  Core = 7,         // RLIMIT_CORE, bytes
  Memory = 8,       // cgroup memory limit, bytes
  Pids = 9,         // cgroup pids limit
  WallTime = 10,    // seconds, enforced by the supervisor (exit 124)
  Cpu = 11,         // cgroup cpu quota, millicores (1000 = one CPU's worth of time)
};
inline constexpr uint16_t kLimitKindMax = 11;

struct Limit {
  LimitKind kind = LimitKind::AddressSpace;
  uint64_t value = 0;
  bool operator==(const Limit &) const = default;
};

struct EnvSetting {
  std::string name;
  std::string value;
  bool operator==(const EnvSetting &) const = default;
};

// `rootfs { bind "SOURCE" to "TARGET" [read_only]; }`: SOURCE (a host path,
// resolved before the sandbox's own mounts) appears at TARGET inside the
// mount namespace.
struct BindMount {
  std::string source;
  std::string target;
  bool readOnly = false;
  bool operator==(const BindMount &) const = default;
};

// Everything about the process the command runs as: namespaces, mounts,
// identity, capabilities, limits, environment and the command allowlist.
// Present iff the policy has any of those sections.
struct ProcessPolicy {
  bool present = false;
  uint32_t bestEffort = 0;      // kProc* bits
  uint32_t namespaces = 0;      // kNs* bits
  std::string hostname;         // empty: unchanged; needs kNsUts
  bool rootfsReadOnly = false;  // needs kNsMount
  bool hostDev = false;         // needs kNsMount: the host's /dev, not a minimal one
  bool hostTmp = false;         // needs kNsMount: the host's /tmp, not a tmpfs
  bool detachTerminal = false;  // the command runs without a controlling terminal
  bool capsPresent = false;     // a capabilities section: the sets are exactly capsKeep
  uint64_t capsKeep = 0;        // bit N = capability N
  bool hasUid = false, hasGid = false, hasGroups = false;
  uint32_t uid = 0, gid = 0;    // 0 unless hasUid / hasGid
  std::vector<uint32_t> groups; // empty unless hasGroups (which may also mean "none")
  std::vector<Limit> limits;    // strictly ascending kinds
  bool envClear = false;
  std::vector<EnvSetting> envSet; // applied in order, after clear and pass
  std::vector<std::string> envPass;
  std::vector<std::string> commands; // absolute paths; empty: any command
  std::string workdir;               // empty: unchanged
  // Argv guards (`guards { ... }`): checked before exec, a match refuses to
  // run (exit 125). Advisory early errors, not the boundary.
  std::vector<std::string> guardBlock;    // command basenames (fnmatch globs) refused...
  std::vector<std::string> guardAllow;    // ...unless the typed or resolved name is one of these
  std::vector<std::string> guardPaths;    // refused when an argument names one (may start ${HOME}/)
  std::vector<std::string> guardShells;   // basenames whose `-c` string is checked for...
  std::vector<std::string> guardPatterns; // ...these substrings
  std::vector<BindMount> binds;           // needs kNsMount; targets unique
  std::vector<std::string> tmpfs;         // empty tmpfs mounts; needs kNsMount; unique
  // Ids 0..hostIdCount-1 inside are host ids hostIdBase.. (needs kNsUser);
  // hostIdCount 0: the launcher's default mapping.
  uint32_t hostIdBase = 0, hostIdCount = 0;
  bool operator==(const ProcessPolicy &) const = default;

  bool hasGuards() const {
    return !guardBlock.empty() || !guardPaths.empty() || !guardPatterns.empty();
  }

  const Limit *limit(LimitKind kind) const {
    for (const Limit &l : limits)
      if (l.kind == kind)
        return &l;
    return nullptr;
  }
};

// What kavachc knew about the other backends (SectionType::Backends).
struct BackendScoreEntry {
  std::string backend; // a row of compiler/Score/Backends.def
  uint32_t value = 0;  // 0..100: the score, or the required minimum
  bool operator==(const BackendScoreEntry &) const = default;
};
struct BackendsPolicy {
  bool present = false;
  std::vector<BackendScoreEntry> scores;
  std::vector<BackendScoreEntry> requirements; // `require score >= N on B;`
  std::string ociInner; // config.json template, entry point /.kavach/kavach-launch
  std::string ociBare;  // config.json template, the command itself (gvisor)
  bool operator==(const BackendsPolicy &) const = default;
};

struct Policy {
  std::string name;
  std::string compilerVersion;
  bool seccompBestEffort = false;
  std::vector<SeccompProgram> seccomp; // at most one per native arch
  LandlockPolicy landlock;
  ProcessPolicy process;
  BackendsPolicy backends;
  bool operator==(const Policy &) const = default;
};

} // namespace kavach::runtime

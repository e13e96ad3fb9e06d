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

struct Policy {
  std::string name;
  std::string compilerVersion;
  bool seccompBestEffort = false;
  std::vector<SeccompProgram> seccomp; // at most one per native arch
  LandlockPolicy landlock;
  bool operator==(const Policy &) const = default;
};

} // namespace kavach::runtime

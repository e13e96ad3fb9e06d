// Arch table and libseccomp-backed syscall tables.
//
// libseccomp has no "list all syscalls" call, so a table is built by asking
// it for the name of every number in the ranges an arch uses (0..2047 plus
// the ARM private range); numbers of x32 come back with the 0x40000000 bit.
#include "compiler/Sema/Arches.h"

#include <linux/audit.h>
#include <seccomp.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace kavach::sema {
namespace {

const ArchInfo kArches[] = {
    {"x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, "x86_64", 0, true},
    {"i386", SCMP_ARCH_X86, AUDIT_ARCH_I386, "x86_64", 0, false},
    {"x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, "x86_64", 0x40000000u, false},
    {"aarch64", SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, "aarch64", 0, true},
    {"arm", SCMP_ARCH_ARM, AUDIT_ARCH_ARM, "aarch64", 0, false},
    {"riscv64", SCMP_ARCH_RISCV64, AUDIT_ARCH_RISCV64, "riscv64", 0, true},
};

} // namespace

llvm::ArrayRef<ArchInfo> allArches() { return kArches; }

const ArchInfo *findArch(llvm::StringRef Name) {
  for (const ArchInfo &A : kArches)
    if (Name == A.name)
      return &A;
  return nullptr;
}

const ArchInfo *findArchByAudit(uint32_t AuditArch, uint32_t Nr) {
  // -1 (syscall(-1)) is a native number, not x32 (Backend/Seccomp/CodeGen.cpp).
  bool X32 = AuditArch == AUDIT_ARCH_X86_64 && (Nr & 0x40000000u) && Nr != 0xffffffffu;
  for (const ArchInfo &A : kArches)
    if (A.auditArch == AuditArch && (A.nrBase != 0) == X32)
      return &A;
  return nullptr;
}

const ArchInfo &hostArch() {
#if defined(__x86_64__)
  return kArches[0];
#elif defined(__aarch64__)
  return kArches[3];
#elif defined(__riscv) && __riscv_xlen == 64
  return kArches[5];
#else
#error "unsupported host architecture"
#endif
}

SyscallTable::SyscallTable(const ArchInfo &A) : Arch(A) {
  std::set<std::string> Seen;
  // Each lookup is a linear search of libseccomp's table, and a miss costs
  // the whole table: stop after kMaxGap unknown numbers in a row. The widest
  // hole in libseccomp 2.5.4's tables of these arches is 130 (aarch64,
  // riscv64); building the six tables took 3 ms of kavachc's ~19 ms before.
  constexpr uint32_t kMaxGap = 512;
  auto Scan = [&](uint32_t From, uint32_t To) {
    uint32_t Misses = 0;
    for (uint32_t Nr = From; Nr < To && Misses < kMaxGap; ++Nr) {
      char *N = seccomp_syscall_resolve_num_arch(A.scmpToken, int(Nr));
      if (!N) {
        ++Misses;
        continue;
      }
      Misses = 0;
      std::string S(N);
      free(N);
      // Only keep the canonical number of a name (libseccomp maps a few
      // aliases); a name resolves back to exactly one number. On i386,
      // libseccomp resolves the names of the socketcall/ipc-multiplexed
      // calls to pseudo numbers (< 0) although the kernel has direct
      // numbers for them (socket = 359, ...): keep those, or a rule naming
      // `socket` would not reach the direct call at all.
      int Back = seccomp_syscall_resolve_name_arch(A.scmpToken, S.c_str());
      if (Back < 0 && !Seen.count(S))
        Direct.emplace_back(S, Nr);
      else if (Back != int(Nr))
        continue;
      ByNr.emplace_back(Nr, S);
      Seen.insert(S);
      MaxNr = std::max(MaxNr, Nr);
    }
  };
  Scan(A.nrBase, A.nrBase + 2048);
  if (A.scmpToken == SCMP_ARCH_ARM)
    Scan(0x0f0000, 0x0f0010); // __ARM_NR_BASE private calls
  Names.assign(Seen.begin(), Seen.end());
  std::sort(Direct.begin(), Direct.end());
}

const SyscallTable &SyscallTable::get(const ArchInfo &A) {
  static std::mutex M;
  static std::map<uint32_t, std::unique_ptr<SyscallTable>> Cache;
  std::lock_guard<std::mutex> L(M);
  auto &Slot = Cache[A.scmpToken];
  if (!Slot)
    Slot.reset(new SyscallTable(A));
  return *Slot;
}

std::optional<uint32_t> SyscallTable::lookup(llvm::StringRef Name) const {
  int Nr = seccomp_syscall_resolve_name_arch(Arch.scmpToken, Name.str().c_str());
  if (Nr < 0) { // __NR_SCMP_ERROR or a pseudo-syscall: absent unless direct
    auto It = std::lower_bound(Direct.begin(), Direct.end(), std::make_pair(Name.str(), 0u));
    if (It != Direct.end() && It->first == Name)
      return It->second;
    return std::nullopt;
  }
  return uint32_t(Nr);
}

std::string SyscallTable::name(uint32_t Nr) const {
  auto It = std::lower_bound(ByNr.begin(), ByNr.end(), std::make_pair(Nr, std::string()));
  return It != ByNr.end() && It->first == Nr ? It->second : std::string();
}

const std::vector<std::string> &allSyscallNames() {
  static const std::vector<std::string> All = [] {
    std::set<std::string> S;
    for (const ArchInfo &A : kArches)
      for (const std::string &N : SyscallTable::get(A).names())
        S.insert(N);
    return std::vector<std::string>(S.begin(), S.end());
  }();
  return All;
}

} // namespace kavach::sema

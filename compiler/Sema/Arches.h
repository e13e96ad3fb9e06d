// The architectures kavach compiles filters for, and their syscall tables.
// Names and numbers come from libseccomp at run time (no hand-typed tables).
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kavach::sema {

struct ArchInfo {
  const char *name;      // kavach spelling: x86_64, i386, x32, aarch64, arm, riscv64
  uint32_t scmpToken;    // SCMP_ARCH_*
  uint32_t auditArch;    // AUDIT_ARCH_*
  const char *native;    // the native arch whose filter carries it (itself if native)
  uint32_t nrBase;       // x32: 0x40000000 (numbers include it)
  bool is64Bit;
};

llvm::ArrayRef<ArchInfo> allArches();
const ArchInfo *findArch(llvm::StringRef Name);
const ArchInfo *findArchByAudit(uint32_t AuditArch, uint32_t Nr = 0);
// The arch this compiler runs on (the default --arch).
const ArchInfo &hostArch();

// libseccomp-backed syscall table of one arch, computed once and cached.
class SyscallTable {
public:
  static const SyscallTable &get(const ArchInfo &A);

  // Number of `Name` on this arch, or none if the arch lacks it.
  std::optional<uint32_t> lookup(llvm::StringRef Name) const;
  // Name of `Nr`, "" if unknown.
  std::string name(uint32_t Nr) const;
  const std::vector<std::string> &names() const { return Names; } // sorted
  uint32_t maxNr() const { return MaxNr; }

private:
  explicit SyscallTable(const ArchInfo &A);
  const ArchInfo &Arch;
  std::vector<std::string> Names;
  std::vector<std::pair<uint32_t, std::string>> ByNr; // sorted by number
  // Calls libseccomp names by a pseudo number although this arch also has a
  // direct number for them (i386's socket and ipc calls): name -> number.
  std::vector<std::pair<std::string, uint32_t>> Direct; // sorted by name
  uint32_t MaxNr = 0;
};

// Every syscall name known on any arch (sorted, unique), for did-you-mean.
const std::vector<std::string> &allSyscallNames();

} // namespace kavach::sema

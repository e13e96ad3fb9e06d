// Lowering the resolved seccomp IR to code-generator input.
//
// A `deny … if` condition whose constants fit in 32 bits also fires when
// only the low 32 bits of the argument match: many syscalls take an `int`
// that the kernel truncates, so kill(pid, 0x1_00000009) is SIGKILL. Without
// per-syscall argument types, deny conditions are widened that way
// (C || C₃₂) and allow conditions must hold on all 64 bits — both
// fail-safe. On i386 and arm the kernel zero-extends the 32-bit registers,
// so no widening is needed there; x32 passes 64-bit registers like x86_64
// and is widened.
//
// "Known" numbers (default action) run up to the highest number of the
// arch's ordinary range; numbers past it get the `unknown` action. ARM's
// private calls (0x0f0001.., cacheflush, set_tls, ...) are known too but sit
// far above that range: they are listed one by one rather than stretching
// the known range over the 0.9 million numbers in between.
#include "compiler/Backend/Seccomp/Lowering.h"

#include "compiler/Backend/Seccomp/Implies32.h"

#include "compiler/Sema/Arches.h"

#include <algorithm>
#include <map>

namespace kavach::seccomp {
namespace {

bool fits32(const Cond &C) {
  if (C.kind == Cond::Kind::Cmp)
    return (C.value >> 32) == 0 && (C.op != Cond::Op::MaskedEq || (C.mask >> 32) == 0 ||
                                    C.mask == ~0ull);
  return std::all_of(C.children.begin(), C.children.end(),
                     [](const CondRef &K) { return fits32(*K); });
}

CondRef narrowTo32(const CondRef &C) {
  auto Out = std::make_shared<Cond>(*C);
  if (C->kind == Cond::Kind::Cmp) {
    Out->width32 = true;
    return Out;
  }
  for (CondRef &K : Out->children)
    K = narrowTo32(K);
  return Out;
}

CondRef widenDeny(const CondRef &C) {
  if (!fits32(*C))
    return C;
  if (implies32(*C)) // the common `deny … if arg == CONST`: one 32-bit test
    return narrowTo32(C);
  auto Or = std::make_shared<Cond>();
  Or->kind = Cond::Kind::Or;
  Or->children = {C, narrowTo32(C)};
  return Or;
}

// Registers, hence syscall arguments, are 64 bits wide (x32 included).
bool has64BitArgs(const sema::ArchInfo &A) { return A.is64Bit || A.nrBase != 0; }

// Numbers this far above an arch's base are not in its ordinary range.
constexpr uint32_t kOrdinaryRange = 0x10000;

ArchSpec lowerArch(const ir::SeccompIR &S, const sema::ArchInfo &A) {
  const sema::SyscallTable &T = sema::SyscallTable::get(A);
  ArchSpec Out;
  Out.name = A.name;
  Out.auditArch = A.auditArch;
  Out.nrBase = A.nrBase;
  Out.defaultAction = S.defaultAction;
  Out.unknownAction = S.unknownAction;
  Out.maxKnownNr = T.maxNr();
  std::map<uint32_t, SyscallEntry> ByNr;
  std::vector<uint32_t> Private;
  if (T.maxNr() - A.nrBase >= kOrdinaryRange) {
    Out.maxKnownNr = A.nrBase;
    for (const std::string &Name : T.names())
      if (auto Nr = T.lookup(Name)) {
        if (*Nr - A.nrBase < kOrdinaryRange)
          Out.maxKnownNr = std::max(Out.maxKnownNr, *Nr);
        else
          Private.push_back(*Nr);
      }
  }
  for (const auto &[Name, Dec] : S.syscalls) {
    auto Nr = T.lookup(Name);
    if (!Nr)
      continue;
    if (Dec.branches.empty() && Dec.fallback == S.defaultAction)
      continue; // same as not mentioned
    SyscallEntry E;
    E.nr = *Nr;
    E.fallback = Dec.fallback;
    for (const ir::CondBranch &B : Dec.branches)
      E.branches.push_back({B.allow || !has64BitArgs(A) ? B.cond : widenDeny(B.cond), B.action});
    ByNr.emplace(*Nr, std::move(E));
  }
  for (uint32_t Nr : Private) // not mentioned: the default, not `unknown`
    ByNr.emplace(Nr, SyscallEntry{Nr, {}, S.defaultAction});
  for (auto &[Nr, E] : ByNr)
    Out.entries.push_back(std::move(E));
  return Out;
}

} // namespace

std::vector<FilterSpec> lowerSeccomp(const ir::SeccompIR &S) {
  std::vector<FilterSpec> Out;
  if (!S.present)
    return Out;
  for (const std::string &Name : S.arches) {
    const sema::ArchInfo *A = sema::findArch(Name);
    if (!A || std::string(A->native) != A->name)
      continue;
    FilterSpec F;
    F.nativeAuditArch = A->auditArch;
    F.arches.push_back(lowerArch(S, *A));
    for (const std::string &CName : S.arches) {
      const sema::ArchInfo *C = sema::findArch(CName);
      if (C && C != A && std::string(C->native) == A->name)
        F.arches.push_back(lowerArch(S, *C));
    }
    Out.push_back(std::move(F));
  }
  std::sort(Out.begin(), Out.end(), [](const FilterSpec &X, const FilterSpec &Y) {
    return X.nativeAuditArch < Y.nativeAuditArch;
  });
  return Out;
}

const FilterSpec *findFilter(const std::vector<FilterSpec> &Specs, uint32_t NativeAudit) {
  for (const FilterSpec &F : Specs)
    if (F.nativeAuditArch == NativeAudit)
      return &F;
  return nullptr;
}

} // namespace kavach::seccomp

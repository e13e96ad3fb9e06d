// Lowering the resolved seccomp IR to code-generator input.
//
// A `deny … if` condition whose constants fit in 32 bits also fires when
// only the low 32 bits of the argument match: many syscalls take an `int`
// that the kernel truncates, so kill(pid, 0x1_00000009) is SIGKILL. Without
// per-syscall argument types, deny conditions are widened that way
// (C || C₃₂) and allow conditions must hold on all 64 bits — both
// fail-safe. On 32-bit arches the kernel zero-extends arguments, so no
// widening is needed there.
#include "compiler/Backend/Seccomp/Lowering.h"

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
  auto Or = std::make_shared<Cond>();
  Or->kind = Cond::Kind::Or;
  Or->children = {C, narrowTo32(C)};
  return Or;
}

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
      E.branches.push_back({B.allow || !A.is64Bit ? B.cond : widenDeny(B.cond), B.action});
    ByNr.emplace(*Nr, std::move(E));
  }
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

// kavach seccomp IR → the libseccomp-shaped profile of OCI, Docker and
// Kubernetes.
//
// kavach's decision for a syscall is ordered: branch conditions c1..cn are
// tried in turn, then the fallback. libseccomp's is not: its rules for one
// syscall are an unordered set, except that a rule with argument conditions
// takes precedence over the syscall's unconditional rule (measured with
// runc 1.1.5 / libseccomp 2.5.4; test/kavach-launch/oci-*.test relies on
// it). So the fallback becomes the unconditional rule, and branch i becomes
// the region ci ∧ ¬c1 ∧ … ∧ ¬c(i-1) in disjunctive normal form: one rule per
// conjunct, the regions disjoint so their order cannot matter. Deny
// conditions are widened to the kernel's 32-bit reading first, exactly as
// Backend/Seccomp/Lowering.cpp does (C ∨ C₃₂, with `== v` on the low half
// as MASKED_EQ 0xffffffff).
//
// What cannot be expressed is an error naming the rule, never a dropped
// condition: `!(a & m == v)` for a multi-bit mask, a 32-bit `!=`/`<`/… and
// two comparisons of one argument in one conjunct (libseccomp 2.5 does not
// AND those: `arg0 >= 2 && arg0 <= 3` matched arg0 == 1 under runc), unless
// one of them is an `==` that decides the others. `user_notif` needs a
// listener an OCI config cannot name: also an error. An `unknown` action
// different from the default is a recorded degradation (libseccomp gives
// numbers it does not know the default action).
#include "compiler/Backend/OCI/SeccompProfile.h"

#include "compiler/Sema/Arches.h"

#include <map>
#include <optional>
#include <tuple>

namespace kavach::oci {

using seccomp::ActionKind;
using seccomp::Cond;
using seccomp::CondRef;

bool ArgCmp::operator<(const ArgCmp &O) const {
  return std::tie(index, value, valueTwo, op) < std::tie(O.index, O.value, O.valueTwo, O.op);
}
bool ArgCmp::operator==(const ArgCmp &O) const {
  return index == O.index && value == O.value && valueTwo == O.valueTwo &&
         std::string_view(op) == O.op;
}

namespace {

constexpr uint64_t kLow32 = 0xffffffffull;
constexpr size_t kMaxConjuncts = 256;

struct Lit {
  const Cond *leaf;
  bool neg;
};
using Conj = std::vector<Lit>;
using Dnf = std::vector<Conj>;

// DNF of C (negated if Neg); nullopt when it grows past kMaxConjuncts.
std::optional<Dnf> dnf(const Cond &C, bool Neg) {
  if (C.kind == Cond::Kind::Cmp)
    return Dnf{{Lit{&C, Neg}}};
  if (C.kind == Cond::Kind::Not)
    return dnf(*C.children[0], !Neg);
  bool IsAnd = (C.kind == Cond::Kind::And) != Neg;
  Dnf Acc = IsAnd ? Dnf{Conj{}} : Dnf{};
  for (const CondRef &K : C.children) {
    auto D = dnf(*K, Neg);
    if (!D)
      return std::nullopt;
    if (IsAnd) {
      Dnf Next;
      for (const Conj &A : Acc)
        for (const Conj &B : *D) {
          Conj X = A;
          X.insert(X.end(), B.begin(), B.end());
          Next.push_back(std::move(X));
        }
      Acc = std::move(Next);
    } else {
      Acc.insert(Acc.end(), D->begin(), D->end());
    }
    if (Acc.size() > kMaxConjuncts)
      return std::nullopt;
  }
  return Acc;
}

enum class LitKind { Cmp, True, False, Inexpressible };

LitKind toArg(const Lit &L, ArgCmp &Out) {
  const Cond &C = *L.leaf;
  Out.index = C.argIndex;
  uint64_t V = C.width32 ? C.value & kLow32 : C.value;
  uint64_t M = C.width32 ? C.mask & kLow32 : C.mask;
  using Op = Cond::Op;
  if (C.op == Op::MaskedEq || (C.width32 && (C.op == Op::Eq || C.op == Op::Ne))) {
    if (C.op != Op::MaskedEq)
      M = kLow32;
    bool Neg = L.neg != (C.op == Op::Ne);
    if (V & ~M) // (a & m) == v can never hold
      return Neg ? LitKind::True : LitKind::False;
    if (Neg) {
      if (M == 0 || (M & (M - 1)))
        return LitKind::Inexpressible; // no MASKED_NE in libseccomp
      V = V ? 0 : M;                     // one bit: != set means == clear
    }
    Out.op = "SCMP_CMP_MASKED_EQ";
    Out.value = M;
    Out.valueTwo = V;
    return LitKind::Cmp;
  }
  if (C.width32)
    return LitKind::Inexpressible;
  static const char *const kOps[][2] = {
      {"SCMP_CMP_EQ", "SCMP_CMP_NE"}, {"SCMP_CMP_NE", "SCMP_CMP_EQ"},
      {"SCMP_CMP_LT", "SCMP_CMP_GE"}, {"SCMP_CMP_LE", "SCMP_CMP_GT"},
      {"SCMP_CMP_GT", "SCMP_CMP_LE"}, {"SCMP_CMP_GE", "SCMP_CMP_LT"}};
  Out.op = kOps[unsigned(C.op)][L.neg];
  Out.value = V;
  return LitKind::Cmp;
}

bool holds(const ArgCmp &A, uint64_t X) {
  std::string_view Op = A.op;
  if (Op == "SCMP_CMP_EQ") return X == A.value;
  if (Op == "SCMP_CMP_NE") return X != A.value;
  if (Op == "SCMP_CMP_LT") return X < A.value;
  if (Op == "SCMP_CMP_LE") return X <= A.value;
  if (Op == "SCMP_CMP_GT") return X > A.value;
  if (Op == "SCMP_CMP_GE") return X >= A.value;
  return (X & A.value) == A.valueTwo;
}

// The comparisons of one argument as alternatives (ORed) of single
// comparisons, or nullopt. Plain comparisons intersect to an interval minus
// `!=` holes; that is one comparison when it is a half-line, a point or
// everything but a point, and up to 16 `==` otherwise. Masked comparisons
// mixed with others need an `==` that decides them.
std::optional<std::vector<ArgCmp>> oneArg(const std::vector<ArgCmp> &V, bool &Never) {
  auto Is = [](const ArgCmp &A, const char *Op) { return std::string_view(A.op) == Op; };
  if (V.size() == 1)
    return V;
  auto Eq = std::find_if(V.begin(), V.end(), [&](const ArgCmp &A) { return Is(A, "SCMP_CMP_EQ"); });
  if (Eq != V.end()) {
    for (const ArgCmp &A : V)
      if (!holds(A, Eq->value)) {
        Never = true;
        return std::vector<ArgCmp>{};
      }
    return std::vector<ArgCmp>{*Eq};
  }
  uint64_t Lo = 0, Hi = ~0ull;
  std::vector<uint64_t> Holes;
  for (const ArgCmp &A : V) {
    if (Is(A, "SCMP_CMP_MASKED_EQ"))
      return std::nullopt;
    if (Is(A, "SCMP_CMP_NE"))
      Holes.push_back(A.value);
    else if (Is(A, "SCMP_CMP_LT")) {
      if (A.value == 0) { Never = true; return std::vector<ArgCmp>{}; }
      Hi = std::min(Hi, A.value - 1);
    } else if (Is(A, "SCMP_CMP_LE"))
      Hi = std::min(Hi, A.value);
    else if (Is(A, "SCMP_CMP_GT")) {
      if (A.value == ~0ull) { Never = true; return std::vector<ArgCmp>{}; }
      Lo = std::max(Lo, A.value + 1);
    } else if (Is(A, "SCMP_CMP_GE"))
      Lo = std::max(Lo, A.value);
  }
  if (Lo > Hi) {
    Never = true;
    return std::vector<ArgCmp>{};
  }
  std::sort(Holes.begin(), Holes.end());
  Holes.erase(std::unique(Holes.begin(), Holes.end()), Holes.end());
  Holes.erase(std::remove_if(Holes.begin(), Holes.end(),
                             [&](uint64_t H) { return H < Lo || H > Hi; }),
              Holes.end());
  // Shrink the interval past holes at its ends.
  while (!Holes.empty() && Holes.front() == Lo && Lo < Hi) {
    Holes.erase(Holes.begin());
    ++Lo;
  }
  while (!Holes.empty() && Holes.back() == Hi && Lo < Hi) {
    Holes.pop_back();
    --Hi;
  }
  if (Lo == Hi && !Holes.empty()) {
    Never = true;
    return std::vector<ArgCmp>{};
  }
  unsigned I = V.front().index;
  auto Make = [&](const char *Op, uint64_t X) {
    ArgCmp A;
    A.index = I;
    A.op = Op;
    A.value = X;
    return A;
  };
  if (Holes.empty()) {
    if (Lo == Hi) return std::vector<ArgCmp>{Make("SCMP_CMP_EQ", Lo)};
    if (Lo == 0 && Hi == ~0ull) return std::vector<ArgCmp>{};
    if (Lo == 0) return std::vector<ArgCmp>{Make("SCMP_CMP_LE", Hi)};
    if (Hi == ~0ull) return std::vector<ArgCmp>{Make("SCMP_CMP_GE", Lo)};
  }
  if (Lo == 0 && Hi == ~0ull && Holes.size() == 1)
    return std::vector<ArgCmp>{Make("SCMP_CMP_NE", Holes[0])};
  if (Hi - Lo < 16) {
    std::vector<ArgCmp> Out;
    for (uint64_t X = Lo; X <= Hi; ++X)
      if (!std::binary_search(Holes.begin(), Holes.end(), X))
        Out.push_back(Make("SCMP_CMP_EQ", X));
    return Out;
  }
  return std::nullopt;
}

// A conjunct as alternatives of ANDed comparisons (one argument compared
// at most once in each): empty = never holds; nullopt = inexpressible.
std::optional<std::vector<std::vector<ArgCmp>>> toArgs(const Conj &C, std::string &Why) {
  std::map<unsigned, std::vector<ArgCmp>> ByArg;
  for (const Lit &L : C) {
    ArgCmp A;
    switch (toArg(L, A)) {
    case LitKind::True:
      continue;
    case LitKind::False:
      return std::vector<std::vector<ArgCmp>>{};
    case LitKind::Inexpressible:
      Why = L.leaf->width32 ? "a 32-bit (deny-widened) comparison other than '=='"
                            : "'!' of a multi-bit mask comparison";
      return std::nullopt;
    case LitKind::Cmp:
      break;
    }
    auto &V = ByArg[A.index];
    if (std::find(V.begin(), V.end(), A) == V.end())
      V.push_back(A);
  }
  std::vector<std::vector<ArgCmp>> Alts{{}};
  for (auto &[Idx, V] : ByArg) {
    bool Never = false;
    auto One = oneArg(V, Never);
    if (Never)
      return std::vector<std::vector<ArgCmp>>{};
    if (!One) {
      Why = "comparisons of arg" + std::to_string(Idx) +
            " that are no single libseccomp comparison (libseccomp 2.5 does not AND two "
            "comparisons of one argument)";
      return std::nullopt;
    }
    if (One->empty())
      continue; // no constraint
    std::vector<std::vector<ArgCmp>> Next;
    for (const auto &Alt : Alts)
      for (const ArgCmp &A : *One) {
        auto X = Alt;
        X.push_back(A);
        Next.push_back(std::move(X));
      }
    Alts = std::move(Next);
  }
  return Alts;
}

CondRef narrow32(const CondRef &C) {
  auto Out = std::make_shared<Cond>(*C);
  if (C->kind == Cond::Kind::Cmp)
    Out->width32 = true;
  else
    for (CondRef &K : Out->children)
      K = narrow32(K);
  return Out;
}

bool fits32(const Cond &C) {
  if (C.kind == Cond::Kind::Cmp)
    return (C.value >> 32) == 0 &&
           (C.op != Cond::Op::MaskedEq || (C.mask >> 32) == 0 || C.mask == ~0ull);
  return std::all_of(C.children.begin(), C.children.end(),
                     [](const CondRef &K) { return fits32(*K); });
}

CondRef widenDeny(const CondRef &C) {
  if (!fits32(*C))
    return C;
  auto Or = std::make_shared<Cond>();
  Or->kind = Cond::Kind::Or;
  Or->children = {C, narrow32(C)};
  return Or;
}

} // namespace

const char *actionName(const seccomp::Action &A) {
  switch (A.kind) {
  case ActionKind::Allow: return "SCMP_ACT_ALLOW";
  case ActionKind::Errno: return "SCMP_ACT_ERRNO";
  case ActionKind::KillProcess: return "SCMP_ACT_KILL_PROCESS";
  case ActionKind::KillThread: return "SCMP_ACT_KILL_THREAD";
  case ActionKind::Trap: return "SCMP_ACT_TRAP";
  case ActionKind::Log: return "SCMP_ACT_LOG";
  case ActionKind::UserNotif: return "SCMP_ACT_NOTIFY";
  }
  return "SCMP_ACT_KILL_PROCESS";
}

std::string scmpArch(llvm::StringRef A) {
  if (A == "x86_64") return "SCMP_ARCH_X86_64";
  if (A == "i386") return "SCMP_ARCH_X86";
  if (A == "x32") return "SCMP_ARCH_X32";
  if (A == "aarch64") return "SCMP_ARCH_AARCH64";
  if (A == "arm") return "SCMP_ARCH_ARM";
  if (A == "riscv64") return "SCMP_ARCH_RISCV64";
  return "";
}

llvm::Expected<Profile> lowerProfile(const ir::SeccompIR &S, llvm::ArrayRef<std::string> Extra) {
  Profile P;
  P.defaultAction = S.defaultAction;
  for (const std::string &A : S.arches)
    P.arches.push_back(scmpArch(A));
  if (!(S.unknownAction == S.defaultAction))
    P.degraded.push_back("'unknown " + S.unknownAction.str() +
                         "' has no OCI form: syscalls the runtime's libseccomp does not know get "
                         "the default action " + S.defaultAction.str());
  std::string Errors;
  auto Fail = [&](const std::string &Name, const ir::RuleOrigin &O, const std::string &Why) {
    Errors += "\n  syscall '" + Name + "' (policy '" + O.policy + "'): " + Why;
  };
  std::map<std::pair<seccomp::Action, std::vector<ArgCmp>>, std::vector<std::string>> Rules;
  auto Add = [&](const std::string &Name, const seccomp::Action &A, std::vector<ArgCmp> Args) {
    if (A.kind == ActionKind::UserNotif)
      Errors += "\n  syscall '" + Name + "': user_notif needs a listener an OCI config cannot name";
    if (A.kind == ActionKind::Trap && A.data)
      P.degraded.push_back("trap(" + std::to_string(A.data) + ") on '" + Name +
                           "' loses its si_errno value");
    Rules[{A, std::move(Args)}].push_back(Name);
  };
  if (S.defaultAction.kind == ActionKind::UserNotif)
    Errors += "\n  default user_notif needs a listener an OCI config cannot name";

  std::map<std::string, ir::SyscallDecision> Decisions = S.syscalls;
  for (const std::string &N : Extra) {
    ir::SyscallDecision D;
    D.fallback = {ActionKind::Allow, 0};
    Decisions[N] = D;
  }
  for (const auto &[Name, D] : Decisions) {
    // Regions, in order; an always-true conjunct ends the list.
    std::optional<seccomp::Action> Uncond =
        D.fallback == S.defaultAction ? std::nullopt : std::optional(D.fallback);
    std::vector<std::pair<seccomp::Action, std::vector<ArgCmp>>> Out;
    Dnf NotEarlier{Conj{}};
    bool Ok = true;
    for (const ir::CondBranch &B : D.branches) {
      CondRef C = B.action.kind == ActionKind::Allow ? B.cond : widenDeny(B.cond);
      auto Pos = dnf(*C, false), Neg = dnf(*C, true);
      if (!Pos || !Neg) {
        Fail(Name, B.origin, "condition too large to lower (more than 256 conjunctions)");
        Ok = false;
        break;
      }
      bool Always = false;
      for (const Conj &E : NotEarlier)
        for (const Conj &X : *Pos) {
          Conj Both = E;
          Both.insert(Both.end(), X.begin(), X.end());
          std::string Why;
          auto Alts = toArgs(Both, Why);
          if (!Alts) {
            Fail(Name, B.origin, Why);
            Ok = false;
            continue;
          }
          for (auto &Args : *Alts) {
            if (Args.empty())
              Always = true;
            Out.push_back({B.action, std::move(Args)});
          }
        }
      if (Always) { // later branches and the fallback are unreachable
        Uncond = B.action;
        break;
      }
      Dnf Next;
      for (const Conj &E : NotEarlier)
        for (const Conj &X : *Neg) {
          Conj Both = E;
          Both.insert(Both.end(), X.begin(), X.end());
          Next.push_back(std::move(Both));
        }
      if (Next.size() > kMaxConjuncts) {
        Fail(Name, B.origin, "condition too large to lower (more than 256 conjunctions)");
        Ok = false;
        break;
      }
      NotEarlier = std::move(Next);
    }
    if (!Ok)
      continue;
    if (Uncond)
      Add(Name, *Uncond, {});
    for (auto &[A, Args] : Out) {
      if (Args.empty())
        continue; // became the unconditional rule
      if (!Uncond && A == S.defaultAction)
        continue; // the default decides it anyway
      Add(Name, A, std::move(Args));
    }
  }
  if (!Errors.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the seccomp policy cannot be expressed in the "
                                   "libseccomp (OCI/Docker) form:" + Errors);
  for (auto &[Key, Names] : Rules)
    P.rules.push_back({std::move(Names), Key.first, Key.second});
  std::stable_sort(P.rules.begin(), P.rules.end(), [](const ProfileRule &A, const ProfileRule &B) {
    return std::make_tuple(A.args.size(), A.names.front()) <
           std::make_tuple(B.args.size(), B.names.front());
  });
  return P;
}

llvm::json::Object profileToJson(const Profile &P) {
  using namespace llvm::json;
  Object O{{"defaultAction", actionName(P.defaultAction)}};
  if (P.defaultAction.kind == ActionKind::Errno)
    O["defaultErrnoRet"] = int64_t(P.defaultAction.data);
  Array Arches;
  for (const std::string &A : P.arches)
    Arches.push_back(A);
  O["architectures"] = std::move(Arches);
  Array Sys;
  for (const ProfileRule &R : P.rules) {
    Array Names;
    for (const std::string &N : R.names)
      Names.push_back(N);
    Object X{{"names", std::move(Names)}, {"action", actionName(R.action)}};
    if (R.action.kind == ActionKind::Errno)
      X["errnoRet"] = int64_t(R.action.data);
    if (!R.args.empty()) {
      Array Args;
      for (const ArgCmp &A : R.args)
        Args.push_back(Object{{"index", int64_t(A.index)},
                              {"value", A.value},
                              {"valueTwo", A.valueTwo},
                              {"op", A.op}});
      X["args"] = std::move(Args);
    }
    Sys.push_back(std::move(X));
  }
  O["syscalls"] = std::move(Sys);
  return O;
}

} // namespace kavach::oci

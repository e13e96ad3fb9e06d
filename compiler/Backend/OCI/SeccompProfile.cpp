// kavach seccomp IR → the libseccomp-shaped profile of OCI, Docker and
// Kubernetes.
//
// kavach's decision for a syscall is ordered: branch conditions c1..cn are
// tried in turn, then the fallback. libseccomp's is not: its rules for one
// syscall are an unordered set, and libseccomp 2.5.4 does not give a
// conditional rule precedence over the syscall's unconditional rule of
// another action: it drops the conditional rules (measured with runc 1.1.5
// on this host, default SCMP_ACT_LOG: unconditional ERRNO + ALLOW if
// arg1 == 0 gave EPERM for `kill -0`, unconditional ALLOW + ERRNO if
// arg1 == 0 let `kill -0` succeed, in either order; seccomp_export_pfc of
// such a context shows only the unconditional action). It also ignores a
// rule whose action is the default action. So every region of the
// decision is disjoint and explicit: branch i is ci ∧ ¬c1 ∧ … ∧ ¬c(i-1), the
// fallback ¬c1 ∧ … ∧ ¬cn, each in disjunctive normal form, one rule per
// conjunct; regions of the default action get no rule; a rule is
// unconditional only when its region is everything. Deny conditions are
// widened to the kernel's 32-bit reading first, exactly as
// Backend/Seccomp/Lowering.cpp does (C ∨ C₃₂, just C₃₂ when C implies it;
// `== v` on the low half as MASKED_EQ 0xffffffff). `!((a & m) == v)` is
// the OR over the bits b of m of `(a & b) == (v & b) ^ b`; masked
// comparisons of one argument AND into one.
//
// What cannot be expressed is an error naming the syscall and policy,
// never a dropped condition: a 32-bit `<`/`>`/… and comparisons of one
// argument in one conjunct that are no single comparison (runc hands
// libseccomp 2.5 two comparisons of one argument as separate rules, which
// ORs them: `arg0 >= 2 && arg0 <= 3` matched arg0 == 1), unless they are an
// interval of at most 16 values or an `==` decides them; more than 256
// rules for one region. `user_notif` needs a listener an OCI config cannot
// name: also an error. An `unknown` action different from the default is a
// recorded degradation (libseccomp gives numbers it does not know the
// default action).
#include "compiler/Backend/OCI/SeccompProfile.h"

#include "compiler/Backend/Seccomp/Implies32.h"
#include "compiler/Sema/Arches.h"

#include <algorithm>

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

// A literal as alternatives (ORed) of single comparisons. `!((a & m) == v)`
// for a multi-bit m (no MASKED_NE in libseccomp) is the OR over the bits b
// of m of `(a & b) == (v & b) ^ b`: some bit of m differs from v.
LitKind toArg(const Lit &L, std::vector<ArgCmp> &Out) {
  const Cond &C = *L.leaf;
  ArgCmp A;
  A.index = C.argIndex;
  uint64_t V = C.width32 ? C.value & kLow32 : C.value;
  uint64_t M = C.width32 ? C.mask & kLow32 : C.mask;
  using Op = Cond::Op;
  if (C.op == Op::MaskedEq || (C.width32 && (C.op == Op::Eq || C.op == Op::Ne))) {
    if (C.op != Op::MaskedEq)
      M = kLow32;
    bool Neg = L.neg != (C.op == Op::Ne);
    if (V & ~M) // (a & m) == v can never hold
      return Neg ? LitKind::True : LitKind::False;
    if (M == 0) // (a & 0) == 0 always holds
      return Neg ? LitKind::False : LitKind::True;
    A.op = "SCMP_CMP_MASKED_EQ";
    if (!Neg) {
      A.value = M;
      A.valueTwo = V;
      Out.push_back(A);
      return LitKind::Cmp;
    }
    for (uint64_t Rest = M; Rest; Rest &= Rest - 1) {
      uint64_t Bit = Rest & -Rest;
      A.value = Bit;
      A.valueTwo = (V & Bit) ^ Bit;
      Out.push_back(A);
    }
    return LitKind::Cmp;
  }
  if (C.width32)
    return LitKind::Inexpressible;
  static const char *const kOps[][2] = {
      {"SCMP_CMP_EQ", "SCMP_CMP_NE"}, {"SCMP_CMP_NE", "SCMP_CMP_EQ"},
      {"SCMP_CMP_LT", "SCMP_CMP_GE"}, {"SCMP_CMP_LE", "SCMP_CMP_GT"},
      {"SCMP_CMP_GT", "SCMP_CMP_LE"}, {"SCMP_CMP_GE", "SCMP_CMP_LT"}};
  A.op = kOps[unsigned(C.op)][L.neg];
  A.value = V;
  Out.push_back(A);
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

// The comparisons of one argument (ANDed) as alternatives (ORed) of single
// comparisons, or nullopt: runc hands a rule with two comparisons of one
// argument to libseccomp as separate rules, i.e. ORs them, so a rule may
// compare each argument once. Masked comparisons AND into one (their masks
// ORed) unless they contradict; plain ones intersect to an interval minus
// `!=` holes, which is one comparison when it is a half-line, a point or
// everything but a point, and up to 16 `==` otherwise (also when a masked
// comparison must hold too); an `==` decides all others.
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
  std::optional<ArgCmp> Masked;
  uint64_t Lo = 0, Hi = ~0ull;
  std::vector<uint64_t> Holes;
  bool Plain = false;
  for (const ArgCmp &A : V) {
    if (Is(A, "SCMP_CMP_MASKED_EQ")) {
      if (!Masked) {
        Masked = A;
        continue;
      }
      if ((Masked->valueTwo ^ A.valueTwo) & Masked->value & A.value) {
        Never = true; // the masks overlap on a bit the values disagree on
        return std::vector<ArgCmp>{};
      }
      Masked->value |= A.value;
      Masked->valueTwo |= A.valueTwo;
      continue;
    }
    Plain = true;
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
  if (!Plain)
    return std::vector<ArgCmp>{*Masked};
  if (Lo > Hi) {
    Never = true;
    return std::vector<ArgCmp>{};
  }
  std::sort(Holes.begin(), Holes.end());
  Holes.erase(std::unique(Holes.begin(), Holes.end()), Holes.end());
  Holes.erase(std::remove_if(Holes.begin(), Holes.end(),
                             [&](uint64_t H) { return H < Lo || H > Hi; }),
              Holes.end());
  if (Masked && Lo == 0 && Hi == ~0ull) {
    // (a & m) == v ∧ a != h: h outside the masked set changes nothing;
    // otherwise some bit b outside m differs from h's, i.e. the OR over
    // those b of (a & (m|b)) == v | (~h & b) (libseccomp 2.5.4 mis-compiles
    // `!=` next to other rules of the argument; these are MASKED_EQ).
    Holes.erase(std::remove_if(Holes.begin(), Holes.end(),
                               [&](uint64_t H) { return !holds(*Masked, H); }),
                Holes.end());
    if (Holes.empty())
      return std::vector<ArgCmp>{*Masked};
    if (Holes.size() == 1) {
      std::vector<ArgCmp> Out;
      for (uint64_t Rest = ~Masked->value; Rest; Rest &= Rest - 1) {
        uint64_t Bit = Rest & -Rest;
        ArgCmp A = *Masked;
        A.value |= Bit;
        A.valueTwo |= ~Holes[0] & Bit;
        Out.push_back(A);
      }
      if (Out.empty())
        Never = true;
      return Out;
    }
  }
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
  if (!Masked) {
    if (Holes.empty()) {
      if (Lo == Hi) return std::vector<ArgCmp>{Make("SCMP_CMP_EQ", Lo)};
      if (Lo == 0 && Hi == ~0ull) return std::vector<ArgCmp>{};
      if (Lo == 0) return std::vector<ArgCmp>{Make("SCMP_CMP_LE", Hi)};
      if (Hi == ~0ull) return std::vector<ArgCmp>{Make("SCMP_CMP_GE", Lo)};
    }
    if (Lo == 0 && Hi == ~0ull && Holes.size() == 1)
      return std::vector<ArgCmp>{Make("SCMP_CMP_NE", Holes[0])};
  }
  if (Hi - Lo < 16) {
    std::vector<ArgCmp> Out;
    for (uint64_t X = Lo;; ++X) {
      if (!std::binary_search(Holes.begin(), Holes.end(), X) && (!Masked || holds(*Masked, X)))
        Out.push_back(Make("SCMP_CMP_EQ", X));
      if (X == Hi)
        break;
    }
    if (Out.empty())
      Never = true;
    return Out;
  }
  return std::nullopt;
}

// A conjunct as alternatives of ANDed comparisons (one argument compared
// at most once in each): empty = never holds; nullopt = inexpressible.
std::optional<std::vector<std::vector<ArgCmp>>> toArgs(const Conj &C, std::string &Why) {
  // Per argument, the literals, each a set of alternatives.
  std::map<unsigned, std::vector<std::vector<ArgCmp>>> ByArg;
  for (const Lit &L : C) {
    std::vector<ArgCmp> A;
    switch (toArg(L, A)) {
    case LitKind::True:
      continue;
    case LitKind::False:
      return std::vector<std::vector<ArgCmp>>{};
    case LitKind::Inexpressible:
      Why = "a 32-bit (deny-widened) comparison other than '==' or a mask comparison";
      return std::nullopt;
    case LitKind::Cmp:
      break;
    }
    auto &Lits = ByArg[L.leaf->argIndex];
    if (std::find(Lits.begin(), Lits.end(), A) == Lits.end())
      Lits.push_back(std::move(A));
  }
  auto TooMany = [&] {
    Why = "more than " + std::to_string(kMaxConjuncts) + " libseccomp rules for one condition";
  };
  std::vector<std::vector<ArgCmp>> Alts{{}};
  for (auto &[Idx, Lits] : ByArg) {
    // Distribute the ANDed literals' alternatives, then make each product
    // one comparison (or a few alternatives).
    std::vector<std::vector<ArgCmp>> Products{{}};
    for (const std::vector<ArgCmp> &L : Lits) {
      std::vector<std::vector<ArgCmp>> Next;
      for (const auto &P : Products)
        for (const ArgCmp &A : L) {
          auto X = P;
          if (std::find(X.begin(), X.end(), A) == X.end())
            X.push_back(A);
          Next.push_back(std::move(X));
        }
      if (Next.size() > kMaxConjuncts) {
        TooMany();
        return std::nullopt;
      }
      Products = std::move(Next);
    }
    std::vector<ArgCmp> One;
    bool Unconstrained = false;
    for (const auto &P : Products) {
      bool Never = false;
      auto O = oneArg(P, Never);
      if (Never)
        continue;
      if (!O) {
        Why = "comparisons of arg" + std::to_string(Idx) +
              " that are no single libseccomp comparison (runc gives libseccomp 2.5 two "
              "comparisons of one argument as two rules, which ORs them)";
        return std::nullopt;
      }
      if (O->empty())
        Unconstrained = true;
      for (const ArgCmp &A : *O)
        if (std::find(One.begin(), One.end(), A) == One.end())
          One.push_back(A);
    }
    if (Unconstrained)
      continue; // some alternative holds for every value of this argument
    if (One.empty())
      return std::vector<std::vector<ArgCmp>>{};
    std::vector<std::vector<ArgCmp>> Next;
    for (const auto &Alt : Alts)
      for (const ArgCmp &A : One) {
        auto X = Alt;
        X.push_back(A);
        Next.push_back(std::move(X));
      }
    if (Next.size() > kMaxConjuncts) {
      TooMany();
      return std::nullopt;
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
  if (seccomp::implies32(*C)) // C ∨ C₃₂ = C₃₂: one 32-bit test, and its negation stays expressible
    return narrow32(C);
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
  for (const auto &Entry : Decisions) {
    // Not a structured binding: clang 14 cannot capture one in the lambdas below.
    const std::string &Name = Entry.first;
    const ir::SyscallDecision &D = Entry.second;
    // The regions of D, disjoint: branch i is ci ∧ ¬c1 ∧ … ∧ ¬c(i-1), the
    // fallback ¬c1 ∧ … ∧ ¬cn. Each non-default region becomes conditional
    // rules; a region of the default action needs none (and libseccomp
    // ignores a rule with the default action). `Whole` is set when one
    // region is everything (all others are then empty): only then is a rule
    // unconditional, because libseccomp 2.5.4 drops a syscall's conditional
    // rules when it also has an unconditional rule of another action.
    std::optional<seccomp::Action> Whole;
    std::vector<std::pair<seccomp::Action, std::vector<std::vector<ArgCmp>>>> Regions;
    Dnf NotEarlier{Conj{}};
    bool Ok = true;
    // Alternatives of `Region` for action A; false when inexpressible or
    // too large (an error unless A is the default).
    auto Lower = [&](const Dnf &Region, const seccomp::Action &A, const ir::RuleOrigin &O) {
      bool Needed = !(A == S.defaultAction);
      std::vector<std::vector<ArgCmp>> Alts;
      for (const Conj &X : Region) {
        std::string Why;
        auto R = toArgs(X, Why);
        if (!R) {
          if (Needed) {
            Fail(Name, O, Why);
            Ok = false;
          }
          return;
        }
        for (auto &Args : *R) {
          if (Args.empty()) {
            Whole = A;
            return;
          }
          Alts.push_back(std::move(Args));
        }
        if (Alts.size() > kMaxConjuncts) {
          if (Needed) {
            Fail(Name, O, "more than " + std::to_string(kMaxConjuncts) +
                              " libseccomp rules for one condition");
            Ok = false;
          }
          return;
        }
      }
      if (!Needed)
        return;
      // Within one region an alternative whose comparisons include all of
      // another's adds nothing (and such sets make libseccomp's rule tree
      // slow to build).
      auto Subsumes = [](const std::vector<ArgCmp> &Small, const std::vector<ArgCmp> &Big) {
        return std::all_of(Small.begin(), Small.end(), [&](const ArgCmp &X) {
          return std::find(Big.begin(), Big.end(), X) != Big.end();
        });
      };
      std::vector<bool> Redundant(Alts.size());
      for (size_t I = 0; I < Alts.size(); ++I)
        for (size_t J = 0; J < Alts.size() && !Redundant[I]; ++J)
          Redundant[I] = J != I && Subsumes(Alts[J], Alts[I]) &&
                         (Alts[J].size() < Alts[I].size() || J < I);
      std::vector<std::vector<ArgCmp>> Kept;
      for (size_t I = 0; I < Alts.size(); ++I)
        if (!Redundant[I])
          Kept.push_back(std::move(Alts[I]));
      Regions.push_back({A, std::move(Kept)});
    };
    auto And = [&](const Dnf &L, const Dnf &R) -> std::optional<Dnf> {
      Dnf Out;
      for (const Conj &E : L)
        for (const Conj &X : R) {
          Conj Both = E;
          Both.insert(Both.end(), X.begin(), X.end());
          Out.push_back(std::move(Both));
          if (Out.size() > kMaxConjuncts)
            return std::nullopt;
        }
      return Out;
    };
    // The DNFs point into the conditions: keep the widened ones alive for
    // as long as NotEarlier refers to them.
    std::vector<CondRef> Widened;
    for (const ir::CondBranch &B : D.branches) {
      CondRef C = B.action.kind == ActionKind::Allow ? B.cond : widenDeny(B.cond);
      Widened.push_back(C);
      auto Pos = dnf(*C, false), Neg = dnf(*C, true);
      std::optional<Dnf> Here = Pos ? And(NotEarlier, *Pos) : std::nullopt;
      std::optional<Dnf> Next = Neg ? And(NotEarlier, *Neg) : std::nullopt;
      if (!Here || !Next) {
        Fail(Name, B.origin, "condition too large to lower (more than 256 conjunctions)");
        Ok = false;
        break;
      }
      Lower(*Here, B.action, B.origin);
      if (Whole || !Ok)
        break; // later branches and the fallback are unreachable
      NotEarlier = std::move(*Next);
    }
    if (!Ok)
      continue;
    if (!Whole) {
      ir::RuleOrigin FallbackOrigin =
          D.branches.empty() ? ir::RuleOrigin{} : D.branches.back().origin;
      Lower(NotEarlier, D.fallback, FallbackOrigin);
      if (!Ok)
        continue;
    }
    if (Whole) {
      if (!(*Whole == S.defaultAction))
        Add(Name, *Whole, {});
      continue;
    }
    // libseccomp 2.5.4 mis-compiles several rules of one syscall comparing
    // one argument when one of them uses !=, <, <=, > or >= (a 64-bit
    // compare whose high half matches and low half fails jumps to the
    // default, not the next rule; docs/seccomp.md): fail closed there.
    // Measured (test/unit/seccomp/OciProfileOracleTest.cpp): a `!=` inside
    // rules of two comparisons next to an `==` rule of the argument went
    // wrong; docs/seccomp.md has two `<=` rules with a constant >= 2^32 going
    // wrong on the kernel. Single-comparison range rules with 32-bit
    // constants (docker_default's `socket if arg0 < 38 || arg0 == 39 ||
    // arg0 > 40`) compared right on every boundary value.
    unsigned Total[6] = {}, Ranged[6] = {}, RangedInMulti[6] = {};
    bool WideRanged[6] = {};
    for (const auto &[A, Alts] : Regions)
      for (const auto &Args : Alts)
        for (const ArgCmp &C : Args) {
          ++Total[C.index];
          std::string_view Op = C.op;
          bool R = Op != "SCMP_CMP_EQ" && Op != "SCMP_CMP_MASKED_EQ";
          Ranged[C.index] += R;
          RangedInMulti[C.index] += R && Args.size() > 1;
          WideRanged[C.index] |= R && (C.value >> 32);
        }
    bool Buggy = false;
    for (unsigned I = 0; I < 6 && !Buggy; ++I)
      if (Total[I] > 1 && ((Ranged[I] > 1 && WideRanged[I]) || RangedInMulti[I])) {
        Fail(Name, D.branches.empty() ? ir::RuleOrigin{} : D.branches.front().origin,
             "arg" + std::to_string(I) + " needs a '!='/'<'/'<='/'>'/'>=' rule next to other rules "
             "comparing it, which libseccomp 2.5.4 mis-compiles");
        Buggy = true;
        break;
      }
    if (Buggy)
      continue;
    for (auto &[A, Alts] : Regions)
      for (auto &Args : Alts)
        Add(Name, A, std::move(Args));
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

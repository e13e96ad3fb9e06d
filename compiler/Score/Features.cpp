// What a policy restricts, read from ir::PolicyIR, as Restrictions with the
// points each is worth where it is enforced.
//
// Seccomp is judged on the x86_64 syscall table (every host gets the same
// number): a syscall counts as freely allowed (2 halves), conditionally
// allowed (1: argument conditions or user_notif) or denied (0). The surface
// and dangerous-syscall points are integer fractions of their weight, so
// denying or narrowing one more syscall can only add points. `log` counts as
// allow (it does not stop anything).
//
// The process part (ir::ProcessIR): namespaces (scaled by how many of the
// six besides user, which counts apart: OCI configs do not get one), capabilities (scaled by the share of the 41 dropped), rlimits,
// cgroup limits (memory, pids, cpu), a read-only root, an env allowlist
// (`clear`), a command allowlist, a non-root uid. `network none` adds a net
// namespace at lowering but is scored as network-none only. wall_time earns
// nothing: it bounds time, not reach (kavach-launch enforces it on the
// process, oci and gvisor backends alike).
#include "compiler/Score/Score.h"

#include "compiler/Sema/Arches.h"
#include "runtime/LandlockAbi.h"
#include "runtime/Policy.h"
#include "runtime/PolicyFormat.h"

#include <bit>

#include <algorithm>
#include <string>

namespace kavach::score {
namespace {

bool allows(const seccomp::Action &A) {
  return A.kind == seccomp::ActionKind::Allow || A.kind == seccomp::ActionKind::Log;
}
bool notifies(const seccomp::Action &A) { return A.kind == seccomp::ActionKind::UserNotif; }

// 2 = freely allowed, 1 = conditionally, 0 = denied.
unsigned allowedHalves(const ir::SeccompIR &S, const std::string &Name) {
  auto It = S.syscalls.find(Name);
  if (It == S.syscalls.end())
    return allows(S.defaultAction) ? 2 : notifies(S.defaultAction) ? 1 : 0;
  const ir::SyscallDecision &D = It->second;
  bool AnyAllow = false, AnyOther = false; // other = deny or user_notif
  auto Add = [&](const seccomp::Action &A) { (allows(A) ? AnyAllow : AnyOther) = true; };
  Add(D.fallback);
  for (const ir::CondBranch &B : D.branches)
    Add(B.action);
  bool OnlyDeny = !AnyAllow && !notifies(D.fallback) &&
                  std::none_of(D.branches.begin(), D.branches.end(),
                               [](const ir::CondBranch &B) { return notifies(B.action); });
  if (!AnyOther)
    return 2;
  return OnlyDeny ? 0 : 1;
}

const char *const kDangerous[] = {
#define KAVACH_DANGEROUS_SYSCALL(NAME, WHY) NAME,
#include "compiler/Lint/LintRules.def"
#undef KAVACH_DANGEROUS_SYSCALL
};

void seccompRestrictions(const ir::SeccompIR &S, std::vector<Restriction> &Out) {
  if (!S.present)
    return;
  if (!allows(S.defaultAction))
    Out.push_back({Feature::Seccomp, Weight::SeccompDefaultDeny,
                   weightPoints(Weight::SeccompDefaultDeny),
                   "seccomp default " + S.defaultAction.str()});
  const sema::SyscallTable &T = sema::SyscallTable::get(*sema::findArch("x86_64"));
  unsigned N = T.names().size(), Halves = 0;
  for (const std::string &Name : T.names())
    Halves += allowedHalves(S, Name);
  unsigned Free = Halves / 2;
  unsigned Surface = weightPoints(Weight::SeccompSurface) * (2 * N - Halves) / (2 * N);
  Out.push_back({Feature::Seccomp, Weight::SeccompSurface, Surface,
                 "seccomp: " + std::to_string(N - (Halves + 1) / 2) + " of " +
                     std::to_string(N) + " x86_64 syscalls not freely allowed (~" +
                     std::to_string(Free) + " allowed)"});
  unsigned M = 0, Denied = 0;
  for (const char *Name : kDangerous)
    if (T.lookup(Name)) {
      ++M;
      Denied += 2 - allowedHalves(S, Name);
    }
  if (M)
    Out.push_back({Feature::Seccomp, Weight::SeccompDangerous,
                   weightPoints(Weight::SeccompDangerous) * Denied / (2 * M),
                   "seccomp: " + std::to_string(Denied / 2) + " of " + std::to_string(M) +
                       " dangerous syscalls denied" + (Denied % 2 ? " (+1 conditionally)" : "")});
}

void landlockRestrictions(const ir::LandlockIR &L, std::vector<Restriction> &Out) {
  namespace ll = runtime::landlock;
  if (L.fsPresent)
    Out.push_back({Feature::LandlockFs, Weight::LandlockFs, weightPoints(Weight::LandlockFs),
                   "filesystem allowlist (" + std::to_string(L.fs.size()) + " grants)"});
  if (L.netPresent && L.networkNone)
    Out.push_back({Feature::NetworkNone, Weight::NetworkNone, weightPoints(Weight::NetworkNone),
                   "network none"});
  else if (L.netPresent)
    Out.push_back({Feature::NetworkPorts, Weight::NetworkPorts, weightPoints(Weight::NetworkPorts),
                   "network: TCP port allowlist (" + std::to_string(L.net.size()) + " rules)"});
  if (L.scoped & ll::kScopeAbstractUnixSocket)
    Out.push_back({Feature::LandlockScope, Weight::ScopeAbstractUnix,
                   weightPoints(Weight::ScopeAbstractUnix), "scope abstract_unix_socket"});
  if (L.scoped & ll::kScopeSignal)
    Out.push_back({Feature::LandlockScope, Weight::ScopeSignal, weightPoints(Weight::ScopeSignal),
                   "scope signal"});
}

void processRestrictions(const ir::ProcessIR &P, std::vector<Restriction> &Out) {
  using runtime::LimitKind;
  if (!P.present)
    return;
  auto add = [&](Feature F, Weight W, unsigned Points, std::string What) {
    Out.push_back({F, W, Points, std::move(What)});
  };
  constexpr uint32_t kOthers = runtime::kNsAll & ~runtime::kNsUser;
  if (unsigned N = unsigned(std::popcount(P.namespaces & kOthers))) {
    constexpr unsigned kAll = unsigned(std::popcount(kOthers));
    add(Feature::Namespaces, Weight::Namespaces,
        (weightPoints(Weight::Namespaces) * N + kAll - 1) / kAll,
        std::to_string(N) + " of " + std::to_string(kAll) + " namespaces besides user");
  }
  if ((P.namespaces & runtime::kNsUser) || P.hostIds)
    add(Feature::UserNs, Weight::UserNamespace, weightPoints(Weight::UserNamespace),
        "a user namespace");
  if (P.hostIds)
    add(Feature::HostIds, Weight::HostIds, weightPoints(Weight::HostIds),
        "ids 0.." + std::to_string(P.hostIds->count - 1) + " are host ids from " +
            std::to_string(P.hostIds->base));
  if (P.capsPresent) {
    constexpr unsigned kCaps = runtime::kMaxCapability + 1;
    unsigned Kept = unsigned(std::popcount(P.capsKeep));
    unsigned Dropped = Kept >= kCaps ? 0 : kCaps - Kept;
    add(Feature::Capabilities, Weight::Capabilities,
        weightPoints(Weight::Capabilities) * Dropped / kCaps,
        "capabilities: " + std::to_string(Kept) + " kept, " + std::to_string(Dropped) +
            " dropped");
  }
  unsigned Rlimits = 0, Cgroups = 0;
  for (const ir::ProcessLimit &L : P.limits)
    switch (L.kind) {
    case LimitKind::Memory:
    case LimitKind::Pids:
    case LimitKind::Cpu:
      ++Cgroups;
      break;
    case LimitKind::WallTime:
      break;
    default:
      ++Rlimits;
    }
  if (Rlimits)
    add(Feature::Rlimits, Weight::Rlimits, weightPoints(Weight::Rlimits),
        std::to_string(Rlimits) + " rlimits");
  if (Cgroups)
    add(Feature::Cgroups, Weight::Cgroups, weightPoints(Weight::Cgroups),
        std::to_string(Cgroups) + " cgroup limits (memory/pids/cpu)");
  if (P.rootfsReadOnly)
    add(Feature::ReadOnlyRoot, Weight::ReadOnlyRoot, weightPoints(Weight::ReadOnlyRoot),
        "read-only root");
  if (P.envClear)
    add(Feature::Env, Weight::Env, weightPoints(Weight::Env),
        "env allowlist (" + std::to_string(P.envPass.size()) + " passed)");
  if (!P.commands.empty())
    add(Feature::Commands, Weight::Commands, weightPoints(Weight::Commands),
        "command allowlist (" + std::to_string(P.commands.size()) + " commands)");
  if (P.uid && *P.uid != 0)
    add(Feature::User, Weight::User, weightPoints(Weight::User),
        "runs as uid " + std::to_string(*P.uid));
}

} // namespace

bool expressible(Feature) { return true; } // every feature has a section now

std::vector<Restriction> restrictionsOf(const ir::PolicyIR &IR) {
  std::vector<Restriction> Out;
  seccompRestrictions(IR.seccomp, Out);
  landlockRestrictions(IR.landlock, Out);
  processRestrictions(IR.process, Out);
  return Out;
}

} // namespace kavach::score

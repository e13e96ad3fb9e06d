// Lint checks on the seccomp part of the IR: dangerous syscalls allowed,
// ioctl without an argument filter, errno(EPERM) as the default action,
// and TCP/IP sockets without a Landlock port list.
//
// "Allowed" means: some path through the syscall's decision ends in allow
// or log (the unconditional fallback, an `allow ... if` branch, or the
// default action for a syscall no rule names). The finding points at the
// rule that allows it (the @group token when it came through a group, the
// `default` action for a deny-list policy); findings at one place are
// merged into one message. What it skips: conditions are not analysed for
// "safe" argument patterns (minijail's SYSCALL_SAFE_RULES) except for
// ioctl and socket, which are evaluated on concrete arguments.
#include "compiler/Lint/Lint.h"

#include "compiler/Sema/Constants.h"

#include "llvm/ADT/StringExtras.h"

#include <map>
#include <sys/ioctl.h>
#include <sys/socket.h>

using namespace llvm;

namespace kavach::lint {
namespace {

using seccomp::Action;
using seccomp::ActionKind;

bool allows(const Action &A) { return A.kind == ActionKind::Allow || A.kind == ActionKind::Log; }

// Where the policy allows `Name` (invalid range: it does not).
struct Allowance {
  bool allowed = false;
  SMRange where;
  std::string group;
};

Allowance allowance(const ir::SeccompIR &S, StringRef Name) {
  auto It = S.syscalls.find(Name.str());
  if (It == S.syscalls.end())
    return allows(S.defaultAction) ? Allowance{true, S.defaultRange, ""} : Allowance{};
  const ir::SyscallDecision &Dn = It->second;
  for (const ir::CondBranch &B : Dn.branches)
    if (allows(B.action))
      return {true, B.origin.nameRange, B.origin.group};
  if (allows(Dn.fallback))
    return Dn.fallbackIsDefault ? Allowance{true, S.defaultRange, ""}
                                : Allowance{true, Dn.origin.nameRange, Dn.origin.group};
  return {};
}

// The action for concrete arguments, and the range of the rule deciding it.
std::pair<Action, SMRange> decide(const ir::SeccompIR &S, StringRef Name,
                                  const uint64_t Args[6]) {
  auto It = S.syscalls.find(Name.str());
  if (It == S.syscalls.end())
    return {S.defaultAction, S.defaultRange};
  const ir::SyscallDecision &Dn = It->second;
  for (const ir::CondBranch &B : Dn.branches)
    if (B.cond && B.cond->eval(Args))
      return {B.action, B.origin.nameRange};
  return {Dn.fallback, Dn.fallbackIsDefault ? S.defaultRange : Dn.origin.nameRange};
}

std::string via(StringRef Group) {
  return Group.empty() ? std::string() : " (through @" + Group.str() + ")";
}

void dangerous(const ir::SeccompIR &S, DiagnosticEngine &D) {
  // Merge by the place that allows them, in table order.
  std::vector<std::pair<Allowance, std::vector<const Listed *>>> At;
  for (const Listed &L : dangerousSyscalls()) {
    Allowance A = allowance(S, L.name);
    if (!A.allowed)
      continue;
    auto Same = llvm::find_if(At, [&](auto &P) {
      return P.first.where.Start == A.where.Start && P.first.group == A.group;
    });
    if (Same == At.end())
      At.push_back({A, {&L}});
    else
      Same->second.push_back(&L);
  }
  for (auto &[A, List] : At) {
    if (List.size() == 1) {
      report(D, "dangerous-syscall", A.where,
             "dangerous syscall '" + List[0]->name + "' is allowed" + via(A.group) + ": " +
                 List[0]->why);
      continue;
    }
    std::vector<std::string> Names;
    for (const Listed *L : List)
      Names.push_back("'" + L->name.str() + "'");
    report(D, "dangerous-syscall", A.where,
           Twine(List.size()) + " dangerous syscalls are allowed" + via(A.group) + ": " +
               join(Names, ", "));
  }
}

void ioctlFilter(const ir::SeccompIR &S, DiagnosticEngine &D) {
  static const std::pair<uint64_t, const char *> kRisky[] = {
      {TIOCSTI, "TIOCSTI types input into the controlling terminal"},
      {TIOCLINUX, "TIOCLINUX can read and inject console input"}};
  for (auto &[Req, Why] : kRisky) {
    uint64_t Args[6] = {0, Req, 0, 0, 0, 0};
    auto [A, R] = decide(S, "ioctl", Args);
    if (!allows(A))
      continue;
    report(D, "unfiltered-ioctl", R,
           "ioctl is allowed without an argument filter: " + Twine(Why) +
               "; allow only the requests the program needs (allow ioctl if arg1 in {...})");
    return;
  }
}

void defaultEperm(const ir::SeccompIR &S, DiagnosticEngine &D) {
  if (S.defaultAction != Action{ActionKind::Errno, 1})
    return;
  report(D, "default-errno-eperm", S.defaultRange,
         "default action errno(EPERM) breaks libc's fallbacks to older syscalls; prefer "
         "errno(ENOSYS)",
         SMFixIt(S.defaultRange, "errno(ENOSYS)"));
}

void networkPorts(const ir::PolicyIR &IR, DiagnosticEngine &D) {
  // An empty net namespace (namespaces { net; }) has only loopback: every
  // port there is the sandbox's own, nothing outside is reachable.
  if (IR.landlock.netPresent || (IR.process.namespaces & runtime::kNsNet))
    return;
  for (uint64_t Family : {uint64_t(AF_INET), uint64_t(AF_INET6)}) {
    uint64_t Args[6] = {Family, SOCK_STREAM, 0, 0, 0, 0};
    auto [A, R] = decide(IR.seccomp, "socket", Args);
    if (!allows(A))
      continue;
    report(D, "network-any-port", R,
           Twine(Family == AF_INET ? "AF_INET" : "AF_INET6") +
               " sockets are allowed and the policy has no network section: every TCP port "
               "can be connected to and bound; add 'network { connect tcp PORT; }' or "
               "'network none;'");
    return;
  }
}

} // namespace

void checkSeccomp(const LintInput &In, DiagnosticEngine &D) {
  const ir::SeccompIR &S = In.ir.seccomp;
  if (!S.present)
    return;
  defaultEperm(S, D);
  dangerous(S, D);
  ioctlFilter(S, D);
  networkPorts(In.ir, D);
}

} // namespace kavach::lint

// See Multiplexers.h.
#include "compiler/Sema/Multiplexers.h"

#include <linux/ipc.h>
#include <linux/net.h>

namespace kavach::sema {
namespace {

using seccomp::ActionKind;
using seccomp::Cond;

// The kernel's own pairing (net/socket.c, ipc/syscall.c).
const MultiplexedCall kCalls[] = {
    {"socket", "socketcall", SYS_SOCKET},
    {"bind", "socketcall", SYS_BIND},
    {"connect", "socketcall", SYS_CONNECT},
    {"listen", "socketcall", SYS_LISTEN},
    {"accept", "socketcall", SYS_ACCEPT},
    {"getsockname", "socketcall", SYS_GETSOCKNAME},
    {"getpeername", "socketcall", SYS_GETPEERNAME},
    {"socketpair", "socketcall", SYS_SOCKETPAIR},
    {"send", "socketcall", SYS_SEND},
    {"recv", "socketcall", SYS_RECV},
    {"sendto", "socketcall", SYS_SENDTO},
    {"recvfrom", "socketcall", SYS_RECVFROM},
    {"shutdown", "socketcall", SYS_SHUTDOWN},
    {"setsockopt", "socketcall", SYS_SETSOCKOPT},
    {"getsockopt", "socketcall", SYS_GETSOCKOPT},
    {"sendmsg", "socketcall", SYS_SENDMSG},
    {"recvmsg", "socketcall", SYS_RECVMSG},
    {"accept4", "socketcall", SYS_ACCEPT4},
    {"recvmmsg", "socketcall", SYS_RECVMMSG},
    {"sendmmsg", "socketcall", SYS_SENDMMSG},
    {"semop", "ipc", SEMOP},
    {"semget", "ipc", SEMGET},
    {"semctl", "ipc", SEMCTL},
    {"semtimedop", "ipc", SEMTIMEDOP},
    {"msgsnd", "ipc", MSGSND},
    {"msgrcv", "ipc", MSGRCV},
    {"msgget", "ipc", MSGGET},
    {"msgctl", "ipc", MSGCTL},
    {"shmat", "ipc", SHMAT},
    {"shmdt", "ipc", SHMDT},
    {"shmget", "ipc", SHMGET},
    {"shmctl", "ipc", SHMCTL},
};

enum class Tri { False, True, Unknown };

// The condition's value when only arg0 is known (Known) or nothing is.
Tri evalArg0(const Cond &C, bool Known, uint64_t Arg0) {
  switch (C.kind) {
  case Cond::Kind::Cmp: {
    if (!Known || C.argIndex != 0)
      return Tri::Unknown;
    const uint64_t Args[6] = {Arg0, 0, 0, 0, 0, 0};
    return C.eval(Args) ? Tri::True : Tri::False;
  }
  case Cond::Kind::And:
  case Cond::Kind::Or: {
    bool IsAnd = C.kind == Cond::Kind::And;
    // And: one False decides; Or: one True decides.
    Tri Decides = IsAnd ? Tri::False : Tri::True;
    bool AnyUnknown = false;
    for (const auto &Ch : C.children) {
      Tri T = evalArg0(*Ch, Known, Arg0);
      if (T == Decides)
        return Decides;
      AnyUnknown |= T == Tri::Unknown;
    }
    return AnyUnknown ? Tri::Unknown : (IsAnd ? Tri::True : Tri::False);
  }
  case Cond::Kind::Not: {
    if (C.children.size() != 1)
      return Tri::Unknown;
    Tri T = evalArg0(*C.children[0], Known, Arg0);
    return T == Tri::Unknown ? T : (T == Tri::True ? Tri::False : Tri::True);
  }
  }
  return Tri::Unknown;
}

bool permits(const seccomp::Action &A) {
  return A.kind == ActionKind::Allow || A.kind == ActionKind::Log;
}

Tri branchMatches(const ir::CondBranch &B, const MultiplexedCall &Call) {
  bool Known = llvm::StringRef(Call.mux) == "socketcall";
  return B.cond ? evalArg0(*B.cond, Known, Call.callNumber) : Tri::True;
}

} // namespace

const MultiplexedCall *multiplexedCall(llvm::StringRef Name) {
  for (const MultiplexedCall &C : kCalls)
    if (Name == C.name)
      return &C;
  return nullptr;
}

const ir::CondBranch *multiplexerAllowingBranch(const ir::SyscallDecision &Mux,
                                                const MultiplexedCall &Call) {
  for (const ir::CondBranch &B : Mux.branches) {
    Tri T = branchMatches(B, Call);
    if (T == Tri::True)
      return permits(B.action) ? &B : nullptr;
    if (T == Tri::Unknown && permits(B.action))
      return &B;
  }
  return nullptr;
}

bool multiplexerMayRun(const ir::SyscallDecision *Mux, const seccomp::Action &Default,
                       const MultiplexedCall &Call) {
  if (!Mux)
    return permits(Default);
  for (const ir::CondBranch &B : Mux->branches) {
    Tri T = branchMatches(B, Call);
    // A branch that surely matches decides; one that may match decides
    // only if it allows (if it denies, the call may still fall through).
    if (T == Tri::True)
      return permits(B.action);
    if (T == Tri::Unknown && permits(B.action))
      return true;
  }
  return permits(Mux->fallback);
}

} // namespace kavach::sema

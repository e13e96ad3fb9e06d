// FilterSpec: the action encoding and the reference semantics of conditions.
//
// Design. These functions are the specification the code generator is
// tested against, so they are written as the plainest possible statement of
// the meaning, with no shortcuts shared with the generator: Cond::eval works
// on 64-bit values directly, never on the 32-bit halves the BPF sees. The
// only interpretation choices are documented at each function: `mask` is
// used by MaskedEq alone, and `width32` truncates the argument, the value
// and the mask to their low 32 bits before comparing (unsigned).
#include "compiler/Backend/Seccomp/FilterSpec.h"

namespace kavach::seccomp {

uint32_t Action::toRet() const {
  // SECCOMP_RET_* from linux/seccomp.h; the data field is 16 bits wide.
  switch (kind) {
  case ActionKind::Allow:
    return 0x7fff0000u;
  case ActionKind::Errno:
    return 0x00050000u | data;
  case ActionKind::KillProcess:
    return 0x80000000u;
  case ActionKind::KillThread:
    return 0x00000000u;
  case ActionKind::Trap:
    return 0x00030000u | data;
  case ActionKind::Log:
    return 0x7ffc0000u;
  case ActionKind::UserNotif:
    return 0x7fc00000u;
  }
  return 0x80000000u; // unreachable for valid kinds; fail closed
}

std::string Action::str() const {
  switch (kind) {
  case ActionKind::Allow:
    return "allow";
  case ActionKind::Errno:
    return "errno(" + std::to_string(data) + ")";
  case ActionKind::KillProcess:
    return "kill_process";
  case ActionKind::KillThread:
    return "kill_thread";
  case ActionKind::Trap:
    return data ? "trap(" + std::to_string(data) + ")" : "trap";
  case ActionKind::Log:
    return "log";
  case ActionKind::UserNotif:
    return "user_notif";
  }
  return "invalid";
}

bool Cond::eval(const uint64_t args[6]) const {
  switch (kind) {
  case Kind::Cmp: {
    if (argIndex >= 6)
      return false; // rejected by generateFilter; never true here either
    uint64_t a = args[argIndex], v = value, m = mask;
    if (width32) {
      a &= 0xffffffffu;
      v &= 0xffffffffu;
      m &= 0xffffffffu;
    }
    switch (op) {
    case Op::Eq: return a == v;
    case Op::Ne: return a != v;
    case Op::Lt: return a < v;
    case Op::Le: return a <= v;
    case Op::Gt: return a > v;
    case Op::Ge: return a >= v;
    case Op::MaskedEq: return (a & m) == v;
    }
    return false;
  }
  case Kind::And:
    for (const CondRef &c : children)
      if (!c->eval(args))
        return false;
    return true;
  case Kind::Or:
    for (const CondRef &c : children)
      if (c->eval(args))
        return true;
    return false;
  case Kind::Not:
    return children.size() == 1 && !children[0]->eval(args);
  }
  return false;
}

} // namespace kavach::seccomp

// The input of the seccomp code generator: for each arch one filter handles,
// the syscall numbers that differ from the default and what they do. Sema
// builds it (names already resolved to numbers with libseccomp); the code
// generator only sees numbers, arches and actions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kavach::seccomp {

enum class ActionKind : uint8_t {
  Allow,
  Errno,       // data: errno value (0..4095)
  KillProcess,
  KillThread,
  Trap,        // data: SIGSYS si_errno
  Log,
  UserNotif,
};

struct Action {
  ActionKind kind = ActionKind::KillProcess;
  uint16_t data = 0;
  // The SECCOMP_RET_* value the filter returns for this action.
  uint32_t toRet() const;
  // "allow", "errno(1)", "kill_process", ... (errno by number; callers that
  // have names may print them instead).
  std::string str() const;
  bool operator==(const Action &) const = default;
  auto operator<=>(const Action &) const = default;
};

// A condition on the syscall's arguments. Leaves compare one argument
// (64 bits unless `width32`); `&&`, `||`, `!` combine them.
struct Cond {
  enum class Kind : uint8_t { Cmp, And, Or, Not };
  enum class Op : uint8_t { Eq, Ne, Lt, Le, Gt, Ge, MaskedEq };
  Kind kind = Kind::Cmp;
  // Cmp: args[argIndex] OP value, unsigned; for MaskedEq: (arg & mask) ==
  // value. `mask` is ignored by the other ops. argIndex must be 0..5.
  uint8_t argIndex = 0;
  Op op = Op::Eq;
  uint64_t mask = ~0ull;
  uint64_t value = 0;
  // Compare only the low 32 bits (an `int` argument the kernel truncates):
  // the argument, `value` and `mask` are all truncated to 32 bits first.
  bool width32 = false;
  std::vector<std::shared_ptr<const Cond>> children; // And/Or: 2+, Not: 1

  // Evaluates on concrete argument values (the reference semantics the
  // generated BPF must match).
  bool eval(const uint64_t args[6]) const;
};
using CondRef = std::shared_ptr<const Cond>;

// One rule of a syscall: if `cond` (null = always) holds, return `action`.
struct Branch {
  CondRef cond;
  Action action;
};

// What one syscall number does: the first branch whose condition holds wins,
// otherwise `fallback`.
struct SyscallEntry {
  uint32_t nr = 0;
  std::vector<Branch> branches;
  Action fallback;
  bool isUnconditional() const { return branches.empty(); }
};

// One arch inside a filter. Numbers not listed in `entries` get
// `defaultAction` when <= `maxKnownNr` (the compiler's table knows them) and
// `unknownAction` above it.
struct ArchSpec {
  std::string name;        // "x86_64", "i386", "x32", "aarch64", ...
  uint32_t auditArch = 0;  // AUDIT_ARCH_* (x32 shares AUDIT_ARCH_X86_64)
  // Syscall-number bias of this ABI: x32 numbers carry 0x40000000 and
  // entries' `nr` include it. The x32 ArchSpec is the one with auditArch
  // AUDIT_ARCH_X86_64 and nrBase 0x40000000; every other ArchSpec has 0.
  uint32_t nrBase = 0;
  Action defaultAction;
  Action unknownAction;    // ENOSYS unless the policy says `unknown ...;`
  uint32_t maxKnownNr = 0; // highest number (with nrBase) the table knows
  std::vector<SyscallEntry> entries; // sorted by nr, unique
};

// The filter installed on one native arch.
struct FilterSpec {
  uint32_t nativeAuditArch = 0;
  // Arches handled by this filter, native first. On AUDIT_ARCH_X86_64,
  // numbers 0x40000000..0xfffffffe belong to the x32 ArchSpec; without one
  // they get badArchAction. -1 (0xffffffff) stays native: a number past
  // the table, so `unknownAction` (see CodeGen.cpp).
  std::vector<ArchSpec> arches;
  // The action for every other arch (and the x32 bit when x32 is not listed).
  Action badArchAction{ActionKind::KillProcess, 0};
};

} // namespace kavach::seccomp

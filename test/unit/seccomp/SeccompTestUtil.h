// Helpers shared by the seccomp unit tests: building FilterSpecs tersely,
// running a program on one syscall, a portable deterministic RNG.
#pragma once

#include "compiler/Backend/Seccomp/CodeGen.h"
#include "compiler/Backend/Seccomp/FilterSpec.h"
#include "runtime/Bpf.h"

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

namespace kavach::seccomp::test {

inline constexpr uint32_t kArchX86_64 = 0xc000003eu;
inline constexpr uint32_t kArchI386 = 0x40000003u;
inline constexpr uint32_t kArchAarch64 = 0xc00000b7u;
inline constexpr uint32_t kArchArm = 0x40000028u;
inline constexpr uint32_t kX32Bit = 0x40000000u;

inline constexpr uint32_t kRetAllow = 0x7fff0000u;
inline constexpr uint32_t kRetKillProcess = 0x80000000u;

inline Action allow() { return {ActionKind::Allow, 0}; }
inline Action errnoAction(uint16_t e) { return {ActionKind::Errno, e}; }
inline Action killProcess() { return {ActionKind::KillProcess, 0}; }
inline Action killThread() { return {ActionKind::KillThread, 0}; }
inline Action trap(uint16_t d = 0) { return {ActionKind::Trap, d}; }
inline Action logAction() { return {ActionKind::Log, 0}; }
inline Action userNotif() { return {ActionKind::UserNotif, 0}; }

inline CondRef cmp(uint8_t arg, Cond::Op op, uint64_t value, bool width32 = false, uint64_t mask = ~0ull) {
  auto c = std::make_shared<Cond>();
  c->kind = Cond::Kind::Cmp;
  c->argIndex = arg;
  c->op = op;
  c->value = value;
  c->width32 = width32;
  c->mask = mask;
  return c;
}
inline CondRef masked(uint8_t arg, uint64_t mask, uint64_t value, bool width32 = false) {
  return cmp(arg, Cond::Op::MaskedEq, value, width32, mask);
}
inline CondRef combine(Cond::Kind kind, std::vector<CondRef> children) {
  auto c = std::make_shared<Cond>();
  c->kind = kind;
  c->children = std::move(children);
  return c;
}
inline CondRef andC(std::vector<CondRef> ch) { return combine(Cond::Kind::And, std::move(ch)); }
inline CondRef orC(std::vector<CondRef> ch) { return combine(Cond::Kind::Or, std::move(ch)); }
inline CondRef notC(CondRef ch) { return combine(Cond::Kind::Not, {std::move(ch)}); }

inline SyscallEntry entry(uint32_t nr, Action a) {
  SyscallEntry e;
  e.nr = nr;
  e.fallback = a;
  return e;
}
inline SyscallEntry condEntry(uint32_t nr, std::vector<Branch> branches, Action fallback) {
  SyscallEntry e;
  e.nr = nr;
  e.branches = std::move(branches);
  e.fallback = fallback;
  return e;
}

inline ArchSpec archSpec(std::string name, uint32_t auditArch, uint32_t nrBase, uint32_t maxKnownNr,
                         Action def, Action unknown = errnoAction(38)) {
  ArchSpec a;
  a.name = std::move(name);
  a.auditArch = auditArch;
  a.nrBase = nrBase;
  a.maxKnownNr = maxKnownNr;
  a.defaultAction = def;
  a.unknownAction = unknown;
  return a;
}

inline runtime::BpfResult run(const std::vector<runtime::BpfInsn> &prog, uint32_t arch, uint32_t nr,
                              const uint64_t args[6] = nullptr) {
  runtime::SeccompData d;
  d.nr = static_cast<int32_t>(nr);
  d.arch = arch;
  d.instructionPointer = 0x7f0000001234ull;
  if (args)
    for (int i = 0; i < 6; ++i)
      d.args[i] = args[i];
  return runtime::runBpf(prog, d);
}

// splitmix64: the same sequence on every platform and standard library.
class Rng {
public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T> const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }

private:
  uint64_t s_;
};

// The argument values at the edges of every comparison in `c`, added to
// perArg[argIndex]: the constant, one either side, each 32-bit half
// changed, everything outside the mask set, the constant shifted up; with
// `oneBitAway` also every value one bit from the constant (in and outside
// the mask). The differential and oracle tests evaluate filters there.
inline void collectBoundaryValues(const Cond &c, std::set<uint64_t> *perArg,
                                  bool oneBitAway = false) {
  if (c.kind != Cond::Kind::Cmp) {
    for (const CondRef &k : c.children)
      collectBoundaryValues(*k, perArg, oneBitAway);
    return;
  }
  const uint64_t v = c.value;
  std::set<uint64_t> &s = perArg[c.argIndex];
  for (uint64_t x : std::initializer_list<uint64_t>{v, v - 1, v + 1, v ^ (1ull << 32), v & 0xffffffffull,
                                                   v | 0xffffffff00000000ull, (v & c.mask) | ~c.mask,
                                                   v << 32})
    s.insert(x);
  if (oneBitAway)
    for (int b = 0; b < 64; ++b)
      s.insert(v ^ (1ull << b));
}

} // namespace kavach::seccomp::test

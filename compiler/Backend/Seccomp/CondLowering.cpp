// Lowering argument conditions to classic BPF.
//
// Design. BPF sees a 64-bit argument as two 32-bit words (low at 16+8i, high
// at 20+8i on little-endian). A comparison is decided on the high word first
// and only looks at the low word when the high words are equal; all of them
// are unsigned. A width32 comparison looks at the low word only, with the
// value and mask truncated, matching Cond::eval. &&, || and ! never
// materialise a boolean: each node is compiled with its two continuation
// labels (short-circuit), successors first, so every jump is forward, and
// `!` just swaps the labels. Constant comparisons (x >= 0, x > UINT64_MAX,
// masks that cannot match, ...) fold to a label without loading anything.
// MaskedEq uses one `jset` when the value is 0 or a single bit, else
// `and`+`jeq`. The emitter's threading removes the repeated `ld` of a word
// already in A and jumps whose outcome the previous ones imply; deliberately
// not done here: reordering operands or sharing loads across branches beyond
// what threading finds.
#include "compiler/Backend/Seccomp/CodeGenImpl.h"

#include <bit>

namespace kavach::seccomp::detail {

namespace {

using Op = Cond::Op;
constexpr uint32_t kMax32 = 0xffffffffu;
constexpr uint64_t kMax64 = ~0ull;

// One 32-bit word at `offset` against `v` (and `m` for MaskedEq).
Label cmp32(Op op, uint32_t offset, uint32_t v, uint32_t m, Label t, Label f, Emitter &e) {
  // Comparisons that hold for every value (or none) need no load.
  switch (op) {
  case Op::Gt: if (v == kMax32) return f; break;
  case Op::Le: if (v == kMax32) return t; break;
  case Op::Ge: if (v == 0) return t; break;
  case Op::Lt: if (v == 0) return f; break;
  case Op::MaskedEq:
    if (v & ~m)
      return f; // bits outside the mask can never match
    if (m == 0)
      return t; // 0 == 0
    break;
  default:
    break;
  }
  const Facts inA = Facts::loaded(offset);
  Label j = f;
  switch (op) {
  case Op::Eq: j = e.jump(bpf::kJeqK, v, t, f, inA); break;
  case Op::Ne: j = e.jump(bpf::kJeqK, v, f, t, inA); break;
  case Op::Gt: j = e.jump(bpf::kJgtK, v, t, f, inA); break;
  case Op::Ge: j = e.jump(bpf::kJgeK, v, t, f, inA); break;
  case Op::Lt: j = e.jump(bpf::kJgeK, v, f, t, inA); break;
  case Op::Le: j = e.jump(bpf::kJgtK, v, f, t, inA); break;
  case Op::MaskedEq:
    if (m == kMax32) {
      j = e.jump(bpf::kJeqK, v, t, f, inA);
    } else if (v == 0) {
      j = e.jump(bpf::kJsetK, m, f, t, inA);
    } else if (v == m && std::popcount(m) == 1) {
      j = e.jump(bpf::kJsetK, m, t, f, inA);
    } else {
      // After the `and`, A is no longer the loaded word but is <= m.
      Label eq = e.jump(bpf::kJeqK, v, t, f, Facts{-1, 0, m});
      return e.load(offset, e.andK(m, eq));
    }
    break;
  }
  return e.load(offset, j);
}

Label cmp64(Op op, unsigned arg, uint64_t v, uint64_t m, Label t, Label f, Emitter &e) {
  const uint32_t lo = argLowOffset(arg), hi = argHighOffset(arg);
  const uint32_t vlo = static_cast<uint32_t>(v), vhi = static_cast<uint32_t>(v >> 32);
  switch (op) {
  case Op::Eq:
    return cmp32(Op::Eq, hi, vhi, kMax32, cmp32(Op::Eq, lo, vlo, kMax32, t, f, e), f, e);
  case Op::Ne:
    return cmp64(Op::Eq, arg, v, m, f, t, e);
  case Op::MaskedEq: {
    const uint32_t mlo = static_cast<uint32_t>(m), mhi = static_cast<uint32_t>(m >> 32);
    return cmp32(Op::MaskedEq, hi, vhi, mhi, cmp32(Op::MaskedEq, lo, vlo, mlo, t, f, e), f, e);
  }
  case Op::Lt:
    return cmp64(Op::Ge, arg, v, m, f, t, e);
  case Op::Le:
    return cmp64(Op::Gt, arg, v, m, f, t, e);
  case Op::Gt:
  case Op::Ge: {
    if (op == Op::Gt && v == kMax64)
      return f;
    if (op == Op::Ge && v == 0)
      return t;
    // hi > vhi: t; hi == vhi: decided by the low word; hi < vhi: f.
    Label low = cmp32(op, lo, vlo, kMax32, t, f, e);
    Label eq = e.jump(bpf::kJeqK, vhi, low, f, Facts::loaded(hi, 0, vhi));
    Label gt = e.jump(bpf::kJgtK, vhi, t, eq, Facts::loaded(hi));
    return e.load(hi, gt);
  }
  }
  return f;
}

uint32_t condSize(const Cond &c) {
  if (c.kind == Cond::Kind::Cmp)
    return c.width32 ? 2 : 5;
  uint32_t s = 0;
  for (const CondRef &ch : c.children)
    s += condSize(*ch);
  return s;
}

} // namespace

Label lowerCond(const Cond &c, Label ifTrue, Label ifFalse, Emitter &e) {
  switch (c.kind) {
  case Cond::Kind::Cmp:
    if (c.width32)
      return cmp32(c.op, argLowOffset(c.argIndex), static_cast<uint32_t>(c.value),
                   static_cast<uint32_t>(c.mask), ifTrue, ifFalse, e);
    return cmp64(c.op, c.argIndex, c.value, c.mask, ifTrue, ifFalse, e);
  case Cond::Kind::And: {
    Label next = ifTrue;
    for (size_t i = c.children.size(); i-- > 0;)
      next = lowerCond(*c.children[i], next, ifFalse, e);
    return next;
  }
  case Cond::Kind::Or: {
    Label next = ifFalse;
    for (size_t i = c.children.size(); i-- > 0;)
      next = lowerCond(*c.children[i], ifTrue, next, e);
    return next;
  }
  case Cond::Kind::Not:
    return lowerCond(*c.children[0], ifFalse, ifTrue, e);
  }
  return ifFalse;
}

Label lowerOutcome(const Outcome &o, Emitter &e) {
  Label next = e.ret(o.fallback.toRet());
  for (size_t i = o.branches.size(); i-- > 0;)
    next = lowerCond(*o.branches[i].cond, e.ret(o.branches[i].action.toRet()), next, e);
  return next;
}

uint32_t estimateSize(const Outcome &o) {
  uint32_t s = 1;
  for (const Branch &b : o.branches)
    s += condSize(*b.cond) + 1;
  return s;
}

} // namespace kavach::seccomp::detail

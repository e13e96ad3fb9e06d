// The backward BPF emitter and the final compaction pass.
//
// Design. Code is emitted successor-first into a reversed buffer; labels are
// distances from the end, so they stay valid as code is prepended and every
// jump is forward. Three things keep the output small and fast:
//  * Hash-consing: an instruction identical to one already emitted (same
//    opcode, constant and absolute targets) is reused while it is near, so
//    identical RETs and identical tails are shared, BDD style.
//  * Jump threading on Facts: a jump whose outcome is implied by what is
//    known about A on the incoming edge is skipped, and so is a reload of
//    the word A already holds (e.g. the x32 subtree's `ld nr`, or the second
//    `ld arg0_hi` of `arg0 == 1 || arg0 == 2`).
//  * Reach: jt/jf are 8 bits. When a target is too far, the emitter places
//    an equivalent instruction within range: a copy of a RET or of a
//    conditional jump whose own targets are in range (free at run time), else
//    a `ja` trampoline (32-bit offset, costs one executed instruction).
// The emitter deliberately does no global layout optimisation; callers emit
// subtrees in an order that keeps hot jumps short. It cannot know what
// earlier (not yet emitted) code established, so path-dependent threading is
// left to compact() (Compact.cpp), which runs on the finished program.
#include "compiler/Backend/Seccomp/Emitter.h"

#include <algorithm>
#include <optional>

namespace kavach::seccomp::detail {

using runtime::BpfInsn;

namespace {

// Slack left when deciding whether a target is reachable, so that up to two
// helper instructions (trampolines for jt and jf) can still be emitted
// before the jump itself.
constexpr uint32_t kReachSlack = 2;
constexpr uint32_t kReachable = bpf::kMaxJump - kReachSlack;

bool isRet(uint16_t code) { return (code & 0x07) == 0x06; }

std::optional<bool> decide(uint16_t code, uint32_t k, const Facts &f) {
  return decideJump(code, k, f.lo, f.hi);
}

// Facts on the taken (`taken`) or fall-through edge of an undecided jump.
Facts edge(uint16_t code, uint32_t k, Facts f, bool taken) {
  narrowOnEdge(code, k, taken, f.lo, f.hi);
  return f;
}

} // namespace

std::optional<bool> decideJump(uint16_t code, uint32_t k, uint32_t lo, uint32_t hi) {
  switch (code) {
  case bpf::kJeqK:
    if (lo == hi)
      return lo == k;
    if (k < lo || k > hi)
      return false;
    return std::nullopt;
  case bpf::kJgtK:
    if (lo > k)
      return true;
    if (hi <= k)
      return false;
    return std::nullopt;
  case bpf::kJgeK:
    if (lo >= k)
      return true;
    if (hi < k)
      return false;
    return std::nullopt;
  case bpf::kJsetK:
    if (lo == hi)
      return (lo & k) != 0;
    // A & k == 0 whenever A is below k's lowest set bit.
    if (k == 0 || hi < (k & (0u - k)))
      return false;
    return std::nullopt;
  }
  return std::nullopt;
}

void narrowOnEdge(uint16_t code, uint32_t k, bool taken, uint32_t &lo, uint32_t &hi) {
  if (decideJump(code, k, lo, hi))
    return; // one edge is infeasible; nothing to learn on the other
  switch (code) {
  case bpf::kJeqK:
    if (taken) {
      lo = hi = k;
    } else if (lo == k) {
      ++lo;
    } else if (hi == k) {
      --hi;
    }
    break;
  case bpf::kJgtK:
    if (taken)
      lo = std::max(lo, k + 1); // undecided => k < hi, no overflow
    else
      hi = std::min(hi, k);
    break;
  case bpf::kJgeK:
    if (taken)
      lo = std::max(lo, k);
    else
      hi = std::min(hi, k - 1); // undecided => k > lo >= 0
    break;
  default:
    break;
  }
}

Label Emitter::push(BpfInsn insn) {
  rev_.push_back(insn);
  Label l = static_cast<Label>(rev_.size() - 1);
  if (insn.code == bpf::kRetK)
    retCopies_[insn.k] = l;
  return l;
}

Label Emitter::ret(uint32_t value) {
  if (auto it = retCopies_.find(value); it != retCopies_.end())
    return it->second;
  return push(BpfInsn{bpf::kRetK, 0, 0, value});
}

Label Emitter::thread(Label t, Facts f) const {
  // Bounded: each step moves strictly towards the end of the program.
  for (;;) {
    const BpfInsn &in = rev_[t];
    if (in.code == bpf::kJa) {
      t = t - 1 - in.k;
      continue;
    }
    if (in.code == bpf::kLdAbsW && f.field == static_cast<int>(in.k)) {
      t = t - 1;
      continue;
    }
    if (bpf::isCondJumpK(in.code)) {
      if (std::optional<bool> d = decide(in.code, in.k, f)) {
        t = t - 1 - (*d ? in.jt : in.jf);
        continue;
      }
    }
    return t;
  }
}

Label Emitter::reach(Label t) {
  if (distanceTo(t) <= kReachable)
    return t;
  const BpfInsn in = rev_[t];
  if (in.code == bpf::kRetK) {
    Label c = retCopies_[in.k];
    return distanceTo(c) <= kReachable ? c : push(in);
  }
  if (in.code == bpf::kJa)
    return reach(t - 1 - in.k);
  if (bpf::isCondJumpK(in.code)) {
    Label a = t - 1 - in.jt, b = t - 1 - in.jf;
    if (distanceTo(a) <= kReachable && distanceTo(b) <= kReachable)
      return push(BpfInsn{in.code, static_cast<uint8_t>(distanceTo(a)),
                          static_cast<uint8_t>(distanceTo(b)), in.k});
  }
  if (auto it = jaCopies_.find(t); it != jaCopies_.end() && distanceTo(it->second) <= kReachable)
    return it->second;
  Label j = push(BpfInsn{bpf::kJa, 0, 0, distanceTo(t)});
  jaCopies_[t] = j;
  return j;
}

Label Emitter::pushCondJump(uint16_t code, uint32_t k, Label jt, Label jf) {
  jt = reach(jt);
  jf = reach(jf);
  return push(BpfInsn{code, static_cast<uint8_t>(distanceTo(jt)),
                      static_cast<uint8_t>(distanceTo(jf)), k});
}

Label Emitter::jump(uint16_t code, uint32_t k, Label jt, Label jf, const Facts &facts) {
  if (std::optional<bool> d = decide(code, k, facts))
    return thread(*d ? jt : jf, facts);
  jt = thread(jt, edge(code, k, facts, true));
  jf = thread(jf, edge(code, k, facts, false));
  if (jt == jf)
    return jt;
  auto key = std::make_tuple(code, k, jt, jf);
  if (auto it = memo_.find(key); it != memo_.end() && distanceTo(it->second) <= kReachable)
    return it->second;
  Label l = pushCondJump(code, k, jt, jf);
  memo_[key] = l;
  return l;
}

void Emitter::ensureTop(Label next) {
  if (!rev_.empty() && next == rev_.size() - 1)
    return;
  const BpfInsn in = rev_[next];
  if (isRet(in.code)) {
    push(in);
  } else if (in.code == bpf::kJa) {
    ensureTop(next - 1 - in.k);
  } else if (bpf::isCondJumpK(in.code)) {
    pushCondJump(in.code, in.k, next - 1 - in.jt, next - 1 - in.jf);
  } else {
    push(BpfInsn{bpf::kJa, 0, 0, distanceTo(next)});
  }
}

Label Emitter::linear(uint16_t code, uint32_t k, Label next) {
  auto key = std::make_tuple(code, k, next, ~Label(0));
  if (auto it = memo_.find(key); it != memo_.end() && distanceTo(it->second) <= kReachable)
    return it->second;
  ensureTop(next);
  Label l = push(BpfInsn{code, 0, 0, k});
  memo_[key] = l;
  return l;
}

std::vector<BpfInsn> Emitter::finish(Label entry) {
  ensureTop(entry);
  std::vector<BpfInsn> fwd(rev_.rbegin(), rev_.rend());
  return compact(std::move(fwd));
}

} // namespace kavach::seccomp::detail

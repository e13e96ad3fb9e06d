// Internal to the seccomp code generator: a backward BPF emitter.
//
// Programs are built from the end: an instruction is emitted only after
// everything it can jump to, so every jump is forward by construction. A
// Label names an instruction by its distance from the end of the program,
// which never changes as more code is prepended.
#pragma once

#include "runtime/Policy.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace kavach::seccomp::detail {

namespace bpf {
// Classic BPF opcodes used by the generator (linux/filter.h).
inline constexpr uint16_t kLdAbsW = 0x20;   // A = *(u32 *)(data + k)
inline constexpr uint16_t kAluAndK = 0x54;  // A &= k
inline constexpr uint16_t kJa = 0x05;       // pc += k
inline constexpr uint16_t kJeqK = 0x15;
inline constexpr uint16_t kJgtK = 0x25;
inline constexpr uint16_t kJgeK = 0x35;
inline constexpr uint16_t kJsetK = 0x45;
inline constexpr uint16_t kRetK = 0x06;
inline constexpr uint32_t kMaxJump = 255;   // jt/jf are 8 bits

inline bool isCondJumpK(uint16_t code) {
  return code == kJeqK || code == kJgtK || code == kJgeK || code == kJsetK;
}
} // namespace bpf

// Offsets into struct seccomp_data.
inline constexpr uint32_t kNrOffset = 0;
inline constexpr uint32_t kArchOffset = 4;
inline constexpr uint32_t argLowOffset(unsigned i) { return 16 + 8 * i; }
inline constexpr uint32_t argHighOffset(unsigned i) { return 20 + 8 * i; }

using Label = uint32_t;

// What is known about the accumulator on a control-flow edge: the
// seccomp_data word it was loaded from (-1: unknown, e.g. after an ALU op)
// and an unsigned range it lies in. Lets the emitter drop reloads of the
// word already in A and jumps whose outcome is already decided.
struct Facts {
  int field = -1;
  uint32_t lo = 0;
  uint32_t hi = 0xffffffffu;
  static Facts loaded(uint32_t offset) { return Facts{static_cast<int>(offset), 0, 0xffffffffu}; }
  static Facts loaded(uint32_t offset, uint32_t lo, uint32_t hi) {
    return Facts{static_cast<int>(offset), lo, hi};
  }
};

class Emitter {
public:
  // A RET K (shared: returns an existing copy when there is one).
  Label ret(uint32_t value);
  // A = seccomp_data[offset], then continue at `next`.
  Label load(uint32_t offset, Label next) { return linear(bpf::kLdAbsW, offset, next); }
  // A &= k, then continue at `next`.
  Label andK(uint32_t k, Label next) { return linear(bpf::kAluAndK, k, next); }
  // A conditional jump on A (jeq/jgt/jge/jset #k). `facts` hold before the
  // jump; the result may be an existing instruction or one of the targets
  // when the outcome is already known.
  Label jump(uint16_t code, uint32_t k, Label jt, Label jf, const Facts &facts);

  // Instructions emitted so far (including ones that may end up dead).
  size_t size() const { return rev_.size(); }
  // How far a jump emitted now would have to go to reach `l`.
  uint32_t distanceTo(Label l) const { return static_cast<uint32_t>(rev_.size() - l - 1); }

  // The program starting at `entry`, in forward order, after removing
  // unreachable code and needless trampolines and re-sharing RETs.
  std::vector<runtime::BpfInsn> finish(Label entry);

private:
  Label push(runtime::BpfInsn insn);
  Label linear(uint16_t code, uint32_t k, Label next);
  // Makes `next` the most recently emitted instruction (by copying it or by
  // emitting a `ja` to it) so a fall-through instruction can precede it.
  void ensureTop(Label next);
  // A label equivalent to `target` that a jump emitted now can reach.
  Label reach(Label target);
  // Follows jumps whose outcome `facts` decide and reloads of the word
  // already in A.
  Label thread(Label target, Facts facts) const;
  Label pushCondJump(uint16_t code, uint32_t k, Label jt, Label jf);

  std::vector<runtime::BpfInsn> rev_; // rev_[label]
  // Hash-consing: (code, k, jt, jf) -> label; linear insns use jf = ~0u.
  std::map<std::tuple<uint16_t, uint32_t, Label, Label>, Label> memo_;
  std::map<uint32_t, Label> retCopies_; // RET value -> most recent copy
  std::map<Label, Label> jaCopies_;     // target -> most recent `ja target`
};

// Whether `code #k` (jeq/jgt/jge/jset) on A in [lo, hi] is always taken
// (true), never taken (false), or depends on A (nullopt).
std::optional<bool> decideJump(uint16_t code, uint32_t k, uint32_t lo, uint32_t hi);
// Narrows [lo, hi] to the values of A on the taken / not-taken edge.
void narrowOnEdge(uint16_t code, uint32_t k, bool taken, uint32_t &lo, uint32_t &hi);

// The join both forward analyses over a program (Compact.cpp's intervals,
// Disassembler.cpp's arch tracking) start with: an unreached state becomes
// `from`; otherwise the seccomp_data word known to be in A survives only if
// both agree. Returns whether `into` was already reached, i.e. whether the
// caller must join its own facts too. State needs `reached` and `field`.
template <typename State> bool joinReached(State &into, const State &from) {
  if (!into.reached) {
    into = from;
    into.reached = true;
    return false;
  }
  if (into.field != from.field)
    into.field = -1;
  return true;
}

// Optimises a finished program without changing what it returns for any
// input (Compact.cpp). The result is valid if the input was.
std::vector<runtime::BpfInsn> compact(std::vector<runtime::BpfInsn> prog);

} // namespace kavach::seccomp::detail

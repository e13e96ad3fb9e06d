// Internal to the seccomp code generator: the pieces CodeGen.cpp assembles.
//   RangeFold.cpp    - outcomes, folding the number line, the search tree
//   CondLowering.cpp - argument conditions to BPF on 32-bit halves
//   Emitter.cpp      - backward emission, trampolines, compaction
#pragma once

#include "compiler/Backend/Seccomp/Emitter.h"
#include "compiler/Backend/Seccomp/FilterSpec.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kavach::seccomp::detail {

inline constexpr uint32_t kAuditArchX86_64 = 0xc000003eu;
inline constexpr uint32_t kX32SyscallBit = 0x40000000u;
// seccomp_data.nr of syscall(-1): a native x86_64 number, not x32.
inline constexpr uint32_t kNrMinusOne = 0xffffffffu;

// The ArchSpec that handles (auditArch, nr), or null for badArchAction. On
// x86_64, numbers >= the x32 bit except -1 belong to the x32 ArchSpec (the
// one with nrBase == kX32SyscallBit) and the rest to the nrBase == 0 one. Shared by
// intendedAction and the generator so both apply the same routing.
const ArchSpec *findArchSpec(const FilterSpec &spec, uint32_t auditArch, uint32_t nr);

// What a set of syscall numbers does, normalized: branches after an
// unconditional one and trailing branches that agree with the fallback are
// dropped, so equal behaviour gets equal outcomes.
struct Outcome {
  std::vector<Branch> branches; // every cond non-null
  Action fallback;
  bool isUnconditional() const { return branches.empty(); }
  // Worth optimising for: it may let the syscall run.
  bool isHot() const;
};

// Interns outcomes by structure (not by pointer identity, so the result does
// not depend on allocation addresses).
class OutcomeTable {
public:
  uint32_t intern(const std::vector<Branch> &branches, const Action &fallback);
  uint32_t intern(const Action &a) { return intern({}, a); }
  const Outcome &operator[](uint32_t id) const { return outcomes_[id]; }
  size_t size() const { return outcomes_.size(); }

private:
  std::vector<Outcome> outcomes_;
  std::map<std::string, uint32_t> ids_;
};

// A maximal run of syscall numbers with one outcome. `hot` counts the hot
// numbers in it (the weight the search tree optimises for).
struct NrRange {
  uint32_t lo, hi;
  uint32_t outcome;
  uint64_t hot;
};

// [lo, hi] of the number line handled by `arch` (null: badArchAction).
// `weighted`: count its hot numbers (false for x32, which is rare).
struct LineSegment {
  const ArchSpec *arch;
  uint32_t lo, hi;
  bool weighted;
};

std::vector<NrRange> foldNumberLine(const std::vector<LineSegment> &segments,
                                    const Action &badArchAction, OutcomeTable &table);

// A binary search tree over the ranges. Split: A >= k goes right. Eq: A == k
// goes right, anything else left (both children are leaves; used where a
// single number sits between two ranges of the same outcome).
struct TreeNode {
  enum class Kind : uint8_t { Leaf, Split, Eq };
  Kind kind = Kind::Leaf;
  uint32_t outcome = 0;
  uint32_t k = 0;
  int32_t left = -1, right = -1;
  uint64_t hot = 0;
  uint32_t sizeEstimate = 0; // instructions, for layout decisions
};

struct SearchTree {
  std::vector<TreeNode> nodes;
  int32_t root = -1;
};

SearchTree buildSearchTree(const std::vector<NrRange> &ranges, const OutcomeTable &table);

// Code for an outcome entered with anything in A; returns its entry label.
Label lowerOutcome(const Outcome &o, Emitter &e);
// Code that goes to `ifTrue` when `c` holds on the arguments, else `ifFalse`.
Label lowerCond(const Cond &c, Label ifTrue, Label ifFalse, Emitter &e);
// Rough instruction count of lowerOutcome's code.
uint32_t estimateSize(const Outcome &o);

} // namespace kavach::seccomp::detail

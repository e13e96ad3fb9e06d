// The seccomp code generator: FilterSpec -> classic BPF.
//
// Design. The program is
//     ld [4]; jeq #arch1 ...; jeq #arch2 ...; ret badArch      (dispatch)
//     ld [0]; <search tree on nr for arch1>                     (per arch)
// where each arch's tree covers the whole 32-bit number line, folded into
// maximal ranges of identical outcome (RangeFold.cpp). On x86_64 the x32
// half (0x40000000 <= nr < 0xffffffff) is just more ranges of the same tree:
// the x32 ArchSpec's ranges when it is listed, badArchAction otherwise, so
// that check can never be forgotten and costs no separate `jge` on the hot
// path (the weighted tree places it). nr == -1 is not x32: it is what
// syscall(-1) and a tracer's "skip this call" pass, the kernel answers it
// with ENOSYS without running anything, and libseccomp lets it through its
// x32 check too; here it is a native number past the table, so it gets the
// `unknown` action (errno(ENOSYS) by default) like any newer syscall.
// The tree's leaves are RETs shared by
// action, or for conditional syscalls their argument checks
// (CondLowering.cpp), which are the only code that loads arguments: an
// unconditional decision depends on arch and nr alone, so the kernel's
// seccomp action cache can cache it. Everything is emitted backwards
// (Emitter.cpp): successors first, hash-consed, with threading and `ja`
// trampolines for jumps over 255, then compacted. The native arch is tested
// first and its tree placed right after the dispatch so its jumps are short.
//
// Output is deterministic: no container is keyed by pointers and ties are
// broken by position. Deliberately skipped: sharing subtrees across arches,
// reordering conditional branches, and profile-guided weights (every
// allowed syscall is assumed equally hot).
#include "compiler/Backend/Seccomp/CodeGen.h"

#include "compiler/Backend/Seccomp/CodeGenImpl.h"
#include "runtime/Bpf.h"

#include <algorithm>
#include <map>

namespace kavach::seccomp {

using namespace detail;

namespace {

constexpr size_t kMaxInsns = 4096;
// Beyond this the filter cannot fit in 4096 instructions anyway; stop before
// spending quadratic time or memory on it.
constexpr size_t kMaxRanges = 16384;
constexpr size_t kMaxEmitted = 16 * kMaxInsns;
constexpr unsigned kMaxCondDepth = 64;

bool isX32(const ArchSpec &a) { return a.auditArch == kAuditArchX86_64 && a.nrBase == kX32SyscallBit; }

bool validAction(const Action &a, std::string *why) {
  if (a.kind > ActionKind::UserNotif) {
    *why = "invalid action kind";
    return false;
  }
  if (a.kind == ActionKind::Errno && a.data > 4095) {
    *why = "errno value " + std::to_string(a.data) + " out of range (0..4095)";
    return false;
  }
  return true;
}

bool validCond(const Cond &c, unsigned depth, std::string *why) {
  if (depth > kMaxCondDepth) {
    *why = "condition nested too deeply";
    return false;
  }
  switch (c.kind) {
  case Cond::Kind::Cmp:
    if (c.argIndex >= 6) {
      *why = "argument index " + std::to_string(c.argIndex) + " out of range (0..5)";
      return false;
    }
    if (c.op > Cond::Op::MaskedEq || !c.children.empty()) {
      *why = "malformed comparison";
      return false;
    }
    return true;
  case Cond::Kind::And:
  case Cond::Kind::Or:
    if (c.children.empty()) {
      *why = "'&&'/'||' without operands";
      return false;
    }
    break;
  case Cond::Kind::Not:
    if (c.children.size() != 1) {
      *why = "'!' needs exactly one operand";
      return false;
    }
    break;
  default:
    *why = "invalid condition kind";
    return false;
  }
  for (const CondRef &ch : c.children) {
    if (!ch) {
      *why = "null condition operand";
      return false;
    }
    if (!validCond(*ch, depth + 1, why))
      return false;
  }
  return true;
}

bool validate(const FilterSpec &spec, std::string *why) {
  if (!validAction(spec.badArchAction, why))
    return false;
  std::map<std::pair<uint32_t, uint32_t>, bool> seen;
  for (const ArchSpec &a : spec.arches) {
    const std::string where = "arch " + (a.name.empty() ? std::to_string(a.auditArch) : a.name) + ": ";
    if (a.nrBase != 0 && !isX32(a)) {
      *why = where + "only x32 (AUDIT_ARCH_X86_64) may have a syscall-number base";
      return false;
    }
    if (!seen.emplace(std::make_pair(a.auditArch, a.nrBase), true).second) {
      *why = where + "listed twice";
      return false;
    }
    if (!validAction(a.defaultAction, why) || !validAction(a.unknownAction, why)) {
      *why = where + *why;
      return false;
    }
    // On x86_64 the x32 bit decides the ABI: entries must sit in their half.
    const bool lowHalf = a.auditArch == kAuditArchX86_64 && a.nrBase == 0;
    for (size_t i = 0; i < a.entries.size(); ++i) {
      const SyscallEntry &e = a.entries[i];
      const std::string at = where + "syscall " + std::to_string(e.nr) + ": ";
      if (i > 0 && e.nr <= a.entries[i - 1].nr) {
        *why = at + "entries not sorted by number or duplicated";
        return false;
      }
      if (e.nr < a.nrBase || (lowHalf && e.nr >= kX32SyscallBit)) {
        *why = at + "number outside the arch's range";
        return false;
      }
      if (!validAction(e.fallback, why)) {
        *why = at + *why;
        return false;
      }
      for (const Branch &b : e.branches) {
        if (!validAction(b.action, why) || (b.cond && !validCond(*b.cond, 0, why))) {
          *why = at + *why;
          return false;
        }
      }
    }
  }
  return true;
}

// One `jeq #auditArch` of the dispatch and the number line behind it.
struct ArchGroup {
  uint32_t auditArch;
  std::vector<LineSegment> segments;
};

std::vector<ArchGroup> archGroups(const FilterSpec &spec) {
  std::vector<uint32_t> order;
  for (const ArchSpec &a : spec.arches)
    if (std::find(order.begin(), order.end(), a.auditArch) == order.end())
      order.push_back(a.auditArch);
  // The native arch is tested first whatever the list order says.
  auto native = std::find(order.begin(), order.end(), spec.nativeAuditArch);
  if (native != order.end())
    std::rotate(order.begin(), native, native + 1);

  std::vector<ArchGroup> groups;
  for (uint32_t arch : order) {
    ArchGroup g{arch, {}};
    if (arch == kAuditArchX86_64) {
      g.segments.push_back({findArchSpec(spec, arch, 0), 0, kX32SyscallBit - 1, true});
      g.segments.push_back({findArchSpec(spec, arch, kX32SyscallBit), kX32SyscallBit, kNrMinusOne - 1, false});
      g.segments.push_back({findArchSpec(spec, arch, kNrMinusOne), kNrMinusOne, kNrMinusOne, false});
    } else {
      g.segments.push_back({findArchSpec(spec, arch, 0), 0, 0xffffffffu, true});
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

// Emits one arch's search tree (entered with A = nr).
class TreeEmitter {
public:
  TreeEmitter(const SearchTree &tree, const OutcomeTable &table, Emitter &e)
      : tree_(tree), table_(table), e_(e) {}

  Label emit(int32_t node, uint32_t lo, uint32_t hi) {
    const TreeNode &nd = tree_.nodes[node];
    const Facts facts = Facts::loaded(kNrOffset, lo, hi);
    switch (nd.kind) {
    case TreeNode::Kind::Leaf:
      return outcome(nd.outcome);
    case TreeNode::Kind::Eq: {
      Label eq = outcome(tree_.nodes[nd.right].outcome);
      Label rest = outcome(tree_.nodes[nd.left].outcome);
      return e_.jump(bpf::kJeqK, nd.k, eq, rest, facts);
    }
    case TreeNode::Kind::Split: {
      const TreeNode &l = tree_.nodes[nd.left], &r = tree_.nodes[nd.right];
      // The subtree emitted last sits right after this jump; the other one
      // is reached across it. Put the smaller one in between so the far jump
      // stays within 255; if neither is small, put the hotter one near so
      // the trampoline lands on the colder paths.
      bool leftNear = l.sizeEstimate <= r.sizeEstimate;
      if (std::min(l.sizeEstimate, r.sizeEstimate) >= kNearBudget)
        leftNear = l.hot >= r.hot;
      Label left, right;
      if (leftNear) {
        right = emit(nd.right, nd.k, hi);
        left = emit(nd.left, lo, nd.k - 1);
      } else {
        left = emit(nd.left, lo, nd.k - 1);
        right = emit(nd.right, nd.k, hi);
      }
      return e_.jump(bpf::kJgeK, nd.k, right, left, facts);
    }
    }
    return outcome(nd.outcome);
  }

private:
  static constexpr uint32_t kNearBudget = 200;

  Label outcome(uint32_t id) {
    const Outcome &o = table_[id];
    if (o.isUnconditional())
      return e_.ret(o.fallback.toRet());
    // Reuse the argument checks while they are near; re-emitting beats a
    // trampoline on the path.
    auto it = lowered_.find(id);
    if (it != lowered_.end() && e_.distanceTo(it->second) <= kNearBudget)
      return it->second;
    Label l = lowerOutcome(o, e_);
    lowered_[id] = l;
    return l;
  }

  const SearchTree &tree_;
  const OutcomeTable &table_;
  Emitter &e_;
  std::map<uint32_t, Label> lowered_;
};

} // namespace

namespace detail {

const ArchSpec *findArchSpec(const FilterSpec &spec, uint32_t auditArch, uint32_t nr) {
  const uint32_t base =
      auditArch == kAuditArchX86_64 && nr >= kX32SyscallBit && nr != kNrMinusOne ? kX32SyscallBit : 0;
  for (const ArchSpec &a : spec.arches)
    if (a.auditArch == auditArch && a.nrBase == base)
      return &a;
  return nullptr;
}

} // namespace detail

Action intendedAction(const FilterSpec &spec, uint32_t auditArch, uint32_t nr,
                      const uint64_t args[6]) {
  const ArchSpec *a = findArchSpec(spec, auditArch, nr);
  if (!a)
    return spec.badArchAction;
  auto it = std::lower_bound(a->entries.begin(), a->entries.end(), nr,
                             [](const SyscallEntry &e, uint32_t n) { return e.nr < n; });
  if (it == a->entries.end() || it->nr != nr)
    return nr <= a->maxKnownNr ? a->defaultAction : a->unknownAction;
  for (const Branch &b : it->branches)
    if (!b.cond || b.cond->eval(args))
      return b.action;
  return it->fallback;
}

std::vector<runtime::BpfInsn> generateFilter(const FilterSpec &spec, std::string *error) {
  auto fail = [&](std::string msg) {
    if (error)
      *error = std::move(msg);
    return std::vector<runtime::BpfInsn>{};
  };
  std::string why;
  if (!validate(spec, &why))
    return fail("invalid filter spec: " + why);

  const std::vector<ArchGroup> groups = archGroups(spec);
  OutcomeTable table;
  std::vector<std::vector<NrRange>> ranges;
  size_t totalRanges = 0;
  for (const ArchGroup &g : groups) {
    ranges.push_back(foldNumberLine(g.segments, spec.badArchAction, table));
    totalRanges += ranges.back().size();
  }
  if (totalRanges > kMaxRanges)
    return fail("seccomp filter too large: " + std::to_string(totalRanges) +
                " distinct syscall ranges cannot fit in 4096 instructions");

  Emitter e;
  const Label bad = e.ret(spec.badArchAction.toRet());
  // Backwards: the last group's code first, so the native arch's tree ends
  // up right after the dispatch.
  std::vector<Label> entry(groups.size());
  for (size_t i = groups.size(); i-- > 0;) {
    SearchTree tree = buildSearchTree(ranges[i], table);
    TreeEmitter te(tree, table, e);
    entry[i] = e.load(kNrOffset, te.emit(tree.root, 0, 0xffffffffu));
  }
  Label next = bad;
  for (size_t i = groups.size(); i-- > 0;)
    next = e.jump(bpf::kJeqK, groups[i].auditArch, entry[i], next, Facts::loaded(kArchOffset));
  const Label start = groups.empty() ? bad : e.load(kArchOffset, next);
  // Compaction removes dead code and trampolines, never most of a program:
  // don't spend time on one that is hopelessly over the limit.
  if (e.size() > kMaxEmitted)
    return fail("seccomp filter too large: over " + std::to_string(kMaxEmitted) +
                " instructions before optimisation, the kernel accepts at most 4096");

  std::vector<runtime::BpfInsn> prog = e.finish(start);
  if (prog.size() > kMaxInsns)
    return fail("seccomp filter too large: " + std::to_string(prog.size()) +
                " instructions, the kernel accepts at most 4096");
  if (!runtime::checkSeccompProgram(prog, &why))
    return fail("internal error: generated seccomp filter is invalid: " + why);
  return prog;
}

} // namespace kavach::seccomp

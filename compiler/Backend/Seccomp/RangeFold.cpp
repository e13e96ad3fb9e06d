// Folding the syscall-number line into ranges, and the search tree over them.
//
// Design. Per arch group the whole 32-bit number line is partitioned: each
// listed entry, the gaps (defaultAction up to maxKnownNr, unknownAction
// above) and, on x86_64, the x32 half (the x32 ArchSpec or badArchAction).
// Adjacent pieces with the same normalized outcome merge, so runs of
// unconditional syscalls with the same action cost one range.
//
// The tree minimises the expected number of comparisons, weighting each
// range by its hot numbers (those that may be allowed: allow/log actions and
// conditional entries) times kHotScale (times half the length of its
// argument checks for a conditional one) plus kColdWeight. The cold weight keeps
// denied ranges from sinking arbitrarily deep; the hot scale makes allowed
// syscalls, which run millions of times, dominate. It is the classic optimal
// alphabetic tree DP with Knuth's monotone-root speedup, O(n^2) time and
// space, for up to kDpLimit ranges; bigger inputs (only machine-generated
// policies get there) fall back to weight-balanced splitting. One extra
// shape is considered: A,{k},A (a single number between two ranges of the
// same outcome) is decided by one `jeq #k` instead of two `jge`. Deliberately
// skipped: jeq nodes in longer intervals (the DP state would stop being an
// interval) and length-limited trees; the weights already keep hot leaves
// within a couple of levels of log2(ranges).
#include "compiler/Backend/Seccomp/CodeGenImpl.h"

#include <algorithm>
#include <functional>
#include <limits>

namespace kavach::seccomp::detail {

namespace {

constexpr uint64_t kHotScale = 16;
constexpr uint64_t kColdWeight = 1;
constexpr size_t kDpLimit = 1024;

void serialize(const Cond &c, std::string &out) {
  out += '(';
  out += std::to_string(static_cast<int>(c.kind));
  if (c.kind == Cond::Kind::Cmp) {
    uint64_t v = c.value, m = c.op == Cond::Op::MaskedEq ? c.mask : ~0ull;
    if (c.width32) {
      v &= 0xffffffffu;
      m &= 0xffffffffu;
    }
    out += ' ' + std::to_string(c.argIndex) + ' ' + std::to_string(static_cast<int>(c.op)) + ' ' +
           (c.width32 ? "w32 " : "w64 ") + std::to_string(m) + ' ' + std::to_string(v);
  }
  for (const CondRef &ch : c.children)
    serialize(*ch, out);
  out += ')';
}

void serialize(const Action &a, std::string &out) { out += std::to_string(a.toRet()) + ';'; }

} // namespace

bool Outcome::isHot() const {
  if (!isUnconditional())
    return true;
  return fallback.kind == ActionKind::Allow || fallback.kind == ActionKind::Log;
}

uint32_t OutcomeTable::intern(const std::vector<Branch> &branches, const Action &fallback) {
  Outcome o;
  o.fallback = fallback;
  for (const Branch &b : branches) {
    if (!b.cond) {
      o.fallback = b.action; // always taken: later branches are dead
      break;
    }
    o.branches.push_back(b);
  }
  // A trailing branch that returns the fallback's action changes nothing.
  while (!o.branches.empty() && o.branches.back().action.toRet() == o.fallback.toRet())
    o.branches.pop_back();

  std::string key;
  for (const Branch &b : o.branches) {
    serialize(*b.cond, key);
    serialize(b.action, key);
  }
  key += "else ";
  serialize(o.fallback, key);
  auto [it, inserted] = ids_.emplace(key, static_cast<uint32_t>(outcomes_.size()));
  if (inserted)
    outcomes_.push_back(std::move(o));
  return it->second;
}

std::vector<NrRange> foldNumberLine(const std::vector<LineSegment> &segments,
                                    const Action &badArchAction, OutcomeTable &table) {
  std::vector<NrRange> out;
  auto append = [&](uint64_t lo, uint64_t hi, uint32_t outcome, uint64_t hot) {
    if (!out.empty() && out.back().outcome == outcome && uint64_t(out.back().hi) + 1 == lo) {
      out.back().hi = static_cast<uint32_t>(hi);
      out.back().hot += hot;
      return;
    }
    out.push_back(NrRange{static_cast<uint32_t>(lo), static_cast<uint32_t>(hi), outcome, hot});
  };

  for (const LineSegment &seg : segments) {
    if (!seg.arch) {
      append(seg.lo, seg.hi, table.intern(badArchAction), 0);
      continue;
    }
    const ArchSpec &a = *seg.arch;
    const uint32_t defaultId = table.intern(a.defaultAction);
    const uint32_t unknownId = table.intern(a.unknownAction);
    const bool defaultHot = seg.weighted && table[defaultId].isHot();
    auto gap = [&](uint64_t lo, uint64_t hi) {
      const uint64_t known = a.maxKnownNr;
      if (lo <= known) {
        uint64_t h = std::min(hi, known);
        append(lo, h, defaultId, defaultHot ? h - lo + 1 : 0);
      }
      if (hi > known)
        append(std::max(lo, known + 1), hi, unknownId, 0);
    };
    uint64_t cur = seg.lo;
    for (const SyscallEntry &e : a.entries) {
      if (e.nr < seg.lo || e.nr > seg.hi)
        continue; // validated away; unreachable through routing anyway
      if (e.nr > cur)
        gap(cur, e.nr - 1);
      uint32_t id = table.intern(e.branches, e.fallback);
      append(e.nr, e.nr, id, seg.weighted && table[id].isHot() ? 1 : 0);
      cur = uint64_t(e.nr) + 1;
    }
    if (cur <= seg.hi)
      gap(cur, seg.hi);
  }
  return out;
}

SearchTree buildSearchTree(const std::vector<NrRange> &ranges, const OutcomeTable &table) {
  SearchTree tree;
  const size_t n = ranges.size();
  if (n == 0)
    return tree;

  // A hot conditional range also runs its argument checks below the leaf:
  // weigh it by that length so it sits higher (this bounds the worst path
  // over allowed syscalls, argument checks included, not just the mean).
  std::vector<uint64_t> prefix(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const Outcome &o = table[ranges[i].outcome];
    const uint64_t scale =
        o.isUnconditional() ? kHotScale : kHotScale * std::max<uint64_t>(1, estimateSize(o) / 2);
    prefix[i + 1] = prefix[i] + ranges[i].hot * scale + kColdWeight;
  }
  auto weight = [&](size_t i, size_t j) { return prefix[j + 1] - prefix[i]; };

  auto leafSize = [&](uint32_t outcome) -> uint32_t {
    const Outcome &o = table[outcome];
    return o.isUnconditional() ? 1 : estimateSize(o);
  };
  auto addLeaf = [&](size_t i) {
    TreeNode nd;
    nd.kind = TreeNode::Kind::Leaf;
    nd.outcome = ranges[i].outcome;
    nd.hot = ranges[i].hot;
    nd.sizeEstimate = leafSize(nd.outcome);
    tree.nodes.push_back(nd);
    return static_cast<int32_t>(tree.nodes.size() - 1);
  };
  auto addInner = [&](TreeNode::Kind kind, uint32_t k, int32_t left, int32_t right) {
    TreeNode nd;
    nd.kind = kind;
    nd.k = k;
    nd.left = left;
    nd.right = right;
    nd.hot = tree.nodes[left].hot + tree.nodes[right].hot;
    nd.sizeEstimate = 1 + tree.nodes[left].sizeEstimate + tree.nodes[right].sizeEstimate;
    tree.nodes.push_back(nd);
    return static_cast<int32_t>(tree.nodes.size() - 1);
  };
  // A,{k},A: ranges i and i+2 share an outcome around a single number.
  auto isEqTriple = [&](size_t i) {
    return ranges[i].outcome == ranges[i + 2].outcome && ranges[i + 1].lo == ranges[i + 1].hi;
  };
  auto addEqTriple = [&](size_t i) {
    // The left leaf stands for ranges i and i+2 together.
    int32_t rest = addLeaf(i);
    tree.nodes[rest].hot += ranges[i + 2].hot;
    int32_t eq = addLeaf(i + 1);
    return addInner(TreeNode::Kind::Eq, ranges[i + 1].lo, rest, eq);
  };

  if (n <= kDpLimit) {
    constexpr uint64_t kInf = std::numeric_limits<uint64_t>::max();
    std::vector<uint64_t> cost(n * n, 0);
    std::vector<uint16_t> root(n * n, 0); // last index of the left part
    std::vector<uint8_t> useEq(n * n, 0);
    for (size_t i = 0; i < n; ++i)
      root[i * n + i] = static_cast<uint16_t>(i);
    for (size_t len = 2; len <= n; ++len) {
      for (size_t i = 0; i + len <= n; ++i) {
        const size_t j = i + len - 1;
        size_t lo = root[i * n + (j - 1)];
        size_t hi = std::min<size_t>(root[(i + 1) * n + j], j - 1);
        lo = std::min(lo, hi);
        uint64_t best = kInf;
        size_t bestK = lo;
        for (size_t k = lo; k <= hi; ++k) {
          uint64_t c = cost[i * n + k] + cost[(k + 1) * n + j];
          if (c < best) {
            best = c;
            bestK = k;
          }
        }
        cost[i * n + j] = best + weight(i, j);
        root[i * n + j] = static_cast<uint16_t>(bestK);
        if (len == 3 && isEqTriple(i)) {
          cost[i * n + j] = weight(i, j); // one jeq, two leaves
          useEq[i * n + j] = 1;
        }
      }
    }
    std::function<int32_t(size_t, size_t)> build = [&](size_t i, size_t j) -> int32_t {
      if (i == j)
        return addLeaf(i);
      if (useEq[i * n + j])
        return addEqTriple(i);
      size_t k = root[i * n + j];
      int32_t l = build(i, k);
      int32_t r = build(k + 1, j);
      return addInner(TreeNode::Kind::Split, ranges[k + 1].lo, l, r);
    };
    tree.root = build(0, n - 1);
    return tree;
  }

  // Weight-balanced: split where the two halves' weights are closest.
  std::function<int32_t(size_t, size_t)> build = [&](size_t i, size_t j) -> int32_t {
    if (i == j)
      return addLeaf(i);
    if (j == i + 2 && isEqTriple(i))
      return addEqTriple(i);
    const uint64_t half = prefix[i] + weight(i, j) / 2;
    // First k with prefix[k+1] >= half, clamped to [i, j-1].
    size_t k = static_cast<size_t>(std::lower_bound(prefix.begin() + i + 1, prefix.begin() + j + 1, half) -
                                   prefix.begin()) - 1;
    auto imbalance = [&](size_t s) {
      uint64_t l = weight(i, s), r = weight(s + 1, j);
      return l > r ? l - r : r - l;
    };
    k = std::clamp(k, i, j - 1);
    if (k > i && imbalance(k - 1) <= imbalance(k))
      --k; // the previous boundary is at least as close to the middle
    int32_t l = build(i, k);
    int32_t r = build(k + 1, j);
    return addInner(TreeNode::Kind::Split, ranges[k + 1].lo, l, r);
  };
  tree.root = build(0, n - 1);
  return tree;
}

} // namespace kavach::seccomp::detail

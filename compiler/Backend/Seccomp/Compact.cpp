// Whole-program clean-up of a generated filter.
//
// Design. The backward emitter decides every jump knowing only what is true
// right at that jump. Once the program is finished, a forward dataflow can
// say more: for each instruction, which seccomp_data word A holds and, for
// every one of the 16 words, an unsigned interval it is known to lie in on
// all paths reaching it. compact() repeats, until nothing changes:
//  1. thread every jump edge through what its state decides: decided jumps,
//     reloads of the word in A, and a reload of another word whose value the
//     path already pinned down when the jumps behind it are all decided and
//     they land on code that does not read A (the usual case: the five
//     `arg0 == K` tests of an `||` reload arg0's high word, known to be 0
//     after the first test);
//  2. collapse `ja` chains, turn `ja` to a RET into the RET, point jumps at
//     the last identical RET in range and turn `jt == jf` into `ja`;
//  3. drop unreachable code and `ja` to the next instruction.
// Every step preserves what the program returns for every input and only
// shortens or keeps jump distances, so a valid input stays valid. Only the
// opcodes the generator emits are tracked precisely; others just make the
// state unknown. Bounded to 64 rounds (each round strictly moves targets
// forward or deletes code, so it converges long before that).
#include "compiler/Backend/Seccomp/Emitter.h"

#include <algorithm>

namespace kavach::seccomp::detail {

using runtime::BpfInsn;

namespace {

constexpr uint32_t kWords = 16; // sizeof(struct seccomp_data) / 4
constexpr uint16_t kLdImm = 0x00;

bool isRet(uint16_t code) { return (code & 0x07) == 0x06; }
bool isJa(uint16_t code) { return code == bpf::kJa; }
bool isCondJump(uint16_t code) { return (code & 0x07) == 0x05 && (code & 0xf0) != 0; }
bool isLdAbs(uint16_t code) { return code == bpf::kLdAbsW; }

// Absolute-target form: t (jt, or a ja's target) and f.
struct Node {
  uint16_t code;
  uint32_t k;
  uint32_t t, f;
};

struct Interval {
  uint32_t lo = 0, hi = 0xffffffffu;
};

struct State {
  bool reached = false;
  int field = -1; // word index A was loaded from, -1 unknown
  Interval a;
  Interval words[kWords];
};

void meetInto(State &into, const State &from) {
  if (!joinReached(into, from))
    return;
  into.a = {std::min(into.a.lo, from.a.lo), std::max(into.a.hi, from.a.hi)};
  for (uint32_t w = 0; w < kWords; ++w)
    into.words[w] = {std::min(into.words[w].lo, from.words[w].lo),
                     std::max(into.words[w].hi, from.words[w].hi)};
}

// The state on one edge of a conditional jump; nullopt if the edge is
// never taken.
std::optional<State> edgeState(const State &s, const Node &nd, bool taken) {
  if (!bpf::isCondJumpK(nd.code))
    return s; // X-register jumps: nothing learned
  if (std::optional<bool> d = decideJump(nd.code, nd.k, s.a.lo, s.a.hi))
    return *d == taken ? std::optional<State>(s) : std::nullopt;
  State e = s;
  narrowOnEdge(nd.code, nd.k, taken, e.a.lo, e.a.hi);
  if (e.field >= 0)
    e.words[e.field] = e.a;
  return e;
}

std::vector<State> analyse(const std::vector<Node> &nodes) {
  const uint32_t n = static_cast<uint32_t>(nodes.size());
  std::vector<State> st(n);
  st[0].reached = true;
  for (uint32_t i = 0; i < n; ++i) {
    if (!st[i].reached)
      continue;
    State s = st[i];
    const Node &nd = nodes[i];
    if (isRet(nd.code))
      continue;
    if (isJa(nd.code)) {
      meetInto(st[nd.t], s);
      continue;
    }
    if (isCondJump(nd.code)) {
      if (auto e = edgeState(s, nd, true))
        meetInto(st[nd.t], *e);
      if (auto e = edgeState(s, nd, false))
        meetInto(st[nd.f], *e);
      continue;
    }
    if (isLdAbs(nd.code) && nd.k / 4 < kWords && nd.k % 4 == 0) {
      s.field = static_cast<int>(nd.k / 4);
      s.a = s.words[nd.k / 4];
    } else if (nd.code == kLdImm) {
      s.field = -1;
      s.a = {nd.k, nd.k};
    } else if (nd.code == bpf::kAluAndK) {
      s.field = -1;
      s.a = {0, std::min(s.a.hi, nd.k)};
    } else if ((nd.code & 0x07) == 0x00 || (nd.code & 0x07) == 0x04 || nd.code == 0x87 /* txa */) {
      s.field = -1; // other loads into A and ALU ops
      s.a = Interval{};
    }
    if (i + 1 < n)
      meetInto(st[i + 1], s);
  }
  return st;
}

// Follows `target` under `s` as far as the state allows, returning the
// furthest equivalent instruction within `limit` of the jump at `from`.
uint32_t threadForward(const std::vector<Node> &nodes, uint32_t from, uint32_t target, const State &s,
                       uint64_t limit) {
  uint32_t best = target, cur = target;
  auto visit = [&](uint32_t p) {
    cur = p;
    if (uint64_t(p) - from - 1 <= limit)
      best = p;
  };
  auto decided = [&](const Node &nd, const Interval &a) -> std::optional<bool> {
    if (!bpf::isCondJumpK(nd.code))
      return std::nullopt;
    return decideJump(nd.code, nd.k, a.lo, a.hi);
  };
  for (int steps = 0; steps < 4096; ++steps) {
    const Node &nd = nodes[cur];
    if (isJa(nd.code)) {
      visit(nd.t);
    } else if (isLdAbs(nd.code) && s.field >= 0 && nd.k == uint32_t(s.field) * 4) {
      visit(cur + 1); // A already holds this word
    } else if (std::optional<bool> d = decided(nd, s.a)) {
      visit(*d ? nd.t : nd.f);
    } else if (isLdAbs(nd.code) && nd.k / 4 < kWords && nd.k % 4 == 0) {
      // Look past a load whose value is known: fine to skip it if the jumps
      // behind it are all decided and land where A is not read.
      const uint32_t word = nd.k / 4;
      const Interval a = s.words[word];
      uint32_t u = cur + 1;
      bool any = false;
      for (int inner = 0; inner < 4096; ++inner) {
        const Node &m = nodes[u];
        if (isJa(m.code)) {
          u = m.t;
        } else if (isLdAbs(m.code) && m.k == nd.k) {
          ++u;
        } else if (std::optional<bool> d = decided(m, a)) {
          u = *d ? m.t : m.f;
          any = true;
        } else {
          break;
        }
      }
      const Node &land = nodes[u];
      if (!any || !(isLdAbs(land.code) || land.code == bpf::kRetK))
        break;
      visit(u); // A still holds what it held before the skipped load
    } else {
      break;
    }
  }
  return best;
}

} // namespace

std::vector<BpfInsn> compact(std::vector<BpfInsn> prog) {
  const uint32_t n0 = static_cast<uint32_t>(prog.size());
  if (n0 == 0)
    return prog;
  std::vector<Node> nodes(n0);
  for (uint32_t i = 0; i < n0; ++i) {
    const BpfInsn &in = prog[i];
    nodes[i] = Node{in.code, in.k, 0, 0};
    if (isCondJump(in.code)) {
      nodes[i].t = i + 1 + in.jt;
      nodes[i].f = i + 1 + in.jf;
    } else if (isJa(in.code)) {
      nodes[i].t = i + 1 + in.k;
    }
  }

  for (int round = 0; round < 64; ++round) {
    bool changed = false;
    const uint32_t n = static_cast<uint32_t>(nodes.size());

    // 1. Path-sensitive threading.
    const std::vector<State> states = analyse(nodes);
    for (uint32_t i = 0; i < n; ++i) {
      if (!states[i].reached)
        continue;
      Node &nd = nodes[i];
      if (isJa(nd.code)) {
        uint32_t u = threadForward(nodes, i, nd.t, states[i], UINT32_MAX);
        changed |= u != nd.t;
        nd.t = u;
      } else if (isCondJump(nd.code)) {
        for (bool taken : {true, false}) {
          uint32_t &p = taken ? nd.t : nd.f;
          std::optional<State> e = edgeState(states[i], nd, taken);
          if (!e)
            continue;
          uint32_t u = threadForward(nodes, i, p, *e, bpf::kMaxJump);
          changed |= u != p;
          p = u;
        }
      }
    }

    // 2. Jump chains and RET sharing.
    std::map<std::pair<uint16_t, uint32_t>, std::vector<uint32_t>> rets;
    for (uint32_t i = 0; i < n; ++i)
      if (isRet(nodes[i].code))
        rets[{nodes[i].code, nodes[i].k}].push_back(i);
    for (uint32_t i = 0; i < n; ++i) {
      Node &nd = nodes[i];
      if (isJa(nd.code)) {
        uint32_t u = nd.t;
        while (isJa(nodes[u].code))
          u = nodes[u].t;
        if (isRet(nodes[u].code)) {
          nd = Node{nodes[u].code, nodes[u].k, 0, 0};
          changed = true;
        } else if (u != nd.t) {
          nd.t = u;
          changed = true;
        }
      } else if (isCondJump(nd.code)) {
        for (uint32_t *p : {&nd.t, &nd.f}) {
          uint32_t u = *p;
          while (isJa(nodes[u].code) && nodes[u].t - i - 1 <= bpf::kMaxJump)
            u = nodes[u].t;
          if (isRet(nodes[u].code)) {
            const std::vector<uint32_t> &same = rets[{nodes[u].code, nodes[u].k}];
            // The last identical RET within range (u itself qualifies).
            u = *(std::upper_bound(same.begin(), same.end(), i + 1 + bpf::kMaxJump) - 1);
          }
          if (u != *p) {
            *p = u;
            changed = true;
          }
        }
        if (nd.t == nd.f) {
          nd = Node{bpf::kJa, 0, nd.t, 0};
          changed = true;
        }
      }
    }

    // 3. Dead code and `ja` to the next instruction.
    std::vector<char> reachable(n, 0);
    reachable[0] = 1;
    for (uint32_t i = 0; i < n; ++i) {
      if (!reachable[i])
        continue;
      const Node &nd = nodes[i];
      if (isRet(nd.code))
        continue;
      if (isJa(nd.code)) {
        reachable[nd.t] = 1;
      } else if (isCondJump(nd.code)) {
        reachable[nd.t] = reachable[nd.f] = 1;
      } else if (i + 1 < n) {
        reachable[i + 1] = 1;
      }
    }
    std::vector<char> kept(n, 0);
    uint32_t nextKept = n;
    for (uint32_t i = n; i-- > 0;) {
      if (!reachable[i] || (isJa(nodes[i].code) && nodes[i].t == nextKept))
        continue;
      kept[i] = 1;
      nextKept = i;
    }
    std::vector<uint32_t> newIdx(n + 1, 0);
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; ++i) {
      newIdx[i] = count; // a deleted `ja` maps to the next kept instruction
      if (kept[i])
        ++count;
    }
    newIdx[n] = count;
    if (count != n) {
      changed = true;
      std::vector<Node> out;
      out.reserve(count);
      for (uint32_t i = 0; i < n; ++i) {
        if (!kept[i])
          continue;
        Node nd = nodes[i];
        nd.t = newIdx[nd.t];
        nd.f = newIdx[nd.f];
        out.push_back(nd);
      }
      nodes = std::move(out);
    }
    if (!changed)
      break;
  }

  std::vector<BpfInsn> out(nodes.size());
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    const Node &nd = nodes[i];
    BpfInsn in{nd.code, 0, 0, nd.k};
    if (isCondJump(nd.code)) {
      // Offsets only shrink during compaction, so they still fit.
      in.jt = static_cast<uint8_t>(nd.t - i - 1);
      in.jf = static_cast<uint8_t>(nd.f - i - 1);
    } else if (isJa(nd.code)) {
      in.k = nd.t - i - 1;
    }
    out[i] = in;
  }
  return out;
}

} // namespace kavach::seccomp::detail

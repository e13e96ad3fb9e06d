// Three-way differential test over every arch kavach supports: for random
// seccomp IRs (syscall names, actions, argument conditions), for every
// syscall number of every arch in a native filter (x86_64 with i386 and x32,
// aarch64 with arm, riscv64), numbers past the tables, the x32 bit and
// foreign arches,
//   (1) the compiled filter run by our interpreter (lowerSeccomp →
//       generateFilter → runtime::runBpf) must equal
//   (2) the action the IR means, computed here straight from the IR with
//       libseccomp's tables (not through Lowering), and
//   (3) a filter libseccomp builds from the same rules (one context per arch
//       merged, SCMP_FLTATR_ACT_BADARCH = KILL_PROCESS, `||` and `!` lowered
//       to several rules) must agree with (2) except where kExpected below
//       says why; every such difference is classified, checked and counted,
//       and each class must actually occur.
// Arguments range over boundary values (0, 1, 2^31-1, 2^31, 2^32-1, 2^32,
// 2^63, 2^64-1, values differing only in the high half, and every constant
// a condition mentions ±1); on i386 and arm, whose arguments the kernel
// zero-extends, only their low halves.
//
// The generated conditions stay inside what libseccomp can express directly
// (negation only of plain comparisons, one comparison per argument in a
// conjunct, all branches of one syscall with one action); ordering between
// branches of different actions is covered against (2) by CodeGenRandomTest.
#include "LibseccompExport.h"
#include "SeccompTestUtil.h"

#include "compiler/Backend/Seccomp/Lowering.h"
#include "compiler/Sema/Arches.h"
#include "compiler/Sema/PolicyIR.h"

#include <gtest/gtest.h>
#include <seccomp.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace kavach::seccomp::test {
namespace {

using sema::ArchInfo;

const std::vector<uint64_t> kBoundaries = {
    0, 1, 2, 0x7fffffffull, 0x80000000ull, 0xfffffffeull, 0xffffffffull, 0x100000000ull,
    0x100000001ull, 0x8000000000000000ull, 0xffffffffffffffffull, 0x7fffffffffffffffull,
    // differing only in the high half
    0x0000000500000007ull, 0x0000000600000007ull, 0xffffffff00000007ull, 0x7ull};

const ArchInfo &arch(const char *name) {
  const ArchInfo *a = sema::findArch(name);
  EXPECT_NE(a, nullptr) << name;
  return *a;
}

// The kernel zero-extends the arguments of i386 and arm (32-bit registers);
// x32 passes 64-bit registers like x86_64.
bool argsAre32Bit(const ArchInfo &a) { return !a.is64Bit && a.nrBase == 0; }

// --- libseccomp's view of an arch's table (independent of sema::SyscallTable)

struct Table {
  std::map<uint32_t, std::string> byNr;
  std::set<std::string> names;
  uint32_t mainMax = 0; // highest number in the ordinary range
};

const Table &table(const ArchInfo &a) {
  static std::map<uint32_t, Table> cache;
  Table &t = cache[a.scmpToken];
  if (!t.byNr.empty())
    return t;
  auto scan = [&](uint32_t from, uint32_t to, bool main) {
    for (uint32_t nr = from; nr < to; ++nr)
      if (char *n = seccomp_syscall_resolve_num_arch(a.scmpToken, int(nr))) {
        t.byNr.emplace(nr, n);
        t.names.insert(n);
        free(n);
        if (main)
          t.mainMax = std::max(t.mainMax, nr);
      }
  };
  scan(a.nrBase, a.nrBase + 4096, true);
  scan(0x0f0000, 0x0f0100, false); // ARM's private calls (nothing elsewhere)
  return t;
}

// Numbers the compiler's tables know: up to the highest ordinary number
// (holes included: they are not "newer syscalls") plus the private ones.
bool known(const ArchInfo &a, uint32_t nr) {
  const Table &t = table(a);
  return (nr >= a.nrBase && nr <= t.mainMax) || t.byNr.count(nr);
}

// The numbers a test walks on one arch: the whole table, 64 past it, the
// private range and a few far ones.
std::vector<uint32_t> numbersOf(const ArchInfo &a) {
  const Table &t = table(a);
  std::set<uint32_t> s;
  for (uint64_t nr = a.nrBase; nr <= uint64_t(t.mainMax) + 64; ++nr)
    s.insert(uint32_t(nr));
  for (const auto &[nr, name] : t.byNr) {
    s.insert(nr);
    s.insert(nr + 1);
  }
  for (uint32_t nr : {1000u, 0x0effffu, 0x0f0000u, 0x0f0100u, 0x3fffffffu, 0x7fffffffu, 0x80000000u,
                      0xfffffffeu, 0xffffffffu})
    if (a.nrBase == 0 || nr >= a.nrBase)
      s.insert(nr);
  if (a.nrBase) // x32: the x32 bit alone and the numbers just below it
    s.insert(a.nrBase);
  return {s.begin(), s.end()};
}

// --- the IR and what it means

struct Group {
  const char *native;
  std::vector<const char *> arches; // native first
};

bool fits32(const Cond &c) {
  if (c.kind == Cond::Kind::Cmp)
    return (c.value >> 32) == 0 && ((c.mask >> 32) == 0 || c.mask == ~0ull || c.op != Cond::Op::MaskedEq);
  return std::all_of(c.children.begin(), c.children.end(), [](const CondRef &k) { return fits32(*k); });
}

// `c` with its constants cut to their low 32 bits (what libseccomp compares
// on an arch with 32-bit arguments).
CondRef truncated(const CondRef &c) {
  auto out = std::make_shared<Cond>(*c);
  out->value &= 0xffffffffull;
  out->mask &= 0xffffffffull;
  for (CondRef &k : out->children)
    k = truncated(k);
  return out;
}

// The IR's meaning. `widen`: a deny condition whose constants fit in 32 bits
// also fires on the arguments' low halves (the kernel reads many arguments
// as `int`) on arches with 64-bit registers.
Action meaning(const ir::SeccompIR &ir, const ArchInfo &a, uint32_t nr, const uint64_t args[6], bool widen,
               bool truncateConstants = false) {
  const Table &t = table(a);
  auto it = t.byNr.find(nr);
  if (it != t.byNr.end()) {
    auto d = ir.syscalls.find(it->second);
    if (d != ir.syscalls.end()) {
      uint64_t low[6];
      for (int i = 0; i < 6; ++i)
        low[i] = args[i] & 0xffffffffull;
      for (const ir::CondBranch &b : d->second.branches) {
        bool fires = (truncateConstants ? truncated(b.cond) : b.cond)->eval(args);
        if (!fires && widen && !b.allow && !argsAre32Bit(a) && fits32(*b.cond))
          fires = b.cond->eval(low);
        if (fires)
          return b.action;
      }
      return d->second.fallback;
    }
  }
  return known(a, nr) ? ir.defaultAction : ir.unknownAction;
}

std::vector<std::vector<scmp_arg_cmp>> dnf(const Cond &c, bool neg = false);

// libseccomp 2.5.4 mis-compiles several rules of one syscall that compare
// one argument when one of them uses !=, <, <=, > or >= (a 64-bit compare
// whose high half matches and low half fails jumps to the default instead
// of the next rule; seen on the real kernel: rt_sigprocmask rules
// `a1 <= 0x11` and `a1 <= 0x7fffffff00000000` let a1 = 0xfffffffe through).
// That is an oracle bug, not a difference to document: the generator
// avoids such rule sets.
bool rangeRulesShareAnArg(const ir::SyscallDecision &d) {
  unsigned total[6] = {}, ranged[6] = {};
  for (const ir::CondBranch &b : d.branches)
    for (const auto &conj : dnf(*b.cond)) {
      bool any[6] = {}, range[6] = {};
      for (const scmp_arg_cmp &c : conj) {
        any[c.arg] = true;
        range[c.arg] |= c.op != SCMP_CMP_EQ && c.op != SCMP_CMP_MASKED_EQ;
      }
      for (int i = 0; i < 6; ++i) {
        total[i] += any[i];
        ranged[i] += range[i];
      }
    }
  for (int i = 0; i < 6; ++i)
    if (ranged[i] && total[i] > 1)
      return true;
  return false;
}

// libseccomp 2.5.4 drops a syscall's conditional rules when the syscall
// also has an unconditional rule with another action, in whichever order
// they are added (seccomp_export_pfc shows only the unconditional one). So
// a conditional decision's fallback cannot be a rule: the generator makes
// it the default action. (Ordered branches with a fallback of their own
// are checked against the IR by CodeGenRandomTest and below against (2).)
class IrGen {
public:
  IrGen(uint64_t seed, const Group &g) : rng_(seed), group_(g) {
    std::set<std::string> names;
    for (const char *an : g.arches)
      for (const auto &[nr, name] : table(arch(an)).byNr)
        names.insert(name);
    names_.assign(names.begin(), names.end());
  }

  ir::SeccompIR ir() {
    ir::SeccompIR s;
    s.present = true;
    const std::vector<Action> palette = {allow(), errnoAction(1), errnoAction(13), killProcess(),
                                         killThread(), trap(), logAction(), userNotif()};
    for (size_t i = 0, n = 2 + rng_.below(3); i < n; ++i)
      actions_.push_back(rng_.pick(palette));
    s.defaultAction = action();
    s.unknownAction = rng_.chance(70) ? errnoAction(38) : action();
    s.arches.push_back(group_.native);
    for (size_t i = 1; i < group_.arches.size(); ++i)
      if (rng_.chance(70))
        s.arches.push_back(group_.arches[i]);
    const unsigned percent = 5 + unsigned(rng_.below(50)), condPercent = 10 + unsigned(rng_.below(40));
    for (const std::string &name : names_) {
      if (!rng_.chance(percent))
        continue;
      ir::SyscallDecision d;
      d.fallback = action();
      if (rng_.chance(condPercent)) {
        d.fallback = s.defaultAction; // see kLibseccompUnconditionalWins
        // All branches share one action that is neither the fallback nor
        // the default (libseccomp refuses a rule with the default action).
        Action act = action();
        if (act == d.fallback || act == s.defaultAction)
          act = d.fallback == errnoAction(77) || s.defaultAction == errnoAction(77) ? errnoAction(78) : errnoAction(77);
        for (int tries = 0; tries < 20 && (d.branches.empty() || rangeRulesShareAnArg(d)); ++tries) {
          d.branches.clear();
          for (size_t i = 0, n = 1 + rng_.below(2); i < n; ++i)
            d.branches.push_back(ir::CondBranch{cond(), act.kind == ActionKind::Allow || rng_.chance(20), act, {}});
        }
        if (rangeRulesShareAnArg(d))
          d.branches.clear();
      }
      if (d.branches.empty() && d.fallback == s.defaultAction && rng_.chance(50))
        continue;
      s.syscalls.emplace(name, std::move(d));
    }
    return s;
  }

  Rng &rng() { return rng_; }

private:
  Action action() { return rng_.pick(actions_); }

  uint64_t value() {
    switch (rng_.below(4)) {
    case 0:
    case 1:
      return rng_.pick(kBoundaries);
    case 2:
      return rng_.below(64);
    default:
      return (rng_.pick(kBoundaries) << 32) | (rng_.pick(kBoundaries) & 0xffffffffu);
    }
  }

  CondRef leaf(uint8_t argIdx, bool negatable) {
    const auto op = static_cast<Cond::Op>(rng_.below(negatable ? 6 : 7));
    if (op == Cond::Op::MaskedEq) {
      static const std::vector<uint64_t> masks = {0xff, 0xffffffffull, 0xffffffff00000000ull, 1ull << 35, 0x8,
                                                  0x7e020000ull, ~0ull};
      const uint64_t mask = rng_.pick(masks);
      // Only satisfiable ones: for `(a & m) == v` with bits of v outside m
      // (never true) libseccomp 2.5.4 drops the half whose mask is 0 and
      // may match; CodeGenRandomTest covers those against the IR.
      return masked(argIdx, mask, value() & mask);
    }
    return cmp(argIdx, op, value());
  }

  // One conjunct: comparisons on distinct arguments.
  CondRef conj() {
    std::vector<CondRef> ch;
    std::vector<uint8_t> args = {0, 1, 2, 3, 4, 5};
    for (size_t i = 0, n = 1 + rng_.below(rng_.chance(70) ? 1 : 3); i < n; ++i) {
      const size_t k = rng_.below(args.size());
      ch.push_back(leaf(args[k], false));
      args.erase(args.begin() + k);
    }
    return ch.size() == 1 ? ch[0] : andC(ch);
  }

  CondRef cond() {
    switch (rng_.below(6)) {
    case 0: // !(a OP v) with a negatable OP
      return notC(leaf(static_cast<uint8_t>(rng_.below(3)), true));
    case 1: { // !(a && b) == !a || !b
      return notC(andC({leaf(0, true), leaf(1, true)}));
    }
    case 2: { // c1 || c2 (|| c3)
      std::vector<CondRef> ch;
      for (size_t i = 0, n = 2 + rng_.below(2); i < n; ++i)
        ch.push_back(conj());
      return orC(ch);
    }
    default:
      return conj();
    }
  }

  Rng rng_;
  const Group &group_;
  std::vector<std::string> names_;
  std::vector<Action> actions_;
};

// --- the same rules through libseccomp

using Conjunct = std::vector<scmp_arg_cmp>;

scmp_arg_cmp toScmp(const Cond &c, bool neg) {
  static const scmp_compare kOps[][2] = {{SCMP_CMP_EQ, SCMP_CMP_NE}, {SCMP_CMP_NE, SCMP_CMP_EQ},
                                         {SCMP_CMP_LT, SCMP_CMP_GE}, {SCMP_CMP_LE, SCMP_CMP_GT},
                                         {SCMP_CMP_GT, SCMP_CMP_LE}, {SCMP_CMP_GE, SCMP_CMP_LT}};
  if (c.op == Cond::Op::MaskedEq) {
    EXPECT_FALSE(neg) << "generator negated a masked comparison";
    return scmp_arg_cmp{c.argIndex, SCMP_CMP_MASKED_EQ, c.mask, c.value};
  }
  return scmp_arg_cmp{c.argIndex, kOps[unsigned(c.op)][neg], c.value, 0};
}

// Disjunctive normal form of the generator's shapes.
std::vector<Conjunct> dnf(const Cond &c, bool neg) {
  switch (c.kind) {
  case Cond::Kind::Cmp:
    return {{toScmp(c, neg)}};
  case Cond::Kind::Not:
    return dnf(*c.children[0], !neg);
  default:
    break;
  }
  const bool isAnd = (c.kind == Cond::Kind::And) != neg;
  std::vector<Conjunct> acc = isAnd ? std::vector<Conjunct>{{}} : std::vector<Conjunct>{};
  for (const CondRef &k : c.children) {
    std::vector<Conjunct> d = dnf(*k, neg);
    if (!isAnd) {
      acc.insert(acc.end(), d.begin(), d.end());
      continue;
    }
    std::vector<Conjunct> next;
    for (const Conjunct &x : acc)
      for (const Conjunct &y : d) {
        Conjunct z = x;
        z.insert(z.end(), y.begin(), y.end());
        next.push_back(z);
      }
    acc = next;
  }
  return acc;
}

std::vector<runtime::BpfInsn> libseccompFilter(const ir::SeccompIR &ir) {
  scmp_filter_ctx merged = nullptr;
  for (const std::string &an : ir.arches) {
    const ArchInfo &a = arch(an.c_str());
    scmp_filter_ctx ctx = seccomp_init(ir.defaultAction.toRet());
    EXPECT_EQ(seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS), 0);
    if (a.scmpToken != seccomp_arch_native()) {
      EXPECT_EQ(seccomp_arch_add(ctx, a.scmpToken), 0) << an;
      EXPECT_EQ(seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE), 0);
    }
    for (const auto &[name, d] : ir.syscalls) {
      if (seccomp_syscall_resolve_name_arch(a.scmpToken, name.c_str()) < 0 && !table(a).names.count(name))
        continue; // not a syscall of this arch (i386's socket calls are, under pseudo numbers)
      // libseccomp takes the number on the host's arch (a negative pseudo
      // number for names the host lacks) and translates it by name.
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      for (const ir::CondBranch &b : d.branches)
        for (const Conjunct &c : dnf(*b.cond)) {
          const int rc = seccomp_rule_add_array(ctx, b.action.toRet(), nr, c.size(), c.data());
          EXPECT_EQ(rc, 0) << an << " " << name << ": " << strerror(-rc);
        }
      if (d.fallback != ir.defaultAction) {
        const int rc = seccomp_rule_add(ctx, d.fallback.toRet(), nr, 0);
        EXPECT_EQ(rc, 0) << an << " " << name << ": " << strerror(-rc);
      }
    }
    if (!merged) {
      merged = ctx;
    } else {
      EXPECT_EQ(seccomp_merge(merged, ctx), 0) << an;
    }
  }
  std::vector<runtime::BpfInsn> prog = exportLibseccompBpf(merged);
  seccomp_release(merged);
  return prog;
}

// --- expected differences between libseccomp's filter and the IR's meaning

enum Diff : unsigned {
  UnknownNumber,
  DenyWidening,
  Multiplexer,
  WideConstant,
  X32Halves,
  kDiffCount,
};

struct ExpectedDifference {
  Diff id;
  const char *what;
};

// Every way a libseccomp-built filter of the same rules may differ from
// what kavach means. Each is checked below and must be seen at least once.
const ExpectedDifference kExpected[] = {
    {UnknownNumber, "a number past the arch's table (a newer syscall, or -1 on x86_64): kavach "
                    "returns the `unknown` action (errno(ENOSYS) by default), libseccomp the default"},
    {DenyWidening, "a deny condition whose constants fit in 32 bits: kavach also fires when only "
                   "the low 32 bits match on 64-bit-register arches (the kernel reads an int), "
                   "libseccomp compares all 64"},
    {Multiplexer, "i386 socketcall(2)/ipc(2) with a call number in arg0: libseccomp also applies "
                  "the rules of the call it multiplexes (socket, semop, ...)"},
    {WideConstant, "i386/arm (32-bit arguments), a constant >= 2^32: kavach compares all 64 bits, so "
                   "the comparison has one result for every argument (Sema warns, -Warg-width), "
                   "libseccomp compares only the constant's low half"},
    {X32Halves, "x32, an argument or constant >= 2^32: kavach compares the 64-bit registers the "
                "kernel reads, libseccomp (which models x32 as a 32-bit arch) only the low halves"},
};

struct Stats {
  uint64_t points = 0, specs = 0;
  uint64_t seen[kDiffCount] = {};
};

std::string str(const Cond &c) {
  static const char *const kOps[] = {"==", "!=", "<", "<=", ">", ">=", "&=="};
  char buf[96];
  switch (c.kind) {
  case Cond::Kind::Cmp:
    std::snprintf(buf, sizeof buf, "a%u%s%s%#llx%s", c.argIndex, c.op == Cond::Op::MaskedEq ? "&" : "",
                  kOps[unsigned(c.op)], (unsigned long long)c.value, c.width32 ? "(w32)" : "");
    if (c.op == Cond::Op::MaskedEq)
      std::snprintf(buf, sizeof buf, "(a%u & %#llx) == %#llx", c.argIndex, (unsigned long long)c.mask,
                    (unsigned long long)c.value);
    return buf;
  case Cond::Kind::Not:
    return "!(" + str(*c.children[0]) + ")";
  default: {
    std::string out = "(";
    for (size_t i = 0; i < c.children.size(); ++i)
      out += (i ? (c.kind == Cond::Kind::And ? " && " : " || ") : "") + str(*c.children[i]);
    return out + ")";
  }
  }
}

std::string str(const ir::SyscallDecision &d) {
  std::string out;
  for (const ir::CondBranch &b : d.branches)
    out += (b.allow ? "allow-if " : "deny-if ") + str(*b.cond) + " -> " + b.action.str() + "; ";
  return out + "else " + d.fallback.str();
}

std::set<uint32_t> actionsOf(const ir::SeccompIR &ir) {
  std::set<uint32_t> out;
  for (const auto &[name, d] : ir.syscalls) {
    out.insert(d.fallback.toRet());
    for (const ir::CondBranch &b : d.branches)
      out.insert(b.action.toRet());
  }
  return out;
}

void checkGroup(const Group &g, uint64_t seeds, Stats &st) {
  const ArchInfo &native = arch(g.native);
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE(std::string(g.native) + " seed " + std::to_string(seed));
    IrGen gen(seed * 7919 + native.auditArch, g);
    const ir::SeccompIR ir = gen.ir();
    const std::vector<FilterSpec> specs = lowerSeccomp(ir);
    const FilterSpec *spec = findFilter(specs, native.auditArch);
    ASSERT_NE(spec, nullptr);
    std::string error;
    const std::vector<runtime::BpfInsn> ours = generateFilter(*spec, &error);
    ASSERT_FALSE(ours.empty()) << error;
    const std::vector<runtime::BpfInsn> lib = libseccompFilter(ir);
    ASSERT_FALSE(lib.empty());
    const std::set<uint32_t> ruleActions = actionsOf(ir);
    ++st.specs;

    auto check = [&](const ArchInfo *a, uint32_t audit, uint32_t nr, const uint64_t args[6]) {
      ++st.points;
      const runtime::BpfResult r = run(ours, audit, nr, args), l = run(lib, audit, nr, args);
      ASSERT_TRUE(r.ok && l.ok) << r.fault << l.fault;
      const uint32_t want = a ? meaning(ir, *a, nr, args, true).toRet() : kRetKillProcess;
      ASSERT_EQ(r.ret, want) << "kavach vs IR: " << (a ? a->name : "foreign") << " nr 0x" << std::hex << nr
                             << " args " << args[0] << ", " << args[1] << ", " << args[2] << " ("
                             << (a && table(*a).byNr.count(nr) ? table(*a).byNr.at(nr) : "?") << ")";
      if (l.ret == want)
        return;
      // libseccomp differs: it must be one of kExpected.
      ASSERT_NE(a, nullptr) << "libseccomp differs on a foreign arch 0x" << std::hex << audit;
      const ir::SeccompIR &s = ir;
      if (!known(*a, nr) && want == s.unknownAction.toRet() && l.ret == s.defaultAction.toRet()) {
        ++st.seen[UnknownNumber];
        return;
      }
      if (l.ret == meaning(ir, *a, nr, args, false).toRet()) {
        ++st.seen[DenyWidening];
        return;
      }
      if (argsAre32Bit(*a) && l.ret == meaning(ir, *a, nr, args, false, true).toRet()) {
        ++st.seen[WideConstant];
        return;
      }
      if (a->nrBase) {
        uint64_t low[6];
        for (int i = 0; i < 6; ++i)
          low[i] = args[i] & 0xffffffffull;
        if (l.ret == meaning(ir, *a, nr, low, false, true).toRet()) {
          ++st.seen[X32Halves];
          return;
        }
      }
      const std::string name = table(*a).byNr.count(nr) ? table(*a).byNr.at(nr) : "";
      if (std::string(a->name) == "i386" && (name == "socketcall" || name == "ipc") && args[0] >= 1 &&
          args[0] <= 24 && ruleActions.count(l.ret)) {
        ++st.seen[Multiplexer];
        return;
      }
      FAIL() << "unexplained libseccomp difference: " << a->name << " nr 0x" << std::hex << nr << " ("
             << name << ") args " << args[0] << ", " << args[1] << ", " << args[2] << ", " << args[3] << ", "
             << args[4] << ", " << args[5] << ": kavach/IR 0x" << want
             << ", libseccomp 0x" << l.ret << "\n  rule: "
             << (ir.syscalls.count(name) ? str(ir.syscalls.at(name)) : "none") << "\n  default "
             << ir.defaultAction.str();
    };

    for (const std::string &an : ir.arches) {
      const ArchInfo &a = arch(an.c_str());
      for (uint32_t nr : numbersOf(a)) {
        // Which numbers the arch's filter half owns: on x86_64 the x32 bit
        // (except -1) selects x32.
        const bool x32Half = a.auditArch == native.auditArch && nr >= 0x40000000u && nr != 0xffffffffu;
        if (a.auditArch == arch("x86_64").auditArch && x32Half != (a.nrBase != 0))
          continue;
        std::set<uint64_t> perArg[6];
        const auto &byNr = table(a).byNr;
        auto d = byNr.count(nr) ? ir.syscalls.find(byNr.at(nr)) : ir.syscalls.end();
        const bool conditional = d != ir.syscalls.end() && !d->second.branches.empty();
        if (conditional)
          for (const ir::CondBranch &b : d->second.branches)
            collectBoundaryValues(*b.cond, perArg);
        std::vector<uint64_t> cand[6];
        for (int i = 0; i < 6; ++i) {
          cand[i].assign(perArg[i].begin(), perArg[i].end());
          cand[i].insert(cand[i].end(), kBoundaries.begin(), kBoundaries.end());
        }
        const bool multiplexer = std::string(a.name) == "i386" && byNr.count(nr) &&
                                 (byNr.at(nr) == "socketcall" || byNr.at(nr) == "ipc");
        for (int i = 0, n = conditional || multiplexer ? 64 : 2; i < n; ++i) {
          uint64_t args[6];
          for (int j = 0; j < 6; ++j) {
            args[j] = gen.rng().pick(cand[j]);
            if (argsAre32Bit(a))
              args[j] &= 0xffffffffull;
          }
          if (multiplexer && i % 2)
            args[0] = 1 + (i / 2) % 24; // every multiplexed call number
          check(&a, a.auditArch, nr, args);
          if (::testing::Test::HasFatalFailure())
            return;
        }
      }
    }
    // The x32 bit when x32 is not listed, and arches no filter here handles.
    const uint64_t zero[6] = {};
    const bool hasX32 = std::find(ir.arches.begin(), ir.arches.end(), "x32") != ir.arches.end();
    if (native.auditArch == arch("x86_64").auditArch && !hasX32)
      for (uint32_t nr : {0x40000000u, 0x40000001u, 0x4000003bu, 0x7fffffffu, 0x80000000u, 0xfffffffeu})
        check(nullptr, native.auditArch, nr, zero);
    for (const ArchInfo &other : sema::allArches()) {
      const bool listed = std::find(ir.arches.begin(), ir.arches.end(), other.name) != ir.arches.end();
      if (!listed && other.auditArch != native.auditArch)
        for (uint32_t nr : {0u, 1u, 59u, 0xffffffffu})
          check(nullptr, other.auditArch, nr, zero);
    }
    for (uint32_t audit : {0u, 0xffffffffu, native.auditArch ^ 1})
      check(nullptr, audit, 0, zero);
  }
}

TEST(ArchDifferential, EveryArchAgreesWithIrAndLibseccomp) {
  const Group groups[] = {
      {"x86_64", {"x86_64", "i386", "x32"}},
      {"aarch64", {"aarch64", "arm"}},
      {"riscv64", {"riscv64"}},
  };
  Stats st;
  for (const Group &g : groups) {
    checkGroup(g, 20, st);
    if (::testing::Test::HasFatalFailure())
      return;
  }
  std::printf("%llu policies, %llu (arch, nr, args) points: kavach == IR everywhere; libseccomp == IR "
              "except:\n",
              (unsigned long long)st.specs, (unsigned long long)st.points);
  for (const ExpectedDifference &d : kExpected) {
    std::printf("  %8llu  %s\n", (unsigned long long)st.seen[d.id], d.what);
    EXPECT_GT(st.seen[d.id], 0u) << "expected difference never seen (the test lost its teeth?): " << d.what;
  }
}

} // namespace
} // namespace kavach::seccomp::test

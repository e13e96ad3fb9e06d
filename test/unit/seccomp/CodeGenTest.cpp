// Hand-written cases for the code generator and the reference semantics:
// actions, Cond::eval at the boundaries, arch/x32 routing, normalization,
// trampolines, limits, determinism and spec validation.
#include "SeccompTestUtil.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace kavach::seccomp::test {
namespace {

using Op = Cond::Op;

std::vector<runtime::BpfInsn> gen(const FilterSpec &spec) {
  std::string error;
  std::vector<runtime::BpfInsn> prog = generateFilter(spec, &error);
  EXPECT_FALSE(prog.empty()) << error;
  std::string why;
  EXPECT_TRUE(prog.empty() || runtime::checkSeccompProgram(prog, &why)) << why;
  return prog;
}

FilterSpec x86Spec(Action def, std::vector<SyscallEntry> entries, uint32_t maxKnown = 460) {
  FilterSpec s;
  s.nativeAuditArch = kArchX86_64;
  s.arches.push_back(archSpec("x86_64", kArchX86_64, 0, maxKnown, def));
  s.arches[0].entries = std::move(entries);
  return s;
}

// Runs `prog` and intendedAction on the same input and expects both to be `want`.
void expectRet(const FilterSpec &spec, const std::vector<runtime::BpfInsn> &prog, uint32_t arch, uint32_t nr,
               uint32_t want, const uint64_t args[6] = nullptr) {
  const uint64_t zero[6] = {};
  if (!args)
    args = zero;
  runtime::BpfResult r = run(prog, arch, nr, args);
  ASSERT_TRUE(r.ok) << r.fault;
  EXPECT_EQ(r.ret, want) << "arch 0x" << std::hex << arch << " nr 0x" << nr;
  EXPECT_EQ(intendedAction(spec, arch, nr, args).toRet(), want) << "arch 0x" << std::hex << arch << " nr 0x" << nr;
}

TEST(Action, ToRetAndStr) {
  EXPECT_EQ(allow().toRet(), 0x7fff0000u);
  EXPECT_EQ(errnoAction(1).toRet(), 0x00050001u);
  EXPECT_EQ(errnoAction(4095).toRet(), 0x00050fffu);
  EXPECT_EQ(killProcess().toRet(), 0x80000000u);
  EXPECT_EQ(killThread().toRet(), 0u);
  EXPECT_EQ(trap(7).toRet(), 0x00030007u);
  EXPECT_EQ(logAction().toRet(), 0x7ffc0000u);
  EXPECT_EQ(userNotif().toRet(), 0x7fc00000u);
  EXPECT_EQ(allow().str(), "allow");
  EXPECT_EQ(errnoAction(1).str(), "errno(1)");
  EXPECT_EQ(killProcess().str(), "kill_process");
  EXPECT_EQ(killThread().str(), "kill_thread");
  EXPECT_EQ(trap().str(), "trap");
  EXPECT_EQ(trap(3).str(), "trap(3)");
  EXPECT_EQ(logAction().str(), "log");
  EXPECT_EQ(userNotif().str(), "user_notif");
}

// Cond::eval is the reference; pin it to hand-computed answers.
TEST(CondEval, Boundaries) {
  struct Case {
    CondRef c;
    uint64_t arg;
    bool want;
  };
  const uint64_t k2_32 = 1ull << 32;
  const std::vector<Case> cases = {
      {cmp(0, Op::Eq, 0), 0, true},
      {cmp(0, Op::Eq, 0), k2_32, false}, // differs only in the high half
      {cmp(0, Op::Eq, 0, true), k2_32, true},
      {cmp(0, Op::Ne, 5), 5, false},
      {cmp(0, Op::Ne, 5), k2_32 + 5, true},
      {cmp(0, Op::Lt, k2_32), 0xffffffffull, true},
      {cmp(0, Op::Lt, k2_32), k2_32, false},
      {cmp(0, Op::Le, k2_32), k2_32, true},
      {cmp(0, Op::Gt, 0x7fffffff), 0x80000000ull, true}, // unsigned
      {cmp(0, Op::Gt, 0x80000000ull), 0x7fffffff, false},
      {cmp(0, Op::Ge, 1ull << 63), ~0ull, true},
      {cmp(0, Op::Ge, 1ull << 63), (1ull << 63) - 1, false},
      {cmp(0, Op::Gt, ~0ull), ~0ull, false},
      {cmp(0, Op::Le, ~0ull), 12345, true},
      {cmp(0, Op::Lt, 0), 0, false},
      {cmp(0, Op::Ge, 0), 0, true},
      // width32: argument, value and mask truncated
      {cmp(0, Op::Lt, 10, true), k2_32 + 3, true},
      {cmp(0, Op::Gt, k2_32 + 1, true), 2, true},     // value truncates to 1
      {cmp(0, Op::Eq, 0xffffffff, true), ~0ull, true},
      {cmp(0, Op::Ge, 0x80000000ull, true), 0xffffffff80000000ull, true},
      // MaskedEq
      {masked(0, 0xff, 0x12), 0x1234512ull, true},
      {masked(0, 0xff, 0x12), 0x1234513ull, false},
      {masked(0, 0xff, 0x112), 0x112, false},          // value has bits outside the mask
      {masked(0, 0xffffffff00000000ull, 0), 0xffffffff, true},
      {masked(0, 0xffffffff00000000ull, 0), k2_32, false},
      {masked(0, 0xffffffff00000000ull, 5, true), 0, false},  // mask truncates to 0, value stays 5
      {masked(0, 0xffffffff00000000ull, k2_32 * 5, true), 123, true}, // both truncate to 0
      {masked(0, 0, 0), ~0ull, true},
      // combinators
      {andC({cmp(0, Op::Gt, 1), cmp(0, Op::Lt, 3)}), 2, true},
      {andC({cmp(0, Op::Gt, 1), cmp(0, Op::Lt, 3)}), 3, false},
      {orC({cmp(0, Op::Eq, 1), cmp(0, Op::Eq, 3)}), 3, true},
      {orC({cmp(0, Op::Eq, 1), cmp(0, Op::Eq, 3)}), 2, false},
      {notC(cmp(0, Op::Eq, 1)), 1, false},
      {notC(notC(cmp(0, Op::Eq, 1))), 1, true},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const uint64_t args[6] = {cases[i].arg, 0, 0, 0, 0, 0};
    EXPECT_EQ(cases[i].c->eval(args), cases[i].want) << "case " << i;
  }
}

// Every boundary comparison, 64-bit and width32, through the generated code.
TEST(CodeGen, ComparisonBoundaries) {
  const std::vector<uint64_t> vals = {0, 1, 0x7fffffffull, 0x80000000ull, 0xffffffffull, 1ull << 32,
                                      (1ull << 32) + 1, 1ull << 63, ~0ull, ~0ull - 1, 0x500000007ull,
                                      0x600000007ull};
  std::vector<SyscallEntry> entries;
  uint32_t nr = 0;
  for (uint64_t v : vals)
    for (int op = 0; op < 7; ++op)
      for (bool w32 : {false, true}) {
        CondRef c = op == 6 ? masked(2, v | 0xf0f0, v, w32) : cmp(2, static_cast<Op>(op), v, w32);
        entries.push_back(condEntry(nr++, {Branch{c, allow()}}, errnoAction(1)));
      }
  FilterSpec spec = x86Spec(killProcess(), entries, nr + 10);
  std::vector<runtime::BpfInsn> prog = gen(spec);
  for (uint32_t n = 0; n < nr; ++n) {
    std::set<uint32_t> outcomes;
    uint16_t loaded = 0;
    for (uint64_t a : vals)
      for (uint64_t d : {0ull, 1ull, ~0ull}) {
        const uint64_t args[6] = {0, 0, a + d, 0, 0, 0};
        const uint32_t want = intendedAction(spec, kArchX86_64, n, args).toRet();
        runtime::BpfResult r = run(prog, kArchX86_64, n, args);
        ASSERT_TRUE(r.ok);
        ASSERT_EQ(r.ret, want) << "entry " << n << " arg " << a + d;
        outcomes.insert(want);
        loaded |= r.loadedWords;
      }
    // Only arg2 is ever loaded, and only if the outcome depends on it
    // (`x < 0`, `x >= 0`, `x > UINT64_MAX`... fold to constants).
    EXPECT_EQ(loaded & ~(3u << 8), 0x3u) << "entry " << n;
    EXPECT_EQ((loaded & (3u << 8)) != 0, outcomes.size() > 1) << "entry " << n;
  }
}

// A range test followed by a mask test on the same word: the interval the
// first leaves (A <= 8) must not convince the generator that `A & 8` is 0.
TEST(CodeGen, IntervalThenMask) {
  CondRef c = andC({cmp(0, Op::Lt, 9, true), masked(0, 8, 0, true)});
  CondRef d = andC({cmp(0, Op::Le, 8), masked(0, 0xc, 8)});
  FilterSpec spec = x86Spec(errnoAction(1), {condEntry(1, {Branch{c, allow()}}, errnoAction(2)),
                                             condEntry(2, {Branch{d, allow()}}, errnoAction(2))});
  std::vector<runtime::BpfInsn> prog = gen(spec);
  for (uint32_t nr : {1u, 2u})
    for (uint64_t a = 0; a < 20; ++a) {
      const uint64_t args[6] = {a, 0, 0, 0, 0, 0};
      ASSERT_EQ(run(prog, kArchX86_64, nr, args).ret, intendedAction(spec, kArchX86_64, nr, args).toRet())
          << nr << " " << a;
    }
}

TEST(CodeGen, SimplePolicy) {
  FilterSpec spec = x86Spec(allow(), {entry(39, errnoAction(1)), entry(63, killProcess())}, 400);
  spec.arches[0].unknownAction = errnoAction(38);
  std::vector<runtime::BpfInsn> prog = gen(spec);
  expectRet(spec, prog, kArchX86_64, 0, kRetAllow);
  expectRet(spec, prog, kArchX86_64, 39, 0x50001);
  expectRet(spec, prog, kArchX86_64, 63, kRetKillProcess);
  expectRet(spec, prog, kArchX86_64, 400, kRetAllow);
  expectRet(spec, prog, kArchX86_64, 401, 0x50026);        // unknown
  expectRet(spec, prog, kArchX86_64, kX32Bit | 39, kRetKillProcess); // x32 not listed
  expectRet(spec, prog, kArchX86_64, 0xfffffffeu, kRetKillProcess); // x32 half
  expectRet(spec, prog, kArchX86_64, 0xffffffffu, 0x50026); // -1: native, unknown (docs/seccomp.md)
  expectRet(spec, prog, kArchI386, 39, kRetKillProcess);   // other arch
  // ld arch, jeq, ld nr, a handful of comparisons, ret.
  EXPECT_LE(prog.size(), 14u);
  EXPECT_LE(run(prog, kArchX86_64, 1).executed, 8u);
}

TEST(CodeGen, X32AndI386) {
  FilterSpec spec = x86Spec(errnoAction(1), {entry(0, allow()), entry(39, allow())}, 450);
  spec.arches.push_back(archSpec("x32", kArchX86_64, kX32Bit, kX32Bit + 540, errnoAction(13), trap()));
  spec.arches.back().entries = {entry(kX32Bit + 39, allow()), entry(kX32Bit + 512, logAction())};
  spec.arches.push_back(archSpec("i386", kArchI386, 0, 450, killThread()));
  spec.arches.back().entries = {entry(20, allow())};
  spec.badArchAction = trap(9);
  std::vector<runtime::BpfInsn> prog = gen(spec);
  expectRet(spec, prog, kArchX86_64, 39, kRetAllow);
  expectRet(spec, prog, kArchX86_64, 40, 0x50001);
  expectRet(spec, prog, kArchX86_64, kX32Bit + 39, kRetAllow);
  expectRet(spec, prog, kArchX86_64, kX32Bit + 40, 0x5000d);
  expectRet(spec, prog, kArchX86_64, kX32Bit + 512, 0x7ffc0000);
  expectRet(spec, prog, kArchX86_64, kX32Bit + 541, 0x30000);  // x32 unknown
  expectRet(spec, prog, kArchX86_64, 0xfffffffeu, 0x30000);    // still the x32 half
  expectRet(spec, prog, kArchX86_64, 0xffffffffu, 0x50026);    // -1 is native: x86_64 unknown
  expectRet(spec, prog, kArchX86_64, 0x3fffffffu, 0x50026);    // x86_64 unknown
  expectRet(spec, prog, kArchI386, 20, kRetAllow);
  expectRet(spec, prog, kArchI386, kX32Bit + 20, 0x50026);     // no x32 split on i386
  expectRet(spec, prog, kArchI386, 21, 0);
  expectRet(spec, prog, kArchAarch64, 20, 0x30009);

  // Native first, whatever the order of the list.
  std::swap(spec.arches[0], spec.arches[2]);
  std::vector<runtime::BpfInsn> swapped = gen(spec);
  ASSERT_GE(swapped.size(), 2u);
  EXPECT_EQ(swapped[1].k, kArchX86_64);
  expectRet(spec, swapped, kArchX86_64, kX32Bit + 39, kRetAllow);
}

// x32 listed but not x86_64: the low half is a bad arch, the high half works.
TEST(CodeGen, OnlyX32) {
  FilterSpec spec;
  spec.nativeAuditArch = kArchX86_64;
  spec.arches.push_back(archSpec("x32", kArchX86_64, kX32Bit, kX32Bit + 540, allow()));
  std::vector<runtime::BpfInsn> prog = gen(spec);
  expectRet(spec, prog, kArchX86_64, 1, kRetKillProcess);
  expectRet(spec, prog, kArchX86_64, kX32Bit + 1, kRetAllow);
}

TEST(CodeGen, NoArchesKillsEverything) {
  FilterSpec spec;
  spec.nativeAuditArch = kArchX86_64;
  std::vector<runtime::BpfInsn> prog = gen(spec);
  ASSERT_EQ(prog.size(), 1u);
  expectRet(spec, prog, kArchX86_64, 1, kRetKillProcess);
}

TEST(CodeGen, FirstMatchingBranchWins) {
  SyscallEntry e = condEntry(9,
                             {Branch{cmp(0, Op::Gt, 10), errnoAction(1)}, Branch{cmp(0, Op::Gt, 5), errnoAction(2)},
                              Branch{nullptr, errnoAction(3)}, Branch{cmp(0, Op::Eq, 0), allow()}},
                             killProcess());
  FilterSpec spec = x86Spec(allow(), {e});
  std::vector<runtime::BpfInsn> prog = gen(spec);
  for (auto [arg, want] : std::vector<std::pair<uint64_t, uint32_t>>{
           {11, 0x50001}, {10, 0x50002}, {6, 0x50002}, {5, 0x50003}, {0, 0x50003}}) {
    const uint64_t args[6] = {arg, 0, 0, 0, 0, 0};
    expectRet(spec, prog, kArchX86_64, 9, want, args);
  }
}

// Entries whose behaviour equals the surroundings vanish into the ranges, and
// conditions that cannot change the outcome do not load arguments.
TEST(CodeGen, NormalizationAndMerging) {
  std::vector<SyscallEntry> entries;
  for (uint32_t nr = 0; nr < 300; ++nr)
    entries.push_back(nr % 3 ? entry(nr, allow())
                             : condEntry(nr, {Branch{cmp(1, Op::Eq, nr), allow()}}, allow()));
  FilterSpec spec = x86Spec(allow(), entries, 300);
  spec.arches[0].unknownAction = allow();
  std::vector<runtime::BpfInsn> prog = gen(spec);
  // Everything x86_64 below the x32 half is allowed: one comparison.
  EXPECT_LE(prog.size(), 7u);
  const uint64_t args[6] = {3, 3, 3, 3, 3, 3};
  runtime::BpfResult r = run(prog, kArchX86_64, 3, args);
  EXPECT_EQ(r.ret, kRetAllow);
  EXPECT_EQ(r.loadedWords, 0x3u);
}

TEST(CodeGen, IdenticalConditionalEntriesShareCode) {
  std::vector<SyscallEntry> entries;
  for (uint32_t nr = 10; nr < 200; nr += 2)
    entries.push_back(condEntry(nr, {Branch{cmp(0, Op::Eq, 42), allow()}}, errnoAction(1)));
  FilterSpec spec = x86Spec(killProcess(), entries, 300);
  std::vector<runtime::BpfInsn> prog = gen(spec);
  // 95 entries, but the argument check exists (roughly) once.
  size_t argLoads = std::count_if(prog.begin(), prog.end(),
                                  [](const runtime::BpfInsn &in) { return in.code == 0x20 && in.k >= 16; });
  EXPECT_LE(argLoads, 4u);
  for (uint32_t nr = 0; nr < 300; ++nr)
    for (uint64_t a : {42ull, 43ull, (1ull << 32) | 42}) {
      const uint64_t args[6] = {a, 0, 0, 0, 0, 0};
      ASSERT_EQ(run(prog, kArchX86_64, nr, args).ret, intendedAction(spec, kArchX86_64, nr, args).toRet());
    }
}

// Enough alternating ranges that the tree needs jumps over 255.
TEST(CodeGen, TrampolinesForLongJumps) {
  std::vector<SyscallEntry> entries;
  for (uint32_t nr = 0; nr < 1400; ++nr) {
    if (nr % 97 == 5)
      entries.push_back(condEntry(nr, {Branch{orC({cmp(0, Op::Eq, nr), cmp(1, Op::Ge, 1ull << 40)}), allow()}},
                                  errnoAction(nr % 50)));
    else
      entries.push_back(entry(nr, nr % 2 ? allow() : errnoAction(nr % 7 + 1)));
  }
  FilterSpec spec = x86Spec(killProcess(), entries, 1400);
  spec.arches.push_back(archSpec("i386", kArchI386, 0, 400, allow()));
  for (uint32_t nr = 0; nr < 400; nr += 2)
    spec.arches.back().entries.push_back(entry(nr, errnoAction(nr % 9 + 1)));
  std::vector<runtime::BpfInsn> prog = gen(spec);
  ASSERT_GT(prog.size(), 1000u);
  size_t ja = std::count_if(prog.begin(), prog.end(), [](const runtime::BpfInsn &in) { return in.code == 0x05; });
  EXPECT_GT(ja, 0u) << "expected at least one trampoline";
  uint32_t worst = 0;
  for (uint32_t arch : {kArchX86_64, kArchI386})
    for (uint32_t nr = 0; nr < 1500; ++nr)
      for (uint64_t a : {0ull, 5ull, 1ull << 40}) {
        const uint64_t args[6] = {a == 5 ? nr : a, a, 0, 0, 0, 0};
        runtime::BpfResult r = run(prog, arch, nr, args);
        ASSERT_TRUE(r.ok);
        ASSERT_EQ(r.ret, intendedAction(spec, arch, nr, args).toRet()) << arch << " " << nr;
        worst = std::max(worst, r.executed);
      }
  std::printf("trampoline spec: %zu insns, %zu ja, worst path %u\n", prog.size(), ja, worst);
}

TEST(CodeGen, TooLargeIsAnError) {
  std::vector<SyscallEntry> entries;
  for (uint32_t nr = 0; nr < 6000; ++nr)
    entries.push_back(entry(nr, nr % 2 ? allow() : errnoAction(1)));
  FilterSpec spec = x86Spec(killProcess(), entries, 6000);
  std::string error;
  EXPECT_TRUE(generateFilter(spec, &error).empty());
  EXPECT_NE(error.find("too large"), std::string::npos) << error;
}

// Same spec built twice with separately allocated conditions (different
// pointers, allocation order reversed) gives byte-identical programs.
TEST(CodeGen, Deterministic) {
  auto build = [](bool reverse) {
    std::vector<CondRef> conds(50);
    for (int i = 0; i < 50; ++i) {
      int j = reverse ? 49 - i : i;
      conds[j] = orC({cmp(j % 6, Op::Eq, j * 7919ull), masked(0, 0xf0, (j % 16) << 4)});
    }
    std::vector<SyscallEntry> entries;
    for (uint32_t nr = 0; nr < 50; ++nr)
      entries.push_back(condEntry(nr * 3, {Branch{conds[nr % 7], allow()}}, errnoAction(nr % 3)));
    return x86Spec(errnoAction(1), entries, 300);
  };
  std::vector<runtime::BpfInsn> a = gen(build(false)), b = gen(build(true)), c = gen(build(false));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
}

TEST(CodeGen, RejectsInvalidSpecs) {
  auto expectError = [](FilterSpec spec, const char *what) {
    std::string error;
    EXPECT_TRUE(generateFilter(spec, &error).empty()) << what;
    EXPECT_NE(error.find(what), std::string::npos) << error;
  };
  expectError(x86Spec(allow(), {condEntry(1, {Branch{cmp(6, Op::Eq, 0), allow()}}, allow())}), "argument index");
  expectError(x86Spec(allow(), {entry(5, allow()), entry(4, allow())}), "not sorted");
  expectError(x86Spec(allow(), {entry(5, allow()), entry(5, allow())}), "not sorted");
  expectError(x86Spec(allow(), {entry(kX32Bit + 1, allow())}), "outside");
  expectError(x86Spec(errnoAction(5000), {}), "errno value");
  expectError(x86Spec(allow(), {condEntry(1, {Branch{combine(Cond::Kind::Not, {}), allow()}}, allow())}), "'!'");
  expectError(x86Spec(allow(), {condEntry(1, {Branch{andC({}), allow()}}, allow())}), "without operands");
  expectError(x86Spec(allow(), {condEntry(1, {Branch{andC({nullptr}), allow()}}, allow())}), "null");
  FilterSpec twice = x86Spec(allow(), {});
  twice.arches.push_back(twice.arches[0]);
  expectError(twice, "listed twice");
  FilterSpec base = x86Spec(allow(), {});
  base.arches[0].auditArch = kArchI386;
  base.arches[0].nrBase = 1000;
  expectError(base, "base");
}

TEST(CodeGen, UnconditionalDecisionsLoadNoArguments) {
  FilterSpec spec = x86Spec(errnoAction(1), {entry(0, allow()), condEntry(1, {Branch{cmp(0, Op::Eq, 1), allow()}}, killProcess()),
                                             entry(2, allow()), entry(3, errnoAction(9))});
  std::vector<runtime::BpfInsn> prog = gen(spec);
  const uint64_t args[6] = {1, 2, 3, 4, 5, 6};
  for (uint32_t nr : {0u, 2u, 3u, 4u, 1000u, kX32Bit})
    EXPECT_EQ(run(prog, kArchX86_64, nr, args).loadedWords, 0x3u) << nr;
  EXPECT_EQ(run(prog, kArchI386, 0, args).loadedWords, 0x2u);
  EXPECT_NE(run(prog, kArchX86_64, 1, args).loadedWords & ~0x3u, 0u);
}

TEST(IntendedAction, DefaultUnknownBoundary) {
  FilterSpec spec = x86Spec(allow(), {entry(500, trap())}, 100);
  spec.arches[0].unknownAction = errnoAction(38);
  const uint64_t z[6] = {};
  EXPECT_EQ(intendedAction(spec, kArchX86_64, 100, z), allow());
  EXPECT_EQ(intendedAction(spec, kArchX86_64, 101, z), errnoAction(38));
  EXPECT_EQ(intendedAction(spec, kArchX86_64, 500, z), trap()); // listed beyond maxKnownNr
  EXPECT_EQ(intendedAction(spec, kArchX86_64, kX32Bit, z), killProcess());
  std::vector<runtime::BpfInsn> prog = gen(spec);
  for (uint32_t nr : {99u, 100u, 101u, 499u, 500u, 501u})
    EXPECT_EQ(run(prog, kArchX86_64, nr).ret, intendedAction(spec, kArchX86_64, nr, z).toRet()) << nr;
}

} // namespace
} // namespace kavach::seccomp::test

// Differential test: for random FilterSpecs, the generated BPF run by our
// interpreter must return intendedAction(...).toRet() for every syscall
// number of every arch (plus the x32 half and foreign arches), with argument
// values chosen around every constant the conditions mention. Also checks
// that decisions for unconditional syscalls never load an argument.
#include "SeccompTestUtil.h"

#include "compiler/Backend/Seccomp/CodeGenImpl.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace kavach::seccomp::test {
namespace {

const std::vector<uint64_t> kBoundaries = {
    0, 1, 2, 0x7fffffffull, 0x80000000ull, 0xfffffffeull, 0xffffffffull, 0x100000000ull,
    0x100000001ull, 0x1ffffffffull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0xfffffffeffffffffull, 0xffffffff00000000ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
    // values that differ from each other only in the high half
    0x0000000500000007ull, 0x0000000600000007ull, 0xffffffff00000007ull, 0x7ull};

class SpecGen {
public:
  explicit SpecGen(uint64_t seed) : rng_(seed) {
    // A few actions per spec, so merges of equal neighbours are common.
    const std::vector<Action> all = {allow(),      errnoAction(1), errnoAction(38), errnoAction(4095),
                                     killProcess(), killThread(),   trap(),          trap(7),
                                     logAction(),   userNotif(),    errnoAction(13)};
    size_t count = 2 + rng_.below(5);
    for (size_t i = 0; i < count; ++i)
      palette_.push_back(rng_.pick(all));
  }

  FilterSpec spec() {
    FilterSpec s;
    s.nativeAuditArch = kArchX86_64;
    s.badArchAction = rng_.chance(70) ? killProcess() : action();
    condPercent_ = rng_.below(60);
    entryPercent_ = 5 + rng_.below(70);
    s.arches.push_back(arch("x86_64", kArchX86_64, 0));
    if (rng_.chance(50))
      s.arches.push_back(arch("x32", kArchX86_64, kX32Bit));
    if (rng_.chance(50))
      s.arches.push_back(arch("i386", kArchI386, 0));
    if (rng_.chance(20))
      std::swap(s.arches.front(), s.arches.back()); // native need not be listed first
    return s;
  }

  Rng &rng() { return rng_; }

private:
  Action action() { return rng_.pick(palette_); }

  uint64_t value() {
    switch (rng_.below(5)) {
    case 0:
    case 1:
      return rng_.pick(kBoundaries);
    case 2:
      return rng_.below(64);
    case 3:
      return rng_.next();
    default: // a high half and a low half from the boundary set
      return (rng_.pick(kBoundaries) << 32) | (rng_.pick(kBoundaries) & 0xffffffffu);
    }
  }

  CondRef cond(unsigned depth) {
    const uint64_t r = rng_.below(100);
    if (depth < 3 && r < 15)
      return andC(children(depth));
    if (depth < 3 && r < 30)
      return orC(children(depth));
    if (depth < 3 && r < 36)
      return notC(cond(depth + 1));
    const uint8_t arg = static_cast<uint8_t>(rng_.chance(70) ? rng_.below(2) : rng_.below(6));
    const bool w32 = rng_.chance(20);
    const auto op = static_cast<Cond::Op>(rng_.below(7));
    if (op == Cond::Op::MaskedEq) {
      static const std::vector<uint64_t> masks = {~0ull, 0xff, 0xffffffffull, 0xffffffff00000000ull,
                                                  1ull << 35, 0x8, 0x7e020000ull, 0};
      uint64_t mask = rng_.chance(60) ? rng_.pick(masks) : rng_.next();
      uint64_t v = rng_.chance(70) ? value() & mask : value();
      return masked(arg, mask, v, w32);
    }
    return cmp(arg, op, value(), w32, rng_.chance(10) ? rng_.next() : ~0ull);
  }

  std::vector<CondRef> children(unsigned depth) {
    std::vector<CondRef> ch;
    size_t n = 1 + rng_.below(3);
    for (size_t i = 0; i < n; ++i)
      ch.push_back(cond(depth + 1));
    return ch;
  }

  ArchSpec arch(const char *name, uint32_t auditArch, uint32_t base) {
    const uint32_t span = rng_.chance(30) ? 20 + static_cast<uint32_t>(rng_.below(40))
                                          : 300 + static_cast<uint32_t>(rng_.below(200));
    ArchSpec a = archSpec(name, auditArch, base, base + span, action(), action());
    const uint32_t last = base + span + 16;
    for (uint32_t nr = base; nr <= last; ++nr) {
      if (!rng_.chance(entryPercent_))
        continue;
      if (!rng_.chance(condPercent_)) {
        a.entries.push_back(entry(nr, action()));
        continue;
      }
      std::vector<Branch> branches;
      size_t n = 1 + rng_.below(3);
      for (size_t i = 0; i < n; ++i)
        branches.push_back(Branch{rng_.chance(8) ? nullptr : cond(0), action()});
      a.entries.push_back(condEntry(nr, std::move(branches), action()));
    }
    return a;
  }

  Rng rng_;
  std::vector<Action> palette_;
  unsigned condPercent_ = 0, entryPercent_ = 0;
};

void collectValues(const Cond &c, std::vector<std::set<uint64_t>> &perArg) {
  if (c.kind == Cond::Kind::Cmp) {
    std::set<uint64_t> &s = perArg[c.argIndex];
    const uint64_t v = c.value;
    for (uint64_t x : std::initializer_list<uint64_t>{v, v - 1, v + 1, v ^ (1ull << 32), v & 0xffffffffull, v | 0xffffffff00000000ull,
                       v & c.mask, (v & c.mask) | ~c.mask, (v + 1) & c.mask, v >> 32, v << 32})
      s.insert(x);
    return;
  }
  for (const CondRef &ch : c.children)
    collectValues(*ch, perArg);
}

struct Checker {
  const FilterSpec &spec;
  const std::vector<runtime::BpfInsn> &prog;
  Rng &rng;
  uint64_t points = 0;

  const SyscallEntry *findEntry(uint32_t arch, uint32_t nr) {
    const ArchSpec *a = detail::findArchSpec(spec, arch, nr);
    if (!a)
      return nullptr;
    for (const SyscallEntry &e : a->entries)
      if (e.nr == nr)
        return &e;
    return nullptr;
  }

  void check(uint32_t arch, uint32_t nr, const uint64_t args[6], bool expectNoArgLoads) {
    ++points;
    runtime::BpfResult r = run(prog, arch, nr, args);
    ASSERT_TRUE(r.ok) << r.fault << " at " << r.faultPc;
    const uint32_t want = intendedAction(spec, arch, nr, args).toRet();
    ASSERT_EQ(r.ret, want) << "arch 0x" << std::hex << arch << " nr 0x" << nr << " args " << args[0] << ", "
                           << args[1] << ", " << args[2] << ", " << args[3] << ", " << args[4] << ", "
                           << args[5];
    if (expectNoArgLoads) {
      ASSERT_EQ(r.loadedWords & ~0x3u, 0u) << "unconditional decision loaded arguments, nr " << nr;
    }
  }

  void checkNr(uint32_t arch, uint32_t nr) {
    const SyscallEntry *e = findEntry(arch, nr);
    if (!e || e->isUnconditional()) {
      for (int i = 0; i < 2; ++i) {
        uint64_t args[6];
        for (uint64_t &a : args)
          a = rng.pick(kBoundaries);
        check(arch, nr, args, true);
        if (::testing::Test::HasFatalFailure())
          return;
      }
      return;
    }
    std::vector<std::set<uint64_t>> perArg(6);
    for (const Branch &b : e->branches)
      if (b.cond)
        collectValues(*b.cond, perArg);
    std::vector<std::vector<uint64_t>> cands(6);
    for (int i = 0; i < 6; ++i) {
      cands[i].assign(perArg[i].begin(), perArg[i].end());
      cands[i].insert(cands[i].end(), kBoundaries.begin(), kBoundaries.end());
    }
    for (int i = 0; i < 48; ++i) {
      uint64_t args[6];
      for (int j = 0; j < 6; ++j)
        args[j] = rng.chance(80) ? rng.pick(cands[j]) : rng.next();
      check(arch, nr, args, false);
      if (::testing::Test::HasFatalFailure())
        return;
    }
  }

  void checkArch(uint32_t arch, uint32_t base, uint32_t maxKnown) {
    for (uint64_t nr = base; nr <= uint64_t(maxKnown) + 64; ++nr) {
      checkNr(arch, static_cast<uint32_t>(nr));
      if (::testing::Test::HasFatalFailure())
        return;
    }
  }
};

uint32_t maxKnownOf(const FilterSpec &s, uint32_t arch, uint32_t base, uint32_t fallback) {
  for (const ArchSpec &a : s.arches)
    if (a.auditArch == arch && a.nrBase == base)
      return a.maxKnownNr;
  return fallback;
}

TEST(CodeGenRandom, MatchesIntendedAction) {
  uint64_t points = 0, insns = 0, tooLarge = 0;
  constexpr uint64_t kSpecs = 250;
  for (uint64_t seed = 1; seed <= kSpecs; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SpecGen gen(seed);
    FilterSpec spec = gen.spec();
    std::string error;
    std::vector<runtime::BpfInsn> prog = generateFilter(spec, &error);
    if (prog.empty()) {
      ASSERT_NE(error.find("too large"), std::string::npos) << error;
      ++tooLarge;
      continue;
    }
    std::string why;
    ASSERT_TRUE(runtime::checkSeccompProgram(prog, &why)) << why;
    ASSERT_EQ(generateFilter(spec, &error), prog) << "not deterministic";
    insns += prog.size();

    Checker c{spec, prog, gen.rng()};
    c.checkArch(kArchX86_64, 0, maxKnownOf(spec, kArchX86_64, 0, 100));
    c.checkArch(kArchX86_64, kX32Bit, maxKnownOf(spec, kArchX86_64, kX32Bit, kX32Bit + 100));
    c.checkArch(kArchI386, 0, maxKnownOf(spec, kArchI386, 0, 100));
    for (uint32_t nr : {0x3fffffffu, 0x40000000u, 0x7fffffffu, 0x80000000u, 0xc0000000u, 0xfffffffeu,
                        0xffffffffu}) {
      c.checkNr(kArchX86_64, nr);
      c.checkNr(kArchI386, nr);
    }
    for (uint32_t arch : {kArchAarch64, kArchArm, 0u, 0xffffffffu, kArchX86_64 ^ 1})
      for (uint32_t nr : {0u, 1u, 59u, kX32Bit, 0xffffffffu})
        c.checkNr(arch, nr);
    if (::testing::Test::HasFatalFailure())
      return;
    points += c.points;
  }
  EXPECT_LT(tooLarge, kSpecs / 10);
  std::printf("%llu specs (%llu over 4096 insns), %llu points checked, mean %.0f insns\n",
              (unsigned long long)kSpecs, (unsigned long long)tooLarge, (unsigned long long)points,
              double(insns) / double(kSpecs - tooLarge));
}

} // namespace
} // namespace kavach::seccomp::test

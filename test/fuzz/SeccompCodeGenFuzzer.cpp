// Differential fuzzer for the seccomp code generator. The input bytes drive
// a small random FilterSpec (one or two arch families, a palette of actions,
// up to a few dozen syscall entries with nested argument conditions); the
// generated BPF, run by runtime::runBpf, must return
// intendedAction(spec, ...).toRet() for:
//   - every number of every listed arch up to maxKnownNr + 16, plus the
//     edges of the number line (0x3fffffff, 0x40000000, 0x7fffffff,
//     0xffffffff, ...) and a foreign arch;
//   - for conditional entries, argument vectors built from the constants the
//     conditions mention (v, v±1, halves, masked variants) and boundaries.
// It also checks that a spec the generator accepts gives a program that
// passes checkSeccompProgram, and that generation is deterministic.
// A spec the generator refuses (too large) must come with a reason.
// test/unit/seccomp/CodeGenRandomTest.cpp does the same from a seeded RNG;
// this target lets coverage guide the shapes instead.
#include "compiler/Backend/Seccomp/CodeGen.h"
#include "compiler/Backend/Seccomp/FilterSpec.h"
#include "runtime/Bpf.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

using namespace kavach;
using namespace kavach::seccomp;

namespace {

constexpr uint32_t kX86_64 = 0xc000003eu, kI386 = 0x40000003u, kAarch64 = 0xc00000b7u,
                   kArm = 0x40000028u, kX32Bit = 0x40000000u;

const uint64_t kBoundaries[] = {0,
                                1,
                                2,
                                0x7fffffffull,
                                0x80000000ull,
                                0xfffffffeull,
                                0xffffffffull,
                                0x100000000ull,
                                0x100000001ull,
                                0x7fffffffffffffffull,
                                0x8000000000000000ull,
                                0xffffffff00000000ull,
                                0xfffffffffffffffeull,
                                0xffffffffffffffffull,
                                0x0000000500000007ull};

class SpecBuilder {
public:
  explicit SpecBuilder(FuzzedDataProvider &in) : in(in) {}

  FilterSpec build() {
    size_t n = in.ConsumeIntegralInRange<size_t>(1, 5);
    for (size_t i = 0; i < n; ++i)
      palette.push_back(action());
    FilterSpec s;
    s.badArchAction = pick();
    if (in.ConsumeBool()) {
      s.nativeAuditArch = kAarch64;
      s.arches.push_back(arch("aarch64", kAarch64, 0));
      if (in.ConsumeBool())
        s.arches.push_back(arch("arm", kArm, 0));
    } else {
      s.nativeAuditArch = kX86_64;
      s.arches.push_back(arch("x86_64", kX86_64, 0));
      if (in.ConsumeBool())
        s.arches.push_back(arch("x32", kX86_64, kX32Bit));
      if (in.ConsumeBool())
        s.arches.push_back(arch("i386", kI386, 0));
    }
    if (s.arches.size() > 1 && in.ConsumeBool())
      std::swap(s.arches.front(), s.arches.back());
    return s;
  }

private:
  Action action() {
    Action a;
    a.kind = ActionKind(in.ConsumeIntegralInRange<int>(0, int(ActionKind::UserNotif)));
    if (a.kind == ActionKind::Errno)
      a.data = in.ConsumeIntegralInRange<uint16_t>(0, 4095);
    else if (a.kind == ActionKind::Trap)
      a.data = in.ConsumeIntegral<uint16_t>();
    return a;
  }
  Action pick() { return palette[in.ConsumeIntegralInRange<size_t>(0, palette.size() - 1)]; }

  uint64_t value() {
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return kBoundaries[in.ConsumeIntegralInRange<size_t>(0, std::size(kBoundaries) - 1)];
    case 1:
      return in.ConsumeIntegralInRange<uint64_t>(0, 63);
    case 2:
      return uint64_t(in.ConsumeIntegral<uint32_t>()) << (in.ConsumeBool() ? 32 : 0);
    default:
      return in.ConsumeIntegral<uint64_t>();
    }
  }

  CondRef cond(unsigned depth) {
    auto c = std::make_shared<Cond>();
    int k = depth < 3 ? in.ConsumeIntegralInRange<int>(0, 9) : 9;
    if (k < 3) {
      c->kind = k == 0 ? Cond::Kind::And : k == 1 ? Cond::Kind::Or : Cond::Kind::Not;
      size_t n = c->kind == Cond::Kind::Not ? 1 : in.ConsumeIntegralInRange<size_t>(2, 3);
      for (size_t i = 0; i < n; ++i)
        c->children.push_back(cond(depth + 1));
      return c;
    }
    c->kind = Cond::Kind::Cmp;
    c->argIndex = in.ConsumeIntegralInRange<uint8_t>(0, 5);
    c->op = Cond::Op(in.ConsumeIntegralInRange<int>(0, int(Cond::Op::MaskedEq)));
    c->width32 = in.ConsumeBool();
    c->value = value();
    if (c->op == Cond::Op::MaskedEq || in.ConsumeIntegralInRange<int>(0, 7) == 0)
      c->mask = value();
    return c;
  }

  ArchSpec arch(const char *name, uint32_t audit, uint32_t base) {
    ArchSpec a;
    a.name = name;
    a.auditArch = audit;
    a.nrBase = base;
    a.defaultAction = pick();
    a.unknownAction = pick();
    a.maxKnownNr = base + in.ConsumeIntegralInRange<uint32_t>(0, 600);
    std::set<uint32_t> nrs;
    size_t n = in.ConsumeIntegralInRange<size_t>(0, 40);
    for (size_t i = 0; i < n; ++i)
      nrs.insert(base + in.ConsumeIntegralInRange<uint32_t>(0, a.maxKnownNr - base + 16));
    for (uint32_t nr : nrs) {
      SyscallEntry e;
      e.nr = nr;
      e.fallback = pick();
      size_t branches = in.ConsumeIntegralInRange<size_t>(0, 3);
      for (size_t b = 0; b < branches; ++b)
        e.branches.push_back(Branch{in.ConsumeIntegralInRange<int>(0, 9) == 0 ? nullptr : cond(0),
                                    pick()});
      a.entries.push_back(std::move(e));
    }
    return a;
  }

  FuzzedDataProvider &in;
  std::vector<Action> palette;
};

void collect(const Cond &c, std::vector<std::set<uint64_t>> &perArg) {
  if (c.kind != Cond::Kind::Cmp) {
    for (const CondRef &ch : c.children)
      collect(*ch, perArg);
    return;
  }
  const uint64_t v = c.value, m = c.mask;
  for (uint64_t x : std::initializer_list<uint64_t>{v, v - 1, v + 1, v ^ (1ull << 32), v & 0xffffffffull,
                     v | 0xffffffff00000000ull, v & m, (v & m) | ~m, (v + 1) & m, v >> 32, v << 32})
    perArg[c.argIndex].insert(x);
}

struct Checker {
  const FilterSpec &spec;
  const std::vector<runtime::BpfInsn> &prog;

  void check(uint32_t arch, uint32_t nr, const uint64_t args[6]) {
    runtime::SeccompData d;
    d.nr = int32_t(nr);
    d.arch = arch;
    std::copy(args, args + 6, d.args);
    runtime::BpfResult r = runBpf(prog, d);
    uint32_t want = intendedAction(spec, arch, nr, args).toRet();
    if (!r.ok || r.ret != want) {
      fprintf(stderr,
              "mismatch: arch 0x%x nr 0x%x args %llx %llx %llx %llx %llx %llx: bpf %s 0x%x, "
              "intended 0x%x\n",
              arch, nr, (unsigned long long)args[0], (unsigned long long)args[1],
              (unsigned long long)args[2], (unsigned long long)args[3],
              (unsigned long long)args[4], (unsigned long long)args[5],
              r.ok ? "returns" : r.fault, r.ret, want);
      abort();
    }
  }

  void checkNr(uint32_t arch, uint32_t nr, const SyscallEntry *e) {
    static const uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
    static const uint64_t ones[6] = {~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull};
    check(arch, nr, zero);
    check(arch, nr, ones);
    if (!e || e->branches.empty())
      return;
    std::vector<std::set<uint64_t>> perArg(6);
    for (const Branch &b : e->branches)
      if (b.cond)
        collect(*b.cond, perArg);
    // Each value of each argument once, the others cycling through theirs
    // and the boundaries: linear in the number of constants, yet every
    // comparison sees both sides of each constant.
    std::vector<std::vector<uint64_t>> cands(6);
    size_t rounds = 0;
    for (int i = 0; i < 6; ++i) {
      cands[i].assign(perArg[i].begin(), perArg[i].end());
      cands[i].insert(cands[i].end(), std::begin(kBoundaries), std::end(kBoundaries));
      rounds = std::max(rounds, cands[i].size());
    }
    for (size_t r = 0; r < rounds; ++r)
      for (size_t shift : {0u, 1u, 7u}) {
        uint64_t args[6];
        for (int i = 0; i < 6; ++i)
          args[i] = cands[i][(r + shift * i) % cands[i].size()];
        check(arch, nr, args);
      }
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  FilterSpec spec = SpecBuilder(in).build();
  std::string error;
  std::vector<runtime::BpfInsn> prog = generateFilter(spec, &error);
  if (prog.empty()) {
    if (error.empty()) {
      fprintf(stderr, "generateFilter failed without a reason\n");
      abort();
    }
    return 0;
  }
  std::string why;
  if (!runtime::checkSeccompProgram(prog, &why)) {
    fprintf(stderr, "generated program fails the checker: %s\n", why.c_str());
    abort();
  }
  if (generateFilter(spec, nullptr) != prog) {
    fprintf(stderr, "generateFilter is not deterministic\n");
    abort();
  }
  Checker c{spec, prog};
  std::set<uint32_t> audits = {0xdeadbeefu, kX86_64, kI386, kAarch64, kArm};
  for (const ArchSpec &a : spec.arches) {
    std::map<uint32_t, const SyscallEntry *> byNr;
    for (const SyscallEntry &e : a.entries)
      byNr[e.nr] = &e;
    for (uint32_t nr = a.nrBase; nr <= a.maxKnownNr + 17; ++nr) {
      auto it = byNr.find(nr);
      c.checkNr(a.auditArch, nr, it == byNr.end() ? nullptr : it->second);
    }
  }
  static const uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
  for (uint32_t audit : audits)
    for (uint32_t nr : {0u, 1u, 59u, 0x3fffffffu, 0x40000000u, 0x40000001u, 0x4000003bu,
                        0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu})
      c.check(audit, nr, zero);
  return 0;
}

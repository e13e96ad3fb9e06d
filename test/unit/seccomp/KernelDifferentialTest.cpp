// The real kernel against the simulator: random filters whose every action
// is errno(N) with its own N (so a wrong decision shows as a wrong errno,
// and nothing the filter lets through runs) are installed with seccomp(2)
// in a forked child, which then makes every x86_64 syscall number of the
// table and 64 past it, -1, and every x32 number (seccomp sees the x32 bit
// before dispatch, so this works whether or not the kernel runs x32) with
// boundary argument values, through a raw `syscall` instruction. The parent
// compares each raw return value with what runtime::runBpf says. With IA32
// emulation on, the i386 half is exercised the same way through `int 0x80`;
// without it that part is skipped with the reason printed.
#include "KernelTestUtil.h"

#include <seccomp.h>
#include <sys/mman.h>

#include <cstdio>

namespace kavach::seccomp::test {
namespace {

#if defined(__x86_64__)

using Op = Cond::Op;

// Kernels since 6.11 run x86_64 uretprobe (335), and since 6.17 uprobe
// (336), without consulting seccomp (kernel/seccomp.c,
// seccomp_uprobe_exception): no filter can block them, and outside a uprobe
// trampoline uretprobe kills the caller with SIGILL. Not made here.
constexpr uint32_t kUretprobe = 335, kUprobe = 336;

const uint64_t kArgValues[] = {0, 1, 0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull,
                               0x8000000000000000ull, ~0ull, 0x0000000500000007ull, 0x0000000600000007ull, 7};

uint32_t tableMax(uint32_t scmpArch, uint32_t base) {
  uint32_t max = base;
  for (uint32_t nr = base; nr < base + 2048; ++nr)
    if (char *n = seccomp_syscall_resolve_num_arch(scmpArch, int(nr))) {
      free(n);
      max = nr;
    }
  return max;
}

CondRef randomCond(Rng &rng, unsigned depth = 0) {
  const uint64_t r = rng.below(100);
  if (depth < 2 && r < 15)
    return andC({randomCond(rng, depth + 1), randomCond(rng, depth + 1)});
  if (depth < 2 && r < 30)
    return orC({randomCond(rng, depth + 1), randomCond(rng, depth + 1)});
  if (depth < 2 && r < 38)
    return notC(randomCond(rng, depth + 1));
  const uint8_t arg = static_cast<uint8_t>(rng.below(3));
  const uint64_t v = kArgValues[rng.below(std::size(kArgValues))];
  if (rng.chance(20))
    return masked(arg, rng.chance(50) ? 0xffffffffull : 0xff00000000ull, v & 0xffffffffull, rng.chance(30));
  return cmp(arg, static_cast<Cond::Op>(rng.below(6)), v, rng.chance(25));
}

Action randomErrno(Rng &rng) { return errnoAction(static_cast<uint16_t>(1 + rng.below(4095))); }

ArchSpec randomArch(Rng &rng, const char *name, uint32_t audit, uint32_t base, uint32_t max,
                    std::initializer_list<uint32_t> allowed) {
  ArchSpec a = archSpec(name, audit, base, max, randomErrno(rng), randomErrno(rng));
  for (uint32_t nr = base; nr <= max + 16; ++nr) {
    if (std::find(allowed.begin(), allowed.end(), nr) != allowed.end()) {
      a.entries.push_back(entry(nr, allow()));
      continue;
    }
    const uint64_t r = rng.below(100);
    if (r < 30)
      a.entries.push_back(entry(nr, randomErrno(rng)));
    else if (r < 45)
      a.entries.push_back(condEntry(nr, {Branch{randomCond(rng), randomErrno(rng)}, Branch{randomCond(rng), randomErrno(rng)}},
                                    randomErrno(rng)));
  }
  return a;
}

long raw64(long nr, const uint64_t a[6]) {
  long ret;
  register uint64_t r10 asm("r10") = a[3];
  register uint64_t r8 asm("r8") = a[4];
  register uint64_t r9 asm("r9") = a[5];
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}

// i386 through int 0x80: five 32-bit arguments (the sixth, ebp, is left 0
// by the caller's expectations: the kernel reads whatever ebp holds, so the
// numbers used here never compare arg5).
long raw32(long nr, const uint64_t a[6]) {
  long ret;
  asm volatile("int $0x80"
               : "=a"(ret)
               : "a"(nr), "b"(uint32_t(a[0])), "c"(uint32_t(a[1])), "d"(uint32_t(a[2])), "S"(uint32_t(a[3])),
                 "D"(uint32_t(a[4]))
               : "memory");
  return ret;
}

bool ia32Emulation(std::string *why) {
  pid_t pid = fork();
  if (pid == 0) {
    prepareChild();
    const uint64_t none[6] = {};
    _exit(raw32(20 /* i386 getpid */, none) == getpid() ? 0 : 1);
  }
  const int status = waitChild(pid);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  *why = WIFSIGNALED(status) ? "int 0x80 ends with signal " + std::to_string(WTERMSIG(status))
                             : "int 0x80 getpid returned something else";
  return false;
}

struct Call {
  uint32_t arch, nr;
  uint64_t args[6];
  bool viaInt80;
};

// Runs `calls` in a child under `prog`; returns the raw results.
std::vector<long> runCalls(const std::vector<runtime::BpfInsn> &prog, const std::vector<Call> &calls) {
  const size_t bytes = calls.size() * sizeof(long);
  void *mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(mem, MAP_FAILED);
  long *out = static_cast<long *>(mem);
  const int status = inChild(prog, [&] {
    for (size_t i = 0; i < calls.size(); ++i) {
      const long nr = static_cast<int32_t>(calls[i].nr); // -1 stays -1
      out[i] = calls[i].viaInt80 ? raw32(nr, calls[i].args) : raw64(nr, calls[i].args);
    }
    return 0;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  std::vector<long> res(out, out + calls.size());
  munmap(mem, bytes);
  return res;
}

TEST(RealKernelDifferential, EveryNumberMatchesTheSimulator) {
  if (!kernelHasSeccompFilter())
    GTEST_SKIP() << "no seccomp filter support";
  std::string why;
  const bool int80 = ia32Emulation(&why);
  if (!int80)
    std::printf("note: IA32 emulation is off (%s): the i386 half is not run on the kernel here "
                "(the interpreter tests cover it)\n", why.c_str());
  const uint32_t maxX86 = tableMax(SCMP_ARCH_X86_64, 0), maxX32 = tableMax(SCMP_ARCH_X32, kX32Bit),
                 maxI386 = tableMax(SCMP_ARCH_X86, 0);
  uint64_t checked = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(seed * 131);
    FilterSpec spec;
    spec.nativeAuditArch = kArchX86_64;
    spec.badArchAction = killProcess();
    // exit_group must run for the child to report; it is allowed and never called below.
    spec.arches.push_back(randomArch(rng, "x86_64", kArchX86_64, 0, maxX86, {SYS_exit_group, SYS_exit}));
    spec.arches.push_back(randomArch(rng, "x32", kArchX86_64, kX32Bit, maxX32, {}));
    spec.arches.push_back(randomArch(rng, "i386", kArchI386, 0, maxI386, {}));
    std::string error;
    const std::vector<runtime::BpfInsn> prog = generateFilter(spec, &error);
    ASSERT_FALSE(prog.empty()) << error;

    std::vector<Call> calls;
    auto add = [&](uint32_t arch, uint32_t nr, bool int80call) {
      for (int k = 0; k < 3; ++k) {
        Call c{arch, nr, {}, int80call};
        for (int j = 0; j < 6; ++j)
          c.args[j] = kArgValues[rng.below(std::size(kArgValues))];
        if (int80call)
          for (uint64_t &v : c.args)
            v &= 0xffffffffull;
        c.args[5] = int80call ? 0 : c.args[5];
        const runtime::BpfResult r = run(prog, arch, nr, c.args);
        ASSERT_TRUE(r.ok);
        if (r.ret == kRetAllow)
          return; // exit/exit_group: not called
        calls.push_back(c);
      }
    };
    for (uint32_t nr = 0; nr <= maxX86 + 64; ++nr)
      if (nr != kUretprobe && nr != kUprobe)
        add(kArchX86_64, nr, false);
    for (uint32_t nr : {0xffffffffu, 0x3fffffffu})
      add(kArchX86_64, nr, false);
    for (uint32_t nr = kX32Bit; nr <= maxX32 + 64; ++nr)
      add(kArchX86_64, nr, false);
    for (uint32_t nr : {0x7fffffffu, 0x80000000u, 0xfffffffeu})
      add(kArchX86_64, nr, false);
    if (int80) {
      for (uint32_t nr = 0; nr <= maxI386 + 64; ++nr)
        add(kArchI386, nr, true); // every i386 action is an errno: exit/exit_group too
    }
    if (::testing::Test::HasFatalFailure())
      return;
    const std::vector<long> got = runCalls(prog, calls);
    ASSERT_EQ(got.size(), calls.size());
    for (size_t i = 0; i < calls.size(); ++i) {
      const Call &c = calls[i];
      const runtime::BpfResult r = run(prog, c.arch, c.nr, c.args);
      ASSERT_EQ(r.ret & 0xffff0000u, 0x00050000u) << "only errno actions are run";
      ASSERT_EQ(got[i], -long(r.ret & 0xffff))
          << (c.viaInt80 ? "i386" : "x86_64") << " nr 0x" << std::hex << c.nr << " args " << c.args[0] << ", "
          << c.args[1] << ", " << c.args[2] << ": kernel " << std::dec << got[i] << ", simulator errno "
          << (r.ret & 0xffff);
      ++checked;
    }
  }
  std::printf("%llu syscalls made under 6 filters, kernel == simulator for each%s\n", (unsigned long long)checked,
              int80 ? " (i386 via int 0x80 included)" : "");
}

#endif // __x86_64__

} // namespace
} // namespace kavach::seccomp::test

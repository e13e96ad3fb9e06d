// Against the running kernel: generated filters installed with seccomp(2) in
// forked children behave as specified, and checkSeccompProgram accepts
// exactly the programs the kernel accepts.
#include "KernelTestUtil.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kavach::seccomp::test {
namespace {

using Op = Cond::Op;

std::vector<runtime::BpfInsn> basicFilter() {
  FilterSpec spec;
  spec.nativeAuditArch = kArchX86_64;
  spec.arches.push_back(archSpec("x86_64", kArchX86_64, 0, 460, allow()));
  spec.arches[0].entries = {entry(SYS_uname, killProcess()), entry(SYS_getppid, errnoAction(EPERM))};
  std::string error;
  std::vector<runtime::BpfInsn> prog = generateFilter(spec, &error);
  EXPECT_FALSE(prog.empty()) << error;
  return prog;
}

TEST(RealKernel, ErrnoAction) {
  if (!kernelHasSeccompFilter())
    GTEST_SKIP() << "no seccomp filter support";
  int status = inChild(basicFilter(), [] {
    errno = 0;
    long r = syscall(SYS_getppid);
    if (r != -1 || errno != EPERM)
      return 1;
    return syscall(SYS_getpid) > 0 ? 0 : 2; // the default still allows
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(RealKernel, KillProcessAction) {
  if (!kernelHasSeccompFilter())
    GTEST_SKIP() << "no seccomp filter support";
  int status = inChild(basicFilter(), [] {
    utsname u;
    syscall(SYS_uname, &u);
    return 3;
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << "exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
}

TEST(RealKernel, X32NumbersDieWhenX32IsNotListed) {
  if (!kernelHasSeccompFilter())
    GTEST_SKIP() << "no seccomp filter support";
  const long x32Getpid = 0x40000000L | SYS_getpid;
  errno = 0;
  long bare = syscall(x32Getpid);
  if (bare == -1) {
    EXPECT_EQ(errno, ENOSYS); // kernel without CONFIG_X86_X32_ABI
  } else {
    std::printf("note: this kernel runs x32 syscalls (x32 getpid returned %ld)\n", bare);
  }
  int status = inChild(basicFilter(), [x32Getpid] {
    syscall(x32Getpid);
    return 4;
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << "exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
}

// 64-bit argument compares see the whole register: personality(0xffffffff)
// queries, personality(0x1ffffffff) differs only in the high half.
TEST(RealKernel, ArgumentConditions) {
  if (!kernelHasSeccompFilter())
    GTEST_SKIP() << "no seccomp filter support";
  FilterSpec spec;
  spec.nativeAuditArch = kArchX86_64;
  spec.arches.push_back(archSpec("x86_64", kArchX86_64, 0, 460, allow()));
  spec.arches[0].entries = {
      condEntry(SYS_personality, {Branch{cmp(0, Op::Eq, 0xffffffffull), allow()}}, errnoAction(EPERM)),
      condEntry(SYS_getpriority, {Branch{cmp(0, Op::Eq, 0x2, /*width32=*/true), errnoAction(EACCES)}}, allow()),
  };
  std::string error;
  std::vector<runtime::BpfInsn> prog = generateFilter(spec, &error);
  ASSERT_FALSE(prog.empty()) << error;
  int status = inChild(prog, [] {
    if (syscall(SYS_personality, 0xffffffffUL) == -1)
      return 1;
    errno = 0;
    if (syscall(SYS_personality, 0x1ffffffffUL) != -1 || errno != EPERM)
      return 2;
    errno = 0;
    if (syscall(SYS_personality, 0UL) != -1 || errno != EPERM)
      return 3;
    errno = 0;
    // PRIO_USER with junk in the high half still matches the width32 check.
    if (syscall(SYS_getpriority, 0x500000002UL, 0UL) != -1 || errno != EACCES)
      return 4;
    errno = 0;
    if (syscall(SYS_getpriority, 0UL, 0UL) == -1) // PRIO_PROCESS
      return 5;
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Random and mutated programs: the kernel and checkSeccompProgram agree.
TEST(RealKernel, CheckerAgreesWithKernel) {
  if (!kernelHasSeccompFilter())
    GTEST_SKIP() << "no seccomp filter support";
  const std::vector<uint16_t> codes = {
      BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
      BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
      BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_SUB | BPF_X, BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
      BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_NEG, BPF_ALU | BPF_MOD | BPF_K,
      BPF_ALU | BPF_XOR | BPF_K, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_JMP | BPF_JA,
      BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JGT | BPF_X, BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JSET | BPF_K,
      BPF_RET | BPF_K, BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_RET | BPF_X, BPF_LD | BPF_H | BPF_ABS,
      BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_IND, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_W | BPF_ABS,
      0x0e, 0xff, BPF_JMP | 0x50 | BPF_K};
  const std::vector<uint32_t> ks = {0, 1, 2, 3, 4, 8, 15, 16, 31, 32, 60, 62, 63, 64, 0xfffff000u, 0x7fff0000u};
  Rng rng(12345);
  auto randomInsn = [&]() {
    return runtime::BpfInsn{rng.pick(codes), static_cast<uint8_t>(rng.chance(80) ? rng.below(4) : rng.below(256)),
                            static_cast<uint8_t>(rng.chance(80) ? rng.below(4) : rng.below(256)),
                            rng.chance(80) ? rng.pick(ks) : static_cast<uint32_t>(rng.next())};
  };
  const std::vector<runtime::BpfInsn> seed = basicFilter();
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 1200; ++i) {
    std::vector<runtime::BpfInsn> prog;
    if (i % 3 == 0) {
      prog = seed; // a valid program, mutated a little
      for (uint64_t m = 0, n = 1 + rng.below(2); m < n; ++m) {
        runtime::BpfInsn &in = prog[rng.below(prog.size())];
        switch (rng.below(4)) {
        case 0: in.code = rng.pick(codes); break;
        case 1: in.k = rng.pick(ks); break;
        case 2: in.jt = static_cast<uint8_t>(rng.below(prog.size())); break;
        default: in.jf = static_cast<uint8_t>(rng.below(prog.size())); break;
        }
      }
    } else {
      for (uint64_t n = 1 + rng.below(10); n > 0; --n)
        prog.push_back(randomInsn());
      if (rng.chance(70))
        prog.push_back(runtime::BpfInsn{BPF_RET | BPF_K, 0, 0, 0x7fff0000u});
    }
    std::string why;
    const bool ours = runtime::checkSeccompProgram(prog, &why);
    pid_t pid = fork();
    if (pid == 0) {
      prepareChild();
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (installFilter(prog) == 0)
        exitChild(0); // whatever the filter does to exit_group, we learn "accepted"
      _exit(errno == EINVAL ? 1 : 2);
    }
    const int status = waitChild(pid);
    ASSERT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << "unexpected seccomp(2) error";
    const bool kernel = !(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    std::string listing;
    for (const runtime::BpfInsn &in : prog)
      listing += " {" + std::to_string(in.code) + "," + std::to_string(in.jt) + "," + std::to_string(in.jf) + "," +
                 std::to_string(in.k) + "}";
    ASSERT_EQ(ours, kernel) << "program " << i << ":" << listing << (ours ? "" : "\nours: " + why);
    (kernel ? accepted : rejected)++;
  }
  std::printf("checker vs kernel: %d accepted, %d rejected, all agree\n", accepted, rejected);
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 100);
}

} // namespace
} // namespace kavach::seccomp::test

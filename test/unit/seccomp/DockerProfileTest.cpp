// A Docker-like profile: moby's default allowlist on x86_64, compiled by our
// generator and, as an oracle, by libseccomp. Prints the size and the
// executed-instruction numbers over the allowed syscalls (the benchmark that
// checks the targets lives elsewhere; this test only asserts validity).
#include "LibseccompExport.h"
#include "SeccompTestUtil.h"

#include "compiler/Backend/Seccomp/Disassembler.h"

#include <gtest/gtest.h>
#include <seccomp.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <unistd.h>

namespace kavach::seccomp::test {
namespace {

// moby profiles/seccomp/default.json: every SCMP_ACT_ALLOW group without
// args and without an includes.caps / includes.arches restriction.
const char *const kDockerAllowed[] = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget",
    "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
    "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
    "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat",
    "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old",
    "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
    "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
    "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2",
    "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr",
    "flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs",
    "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue", "futex_time64",
    "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents",
    "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32",
    "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid",
    "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
    "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
    "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat",
    "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
    "ioctl", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get",
    "ioprio_set", "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule",
    "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr",
    "link", "linkat", "listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
    "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack",
    "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod",
    "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr",
    "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
    "mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd",
    "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat",
    "_newselect", "open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe",
    "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
    "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6",
    "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
    "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
    "remap_file_pages", "removexattr", "removexattrat", "rename", "renameat", "renameat2",
    "restart_syscall", "riscv_hwprobe", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
    "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
    "sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
    "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
    "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl",
    "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64",
    "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid",
    "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid",
    "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid",
    "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
    "set_tid_address", "setuid", "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt",
    "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn",
    "socketcall", "socketpair", "splice", "stat", "stat64", "statfs", "statfs64", "statmount",
    "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee",
    "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
    "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
    "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime",
    "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid",
    "write", "writev", "process_vm_readv", "process_vm_writev", "ptrace",
};

uint32_t maxKnownNr(uint32_t scmpArch) {
  uint32_t max = 0;
  for (uint32_t nr = 0; nr < 2048; ++nr)
    if (const char *name = seccomp_syscall_resolve_num_arch(scmpArch, static_cast<int>(nr))) {
      free(const_cast<char *>(name));
      max = nr;
    }
  return max;
}

int resolve(const char *name) { return seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name); }

struct DockerProfile {
  FilterSpec spec;
  std::vector<uint32_t> allowed;     // unconditionally allowed x86_64 numbers
  std::vector<uint32_t> conditional; // x86_64 numbers with argument checks
  uint32_t maxKnown = 0;
};

DockerProfile dockerProfile() {
  DockerProfile p;
  p.maxKnown = maxKnownNr(SCMP_ARCH_X86_64);
  std::map<uint32_t, SyscallEntry> entries;
  for (const char *name : kDockerAllowed) {
    int nr = resolve(name);
    if (nr < 0)
      continue; // not an x86_64 syscall (e.g. chown32)
    entries[nr] = entry(nr, allow());
  }
  using Op = Cond::Op;
  auto addCond = [&](const char *name, CondRef c) {
    uint32_t nr = resolve(name);
    entries[nr] = condEntry(nr, {Branch{c, allow()}}, errnoAction(1));
  };
  addCond("socket", orC({cmp(0, Op::Lt, 38), cmp(0, Op::Eq, 39), cmp(0, Op::Gt, 40)}));
  addCond("personality", orC({cmp(0, Op::Eq, 0), cmp(0, Op::Eq, 8), cmp(0, Op::Eq, 131072),
                              cmp(0, Op::Eq, 131080), cmp(0, Op::Eq, 4294967295u)}));
  addCond("clone", masked(0, 2114060288u, 0));
  entries[resolve("clone3")] = entry(resolve("clone3"), errnoAction(38));

  ArchSpec x86 = archSpec("x86_64", kArchX86_64, 0, p.maxKnown, errnoAction(1), errnoAction(1));
  for (auto &[nr, e] : entries) {
    x86.entries.push_back(e);
    if (e.isUnconditional() && e.fallback == allow())
      p.allowed.push_back(nr);
    else if (!e.isUnconditional())
      p.conditional.push_back(nr);
  }
  p.spec.nativeAuditArch = kArchX86_64;
  p.spec.arches.push_back(std::move(x86));
  p.spec.badArchAction = killProcess();
  return p;
}

// The same policy through libseccomp (x86_64 only); `binaryTree` selects its
// SCMP_FLTATR_CTL_OPTIMIZE=2 layout instead of the default linear one.
std::vector<runtime::BpfInsn> libseccompDocker(bool binaryTree = false) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1));
  EXPECT_NE(ctx, nullptr);
  EXPECT_EQ(seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS), 0);
  if (binaryTree) {
    EXPECT_EQ(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2), 0);
  }
  for (const char *name : kDockerAllowed) {
    int nr = resolve(name);
    if (nr >= 0) {
      EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0), 0) << name;
    }
  }
  const int socketNr = resolve("socket"), personalityNr = resolve("personality");
  EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, socketNr, 1, SCMP_A0(SCMP_CMP_LT, 38)), 0);
  EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, socketNr, 1, SCMP_A0(SCMP_CMP_EQ, 39)), 0);
  EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, socketNr, 1, SCMP_A0(SCMP_CMP_GT, 40)), 0);
  for (uint64_t v : {0ull, 8ull, 131072ull, 131080ull, 4294967295ull})
    EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, personalityNr, 1, SCMP_A0(SCMP_CMP_EQ, v)), 0);
  EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, resolve("clone"), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, 2114060288u, 0)), 0);
  EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(38), resolve("clone3"), 0), 0);
  std::vector<runtime::BpfInsn> prog = exportLibseccompBpf(ctx);
  seccomp_release(ctx);
  return prog;
}

struct PathStats {
  uint32_t worst = 0;
  double mean = 0;
};

PathStats stats(const std::vector<runtime::BpfInsn> &prog, const std::vector<uint32_t> &nrs,
                const uint64_t args[6]) {
  PathStats s;
  uint64_t total = 0;
  for (uint32_t nr : nrs) {
    runtime::BpfResult r = run(prog, kArchX86_64, nr, args);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.ret, kRetAllow) << nr;
    s.worst = std::max(s.worst, r.executed);
    total += r.executed;
  }
  s.mean = nrs.empty() ? 0 : double(total) / nrs.size();
  return s;
}

TEST(DockerProfile, SizeAndPathLengths) {
  DockerProfile p = dockerProfile();
  std::string error;
  std::vector<runtime::BpfInsn> prog = generateFilter(p.spec, &error);
  ASSERT_FALSE(prog.empty()) << error;
  std::string why;
  ASSERT_TRUE(runtime::checkSeccompProgram(prog, &why)) << why;
  ASSERT_LE(prog.size(), 4096u);
  EXPECT_GE(p.allowed.size(), 280u);

  uint32_t ranges = 0;
  for (uint32_t nr = 0; nr <= p.maxKnown; ++nr) {
    const uint64_t zero[6] = {};
    if (nr == 0 || intendedAction(p.spec, kArchX86_64, nr, zero) != intendedAction(p.spec, kArchX86_64, nr - 1, zero))
      ++ranges;
  }
  const uint64_t zero[6] = {};
  PathStats ours = stats(prog, p.allowed, zero);
  std::vector<runtime::BpfInsn> lib = libseccompDocker();
  PathStats theirs = stats(lib, p.allowed, zero);
  std::printf("docker-like x86_64: %zu allowed + %zu conditional syscalls, %u ranges up to nr %u\n",
              p.allowed.size(), p.conditional.size(), ranges, p.maxKnown);
  std::printf("  kavach:     %zu insns, allowed syscalls: worst %u, mean %.2f executed\n", prog.size(),
              ours.worst, ours.mean);
  std::printf("  libseccomp: %zu insns, allowed syscalls: worst %u, mean %.2f executed\n", lib.size(),
              theirs.worst, theirs.mean);
  std::vector<runtime::BpfInsn> libTree = libseccompDocker(/*binaryTree=*/true);
  PathStats tree = stats(libTree, p.allowed, zero);
  std::printf("  libseccomp (optimize=2): %zu insns, allowed syscalls: worst %u, mean %.2f executed\n",
              libTree.size(), tree.worst, tree.mean);
  for (uint32_t nr : p.conditional) {
    const uint64_t args[6] = {0, 0, 0, 0, 0, 0}; // socket(0..), personality(0), clone(0): allowed
    runtime::BpfResult r = run(prog, kArchX86_64, nr, args);
    std::printf("  conditional nr %u: %u executed\n", nr, r.executed);
    EXPECT_EQ(r.ret, kRetAllow);
  }
  if (getenv("KAVACH_DUMP_BPF"))
    std::fputs(disassemble(prog, [](uint32_t arch, uint32_t nr) -> std::string {
                 uint32_t scmp = arch == kArchX86_64 ? (nr >= kX32Bit ? SCMP_ARCH_X32 : SCMP_ARCH_X86_64) : 0;
                 if (!scmp)
                   return "";
                 char *n = seccomp_syscall_resolve_num_arch(scmp, static_cast<int>(nr));
                 std::string s = n ? n : "";
                 free(n);
                 return s;
               }).c_str(), stdout);
}

// libseccomp as an independent oracle: both filters give the same answer for
// every x86_64 number, interesting arguments, the x32 half and other arches.
TEST(DockerProfile, AgreesWithLibseccomp) {
  DockerProfile p = dockerProfile();
  std::string error;
  std::vector<runtime::BpfInsn> prog = generateFilter(p.spec, &error);
  ASSERT_FALSE(prog.empty()) << error;
  std::vector<runtime::BpfInsn> lib = libseccompDocker();
  std::string why;
  ASSERT_TRUE(runtime::checkSeccompProgram(lib, &why)) << "libseccomp's output: " << why;

  const std::vector<uint64_t> argValues = {0, 1, 8, 37, 38, 39, 40, 41, 131072, 131080,
                                           0xffffffffull, 0x100000000ull, 0x1ffffffffull,
                                           0x7e020000ull, 0x00020000ull, 0x80000000ull,
                                           0xffffffff00000000ull, ~0ull};
  auto compare = [&](uint32_t arch, uint32_t nr) {
    for (uint64_t v : argValues) {
      const uint64_t args[6] = {v, v, 0, 0, 0, 0};
      runtime::BpfResult a = run(prog, arch, nr, args), b = run(lib, arch, nr, args);
      ASSERT_TRUE(a.ok && b.ok);
      ASSERT_EQ(a.ret, b.ret) << "arch " << arch << " nr " << nr << " arg0 " << v;
      ASSERT_EQ(a.ret, intendedAction(p.spec, arch, nr, args).toRet());
    }
  };
  for (uint32_t nr = 0; nr <= p.maxKnown + 64; ++nr) {
    compare(kArchX86_64, nr);
    compare(kArchX86_64, nr | kX32Bit);
    compare(kArchI386, nr);
  }
  // libseccomp lets nr == -1 through its x32 check to the default action;
  // kavach treats it as a native number past the table (the `unknown`
  // action, here the same errno(EPERM) as the default): they agree.
  for (uint32_t nr : {0x3fffffffu, 0x40000000u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu})
    compare(kArchX86_64, nr);
  compare(kArchAarch64, 0);
}

} // namespace
} // namespace kavach::seccomp::test

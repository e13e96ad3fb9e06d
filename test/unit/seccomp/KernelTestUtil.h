// Helpers of the real-kernel seccomp tests: installing a filter in a forked
// child that dies cleanly whatever the filter does.
#pragma once

#include "SeccompTestUtil.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kavach::seccomp::test {

inline long installFilter(const std::vector<runtime::BpfInsn> &prog) {
  sock_fprog fp{};
  fp.len = static_cast<unsigned short>(prog.size());
  fp.filter = reinterpret_cast<sock_filter *>(const_cast<runtime::BpfInsn *>(prog.data()));
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
}

// Prepares a forked child to die cleanly whatever its filter does: no core
// dumps, and default dispositions for fatal signals (a sanitizer's SIGSEGV
// handler would otherwise spin on syscalls the filter refuses).
inline void prepareChild() {
  rlimit noCore{0, 0};
  setrlimit(RLIMIT_CORE, &noCore);
  // The raw syscall: sanitizers intercept signal()/sigaction() and keep
  // their own handlers for some signals.
  struct {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    uint64_t mask;
  } dfl{SIG_DFL, 0, nullptr, 0};
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGSYS, SIGABRT, SIGFPE, SIGTRAP})
    syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof dfl.mask);
}

// Ends a filtered child: exit_group if the filter allows it, else ud2
// (SIGILL). Raw instructions, so no libc or sanitizer code runs (and spins on
// syscalls the filter refuses) on the way out. Deliberately not
// [[noreturn]]: ASan instruments calls to noreturn functions with a
// sigaltstack() call.
inline void exitChild(int code) {
  long nr = SYS_exit_group;
  asm volatile("syscall" : "+a"(nr) : "D"(static_cast<long>(code)) : "rcx", "r11", "memory");
  __builtin_trap();
}

// waitpid with a watchdog: a child still alive after 20 s is killed and
// reported, rather than hanging the test run.
inline int waitChild(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 20000; ++i) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return status;
    EXPECT_EQ(r, 0) << "waitpid failed";
    if (r != 0)
      return status;
    usleep(1000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  ADD_FAILURE() << "child " << pid << " did not terminate";
  return status;
}

// Runs `body` in a child with `prog` installed; returns the wait status.
// Exit code 100 means the filter could not be installed.
template <typename Body> int inChild(const std::vector<runtime::BpfInsn> &prog, Body body) {
  pid_t pid = fork();
  if (pid == 0) {
    prepareChild();
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || installFilter(prog) != 0)
      _exit(100);
    exitChild(body());
  }
  return waitChild(pid);
}

inline bool kernelHasSeccompFilter() {
  // seccomp(SECCOMP_GET_ACTION_AVAIL) is a harmless probe.
  uint32_t action = SECCOMP_RET_KILL_PROCESS;
  return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

} // namespace kavach::seccomp::test

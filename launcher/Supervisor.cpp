// The supervisor and the pid namespace's init. Both are the same loop:
// signals are blocked (from before the fork, so none is lost) and taken
// synchronously with sigtimedwait; SIGCHLD reaps, the forwarded signals go
// to the child. A signal the kernel sent to the whole foreground process
// group (Ctrl-C: si_code SI_KERNEL) already reached the command, so only
// signals sent by a process (kill(1): si_code <= 0) are forwarded; that
// keeps one Ctrl-C from arriving twice.
//
// wall_time is the supervisor's: a timerfd armed before the fork holds the
// deadline (--verify's checker reads the same timer); at it SIGTERM, after a grace of
// kGraceSeconds SIGKILL, and exit 124 as timeout(1) does. With a pid
// namespace SIGKILL to its init ends every process in it; without one,
// what the command left behind is killed with its cgroup, if it has one,
// and otherwise survives (docs/launcher.md says so).
#include "launcher/Supervisor.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define KAVACH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KAVACH_ASAN 1
#endif
#endif

namespace kavach::launch {

namespace {

constexpr int kForwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGCONT, SIGWINCH};
constexpr int kGraceSeconds = 2;

sigset_t supervisorSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (int sig : kForwarded)
    sigaddset(&set, sig);
  return set;
}

double now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Waits for `child`; with `reapAll` (pid 1) reaps every other process too.
// `deadline` 0: none. Returns the child's wait status, or -1 on timeout.
int waitLoop(pid_t child, bool reapAll, double deadline) {
  sigset_t set = supervisorSet();
  for (;;) {
    int status;
    pid_t got;
    while ((got = waitpid(reapAll ? -1 : child, &status, WNOHANG)) > 0)
      if (got == child)
        return status;
    if (got < 0 && errno == ECHILD)
      return kExitSetup << 8; // cannot happen (the child is ours until reaped): never "success"
    siginfo_t info;
    int sig;
    if (deadline > 0) {
      double left = deadline - now();
      if (left <= 0)
        return -1;
      struct timespec ts;
      ts.tv_sec = time_t(left);
      ts.tv_nsec = long((left - double(ts.tv_sec)) * 1e9);
      sig = sigtimedwait(&set, &info, &ts);
    } else {
      sig = sigwaitinfo(&set, &info);
    }
    if (sig <= 0 || sig == SIGCHLD)
      continue;
    if (info.si_code <= 0)
      kill(child, sig);
  }
}

} // namespace

void blockSupervisorSignals(sigset_t &old) {
  sigset_t set = supervisorSet();
  sigprocmask(SIG_BLOCK, &set, &old);
}

int exitCodeFor(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGSYS)
      std::fprintf(stderr, "kavach-launch: the command was killed by SIGSYS (seccomp): it made a "
                           "system call the policy kills\n");
    return 128 + sig;
  }
  return kExitSetup;
}

void armWallTime(ProcessPlan &plan) {
  const runtime::Limit *wall = plan.policy ? plan.policy->limit(runtime::LimitKind::WallTime)
                                           : nullptr;
  if (!wall)
    return;
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  struct itimerspec spec = {};
  spec.it_value.tv_sec = time_t(wall->value);
  if (fd < 0 || timerfd_settime(fd, 0, &spec, nullptr) != 0)
    die(kExitSetup, errno, "wall_time: cannot arm the timer");
  plan.wallTimerFd = fd;
}

void superviseChild(pid_t child, const ProcessPlan &plan, Cgroup &cgroup) {
  const runtime::Limit *wall = plan.policy->limit(runtime::LimitKind::WallTime);
  // The deadline is the armed timer's (what --verify observes).
  double deadline = 0;
  struct itimerspec left;
  if (wall && plan.wallTimerFd >= 0 && timerfd_gettime(plan.wallTimerFd, &left) == 0)
    deadline = now() + double(left.it_value.tv_sec) + double(left.it_value.tv_nsec) / 1e9;
  else if (wall)
    deadline = now() + double(wall->value);
  if (wall && deadline <= now())
    deadline = now() + 1e-3; // the timer already expired: time is up
  int status = waitLoop(child, false, deadline);
  int code;
  if (status == -1) {
    std::fprintf(stderr,
                 "kavach-launch: wall_time of %llus exceeded: sending SIGTERM, SIGKILL after %ds\n",
                 (unsigned long long)wall->value, kGraceSeconds);
    kill(child, SIGTERM);
    if (waitLoop(child, false, now() + kGraceSeconds) == -1) {
      kill(child, SIGKILL);
      waitLoop(child, false, 0);
    }
    code = kExitTimeout;
  } else {
    code = exitCodeFor(status);
  }
  removeCgroup(cgroup);
  std::exit(code);
}

namespace {

struct SpawnArgs {
  const std::function<void()> *command;
  sigset_t mask;
};

int runCommandProcess(void *raw) {
  auto *args = static_cast<SpawnArgs *>(raw);
  // Shares the init's memory until execve: exit() would run the init's
  // static destructors and atexit handlers here, so die() must _exit.
  exitWithoutCleanup();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigprocmask(SIG_SETMASK, &args->mask, nullptr);
  (*args->command)();
  _exit(kExitSetup); // `command` ends in execve or die()
}

} // namespace

void becomeInit(const ProcessPlan &plan, const std::function<void()> &command) {
  if (!(plan.namespaces & runtime::kNsPid))
    return;
  SpawnArgs args{&command, {}};
  blockSupervisorSignals(args.mask);
#if KAVACH_ASAN
  // AddressSanitizer keeps one stack per thread and warns (and may report
  // false positives) when a process it tracks runs on another one.
  pid_t child = fork();
  if (child == 0)
    runCommandProcess(&args);
#else
  // The command's process runs on a stack of its own (it shares our memory).
  constexpr size_t kStack = 1 << 20;
  void *stack = mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED)
    die(kExitSetup, errno, "pid namespace: cannot map a stack for the command's process");
  pid_t child = clone(runCommandProcess, static_cast<char *>(stack) + kStack,
                      CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
#endif
  if (child < 0)
    die(kExitSetup, errno, "pid namespace: cannot create the command's process");
  // pid 1: reap everything; when the command's process ends, so does the
  // namespace (the kernel kills what is left).
  std::exit(exitCodeFor(waitLoop(child, true, 0)));
}

} // namespace kavach::launch

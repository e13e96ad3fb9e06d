// kavach-launch --learn: record what a command does, then write a policy.
//
// Design. The launcher has no syscall names, groups or lint rules (it links
// no compiler library), so learning is split where the knowledge is: the
// launcher records numbers, arguments, paths and ports into a raw trace
// (OUT.kv.trace, LearnRecord.cpp), then runs `kavachc --learn-write` (the
// kavachc next to this binary, else the one on PATH), which has libseccomp,
// the stdlib and the lint rules, to turn the trace into OUT.kv.
//
// Recording. The command runs in a child that sets NO_NEW_PRIVS and
// installs a one-instruction filter, `return SECCOMP_RET_USER_NOTIF`, with
// SECCOMP_FILTER_FLAG_NEW_LISTENER; every later syscall of the child, of
// the command it execs and of all their children and threads (the filter
// is inherited) waits until the parent has looked at it and answered
// SECCOMP_USER_NOTIF_FLAG_CONTINUE: "run it as if there were no filter".
// The listener must reach the parent without a syscall of the child (that
// would wait for a parent that cannot listen yet): the child is cloned with
// CLONE_FILES, so the listener is in the parent's descriptor table too,
// and its number is passed through a shared page the parent polls (execve
// unshares the table; the listener is close-on-exec, so the command does
// not get it). Needs Linux 5.5 (CONTINUE); anything missing is exit 125
// naming it: there is no fallback to SECCOMP_RET_LOG and the audit log.
//
// End. The listener reports POLLHUP once no task uses the filter any more,
// i.e. when the command and everything it started have exited (and been
// reaped: the parent reaps its child as soon as a pidfd says it exited).
// Like strace -f, a daemon the command leaves behind keeps learning going.
// The parent ignores SIGINT and SIGQUIT meanwhile (as system(3) does), so a
// Ctrl-C ends the command and the policy is still written.
//
// The notify answers are never a security decision: CONTINUE is only safe
// for learning (the memory the recorder reads can change after it looked).
#include "launcher/Learn.h"

#include "launcher/Command.h"
#include "launcher/Die.h"
#include "launcher/LearnRecord.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace kavach::launch {

namespace {

constexpr int kNoListenerYet = -1;
constexpr double kHandoffSeconds = 10;

// The child: install the recording filter and exec. Every failure before
// the filter is reported through the shared page as -errno - 2.
[[noreturn]] void learnChild(std::atomic<int> *handoff, const Command &command) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    handoff->store(-errno - 2);
    _exit(kExitSetup);
  }
  struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
  struct sock_fprog prog = {1, &insn};
  int fd = int(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                       &prog));
  if (fd < 0) {
    handoff->store(-errno - 2);
    _exit(kExitSetup);
  }
  handoff->store(fd, std::memory_order_release);
  // From here on every syscall waits for the parent's answer.
  execve(command.path.c_str(), command.argv, environ);
  _exit(errno == ENOENT || errno == ENOTDIR ? kExitNotFound : kExitCannotExec);
}

// Waits for the child's listener number (a plain memory write: the child
// cannot make a syscall the parent is not yet listening for).
int awaitListener(std::atomic<int> *handoff, pid_t child) {
  struct timespec tick = {0, 100 * 1000};
  for (double waited = 0; waited < kHandoffSeconds; waited += 1e-4) {
    int v = handoff->load(std::memory_order_acquire);
    if (v >= 0)
      return v;
    if (v < kNoListenerYet) {
      waitpid(child, nullptr, 0);
      Problem problem{"--learn: cannot install the recording seccomp filter", -v - 2,
                      "learning needs seccomp user notification "
                      "(SECCOMP_FILTER_FLAG_NEW_LISTENER, Linux 5.0)"};
      dieWith(problem);
    }
    nanosleep(&tick, nullptr);
  }
  kill(child, SIGKILL);
  die(kExitSetup, 0, "--learn: the command's process did not install the recording filter");
}

// Answers notifications until no task uses the filter; reaps `child` on the
// way and returns its wait status.
int superviseLearning(int listener, pid_t child, LearnRecorder &recorder) {
  struct seccomp_notif_sizes sizes = {};
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
    die(kExitSetup, errno, "--learn: SECCOMP_GET_NOTIF_SIZES");
  // The kernel's structures may be larger than this build's headers know.
  std::vector<char> reqBuf(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
  std::vector<char> respBuf(
      std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
  auto *req = reinterpret_cast<struct seccomp_notif *>(reqBuf.data());
  auto *resp = reinterpret_cast<struct seccomp_notif_resp *>(respBuf.data());

  int pidfd = int(syscall(SYS_pidfd_open, child, 0));
  int status = -1;
  for (;;) {
    struct pollfd fds[2] = {{listener, POLLIN, 0}, {pidfd, POLLIN, 0}};
    // Without a pidfd (Linux < 5.3, but then CONTINUE is missing too) poll
    // with a timeout and reap by polling.
    int n = poll(fds, pidfd >= 0 && status == -1 ? 2 : 1, pidfd >= 0 ? -1 : 50);
    if (n < 0 && errno != EINTR)
      die(kExitSetup, errno, "--learn: poll");
    if (status == -1 && (pidfd < 0 || (fds[1].revents & POLLIN))) {
      int st;
      if (waitpid(child, &st, WNOHANG) == child)
        status = st;
    }
    if (fds[0].revents & POLLIN) {
      std::memset(req, 0, reqBuf.size());
      if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
        if (errno == EINTR || errno == ENOENT)
          continue; // interrupted, or the caller died meanwhile
        die(kExitSetup, errno, "--learn: SECCOMP_IOCTL_NOTIF_RECV");
      }
      recorder.record(*req, listener);
      std::memset(resp, 0, respBuf.size());
      resp->id = req->id;
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0 && errno != ENOENT) {
        int err = errno;
        kill(child, SIGKILL);
        Problem problem{"--learn: cannot let the recorded syscall continue", err,
                        "learning needs SECCOMP_USER_NOTIF_FLAG_CONTINUE (Linux 5.5)"};
        dieWith(problem);
      }
      continue;
    }
    if (fds[0].revents & (POLLHUP | POLLERR))
      break;
  }
  if (pidfd >= 0)
    close(pidfd);
  if (status == -1)
    waitpid(child, &status, 0);
  return status;
}

// kavachc next to this executable (an installed or built tree keeps them
// together), else the first on PATH.
std::string findKavachc() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string dir(self);
    dir.resize(dir.rfind('/') + 1);
    std::string sibling = dir + "kavachc";
    if (access(sibling.c_str(), X_OK) == 0)
      return sibling;
  }
  return "kavachc";
}

// Runs `kavachc --learn-write TRACE -o OUT`; dies unless it succeeds.
void writePolicy(const std::string &trace, const char *out) {
  std::string kavachc = findKavachc();
  pid_t pid = fork();
  if (pid < 0)
    die(kExitSetup, errno, "--learn: fork");
  if (pid == 0) {
    const char *argv[] = {kavachc.c_str(), "--learn-write", trace.c_str(), "-o", out, nullptr};
    execvp(argv[0], const_cast<char **>(argv));
    die(kExitSetup, errno, "--learn: cannot run '%s'", kavachc.c_str());
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      die(kExitSetup, errno, "--learn: waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    die(kExitSetup, 0, "--learn: '%s --learn-write %s' failed; '%s' was not written",
        kavachc.c_str(), trace.c_str(), out);
}

} // namespace

int runLearn(const Options &options) {
  Command command = resolveCommand(options.command);
  void *page = mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED)
    die(kExitSetup, errno, "--learn: mmap");
  auto *handoff = new (page) std::atomic<int>(kNoListenerYet);

  pid_t child = pid_t(syscall(SYS_clone, CLONE_FILES | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
  if (child < 0)
    die(kExitSetup, errno, "--learn: clone");
  if (child == 0)
    learnChild(handoff, command);
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  int listener = awaitListener(handoff, child);

  LearnRecorder recorder;
  int status = superviseLearning(listener, child, recorder);
  close(listener);

  std::string trace = std::string(options.learnPath) + ".trace";
  if (!recorder.write(trace.c_str(), options.command))
    die(kExitSetup, errno, "--learn: cannot write '%s'", trace.c_str());
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (code != 0)
    warn("the command exited with status %d; the policy covers what this run did", code);
  writePolicy(trace, options.learnPath);
  return code;
}

} // namespace kavach::launch

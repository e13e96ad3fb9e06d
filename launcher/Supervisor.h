// The supervised process model. The launcher's parent half waits for the
// child, forwards signals to it, enforces wall_time (SIGTERM, then SIGKILL
// after a grace period, exit 124 like timeout(1)), removes the cgroup and
// exits with the child's status (128+N for a signal). In a pid namespace
// the child is pid 1 there: it forks the command's process, reaps every
// orphan, forwards signals and reports the command's status.
#pragma once

#include <functional>

#include "launcher/Cgroups.h"
#include "launcher/Process.h"

#include <csignal>
#include <sys/types.h>

namespace kavach::launch {

inline constexpr int kExitTimeout = 124;

// Blocks the forwarded signals and SIGCHLD (before the fork, so none is
// lost); `old` receives the mask the child must restore.
void blockSupervisorSignals(sigset_t &old);

// The parent half; `child` was just created. Never returns.
// wall_time: arms a CLOCK_MONOTONIC timerfd for the policy's wall_time in
// `plan.wallTimerFd` (none without wall_time); the supervisor takes its
// deadline from it, and --verify lets the checker read the same timer.
void armWallTime(ProcessPlan &plan);

[[noreturn]] void superviseChild(pid_t child, const ProcessPlan &plan, Cgroup &cgroup);

// With a pid namespace (the caller is its pid 1): runs `command` in a new
// process and becomes the reaping init; never returns. Otherwise a no-op.
// `command` must end in execve or die(): the new process shares this one's
// memory until then (CLONE_VM | CLONE_VFORK, as posix_spawn does, which
// saves copying the launcher's page tables and the copy-on-write faults of
// a fork), and this process waits for that.
void becomeInit(const ProcessPlan &plan, const std::function<void()> &command);

// The launcher's exit code for a wait status; says so on stderr when the
// command was killed by SIGSYS (the seccomp filter's kill action).
int exitCodeFor(int status);

} // namespace kavach::launch

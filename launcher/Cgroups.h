// Step: the cgroup for the `memory`, `pids` and `cpu` limits. The privileged
// launcher creates a child cgroup under its own, writes the limits, and the
// child process joins it before it creates the user namespace (then the
// cgroup namespace, if asked for, is rooted there). The supervising parent
// removes it when the command is done.
#pragma once

#include "launcher/Die.h"
#include "runtime/Policy.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace kavach::launch {

// Where one controller's child cgroup goes: cgroup v2 when the controller is
// enabled for this process's cgroup there, otherwise its v1 hierarchy.
struct CgroupTarget {
  std::string controller; // "memory", "pids" or "cpu"
  std::string parent;     // this process's cgroup directory for it
  bool v2 = false;
};

// The policy limits a cgroup controller enforces, one per controller.
struct CgroupLimit {
  const char *controller;
  runtime::LimitKind kind;
};
inline constexpr CgroupLimit kCgroupLimits[] = {
    {"memory", runtime::LimitKind::Memory},
    {"pids", runtime::LimitKind::Pids},
    {"cpu", runtime::LimitKind::Cpu},
};

// The policy's limit enforced by `controller`, or null when it sets none.
const runtime::Limit *cgroupLimit(const runtime::ProcessPolicy &policy,
                                  const std::string &controller);

// The cpu quota's period: a limit of N millicores is N * 100 us per 100 ms.
inline constexpr uint64_t kCpuPeriodUs = 100000;

// One file write that sets a limit: `file` (relative to the child cgroup)
// gets `value`; `ifExists` files are skipped on kernels without them (swap
// accounting off).
struct CgroupWrite {
  std::string file, value;
  bool ifExists = false;
};
// What to write for `kind` = `value` on a v1 or v2 hierarchy, in order.
std::vector<CgroupWrite> cgroupWrites(runtime::LimitKind kind, uint64_t value, bool v2);

// Finds the hierarchy for `controller`. False with `why` when none is
// mounted or the parent directory is not writable by this caller (no
// delegated cgroup).
bool findCgroup(const char *controller, CgroupTarget &out, std::string &why);

struct Cgroup {
  std::vector<std::string> dirs; // created, one per hierarchy
};

// mkdir kavach-<pid> under each target and write the limits; dies (125) on
// any failure, removing what it created.
Cgroup createCgroup(const std::vector<CgroupTarget> &targets, const runtime::ProcessPolicy &policy);

// Moves the calling process into every directory of `cgroup`.
void joinCgroup(const Cgroup &cgroup);

// Kills what is left in the cgroup and removes its directories (best
// effort: the command has already finished; a failure is a warning).
void removeCgroup(const Cgroup &cgroup);

} // namespace kavach::launch

// Step: plan the process set-up (namespaces, mounts, cgroup and rlimits,
// identity, capabilities). Like the Landlock and seccomp plans, this only
// probes and decides; the apply steps (Namespaces, Mounts, Cgroups, Limits,
// Identity, Caps, Supervisor) do what it says, in main's order.
#pragma once

#include "launcher/Cgroups.h"
#include "launcher/Die.h"
#include "launcher/Feature.h"
#include "runtime/Policy.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace kavach::launch {

// How the command is started. Direct: the launcher execs in place (no
// fork). Supervised: the launcher forks; the parent waits, forwards
// signals, enforces wall_time and removes the cgroup; with a pid
// namespace the child is pid 1 there (a reaping init) and forks the
// command.
enum class RunMode { Direct, Supervised };

struct ProcessPlan {
  FeatureStatus status = FeatureStatus::NotInPolicy;
  const runtime::ProcessPolicy *policy = nullptr;
  RunMode mode = RunMode::Direct;
  std::string modeReason;      // why supervised
  bool privileged = false;     // euid 0 with CAP_SYS_ADMIN: no user namespace needed
  uint32_t namespaces = 0;     // what will be created (kNs*), implicit user ns included
  bool implicitUserNs = false; // added because the caller is unprivileged
  bool mapWithHelper = false;  // a privileged helper writes the uid/gid maps
  bool hostIdRange = false;    // ...and they map 0..count-1 to the policy's host_ids
  int ttyFd = -1;              // terminal detach: the controlling terminal to give up (Terminal.h)
  uid_t targetUid = 0;         // inside the user namespace, if any
  gid_t targetGid = 0;
  bool setGroups = false;      // setgroups(policy groups) at the identity step
  uid_t outerUid = 0, outerGid = 0;
  bool capsStep = false;       // the capabilities section is applied
  bool dropBounding = false;   // the bounding set can be changed (CAP_SETPCAP)
  std::vector<CgroupTarget> cgroups; // one per cgroup limit (memory, pids, cpu) that can be applied
  std::vector<std::string> details;      // dry-run lines
  std::vector<std::string> degraded;
  std::vector<Problem> refusals;
  uint32_t dropped = 0; // kProc* parts degraded away (not applied at all)
  int wallTimerFd = -1; // wall_time: the supervisor's deadline (armWallTime)
  std::vector<runtime::BindMount> binds; // the policy's, ${VARS} expanded; sources checked
  std::vector<std::string> tmpfs;        // the policy's tmpfs paths, ${VARS} expanded
};

// Decides the run mode and what can be applied for this caller on this
// kernel. `bestEffort` is --best-effort; the policy's per-part bits are
// read from `policy`. `policy` must outlive the plan.
ProcessPlan planProcess(const runtime::ProcessPolicy &policy, bool bestEffort);

// Whether part `part` (kProc*) may degrade.
bool partBestEffort(const ProcessPlan &plan, uint32_t part, bool bestEffort);

} // namespace kavach::launch

// Step: Landlock. Planning (ABI probe, masks, path resolution, the ruleset
// with all its rules) is separate from restricting, so --dry-run can show
// the plan and the real run can apply it after NO_NEW_PRIVS.
#pragma once

#include "launcher/Die.h"
#include "launcher/Feature.h"
#include "runtime/LandlockAbi.h"
#include "runtime/Policy.h"

#include <cstdint>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace kavach::launch {

struct LandlockPathGrant {
  std::string rule;    // the policy's spelling; empty for an interpreter grant
  std::string path;    // resolved
  std::string origin;  // for an interpreter grant: "ELF interpreter of '/usr/bin/x'"
  uint64_t access = 0; // what is granted, after masking to this kernel and file type
  bool exists = false;
  bool isDir = false;
  std::string skipped; // why no rule was added; empty when it was
};

struct LandlockNetGrant {
  uint64_t port = 0;
  uint64_t access = 0;
  std::string skipped;
};

struct LandlockPlan {
  FeatureStatus status = FeatureStatus::NotInPolicy;
  int kernelAbi = 0; // 0: no Landlock (probeErrno says why)
  int probeErrno = 0;
  int neededAbi = 0; // for every right the policy handles
  // What will be handled: the policy's masks minus what the kernel lacks.
  uint64_t handledFs = 0;
  uint64_t handledNet = 0;
  uint64_t scoped = 0;
  std::vector<LandlockPathGrant> paths;
  std::vector<LandlockNetGrant> ports;
  std::vector<std::string> degraded; // one line per feature not enforced
  std::vector<Problem> refusals;
  int rulesetFd = -1; // every rule already added; -1 when nothing to restrict
  // O_PATH descriptors of the rules' paths left open (O_CLOEXEC): execve
  // closes them for free, where 24 close() calls for std.strict cost about
  // 25 us here. Only while the descriptor numbers stay well below the
  // open-files limit (rlimits apply before the ruleset is built), and at
  // most kKeptPathFds. closeLandlockPlan() closes them.
  std::vector<int> pathFds;
  rlim_t openFilesLimit = 0; // RLIMIT_NOFILE's soft limit when the paths were opened
};
inline constexpr size_t kKeptPathFds = 64;

// Probes the kernel's Landlock ABI, masks the policy to it (refusing, or
// with `bestEffort` degrading, when rights are missing), resolves ${VARS},
// opens each path (skipping missing ones) and builds the ruleset. Touches
// nothing about the current process; a dry run can simply report.
// With `buildRuleset` false only the ABI and ${VAR} checks run (a real
// run with a mount namespace builds the ruleset there, see Main.cpp).
LandlockPlan planLandlock(const runtime::LandlockPolicy &policy, bool bestEffort,
                          bool buildRuleset = true);

// Closes the plan's ruleset and path descriptors (a plan made before the mount namespace is
// replaced by one made inside it: rules attach to inodes, and /tmp, /proc
// and /dev are new file systems there).
void closeLandlockPlan(LandlockPlan &plan);

// landlock_restrict_self on the planned ruleset. NO_NEW_PRIVS must be set.
void restrictLandlock(LandlockPlan &plan);

// "read_file,read_dir": the names of the rights of one kind in `mask`.
std::string rightNames(runtime::landlock::Kind kind, uint64_t mask);

} // namespace kavach::launch

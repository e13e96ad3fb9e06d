// Step: the seccomp filter. Planning picks and checks the program for this
// arch; installing is the last thing before execve.
#pragma once

#include "launcher/Command.h"
#include "launcher/Die.h"
#include "launcher/Feature.h"
#include "runtime/Policy.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kavach::launch {

struct SeccompPlan {
  FeatureStatus status = FeatureStatus::NotInPolicy;
  const char *archName = "";
  const runtime::SeccompProgram *program = nullptr; // set when it will be installed
  size_t insnCount = 0;      // of this arch's program, also when not installed
  std::string execveVerdict; // what the filter answers to our execve, e.g. "allow"
  std::vector<std::string> degraded;
  std::vector<Problem> refusals;
};

// Finds the program whose auditArch is the running arch (refused if there is
// none), checks it as the kernel would, runs it on the execve the Exec step
// will make (refused unless that is allowed: the command could never start),
// and probes that the kernel has seccomp filters (refused, or degraded with
// `bestEffort`). `policy` must outlive the plan.
SeccompPlan planSeccomp(const runtime::Policy &policy, bool bestEffort, const Command &command,
                        char **envp);

// seccomp(SECCOMP_SET_MODE_FILTER). NO_NEW_PRIVS must be set.
void installSeccomp(const SeccompPlan &plan, bool bestEffort);

} // namespace kavach::launch

// --verify: apply the policy as for a real run, then re-execute this binary
// inside the sandbox as the checker, which reports what it observes from
// there and exits 1 when something the policy asks for is missing.
#pragma once

#include "launcher/Cgroups.h"
#include "launcher/Command.h"
#include "launcher/Process.h"
#include "runtime/Policy.h"

#include <string>
#include <vector>

namespace kavach::launch {

// True when argv is the checker's (`kavach-launch --verify-inside ...`).
bool isVerifyInside(int argc, char **argv);

// The checker: runs every check listed in argv, prints the report, exits
// 0 (all observed) or 1.
[[noreturn]] void runVerifyInside(int argc, char **argv);

// The command --verify runs instead of one from the user: this binary with
// the expectations the policy implies. Also grants this binary `execute`
// in the policy's Landlock part (that one exec is the only thing added;
// the report says so). `storage` keeps the argument strings alive.
Command verifierCommand(runtime::Policy &policy, const ProcessPlan &process, bool json,
                        std::vector<std::string> &storage, std::vector<char *> &argv);

// After the cgroup is created and wall_time armed (supervised mode): adds
// the checks only the launcher can set up, each with a read-only descriptor
// the checker inherits: every cgroup limit file as written and
// cgroup.procs (membership), and the supervisor's wall_time timer.
void addSupervisionChecks(const ProcessPlan &process, const runtime::ProcessPolicy &policy,
                          const Cgroup &cgroup, std::vector<std::string> &storage,
                          std::vector<char *> &argv, Command &command);

// argv (and command.argv) pointing at `storage`'s strings, NULL-terminated.
void rebuildArgv(std::vector<std::string> &storage, std::vector<char *> &argv, Command &command);

} // namespace kavach::launch

// The dry-run report and the real run's go/no-go. Both read the same plans,
// so what --dry-run says is what a real run does: the same refusals, the
// same degraded lines, the same rules (which were already added to a real
// ruleset by the Landlock step; only restrict_self did not happen).
//
// The report is line-oriented for grep and FileCheck: a "<feature>:
// <status>: <why>" line per feature, indented detail lines under it, and a
// final "result:" line.
#include "launcher/Report.h"

#include "launcher/Die.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kavach::launch {

namespace ll = runtime::landlock;

namespace {

void printProblem(const Problem &problem) {
  std::printf("  refused: %s", problem.what.c_str());
  if (problem.err != 0)
    std::printf(": %s", std::strerror(problem.err));
  std::printf("\n");
  if (!problem.hint.empty())
    std::printf("  hint: %s\n", problem.hint.c_str());
}

void printLandlock(const LandlockPlan &plan) {
  std::printf("landlock: %s", statusName(plan.status));
  if (plan.status == FeatureStatus::NotInPolicy) {
    std::printf("\n");
    return;
  }
  if (plan.kernelAbi > 0)
    std::printf(": kernel ABI %d, policy needs ABI %d\n", plan.kernelAbi, plan.neededAbi);
  else if (plan.probeErrno != 0)
    std::printf(": kernel has no landlock (%s), policy needs ABI %d\n",
                std::strerror(plan.probeErrno), plan.neededAbi);
  else
    std::printf("\n");
  if (plan.handledFs)
    std::printf("  handled fs: %s\n", rightNames(ll::Kind::Fs, plan.handledFs).c_str());
  if (plan.handledNet)
    std::printf("  handled net: %s\n", rightNames(ll::Kind::Net, plan.handledNet).c_str());
  if (plan.scoped)
    std::printf("  scoped: %s\n", rightNames(ll::Kind::Scope, plan.scoped).c_str());
  for (const LandlockPathGrant &grant : plan.paths) {
    std::printf("  path '%s'", grant.path.c_str());
    if (!grant.rule.empty() && grant.rule != grant.path)
      std::printf(" (from '%s')", grant.rule.c_str());
    if (!grant.origin.empty())
      std::printf(" (%s)", grant.origin.c_str());
    std::printf(": %s: ", rightNames(ll::Kind::Fs, grant.access).c_str());
    if (!grant.skipped.empty())
      std::printf("%s\n", grant.skipped.c_str());
    else
      std::printf("%s\n", grant.isDir ? "directory" : "file");
  }
  for (const LandlockNetGrant &grant : plan.ports) {
    std::printf("  port %llu: %s", static_cast<unsigned long long>(grant.port),
                rightNames(ll::Kind::Net, grant.access).c_str());
    if (!grant.skipped.empty())
      std::printf(": %s", grant.skipped.c_str());
    std::printf("\n");
  }
  for (const std::string &line : plan.degraded)
    std::printf("  degraded: %s\n", line.c_str());
  for (const Problem &problem : plan.refusals)
    printProblem(problem);
}

void printSeccomp(const SeccompPlan &plan) {
  std::printf("seccomp: %s", statusName(plan.status));
  if (plan.status == FeatureStatus::NotInPolicy) {
    std::printf("\n");
    return;
  }
  if (plan.insnCount > 0) {
    std::printf(": program for %s, %zu instructions", plan.archName, plan.insnCount);
    if (!plan.execveVerdict.empty())
      std::printf(", execve -> %s", plan.execveVerdict.c_str());
  }
  std::printf("\n");
  for (const std::string &line : plan.degraded)
    std::printf("  degraded: %s\n", line.c_str());
  for (const Problem &problem : plan.refusals)
    printProblem(problem);
}

void printProcess(const ProcessPlan &plan) {
  std::printf("process: %s\n", statusName(plan.status));
  if (plan.status == FeatureStatus::NotInPolicy)
    return;
  for (const std::string &line : plan.details)
    std::printf("  %s\n", line.c_str());
  for (const std::string &line : plan.degraded)
    std::printf("  degraded: %s\n", line.c_str());
  for (const Problem &problem : plan.refusals)
    printProblem(problem);
}

} // namespace

int printDryRun(const char *policyPath, const runtime::Policy &policy, const Command &command,
                const ProcessPlan &process, const LandlockPlan &landlock,
                const SeccompPlan &seccomp) {
  std::printf("policy: '%s' from '%s'", policy.name.c_str(), policyPath);
  if (!policy.compilerVersion.empty())
    std::printf(" (compiled by %s)", policy.compilerVersion.c_str());
  if (command.path.empty())
    std::printf("\ncommand: none given\n");
  else
    std::printf("\ncommand: '%s'\n", command.path.c_str());
  printProcess(process);
  const runtime::ProcessPolicy &pp = policy.process;
  if (pp.hasGuards())
    std::printf("guards: checked before exec (advisory; the sandbox is the boundary): %zu "
                "blocked command patterns, %zu allowed names, %zu sensitive paths, %zu shells "
                "with %zu injection patterns\n",
                pp.guardBlock.size(), pp.guardAllow.size(), pp.guardPaths.size(),
                pp.guardShells.size(), pp.guardPatterns.size());
  printLandlock(landlock);
  printSeccomp(seccomp);
  bool refused = process.status == FeatureStatus::Refused ||
                 landlock.status == FeatureStatus::Refused ||
                 seccomp.status == FeatureStatus::Refused;
  if (refused)
    std::printf("result: refused, exit %d; nothing was run\n", kExitSetup);
  else if (command.path.empty())
    std::printf("result: would run; nothing was run (dry run)\n");
  else
    std::printf("result: would run '%s'; nothing was run (dry run)\n", command.path.c_str());
  // A report nobody could read (stdout closed, disk full) must not look
  // like a successful dry run.
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    die(kExitSetup, errno, "cannot write the dry-run report to stdout");
  return refused ? kExitSetup : 0;
}

void acceptPlans(const ProcessPlan &process, const LandlockPlan &landlock,
                 const SeccompPlan &seccomp) {
  if (!process.refusals.empty())
    dieWith(process.refusals.front());
  if (!landlock.refusals.empty())
    dieWith(landlock.refusals.front());
  if (!seccomp.refusals.empty())
    dieWith(seccomp.refusals.front());
  for (const std::string &line : process.degraded)
    warn("degraded: %s", line.c_str());
  for (const std::string &line : landlock.degraded)
    warn("degraded: %s", line.c_str());
  for (const std::string &line : seccomp.degraded)
    warn("degraded: %s", line.c_str());
}

void acceptLandlockReplan(const LandlockPlan &landlock) {
  if (!landlock.refusals.empty())
    dieWith(landlock.refusals.front());
}

} // namespace kavach::launch

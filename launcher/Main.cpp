// kavach-launch: applies a compiled policy.bin to itself and execs the
// command in place.
//
// Design. main() is the list of steps, in order; each step either succeeds
// or dies with a message and exit 125 (126/127 for a command that cannot be
// executed or does not exist, as env(1) does). Nothing is decided here that
// kavachc already decided: the seccomp filter is precompiled BPF, the
// Landlock masks are final, the process part lists exactly what to set up;
// the launcher only adapts them to the running kernel and caller. Order:
//   1. parse the command line;
//   2. read and verify policy.bin: a file that fails any check stops
//      everything before the command could run;
//   3. resolve the command on PATH now, while every directory is still
//      visible, so "not found" is 127 and not a Landlock EACCES; check it
//      against the command allowlist and the argv guards; compute the
//      command's environment;
//   4. plan: the process part (namespaces, run mode, cgroups, identity,
//      capabilities: probes only), Landlock (ABI, masks, ${VARS}, paths,
//      the ruleset), seccomp (the program, checked, run on the execve of
//      the last step);
//   5. --dry-run stops here and reports; otherwise any refusal dies and
//      each degraded feature is warned about;
//   6. the cgroup (created by the privileged launcher, before any
//      namespace), then the namespaces: in place, or (supervised mode) in a
//      child the parent moves into the cgroup and maps ids for, then
//      supervises; with a pid namespace the child is its pid 1 and spawns
//      the command's process (CLONE_VM | CLONE_VFORK: steps 7-12 run there);
//   7. mounts, hostname and loopback, rlimits: they need the namespaces'
//      privileges, which the capability step takes away;
//   8. with a mount namespace the Landlock ruleset is built only now, inside
//      it (its rules attach to inodes: /tmp, /proc, /dev are new file
//      systems there); step 4 checked the ABI and resolved the ${VARS};
//   9. working directory, then the bounding set and KEEP_CAPS, the ids,
//      and the exact capability sets;
//  10. NO_NEW_PRIVS, before landlock_restrict_self and seccomp: both need it
//      from an unprivileged caller, and it stops setuid escapes for root;
//  11. landlock_restrict_self, then the seccomp filter LAST: the filter need
//      not allow anything the launcher does after it except execve;
//  12. execve (in place in direct mode: the command keeps the pid and the
//      exit status is its own).
// docs/launcher.md has the user-facing version of this.
#include "launcher/Backend.h"
#include "launcher/Caps.h"
#include "launcher/Cgroups.h"
#include "launcher/Command.h"
#include "launcher/Commands.h"
#include "launcher/Die.h"
#include "launcher/Env.h"
#include "launcher/Exec.h"
#include "launcher/Explain.h"
#include "launcher/Guards.h"
#include "launcher/Identity.h"
#include "launcher/Landlock.h"
#include "launcher/Learn.h"
#include "launcher/Limits.h"
#include "launcher/Mounts.h"
#include "launcher/Namespaces.h"
#include "launcher/NoNewPrivs.h"
#include "launcher/OciInner.h"
#include "launcher/Options.h"
#include "launcher/PolicyLoad.h"
#include "launcher/Process.h"
#include "launcher/Report.h"
#include "launcher/Seccomp.h"
#include "launcher/Supervisor.h"
#include "launcher/Terminal.h"
#include "launcher/Verify.h"

#include <unistd.h>

using namespace kavach;
using namespace kavach::launch;

int main(int argc, char **argv) {
  if (isVerifyInside(argc, argv))
    runVerifyInside(argc, argv); // --verify's checker, already inside the sandbox
  Options options = parseOptions(argc, argv);
  if (options.learnPath)
    return runLearn(options); // records the command and writes a policy (docs/learn.md)
  runtime::Policy policy = loadPolicy(options.policyPath, options.signerKeyPath);
  if (options.explain)
    return printExplanation(options.policyPath, policy);
  if (options.insideOci)
    keepInnerParts(policy); // the container runtime applied the rest (OciInner.cpp)
  else
    runOnBackend(options, policy); // oci, gvisor, noop: never returns (Backend.cpp)
  bool bestEffort = options.bestEffort;
  ProcessPlan process = planProcess(policy.process, bestEffort);
  std::vector<std::string> verifierArgs;
  std::vector<char *> verifierArgv;
  Command command = options.verify ? verifierCommand(policy, process, options.json, verifierArgs,
                                                     verifierArgv)
                                   : resolveCommand(options.command);
  if (!options.verify) {
    checkCommandAllowed(policy.process, command);
    checkGuards(policy.process, command);
  }
  Environment env = buildEnvironment(policy.process, environ);

  // With a mount namespace a real run builds the ruleset only inside it.
  bool landlockLater = !options.dryRun && (process.namespaces & runtime::kNsMount);
  LandlockPlan landlock =
      planLandlock(policy.landlock, bestEffort || policy.landlock.bestEffort, !landlockLater);
  SeccompPlan seccomp =
      planSeccomp(policy, bestEffort || policy.seccompBestEffort, command, env.envp());
  if (options.dryRun)
    return printDryRun(options.policyPath, policy, command, process, landlock, seccomp);
  acceptPlans(process, landlock, seccomp);

  Cgroup cgroup = createCgroup(process.cgroups, policy.process);
  armWallTime(process);
  if (options.verify)
    addSupervisionChecks(process, policy.process, cgroup, verifierArgs, verifierArgv, command);
  enterNamespaces(process, cgroup, bestEffort); // supervised mode: only the child returns
  // The rest runs in the command's process: with a pid namespace that is a
  // child of the pid-1 init (becomeInit), otherwise this process.
  auto setUpAndExec = [&]() {
    detachTerminal(process); // before the mounts: /dev/tty is still the host's
    setupMounts(process);
    if (process.namespaces & runtime::kNsMount)
      checkCommandVisible(command);
    setupHostnameAndNetwork(process);
    applyRlimits(process, bestEffort);
    if (landlockLater) {
      closeLandlockPlan(landlock);
      landlock = planLandlock(policy.landlock, bestEffort || policy.landlock.bestEffort);
      acceptLandlockReplan(landlock);
    }

    applyWorkdir(policy.process);
    dropBoundingSet(process, bestEffort);
    applyIdentity(process);
    setCapabilities(process, bestEffort);
    setNoNewPrivs();
    restrictLandlock(landlock);
    installSeccomp(seccomp, bestEffort || policy.seccompBestEffort);
    execCommand(command, env.envp());
  };
  becomeInit(process, setUpAndExec); // pid namespace: never returns
  setUpAndExec();
}

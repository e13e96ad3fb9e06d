// kavach-launch: applies a compiled policy.bin to itself and execs the
// command in place.
//
// Design. main() is the list of steps, in order; each step either succeeds
// or dies with a message and exit 125 (126/127 for a command that cannot be
// executed or does not exist, as env(1) does). Nothing is decided here that
// kavachc already decided: the seccomp filter is precompiled BPF and the
// Landlock masks are final; the launcher only adapts them to the running
// kernel. The order is forced:
//   1. parse the command line;
//   2. read and verify policy.bin: a file that fails any check stops
//      everything before the command could run;
//   3. resolve the command on PATH now, while every directory is still
//      visible, so "not found" is 127 and not a Landlock EACCES;
//   4. plan Landlock: probe the ABI, mask to it (fail closed unless best
//      effort), resolve ${HOME} ${PWD} ${TMPDIR} ${UID}, open the paths
//      (missing ones are skipped: that only grants less) and build the
//      ruleset, interpreters of single-file execute grants included;
//   5. plan seccomp: the program for this arch, checked, and run on the
//      execve of step 9 so a filter that forbids it is refused up front;
//   6. --dry-run stops here and reports; otherwise any refusal dies and
//      each degraded feature is warned about;
//   7. NO_NEW_PRIVS, before landlock_restrict_self and seccomp: both need it
//      from an unprivileged caller, and it stops setuid escapes for root;
//   8. landlock_restrict_self, then the seccomp filter LAST: the filter need
//      not allow anything the launcher does after it except execve;
//   9. execve in place (no fork): the command keeps the pid and the exit
//      status is its own.
// docs/launcher.md has the user-facing version of this.
#include "launcher/Command.h"
#include "launcher/Die.h"
#include "launcher/Exec.h"
#include "launcher/Landlock.h"
#include "launcher/NoNewPrivs.h"
#include "launcher/Options.h"
#include "launcher/PolicyLoad.h"
#include "launcher/Report.h"
#include "launcher/Seccomp.h"

#include <unistd.h>

using namespace kavach;
using namespace kavach::launch;

int main(int argc, char **argv) {
  Options options = parseOptions(argc, argv);
  runtime::Policy policy = loadPolicy(options.policyPath, options.signerKeyPath);
  Command command = resolveCommand(options.command);

  LandlockPlan landlock =
      planLandlock(policy.landlock, options.bestEffort || policy.landlock.bestEffort);
  SeccompPlan seccomp =
      planSeccomp(policy, options.bestEffort || policy.seccompBestEffort, command, environ);
  if (options.dryRun)
    return printDryRun(options.policyPath, policy, command, landlock, seccomp);
  acceptPlans(landlock, seccomp);

  setNoNewPrivs();
  restrictLandlock(landlock);
  installSeccomp(seccomp, options.bestEffort || policy.seccompBestEffort);
  execCommand(command, environ);
}

// Turning plans into output: the --dry-run report, or, for a real run, the
// warnings for degraded features and the refusal that stops the launch.
#pragma once

#include "launcher/Command.h"
#include "launcher/Landlock.h"
#include "launcher/Process.h"
#include "launcher/Seccomp.h"
#include "runtime/Policy.h"

namespace kavach::launch {

// Prints, on stdout, per feature "enforced" / "degraded" / "refused" and why
// for this kernel. Returns the exit code: 0, or 125 if anything is refused.
int printDryRun(const char *policyPath, const runtime::Policy &policy, const Command &command,
                const ProcessPlan &process, const LandlockPlan &landlock,
                const SeccompPlan &seccomp);

// For a real run: dies (125) with the first refusal, otherwise prints one
// "degraded: ..." warning per feature that will not be enforced.
void acceptPlans(const ProcessPlan &process, const LandlockPlan &landlock,
                 const SeccompPlan &seccomp);

// For the Landlock plan made again inside a mount namespace: dies with its
// first refusal; its degraded lines were already printed for the first plan.
void acceptLandlockReplan(const LandlockPlan &landlock);

} // namespace kavach::launch

// IR → runtime::ProcessPolicy (the Process section of policy.bin).
#pragma once

#include "compiler/Sema/PolicyIR.h"
#include "runtime/Policy.h"

namespace kavach::process {

// Lowers the process part. Implied namespaces are added here, so the
// launcher never has to infer them: `hostname` needs uts, `rootfs
// read_only` needs mount, and `network none` is an empty net namespace
// (plus no Landlock TCP rights, which the Landlock backend emits). Present
// iff the policy has any process section or `network none`.
runtime::ProcessPolicy lowerProcess(const ir::PolicyIR &IR);

// `commands { allow ...; }` also limits what the sandbox may execute later:
// Landlock handles `execute` (adding a Landlock part if the policy has
// none), every other rule loses it, and each allowed command gets
// `execute` (+ `read_file` where handled, for scripts). The launcher adds
// the commands' ELF and #! interpreters, as for any single-file grant.
void restrictExecute(runtime::LandlockPolicy &LL, const runtime::ProcessPolicy &P);

} // namespace kavach::process

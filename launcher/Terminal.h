// Step: `terminal detach;` — the command gives up the controlling terminal.
#pragma once

#include "launcher/Process.h"

namespace kavach::launch {

// The controlling terminal, opened (O_CLOEXEC) for detachTerminal. -1 with
// `err` 0: there is none; -1 with `err` set: it cannot tell (the caller
// fails closed).
int openControllingTerminal(int &err);

// With plan.ttyFd open: TIOCNOTTY on the controlling terminal, so the
// command cannot inject input into it (TIOCSTI needs it to be the caller's
// controlling terminal) nor open /dev/tty. It stays in its process group,
// so the terminal's Ctrl-C still reaches it. Must not run in a session
// leader (it would hang up the session): planProcess supervises then.
// Dies on failure.
void detachTerminal(const ProcessPlan &plan);

} // namespace kavach::launch

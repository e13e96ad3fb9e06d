// Step: `terminal detach;` — the command gives up the controlling terminal.
#pragma once

#include "launcher/Process.h"

namespace kavach::launch {

// Whether this process has a controlling terminal. False with `err` 0: it
// has none; false with `err` set: it cannot tell (the caller fails closed).
bool hasControllingTerminal(int &err);

// With plan.detachTerminal: TIOCNOTTY on the controlling terminal, so the
// command cannot inject input into it (TIOCSTI needs it to be the caller's
// controlling terminal) nor open /dev/tty. It stays in its process group,
// so the terminal's Ctrl-C still reaches it. Must not run in a session
// leader (it would hang up the session): planProcess supervises then.
// Dies on failure.
void detachTerminal(const ProcessPlan &plan);

} // namespace kavach::launch

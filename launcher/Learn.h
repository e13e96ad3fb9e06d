// kavach-launch --learn OUT.kv -- CMD [ARGS...]: run CMD with every syscall
// allowed but recorded, then have kavachc write the policy it needs.
#pragma once

#include "launcher/Options.h"

namespace kavach::launch {

// Runs the command under a recording filter (SECCOMP_RET_USER_NOTIF for
// every call, answered with SECCOMP_USER_NOTIF_FLAG_CONTINUE), writes the
// raw trace to OUT.kv.trace, then runs `kavachc --learn-write` on it to
// write OUT.kv. Returns the command's exit status (128+N for a signal);
// dies with 125 if recording is impossible or the policy cannot be written.
int runLearn(const Options &options);

} // namespace kavach::launch

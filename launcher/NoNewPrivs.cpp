// NO_NEW_PRIVS, set unconditionally before Landlock and seccomp. Both
// landlock_restrict_self and SECCOMP_SET_MODE_FILTER require it from a
// caller without CAP_SYS_ADMIN, and even for root it is what makes the
// sandbox hold: without it a setuid-root binary run inside could gain
// privileges the policy never considered. It is inherited across execve
// and cannot be unset.
#include "launcher/NoNewPrivs.h"

#include "launcher/Die.h"

#include <cerrno>
#include <sys/prctl.h>

namespace kavach::launch {

void setNoNewPrivs() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    die(kExitSetup, errno, "cannot set no_new_privs");
}

} // namespace kavach::launch

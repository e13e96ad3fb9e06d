// The last step: execve in place, no fork, so the sandboxed command gets the
// launcher's pid, its signals and its exit status, with no supervisor left
// around. Landlock and seccomp are already in force here: a failure now is
// most likely the policy itself (Landlock denying execute on the command or
// its interpreter, the filter denying execve), and the hints say so. The
// error path needs only write and exit_group (see Die.cpp).
#include "launcher/Exec.h"

#include "launcher/Die.h"

#include <cerrno>
#include <unistd.h>

namespace kavach::launch {

void execCommand(const Command &command, char **envp) {
  execve(command.path.c_str(), command.argv, envp);
  int err = errno;
  Problem problem{strFormat("cannot execute '%s'", command.path.c_str()), err, ""};
  switch (err) {
  case EACCES:
    problem.hint = "the policy's landlock rules may not grant 'execute' on it or on its "
                   "interpreter; see --dry-run";
    break;
  case EPERM:
    problem.hint = "the policy's seccomp filter may deny execve";
    break;
  case ENOENT:
    problem.hint = "the file was found earlier: its interpreter (#! line or ELF "
                   "interpreter) may be missing";
    break;
  default:
    break;
  }
  dieWith(problem, err == ENOENT || err == ENOTDIR ? kExitNotFound : kExitCannotExec);
}

} // namespace kavach::launch

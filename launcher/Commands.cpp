// The allowlist check: both sides through realpath, so symlinks and merged
// /usr cannot make a listed program look unlisted or the other way round.
// An allowed entry that does not exist on this system matches nothing.
#include "launcher/Commands.h"

#include "launcher/Die.h"

#include <climits>
#include <cstdlib>

namespace kavach::launch {

void checkCommandAllowed(const runtime::ProcessPolicy &policy, const Command &command) {
  if (policy.commands.empty() || command.path.empty())
    return;
  char resolved[PATH_MAX];
  if (!realpath(command.path.c_str(), resolved))
    die(kExitSetup, errno, "commands: cannot resolve '%s'", command.path.c_str());
  for (const std::string &allowed : policy.commands) {
    char other[PATH_MAX];
    if (realpath(allowed.c_str(), other) && std::string(other) == resolved)
      return;
  }
  Problem problem{strFormat("commands: '%s' (%s) is not in the policy's command allowlist",
                            command.path.c_str(), resolved),
                  0, ""};
  std::string list;
  for (const std::string &allowed : policy.commands)
    list += (list.empty() ? "" : ", ") + allowed;
  problem.hint = "allowed: " + list;
  dieWith(problem);
}

} // namespace kavach::launch

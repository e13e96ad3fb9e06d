// Step: execve the command in place.
#pragma once

#include "launcher/Command.h"

namespace kavach::launch {

// execve(command.path, command.argv, envp). Returns only to die: 127 for
// ENOENT/ENOTDIR, 126 for anything else (EACCES, EPERM, ENOEXEC, ...).
[[noreturn]] void execCommand(const Command &command, char **envp);

} // namespace kavach::launch

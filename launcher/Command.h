// Step: find the command the way execvp would.
#pragma once

#include <string>

namespace kavach::launch {

struct Command {
  std::string path;      // what execve gets; empty: no command (dry run only)
  char **argv = nullptr; // argv[0] stays as the user typed it, like execvp
};

// A name containing '/' is used as is; otherwise each PATH entry is tried
// (PATH unset: "/usr/local/bin:/usr/bin:/bin"). Dies with 127 when nothing
// is found, 126 when only a directory or a non-executable file is. A NULL
// `argv` (a dry run without a command) gives an empty Command.
Command resolveCommand(char **argv);

// After the mounts of a mount namespace: an absolute command path that
// resolved on the host but is gone now (under the fresh tmpfs /tmp or the
// minimal /dev) dies with 127 and says why, instead of execve's bare
// ENOENT after everything else was applied.
void checkCommandVisible(const Command &command);

} // namespace kavach::launch

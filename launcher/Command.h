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

} // namespace kavach::launch

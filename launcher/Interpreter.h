// What else the kernel opens to execute a file: its ELF interpreter or its
// `#!` interpreter.
#pragma once

#include <string>
#include <vector>

namespace kavach::launch {

struct Interpreter {
  std::string path;      // absolute
  std::string of;        // the file that names it
  const char *kind = ""; // "ELF interpreter" or "#! interpreter"
};

// Follows `path` the way execve would: a `#!` line names an interpreter,
// an ELF file's PT_INTERP names the dynamic loader, and each of those is
// followed in turn, at most a few levels deep. Unreadable or malformed
// files, relative interpreters and anything oversized give nothing.
std::vector<Interpreter> findInterpreters(const std::string &path);

} // namespace kavach::launch

// The raw trace `kavach-launch --learn` records (docs/learn.md#trace): what
// one run of a command did, in numbers. kavachc --learn-write turns it into
// a policy (LearnMode.cpp); the filesystem part is LearnPaths.cpp.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kavach::driver::learn {

struct Call {
  uint32_t arch = 0; // AUDIT_ARCH_*
  int32_t nr = 0;
  std::optional<uint64_t> args[6]; // only the arguments the launcher kept
};

struct PathUse {
  char right = 'r'; // r read, w write, x execute, d add/remove entries (a directory)
  std::string path; // absolute, as the process named it (symlinks not resolved)
  std::string cwd;  // the working directory of the run that used it
};

struct PortUse {
  bool bind = false; // else connect
  uint16_t port = 0;
};

// One run, or several merged (kavachc --learn-write A.trace B.trace ...).
struct Trace {
  std::vector<std::vector<std::string>> commands; // argv of each run
  std::string cwd;                                // of the first run
  std::vector<Call> calls;
  std::vector<PathUse> paths;
  std::vector<PortUse> ports;
};

// Parses one trace file and appends it to `Into`.
llvm::Error parseTrace(llvm::StringRef Text, Trace &Into);

// A grant the learned policy makes, or an access it deliberately leaves out.
struct FsGrant {
  std::string verb; // read, read_write, execute
  std::string path;
};
struct Skipped {
  std::string what; // e.g. "read /etc/shadow"
  std::string why;
};

// The base policy's grants, as it would resolve them at launch here.
struct BaseGrant {
  std::string verb;
  std::string path; // real path
};

// Filesystem grants for the uses `Base` does not already cover, collapsed to
// directories where that is safe (LearnPaths.cpp).
void learnPaths(const Trace &T, const std::vector<BaseGrant> &Base, std::vector<FsGrant> &Out,
                std::vector<Skipped> &Skip);

// ${TMPDIR}, ${HOME}, ${PWD} (= the trace's cwd) substituted, symlinks
// resolved as far as the path exists; "" for an unknown ${VAR}.
std::string resolveForLearning(const std::string &Path, const Trace &T);

} // namespace kavach::driver::learn

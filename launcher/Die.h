// How kavach-launch stops: one error line (plus an optional hint line) on
// stderr and an exit code that tells the caller whether the command ran.
#pragma once

#include <string>

namespace kavach::launch {

// Exit codes, as env(1), nohup(1) and container runtimes use them.
inline constexpr int kExitSetup = 125;      // refused or failed before exec
inline constexpr int kExitCannotExec = 126; // the command exists but cannot run
inline constexpr int kExitNotFound = 127;   // the command does not exist

// Something that stops the launch: `what` is the error line, `err` an errno
// (0: none) appended as ": <strerror>", `hint` an optional second line.
struct Problem {
  std::string what;
  int err = 0;
  std::string hint;
};

// printf into a std::string.
std::string strFormat(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// "kavach-launch: error: <what>[: <strerror(err)>]" then exit(exitCode).
[[noreturn]] void die(int exitCode, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// The same for a Problem, followed by its "kavach-launch: hint: …" line.
[[noreturn]] void dieWith(const Problem &problem, int exitCode = kExitSetup);

// From now on die() and dieWith() end the process with _exit(): for a
// process that shares its parent's memory (becomeInit), where exit()
// would run the parent's static destructors.
void exitWithoutCleanup();

// "kavach-launch: warning: <message>" (degraded enforcement and the like).
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace kavach::launch

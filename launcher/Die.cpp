// Error reporting for kavach-launch. Everything goes to stderr with stdio
// (stderr is unbuffered, so each line is one write(2) and nothing is lost
// when exit follows). die() may run after the seccomp filter is installed,
// when only execve has failed: it then needs nothing but write and
// exit_group, and if the filter denies even those the process still stops,
// only less politely.
#include "launcher/Die.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace kavach::launch {

namespace {

constexpr const char *kTool = "kavach-launch";
bool gNoCleanup = false;

[[noreturn]] void finish(int exitCode) {
  if (gNoCleanup)
    _exit(exitCode);
  std::exit(exitCode);
}

void printLine(const char *severity, const char *message, int err) {
  if (err != 0)
    std::fprintf(stderr, "%s: %s: %s: %s\n", kTool, severity, message, std::strerror(err));
  else
    std::fprintf(stderr, "%s: %s: %s\n", kTool, severity, message);
}

std::string vformat(const char *fmt, va_list args) {
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0)
    return std::string();
  std::string out(static_cast<size_t>(n), '\0');
  std::vsnprintf(out.data(), out.size() + 1, fmt, args);
  return out;
}

} // namespace

std::string strFormat(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string out = vformat(fmt, args);
  va_end(args);
  return out;
}

void die(int exitCode, int err, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string message = vformat(fmt, args);
  va_end(args);
  printLine("error", message.c_str(), err);
  finish(exitCode);
}

void dieWith(const Problem &problem, int exitCode) {
  printLine("error", problem.what.c_str(), problem.err);
  if (!problem.hint.empty())
    printLine("hint", problem.hint.c_str(), 0);
  finish(exitCode);
}

void exitWithoutCleanup() { gNoCleanup = true; }

void warn(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string message = vformat(fmt, args);
  va_end(args);
  printLine("warning", message.c_str(), 0);
}

} // namespace kavach::launch

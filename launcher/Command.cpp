// PATH lookup, done before Landlock is applied: once the ruleset is in force
// the directories on PATH may no longer be searchable, and the launcher wants
// to report "not found" (127) or "not executable" (126) itself, with the
// same meaning execvp gives them, instead of a confusing EACCES from inside
// the sandbox.
//
// Like glibc's execvp: an empty PATH entry means the current directory; a
// candidate that exists but is a directory or lacks execute permission is
// remembered and the search goes on; if only such candidates were found the
// result is 126 with the first one's reason, otherwise 127. Unlike execvp
// there is no fallback to /bin/sh for ENOEXEC files: scripts need a `#!`
// line. The check uses faccessat(AT_EACCESS), the permission execve will
// use; the final word is still execve's, in the Exec step.
#include "launcher/Command.h"

#include "launcher/Die.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

constexpr const char *kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// 0 when `path` can be executed; otherwise the errno execve would most
// likely give (ENOENT, EACCES, EISDIR standing in for "a directory", ...).
int checkCandidate(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    return errno;
  if (S_ISDIR(st.st_mode))
    return EISDIR;
  if (!S_ISREG(st.st_mode))
    return EACCES;
  if (faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) != 0)
    return errno;
  return 0;
}

bool isMissing(int err) { return err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG; }

[[noreturn]] void dieFor(const char *name, const std::string &path, int err) {
  if (isMissing(err))
    die(kExitNotFound, err, "command '%s' not found", name);
  die(kExitCannotExec, err, "cannot execute '%s'", path.c_str());
}

} // namespace

Command resolveCommand(char **argv) {
  if (!argv)
    return Command{};
  const char *name = argv[0];
  if (name[0] == '\0')
    die(kExitNotFound, ENOENT, "command '' not found");

  if (std::strchr(name, '/')) {
    int err = checkCandidate(name);
    if (err != 0)
      dieFor(name, name, err);
    return Command{name, argv};
  }

  const char *pathVar = std::getenv("PATH");
  std::string searchPath = pathVar ? pathVar : kDefaultPath;
  std::string deniedPath;
  int deniedErr = 0;
  size_t start = 0;
  while (true) {
    size_t end = searchPath.find(':', start);
    std::string dir = searchPath.substr(start, end == std::string::npos ? end : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    int err = candidate.size() < PATH_MAX ? checkCandidate(candidate) : ENAMETOOLONG;
    if (err == 0)
      return Command{candidate, argv};
    // Keep searching past a denied candidate, as execvp does (EACCES), but
    // remember it: if nothing better turns up, it decides the exit code.
    if (!isMissing(err) && deniedErr == 0) {
      deniedErr = err;
      deniedPath = candidate;
    }
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  if (deniedErr != 0)
    dieFor(name, deniedPath, deniedErr);
  Problem problem;
  problem.what = strFormat("command '%s' not found", name);
  problem.err = ENOENT;
  problem.hint = strFormat("searched PATH=%s%s", searchPath.c_str(),
                           pathVar ? "" : " (PATH is unset; this is the default)");
  dieWith(problem, kExitNotFound);
}

void checkCommandVisible(const Command &command) {
  if (command.path.empty() || command.path[0] != '/')
    return; // relative: resolved against the working directory set later
  struct stat st;
  if (stat(command.path.c_str(), &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
    return;
  Problem problem;
  problem.what = strFormat("command '%s' is not visible inside the sandbox's mount namespace",
                           command.path.c_str());
  problem.err = ENOENT;
  bool underTmp = command.path.rfind("/tmp/", 0) == 0;
  bool underDev = command.path.rfind("/dev/", 0) == 0;
  problem.hint = underTmp   ? "the sandbox's /tmp is a fresh tmpfs: install the command elsewhere, "
                              "or keep the host's /tmp with 'rootfs { tmp host; }'"
                 : underDev ? "the sandbox's /dev is a minimal one: keep the host's with "
                              "'rootfs { dev host; }'"
                            : "a mount set up for the sandbox hides it";
  dieWith(problem, kExitNotFound);
}

} // namespace kavach::launch

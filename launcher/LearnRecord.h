// --learn's recorder: turns each seccomp user notification into lines of the
// raw trace that `kavachc --learn-write` turns into a policy. The launcher
// has no syscall-name tables, so the trace holds numbers (per AUDIT_ARCH);
// docs/learn.md describes the format.
#pragma once

#include <linux/seccomp.h>
#include <array>
#include <cstdint>
#include <set>
#include <string>

namespace kavach::launch {

class LearnRecorder {
public:
  // Records what `req` shows: the call (arch, number, the arguments the
  // stdlib's argument rules look at), the files it names with the rights
  // they need, the TCP port of a bind/connect. `listener` is the notify fd,
  // used to check that memory read from the process still belongs to the
  // call (SECCOMP_IOCTL_NOTIF_ID_VALID).
  void record(const struct seccomp_notif &req, int listener);

  // Writes the trace (header, the run's context, then the sorted, unique
  // records) to `path`; false with errno set on failure.
  bool write(const char *path, char **argv) const;

private:
  void recordPaths(const struct seccomp_notif &req, int listener);
  void recordEntry(const std::string &path);
  void recordPort(const struct seccomp_notif &req, int listener);
  std::set<std::string> lines;
  // (arch, nr, kept args) already written as a `call` line: the common case
  // (the millionth read) costs one lookup, no formatting.
  std::set<std::array<uint64_t, 8>> callsSeen;
};

} // namespace kavach::launch

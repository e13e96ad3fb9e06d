// --learn's recorder. Each notification becomes a few text lines, kept in a
// sorted set, so a command making a million reads leaves one `call` line.
//
// What is decoded (only for the launcher's own native arch, whose numbers
// the libc headers give as SYS_*; calls of compat arches such as i386 are
// recorded by number only):
//  - the arguments the stdlib's argument rules test (kArgsKept: socket
//    family and type, ioctl request, clone flags, mmap/mprotect prot and
//    flags, prctl option, fcntl command); every other argument is `-`;
//  - paths (kPathArgs): read from /proc/PID/mem, made absolute against the
//    dirfd (/proc/PID/fd/N) or the cwd (/proc/PID/cwd), then normalised
//    lexically; the writer resolves symlinks. A right is recorded per path:
//    r read, w write, x execute, d "creates or removes entries in this
//    directory" (Landlock checks those on the parent);
//  - TCP ports of bind/connect to AF_INET/AF_INET6 addresses (the socket's
//    protocol comes from a copy of the descriptor, pidfd_getfd).
// What it skips: memory that cannot be read (the call is still recorded),
// execveat/openat with AT_EMPTY_PATH (no path), UDP ports, socketcall.
// Reads of the process's memory race with its other threads (TOCTOU): good
// enough to learn from, never to enforce with; nothing here decides.
#include "launcher/LearnRecord.h"

#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace kavach::launch {

namespace {

#if defined(__x86_64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
constexpr uint32_t kNativeArch = AUDIT_ARCH_RISCV64;
#else
#error "kavach-launch --learn: unknown native arch"
#endif

// Which arguments of a call the trace keeps (bit i: argument i).
struct ArgsKept {
  long nr;
  unsigned mask;
};
constexpr ArgsKept kArgsKept[] = {
    {SYS_socket, 0x3},   {SYS_socketpair, 0x3}, {SYS_ioctl, 0x2},  {SYS_clone, 0x1},
    {SYS_mmap, 0xc},     {SYS_mprotect, 0x4},   {SYS_prctl, 0x1},  {SYS_fcntl, 0x2},
    {SYS_unshare, 0x1},  {SYS_personality, 0x1},
};

// How a path argument is used.
enum class Use {
  Open,   // flags in argument `flagsArg`: read and/or write, create
  Open2,  // openat2: struct open_how at `flagsArg`
  Creat,  // creat(2): write, create
  Exec,   // execve/execveat
  Write,  // truncate
  Entry,  // creates or removes the path: a right on its parent directory
};

struct PathArg {
  long nr;
  int dirfdArg; // -1: relative paths are relative to the cwd
  int pathArg;
  Use use;
  int flagsArg = -1;
};

constexpr PathArg kPathArgs[] = {
#ifdef SYS_open
    {SYS_open, -1, 0, Use::Open, 1},
#endif
    {SYS_openat, 0, 1, Use::Open, 2},
    {SYS_openat2, 0, 1, Use::Open2, 2},
#ifdef SYS_creat
    {SYS_creat, -1, 0, Use::Creat},
#endif
    {SYS_execve, -1, 0, Use::Exec},
    {SYS_execveat, 0, 1, Use::Exec},
#ifdef SYS_truncate
    {SYS_truncate, -1, 0, Use::Write},
#endif
#ifdef SYS_mkdir
    {SYS_mkdir, -1, 0, Use::Entry},
    {SYS_rmdir, -1, 0, Use::Entry},
    {SYS_unlink, -1, 0, Use::Entry},
    {SYS_mknod, -1, 0, Use::Entry},
    {SYS_rename, -1, 0, Use::Entry},
    {SYS_rename, -1, 1, Use::Entry},
    {SYS_link, -1, 1, Use::Entry},
    {SYS_symlink, -1, 1, Use::Entry},
#endif
    {SYS_mkdirat, 0, 1, Use::Entry},
    {SYS_mknodat, 0, 1, Use::Entry},
    {SYS_unlinkat, 0, 1, Use::Entry},
    {SYS_renameat, 0, 1, Use::Entry},
    {SYS_renameat, 2, 3, Use::Entry},
    {SYS_renameat2, 0, 1, Use::Entry},
    {SYS_renameat2, 2, 3, Use::Entry},
    {SYS_linkat, 2, 3, Use::Entry},
    {SYS_symlinkat, 1, 2, Use::Entry},
};

bool stillValid(int listener, uint64_t id) {
  return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

// Reads `len` bytes at `addr` of process `pid`.
bool readMemory(pid_t pid, uint64_t addr, void *buf, size_t len) {
  char name[64];
  std::snprintf(name, sizeof name, "/proc/%d/mem", pid);
  int fd = open(name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t got = pread(fd, buf, len, off_t(addr));
  close(fd);
  return got == ssize_t(len);
}

// A NUL-terminated string at `addr`, read page by page so that a path near
// the end of a mapping is still found.
bool readString(pid_t pid, uint64_t addr, std::string &out) {
  char name[64];
  std::snprintf(name, sizeof name, "/proc/%d/mem", pid);
  int fd = open(name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  out.clear();
  char buf[256];
  bool ok = false;
  while (out.size() < PATH_MAX) {
    size_t chunk = sizeof buf - (addr % sizeof buf); // never cross into an unmapped page early
    ssize_t got = pread(fd, buf, chunk, off_t(addr));
    if (got <= 0)
      break;
    const char *nul = static_cast<const char *>(std::memchr(buf, '\0', size_t(got)));
    if (nul) {
      out.append(buf, size_t(nul - buf));
      ok = true;
      break;
    }
    out.append(buf, size_t(got));
    addr += uint64_t(got);
  }
  close(fd);
  return ok;
}

std::string readLink(const char *name) {
  char buf[PATH_MAX];
  ssize_t n = readlink(name, buf, sizeof buf);
  return n > 0 && size_t(n) < sizeof buf ? std::string(buf, size_t(n)) : std::string();
}

// "/a/./b//../c" -> "/a/c" (lexical: a symlinked `..` is the writer's
// problem, it resolves links with realpath).
std::string normalise(const std::string &path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos)
      j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty())
        parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const std::string &p : parts)
    out += "/" + p;
  return out.empty() ? "/" : out;
}

// The absolute path `path` names for `pid` relative to `dirfd`; "" if
// unknown (a dirfd that is not a directory path, e.g. a socket).
std::string absolutePath(pid_t pid, int64_t dirfd, const std::string &path) {
  if (!path.empty() && path[0] == '/')
    return normalise(path);
  char name[64];
  if (dirfd == AT_FDCWD)
    std::snprintf(name, sizeof name, "/proc/%d/cwd", pid);
  else
    std::snprintf(name, sizeof name, "/proc/%d/fd/%d", pid, int(dirfd));
  std::string base = readLink(name);
  if (base.empty() || base[0] != '/')
    return "";
  return normalise(base + "/" + path);
}

std::string parentOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// Paths go last on their line; bytes that would break the line format are
// %XX-escaped (the writer undoes it).
std::string escape(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '%') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    } else {
      out += char(c);
    }
  }
  return out;
}

bool exists(const std::string &path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

} // namespace

void LearnRecorder::record(const struct seccomp_notif &req, int listener) {
  const struct seccomp_data &d = req.data;
  unsigned mask = 0;
  if (d.arch == kNativeArch)
    for (const ArgsKept &k : kArgsKept)
      if (k.nr == d.nr)
        mask = k.mask;
  std::array<uint64_t, 8> key = {d.arch, uint64_t(uint32_t(d.nr))};
  for (int i = 0; i < 6; ++i)
    key[2 + i] = mask & (1u << i) ? uint64_t(d.args[i]) : 0;
  if (callsSeen.insert(key).second) {
    char head[48];
    std::snprintf(head, sizeof head, "call 0x%x %d", d.arch, d.nr);
    std::string line = head;
    for (int i = 0; i < 6; ++i) {
      char arg[24];
      if (mask & (1u << i))
        std::snprintf(arg, sizeof arg, " 0x%" PRIx64, uint64_t(d.args[i]));
      else
        std::snprintf(arg, sizeof arg, " -");
      line += arg;
    }
    lines.insert(line);
  }
  if (d.arch != kNativeArch)
    return;
  recordPaths(req, listener);
  if (d.nr == SYS_bind || d.nr == SYS_connect)
    recordPort(req, listener);
}

void LearnRecorder::recordPaths(const struct seccomp_notif &req, int listener) {
  const struct seccomp_data &d = req.data;
  pid_t pid = pid_t(req.pid);
  for (const PathArg &p : kPathArgs) {
    if (p.nr != d.nr)
      continue;
    std::string raw;
    if (!readString(pid, d.args[p.pathArg], raw) || raw.empty())
      continue;
    int64_t dirfd = p.dirfdArg < 0 ? AT_FDCWD : int64_t(int32_t(d.args[p.dirfdArg]));
    std::string path = absolutePath(pid, dirfd, raw);
    if (path.empty() || !stillValid(listener, req.id))
      continue;
    uint64_t flags = 0;
    if (p.use == Use::Open)
      flags = d.args[p.flagsArg];
    else if (p.use == Use::Open2) {
      struct open_how how = {};
      if (!readMemory(pid, d.args[p.flagsArg], &how, sizeof how.flags))
        continue;
      flags = how.flags;
    }
    std::vector<char> rights;
    switch (p.use) {
    case Use::Open:
    case Use::Open2:
      if (flags & O_PATH)
        break; // O_PATH opens need no Landlock right
      if ((flags & O_ACCMODE) != O_WRONLY)
        rights.push_back('r');
      if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
        rights.push_back('w');
      // Landlock checks creating a file on its directory, and only when the
      // file is really created: it does not exist yet (the call has not run).
      if ((flags & O_CREAT) && !exists(path))
        recordEntry(path);
      break;
    case Use::Creat:
      rights.push_back('w');
      if (!exists(path))
        recordEntry(path);
      break;
    case Use::Exec:
      rights.push_back('x');
      break;
    case Use::Write:
      rights.push_back('w');
      break;
    case Use::Entry:
      recordEntry(path);
      break;
    }
    for (char r : rights)
      lines.insert(std::string("path ") + r + " " + escape(path));
  }
}

void LearnRecorder::recordEntry(const std::string &path) {
  lines.insert("path d " + escape(parentOf(path)));
}

void LearnRecorder::recordPort(const struct seccomp_notif &req, int listener) {
  const struct seccomp_data &d = req.data;
  pid_t pid = pid_t(req.pid);
  uint64_t len = d.args[2];
  if (len < sizeof(struct sockaddr_in))
    return;
  struct sockaddr_in6 addr = {}; // the larger of the two; the port is at the same offset
  if (!readMemory(pid, d.args[1], &addr, len < sizeof addr ? len : sizeof addr) ||
      !stillValid(listener, req.id))
    return;
  if (addr.sin6_family != AF_INET && addr.sin6_family != AF_INET6)
    return;
  // The protocol is a property of the socket, not of the call: look at a
  // copy of the descriptor.
  int pidfd = int(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0)
    return;
  int fd = int(syscall(SYS_pidfd_getfd, pidfd, int(d.args[0]), 0));
  close(pidfd);
  if (fd < 0)
    return;
  int protocol = 0;
  socklen_t optlen = sizeof protocol;
  bool tcp = getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &optlen) == 0 &&
             protocol == IPPROTO_TCP;
  close(fd);
  if (!tcp)
    return;
  char line[64];
  std::snprintf(line, sizeof line, "tcp %s %u", d.nr == SYS_bind ? "bind" : "connect",
                unsigned(ntohs(addr.sin6_port)));
  lines.insert(line);
}

bool LearnRecorder::write(const char *path, char **argv) const {
  FILE *f = std::fopen(path, "we");
  if (!f)
    return false;
  std::fprintf(f, "kavach-learn-trace 1\n");
  for (char **a = argv; *a; ++a)
    std::fprintf(f, "argv %s\n", escape(*a).c_str());
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd))
    std::fprintf(f, "cwd %s\n", escape(cwd).c_str());
  for (const std::string &line : lines)
    std::fprintf(f, "%s\n", line.c_str());
  bool ok = std::fflush(f) == 0 && !std::ferror(f);
  int err = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!ok)
    errno = err;
  return ok;
}

} // namespace kavach::launch

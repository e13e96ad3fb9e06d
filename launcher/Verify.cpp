// The --verify checker. The outer launcher turns the policy into a list of
// expectations (key=value arguments) and execs this binary with them as the
// sandboxed command, through every step a real run takes: so what is
// checked is what a command would get, including what survives execve
// (no_new_privs, ambient capabilities, the seccomp filter, the Landlock
// domain). The checker only observes:
//   no_new_privs   prctl(PR_GET_NO_NEW_PRIVS)
//   seccomp        prctl(PR_GET_SECCOMP) == 2, and Seccomp_filters from
//                  /proc/self/status when Landlock lets it be read
//   landlock       a directory the policy does not grant is denied (EACCES)
//   capabilities   capget, PR_CAPBSET_READ, PR_CAP_AMBIENT_IS_SET
//   namespaces     /proc/self/ns/* differs from the launcher's before set-up
//                  (readlink: Landlock does not restrict it)
//   ids            getresuid/getresgid/getgroups
//   rlimits        getrlimit
//   hostname       uname
//   cgroup limits  the limit files of the command's cgroup and its
//                  cgroup.procs, through descriptors the launcher opened
//                  read-only before the sandbox (Landlock usually hides
//                  /sys/fs/cgroup): each value as written, and the checker's
//                  own pid listed as a member (in its pid namespace's view)
//   wall_time      the supervisor's armed timerfd (its deadline is taken from
//                  it): armed, and no later than the policy's wall_time
//   rootfs         statvfs("/") has ST_RDONLY
//   signal scope   kill(getppid(), 0) (a process outside the Landlock
//                  domain: the supervisor, the pid namespace's init or the
//                  caller) fails with EPERM
// Not observed: the environment and workdir (the launcher sets them and
// nothing undoes them), the command allowlist and guards (checked before
// exec), loopback-only networking beyond the net namespace, Landlock TCP
// rules and the abstract unix socket scope (they need sockets the policy
// usually denies). A syscall the policy's filter kills ends the checker; the
// supervising launcher (or the caller's status, 159) then says so, and the
// lines printed so far remain.
#include "launcher/Verify.h"

#include "launcher/Die.h"
#include "runtime/LandlockAbi.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <csignal>
#include <sstream>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

struct NsName {
  uint32_t bit;
  const char *name;
};
const NsName kNs[] = {{runtime::kNsUser, "user"}, {runtime::kNsPid, "pid"},
                      {runtime::kNsMount, "mnt"}, {runtime::kNsIpc, "ipc"},
                      {runtime::kNsUts, "uts"},   {runtime::kNsNet, "net"},
                      {runtime::kNsCgroup, "cgroup"}};

struct RlimitName {
  runtime::LimitKind kind;
  int resource;
  const char *name;
};
const RlimitName kRl[] = {{runtime::LimitKind::AddressSpace, RLIMIT_AS, "address_space"},
                          {runtime::LimitKind::CpuTime, RLIMIT_CPU, "cpu_time"},
                          {runtime::LimitKind::Processes, RLIMIT_NPROC, "processes"},
                          {runtime::LimitKind::FileSize, RLIMIT_FSIZE, "file_size"},
                          {runtime::LimitKind::OpenFiles, RLIMIT_NOFILE, "open_files"},
                          {runtime::LimitKind::Stack, RLIMIT_STACK, "stack"},
                          {runtime::LimitKind::Core, RLIMIT_CORE, "core"}};

std::string nsLink(const char *name) {
  char buf[64] = {};
  std::string path = std::string("/proc/self/ns/") + name;
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, size_t(n)) : std::string("unreadable");
}

// A directory no rule grants read_dir on: "/" unless a rule is "/" itself.
std::string landlockProbe(const runtime::LandlockPolicy &ll) {
  namespace L = runtime::landlock;
  if (!ll.present || !(ll.handledFs & L::kFsReadDir))
    return "";
  for (const runtime::LandlockPathRule &rule : ll.pathRules)
    if (rule.path == "/" && (rule.access & L::kFsReadDir))
      return "";
  return "/";
}

// ---- The checker.

enum class Seen { Ok, Missing, Unobservable };

std::string jsonEscape(const std::string &in) {
  std::string out;
  for (char c : in) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      out += strFormat("\\u%04x", c);
    else
      out += c;
  }
  return out;
}

struct Report {
  bool json = false;
  int checks = 0, missing = 0, unobservable = 0;
  void line(const char *name, Seen seen, const std::string &observed) {
    ++checks;
    missing += seen == Seen::Missing;
    unobservable += seen == Seen::Unobservable;
    const char *word = seen == Seen::Ok ? "ok" : seen == Seen::Missing ? "MISSING" : "unobservable";
    if (json)
      std::printf("%s{\"check\":\"%s\",\"status\":\"%s\",\"observed\":\"%s\"}",
                  checks > 1 ? "," : "", name, word, jsonEscape(observed).c_str());
    else
      std::printf("%s: %s (%s)\n", name, word, observed.c_str());
    std::fflush(stdout);
  }
  void line(const char *name, bool ok, const std::string &observed) {
    line(name, ok ? Seen::Ok : Seen::Missing, observed);
  }
  // The observing call itself failed (typically the policy's own filter
  // answering ENOSYS/EPERM): neither ok nor missing.
  void blind(const char *name, const char *call, int err) {
    line(name, Seen::Unobservable, strFormat("%s failed: %s", call, std::strerror(err)));
  }
};

unsigned long long capMask(const __user_cap_data_struct *d, int which) {
  auto get = [&](int i) -> uint32_t {
    return which == 0 ? d[i].effective : which == 1 ? d[i].permitted : d[i].inheritable;
  };
  return (unsigned long long)get(1) << 32 | get(0);
}

void checkOne(Report &r, const std::string &key, const std::string &value) {
  if (key == "nnp") {
    int v = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (v < 0)
      return r.blind("no_new_privs", "prctl", errno);
    r.line("no_new_privs", v == 1, strFormat("%d", v));
  } else if (key == "seccomp") {
    int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    if (mode < 0)
      return r.blind("seccomp", "prctl", errno);
    std::string filters = "filter count unreadable";
    if (FILE *f = std::fopen("/proc/self/status", "re")) {
      char line[256];
      while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "Seccomp_filters:", 16) == 0)
          filters = strFormat("%d filter(s)", std::atoi(line + 16));
      std::fclose(f);
    }
    r.line("seccomp", mode == 2, strFormat("mode %d, %s", mode, filters.c_str()));
  } else if (key == "landlock") {
    int fd = open(value.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int err = errno;
    if (fd >= 0)
      close(fd);
    if (fd < 0 && err != EACCES)
      return r.blind("landlock", "open", err);
    r.line("landlock", fd < 0 && err == EACCES,
           strFormat("listing '%s': %s", value.c_str(), fd >= 0 ? "allowed" : std::strerror(err)));
  } else if (key == "caps" || key == "bnd") {
    unsigned long long want = std::strtoull(value.c_str(), nullptr, 16);
    if (key == "bnd") {
      unsigned long long bnd = 0;
      if (prctl(PR_CAPBSET_READ, 0, 0, 0, 0) < 0)
        return r.blind("capabilities bounding", "prctl", errno);
      for (int c = 0; c < 64; ++c)
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
          bnd |= 1ull << c;
      r.line("capabilities bounding", bnd == want, strFormat("%#llx, policy %#llx", bnd, want));
      return;
    }
    __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct d[2] = {};
    if (syscall(SYS_capget, &h, d) != 0)
      return r.blind("capabilities", "capget", errno);
    unsigned long long amb = 0;
    for (int c = 0; c < 64; ++c)
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
        amb |= 1ull << c;
    unsigned long long eff = capMask(d, 0), prm = capMask(d, 1), inh = capMask(d, 2);
    r.line("capabilities", eff == want && prm == want && inh == want && amb == want,
           strFormat("eff %#llx prm %#llx inh %#llx amb %#llx, policy %#llx", eff, prm, inh,
                     amb, want));
  } else if (key.compare(0, 3, "ns.") == 0) {
    std::string name = key.substr(3), inside = nsLink(name.c_str());
    if (inside == "unreadable")
      return r.blind(("namespace " + name).c_str(), "readlink", errno);
    r.line(("namespace " + name).c_str(), inside != value && inside != "unreadable",
           inside + ", launcher's was " + value);
  } else if (key == "uid" || key == "gid") {
    unsigned ids[3];
    if (key == "uid") {
      uid_t a, b, c;
      if (getresuid(&a, &b, &c) != 0)
        return r.blind("uid", "getresuid", errno);
      ids[0] = a, ids[1] = b, ids[2] = c;
    } else {
      gid_t a, b, c;
      if (getresgid(&a, &b, &c) != 0)
        return r.blind("gid", "getresgid", errno);
      ids[0] = a, ids[1] = b, ids[2] = c;
    }
    unsigned want = unsigned(std::strtoul(value.c_str(), nullptr, 10));
    r.line(key.c_str(), ids[0] == want && ids[1] == want && ids[2] == want,
           strFormat("%u/%u/%u, policy %u", ids[0], ids[1], ids[2], want));
  } else if (key.compare(0, 3, "rl.") == 0) {
    std::string name = key.substr(3);
    for (const RlimitName &rl : kRl)
      if (name == rl.name) {
        struct rlimit got;
        if (getrlimit(rl.resource, &got) != 0)
          return r.blind(("rlimit " + name).c_str(), "getrlimit", errno);
        unsigned long long want = std::strtoull(value.c_str(), nullptr, 10);
        r.line(("rlimit " + name).c_str(), got.rlim_cur == want && got.rlim_max == want,
               strFormat("%llu/%llu, policy %llu", (unsigned long long)got.rlim_cur,
                         (unsigned long long)got.rlim_max, want));
      }
  } else if (key == "hostname") {
    struct utsname u;
    if (uname(&u) != 0)
      return r.blind("hostname", "uname", errno);
    r.line("hostname", value == u.nodename, u.nodename);
  } else if (key == "cg" || key == "cgprocs") {
    // cg=FILE:EXPECTED:FD, cgprocs=CONTROLLER:FD
    size_t last = value.rfind(':'), first = value.find(':');
    std::string name = value.substr(0, first);
    int fd = std::atoi(value.c_str() + last + 1);
    std::string label = (key == "cg" ? "cgroup " : "cgroup member ") + name;
    char buf[65536];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n < 0)
      return r.blind(label.c_str(), "pread", errno);
    buf[n] = '\0';
    std::string got(buf, size_t(n));
    while (!got.empty() && (got.back() == '\n' || got.back() == ' '))
      got.pop_back();
    if (key == "cg") {
      std::string want = value.substr(first + 1, last - first - 1);
      r.line(label.c_str(), got == want, strFormat("%s, policy %s", got.c_str(), want.c_str()));
      return;
    }
    std::istringstream procs(got);
    long pid, self = long(getpid());
    bool member = false;
    while (procs >> pid)
      member |= pid == self;
    r.line(label.c_str(), member,
           strFormat("pid %ld %s the limited cgroup", self, member ? "is in" : "is NOT in"));
  } else if (key == "cgmissing") {
    r.line(("cgroup " + value).c_str(), false,
           "no cgroup limit was applied (degraded: no writable cgroup)");
  } else if (key == "wall") {
    size_t colon = value.find(':');
    unsigned long long want = std::strtoull(value.c_str(), nullptr, 10);
    int fd = std::atoi(value.c_str() + colon + 1);
    struct itimerspec left;
    if (timerfd_gettime(fd, &left) != 0)
      return r.blind("wall_time", "timerfd_gettime", errno);
    double secs = double(left.it_value.tv_sec) + double(left.it_value.tv_nsec) / 1e9;
    bool armed = left.it_value.tv_sec || left.it_value.tv_nsec;
    r.line("wall_time", armed && secs <= double(want),
           armed ? strFormat("the supervisor's timer fires in %.1f s, policy %llu s", secs, want)
                 : std::string("the supervisor's timer is not armed"));
  } else if (key == "rootfs") {
    struct statvfs st;
    if (statvfs("/", &st) != 0)
      return r.blind("rootfs read-only", "statvfs", errno);
    r.line("rootfs read-only", st.f_flag & ST_RDONLY,
           st.f_flag & ST_RDONLY ? "/ is mounted read-only" : "/ is writable");
  } else if (key == "idmap") {
    // value "BASE COUNT": /proc/self/uid_map and gid_map are that one line.
    unsigned long long base = 0, count = 0;
    std::sscanf(value.c_str(), "%llu %llu", &base, &count);
    for (const char *file : {"/proc/self/uid_map", "/proc/self/gid_map"}) {
      FILE *f = std::fopen(file, "re");
      if (!f)
        return r.blind("host_ids", "fopen", errno);
      unsigned long long inside = 0, outside = 0, n = 0;
      int fields = std::fscanf(f, "%llu %llu %llu", &inside, &outside, &n);
      char extra[2];
      bool more = std::fscanf(f, "%1s", extra) == 1;
      std::fclose(f);
      bool ok = fields == 3 && !more && inside == 0 && outside == base && n == count;
      r.line(std::strstr(file, "uid") ? "host_ids uid_map" : "host_ids gid_map", ok,
             fields == 3 ? strFormat("0 -> %llu, %llu ids%s; policy 0 -> %llu, %llu ids", outside,
                                     n, more ? " and more lines" : "", base, count)
                         : std::string("unreadable map"));
    }
  } else if (key == "terminal") {
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int err = errno;
    if (fd >= 0)
      close(fd);
    if (fd < 0 && err != ENXIO)
      return r.blind("terminal detached", "open /dev/tty", err);
    r.line("terminal detached", fd < 0,
           fd < 0 ? "no controlling terminal (/dev/tty: ENXIO)"
                  : "the caller's terminal is still the controlling terminal");
  } else if (key == "scope.signal") {
    pid_t parent = getppid();
    int rc = kill(parent, 0);
    int err = errno;
    if (rc != 0 && err != EPERM)
      return r.blind("signal scope", "kill", err);
    r.line("signal scope", rc != 0,
           strFormat("signal 0 to the parent (pid %d) outside: %s", int(parent),
                     rc == 0 ? "delivered" : std::strerror(err)));
  }
}

// An inheritable read-only descriptor for the checker (the launcher's own
// are close-on-exec). -1 when the file cannot be opened.
int inheritableFd(const std::string &path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int keep = fcntl(fd, F_DUPFD, 3);
  close(fd);
  return keep;
}

} // namespace

bool isVerifyInside(int argc, char **argv) {
  return argc >= 2 && std::strcmp(argv[1], "--verify-inside") == 0;
}

void runVerifyInside(int argc, char **argv) {
  Report r;
  r.json = argc >= 3 && std::strcmp(argv[2], "fmt=json") == 0;
  if (r.json)
    std::printf("{\"checks\":[");
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    checkOne(r, arg.substr(0, eq), eq == std::string::npos ? "" : arg.substr(eq + 1));
  }
  if (r.json)
    std::printf("],\"missing\":%d,\"unobservable\":%d,\"ok\":%s}\n", r.missing,
                r.unobservable, r.missing || r.unobservable ? "false" : "true");
  else if (r.missing)
    std::printf("result: %d of %d checks failed: the sandbox lacks what the policy asks for\n",
                r.missing, r.checks);
  else if (r.unobservable)
    std::printf("result: nothing missing, but %d of %d checks could not observe (the policy "
                "denies the calls they need)\n",
                r.unobservable, r.checks);
  else
    std::printf("result: all %d checks passed\n", r.checks);
  std::fflush(stdout);
  // 0: all observed; 1: something is missing; 2: nothing missing, not all
  // seen. _exit: nothing else may run in here (exit handlers, a sanitizer's
  // leak scan needing /proc) and change the status the report stands for.
  _exit(r.missing ? 1 : r.unobservable ? 2 : 0);
}

Command verifierCommand(runtime::Policy &policy, const ProcessPlan &process, bool json,
                        std::vector<std::string> &storage, std::vector<char *> &argv) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0)
    die(kExitSetup, errno, "--verify: cannot find this executable");
  self[n] = '\0';
  storage = {self, "--verify-inside", json ? "fmt=json" : "fmt=text", "nnp=1"};
  if (!policy.seccomp.empty())
    storage.push_back("seccomp=1");
  std::string probe = landlockProbe(policy.landlock);
  if (!probe.empty())
    storage.push_back("landlock=" + probe);
  const runtime::ProcessPolicy &p = policy.process;
  if (p.present) {
    if (p.capsPresent) {
      storage.push_back(strFormat("caps=%llx", (unsigned long long)p.capsKeep));
      if (process.dropBounding)
        storage.push_back(strFormat("bnd=%llx", (unsigned long long)p.capsKeep));
    }
    for (const NsName &ns : kNs)
      if (process.namespaces & ns.bit)
        storage.push_back(std::string("ns.") + ns.name + "=" + nsLink(ns.name));
    if (p.hasUid || p.hasGid || process.namespaces & runtime::kNsUser) {
      storage.push_back(strFormat("uid=%u", unsigned(process.targetUid)));
      storage.push_back(strFormat("gid=%u", unsigned(process.targetGid)));
    }
    for (const RlimitName &rl : kRl)
      if (const runtime::Limit *l = p.limit(rl.kind))
        storage.push_back(strFormat("rl.%s=%llu", rl.name, (unsigned long long)l->value));
    if (!p.hostname.empty())
      storage.push_back("hostname=" + p.hostname);
    if (p.rootfsReadOnly)
      storage.push_back("rootfs=ro");
    if (process.hostIdRange)
      storage.push_back(strFormat("idmap=%u %u", unsigned(p.hostIdBase), unsigned(p.hostIdCount)));
    if (process.ttyFd >= 0)
      storage.push_back("terminal=1");
    // A cgroup limit the plan dropped (best effort) is missing, not skipped.
    for (const CgroupLimit &l : kCgroupLimits) {
      bool applied = false;
      for (const CgroupTarget &t : process.cgroups)
        applied |= t.controller == l.controller;
      if (p.limit(l.kind) && !applied)
        storage.push_back(std::string("cgmissing=") + l.controller);
    }
  }
  if (policy.landlock.present && (policy.landlock.scoped & runtime::landlock::kScopeSignal))
    storage.push_back("scope.signal=1");
  // The checker is this binary, executed through a descriptor opened now:
  // a mount namespace's fresh /tmp may hide where it lies (a build or an
  // unpacked release under /tmp), and /proc/self/fd/N reaches it anyway.
  // The Landlock rule takes the same path, so it lands on the same inode.
  int selfFd = open(self, O_PATH | O_CLOEXEC);
  std::string execPath = selfFd >= 0 ? strFormat("/proc/self/fd/%d", selfFd) : self;
  // The one thing --verify adds to the policy: executing this binary.
  namespace L = runtime::landlock;
  if (policy.landlock.present && (policy.landlock.handledFs & L::kFsExecute)) {
    policy.landlock.pathRules.push_back(
        {(L::kFsExecute | L::kFsReadFile) & policy.landlock.handledFs, execPath});
    std::fprintf(stderr, "kavach-launch: --verify: granted execute on '%s' for the checker\n",
                 self);
  }
  Command command;
  command.path = execPath;
  rebuildArgv(storage, argv, command);
  return command;
}

void rebuildArgv(std::vector<std::string> &storage, std::vector<char *> &argv, Command &command) {
  argv.clear();
  for (std::string &s : storage)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  command.argv = argv.data();
}

void addSupervisionChecks(const ProcessPlan &process, const runtime::ProcessPolicy &policy,
                          const Cgroup &cgroup, std::vector<std::string> &storage,
                          std::vector<char *> &argv, Command &command) {
  std::string name = strFormat("kavach-%d", int(getpid()));
  for (const CgroupTarget &t : process.cgroups) {
    std::string dir = t.parent + "/" + name;
    const runtime::Limit *limit = cgroupLimit(policy, t.controller);
    if (!limit)
      continue;
    // v1 cpu: the period is written first only to make the quota valid.
    for (const CgroupWrite &w : cgroupWrites(limit->kind, limit->value, t.v2)) {
      int fd = inheritableFd(dir + "/" + w.file);
      if (fd < 0 && w.ifExists)
        continue;
      if (fd < 0)
        die(kExitSetup, errno, "--verify: cannot open %s/%s", dir.c_str(), w.file.c_str());
      storage.push_back(strFormat("cg=%s:%s:%d", w.file.c_str(), w.value.c_str(), fd));
    }
    int fd = inheritableFd(dir + "/cgroup.procs");
    if (fd < 0)
      die(kExitSetup, errno, "--verify: cannot open %s/cgroup.procs", dir.c_str());
    storage.push_back(strFormat("cgprocs=%s:%d", t.controller.c_str(), fd));
  }
  (void)cgroup;
  if (const runtime::Limit *wall = policy.limit(runtime::LimitKind::WallTime)) {
    int fd = process.wallTimerFd >= 0 ? fcntl(process.wallTimerFd, F_DUPFD, 3) : -1;
    storage.push_back(strFormat("wall=%llu:%d", (unsigned long long)wall->value, fd));
  }
  rebuildArgv(storage, argv, command);
}

} // namespace kavach::launch

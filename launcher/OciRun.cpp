// --backend oci|gvisor: bundle, runtime command line, wait, clean up.
//
//  - runc: `runc --root STATE run --bundle B ID`;
//  - crun 1.8.1 refuses hybrid cgroup hosts (v1 controllers plus the v2
//    "unified" mount, "cgroups in hybrid mode not supported"); on such a
//    host the child hides the unified mount in a private mount namespace
//    before exec'ing crun, and says so;
//  - runsc: `runsc --root STATE --network=none|host --oci-seccomp run
//    --bundle B ID`: without --oci-seccomp gVisor silently ignores the
//    filter; --network=host only when the policy allows TCP ports.
// The runtime is found on PATH; --runtime picks crun or runc (default: runc,
// which runs here unmodified, else crun). A private --root and a unique id
// keep other users of the runtime out of the way. The launcher stays as the
// parent (forwarding SIGINT/SIGTERM/SIGHUP to the runtime) so it can remove
// the bundle afterwards. Exit status: the runtime's, which is the command's
// (runc/crun/runsc pass it through); a runtime that cannot start the
// container exits nonzero with its own message. wall_time (no OCI field) is
// the launcher's: at the deadline `RUNTIME kill ID KILL`, then exit 124.
#include "launcher/OciRun.h"

#include "launcher/Die.h"
#include "launcher/Env.h"
#include "launcher/OciBundle.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <vector>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

namespace kavach::launch {
namespace {

volatile sig_atomic_t gChild = 0;
volatile sig_atomic_t gTimeUp = 0;

void forward(int sig) {
  if (gChild > 0)
    kill(pid_t(gChild), sig);
}

void timeUp(int) { gTimeUp = 1; }

// `RUNTIME --root STATE kill ID KILL`: the runtime's own way to end every
// process of the container (its pid 1 is not our child).
void killContainer(const std::string &runtime, const std::string &state, const std::string &id) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(runtime.c_str(), runtime.c_str(), "--root", state.c_str(), "kill", id.c_str(), "KILL",
          static_cast<char *>(nullptr));
    _exit(127);
  }
  while (pid > 0 && waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

bool hybridCgroups() {
  struct statfs root, unified;
  return statfs("/sys/fs/cgroup", &root) == 0 && root.f_type != CGROUP2_SUPER_MAGIC &&
         statfs("/sys/fs/cgroup/unified", &unified) == 0 &&
         unified.f_type == CGROUP2_SUPER_MAGIC;
}

std::string canonicalDir(const char *path) {
  char *real = realpath(path, nullptr);
  if (!real)
    die(kExitSetup, errno, "--rootfs %s", path);
  std::string out = real;
  free(real);
  struct stat st;
  if (stat(out.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    die(kExitSetup, 0, "--rootfs %s is not a directory", path);
  return out;
}

} // namespace

std::string findProgram(const char *program) {
  const char *path = getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                                            "/sbin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && dir[0] == '/') {
      std::string candidate = dir + "/" + program;
      struct stat st;
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          access(candidate.c_str(), X_OK) == 0)
        return candidate;
    }
    start = end + 1;
  }
  return "";
}

void runContainer(const Options &o, const runtime::Policy &p, bool inner) {
  if (!o.rootfs)
    die(kExitSetup, 0, "--backend %s needs --rootfs DIR: the container's root file system "
                       "(kavach-launch does not share the host's root with a container)",
        inner ? "oci" : "gvisor");
  std::string rootfs = canonicalDir(o.rootfs);
  const std::string &tmpl = inner ? p.backends.ociInner : p.backends.ociBare;
  if (tmpl.empty())
    die(kExitSetup, 0, "policy.bin has no OCI config for --backend %s: compile it with kavachc "
                       "--backend-configs (if it was, a seccomp condition has no OCI form: "
                       "kavachc --emit=oci says which)",
        inner ? "oci" : "gvisor");
  if (geteuid() != 0)
    die(kExitSetup, 0, "--backend %s needs root: kavach-launch does not set up rootless "
                       "containers",
        inner ? "oci" : "gvisor");
  // With host_ids the runtime sets the container up as the mapped root,
  // which may not create directories in a rootfs the host's root owns.
  struct stat st;
  if (inner && p.process.hostIdCount && stat((rootfs + "/.kavach").c_str(), &st) != 0)
    dieWith({strFormat("--rootfs %s has no /.kavach directory", rootfs.c_str()), errno,
             strFormat("with host_ids the runtime works as host uid %u and cannot create it: "
                       "mkdir %s/.kavach, or give the rootfs to the mapped ids (chown -R)",
                       unsigned(p.process.hostIdBase), rootfs.c_str())});

  const char *runtimeName = inner ? "runc" : "runsc";
  if (inner && o.runtime) {
    if (std::strcmp(o.runtime, "crun") != 0 && std::strcmp(o.runtime, "runc") != 0)
      die(kExitSetup, 0, "--runtime must be crun or runc, not '%s'", o.runtime);
    runtimeName = o.runtime;
  } else if (!inner && o.runtime && std::strcmp(o.runtime, "runsc") != 0) {
    die(kExitSetup, 0, "--backend gvisor runs runsc; --runtime %s is not for it", o.runtime);
  } else if (inner && findProgram("runc").empty()) {
    runtimeName = "crun";
  }
  std::string runtimePath = findProgram(runtimeName);
  if (runtimePath.empty())
    die(kExitSetup, 0, "--backend %s: %s is not on PATH", inner ? "oci" : "gvisor", runtimeName);
  bool crun = std::strcmp(runtimeName, "crun") == 0;
  bool hideUnified = crun && hybridCgroups();

  Environment env = buildEnvironment(p.process, environ);
  Bundle bundle = createBundle(tmpl, inner, o.bestEffort, p, o.command, env.envp(), rootfs);
  std::string id = strFormat("kavach-%d", int(getpid()));
  std::vector<std::string> args = {runtimePath, "--root", bundle.state};
  if (!inner) {
    bool tcp = p.landlock.present && (p.landlock.handledNet || !p.landlock.netRules.empty()) &&
               !(p.process.namespaces & runtime::kNsNet);
    args.push_back(tcp ? "--network=host" : "--network=none");
    args.push_back("--oci-seccomp");
  }
  for (const char *a : {"run", "--bundle"})
    args.push_back(a);
  args.push_back(bundle.dir);
  args.push_back(id);
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  if (hideUnified)
    std::fprintf(stderr, "kavach-launch: crun: hiding /sys/fs/cgroup/unified from it (crun "
                         "refuses hybrid cgroup v1+v2 hosts)\n");

  pid_t child = fork();
  if (child < 0)
    die(kExitSetup, errno, "fork");
  if (child == 0) {
    if (hideUnified && (unshare(CLONE_NEWNS) != 0 ||
                        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
                        umount2("/sys/fs/cgroup/unified", MNT_DETACH) != 0))
      die(kExitSetup, errno, "cannot hide the cgroup v2 unified mount from crun");
    execv(argv[0], argv.data());
    die(kExitSetup, errno, "cannot execute %s", argv[0]);
  }
  gChild = child;
  struct sigaction sa = {};
  sa.sa_handler = forward;
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    sigaction(sig, &sa, nullptr);
  // wall_time: config.json has no field for it; the launcher keeps the
  // deadline and kills the container at it, exiting 124 as timeout(1).
  const runtime::Limit *wall = p.process.limit(runtime::LimitKind::WallTime);
  if (wall) {
    struct sigaction alarmAction = {};
    alarmAction.sa_handler = timeUp; // no SA_RESTART: waitpid returns EINTR
    sigaction(SIGALRM, &alarmAction, nullptr);
    alarm(unsigned(std::min<uint64_t>(wall->value ? wall->value : 1, 86400u * 365)));
  }
  int status = 0;
  bool killed = false;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    if (gTimeUp && !killed) {
      std::fprintf(stderr, "kavach-launch: wall_time of %llus exceeded: killing the container\n",
                   (unsigned long long)wall->value);
      killContainer(runtimePath, bundle.state, id);
      killed = true;
    }
  }
  alarm(0);
  removeBundle(bundle);
  if (killed)
    std::exit(124);
  if (WIFSIGNALED(status))
    std::exit(128 + WTERMSIG(status));
  std::exit(WEXITSTATUS(status));
}

} // namespace kavach::launch

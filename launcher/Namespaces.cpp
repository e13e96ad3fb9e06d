// Creating the namespaces and mapping ids.
//
// Direct mode: one unshare() with every flag; the kernel creates the user
// namespace first and makes it own the others. The maps are written by the
// launcher itself when it is unprivileged (one line each, its own ids:
// the only map an unprivileged process may write, with setgroups denied),
// or by a helper process left in the parent namespace when it is
// privileged (it may write any map; the launcher waits on a sync pipe).
//
// Supervised mode: clone(CLONE_NEWUSER|CLONE_NEWPID) creates the child
// already in the user and pid namespaces, so the pid namespace is owned by
// the user namespace and the child, as its pid 1, may mount a fresh /proc.
// The parent then moves the child into the cgroup and writes its maps; the
// child waits on the sync pipe for that, then unshares the remaining
// namespaces (the cgroup namespace last of all is rooted at the cgroup it
// was moved into).
//
// A privileged caller's maps are 0 -> 0 (so the set-up may still create
// files, e.g. in /dev) plus the target ids to themselves; the identity step
// drops to the target later. The target ids never map to outside root.
#include "launcher/Namespaces.h"

#include "launcher/Supervisor.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

int restFlags(uint32_t ns) {
  return (ns & runtime::kNsMount ? CLONE_NEWNS : 0) | (ns & runtime::kNsIpc ? CLONE_NEWIPC : 0) |
         (ns & runtime::kNsUts ? CLONE_NEWUTS : 0) | (ns & runtime::kNsNet ? CLONE_NEWNET : 0) |
         (ns & runtime::kNsCgroup ? CLONE_NEWCGROUP : 0);
}

bool writeProc(pid_t pid, const char *file, const std::string &text, std::string &why) {
  std::string path = strFormat("/proc/%d/%s", int(pid), file);
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text.data(), text.size()) != ssize_t(text.size())) {
    why = strFormat("cannot write %s: %s", path.c_str(), std::strerror(errno));
    if (fd >= 0)
      close(fd);
    return false;
  }
  close(fd);
  return true;
}

// The uid_map, gid_map and setgroups of `pid`'s user namespace.
bool writeIdMaps(pid_t pid, const ProcessPlan &plan, std::string &why) {
  std::string uidMap, gidMap;
  if (plan.hostIdRange) {
    const runtime::ProcessPolicy &p = *plan.policy;
    uidMap = gidMap = strFormat("0 %u %u\n", unsigned(p.hostIdBase), unsigned(p.hostIdCount));
  } else if (plan.mapWithHelper) {
    uidMap = "0 0 1\n";
    if (plan.targetUid != 0)
      uidMap += strFormat("%u %u 1\n", unsigned(plan.targetUid), unsigned(plan.targetUid));
    gidMap = "0 0 1\n";
    std::vector<uint32_t> gids{plan.targetGid};
    if (plan.setGroups)
      gids.insert(gids.end(), plan.policy->groups.begin(), plan.policy->groups.end());
    std::vector<uint32_t> done{0};
    for (uint32_t g : gids) {
      bool seen = false;
      for (uint32_t d : done)
        seen |= d == g;
      if (seen)
        continue;
      done.push_back(g);
      gidMap += strFormat("%u %u 1\n", unsigned(g), unsigned(g));
    }
  } else {
    uidMap = strFormat("%u %u 1\n", unsigned(plan.targetUid), unsigned(plan.outerUid));
    gidMap = strFormat("%u %u 1\n", unsigned(plan.targetGid), unsigned(plan.outerGid));
    if (!writeProc(pid, "setgroups", "deny", why))
      return false;
  }
  return writeProc(pid, "uid_map", uidMap, why) && writeProc(pid, "gid_map", gidMap, why);
}

// After host_ids maps are written: this process still has the host's ids,
// which the new namespace does not map (files it created would fail with
// EOVERFLOW). Become the namespace's root (host id BASE) before any set-up;
// the capabilities stay (the change is to the namespace's root). The host's
// supplementary groups are unmapped too: cleared.
void becomeRangeRoot(const ProcessPlan &plan) {
  if (!plan.hostIdRange)
    return;
  if (setgroups(0, nullptr) != 0 || setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
    die(kExitSetup, errno, "namespaces: cannot become root of the host_ids user namespace");
}

[[noreturn]] void dieNamespaces(const ProcessPlan &plan, int err, const char *what) {
  Problem problem{strFormat("namespaces: %s", what), err, ""};
  if (err == EPERM || err == ENOSPC || err == EINVAL || err == ENOSYS)
    problem.hint = plan.privileged
                       ? "the kernel refused a namespace (check its config and sysctls)"
                       : "unprivileged user namespaces may be disabled "
                         "(kernel.unprivileged_userns_clone, user.max_user_namespaces)";
  dieWith(problem);
}

// Under best effort a namespace the kernel refuses is dropped from the plan
// (so no later step acts as if it were there: no hostname set on the host's
// uts namespace, no mounts on the host's tree), with one degraded line.
bool degradeNamespaces(ProcessPlan &plan, uint32_t which, int err, bool bestEffort) {
  if (!partBestEffort(plan, runtime::kProcNamespaces, bestEffort))
    return false;
  std::string names;
  static const char *const kNames[] = {"user", "pid", "mount", "ipc", "uts", "net", "cgroup"};
  for (int i = 0; i < 7; ++i)
    if (which & plan.namespaces & (1u << i))
      names += std::string(names.empty() ? "" : ",") + kNames[i];
  warn("degraded: namespaces %s are not created (%s)", names.c_str(), std::strerror(err));
  plan.namespaces &= ~which;
  return true;
}

void unshareInPlace(ProcessPlan &plan, bool bestEffort) {
  int flags = restFlags(plan.namespaces);
  bool userNs = plan.namespaces & runtime::kNsUser;
  if (!userNs) {
    if (flags && unshare(flags) != 0 &&
        !degradeNamespaces(plan, runtime::kNsAll, errno, bestEffort))
      dieNamespaces(plan, errno, "cannot create the namespaces");
    return;
  }
  flags |= CLONE_NEWUSER;
  if (!plan.mapWithHelper) {
    if (unshare(flags) != 0) {
      if (degradeNamespaces(plan, runtime::kNsAll, errno, bestEffort))
        return;
      dieNamespaces(plan, errno, "cannot create the user namespace");
    }
    std::string why;
    if (!writeIdMaps(getpid(), plan, why))
      die(kExitSetup, 0, "namespaces: %s", why.c_str());
    return;
  }
  // A helper in the parent namespace writes the maps once we have unshared.
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) != 0)
    die(kExitSetup, errno, "namespaces: cannot create the sync pipe");
  pid_t parent = getpid();
  pid_t helper = fork();
  if (helper < 0)
    die(kExitSetup, errno, "namespaces: cannot fork the uid/gid map helper");
  if (helper == 0) {
    close(sync[1]);
    char go;
    if (read(sync[0], &go, 1) != 1)
      _exit(kExitSetup);
    std::string why;
    if (!writeIdMaps(parent, plan, why)) {
      warn("namespaces: %s", why.c_str());
      _exit(kExitSetup);
    }
    _exit(0);
  }
  close(sync[0]);
  int err = unshare(flags) != 0 ? errno : 0;
  if (err == 0 && write(sync[1], "x", 1) != 1)
    err = errno;
  close(sync[1]);
  int status = 0;
  while (waitpid(helper, &status, 0) < 0 && errno == EINTR) {
  }
  if (err != 0 && degradeNamespaces(plan, runtime::kNsAll, err, bestEffort))
    return;
  if (err != 0)
    dieNamespaces(plan, err, "cannot create the user namespace");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    die(kExitSetup, 0, "namespaces: the uid/gid maps could not be written");
  becomeRangeRoot(plan);
}

} // namespace

void enterNamespaces(ProcessPlan &plan, Cgroup &cgroup, bool bestEffort) {
  if (plan.status == FeatureStatus::NotInPolicy)
    return;
  if (plan.mode == RunMode::Direct) {
    unshareInPlace(plan, bestEffort);
    return;
  }
  bool userNs = plan.namespaces & runtime::kNsUser;
  int cloneFlags = SIGCHLD | (userNs ? CLONE_NEWUSER : 0) |
                   (plan.namespaces & runtime::kNsPid ? CLONE_NEWPID : 0);
  sigset_t oldMask;
  blockSupervisorSignals(oldMask);
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) != 0)
    die(kExitSetup, errno, "namespaces: cannot create the sync pipe");
  // A fork with namespace flags: the child continues on a copy of our stack.
  pid_t child = pid_t(syscall(SYS_clone, cloneFlags, nullptr, nullptr, nullptr, nullptr));
  if (child < 0 && cloneFlags != SIGCHLD &&
      degradeNamespaces(plan, runtime::kNsUser | runtime::kNsPid, errno, bestEffort)) {
    userNs = false;
    child = pid_t(syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, nullptr));
  }
  if (child < 0)
    dieNamespaces(plan, errno, userNs ? "cannot create the user namespace"
                                      : "cannot create the supervised child");
  if (child == 0) {
    close(sync[1]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The namespaces other than cgroup are created while the parent joins
    // the cgroup and writes the id maps: they need only the capabilities
    // the child has in its new user namespace from the start, and a net
    // namespace alone costs about 0.4 ms here (bench/launch/README.md).
    // The cgroup namespace waits until the child is in its cgroup (its
    // root is the cgroup it is created in).
    int flags = restFlags(plan.namespaces);
    if ((flags & ~CLONE_NEWCGROUP) && unshare(flags & ~CLONE_NEWCGROUP) != 0 &&
        !degradeNamespaces(plan, runtime::kNsAll & ~(runtime::kNsUser | runtime::kNsPid),
                           errno, bestEffort))
      dieNamespaces(plan, errno, "cannot create the namespaces");
    char go;
    if (read(sync[0], &go, 1) != 1)
      _exit(kExitSetup); // the parent failed and said why
    close(sync[0]);
    sigprocmask(SIG_SETMASK, &oldMask, nullptr);
    becomeRangeRoot(plan);
    if ((plan.namespaces & runtime::kNsCgroup) && unshare(CLONE_NEWCGROUP) != 0 &&
        !degradeNamespaces(plan, runtime::kNsCgroup, errno, bestEffort))
      dieNamespaces(plan, errno, "cannot create the cgroup namespace");
    return;
  }
  close(sync[0]);
  std::string pid = std::to_string(child);
  for (const std::string &dir : cgroup.dirs) {
    int fd = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, pid.data(), pid.size()) != ssize_t(pid.size())) {
      int err = errno;
      kill(child, SIGKILL);
      removeCgroup(cgroup);
      die(kExitSetup, err, "cannot move the command into the cgroup %s", dir.c_str());
    }
    close(fd);
  }
  std::string why;
  if (userNs && !writeIdMaps(child, plan, why)) {
    kill(child, SIGKILL);
    removeCgroup(cgroup);
    die(kExitSetup, 0, "namespaces: %s", why.c_str());
  }
  if (write(sync[1], "x", 1) != 1) {
    int err = errno;
    kill(child, SIGKILL);
    removeCgroup(cgroup);
    die(kExitSetup, err, "namespaces: cannot start the child");
  }
  close(sync[1]);
  superviseChild(child, plan, cgroup);
}

void setupHostnameAndNetwork(const ProcessPlan &plan) {
  if (plan.status == FeatureStatus::NotInPolicy)
    return;
  const std::string &hostname = plan.policy->hostname;
  // Only in our own uts namespace: never the host's (a degraded one).
  if (!hostname.empty() && (plan.namespaces & runtime::kNsUts) && sethostname(hostname.data(), hostname.size()) != 0)
    die(kExitSetup, errno, "hostname: cannot set '%s'", hostname.c_str());
  if (!(plan.namespaces & runtime::kNsNet))
    return;
  // The new net namespace has only a loopback device, and it is down.
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = {};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
    die(kExitSetup, errno, "network: cannot read the loopback device's flags");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
    die(kExitSetup, errno, "network: cannot bring the loopback device up");
  close(fd);
}

} // namespace kavach::launch

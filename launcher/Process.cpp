// Planning the process set-up: which namespaces are created, whether the
// launcher must supervise (fork) or can exec in place, and whether this
// caller can do each part. Nothing is changed here, so --dry-run reports
// exactly what a real run would do and refuse.
//
// Decisions, in the order docs/launcher.md lists them:
//  - An unprivileged caller (no CAP_SYS_ADMIN) gets a user namespace when
//    the policy asks for any other namespace or for ids other than its own:
//    nothing else can create them. The maps are then one line each (the
//    policy's uid/gid inside, the caller's outside); supplementary groups
//    cannot be set there (setgroups is denied), so `groups` is refused
//    unless best effort. A privileged caller's maps are written by a
//    helper process in the parent namespace (the sync pipe), mapping 0 and
//    the target ids to themselves.
//  - Supervised mode (fork) when a pid namespace, wall_time or a cgroup
//    limit needs a process that outlives the command's set-up; otherwise
//    the launcher execs in place.
//  - cgroup limits need a writable cgroup (root, or a delegated one).
//  - The bounding set can only be changed with CAP_SETPCAP; without it (an
//    unprivileged caller with no user namespace) it is left as is: the
//    permitted set is already empty and no_new_privs stops execve from
//    gaining capabilities, which the dry run says.
#include "launcher/Process.h"

#include "launcher/Mounts.h"
#include "launcher/PathVars.h"
#include "launcher/Terminal.h"

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

bool hasEffectiveCap(int cap) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0)
    return false;
  return data[cap / 32].effective & (1u << (cap % 32));
}

const char *nsName(uint32_t bit) {
  switch (bit) {
  case runtime::kNsUser:
    return "user";
  case runtime::kNsPid:
    return "pid";
  case runtime::kNsMount:
    return "mount";
  case runtime::kNsIpc:
    return "ipc";
  case runtime::kNsUts:
    return "uts";
  case runtime::kNsNet:
    return "net";
  case runtime::kNsCgroup:
    return "cgroup";
  }
  return "?";
}

void refuseOrDegrade(ProcessPlan &plan, uint32_t part, bool bestEffort, Problem problem,
                     const std::string &degradedLine) {
  if (partBestEffort(plan, part, bestEffort)) {
    plan.degraded.push_back(degradedLine);
    plan.dropped |= part;
  } else {
    plan.refusals.push_back(std::move(problem));
  }
}

} // namespace

bool partBestEffort(const ProcessPlan &plan, uint32_t part, bool bestEffort) {
  return bestEffort || (plan.policy && (plan.policy->bestEffort & part));
}

ProcessPlan planProcess(const runtime::ProcessPolicy &policy, bool bestEffort) {
  ProcessPlan plan;
  plan.policy = &policy;
  if (!policy.present)
    return plan;
  plan.status = FeatureStatus::Enforced;
  plan.outerUid = geteuid();
  plan.outerGid = getegid();
  plan.privileged = hasEffectiveCap(CAP_SYS_ADMIN) && hasEffectiveCap(CAP_SETUID) &&
                    hasEffectiveCap(CAP_SETGID);
  plan.namespaces = policy.namespaces;
  plan.targetUid = policy.hasUid ? policy.uid : plan.outerUid;
  plan.targetGid = policy.hasGid ? policy.gid : plan.outerGid;
  bool otherIds = plan.targetUid != plan.outerUid || plan.targetGid != plan.outerGid;
  if (!plan.privileged && !(plan.namespaces & runtime::kNsUser) &&
      ((plan.namespaces & ~runtime::kNsUser) || otherIds)) {
    plan.namespaces |= runtime::kNsUser;
    plan.implicitUserNs = true;
  }
  bool userNs = plan.namespaces & runtime::kNsUser;
  plan.mapWithHelper = userNs && plan.privileged;
  // user { host_ids ...; }: writing a map of other host ids than one's own
  // needs CAP_SETUID/CAP_SETGID in the parent namespace.
  if (policy.hostIdCount && plan.mapWithHelper)
    plan.hostIdRange = true;
  else if (policy.hostIdCount)
    refuseOrDegrade(plan, runtime::kProcUser, bestEffort,
                    {"host_ids needs a privileged caller: only root may map a range of host ids",
                     EPERM, "run as root, or allow best effort (the caller's own id is mapped)"},
                    "host_ids is not applied (unprivileged caller): the sandbox's ids map to "
                    "the caller's");

  if (plan.namespaces) {
    std::string names;
    for (uint32_t bit = 1; bit <= runtime::kNsCgroup; bit <<= 1)
      if (plan.namespaces & bit)
        names += std::string(names.empty() ? "" : ",") + nsName(bit);
    plan.details.push_back("namespaces: " + names +
                           (plan.implicitUserNs ? " (user: implicit, the caller is unprivileged)"
                                                : ""));
  }
  if (plan.hostIdRange)
    plan.details.push_back(strFormat(
        "uid and gid maps: 0..%u -> %u..%u (host_ids; written from the parent namespace)",
        unsigned(policy.hostIdCount - 1), unsigned(policy.hostIdBase),
        unsigned(policy.hostIdBase + (policy.hostIdCount - 1))));
  else if (userNs)
    plan.details.push_back(strFormat(
        "uid map: %u -> %u, gid map: %u -> %u%s", unsigned(plan.targetUid),
        unsigned(plan.mapWithHelper ? plan.targetUid : plan.outerUid), unsigned(plan.targetGid),
        unsigned(plan.mapWithHelper ? plan.targetGid : plan.outerGid),
        !plan.mapWithHelper    ? ""
        : plan.targetUid != 0 ? " (and 0 -> 0 for the set-up; written from the parent namespace)"
                              : " (written from the parent namespace)"));
  if (!policy.hostname.empty())
    plan.details.push_back("hostname: " + policy.hostname);
  if (plan.namespaces & runtime::kNsNet)
    plan.details.push_back("network: empty net namespace, loopback up");
  if (plan.namespaces & runtime::kNsMount)
    plan.details.push_back(
        std::string("mounts: private propagation") +
        (plan.namespaces & runtime::kNsPid ? ", fresh /proc" : "") +
        (policy.hostDev ? ", the host's /dev" : ", minimal /dev") +
        (policy.hostTmp ? ", the host's /tmp" : ", tmpfs /tmp") +
        (policy.rootfsReadOnly ? ", root file system read-only" : ""));

  // tmpfs mounts and bind mounts: ${VARS} expanded now (before the
  // namespaces change what getuid and getcwd say); each path checked to
  // exist unless it lies in the sandbox's own file systems (its /tmp, /dev
  // and the tmpfs mounts before it), where the launcher creates it.
  auto ownFs = [&](const std::string &path) {
    return inSandboxFs(policy, plan.tmpfs, plan.tmpfs.size(), path);
  };
  for (const std::string &rule : policy.tmpfs) {
    std::string path;
    Problem problem;
    struct stat st;
    if (!expandPathVars(rule, path, problem)) {
      problem.what = strFormat("tmpfs '%s': %s", rule.c_str(), problem.what.c_str());
      plan.refusals.push_back(problem);
    } else if (!ownFs(path) && stat(path.c_str(), &st) != 0) {
      plan.refusals.push_back(
          {strFormat("tmpfs target '%s' cannot be used", path.c_str()), errno,
           "create it on the host first: kavach-launch creates mount targets only in the "
           "sandbox's own file systems"});
    } else {
      plan.details.push_back("tmpfs: " + path + " (empty)");
      plan.tmpfs.push_back(path);
    }
  }
  for (const runtime::BindMount &bind : policy.binds) {
    runtime::BindMount b = bind;
    Problem problem;
    if (!expandPathVars(bind.source, b.source, problem) ||
        !expandPathVars(bind.target, b.target, problem)) {
      problem.what = strFormat("bind '%s' to '%s': %s", bind.source.c_str(), bind.target.c_str(),
                               problem.what.c_str());
      plan.refusals.push_back(problem);
      continue;
    }
    struct stat st;
    if (stat(b.source.c_str(), &st) != 0) {
      plan.refusals.push_back({strFormat("bind source '%s' cannot be used", b.source.c_str()),
                               errno, "a bind's source must exist on the host"});
      continue;
    }
    // The target must exist, unless it lies in the sandbox's own file
    // systems, where the launcher creates it (never on the host).
    if (!ownFs(b.target) && stat(b.target.c_str(), &st) != 0) {
      plan.refusals.push_back(
          {strFormat("bind target '%s' cannot be used", b.target.c_str()), errno,
           "create it on the host first: kavach-launch creates mount targets only in the "
           "sandbox's own file systems"});
      continue;
    }
    plan.details.push_back(strFormat("bind: %s -> %s%s", b.source.c_str(), b.target.c_str(),
                                     b.readOnly ? " (read-only)" : ""));
    plan.binds.push_back(std::move(b));
  }

  // Identity.
  if (policy.hasGroups) {
    if (userNs && !plan.privileged)
      refuseOrDegrade(plan, runtime::kProcUser, bestEffort,
                      {"supplementary groups cannot be set in a user namespace created by an "
                       "unprivileged caller (setgroups is denied there)",
                       0, "drop 'groups' from the policy, run as root, or allow best effort"},
                      "supplementary groups are not set (unprivileged user namespace); the "
                      "caller's groups are kept");
    else if (!userNs && !plan.privileged)
      refuseOrDegrade(plan, runtime::kProcUser, bestEffort,
                      {"supplementary groups cannot be set without CAP_SETGID", EPERM, ""},
                      "supplementary groups are not set (no CAP_SETGID)");
    else
      plan.setGroups = true;
  }
  if (policy.hasUid || policy.hasGid || policy.hasGroups)
    plan.details.push_back(strFormat("identity: uid %u gid %u%s", unsigned(plan.targetUid),
                                     unsigned(plan.targetGid),
                                     plan.setGroups ? " with the policy's groups" : ""));

  // Capabilities.
  if (policy.capsPresent) {
    plan.capsStep = true;
    plan.dropBounding = userNs || hasEffectiveCap(CAP_SETPCAP);
    if (!plan.dropBounding)
      plan.details.push_back("capabilities: bounding set left as is (no CAP_SETPCAP); the "
                             "permitted set is empty and no_new_privs blocks gaining any");
    if (policy.capsKeep && !userNs && !plan.privileged)
      refuseOrDegrade(plan, runtime::kProcCapabilities, bestEffort,
                      {"capabilities cannot be kept: the caller has none to keep", EPERM,
                       "run as root, or add a user namespace ('namespaces { user; }')"},
                      "no capability is kept (the caller has none)");
  }

  // Limits that need a cgroup, and the supervisor.
  bool wallTime = policy.limit(runtime::LimitKind::WallTime);
  for (const CgroupLimit &limit : kCgroupLimits) {
    const char *controller = limit.controller;
    if (!policy.limit(limit.kind))
      continue;
    CgroupTarget target;
    std::string why;
    if (!findCgroup(controller, target, why)) {
      refuseOrDegrade(plan, runtime::kProcLimits, bestEffort,
                      {strFormat("cgroup limit '%s' cannot be applied: %s", controller,
                                 why.c_str()),
                       0, "run as root, delegate a cgroup to this user, or allow best effort"},
                      strFormat("cgroup limit '%s' is not enforced: %s", controller, why.c_str()));
      continue;
    }
    plan.cgroups.push_back(target);
    plan.details.push_back(strFormat("cgroup: %s limit under %s (cgroup v%d)", controller,
                                     target.parent.c_str(), target.v2 ? 2 : 1));
  }
  // terminal detach: a session leader cannot give up its terminal without
  // hanging up its session, so the command then runs in a child.
  bool leadsSessionWithTty = false;
  if (policy.detachTerminal) {
    int err = 0;
    plan.ttyFd = openControllingTerminal(err);
    if (err)
      plan.refusals.push_back({"terminal: cannot tell whether there is a controlling terminal",
                               err, "/dev/tty must be openable (or say ENXIO)"});
    bool tty = plan.ttyFd >= 0;
    leadsSessionWithTty = tty && getsid(0) == getpid();
    plan.details.push_back(tty ? "terminal: the command gives up the controlling terminal "
                                 "(no input injection with TIOCSTI, no /dev/tty)"
                               : "terminal: there is no controlling terminal to give up");
  }
  if (plan.namespaces & runtime::kNsPid)
    plan.modeReason = "pid namespace";
  else if (wallTime)
    plan.modeReason = "wall_time";
  else if (!plan.cgroups.empty())
    plan.modeReason = "cgroup clean-up";
  else if (leadsSessionWithTty)
    plan.modeReason = "terminal detach: kavach-launch leads its session";
  if (!plan.modeReason.empty())
    plan.mode = RunMode::Supervised;
  plan.details.insert(plan.details.begin(),
                      plan.mode == RunMode::Direct
                          ? std::string("mode: direct (exec in place, no fork)")
                          : "mode: supervised (fork; needed for the " + plan.modeReason + ")");
  if (!plan.refusals.empty())
    plan.status = FeatureStatus::Refused;
  else if (!plan.degraded.empty())
    plan.status = FeatureStatus::Degraded;
  return plan;
}

} // namespace kavach::launch

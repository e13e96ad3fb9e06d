// Landlock, in the order samples/landlock/sandboxer.c uses: probe the ABI,
// mask the policy to it, create the ruleset, add one rule per path and
// port, and (in restrictLandlock, after NO_NEW_PRIVS) restrict_self.
//
// Fail closed: a handled right the kernel lacks (see the ABI table in
// runtime/LandlockAbi.h) refuses the launch, naming the right and the ABI it
// needs, unless the policy says `on_unsupported best_effort;` or the user
// passed --best-effort; then the right is dropped from the handled and rule
// masks and one "degraded" warning per right says so. No Landlock at all
// (ENOSYS: not built, EOPNOTSUPP: not enabled at boot) is the same choice
// for the whole feature. The handled masks, scopes (ABI >= 6) and port
// rules (ABI >= 4) come from the policy as compiled; nothing is added.
//
// Paths: ${VARS} are resolved (PathVars.cpp), each path is opened O_PATH
// and added with its rights masked to the kernel's, and to the file rights
// when it is not a directory (the kernel rejects directory rights on a
// file). A path that does not exist is skipped: that only grants less. A
// granted regular file with the execute right also gets execute|read_file on
// its interpreters (Interpreter.cpp) so that a single-binary grant can run.
// Everything up to the ruleset fd happens here, before NO_NEW_PRIVS, so a
// dry run exercises the same kernel checks (every landlock_add_rule) as a
// real run; only landlock_restrict_self is left for later.
#include "launcher/Landlock.h"

#include "launcher/Interpreter.h"
#include "launcher/PathVars.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kavach::launch {

namespace ll = runtime::landlock;

namespace {

// UAPI restated (Debian 12's <linux/landlock.h> predates ABI 4 and 6).
constexpr unsigned kCreateRulesetVersion = 1u << 0;
constexpr int kRulePathBeneath = 1;
constexpr int kRuleNetPort = 2;

struct RulesetAttr {
  uint64_t handledAccessFs;
  uint64_t handledAccessNet; // ABI 4
  uint64_t scoped;           // ABI 6
};

struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowedAccess;
  int32_t parentFd;
};

struct NetPortAttr {
  uint64_t allowedAccess;
  uint64_t port;
};

long createRuleset(const RulesetAttr *attr, size_t size, unsigned flags) {
  return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

long addRule(int rulesetFd, int type, const void *attr) {
  return syscall(SYS_landlock_add_rule, rulesetFd, type, attr, 0);
}

const char *unavailableHint(int err) {
  if (err == EOPNOTSUPP)
    return "Landlock is built but not enabled: add 'landlock' to the kernel's lsm= boot "
           "parameter, or allow degraded enforcement with --best-effort";
  return "the kernel has no Landlock (CONFIG_SECURITY_LANDLOCK, Linux >= 5.13); allow "
         "degraded enforcement with --best-effort";
}

uint64_t policyMask(const runtime::LandlockPolicy &policy, ll::Kind kind) {
  switch (kind) {
  case ll::Kind::Fs:
    return policy.handledFs;
  case ll::Kind::Net:
    return policy.handledNet;
  case ll::Kind::Scope:
    return policy.scoped;
  }
  return 0;
}

// Rights this build does not know, or rules granting what is not handled,
// mean the file is not what the compiler produces: refuse rather than guess.
bool checkMasks(const runtime::LandlockPolicy &policy, LandlockPlan &plan) {
  const char *what = nullptr;
  if (policy.handledFs & ~ll::rightsAt(ll::Kind::Fs, ll::kNewestAbi))
    what = "unknown filesystem rights in the handled mask";
  else if (policy.handledNet & ~ll::rightsAt(ll::Kind::Net, ll::kNewestAbi))
    what = "unknown network rights in the handled mask";
  else if (policy.scoped & ~ll::rightsAt(ll::Kind::Scope, ll::kNewestAbi))
    what = "unknown scopes";
  for (const runtime::LandlockPathRule &rule : policy.pathRules)
    if (!what && (rule.access & ~policy.handledFs))
      what = "a path rule grants rights the policy does not handle";
  for (const runtime::LandlockNetRule &rule : policy.netRules)
    if (!what && ((rule.access & ~policy.handledNet) || rule.port > 65535))
      what = "a port rule grants unhandled rights or names a port above 65535";
  if (what)
    plan.refusals.push_back({strFormat("invalid landlock section: %s", what), 0, ""});
  return what == nullptr;
}

// Drops what the kernel's ABI lacks; refuses instead unless `bestEffort`.
void maskToAbi(const runtime::LandlockPolicy &policy, bool bestEffort, LandlockPlan &plan) {
  std::string missing;
  int missingAbi = 0;
  int missingCount = 0;
  for (const ll::Right &right : ll::kRights) {
    if (!(policyMask(policy, right.kind) & right.bit))
      continue;
    plan.neededAbi = std::max(plan.neededAbi, right.abi);
    if (right.abi <= plan.kernelAbi)
      continue;
    uint64_t *mask = right.kind == ll::Kind::Fs    ? &plan.handledFs
                     : right.kind == ll::Kind::Net ? &plan.handledNet
                                                   : &plan.scoped;
    *mask &= ~right.bit; // also when refusing, so a dry run can still show the rules
    if (bestEffort)
      plan.degraded.push_back(
          strFormat("landlock right '%s' needs ABI %d, kernel has %d; not enforced", right.name,
                    right.abi, plan.kernelAbi));
    missing += strFormat("%s'%s' (ABI %d)", missingCount ? ", " : "", right.name, right.abi);
    missingAbi = std::max(missingAbi, right.abi);
    ++missingCount;
  }
  if (missingCount == 0 || bestEffort)
    return;
  Problem problem;
  if (missingCount == 1)
    problem.what = strFormat("landlock right %s is not supported: kernel has landlock ABI %d",
                             missing.c_str(), plan.kernelAbi);
  else
    problem.what = strFormat("landlock rights %s are not supported: kernel has landlock ABI %d",
                             missing.c_str(), plan.kernelAbi);
  problem.hint =
      strFormat("the policy needs landlock ABI %d; use a newer kernel, or allow degraded "
                "enforcement with --best-effort or 'on_unsupported best_effort;'",
                missingAbi);
  plan.refusals.push_back(problem);
}

bool isRootDir(const struct stat &st) {
  struct stat root;
  return stat("/", &root) == 0 && root.st_dev == st.st_dev && root.st_ino == st.st_ino;
}

bool alreadyGranted(const LandlockPlan &plan, const std::string &path) {
  for (const LandlockPathGrant &grant : plan.paths)
    if (grant.rule.empty() && grant.path == path)
      return true;
  return false;
}

// Opens `grant.path`, masks its rights to the file type and adds the rule.
// Returns the file's mode (0 when no rule was added) so the caller can look
// for interpreters.
mode_t addPathRule(LandlockPlan &plan, LandlockPathGrant &grant, bool fromVariable) {
  if (grant.access == 0) {
    grant.skipped = "no right left to grant on this kernel";
    return 0;
  }
  int fd = open(grant.path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      grant.skipped = "does not exist; skipped (the sandbox only gets less)";
      return 0;
    }
    plan.refusals.push_back(
        {strFormat("cannot open landlock path '%s'", grant.path.c_str()), err, ""});
    return 0;
  }
  struct stat st;
  mode_t mode = 0;
  grant.exists = true;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    plan.refusals.push_back(
        {strFormat("cannot stat landlock path '%s'", grant.path.c_str()), err, ""});
  } else if (fromVariable && isRootDir(st)) {
    // Checked on the opened inode, so a symlink to '/' is caught too.
    plan.refusals.push_back(
        {strFormat("landlock path '%s' resolves to the root directory '/'", grant.rule.c_str()), 0,
         "a rule using a path variable may not grant the whole file system"});
  } else {
    grant.isDir = S_ISDIR(st.st_mode);
    if (!grant.isDir)
      grant.access &= ll::kFsFileRights; // the kernel rejects directory rights on a file
    if (grant.access == 0) {
      grant.skipped = "not a directory, and the rule has only directory rights";
    } else if (plan.rulesetFd >= 0) {
      PathBeneathAttr attr{grant.access, fd};
      if (addRule(plan.rulesetFd, kRulePathBeneath, &attr) != 0) {
        int err = errno;
        plan.refusals.push_back(
            {strFormat("cannot add landlock rule for '%s'", grant.path.c_str()), err, ""});
      } else {
        mode = st.st_mode;
      }
    } else {
      mode = st.st_mode; // no ruleset (refused or dry run without Landlock): report only
    }
  }
  if (plan.pathFds.size() < kKeptPathFds && rlim_t(fd) + 16 < plan.openFilesLimit)
    plan.pathFds.push_back(fd);
  else
    close(fd);
  return mode;
}

void addPathRules(const runtime::LandlockPolicy &policy, LandlockPlan &plan) {
  for (const runtime::LandlockPathRule &rule : policy.pathRules) {
    LandlockPathGrant grant;
    grant.rule = rule.path;
    Problem problem;
    if (!expandPathVars(rule.path, grant.path, problem)) {
      problem.what = strFormat("landlock path '%s': %s", rule.path.c_str(), problem.what.c_str());
      plan.refusals.push_back(problem);
      continue;
    }
    grant.access = rule.access & plan.handledFs;
    mode_t mode = addPathRule(plan, grant, hasPathVars(rule.path));
    plan.paths.push_back(grant);
    if (!S_ISREG(mode) || !(grant.access & ll::kFsExecute))
      continue;
    // execve also opens the interpreters: grant what running them needs.
    for (const Interpreter &interp : findInterpreters(grant.path)) {
      if (alreadyGranted(plan, interp.path))
        continue;
      LandlockPathGrant extra;
      extra.path = interp.path;
      extra.origin = strFormat("%s of '%s'", interp.kind, interp.of.c_str());
      extra.access = (ll::kFsExecute | ll::kFsReadFile) & plan.handledFs;
      addPathRule(plan, extra, false);
      plan.paths.push_back(extra);
    }
  }
}

void addPortRules(const runtime::LandlockPolicy &policy, LandlockPlan &plan) {
  for (const runtime::LandlockNetRule &rule : policy.netRules) {
    LandlockNetGrant grant;
    grant.port = rule.port;
    grant.access = rule.access & plan.handledNet;
    if (grant.access == 0) {
      grant.skipped = "no right left to grant on this kernel";
    } else if (plan.rulesetFd >= 0) {
      NetPortAttr attr{grant.access, rule.port};
      if (addRule(plan.rulesetFd, kRuleNetPort, &attr) != 0) {
        int err = errno;
        plan.refusals.push_back(
            {strFormat("cannot add landlock rule for port %llu", (unsigned long long)rule.port),
             err, ""});
      }
    }
    plan.ports.push_back(grant);
  }
}

} // namespace

std::string rightNames(ll::Kind kind, uint64_t mask) {
  std::string out;
  for (const ll::Right &right : ll::kRights) {
    if (right.kind != kind || !(mask & right.bit))
      continue;
    if (!out.empty())
      out += ',';
    out += right.name;
  }
  return out.empty() ? std::string("none") : out;
}

LandlockPlan planLandlock(const runtime::LandlockPolicy &policy, bool bestEffort,
                          bool buildRuleset) {
  LandlockPlan plan;
  if (!policy.present)
    return plan;
  plan.status = FeatureStatus::Enforced;
  if (!checkMasks(policy, plan)) {
    plan.status = FeatureStatus::Refused;
    return plan;
  }

  long abi = createRuleset(nullptr, 0, kCreateRulesetVersion);
  if (abi < 0) {
    plan.probeErrno = errno;
    for (const ll::Right &right : ll::kRights)
      if (policyMask(policy, right.kind) & right.bit)
        plan.neededAbi = std::max(plan.neededAbi, right.abi);
    if (bestEffort) {
      plan.status = FeatureStatus::Degraded;
      plan.degraded.push_back(strFormat("landlock is not available (%s); not enforced",
                                        std::strerror(plan.probeErrno)));
    } else {
      plan.status = FeatureStatus::Refused;
      plan.refusals.push_back(
          {"landlock is not available", plan.probeErrno, unavailableHint(plan.probeErrno)});
    }
    return plan;
  }
  plan.kernelAbi = static_cast<int>(abi);
  plan.handledFs = policy.handledFs;
  plan.handledNet = policy.handledNet;
  plan.scoped = policy.scoped;
  maskToAbi(policy, bestEffort, plan);

  // Nothing left to handle (every right dropped): there is no ruleset to
  // build, and an empty one is an error (ENOMSG) anyway.
  if (!buildRuleset) {
    // Checks only (the ruleset is built later, in the mount namespace):
    // the ABI verdict above, and each ${VAR} resolved now, before the
    // namespaces change what getuid and the passwd entry say.
    for (const runtime::LandlockPathRule &rule : policy.pathRules) {
      std::string path;
      Problem problem;
      if (!expandPathVars(rule.path, path, problem)) {
        problem.what = strFormat("landlock path '%s': %s", rule.path.c_str(), problem.what.c_str());
        plan.refusals.push_back(problem);
      }
    }
    if (!plan.refusals.empty())
      plan.status = FeatureStatus::Refused;
    else if (!plan.degraded.empty())
      plan.status = FeatureStatus::Degraded;
    return plan;
  }
  if (plan.refusals.empty() && (plan.handledFs | plan.handledNet | plan.scoped) != 0) {
    RulesetAttr attr{plan.handledFs, plan.handledNet, plan.scoped};
    // Pass only the fields this ABI knows; older kernels reject a larger size
    // only if the extra bytes are non-zero, but there is no reason to test it.
    size_t size = plan.kernelAbi >= 6   ? sizeof attr
                  : plan.kernelAbi >= 4 ? offsetof(RulesetAttr, scoped)
                                        : offsetof(RulesetAttr, handledAccessNet);
    long fd = createRuleset(&attr, size, 0);
    int err = errno;
    if (fd < 0)
      plan.refusals.push_back({"cannot create the landlock ruleset", err, ""});
    else
      plan.rulesetFd = static_cast<int>(fd);
  }
  struct rlimit nofile;
  plan.openFilesLimit = getrlimit(RLIMIT_NOFILE, &nofile) == 0 ? nofile.rlim_cur : 0;
  addPathRules(policy, plan);
  addPortRules(policy, plan);

  if (!plan.refusals.empty())
    plan.status = FeatureStatus::Refused;
  else if (!plan.degraded.empty())
    plan.status = FeatureStatus::Degraded;
  return plan;
}

void closeLandlockPlan(LandlockPlan &plan) {
  if (plan.rulesetFd >= 0)
    close(plan.rulesetFd);
  plan.rulesetFd = -1;
  for (int fd : plan.pathFds)
    close(fd);
  plan.pathFds.clear();
}

void restrictLandlock(LandlockPlan &plan) {
  if (plan.rulesetFd < 0)
    return;
  if (syscall(SYS_landlock_restrict_self, plan.rulesetFd, 0) != 0) {
    int err = errno;
    Problem problem{"cannot enforce the landlock ruleset", err, ""};
    if (err == EPERM)
      problem.hint = "NO_NEW_PRIVS is not set and the caller lacks CAP_SYS_ADMIN";
    dieWith(problem);
  }
  close(plan.rulesetFd);
  plan.rulesetFd = -1;
}

} // namespace kavach::launch

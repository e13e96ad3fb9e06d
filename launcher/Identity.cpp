// The identity step. With a user namespace the ids here are the ones inside
// it: an unprivileged caller's process already is the target uid/gid (its
// map says so), a privileged caller's is still 0 there and drops now.
// Without one, a privileged caller switches ids directly. The capability
// step keeps what the policy keeps across the switch (SECBIT_KEEP_CAPS is
// set before, in Caps.cpp); without a capabilities section, switching from
// uid 0 to another uid clears the capabilities, as setresuid(2) does.
#include "launcher/Identity.h"

#include <algorithm>
#include <cerrno>
#include <grp.h>
#include <unistd.h>

namespace kavach::launch {

void applyIdentity(const ProcessPlan &plan) {
  if (plan.status == FeatureStatus::NotInPolicy)
    return;
  const runtime::ProcessPolicy &policy = *plan.policy;
  uid_t uid = plan.targetUid;
  gid_t gid = plan.targetGid;
  bool changesIds = getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid;
  if (plan.setGroups) {
    std::vector<gid_t> groups(policy.groups.begin(), policy.groups.end());
    if (setgroups(groups.size(), groups.data()) != 0)
      die(kExitSetup, errno, "user: cannot set the supplementary groups");
  } else if (changesIds && plan.privileged && !(plan.dropped & runtime::kProcUser)) {
    // Root's own groups (0, ...) must not follow it to the policy's uid.
    if (setgroups(0, nullptr) != 0)
      die(kExitSetup, errno, "user: cannot clear the supplementary groups");
  }
  if ((getgid() != gid || getegid() != gid) && setresgid(gid, gid, gid) != 0)
    die(kExitSetup, errno, "user: cannot switch to gid %u", unsigned(gid));
  if ((getuid() != uid || geteuid() != uid) && setresuid(uid, uid, uid) != 0)
    die(kExitSetup, errno, "user: cannot switch to uid %u", unsigned(uid));

  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 || ru != uid || eu != uid ||
      su != uid || rg != gid || eg != gid || sg != gid)
    die(kExitSetup, 0, "user: ids are uid %u/%u/%u gid %u/%u/%u after the switch, not %u and %u",
        unsigned(ru), unsigned(eu), unsigned(su), unsigned(rg), unsigned(eg), unsigned(sg),
        unsigned(uid), unsigned(gid));
  if (plan.setGroups) {
    std::vector<gid_t> have(size_t(getgroups(0, nullptr)) + 1);
    int n = getgroups(int(have.size()), have.data());
    have.resize(n < 0 ? 0 : size_t(n));
    std::vector<gid_t> want(policy.groups.begin(), policy.groups.end());
    std::sort(have.begin(), have.end());
    std::sort(want.begin(), want.end());
    if (have != want)
      die(kExitSetup, 0, "user: the supplementary groups are not the policy's after setgroups");
  }
}

} // namespace kavach::launch

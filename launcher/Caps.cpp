// Capabilities, with libcap (linked statically). The order follows
// capabilities(7): the bounding set first (it needs CAP_SETPCAP, which the
// identity switch may take away), KEEP_CAPS so setresuid to a non-zero uid
// keeps the permitted set, the ids (Identity.cpp), then the exact sets. The
// ambient set is what lets a kept capability survive execve of an ordinary
// binary by a non-root uid; it needs the capability in permitted and
// inheritable, which is why those are set first.
//
// A capability newer than the running kernel (CAP_IS_SUPPORTED is false)
// that the policy keeps is refused unless best effort; one it drops is
// already absent.
#include "launcher/Caps.h"

#include "runtime/PolicyFormat.h"

#include <cerrno>
#include <cstring>
#include <sys/capability.h>
#include <sys/prctl.h>

namespace kavach::launch {

namespace {

bool kept(const ProcessPlan &plan, int cap) {
  return cap < 64 && (plan.policy->capsKeep >> cap) & 1;
}

std::string capName(int cap) {
  char *name = cap_to_name(cap_value_t(cap));
  std::string out = name ? name : strFormat("%d", cap);
  cap_free(name);
  return out;
}

} // namespace

void dropBoundingSet(const ProcessPlan &plan, bool bestEffort) {
  if (!plan.capsStep)
    return;
  for (int cap = 0; cap <= int(runtime::kMaxCapability); ++cap) {
    if (!kept(plan, cap) || CAP_IS_SUPPORTED(cap))
      continue;
    if (!partBestEffort(plan, runtime::kProcCapabilities, bestEffort))
      die(kExitSetup, 0, "capabilities: '%s' is not supported by this kernel", capName(cap).c_str());
    warn("degraded: capability '%s' is not supported by this kernel; not kept",
         capName(cap).c_str());
  }
  if (plan.dropBounding)
    for (int cap = 0; cap < int(cap_max_bits()); ++cap)
      if (!kept(plan, cap) && cap_get_bound(cap_value_t(cap)) == 1 &&
          cap_drop_bound(cap_value_t(cap)) != 0)
        die(kExitSetup, errno, "capabilities: cannot drop '%s' from the bounding set",
            capName(cap).c_str());
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
    die(kExitSetup, errno, "capabilities: cannot set SECBIT_KEEP_CAPS");
}

void setCapabilities(const ProcessPlan &plan, bool bestEffort) {
  if (!plan.capsStep)
    return;
  std::vector<cap_value_t> keep;
  bool capsDegraded = plan.dropped & runtime::kProcCapabilities;
  for (int cap = 0; cap < int(cap_max_bits()); ++cap)
    if (kept(plan, cap) && !capsDegraded)
      keep.push_back(cap_value_t(cap));
  cap_t want = cap_init();
  if (!keep.empty())
    for (cap_flag_t flag : {CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE})
      cap_set_flag(want, flag, int(keep.size()), keep.data(), CAP_SET);
  if (cap_set_proc(want) != 0) {
    int err = errno;
    if (!partBestEffort(plan, runtime::kProcCapabilities, bestEffort))
      die(kExitSetup, err, "capabilities: cannot set the kept capabilities");
    warn("degraded: the kept capabilities could not be set (%s); none is kept",
         std::strerror(err));
    cap_clear(want);
    keep.clear();
    if (cap_set_proc(want) != 0)
      die(kExitSetup, errno, "capabilities: cannot clear the capability sets");
  }
  if (cap_reset_ambient() != 0)
    die(kExitSetup, errno, "capabilities: cannot clear the ambient set");
  for (cap_value_t cap : keep)
    if (cap_set_ambient(cap, CAP_SET) != 0)
      die(kExitSetup, errno, "capabilities: cannot raise '%s' in the ambient set",
          capName(cap).c_str());
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0)
    die(kExitSetup, errno, "capabilities: cannot clear SECBIT_KEEP_CAPS");

  // Read back: the sets must be exactly `want`, the ambient set `keep`.
  cap_t have = cap_get_proc();
  bool same = have && cap_compare(have, want) == 0;
  cap_free(have);
  cap_free(want);
  for (int cap = 0; same && cap < int(cap_max_bits()); ++cap) {
    bool k = false;
    for (cap_value_t c : keep)
      k |= c == cap;
    same = cap_get_ambient(cap_value_t(cap)) == (k ? 1 : 0);
    if (plan.dropBounding && !k && cap_get_bound(cap_value_t(cap)) != 0)
      same = false;
  }
  if (!same)
    die(kExitSetup, 0, "capabilities: the capability sets are not what the policy keeps");
}

} // namespace kavach::launch

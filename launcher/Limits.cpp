// rlimits. Each is set as soft = hard = the policy's value, so the command
// cannot raise it again; getrlimit then confirms it. RLIMIT_NPROC counts
// every process of the real uid on the system and the kernel ignores it
// for uid 0 (docs/language.md says so; `pids` is the cgroup limit that
// counts only the sandbox). The cgroup limits and wall_time are not here:
// see Cgroups.cpp and Supervisor.cpp.
#include "launcher/Limits.h"

#include <cerrno>
#include <cstring>
#include <sys/resource.h>

namespace kavach::launch {

namespace {

struct Rlimit {
  runtime::LimitKind kind;
  int resource;
  const char *name;
};
const Rlimit kRlimits[] = {
    {runtime::LimitKind::AddressSpace, RLIMIT_AS, "address_space"},
    {runtime::LimitKind::CpuTime, RLIMIT_CPU, "cpu_time"},
    {runtime::LimitKind::Processes, RLIMIT_NPROC, "processes"},
    {runtime::LimitKind::FileSize, RLIMIT_FSIZE, "file_size"},
    {runtime::LimitKind::OpenFiles, RLIMIT_NOFILE, "open_files"},
    {runtime::LimitKind::Stack, RLIMIT_STACK, "stack"},
    {runtime::LimitKind::Core, RLIMIT_CORE, "core"},
};

} // namespace

void applyRlimits(const ProcessPlan &plan, bool bestEffort) {
  if (plan.status == FeatureStatus::NotInPolicy)
    return;
  for (const Rlimit &r : kRlimits) {
    const runtime::Limit *limit = plan.policy->limit(r.kind);
    if (!limit)
      continue;
    struct rlimit want = {rlim_t(limit->value), rlim_t(limit->value)}, got;
    if (setrlimit(r.resource, &want) != 0) {
      int err = errno;
      struct rlimit old;
      getrlimit(r.resource, &old);
      if (partBestEffort(plan, runtime::kProcLimits, bestEffort)) {
        warn("degraded: limit '%s' %llu is not enforced: %s (hard limit %llu)", r.name,
             (unsigned long long)limit->value, std::strerror(err),
             (unsigned long long)old.rlim_max);
        continue;
      }
      Problem problem{strFormat("limit '%s': cannot set %llu", r.name,
                                (unsigned long long)limit->value),
                      err, ""};
      if (err == EPERM)
        problem.hint = strFormat("the current hard limit is %llu; raising it needs "
                                 "CAP_SYS_RESOURCE",
                                 (unsigned long long)old.rlim_max);
      dieWith(problem);
    }
    if (getrlimit(r.resource, &got) != 0 || got.rlim_cur != want.rlim_cur ||
        got.rlim_max != want.rlim_max)
      die(kExitSetup, errno, "limit '%s': the kernel did not keep %llu", r.name,
          (unsigned long long)limit->value);
  }
}

} // namespace kavach::launch

// The seccomp step. The filter arrives precompiled (kavachc generated it and
// runtime/ verified the file), so this is a table lookup and one syscall: no
// libseccomp, nothing compiled at launch.
//
// Only the program for the arch this launcher was built for is used, chosen
// at compile time (AUDIT_ARCH_X86_64 on x86_64, ...). Each program checks
// seccomp_data.arch itself, so foreign-arch syscalls (i386 on x86_64) are
// handled by the filter, not here. A policy without a program for this arch
// is refused even with --best-effort: that is a policy built for other
// machines, not a kernel that lacks a feature.
//
// Before anything is applied the program is checked with
// runtime::checkSeccompProgram (the kernel would only say EINVAL) and run in
// runtime::runBpf on the execve the launcher will make, with the real
// pointer arguments: a filter that denies it would leave the launcher unable
// to start the command after the sandbox is already in place.
//
// The filter is installed last, directly before execve, so it need not
// allow anything the launcher itself does: no TSYNC either, the launcher is
// single-threaded. If the kernel has no seccomp filters (ENOSYS, EINVAL)
// the launch is refused unless the policy or --best-effort allows degrading.
#include "launcher/Seccomp.h"

#include "runtime/Bpf.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kavach::launch {

namespace {

#if defined(__x86_64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_X86_64; // x32 too: it sets a bit in nr instead
#elif defined(__aarch64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_AARCH64;
#elif defined(__i386__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_I386;
#elif defined(__arm__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr uint32_t kNativeArch = AUDIT_ARCH_ARM;
#elif defined(__riscv) && __riscv_xlen == 64
constexpr uint32_t kNativeArch = AUDIT_ARCH_RISCV64;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr uint32_t kNativeArch = AUDIT_ARCH_PPC64LE;
#elif defined(__s390x__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_S390X;
#elif defined(__loongarch64)
constexpr uint32_t kNativeArch = AUDIT_ARCH_LOONGARCH64;
#else
#error "kavach-launch: unknown architecture; add its AUDIT_ARCH_* value here"
#endif

// runtime::BpfInsn is declared to be struct sock_filter; make sure.
static_assert(sizeof(runtime::BpfInsn) == sizeof(struct sock_filter));
static_assert(offsetof(runtime::BpfInsn, code) == offsetof(struct sock_filter, code));
static_assert(offsetof(runtime::BpfInsn, jt) == offsetof(struct sock_filter, jt));
static_assert(offsetof(runtime::BpfInsn, jf) == offsetof(struct sock_filter, jf));
static_assert(offsetof(runtime::BpfInsn, k) == offsetof(struct sock_filter, k));

const char *archName(uint32_t arch) {
  switch (arch) {
  case AUDIT_ARCH_X86_64:
    return "x86_64";
  case AUDIT_ARCH_I386:
    return "i386";
  case AUDIT_ARCH_AARCH64:
    return "aarch64";
  case AUDIT_ARCH_ARM:
    return "arm";
  case AUDIT_ARCH_RISCV64:
    return "riscv64";
  case AUDIT_ARCH_PPC64LE:
    return "ppc64le";
  case AUDIT_ARCH_S390X:
    return "s390x";
  case AUDIT_ARCH_LOONGARCH64:
    return "loongarch64";
  }
  return nullptr;
}

std::string archLabel(uint32_t arch) {
  const char *name = archName(arch);
  return name ? std::string(name) : strFormat("arch 0x%08x", arch);
}

std::string actionName(uint32_t ret) {
  uint32_t data = ret & SECCOMP_RET_DATA;
  switch (ret & SECCOMP_RET_ACTION_FULL) {
  case SECCOMP_RET_KILL_PROCESS:
    return "kill_process";
  case SECCOMP_RET_KILL_THREAD:
    return "kill_thread";
  case SECCOMP_RET_TRAP:
    return "trap";
  case SECCOMP_RET_ERRNO:
    return strFormat("errno(%u)", data);
  case SECCOMP_RET_USER_NOTIF:
    return "user_notif";
  case SECCOMP_RET_TRACE:
    return "trace";
  case SECCOMP_RET_LOG:
    return "log";
  case SECCOMP_RET_ALLOW:
    return "allow";
  }
  return strFormat("unknown action 0x%08x", ret);
}

// 0 when the kernel can install filters, else the errno that says why not.
int probeFilters() {
  uint32_t action = SECCOMP_RET_ALLOW;
  if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
    return 0;
  int err = errno;
  // Before 4.14 GET_ACTION_AVAIL itself is EINVAL; then ask prctl.
  if (err == EINVAL && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0)
    return 0;
  return err;
}

// What the filter does with execve(path, argv, envp) as Exec will call it.
void simulateExecve(const runtime::SeccompProgram &program, const Command &command, char **envp,
                    SeccompPlan &plan) {
  runtime::SeccompData data;
  data.nr = SYS_execve;
  data.arch = kNativeArch;
  data.args[0] = reinterpret_cast<uintptr_t>(command.path.c_str());
  data.args[1] = reinterpret_cast<uintptr_t>(command.argv);
  data.args[2] = reinterpret_cast<uintptr_t>(envp);
  runtime::BpfResult result = runtime::runBpf(program.insns, data);
  if (!result.ok) {
    plan.execveVerdict = "fault";
    plan.refusals.push_back({"the seccomp program faults when run on execve", 0, ""});
    return;
  }
  plan.execveVerdict = actionName(result.ret);
  uint32_t action = result.ret & SECCOMP_RET_ACTION_FULL;
  if (action != SECCOMP_RET_ALLOW && action != SECCOMP_RET_LOG)
    plan.refusals.push_back(
        {strFormat("the seccomp filter answers execve with %s: the command could never start",
                   plan.execveVerdict.c_str()),
         0, "allow execve in the policy's seccomp section"});
}

} // namespace

SeccompPlan planSeccomp(const runtime::Policy &policy, bool bestEffort, const Command &command,
                        char **envp) {
  SeccompPlan plan;
  plan.archName = archName(kNativeArch);
  if (policy.seccomp.empty())
    return plan;

  const runtime::SeccompProgram *program = nullptr;
  std::string others;
  for (const runtime::SeccompProgram &candidate : policy.seccomp) {
    if (candidate.auditArch == kNativeArch)
      program = &candidate;
    else
      others += (others.empty() ? "" : ", ") + archLabel(candidate.auditArch);
  }
  if (!program) {
    plan.status = FeatureStatus::Refused;
    plan.refusals.push_back(
        {strFormat("the policy has no seccomp program for %s (it has: %s)", plan.archName,
                   others.c_str()),
         0, strFormat("compile the policy with %s among its target arches", plan.archName)});
    return plan;
  }
  plan.insnCount = program->insns.size();

  std::string why;
  if (!runtime::checkSeccompProgram(program->insns, &why)) {
    plan.status = FeatureStatus::Refused;
    plan.refusals.push_back(
        {strFormat("invalid seccomp program for %s: %s", plan.archName, why.c_str()), 0, ""});
    return plan;
  }
  if (!command.path.empty())
    simulateExecve(*program, command, envp, plan);

  if (int err = probeFilters()) {
    if (bestEffort)
      plan.degraded.push_back(
          strFormat("seccomp filters are not available (%s); not enforced", std::strerror(err)));
    else
      plan.refusals.push_back({"seccomp filters are not available", err,
                               "the kernel needs CONFIG_SECCOMP_FILTER; allow degraded "
                               "enforcement with --best-effort"});
  }

  if (!plan.refusals.empty()) {
    plan.status = FeatureStatus::Refused;
  } else if (!plan.degraded.empty()) {
    plan.status = FeatureStatus::Degraded;
  } else {
    plan.status = FeatureStatus::Enforced;
    plan.program = program;
  }
  return plan;
}

void installSeccomp(const SeccompPlan &plan, bool bestEffort) {
  if (!plan.program)
    return;
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(plan.program->insns.size());
  prog.filter = reinterpret_cast<struct sock_filter *>(
      const_cast<runtime::BpfInsn *>(plan.program->insns.data()));
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
    return;
  int err = errno;
  // The probe said filters work; a kernel that still says ENOSYS/EINVAL is
  // treated like one without them.
  if ((err == ENOSYS || err == EINVAL) && bestEffort) {
    warn("degraded: seccomp filter rejected by the kernel (%s); not enforced", std::strerror(err));
    return;
  }
  Problem problem{strFormat("cannot install the seccomp filter for %s", plan.archName), err, ""};
  if (err == EINVAL)
    problem.hint = "the kernel rejected the program or lacks CONFIG_SECCOMP_FILTER";
  else if (err == EACCES)
    problem.hint = "NO_NEW_PRIVS is not set and the caller lacks CAP_SYS_ADMIN";
  dieWith(problem);
}

} // namespace kavach::launch

// The config.json of `kavachc --emit=oci`.
//
// What each part comes from:
//  - process: args (the inner kavach-launch, or --oci-bare's command), env
//    PATH only, cwd /, uid/gid 0 inside the container, every capability set
//    empty (the policy grants none: fail closed), noNewPrivileges, rlimit
//    NOFILE 1024 (root here cannot raise hard limits, runtimes.md);
//  - root: "rootfs" in the bundle, read-only; a tmpfs on /tmp so a
//    read-only root still has scratch space (Landlock decides who may use it);
//  - mounts, maskedPaths, readonlyPaths: those of `runc spec`, plus the
//    read-only bind of the bundle's `kavach` directory on /.kavach;
//  - namespaces: pid, ipc, uts, mount, cgroup, and network unless the policy
//    allows TCP ports (then the host network, with Landlock's port rules
//    inside); a network namespace with no interfaces is `network none`;
//  - linux.seccomp: SeccompProfile.cpp; with the inner launcher plus its
//    own calls (LauncherSyscalls.def); annotations carry the same filter
//    precompiled for crun and the per-backend scores for `--backend auto`.
// Not yet: user/uid mappings, capabilities, rlimits and cgroup resources
// from the policy (they arrive with ir::PolicyIR's process part; until then
// the policy cannot ask for them), hooks, devices.
#include "compiler/Backend/OCI/OciConfig.h"

namespace kavach::oci {

using namespace llvm::json;

std::vector<std::string> launcherSyscalls() {
  return {
#define KAVACH_LAUNCHER_SYSCALL(N) N,
#include "compiler/Backend/OCI/LauncherSyscalls.def"
  };
}

std::string base64(const uint8_t *D, size_t N) {
  static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string Out;
  for (size_t I = 0; I < N; I += 3) {
    uint32_t V = uint32_t(D[I]) << 16 | (I + 1 < N ? uint32_t(D[I + 1]) << 8 : 0) |
                 (I + 2 < N ? D[I + 2] : 0);
    Out += T[V >> 18 & 63];
    Out += T[V >> 12 & 63];
    Out += I + 1 < N ? T[V >> 6 & 63] : '=';
    Out += I + 2 < N ? T[V & 63] : '=';
  }
  return Out;
}

namespace {

Array strings(std::initializer_list<const char *> L) {
  Array A;
  for (const char *S : L)
    A.push_back(S);
  return A;
}

Object mount(const char *Dest, const char *Type, const char *Src,
             std::initializer_list<const char *> Opts) {
  return Object{{"destination", Dest}, {"type", Type}, {"source", Src}, {"options", strings(Opts)}};
}

} // namespace

llvm::Expected<Value> buildConfig(const ir::PolicyIR &IR, const ConfigOptions &O,
                            std::vector<std::string> &Degraded) {
  Array Args;
  if (O.innerLauncher)
    Args = strings({"/.kavach/kavach-launch", "/.kavach/policy.bin", "--"});
  else
    for (const std::string &A : O.args)
      Args.push_back(A);
  Object Caps;
  for (const char *Set : {"bounding", "effective", "inheritable", "permitted", "ambient"})
    Caps[Set] = Array{};
  Object Process{
      {"terminal", false},
      {"user", Object{{"uid", 0}, {"gid", 0}}},
      {"args", std::move(Args)},
      {"env", strings({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"})},
      {"cwd", "/"},
      {"capabilities", std::move(Caps)},
      {"rlimits", Array{Object{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}}},
      {"noNewPrivileges", true}};

  Array Mounts{
      mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount("/dev/pts", "devpts", "devpts",
            {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
      mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mount("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777", "size=65536k"})};
  if (O.innerLauncher)
    Mounts.push_back(mount("/.kavach", "bind", "kavach", {"rbind", "ro", "nosuid", "nodev"}));

  Array Ns;
  for (const char *T : {"pid", "ipc", "uts", "mount", "cgroup"})
    Ns.push_back(Object{{"type", T}});
  bool HostNet = IR.landlock.netPresent && !IR.landlock.networkNone;
  if (!HostNet)
    Ns.push_back(Object{{"type", "network"}});

  Object Linux{
      {"namespaces", std::move(Ns)},
      {"maskedPaths",
       strings({"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                "/proc/scsi"})},
      {"readonlyPaths", strings({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                 "/proc/sysrq-trigger"})}};
  if (IR.seccomp.present) {
    std::vector<std::string> Extra;
    if (O.innerLauncher)
      Extra = launcherSyscalls();
    llvm::Expected<Profile> P = lowerProfile(IR.seccomp, Extra);
    if (!P)
      return P.takeError();
    Degraded.insert(Degraded.end(), P->degraded.begin(), P->degraded.end());
    Linux["seccomp"] = profileToJson(*P);
  }
  if (IR.landlock.fsPresent && !O.innerLauncher)
    Degraded.push_back("--oci-bare: the filesystem section (Landlock) is not enforced");
  if ((IR.landlock.scoped || HostNet) && !O.innerLauncher)
    Degraded.push_back("--oci-bare: Landlock network ports and scopes are not enforced");

  Object Annotations{{"org.kavach.policy", IR.name}};
  if (!O.bpfBase64.empty())
    Annotations["run.oci.seccomp_bpf_data"] = O.bpfBase64;
  for (const auto &[K, V] : O.annotations)
    Annotations[K] = V;

  // crun 1.8.1 (Debian 12) refuses ociVersion 1.2.0 ("unknown version
  // specified") and runc/runsc take 1.0.2; nothing here needs more than
  // 1.0.2 except defaultErrnoRet, which all three read regardless. The
  // document validates against the v1.2.0 schema (tests).
  return Value(Object{{"ociVersion", "1.0.2"},
                      {"process", std::move(Process)},
                      {"root", Object{{"path", "rootfs"}, {"readonly", true}}},
                      {"hostname", "kavach"},
                      {"mounts", std::move(Mounts)},
                      {"annotations", std::move(Annotations)},
                      {"linux", std::move(Linux)}});
}

} // namespace kavach::oci

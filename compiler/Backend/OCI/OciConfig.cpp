// The config.json of `kavachc --emit=oci`, and the templates of policy.bin's
// Backends section (`kavach-launch --backend oci|gvisor`).
//
// What each part comes from:
//  - process: args (the inner kavach-launch with --inside-oci, or
//    --oci-bare's command), env PATH only (a template: the environment the
//    outer launcher computed from the env section), cwd = workdir or /,
//    user = the policy's uid/gid/groups (else 0 inside the container),
//    capabilities = the policy's set in all five sets, else every set empty
//    (fail closed), noNewPrivileges, rlimits from the limits section
//    (default NOFILE 1024: root here cannot raise hard limits, runtimes.md);
//  - hostname: the policy's, else "kavach";
//  - linux.resources: memory and pids limits (cgroups), cpu as a quota per
//    100 ms period; wall_time has no OCI field (a degradation warning);
//  - root: "rootfs" in the bundle, read-only; a tmpfs on /tmp so a
//    read-only root still has scratch space (Landlock decides who may use it);
//  - mounts, maskedPaths, readonlyPaths: those of `runc spec` (the host's
//    /dev and /tmp bound for `rootfs { dev host; tmp host; }`), plus the
//    read-only bind of the bundle's `kavach` directory on /.kavach, then the
//    policy's tmpfs and bind mounts;
//  - namespaces: pid, ipc, uts, mount, cgroup, and network unless the policy
//    allows TCP ports and asks for no net namespace (then the host network,
//    with Landlock's port rules inside); a network namespace with no
//    interfaces is `network none`;
//    user with the mappings kavach-launch writes as root (addUserNamespace);
//  - linux.seccomp: SeccompProfile.cpp; with the inner launcher plus its
//    own calls (LauncherSyscalls.def); annotations carry the same filter
//    precompiled for crun and the per-backend scores for `--backend auto`.
// The inner launcher (--inside-oci) then applies only what OCI has no field
// for: Landlock, the exact filter, the env section, the command allowlist.
// Not done: hooks, devices.
#include "compiler/Backend/OCI/OciConfig.h"

#include "compiler/Backend/Process/ProcessBackend.h"
#include "runtime/OciMounts.h"
#include "runtime/OciTemplate.h"
#include "runtime/PolicyFormat.h"

#include <algorithm>

#include <sys/capability.h>

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

// A marker of OciTemplate.h as a JSON string value (its quotes come back
// when the document is printed).
std::string Placeholder(const char *Quoted) {
  std::string S = Quoted;
  return S.substr(1, S.size() - 2);
}

Array strings(std::initializer_list<const char *> L) {
  Array A;
  for (const char *S : L)
    A.push_back(S);
  return A;
}

Object mount(const char *Dest, const char *Type, std::string Src,
             std::initializer_list<const char *> Opts) {
  // Src by value: json::Value keeps a StringRef to a const char * it is given.
  return Object{{"destination", Dest},
                {"type", Type},
                {"source", std::move(Src)},
                {"options", strings(Opts)}};
}

// "CAP_CHOWN", as libcap names capability N (the launcher's spelling).
std::string capName(unsigned N) {
  char *Name = cap_to_name(cap_value_t(N));
  std::string S = Name ? Name : "";
  cap_free(Name);
  for (char &C : S)
    C = char(toupper(static_cast<unsigned char>(C)));
  return S;
}

const char *rlimitName(runtime::LimitKind K) {
  using runtime::LimitKind;
  switch (K) {
  case LimitKind::AddressSpace: return "RLIMIT_AS";
  case LimitKind::CpuTime: return "RLIMIT_CPU";
  case LimitKind::Processes: return "RLIMIT_NPROC";
  case LimitKind::FileSize: return "RLIMIT_FSIZE";
  case LimitKind::OpenFiles: return "RLIMIT_NOFILE";
  case LimitKind::Stack: return "RLIMIT_STACK";
  case LimitKind::Core: return "RLIMIT_CORE";
  default: return nullptr; // cgroup or supervisor limits
  }
}

// The process part of config.json from the lowered Process section.
void applyProcess(const runtime::ProcessPolicy &P, Object &Process, Object &Linux,
                  std::string &Hostname, std::vector<std::string> &Degraded) {
  if (P.capsPresent) {
    Array Names;
    for (unsigned N = 0; N <= runtime::kMaxCapability; ++N)
      if (P.capsKeep >> N & 1)
        Names.push_back(capName(N));
    Object Caps;
    for (const char *Set : {"bounding", "effective", "inheritable", "permitted", "ambient"})
      Caps[Set] = Array(Names);
    Process["capabilities"] = std::move(Caps);
  }
  Object User{{"uid", int64_t(P.hasUid ? P.uid : 0)}, {"gid", int64_t(P.hasGid ? P.gid : 0)}};
  if (P.hasGroups) {
    Array G;
    for (uint32_t Gid : P.groups)
      G.push_back(int64_t(Gid));
    User["additionalGids"] = std::move(G);
  }
  Process["user"] = std::move(User);
  if (!P.workdir.empty())
    Process["cwd"] = P.workdir;
  Array Rlimits;
  bool HasNofile = false;
  Object Resources;
  for (const runtime::Limit &L : P.limits) {
    if (const char *Name = rlimitName(L.kind)) {
      HasNofile |= L.kind == runtime::LimitKind::OpenFiles;
      Rlimits.push_back(Object{{"type", Name}, {"hard", L.value}, {"soft", L.value}});
    } else if (L.kind == runtime::LimitKind::Memory) {
      Resources["memory"] = Object{{"limit", int64_t(L.value)}};
    } else if (L.kind == runtime::LimitKind::Pids) {
      Resources["pids"] = Object{{"limit", int64_t(L.value)}};
    } else if (L.kind == runtime::LimitKind::WallTime) {
      Degraded.push_back("limits: wall_time has no OCI field: only kavach-launch --backend "
                         "oci|gvisor enforces it (it kills the container at the deadline)");
    } else if (L.kind == runtime::LimitKind::Cpu) {
      // millicores: quota per 100 ms period.
      Resources["cpu"] = Object{{"quota", int64_t(L.value * 100)}, {"period", 100000}};
    }
  }
  if (!HasNofile)
    Rlimits.push_back(Object{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}});
  Process["rlimits"] = std::move(Rlimits);
  if (!Resources.empty())
    Linux["resources"] = std::move(Resources);
  if (!P.hostname.empty())
    Hostname = P.hostname;
}

// One-id lines "N maps to N" for each distinct id, in order.
Array identityMappings(std::initializer_list<uint32_t> First, const std::vector<uint32_t> &More) {
  std::vector<uint32_t> Ids(First);
  Ids.insert(Ids.end(), More.begin(), More.end());
  Array Lines;
  for (size_t I = 0; I < Ids.size(); ++I)
    if (std::find(Ids.begin(), Ids.begin() + I, Ids[I]) == Ids.begin() + I)
      Lines.push_back(Object{{"containerID", int64_t(Ids[I])},
                             {"hostID", int64_t(Ids[I])},
                             {"size", 1}});
  return Lines;
}

// namespaces { user; }: the mappings kavach-launch writes when it runs as
// root (launcher/Namespaces.cpp, writeIdMaps): 0 and the policy's ids, each
// mapped to itself, or with `host_ids` the range 0..N-1 onto BASE.
// Capabilities kept in the container then count only in its own
// namespaces: no device nodes, no host-wide administration, even as root
// (test/oci/user-namespace.test: mknod with CAP_MKNOD fails under runc and
// crun as under the process backend). runsc 2022-12-19 accepts the mappings
// and ignores them (its uid_map is the whole range): degraded.
void addUserNamespace(const runtime::ProcessPolicy &P, bool ForGvisor, Object &Linux,
                      std::vector<std::string> &Degraded) {
  if (Array *Ns = Linux.getArray("namespaces"))
    Ns->push_back(Object{{"type", "user"}});
  if (P.hostIdCount) { // user { host_ids BASE count N; }
    Object Range{{"containerID", 0}, {"hostID", int64_t(P.hostIdBase)},
                 {"size", int64_t(P.hostIdCount)}};
    Linux["uidMappings"] = Array{Object(Range)};
    Linux["gidMappings"] = Array{std::move(Range)};
  } else {
    Linux["uidMappings"] = identityMappings({0, P.hasUid ? P.uid : 0}, {});
    Linux["gidMappings"] = identityMappings({0, P.hasGid ? P.gid : 0},
                                            P.hasGroups ? P.groups : std::vector<uint32_t>{});
  }
  if (ForGvisor)
    Degraded.push_back("namespaces: runsc ignores uid/gid mappings: gvisor gives no user "
                       "namespace");
}

} // namespace

llvm::Expected<Value> buildConfig(const ir::PolicyIR &IR, const ConfigOptions &O,
                            std::vector<std::string> &Degraded) {
  Array Args;
  // A template leaves the inner launcher's policy and options to the outer
  // one (it adds --best-effort when it was given it).
  if (O.innerLauncher && O.placeholders)
    Args = strings({"/.kavach/kavach-launch", "--inside-oci"});
  else if (O.innerLauncher)
    Args = strings({"/.kavach/kavach-launch", "--inside-oci", "/.kavach/policy.bin", "--"});
  if (O.placeholders)
    Args.push_back(Placeholder(runtime::kOciArgsMarker));
  else if (!O.innerLauncher)
    for (const std::string &A : O.args)
      Args.push_back(A);
  Object Caps;
  for (const char *Set : {"bounding", "effective", "inheritable", "permitted", "ambient"})
    Caps[Set] = Array{};
  Object Process{
      {"terminal", false},
      {"user", Object{{"uid", 0}, {"gid", 0}}},
      {"args", std::move(Args)},
      {"env", O.placeholders ? Array{Placeholder(runtime::kOciEnvMarker)}
                             : strings({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                                        "/sbin:/bin"})},
      {"cwd", "/"},
      {"capabilities", std::move(Caps)},
      {"rlimits", Array{Object{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}}},
      {"noNewPrivileges", true}};

  runtime::ProcessPolicy PP = process::lowerProcess(IR);
  // An explicit `namespaces { net; }` keeps its empty network namespace
  // even when the policy lists TCP ports (then inert, as under the process
  // backend; lint rule inert-connect).
  bool HostNet = IR.landlock.netPresent && !IR.landlock.networkNone &&
                 !(PP.namespaces & runtime::kNsNet);
  bool UserNs = PP.present && (PP.namespaces & runtime::kNsUser);
  Array Mounts{mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"})};
  // rootfs { dev host; tmp host; }: the host's /dev or /tmp bound in, as the
  // process backend keeps them (runc and crun make no /dev of their own
  // when /dev is a bind mount).
  if (PP.hostDev) {
    Mounts.push_back(mount("/dev", "bind", "/dev", {"rbind"}));
  } else {
    Mounts.push_back(
        mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    Mounts.push_back(mount("/dev/pts", "devpts", "devpts",
                           {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}));
    Mounts.push_back(
        mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
    Mounts.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
  }
  // sysfs belongs to the network namespace's user namespace: a new user
  // namespace sharing the host network cannot mount it (runc: EPERM), so it
  // gets the host's bound read-only, as `runc spec --rootless` does.
  Mounts.push_back(UserNs && HostNet
                       ? mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"})
                       : mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}));
  Mounts.push_back(PP.hostTmp ? mount("/tmp", "bind", "/tmp", {"rbind"})
                              : mount("/tmp", "tmpfs", "tmpfs",
                                      {"nosuid", "nodev", "mode=1777", "size=65536k"}));
  std::string KavachDir = O.placeholders ? std::string(runtime::kOciBundleMarker) + "/kavach"
                                         : std::string("kavach");
  if (O.innerLauncher)
    Mounts.push_back(
        mount("/.kavach", "bind", KavachDir, {"rbind", "ro", "nosuid", "nodev"}));

  Array Ns;
  for (const char *T : {"pid", "ipc", "uts", "mount", "cgroup"})
    Ns.push_back(Object{{"type", T}});
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
  std::string Hostname = "kavach";
  if (PP.present)
    applyProcess(PP, Process, Linux, Hostname, Degraded);
  if (UserNs)
    addUserNamespace(PP, O.killThreadOnly, Linux, Degraded);
  // rootfs { tmpfs ...; bind ...; }: after the default mounts (a target
  // under /tmp or /dev lands in the container's own). A template leaves them
  // to kavach-launch, which resolves their ${VARS} at launch.
  if (O.placeholders && (!PP.tmpfs.empty() || !PP.binds.empty())) {
    llvm::StringRef Marker = runtime::kOciMountsMarker; // ,"@kavach:mounts@"
    Mounts.push_back(Marker.drop_front(2).drop_back().str());
  } else if (!O.placeholders) {
    std::string Text = runtime::ociPolicyMounts(
        PP, [&](const std::string &Path, runtime::MountPathRole Role, std::string &Out) {
          if (Path.find("${") != std::string::npos) {
            const char *What = Role == runtime::MountPathRole::Tmpfs        ? "tmpfs on"
                               : Role == runtime::MountPathRole::BindSource ? "bind of"
                                                                            : "bind to";
            Degraded.push_back(std::string("rootfs: the ") + What + " '" + Path +
                               "' uses a launch-time variable, which config.json cannot hold: "
                               "not mounted (kavach-launch --backend oci mounts it)");
            return false;
          }
          Out = Path;
          return true;
        });
    if (!Text.empty()) {
      llvm::Expected<Value> Parsed = parse("[" + Text.substr(1) + "]");
      if (!Parsed)
        return Parsed.takeError();
      for (Value &M : *Parsed->getAsArray())
        Mounts.push_back(std::move(M));
    }
  }
  if (!O.innerLauncher && (!PP.commands.empty() || PP.envClear || !PP.envSet.empty() ||
                           !PP.envPass.empty()) && !O.placeholders)
    Degraded.push_back("--oci-bare: the command allowlist and env section are not enforced");
  if (!O.innerLauncher && !PP.commands.empty() && O.placeholders)
    Degraded.push_back("without the inner launcher the command allowlist is not enforced");
  // Guards are checked by kavach-launch before exec: only the inner one can.
  if (!O.innerLauncher && PP.hasGuards())
    Degraded.push_back("without the inner launcher the guards are not checked");
  if (IR.seccomp.present) {
    std::vector<std::string> Extra;
    if (O.innerLauncher)
      Extra = launcherSyscalls();
    llvm::Expected<Profile> P = lowerProfile(IR.seccomp, Extra);
    if (!P)
      return P.takeError();
    Degraded.insert(Degraded.end(), P->degraded.begin(), P->degraded.end());
    Object Seccomp = profileToJson(*P);
    if (O.killThreadOnly) {
      bool Changed = false;
      auto Downgrade = [&](Value *A) {
        if (A && A->getAsString() == llvm::StringRef("SCMP_ACT_KILL_PROCESS")) {
          *A = "SCMP_ACT_KILL";
          Changed = true;
        }
      };
      Downgrade(Seccomp.get("defaultAction"));
      if (Array *Calls = Seccomp.getArray("syscalls"))
        for (Value &C : *Calls)
          if (Object *E = C.getAsObject())
            Downgrade(E->get("action"));
      if (Changed)
        Degraded.push_back("runsc rejects SCMP_ACT_KILL_PROCESS: kill_process kills only the "
                           "calling thread (SCMP_ACT_KILL) under gvisor");
    }
    Linux["seccomp"] = std::move(Seccomp);
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
                      {"root", Object{{"path", O.placeholders ? runtime::kOciRootfsMarker
                                                               : "rootfs"},
                                      {"readonly", true}}},
                      {"hostname", Hostname},
                      {"mounts", std::move(Mounts)},
                      {"annotations", std::move(Annotations)},
                      {"linux", std::move(Linux)}});
}

} // namespace kavach::oci

// --explain. One paragraph per part, in the order the launcher applies
// them, written from the compiled policy only. Landlock path rules are
// described by what they let the command do (read, write, execute) rather
// than by rights; the seccomp filter is precompiled BPF, which the
// launcher does not turn back into syscall names (kavachc --emit=bpf-asm
// and --simulate do), so it is described by size and by what it must
// allow.
#include "launcher/Explain.h"

#include "launcher/Die.h"
#include "runtime/LandlockAbi.h"

#include <cerrno>
#include <cstdio>
#include <string>
#include <sys/capability.h>

namespace kavach::launch {

namespace {

namespace ll = runtime::landlock;

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return out;
}

std::string size(uint64_t v) {
  static const char *const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (u < 4 && v >= 1024 && v % 1024 == 0)
    v /= 1024, ++u;
  return strFormat("%llu %s", (unsigned long long)v, kUnits[u]);
}

void explainProcess(const runtime::ProcessPolicy &p) {
  if (!p.present) {
    std::printf("Process: the command runs in the caller's namespaces, as the caller, with the "
                "caller's capabilities, limits and environment.\n");
    return;
  }
  bool supervised = (p.namespaces & runtime::kNsPid) || p.limit(runtime::LimitKind::WallTime) ||
                    p.limit(runtime::LimitKind::Memory) || p.limit(runtime::LimitKind::Pids) ||
                    p.limit(runtime::LimitKind::Cpu);
  std::printf("Process: kavach-launch %s.\n",
              supervised ? "stays as a supervisor (it forwards signals, enforces limits and "
                           "reports how the command ended)"
                         : "replaces itself with the command (no supervisor)");
  std::vector<std::string> ns;
  if (p.hostIdCount)
    ns.push_back(strFormat("its own user ids, %u of them, whose root is host uid %u, not the "
                           "host's root (a user namespace with host_ids)",
                           unsigned(p.hostIdCount), unsigned(p.hostIdBase)));
  else if (p.namespaces & runtime::kNsUser)
    ns.push_back("its own user ids (a user namespace)");
  if (p.namespaces & runtime::kNsPid)
    ns.push_back("only its own processes, with kavach-launch as pid 1 (a pid namespace)");
  if (p.namespaces & runtime::kNsMount)
    ns.push_back(std::string("a private mount table with ") +
                 (p.hostDev ? "the host's /dev" : "a fresh /dev") + " and " +
                 (p.hostTmp ? "the host's /tmp" : "an empty /tmp") +
                 (p.rootfsReadOnly ? ", everything else read-only" : ""));
  if (p.namespaces & runtime::kNsNet)
    ns.push_back("no network but its own loopback");
  if (p.namespaces & runtime::kNsIpc)
    ns.push_back("its own System V IPC and POSIX message queues");
  if (p.namespaces & runtime::kNsUts)
    ns.push_back(p.hostname.empty() ? std::string("its own host name")
                                    : "the host name '" + p.hostname + "'");
  if (p.namespaces & runtime::kNsCgroup)
    ns.push_back("its own cgroup tree");
  if (!ns.empty())
    std::printf("  The command sees %s.\n", join(ns).c_str());
  for (const std::string &t : p.tmpfs)
    std::printf("  %s is an empty tmpfs (what the host has there is hidden).\n", t.c_str());
  for (const runtime::BindMount &b : p.binds)
    std::printf("  The host's %s appears at %s%s.\n", b.source.c_str(), b.target.c_str(),
                b.readOnly ? ", read-only" : "");
  if (p.hasUid || p.hasGid || p.hasGroups) {
    std::string who = p.hasUid ? strFormat("uid %u", p.uid) : std::string("the caller's uid");
    who += p.hasGid ? strFormat(", gid %u", p.gid) : std::string(", the caller's gid");
    if (p.hasGroups) {
      std::vector<std::string> g;
      for (uint32_t id : p.groups)
        g.push_back(std::to_string(id));
      who += g.empty() ? ", no supplementary groups" : ", groups " + join(g);
    }
    std::printf("  It runs as %s.\n", who.c_str());
  }
  if (p.capsPresent) {
    std::vector<std::string> kept;
    for (int c = 0; c <= 40; ++c)
      if ((p.capsKeep >> c) & 1)
        if (char *name = cap_to_name(cap_value_t(c))) {
          std::string upper = name;
          for (char &ch : upper)
            ch = char(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
          kept.push_back(upper);
          cap_free(name);
        }
    std::printf("  It keeps %s; every other capability is gone for good (bounding set).\n",
                kept.empty() ? "no capability" : join(kept).c_str());
  }
  for (const runtime::Limit &l : p.limits) {
    using K = runtime::LimitKind;
    switch (l.kind) {
    case K::AddressSpace:
      std::printf("  Its address space is at most %s.\n", size(l.value).c_str());
      break;
    case K::CpuTime:
      std::printf("  It gets at most %llu s of CPU time.\n", (unsigned long long)l.value);
      break;
    case K::Processes:
      std::printf("  Its user may have at most %llu processes (RLIMIT_NPROC).\n",
                  (unsigned long long)l.value);
      break;
    case K::FileSize:
      std::printf("  It cannot write files larger than %s.\n", size(l.value).c_str());
      break;
    case K::OpenFiles:
      std::printf("  It may have at most %llu open files.\n", (unsigned long long)l.value);
      break;
    case K::Stack:
      std::printf("  Its stack is at most %s.\n", size(l.value).c_str());
      break;
    case K::Core:
      std::printf(l.value ? "  Its core dumps are at most %s.\n" : "  It writes no core dump.\n",
                  size(l.value).c_str());
      break;
    case K::Memory:
      std::printf("  It and its children use at most %s of memory (cgroup).\n",
                  size(l.value).c_str());
      break;
    case K::Pids:
      std::printf("  It and its children are at most %llu processes (cgroup).\n",
                  (unsigned long long)l.value);
      break;
    case K::WallTime:
      std::printf("  It is stopped after %llu s (exit 124).\n", (unsigned long long)l.value);
      break;
    case K::Cpu:
      std::printf("  It and its children get at most %llu.%03llu CPUs' worth of time (cgroup cpu "
                  "quota).\n",
                  (unsigned long long)l.value / 1000, (unsigned long long)l.value % 1000);
      break;
    }
  }
  if (p.envClear || !p.envSet.empty()) {
    std::vector<std::string> set;
    for (const runtime::EnvSetting &e : p.envSet)
      set.push_back(e.name + "=" + e.value);
    std::printf("  Its environment is %s%s%s.\n",
                p.envClear ? (p.envPass.empty() ? "empty" : ("only " + join(p.envPass)).c_str())
                           : "the caller's",
                set.empty() ? "" : ", with ", join(set).c_str());
  }
  if (!p.workdir.empty())
    std::printf("  It starts in %s.\n", p.workdir.c_str());
  if (p.detachTerminal)
    std::printf("  It runs without a controlling terminal: it cannot type into yours (TIOCSTI).\n");
  if (!p.commands.empty())
    std::printf("  Only %s may be started, and nothing else can be executed inside.\n",
                join(p.commands).c_str());
  if (!p.guardBlock.empty())
    std::printf("  Guard: shells, interpreters and compilers (%zu name patterns) are refused "
                "before start%s%s.\n",
                p.guardBlock.size(), p.guardAllow.empty() ? "" : ", except ",
                join(p.guardAllow).c_str());
  if (!p.guardPaths.empty())
    std::printf("  Guard: a command line naming %s is refused.\n", join(p.guardPaths).c_str());
  if (!p.guardPatterns.empty())
    std::printf("  Guard: a shell's -c string containing %s is refused.\n",
                join(p.guardPatterns).c_str());
  if (p.hasGuards())
    std::printf("  (Guards check the command line only and are easy to evade; the sandbox "
                "enforces.)\n");
}

void explainLandlock(const runtime::LandlockPolicy &l) {
  if (!l.present) {
    std::printf("Files and network: not restricted by the policy.\n");
    return;
  }
  std::vector<std::string> read, write, exec;
  for (const runtime::LandlockPathRule &r : l.pathRules) {
    if (r.access & (ll::kFsReadFile | ll::kFsReadDir))
      read.push_back(r.path);
    if (r.access & (ll::kFsWriteFile | ll::kFsMakeReg | ll::kFsRemoveFile))
      write.push_back(r.path);
    if (r.access & ll::kFsExecute)
      exec.push_back(r.path);
  }
  if (l.handledFs) {
    // A class of access the policy does not handle is not restricted.
    auto clause = [&](const char *verb, uint64_t rights, const std::vector<std::string> &paths) {
      if (!(l.handledFs & rights))
        return strFormat("%s anything", verb);
      return strFormat("%s %s", verb, paths.empty() ? "nothing" : join(paths).c_str());
    };
    std::printf("Files (Landlock): the command may %s; %s; %s.\n",
                clause("read", ll::kFsReadFile | ll::kFsReadDir, read).c_str(),
                clause("write", ll::kFsWriteFile | ll::kFsMakeReg | ll::kFsRemoveFile, write)
                    .c_str(),
                clause("execute", ll::kFsExecute, exec).c_str());
  }
  if (l.handledNet) {
    std::vector<std::string> connect, bind;
    for (const runtime::LandlockNetRule &r : l.netRules) {
      if (r.access & ll::kNetConnectTcp)
        connect.push_back(std::to_string(r.port));
      if (r.access & ll::kNetBindTcp)
        bind.push_back(std::to_string(r.port));
    }
    std::printf("TCP: it may connect to %s and listen on %s; no other TCP port.\n",
                connect.empty() ? "no port" : ("port " + join(connect)).c_str(),
                bind.empty() ? "no port" : ("port " + join(bind)).c_str());
  }
  if (l.scoped & ll::kScopeAbstractUnixSocket)
    std::printf("It cannot connect to abstract unix sockets outside the sandbox.\n");
  if (l.scoped & ll::kScopeSignal)
    std::printf("It cannot send signals to processes outside the sandbox.\n");
}

} // namespace

int printExplanation(const char *policyPath, const runtime::Policy &policy) {
  std::printf("Policy '%s' (%s):\n", policy.name.c_str(), policyPath);
  explainProcess(policy.process);
  explainLandlock(policy.landlock);
  if (policy.seccomp.empty())
    std::printf("System calls: not filtered.\n");
  else
    std::printf("System calls: a precompiled seccomp filter (%zu architecture program(s)) "
                "decides every one; see kavachc --emit=bpf-asm and --simulate for which.\n",
                policy.seccomp.size());
  std::printf("Always: no_new_privs, so no setuid or file-capability program gains "
              "privileges.\n");
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    die(kExitSetup, errno, "cannot write the explanation to stdout");
  return 0;
}

} // namespace kavach::launch

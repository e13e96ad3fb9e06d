// --backend: choosing where the command runs.
//
// The backends are the rows of compiler/Score/Backends.def (the same table
// kavachc scores with; only its names, probes and programs are read here,
// so the launcher still links no compiler code). The scores and the
// policy's `require score` lines come from policy.bin's Backends section.
//  - process: the ordinary launcher steps (main() goes on);
//  - oci, gvisor: a bundle from the section's config.json template, run by
//    crun/runc or runsc (OciRun.cpp);
//  - noop: the command runs with no sandbox at all, only when asked by
//    name, after a warning;
//  - auto: the highest-scoring backend among process, oci and gvisor that
//    is available here, can enforce the whole policy (gvisor has no
//    Landlock; --best-effort accepts that) and, when the policy has
//    `require score` lines, is named by one and meets it; ties go to the
//    cheaper one (table order). It says on stderr what it picked and why
//    each other one was not.
//  - firecracker, wasm, sgx, sev, tdx, syagnos: scored by kavachc, but this
//    launcher cannot run them; it refuses, saying whether the probe found
//    them here.
#include "launcher/Backend.h"

#include "launcher/Die.h"
#include "launcher/Env.h"
#include "launcher/OciRun.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace kavach::launch {
namespace {

enum class Probe { Always, KernelSeccomp, Binary, BinaryAndKvm, Device, OsRelease };

struct Row {
  const char *name;
  Probe probe;
  const char *how; // space-separated programs, paths or the OS id
};

const Row kRows[] = {
#define KAVACH_BACKEND(Id, Name, Class, Enforces, ProbeKind, How) {Name, Probe::ProbeKind, How},
#include "compiler/Score/Backends.def"
};

const Row *findRow(const char *name) {
  for (const Row &r : kRows)
    if (std::strcmp(r.name, name) == 0)
      return &r;
  return nullptr;
}

std::vector<std::string> words(const char *s) {
  std::vector<std::string> out;
  std::string cur;
  for (const char *p = s;; ++p) {
    if (*p == ' ' || *p == '\0') {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
      if (!*p)
        return out;
    } else {
      cur += *p;
    }
  }
}

bool exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// What the probe found ("runc at /usr/sbin/runc") or what is missing; the
// same checks as kavachc --score's availability column (Probe.cpp), minus
// running `PROGRAM --version`.
bool probe(const Row &row, std::string &detail) {
  switch (row.probe) {
  case Probe::Always:
    detail = "always available";
    return true;
  case Probe::KernelSeccomp:
    detail = exists(row.how) ? "seccomp filters supported" : std::string("no ") + row.how;
    return exists(row.how);
  case Probe::Binary:
  case Probe::BinaryAndKvm: {
    std::string found;
    for (const std::string &prog : words(row.how))
      if (!(found = findProgram(prog.c_str())).empty())
        break;
    bool kvm = row.probe == Probe::Binary || exists("/dev/kvm");
    detail = found.empty() ? std::string("no ") + row.how + " on PATH" : "found " + found;
    if (!kvm)
      detail += ", no /dev/kvm";
    return !found.empty() && kvm;
  }
  case Probe::Device:
    for (const std::string &dev : words(row.how))
      if (exists(dev)) {
        detail = dev + " present";
        return true;
      }
    detail = std::string("no ") + row.how;
    return false;
  case Probe::OsRelease: {
    FILE *f = std::fopen("/etc/os-release", "r");
    char line[256];
    bool match = false;
    std::string want = std::string("ID=") + row.how + "\n";
    while (f && std::fgets(line, sizeof line, f))
      match |= want == line;
    if (f)
      std::fclose(f);
    detail = match ? std::string("running on ") + row.how : std::string("not ") + row.how;
    return match;
  }
  }
  return false;
}

const runtime::BackendScoreEntry *entry(const std::vector<runtime::BackendScoreEntry> &list,
                                        const char *name) {
  for (const runtime::BackendScoreEntry &e : list)
    if (e.backend == name)
      return &e;
  return nullptr;
}

// The policy parts gvisor does not enforce (runsc has no Landlock and no
// user namespace; the bare config has no inner launcher for the command
// allowlist).
std::string gvisorUnenforced(const runtime::Policy &p) {
  std::string out;
  auto add = [&](const char *what) { out += (out.empty() ? "" : ", ") + std::string(what); };
  if (p.landlock.present && (p.landlock.handledFs || !p.landlock.pathRules.empty()))
    add("the filesystem rules (Landlock)");
  // With network none gVisor has no network at all (--network=none), so
  // Landlock's empty TCP allowlist adds nothing it misses.
  if (p.landlock.present && p.landlock.handledNet && !(p.process.namespaces & runtime::kNsNet))
    add("the TCP port rules (Landlock)");
  if (p.landlock.present && p.landlock.scoped)
    add("the Landlock scopes");
  if (!p.process.commands.empty())
    add("the command allowlist");
  // runsc accepts config.json's uid/gid mappings and ignores them (measured).
  if (p.process.namespaces & runtime::kNsUser)
    add("the user namespace");
  return out;
}

const char *pickAuto(const Options &o, const runtime::Policy &p) {
  if (!p.backends.present) {
    std::fprintf(stderr, "kavach-launch: --backend auto: policy.bin has no backend scores "
                         "(an older kavachc, or --no-backend-section): using process\n");
    return "process";
  }
  const char *best = nullptr;
  unsigned bestScore = 0;
  std::string considered;
  for (const char *name : {"process", "oci", "gvisor"}) {
    const runtime::BackendScoreEntry *s = entry(p.backends.scores, name);
    const runtime::BackendScoreEntry *req = entry(p.backends.requirements, name);
    std::string detail;
    bool ok = probe(*findRow(name), detail);
    unsigned score = s ? s->value : 0;
    std::string why;
    if (!ok)
      why = detail;
    else if (req && score < req->value)
      why = strFormat("score %u is below the required %u", score, req->value);
    else if (!req && !p.backends.requirements.empty())
      why = "not named by the policy's `require score` lines";
    else if (std::strcmp(name, "gvisor") == 0 && !gvisorUnenforced(p).empty() && !o.bestEffort)
      why = "cannot enforce " + gvisorUnenforced(p);
    else if (std::strcmp(name, "process") != 0 && geteuid() != 0)
      why = "needs root";
    else if (std::strcmp(name, "process") != 0 &&
             (std::strcmp(name, "oci") == 0 ? p.backends.ociInner : p.backends.ociBare).empty())
      why = "no OCI config in policy.bin (kavachc --backend-configs)";
    considered += strFormat("%s%s %u (%s)", considered.empty() ? "" : ", ", name, score,
                            why.empty() ? "usable" : why.c_str());
    if (why.empty() && (!best || score > bestScore)) {
      best = name;
      bestScore = score;
    }
  }
  if (!best)
    die(kExitSetup, 0, "--backend auto: no backend can run this policy here: %s",
        considered.c_str());
  std::fprintf(stderr, "kavach-launch: --backend auto: using %s (score %u); considered %s\n", best,
               bestScore, considered.c_str());
  return best;
}

[[noreturn]] void runNoop(const Options &o, const runtime::Policy &p) {
  warn("--backend noop enforces NOTHING of policy '%s': the command runs with no sandbox",
       p.name.c_str());
  Environment env = buildEnvironment(p.process, environ);
  execvpe(o.command[0], o.command, env.envp());
  die(errno == ENOENT ? kExitNotFound : kExitCannotExec, errno, "cannot execute %s",
      o.command[0]);
}

} // namespace

bool parseBackendOption(Options &options, int argc, char **argv, int &i) {
  const char *arg = argv[i];
  const char **slot = std::strcmp(arg, "--backend") == 0   ? &options.backend
                      : std::strcmp(arg, "--runtime") == 0 ? &options.runtime
                      : std::strcmp(arg, "--rootfs") == 0  ? &options.rootfs
                                                           : nullptr;
  if (std::strcmp(arg, "--inside-oci") == 0) {
    options.insideOci = true;
    return true;
  }
  if (!slot)
    return false;
  if (i + 1 == argc || *slot)
    die(kExitSetup, 0, i + 1 == argc ? "%s needs a value" : "%s given twice", arg);
  *slot = argv[++i];
  return true;
}

void runOnBackend(const Options &o, const runtime::Policy &p) {
  if (!o.backend && (o.runtime || o.rootfs))
    die(kExitSetup, 0, "--runtime and --rootfs need --backend oci or gvisor");
  if (!o.backend || std::strcmp(o.backend, "process") == 0)
    return;
  const char *name = o.backend;
  if (std::strcmp(name, "auto") == 0)
    name = pickAuto(o, p);
  const Row *row = findRow(name);
  if (!row || std::strcmp(name, "oci-bare") == 0) {
    std::string names;
    for (const Row &r : kRows)
      if (std::strcmp(r.name, "oci-bare") != 0)
        names += std::string(r.name) + ", ";
    die(kExitSetup, 0, "unknown backend '%s' (one of: %sauto)", name, names.c_str());
  }
  if (std::strcmp(name, "process") == 0)
    return;
  if (o.dryRun || o.verify)
    die(kExitSetup, 0, "--dry-run and --verify are for the process backend only");
  if (std::strcmp(name, "noop") == 0)
    runNoop(o, p);
  std::string detail;
  bool available = probe(*row, detail);
  bool oci = std::strcmp(name, "oci") == 0, gvisor = std::strcmp(name, "gvisor") == 0;
  if (!oci && !gvisor)
    die(kExitSetup, 0,
        "kavach-launch cannot run a policy on backend '%s' (kavachc only scores it); "
        "availability here: %s",
        name, detail.c_str());
  if (!available)
    die(kExitSetup, 0, "backend %s is not available here: %s", name, detail.c_str());
  if (gvisor) {
    std::string missing = gvisorUnenforced(p);
    if (!missing.empty() && !o.bestEffort)
      die(kExitSetup, 0, "gvisor cannot enforce %s of policy '%s' (rerun with --best-effort to "
                         "run without them)",
          missing.c_str(), p.name.c_str());
    if (!missing.empty())
      warn("best effort: gvisor does not enforce %s", missing.c_str());
  }
  runContainer(o, p, oci);
}

} // namespace kavach::launch

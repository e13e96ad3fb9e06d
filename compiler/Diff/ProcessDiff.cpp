// Semantic diff of the process set-up (runtime::ProcessPolicy, so it works
// for policy.bin files too).
//
// A setting the policy does not make is compared as what the launcher then
// does: no namespace created, every capability of the caller kept, no limit
// ("unlimited"), the environment passed through, any command allowed. So
// adding a capabilities section drops capabilities (tighter) and removing a
// limit is looser, without special cases.
//
// Directions: fewer namespaces, more capabilities kept, a limit raised or
// removed, a writable root, more environment passed, more commands allowed,
// running as uid/gid 0, and a section newly allowed to degrade
// (on_unsupported best_effort) are looser; the opposites are tighter. A
// different hostname, workdir, env value, supplementary groups or non-root
// uid is just "changed": neither side is obviously stronger.
//
// The key names below are the language's (compiler/Sema/ProcessSema.cpp
// spells the same ones), so the output reads like the policy.
#include "compiler/Diff/DiffParts.h"

#include "runtime/PolicyFormat.h"

#include <sys/capability.h>

#include "llvm/ADT/StringRef.h"

#include <map>
#include <set>

namespace kavach::diff {
namespace {

using runtime::LimitKind;

struct NamedBit {
  const char *name;
  uint32_t bit;
};
constexpr NamedBit kNamespaces[] = {
    {"user", runtime::kNsUser}, {"pid", runtime::kNsPid}, {"mount", runtime::kNsMount},
    {"ipc", runtime::kNsIpc},   {"uts", runtime::kNsUts}, {"net", runtime::kNsNet},
    {"cgroup", runtime::kNsCgroup},
};
constexpr NamedBit kParts[] = {
    {"namespaces", runtime::kProcNamespaces}, {"capabilities", runtime::kProcCapabilities},
    {"limits", runtime::kProcLimits},         {"user", runtime::kProcUser},
    {"rootfs", runtime::kProcRootfs},
};

enum class Unit { Size, Time, Count };
struct LimitName {
  LimitKind kind;
  const char *name;
  Unit unit;
};
constexpr LimitName kLimits[] = {
    {LimitKind::AddressSpace, "address_space", Unit::Size},
    {LimitKind::CpuTime, "cpu_time", Unit::Time},
    {LimitKind::Processes, "processes", Unit::Count},
    {LimitKind::FileSize, "file_size", Unit::Size},
    {LimitKind::OpenFiles, "open_files", Unit::Count},
    {LimitKind::Stack, "stack", Unit::Size},
    {LimitKind::Core, "core", Unit::Size},
    {LimitKind::Memory, "memory", Unit::Size},
    {LimitKind::Pids, "pids", Unit::Count},
    {LimitKind::WallTime, "wall_time", Unit::Time},
    {LimitKind::Cpu, "cpu millicores", Unit::Count},
};

std::string valueText(Unit U, uint64_t V) {
  if (U == Unit::Time)
    return std::to_string(V) + "s";
  if (U == Unit::Size) {
    static const std::pair<const char *, unsigned> Units[] = {
        {"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}};
    for (auto [Suffix, Shift] : Units)
      if (V && V % (1ull << Shift) == 0)
        return std::to_string(V >> Shift) + Suffix;
    return std::to_string(V) + "B";
  }
  return std::to_string(V);
}

// Members of After missing from Before, and of Before missing from After
// (each sorted), as gained/lost lists for a diff row.
struct SetChange {
  std::vector<std::string> gained, lost;
};
SetChange setChange(const std::vector<std::string> &Before, const std::vector<std::string> &After,
                    const std::string &Prefix = "") {
  std::set<std::string> B(Before.begin(), Before.end()), A(After.begin(), After.end());
  SetChange C;
  for (const std::string &X : A)
    if (!B.count(X))
      C.gained.push_back(Prefix + X);
  for (const std::string &X : B)
    if (!A.count(X))
      C.lost.push_back(Prefix + X);
  return C;
}

std::string capName(unsigned C) {
  std::string S;
  if (char *N = cap_to_name(cap_value_t(C))) {
    S = llvm::StringRef(N).upper();
    cap_free(N);
  }
  return S.empty() ? "capability " + std::to_string(C) : S;
}

constexpr uint64_t kAllCaps = (2ull << runtime::kMaxCapability) - 1;

uint64_t capsKept(const runtime::ProcessPolicy &P) {
  return P.capsPresent ? P.capsKeep : kAllCaps;
}

class ProcessDiffer {
public:
  ProcessDiffer(const runtime::ProcessPolicy &O, const runtime::ProcessPolicy &N,
                std::vector<Change> &Out)
      : O(O), N(N), Out(Out) {}

  void run() {
    bits("namespaces", kNamespaces, O.namespaces, N.namespaces, "created", "not created");
    capabilities();
    limits();
    identity();
    flag(&runtime::ProcessPolicy::rootfsReadOnly, true, "rootfs", "read_only", "read-only",
         "writable");
    flag(&runtime::ProcessPolicy::hostDev, false, "rootfs", "dev", "host", "minimal");
    flag(&runtime::ProcessPolicy::detachTerminal, true, "terminal", "detach", "yes", "no");
    flag(&runtime::ProcessPolicy::hostTmp, false, "rootfs", "tmp", "host", "private");
    binds();
    if (O.hostname != N.hostname)
      add(Direction::Changed, "hostname", {"hostname"}, text(O.hostname), text(N.hostname));
    env();
    commands();
    guards();
    if (O.workdir != N.workdir)
      add(Direction::Changed, "workdir", {"workdir"}, text(O.workdir), text(N.workdir));
    // A part newly allowed to degrade is looser: fail closed no longer holds
    // there. Only parts both policies have: the setting means nothing alone.
    uint32_t Both = partsOf(O) & partsOf(N);
    bits("on_unsupported", kParts, N.bestEffort & Both, O.bestEffort & Both, "fail",
         "best_effort");
  }

private:
  static std::string text(const std::string &S) { return S.empty() ? "unchanged" : S; }

  // A new bind, or a read-only one made writable, shows the sandbox more
  // of the host: looser; the reverse is tighter. Keyed by target.
  void binds() {
    auto find = [](const runtime::ProcessPolicy &P, const std::string &Target) {
      for (const runtime::BindMount &B : P.binds)
        if (B.target == Target)
          return &B;
      return static_cast<const runtime::BindMount *>(nullptr);
    };
    auto show = [](const runtime::BindMount *B) {
      return B ? B->source + (B->readOnly ? " (read-only)" : "") : std::string("none");
    };
    for (const runtime::BindMount &B : N.binds) {
      const runtime::BindMount *Old = find(O, B.target);
      if (Old && *Old == B)
        continue;
      Direction D = !Old || Old->source != B.source || (Old->readOnly && !B.readOnly)
                        ? Direction::Looser
                        : Direction::Tighter;
      add(D, "rootfs", {"bind " + B.target}, show(Old), show(&B));
    }
    for (const runtime::BindMount &B : O.binds)
      if (!find(N, B.target))
        add(Direction::Tighter, "rootfs", {"bind " + B.target}, show(&B), "none");
    // A tmpfs hides what the host has at its path: a new one is tighter.
    SetChange T = setChange(O.tmpfs, N.tmpfs);
    for (const std::string &P : T.gained)
      add(Direction::Tighter, "rootfs", {"tmpfs " + P}, "the host's", "empty tmpfs");
    for (const std::string &P : T.lost)
      add(Direction::Looser, "rootfs", {"tmpfs " + P}, "empty tmpfs", "the host's");
  }

  // The kProc* parts a policy sets up at all.
  static uint32_t partsOf(const runtime::ProcessPolicy &P) {
    return (P.namespaces ? runtime::kProcNamespaces : 0) |
           (P.capsPresent ? runtime::kProcCapabilities : 0) |
           (P.limits.empty() ? 0 : runtime::kProcLimits) |
           (P.hasUid || P.hasGid || P.hasGroups ? runtime::kProcUser : 0) |
           (P.rootfsReadOnly ? runtime::kProcRootfs : 0);
  }

  void add(Direction D, const char *Area, std::vector<std::string> Subjects, std::string Before,
           std::string After, std::string Detail = "") {
    Out.push_back({D, Area, "", std::move(Subjects), std::move(Before), std::move(After),
                   std::move(Detail)});
  }

  // A bit set in `Before` but not in `After` is looser: the restriction the
  // bit stands for (`On`) is gone (`Off`).
  template <size_t K>
  void bits(const char *Area, const NamedBit (&Table)[K], uint32_t Before, uint32_t After,
            const char *On, const char *Off) {
    std::vector<std::string> Lost, Gained;
    for (const NamedBit &B : Table) {
      if ((Before & B.bit) && !(After & B.bit))
        Lost.push_back(B.name);
      if (!(Before & B.bit) && (After & B.bit))
        Gained.push_back(B.name);
    }
    if (!Lost.empty())
      add(Direction::Looser, Area, Lost, On, Off);
    if (!Gained.empty())
      add(Direction::Tighter, Area, Gained, Off, On);
  }

  void capabilities() {
    uint64_t Before = capsKept(O), After = capsKept(N);
    std::vector<std::string> Kept, Dropped;
    for (unsigned C = 0; C <= runtime::kMaxCapability; ++C) {
      uint64_t Bit = 1ull << C;
      if (!(Before & Bit) && (After & Bit))
        Kept.push_back(capName(C));
      if ((Before & Bit) && !(After & Bit))
        Dropped.push_back(capName(C));
    }
    auto Note = [](const runtime::ProcessPolicy &P) {
      return P.capsPresent ? "" : "no capabilities section: the caller's are kept";
    };
    if (!Kept.empty())
      add(Direction::Looser, "capabilities", Kept, "dropped", "kept", Note(N));
    if (!Dropped.empty())
      add(Direction::Tighter, "capabilities", Dropped, "kept", "dropped", Note(O));
  }

  void limits() {
    for (const LimitName &L : kLimits) {
      const runtime::Limit *B = O.limit(L.kind), *A = N.limit(L.kind);
      if (!B && !A)
        continue;
      if (B && A && B->value == A->value)
        continue;
      // No limit is the largest value.
      bool Looser = !A || (B && A->value > B->value);
      add(Looser ? Direction::Looser : Direction::Tighter, "limits", {L.name},
          B ? valueText(L.unit, B->value) : "unlimited",
          A ? valueText(L.unit, A->value) : "unlimited");
    }
  }

  // A yes/no setting: turning it on is tighter when `OnIsTighter`.
  void flag(bool runtime::ProcessPolicy::*F, bool OnIsTighter, const char *Section,
            const char *Key, const char *OnText, const char *OffText) {
    bool B = O.*F, A = N.*F;
    if (B == A)
      return;
    add(A == OnIsTighter ? Direction::Tighter : Direction::Looser, Section, {Key},
        B ? OnText : OffText, A ? OnText : OffText);
  }

  void id(const char *Key, bool HasB, uint32_t B, bool HasA, uint32_t A) {
    if (HasB == HasA && B == A)
      return;
    bool RootB = HasB && B == 0, RootA = HasA && A == 0;
    Direction D = RootA && !RootB ? Direction::Looser
                  : RootB && HasA && !RootA ? Direction::Tighter
                                            : Direction::Changed;
    add(D, "user", {Key}, HasB ? std::to_string(B) : "unchanged",
        HasA ? std::to_string(A) : "unchanged");
  }

  void identity() {
    id("uid", O.hasUid, O.uid, N.hasUid, N.uid);
    id("gid", O.hasGid, O.gid, N.hasGid, N.gid);
    if (O.hasGroups != N.hasGroups || O.groups != N.groups) {
      auto List = [](const runtime::ProcessPolicy &P) {
        if (!P.hasGroups)
          return std::string("unchanged");
        std::string S;
        for (uint32_t G : P.groups)
          S += (S.empty() ? "" : ", ") + std::to_string(G);
        return S.empty() ? std::string("none") : S;
      };
      add(Direction::Changed, "user", {"groups"}, List(O), List(N));
    }
    // host_ids: gaining a range is tighter (the sandbox's root stops being
    // the host's), losing it looser, moving it a change.
    if (O.hostIdBase != N.hostIdBase || O.hostIdCount != N.hostIdCount) {
      auto Range = [](const runtime::ProcessPolicy &P) {
        return P.hostIdCount ? std::to_string(P.hostIdBase) + ".." +
                                   std::to_string(uint64_t(P.hostIdBase) + P.hostIdCount - 1)
                             : std::string("not remapped");
      };
      Direction D = !O.hostIdCount ? Direction::Tighter
                    : !N.hostIdCount ? Direction::Looser
                                     : Direction::Changed;
      add(D, "user", {"host_ids"}, Range(O), Range(N));
    }
  }

  void env() {
    if (O.envClear != N.envClear)
      add(N.envClear ? Direction::Tighter : Direction::Looser, "env", {"clear"},
          O.envClear ? "cleared, only listed variables pass" : "inherited",
          N.envClear ? "cleared, only listed variables pass" : "inherited");
    if (O.envClear && N.envClear) {
      SetChange C = setChange(O.envPass, N.envPass);
      if (!C.gained.empty())
        add(Direction::Looser, "env", C.gained, "not passed", "passed");
      if (!C.lost.empty())
        add(Direction::Tighter, "env", C.lost, "passed", "not passed");
    }
    // Values set: the last setting of a name wins (they apply in order).
    std::map<std::string, std::string> B, A;
    for (const runtime::EnvSetting &S : O.envSet)
      B[S.name] = S.value;
    for (const runtime::EnvSetting &S : N.envSet)
      A[S.name] = S.value;
    std::set<std::string> Names;
    for (auto *M : {&B, &A})
      for (auto &KV : *M)
        Names.insert(KV.first);
    for (const std::string &Name : Names) {
      auto IB = B.find(Name), IA = A.find(Name);
      std::string VB = IB == B.end() ? "not set" : "\"" + IB->second + "\"";
      std::string VA = IA == A.end() ? "not set" : "\"" + IA->second + "\"";
      if (VB != VA)
        add(Direction::Changed, "env", {"set " + Name}, VB, VA);
    }
  }

  void commands() {
    std::set<std::string> B(O.commands.begin(), O.commands.end()),
        A(N.commands.begin(), N.commands.end());
    if (B == A)
      return;
    if (B.empty() || A.empty()) {
      const std::set<std::string> &List = B.empty() ? A : B;
      std::string S;
      for (const std::string &C : List)
        S += (S.empty() ? "" : ", ") + C;
      add(B.empty() ? Direction::Tighter : Direction::Looser, "commands", {"allowlist"},
          B.empty() ? "any command" : S, A.empty() ? "any command" : S);
      return;
    }
    SetChange C = setChange(O.commands, N.commands);
    if (!C.gained.empty())
      add(Direction::Looser, "commands", C.gained, "not allowed", "allowed");
    if (!C.lost.empty())
      add(Direction::Tighter, "commands", C.lost, "allowed", "not allowed");
  }

  // Guards (argv checks): each list entry gained is tighter, lost looser,
  // except allowed names, where it is the other way round.
  void guards() {
    struct List {
      const char *subject;
      const std::vector<std::string> &before, &after;
      bool restricts;
    } Lists[] = {{"blocked command", O.guardBlock, N.guardBlock, true},
                 {"allowed command", O.guardAllow, N.guardAllow, false},
                 {"sensitive path", O.guardPaths, N.guardPaths, true},
                 {"shell", O.guardShells, N.guardShells, true},
                 {"injection pattern", O.guardPatterns, N.guardPatterns, true}};
    for (const List &L : Lists) {
      SetChange C = setChange(L.before, L.after, std::string(L.subject) + " ");
      if (!C.gained.empty())
        add(L.restricts ? Direction::Tighter : Direction::Looser, "guards", C.gained, "absent",
            "present");
      if (!C.lost.empty())
        add(L.restricts ? Direction::Looser : Direction::Tighter, "guards", C.lost, "present",
            "absent");
    }
  }

  const runtime::ProcessPolicy &O, &N;
  std::vector<Change> &Out;
};

} // namespace

void diffProcess(const Side &Old, const Side &New, std::vector<Change> &Out) {
  ProcessDiffer(Old.policy.process, New.policy.process, Out).run();
}

} // namespace kavach::diff

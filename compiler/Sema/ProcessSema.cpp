// The process sections: namespaces, hostname, rootfs, user, capabilities,
// limits, cpu, env, commands and guards. They use the generic statement grammar (`stmt`
// / `word` in grammar/Kavach.g4), so this file checks every word: unknown
// keys, namespaces and capabilities get a did-you-mean, sizes and times need
// a unit, numbers are range-checked.
//
// Merging down the extends chain (sections are visited root first):
//   namespaces       union: a child can add namespaces, never remove one;
//   hostname         the most derived one wins (implies the uts namespace);
//   rootfs read_only sticky; dev, tmp, bind, tmpfs: see RootfsSema.cpp;
//   user             per key (uid, gid, groups), the most derived wins;
//   capabilities     the most derived section decides the whole set;
//   limits, cpu      per limit, the most derived wins (`cpu { millicores N; }`
//                    is the cgroup cpu quota, stored as a limit);
//   env              `clear` is sticky; set/pass accumulate, a later `set`
//                    of the same name wins;
//   commands         the most derived section's list replaces the parent's;
//   guards           accumulate: a child can turn a guard on and add allowed
//                    names or sensitive paths, never turn one off.
// `on_unsupported` inside namespaces/capabilities/limits/cpu/user/rootfs
// sets that part's best-effort bit (cpu shares the limits bit); the
// policy-wide one sets all of them. env, commands and guards never degrade.
//
// Capability names come from libcap (cap_from_name), so they match the
// launcher's libcap exactly; what the running kernel lacks is the
// launcher's business. The guards' built-in lists (which commands are
// shells or compilers, which paths are sensitive) are the Process backend's
// (Guards.def); Sema only records which guards are on.
#include "compiler/Sema/SemaContext.h"

#include "runtime/PolicyFormat.h"

#include <sys/capability.h>

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace llvm;

namespace kavach::sema {
namespace {

using runtime::LimitKind;

struct NamedBit {
  const char *name;
  uint32_t bit;
};
const NamedBit kNamespaces[] = {
    {"user", runtime::kNsUser},     {"pid", runtime::kNsPid}, {"mount", runtime::kNsMount},
    {"ipc", runtime::kNsIpc},       {"uts", runtime::kNsUts}, {"net", runtime::kNsNet},
    {"cgroup", runtime::kNsCgroup},
};

enum class Unit { Size, Time, Count };
struct LimitName {
  const char *name;
  LimitKind kind;
  Unit unit;
};
// The key, the mechanism (docs/language.md has the table), the unit.
const LimitName kLimits[] = {
    {"address_space", LimitKind::AddressSpace, Unit::Size}, // RLIMIT_AS
    {"cpu_time", LimitKind::CpuTime, Unit::Time},           // RLIMIT_CPU
    {"processes", LimitKind::Processes, Unit::Count},       // RLIMIT_NPROC
    {"file_size", LimitKind::FileSize, Unit::Size},         // RLIMIT_FSIZE
    {"open_files", LimitKind::OpenFiles, Unit::Count},      // RLIMIT_NOFILE
    {"stack", LimitKind::Stack, Unit::Size},                // RLIMIT_STACK
    {"core", LimitKind::Core, Unit::Size},                  // RLIMIT_CORE
    {"memory", LimitKind::Memory, Unit::Size},              // cgroup memory
    {"pids", LimitKind::Pids, Unit::Count},                 // cgroup pids
    {"wall_time", LimitKind::WallTime, Unit::Time},         // supervisor
};

struct UnitScale {
  const char *suffix;
  uint64_t scale;
};
const UnitScale kSizeUnits[] = {{"B", 1},          {"KiB", 1ull << 10}, {"MiB", 1ull << 20},
                                {"GiB", 1ull << 30}, {"TiB", 1ull << 40}};
const UnitScale kTimeUnits[] = {{"s", 1}, {"min", 60}, {"h", 3600}};

bool is(const ast::Word &W, StringRef T) {
  return W.kind == ast::Word::Kind::Ident && W.text == T;
}

std::vector<std::string> capabilityNames() {
  std::vector<std::string> Out;
  for (int C = 0; C <= int(runtime::kMaxCapability); ++C) {
    char *N = cap_to_name(cap_value_t(C));
    if (!N)
      continue;
    std::string S = StringRef(N).upper();
    cap_free(N);
    if (StringRef(S).startswith("CAP_"))
      Out.push_back(S);
  }
  return Out;
}

class ProcessPass {
public:
  ProcessPass(SemaContext &Ctx, ir::ProcessIR &IR) : Ctx(Ctx), D(Ctx.diags), IR(IR) {}

  bool section(const ast::Section &S) {
    const std::string &N = S.name.text;
    void (ProcessPass::*Fn)(const ast::Section &) = nullptr;
    uint32_t Part = 0;
    if (N == "namespaces")
      Fn = &ProcessPass::namespaces, Part = runtime::kProcNamespaces;
    else if (N == "hostname")
      Fn = &ProcessPass::hostnameSection;
    else if (N == "rootfs")
      Fn = &ProcessPass::rootfs, Part = runtime::kProcRootfs;
    else if (N == "user")
      Fn = &ProcessPass::user, Part = runtime::kProcUser;
    else if (N == "capabilities")
      Fn = &ProcessPass::capabilities, Part = runtime::kProcCapabilities;
    else if (N == "limits")
      Fn = &ProcessPass::limits, Part = runtime::kProcLimits;
    else if (N == "cpu")
      Fn = &ProcessPass::cpu, Part = runtime::kProcLimits;
    else if (N == "guards")
      Fn = &ProcessPass::guards;
    else if (N == "env")
      Fn = &ProcessPass::env;
    else if (N == "commands")
      Fn = &ProcessPass::commands;
    else
      return false;
    IR.present = true;
    CurrentPart = Part;
    (this->*Fn)(S);
    return true;
  }

  void hostnameStmt(const ast::Stmt &S) {
    IR.present = true;
    if (S.words.size() != 2) {
      D.error(S.range, "expected 'hostname \"NAME\";'");
      return;
    }
    setHostname(S.words[1]);
  }

private:
  // `on_unsupported fail|best_effort;` inside a section with a best-effort bit.
  bool onUnsupported(const ast::Stmt &St) {
    if (St.words.front().text != "on_unsupported")
      return false;
    if (!CurrentPart) {
      D.error(St.range, "'on_unsupported' has no effect here: this section is never degraded");
      return true;
    }
    if (St.words.size() != 2) {
      D.error(St.range, "expected 'on_unsupported fail;' or 'on_unsupported best_effort;'");
      return true;
    }
    ast::OnUnsupported O{{St.words[1].text, St.words[1].range}, St.range};
    if (auto B = convertOnUnsupported(Ctx, O))
      IR.bestEffort = *B ? IR.bestEffort | CurrentPart : IR.bestEffort & ~CurrentPart;
    return true;
  }

  void unknownKey(const ast::Word &W, StringRef Section, ArrayRef<std::string> Keys) {
    D.error(W.range, "unknown " + Section + " statement '" + W.text + "'");
    D.suggest(W.range, W.text, Keys);
  }

  void namespaces(const ast::Section &S) {
    IR.namespacesRange = S.name.range;
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupported(St))
        continue;
      for (const ast::Word &W : St.words) {
        const NamedBit *Found = nullptr;
        for (const NamedBit &N : kNamespaces)
          if (is(W, N.name))
            Found = &N;
        if (Found) {
          IR.namespaces |= Found->bit;
          continue;
        }
        D.error(W.range, "unknown namespace '" + W.text + "'");
        std::vector<std::string> C;
        for (const NamedBit &N : kNamespaces)
          C.push_back(N.name);
        D.suggest(W.range, W.text, C);
      }
    }
  }

  void setHostname(const ast::Word &W) {
    if (W.kind != ast::Word::Kind::String) {
      D.error(W.range, "expected a host name in double quotes");
      return;
    }
    bool Valid = !W.text.empty() && W.text.size() <= runtime::kMaxHostnameLen &&
                 std::all_of(W.text.begin(), W.text.end(), [](char C) {
                   return llvm::isAlnum(C) || C == '-' || C == '.';
                 });
    if (!Valid) {
      D.error(W.range, "host name '" + W.text + "' is not valid: 1-" +
                           Twine(runtime::kMaxHostnameLen) +
                           " letters, digits, '-' and '.'");
      return;
    }
    IR.hostname = W.text;
    IR.hostnameRange = W.range;
  }

  void hostnameSection(const ast::Section &S) {
    for (const ast::Stmt &St : S.stmts) {
      if (St.words.size() != 1) {
        D.error(St.range, "expected 'hostname { \"NAME\"; }' (or 'hostname \"NAME\";')");
        continue;
      }
      setHostname(St.words[0]);
    }
  }

  void rootfs(const ast::Section &S) {
    RootfsTargets Seen; // this section's bind targets
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupported(St))
        continue;
      const ast::Word &W = St.words.front();
      if (is(W, "read_only") && St.words.size() == 1) {
        IR.rootfsReadOnly = true;
        IR.rootfsRange = St.range;
        continue;
      }
      if (is(W, "read_only")) {
        D.error(St.range, "'read_only' takes no arguments");
        continue;
      }
      if (analyzeRootfsMount(Ctx, St, IR, Seen)) // dev, tmp, bind, tmpfs
        continue;
      unknownKey(W, "rootfs", {"read_only", "dev", "tmp", "bind", "tmpfs", "on_unsupported"});
    }
  }

  std::optional<uint32_t> id(const ast::Word &W) {
    if (W.kind != ast::Word::Kind::Int || !W.atom.unit.empty() || W.atom.overflow ||
        W.atom.value >= 0xffffffffu) {
      D.error(W.range, "expected a numeric id (0-4294967294)");
      return std::nullopt;
    }
    return uint32_t(W.atom.value);
  }

  // host_ids BASE [count N];  (N defaults to 65536, as Docker's remap range)
  void hostIds(const ast::Stmt &St) {
    const std::vector<ast::Word> &W = St.words;
    bool Shape = W.size() == 2 || (W.size() == 4 && is(W[2], "count"));
    if (!Shape) {
      D.error(St.range, "expected 'host_ids BASE;' or 'host_ids BASE count N;'");
      return;
    }
    std::optional<uint32_t> Base = id(W[1]);
    std::optional<uint32_t> Count = W.size() == 4 ? id(W[3]) : std::optional<uint32_t>(65536);
    if (!Base || !Count)
      return;
    if (*Base == 0) {
      D.error(W[1].range, "host_ids 0 would make the sandbox's root the host's root");
      return;
    }
    if (*Count == 0 || uint64_t(*Base) + *Count > 0xffffffffu) {
      D.error(St.range, "host ids " + Twine(*Base) + ".." + Twine(uint64_t(*Base) + *Count) +
                            " are not a range of valid ids (count >= 1, last id below "
                            "4294967295)");
      return;
    }
    IR.hostIds = ir::ProcessIR::HostIds{*Base, *Count, St.range};
  }

  void user(const ast::Section &S) {
    IR.userRange = S.name.range;
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupported(St))
        continue;
      const ast::Word &W = St.words.front();
      if (is(W, "uid") || is(W, "gid")) {
        if (St.words.size() != 2) {
          D.error(St.range, "expected '" + W.text + " N;'");
          continue;
        }
        if (auto V = id(St.words[1])) {
          (is(W, "uid") ? IR.uid : IR.gid) = *V;
          (is(W, "uid") ? IR.uidRange : IR.gidRange) = St.range;
        }
        continue;
      }
      if (is(W, "groups")) {
        std::vector<uint32_t> G; // `groups;` alone: no supplementary groups
        bool Ok = true;
        for (size_t I = 1; I < St.words.size(); ++I)
          if (auto V = id(St.words[I])) {
            if (std::find(G.begin(), G.end(), *V) == G.end())
              G.push_back(*V);
          } else {
            Ok = false;
          }
        if (Ok) {
          IR.groups = std::move(G);
          IR.groupsRange = St.range;
        }
        continue;
      }
      if (is(W, "host_ids")) {
        hostIds(St);
        continue;
      }
      unknownKey(W, "user", {"uid", "gid", "groups", "host_ids", "on_unsupported"});
    }
  }

  std::optional<unsigned> capability(const ast::Word &W) {
    if (W.kind == ast::Word::Kind::Ident && StringRef(W.text).startswith("CAP_")) {
      cap_value_t V;
      if (cap_from_name(StringRef(W.text).lower().c_str(), &V) == 0 && V >= 0 &&
          unsigned(V) <= runtime::kMaxCapability)
        return unsigned(V);
    }
    D.error(W.range, "unknown capability '" + W.text + "'");
    std::vector<std::string> Names = capabilityNames();
    D.suggest(W.range, W.text, Names);
    return std::nullopt;
  }

  void capabilities(const ast::Section &S) {
    // The most derived section decides: start from nothing kept.
    IR.capsPresent = true;
    IR.capsKeep = 0;
    IR.capsRange = S.name.range;
    const uint64_t All = (uint64_t(2) << runtime::kMaxCapability) - 1;
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupported(St))
        continue;
      const ast::Word &W = St.words.front();
      bool Keep = is(W, "keep");
      if (!Keep && !is(W, "drop")) {
        unknownKey(W, "capabilities", {"drop", "keep", "on_unsupported"});
        continue;
      }
      if (St.words.size() < 2) {
        D.error(St.range, "'" + W.text + "' needs 'all' or capability names");
        continue;
      }
      for (size_t I = 1; I < St.words.size(); ++I) {
        const ast::Word &C = St.words[I];
        uint64_t Bits;
        if (is(C, "all"))
          Bits = All;
        else if (auto V = capability(C))
          Bits = uint64_t(1) << *V;
        else
          continue;
        IR.capsKeep = Keep ? IR.capsKeep | Bits : IR.capsKeep & ~Bits;
      }
    }
  }

  std::optional<uint64_t> scaled(const ast::Word &W, const LimitName &L) {
    if (W.kind != ast::Word::Kind::Int || W.atom.overflow) {
      D.error(W.range, "expected a number for '" + Twine(L.name) + "'");
      return std::nullopt;
    }
    if (L.unit == Unit::Count) {
      if (!W.atom.unit.empty()) {
        D.error(W.range, "'" + Twine(L.name) + "' is a count and takes no unit");
        return std::nullopt;
      }
      return W.atom.value;
    }
    ArrayRef<UnitScale> Units = L.unit == Unit::Size ? ArrayRef(kSizeUnits) : ArrayRef(kTimeUnits);
    StringRef Kind = L.unit == Unit::Size ? "size" : "time";
    if (W.atom.unit.empty()) {
      if (W.atom.value == 0 && L.unit == Unit::Size)
        return 0;
      D.error(W.range, "'" + Twine(L.name) + "' is a " + Kind + " and needs a unit (" +
                           (L.unit == Unit::Size ? "B, KiB, MiB, GiB, TiB" : "s, min, h") +
                           "), e.g. '" + W.text + (L.unit == Unit::Size ? "MiB'" : "s'"));
      return std::nullopt;
    }
    for (const UnitScale &U : Units)
      if (W.atom.unit == U.suffix) {
        if (W.atom.value > UINT64_MAX / U.scale) {
          D.error(W.range, "'" + W.text + "' does not fit in 64 bits");
          return std::nullopt;
        }
        return W.atom.value * U.scale;
      }
    D.error(W.range, "unknown " + Kind + " unit '" + W.atom.unit + "'");
    std::vector<std::string> C;
    for (const UnitScale &U : Units)
      C.push_back(U.suffix);
    D.suggest(W.range, W.atom.unit, C);
    return std::nullopt;
  }

  void limits(const ast::Section &S) {
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupported(St))
        continue;
      const ast::Word &W = St.words.front();
      const LimitName *L = nullptr;
      for (const LimitName &N : kLimits)
        if (is(W, N.name))
          L = &N;
      if (!L) {
        std::vector<std::string> C;
        for (const LimitName &N : kLimits)
          C.push_back(N.name);
        C.push_back("on_unsupported");
        unknownKey(W, "limits", C);
        continue;
      }
      if (St.words.size() != 2) {
        D.error(St.range, "expected '" + W.text + " VALUE;'");
        continue;
      }
      std::optional<uint64_t> V = scaled(St.words[1], *L);
      if (!V)
        continue;
      if ((L->kind == LimitKind::Pids || L->kind == LimitKind::WallTime ||
           L->kind == LimitKind::Memory) &&
          *V == 0) {
        D.error(St.words[1].range, "'" + W.text + " 0' would stop the command from running");
        continue;
      }
      setLimit(L->kind, *V, St.range);
    }
  }

  void setLimit(LimitKind Kind, uint64_t V, SMRange R) {
    auto It = std::find_if(IR.limits.begin(), IR.limits.end(),
                           [&](const ir::ProcessLimit &X) { return X.kind == Kind; });
    if (It != IR.limits.end())
      *It = {Kind, V, R};
    else
      IR.limits.push_back({Kind, V, R});
    std::sort(IR.limits.begin(), IR.limits.end(),
              [](const ir::ProcessLimit &A, const ir::ProcessLimit &B) { return A.kind < B.kind; });
  }

  // `cpu { millicores N; }`: CPU time per wall time, 1000 = one CPU. The
  // launcher writes a quota per 100 ms period, so the kernel's 1 ms minimum
  // quota makes 10 the smallest value.
  void cpu(const ast::Section &S) {
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupported(St))
        continue;
      const ast::Word &W = St.words.front();
      if (!is(W, "millicores")) {
        unknownKey(W, "cpu", {"millicores", "on_unsupported"});
        continue;
      }
      if (St.words.size() != 2 || St.words[1].kind != ast::Word::Kind::Int ||
          !St.words[1].atom.unit.empty() || St.words[1].atom.overflow) {
        D.error(St.range, "expected 'millicores N;' (1000 = one CPU)");
        continue;
      }
      uint64_t V = St.words[1].atom.value;
      if (V < runtime::kMinCpuMillicores || V > runtime::kMaxCpuMillicores) {
        D.error(St.words[1].range, "'millicores' must be " + Twine(runtime::kMinCpuMillicores) +
                                       ".." + Twine(runtime::kMaxCpuMillicores) +
                                       " (1000 = one CPU)");
        continue;
      }
      setLimit(LimitKind::Cpu, V, St.range);
    }
  }

  // A command name for `guards { allow ...; }`: a basename, as typed or as
  // it resolves (`sh` and `dash` are different names).
  static bool validCommandName(StringRef N) {
    return !N.empty() && N.size() <= 255 && !N.contains('/') && N != "." && N != "..";
  }

  void guards(const ast::Section &S) {
    IR.guardsPresent = true;
    IR.guardsRange = S.name.range;
    for (const ast::Stmt &St : S.stmts) {
      const ast::Word &W = St.words.front();
      bool *Flag = is(W, "block_commands")    ? &IR.guardBlockCommands
                   : is(W, "sensitive_paths") ? &IR.guardSensitivePaths
                   : is(W, "shell_injection") ? &IR.guardShellInjection
                                              : nullptr;
      if (Flag) {
        if (St.words.size() != 1)
          D.error(St.range, "'" + W.text + "' takes no arguments");
        *Flag = true;
        continue;
      }
      bool Allow = is(W, "allow");
      if (!Allow && !is(W, "sensitive")) {
        if (W.text == "on_unsupported")
          D.error(St.range, "'on_unsupported' has no effect here: guards are never degraded");
        else
          unknownKey(W, "guards",
                     {"block_commands", "allow", "sensitive_paths", "sensitive", "shell_injection"});
        continue;
      }
      if (St.words.size() < 2)
        D.error(St.range, "'" + W.text + "' needs at least one " +
                              (Allow ? "command name" : "path"));
      for (size_t I = 1; I < St.words.size(); ++I) {
        const ast::Word &P = St.words[I];
        std::vector<std::string> &List = Allow ? IR.guardAllow : IR.guardExtraPaths;
        bool Ok = P.kind == ast::Word::Kind::String &&
                  (Allow ? validCommandName(P.text)
                         : (StringRef(P.text).startswith("/") ||
                            StringRef(P.text).startswith("${HOME}/")) &&
                               P.text.size() <= runtime::kMaxPathLen);
        if (!Ok) {
          D.error(P.range, Allow ? "expected a command name in double quotes, without '/' "
                                   "(e.g. \"python3\")"
                                 : "expected an absolute path or one under \"${HOME}/\" in "
                                   "double quotes");
          continue;
        }
        if (std::find(List.begin(), List.end(), P.text) == List.end())
          List.push_back(P.text);
      }
    }
    if (!IR.guardBlockCommands && !IR.guardSensitivePaths && !IR.guardShellInjection &&
        IR.guardExtraPaths.empty())
      D.error(S.name.range, "a 'guards' section must turn on at least one guard "
                            "(block_commands, sensitive_paths, sensitive, shell_injection)");
    else if (!IR.guardAllow.empty() && !IR.guardBlockCommands)
      D.warning("inert-rule", S.name.range, "'allow' has no effect without 'block_commands'");
  }

  static bool validEnvName(StringRef N) {
    return !N.empty() && !llvm::isDigit(N[0]) &&
           std::all_of(N.begin(), N.end(), [](char C) { return llvm::isAlnum(C) || C == '_'; });
  }

  void env(const ast::Section &S) {
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupported(St))
        continue;
      const ast::Word &W = St.words.front();
      if (is(W, "clear")) {
        if (St.words.size() != 1)
          D.error(St.range, "'clear' takes no arguments");
        IR.envClear = true;
        continue;
      }
      if (is(W, "pass")) {
        if (St.words.size() < 2)
          D.error(St.range, "'pass' needs variable names");
        for (size_t I = 1; I < St.words.size(); ++I) {
          const ast::Word &N = St.words[I];
          if (N.kind != ast::Word::Kind::Ident || !validEnvName(N.text)) {
            D.error(N.range, "expected a variable name");
            continue;
          }
          if (std::find(IR.envPass.begin(), IR.envPass.end(), N.text) == IR.envPass.end())
            IR.envPass.push_back(N.text);
        }
        continue;
      }
      if (is(W, "set")) {
        if (St.words.size() != 4 || St.words[2].text != "=" ||
            St.words[2].kind != ast::Word::Kind::Punct ||
            St.words[3].kind != ast::Word::Kind::String) {
          D.error(St.range, "expected 'set NAME = \"VALUE\";'");
          continue;
        }
        const ast::Word &N = St.words[1];
        if (N.kind != ast::Word::Kind::Ident || !validEnvName(N.text)) {
          D.error(N.range, "expected a variable name");
          continue;
        }
        auto It = std::find_if(IR.envSet.begin(), IR.envSet.end(),
                               [&](const auto &E) { return E.first == N.text; });
        if (It != IR.envSet.end())
          It->second = St.words[3].text;
        else
          IR.envSet.push_back({N.text, St.words[3].text});
        continue;
      }
      if (is(W, "workdir")) {
        if (St.words.size() != 2 || St.words[1].kind != ast::Word::Kind::String ||
            !StringRef(St.words[1].text).startswith("/")) {
          D.error(St.range, "expected 'workdir \"/ABSOLUTE/PATH\";'");
          continue;
        }
        IR.workdir = St.words[1].text;
        continue;
      }
      unknownKey(W, "env", {"clear", "pass", "set", "workdir"});
    }
  }

  void commands(const ast::Section &S) {
    IR.commands.clear(); // the most derived list replaces the parent's
    IR.commandsRange = S.name.range;
    for (const ast::Stmt &St : S.stmts) {
      const ast::Word &W = St.words.front();
      if (!is(W, "allow")) {
        unknownKey(W, "commands", {"allow"});
        continue;
      }
      if (St.words.size() < 2)
        D.error(St.range, "'allow' needs at least one path");
      for (size_t I = 1; I < St.words.size(); ++I) {
        const ast::Word &P = St.words[I];
        if (P.kind != ast::Word::Kind::String || !StringRef(P.text).startswith("/") ||
            P.text.size() > runtime::kMaxPathLen) {
          D.error(P.range, "expected an absolute path in double quotes");
          continue;
        }
        if (std::find(IR.commands.begin(), IR.commands.end(), P.text) == IR.commands.end())
          IR.commands.push_back(P.text);
      }
    }
    if (IR.commands.empty())
      D.error(S.name.range, "a 'commands' section must allow at least one command");
  }

  SemaContext &Ctx;
  DiagnosticEngine &D;
  ir::ProcessIR &IR;
  uint32_t CurrentPart = 0;
};

} // namespace

bool analyzeProcessSection(SemaContext &Ctx, const ast::Section &S, ir::ProcessIR &IR) {
  return ProcessPass(Ctx, IR).section(S);
}

void analyzeHostnameStmt(SemaContext &Ctx, const ast::Stmt &S, ir::ProcessIR &IR) {
  ProcessPass(Ctx, IR).hostnameStmt(S);
}

// After the whole extends chain: every id the command runs as must be one of
// the mapped ones (an unmapped id cannot be set in the user namespace).
void checkHostIds(SemaContext &Ctx, const ir::ProcessIR &IR) {
  if (!IR.hostIds)
    return;
  auto Check = [&](const char *What, uint32_t Id, llvm::SMRange SetAt) {
    if (Id < IR.hostIds->count)
      return;
    Ctx.diags.error(IR.hostIds->range, Twine(What) + " " + Twine(Id) + " is not among the " +
                                           Twine(IR.hostIds->count) +
                                           " ids that 'host_ids' maps (0.." +
                                           Twine(IR.hostIds->count - 1) + ")");
    Ctx.diags.note(SetAt, "the identity is set here");
  };
  Check("uid", IR.uid.value_or(0), IR.uidRange);
  Check("gid", IR.gid.value_or(0), IR.gidRange);
  if (IR.groups)
    for (uint32_t G : *IR.groups)
      Check("group", G, IR.groupsRange);
}

} // namespace kavach::sema

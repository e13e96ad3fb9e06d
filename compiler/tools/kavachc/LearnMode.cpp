// kavachc --learn-write TRACE... -o OUT.kv: the second half of
// `kavach-launch --learn` (which records the trace and runs this). kavachc
// has what the static launcher lacks: syscall names (libseccomp), the
// stdlib's policies and groups, the compiled filters to test calls against,
// and the lint rules. Several traces (runs with other inputs or options)
// are merged into one policy.
//
// How the policy is chosen, all by running the recorded calls through the
// compiled filters (the same BPF kavach-launch installs, in the in-repo
// interpreter) rather than by reasoning about the rules:
//  - the base: `extends std.minimal` when that already allows every call
//    and every file; else std.strict, unless strict would kill one of the
//    calls or lacks the call's arch (i386, ...); else std.basic;
//  - seccomp additions: the calls the base does not allow. A syscall with
//    an argument rule of the stdlib (socket/socketpair family, ioctl
//    request, clone flags) is allowed only for the values seen. A whole
//    stdlib @group replaces its members when at least two of them are
//    added, three quarters of it were used or already allowed, and the
//    base decides none of its members with a deny or a condition (so the
//    group cannot undo one of the base's rules); otherwise names;
//  - dangerous syscalls (the lint table) are never added: they are listed
//    in a comment with what the base answers, and the command may fail;
//  - filesystem: LearnPaths.cpp; network: the TCP ports bound/connected.
// The result is then checked before it is written: it must compile, lint
// without errors, and allow every recorded call that was not deliberately
// left out; otherwise nothing is written and the exit status is 1.
#include "Driver.h"
#include "LearnTrace.h"

#include "compiler/Emit/Simulate.h"
#include "compiler/Sema/Constants.h"
#include "compiler/Lint/Lint.h"
#include "runtime/Bpf.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <linux/seccomp.h>
#include <map>
#include <set>

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<bool> LearnWriteOpt("learn-write",
                            cl::desc("Turn a `kavach-launch --learn` trace (the input file) into "
                                     "a policy, written to -o"),
                            cl::cat(KavachcCategory));

using learn::Call;
using learn::Trace;

// The stdlib's argument rules: which argument decides, and the constant
// names to print for its values (first match wins; others print in hex).
struct ArgRule {
  StringRef syscall;
  unsigned arg;
  std::vector<StringRef> names;
  std::vector<StringRef> never; // values never allowed (a documented escape)
};
const std::vector<ArgRule> &argRules() {
  static const std::vector<StringRef> Families = {
      "AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET",
      "AF_VSOCK", "AF_BLUETOOTH", "AF_ALG", "AF_KEY", "AF_UNSPEC"};
  static const std::vector<ArgRule> Rules = {
      {"socket", 0, Families, {}},
      {"socketpair", 0, Families, {}},
      {"ioctl", 1,
       {"TCGETS", "TCSETS", "TCSETSW", "TCSETSF", "TIOCGWINSZ", "TIOCSWINSZ", "TIOCGPGRP",
        "TIOCSPGRP", "FIONREAD", "FIONBIO", "FIOCLEX", "FIONCLEX"},
       // Typing into the terminal (lint unfiltered-ioctl; test/escape).
       {"TIOCSTI", "TIOCLINUX"}},
      {"clone", 0, {}, {}},
  };
  return Rules;
}

const ArgRule *argRuleFor(StringRef Name) {
  for (const ArgRule &R : argRules())
    if (R.syscall == Name)
      return &R;
  return nullptr;
}

std::string valueText(const ArgRule &R, uint64_t V) {
  for (const auto *List : {&R.names, &R.never})
    for (StringRef N : *List)
      if (sema::lookupConstant(N) == V)
        return N.str();
  return "0x" + utohexstr(V, /*LowerCase=*/true);
}

bool isNever(const ArgRule &R, uint64_t V) {
  for (StringRef N : R.never)
    if (sema::lookupConstant(N) == V)
      return true;
  return false;
}

// A stdlib policy compiled as the parent of an empty child.
struct Base {
  std::string name;
  std::unique_ptr<sema::Program> prog;
  std::optional<ir::PolicyIR> ir;
  std::optional<emit::CompiledPolicy> compiled;
};

bool loadBase(Session &S, StringRef Name, Base &B) {
  B.name = Name.str();
  B.prog = std::make_unique<sema::Program>(*S.Diags, S.Load);
  std::string Text = "policy learn_base extends std." + B.name + " {}\n";
  if (!B.prog->loadMainBuffer("<learn base std." + B.name + ">", Text))
    return false;
  const ast::Policy *P = B.prog->selectPolicy("");
  if (!P || !(B.ir = sema::analyzePolicy(*B.prog, *P)))
    return false;
  Expected<emit::CompiledPolicy> C = emit::compilePolicy(*B.ir);
  if (!C) {
    S.Diags->fatal(toString(C.takeError()));
    return false;
  }
  B.compiled = std::move(*C);
  return true;
}

// The action the compiled policy takes on `C`, or none when the policy
// does not target the call's arch (it is killed there whatever the rules
// say: learning cannot fix that by adding rules).
std::optional<uint32_t> actionOn(const ir::PolicyIR &IR, const emit::CompiledPolicy &P,
                                 const Call &C) {
  const sema::ArchInfo *A = sema::findArchByAudit(C.arch, uint32_t(C.nr));
  const runtime::SeccompProgram *Prog = A ? programFor(P, *A) : nullptr;
  if (!Prog || !llvm::is_contained(IR.seccomp.arches, std::string(A->name)))
    return std::nullopt;
  runtime::SeccompData D;
  D.nr = C.nr;
  D.arch = C.arch;
  for (int I = 0; I < 6; ++I)
    D.args[I] = C.args[I].value_or(0);
  return runtime::runBpf(Prog->insns, D).ret;
}
std::optional<uint32_t> actionOn(const Base &B, const Call &C) {
  return actionOn(*B.ir, *B.compiled, C);
}

bool allows(std::optional<uint32_t> Ret) {
  return Ret && (*Ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW;
}

std::string callName(const Call &C) {
  const sema::ArchInfo *A = sema::findArchByAudit(C.arch, uint32_t(C.nr));
  return A ? sema::SyscallTable::get(*A).name(uint32_t(C.nr)) : "";
}

std::string archName(const Call &C) {
  const sema::ArchInfo *A = sema::findArchByAudit(C.arch, uint32_t(C.nr));
  return A ? A->name : "arch 0x" + utohexstr(C.arch);
}

const lint::Listed *dangerous(StringRef Name) {
  for (const lint::Listed &L : lint::dangerousSyscalls())
    if (L.name == Name)
      return &L;
  return nullptr;
}

std::vector<learn::BaseGrant> baseGrants(const Base &B, const Trace &T) {
  std::vector<learn::BaseGrant> Out;
  for (const ir::FsGrant &G : B.ir->landlock.fs) {
    std::string P = learn::resolveForLearning(G.path, T);
    if (P.empty())
      continue;
    Out.push_back({G.verb == ir::FsVerb::Read        ? "read"
                   : G.verb == ir::FsVerb::ReadWrite ? "read_write"
                                                     : "execute",
                   P});
  }
  return Out;
}

void expand(const sema::Program &Prog, StringRef Group, std::set<std::string> &Out,
            unsigned Depth = 0) {
  const ast::Group *G = Prog.findGroup(Group);
  if (!G || Depth > 16)
    return;
  for (const ast::SyscallRef &M : G->members)
    if (M.isGroup)
      expand(Prog, M.name, Out, Depth + 1);
    else
      Out.insert(M.name);
}

// What the learned policy adds to the base.
struct Learned {
  std::vector<std::string> groups;
  std::set<std::string> names;
  std::map<std::string, std::set<uint64_t>> conditional; // name -> values of its rule's arg
  std::vector<learn::FsGrant> fs;
  std::set<std::pair<bool, uint16_t>> ports;
  std::vector<learn::Skipped> skipped;
  std::set<size_t> leftOut; // indices of the trace's calls deliberately not allowed
};

void learnSeccomp(const Base &B, const Trace &T, Learned &L) {
  std::set<std::string> Observed, Missing;
  std::map<std::string, bool> ArgsUnknown; // a call of this name without the rule's argument
  for (size_t Index = 0; Index < T.calls.size(); ++Index) {
    const Call &C = T.calls[Index];
    std::string Name = callName(C);
    if (!Name.empty())
      Observed.insert(Name);
    std::optional<uint32_t> Ret = actionOn(B, C);
    if (allows(Ret))
      continue;
    std::string What = Name.empty() ? "syscall " + std::to_string(C.nr) : Name;
    if (!Ret || Name.empty()) {
      L.leftOut.insert(Index);
      L.skipped.push_back({What + " on " + archName(C),
                           "std." + B.name + " kills every call of this arch (add it to `arch` "
                           "if it is really needed)"});
      continue;
    }
    if (const lint::Listed *D = dangerous(Name)) {
      L.leftOut.insert(Index);
      L.skipped.push_back({What, "lint dangerous-syscall (" + D->why.str() + "); std." + B.name +
                                     " answers " + emit::describeRet(*Ret)});
      continue;
    }
    const ArgRule *Rule = argRuleFor(Name);
    if (Rule && C.args[Rule->arg] && isNever(*Rule, *C.args[Rule->arg])) {
      L.leftOut.insert(Index);
      L.skipped.push_back({Name + " with arg" + std::to_string(Rule->arg) + " == " +
                               valueText(*Rule, *C.args[Rule->arg]),
                           "never allowed by --learn-write; std." + B.name + " answers " +
                               emit::describeRet(*Ret)});
      continue;
    }
    Missing.insert(Name);
    if (const ArgRule *R = Rule) {
      if (C.args[R->arg])
        L.conditional[Name].insert(*C.args[R->arg]);
      else
        ArgsUnknown[Name] = true;
    }
  }
  // A conditional rule lists every value seen, also those the base allows.
  for (auto &[Name, Values] : L.conditional) {
    const ArgRule *R = argRuleFor(Name);
    for (const Call &C : T.calls)
      if (callName(C) == Name && C.args[R->arg] && !isNever(*R, *C.args[R->arg]))
        Values.insert(*C.args[R->arg]);
  }
  for (const std::string &Name : Missing)
    if (!L.conditional.count(Name) || ArgsUnknown[Name]) {
      L.conditional.erase(Name);
      L.names.insert(Name);
    }

  // Groups, largest first, from the plain names.
  const sema::ArchInfo &Host = sema::hostArch();
  std::vector<std::pair<std::string, std::set<std::string>>> Groups;
  for (const std::string &G : B.prog->groupNames()) {
    std::set<std::string> Members, Present;
    expand(*B.prog, G, Members);
    for (const std::string &M : Members)
      if (sema::SyscallTable::get(Host).lookup(M))
        Present.insert(M);
    if (!Present.empty())
      Groups.push_back({G, Present});
  }
  std::stable_sort(Groups.begin(), Groups.end(),
                   [](const auto &A, const auto &B) { return A.second.size() > B.second.size(); });
  const auto &Decisions = B.ir->seccomp.syscalls;
  for (const auto &[G, Members] : Groups) {
    bool Eligible = true;
    unsigned Hits = 0, Used = 0;
    for (const std::string &M : Members) {
      auto It = Decisions.find(M);
      bool BaseAllows = It != Decisions.end() && It->second.branches.empty() &&
                        !It->second.fallbackIsDefault &&
                        It->second.fallback.kind == seccomp::ActionKind::Allow;
      bool BaseDecides = It != Decisions.end() && !It->second.fallbackIsDefault && !BaseAllows;
      if (dangerous(M) || BaseDecides ||
          (It != Decisions.end() && !It->second.branches.empty()))
        Eligible = false;
      Hits += L.names.count(M);
      Used += Observed.count(M) || BaseAllows;
    }
    if (!Eligible || Hits < 2 || Used * 4 < Members.size() * 3)
      continue;
    L.groups.push_back(G);
    for (const std::string &M : Members)
      L.names.erase(M);
  }
}

// Comma-separated items wrapped at 96 columns under `Lead`.
void list(raw_ostream &OS, StringRef Lead, const std::vector<std::string> &Items) {
  std::string Line = Lead.str();
  for (size_t I = 0; I < Items.size(); ++I) {
    std::string Item = Items[I] + (I + 1 < Items.size() ? "," : ";");
    if (Line.size() + 1 + Item.size() > 96 && Line != Lead) {
      OS << Line << "\n";
      Line = std::string(Lead.size(), ' ');
    }
    Line += " " + Item;
  }
  OS << Line << "\n";
}

// The policy is named after the output file; a name the parser would not
// take as one (a keyword such as `allow`, a leading digit) gets a prefix.
std::string policyName(Session &S, StringRef OutPath) {
  std::string N;
  for (char C : sys::path::stem(OutPath))
    N += isAlnum(C) || C == '_' ? C : '_';
  SourceMgr SM;
  DiagnosticEngine Quiet(SM, nulls());
  sema::Program Probe(Quiet, S.Load);
  if (N.empty() || !isAlpha(N[0]) ||
      !Probe.loadMainBuffer("<name>", "policy " + N + " {}\n") || Quiet.errorCount())
    N = "learned_" + N;
  return N;
}

std::string render(Session &S, const Trace &T, const Base &B, const Learned &L,
                   StringRef OutPath) {
  std::string Text;
  raw_string_ostream OS(Text);
  OS << "// Learned by `kavach-launch --learn` from "
     << (T.commands.size() == 1 ? std::string("one run") : std::to_string(T.commands.size()) + " runs")
     << " of:\n";
  for (const std::vector<std::string> &Argv : T.commands) {
    std::string Cmd;
    for (const std::string &A : Argv)
      Cmd += (Cmd.empty() ? "" : " ") + A;
    for (char &C : Cmd)
      if (C == '\n' || C == '\r')
        C = ' ';
    OS << "//   " << Cmd << "\n";
  }
  OS << "// It allows what was seen. Code paths not taken (errors, other options or\n"
     << "// inputs) may need more: review it before use (docs/learn.md).\n"
     << "policy " << policyName(S, OutPath) << " extends std." << B.name << " {\n";
  if (!L.groups.empty() || !L.names.empty() || !L.conditional.empty()) {
    OS << "  seccomp {\n";
    std::vector<std::string> Groups;
    for (const std::string &G : L.groups)
      Groups.push_back("@" + G);
    if (!Groups.empty())
      list(OS, "    allow", Groups);
    if (!L.names.empty())
      list(OS, "    allow", {L.names.begin(), L.names.end()});
    for (const auto &[Name, Values] : L.conditional) {
      const ArgRule &R = *argRuleFor(Name);
      std::vector<std::string> V;
      for (uint64_t X : Values)
        V.push_back(valueText(R, X));
      OS << "    allow " << Name << " if arg" << R.arg << " in {" << join(V, ", ") << "};\n";
    }
    OS << "  }\n";
  }
  if (!L.fs.empty()) {
    OS << "  filesystem {\n";
    for (StringRef Verb : {"read", "read_write", "execute"}) {
      std::vector<std::string> Paths;
      for (const learn::FsGrant &G : L.fs)
        if (G.verb == Verb)
          Paths.push_back("\"" + G.path + "\"");
      if (!Paths.empty())
        list(OS, "    " + Verb.str(), Paths);
    }
    OS << "  }\n";
  }
  if (!L.ports.empty()) {
    OS << "  network {\n";
    for (auto [Bind, Port] : L.ports)
      OS << "    " << (Bind ? "bind" : "connect") << " tcp " << Port << ";\n";
    OS << "  }\n";
  }
  if (!L.skipped.empty()) {
    OS << "  // Seen in the run but not granted (the command may fail there):\n";
    for (const learn::Skipped &S : L.skipped)
      OS << "  //   " << S.what << ": " << S.why << "\n";
  }
  OS << "}\n";
  return Text;
}

// Compiles and lints `Text`, then runs every recorded call through it.
bool selfCheck(Session &S, const Trace &T, const Learned &L, StringRef OutPath, StringRef Text) {
  DiagnosticEngine &D = *S.Diags;
  unsigned Before = D.errorCount();
  sema::Program Prog(D, S.Load);
  lint::Suppressions Supp(S.SM);
  D.setSuppressor([&](StringRef Flag, SMRange R) { return Supp.suppresses(Flag, R); });
  bool Ok = Prog.loadMainBuffer(OutPath, Text);
  const ast::Policy *P = Ok ? Prog.selectPolicy("") : nullptr;
  std::optional<ir::PolicyIR> IR = P ? sema::analyzePolicy(Prog, *P) : std::nullopt;
  if (IR && D.errorCount() == Before) {
    std::vector<const ast::Policy *> Chain{P};
    for (const ast::Policy *Q = P; Q->parent;) {
      Q = Prog.findPolicy(*Q->parent, Prog.isStdlibPolicy(Q));
      if (!Q)
        break;
      Chain.insert(Chain.begin(), Q);
    }
    lint::runChecks({*IR, Chain}, D);
  }
  D.setSuppressor(nullptr);
  if (!IR || D.errorCount() != Before) {
    errs() << "kavachc: error: the learned policy does not compile or lint cleanly; not "
              "written:\n"
           << Text;
    return false;
  }
  Expected<emit::CompiledPolicy> C = emit::compilePolicy(*IR);
  if (!C) {
    D.fatal(toString(C.takeError()));
    return false;
  }
  for (size_t I = 0; I < T.calls.size(); ++I)
    if (const Call &X = T.calls[I]; !L.leftOut.count(I) && !allows(actionOn(*IR, *C, X))) {
      errs() << "kavachc: error: the learned policy would not allow " << callName(X) << " on "
             << archName(X) << " (a bug of --learn-write); not written\n";
      return false;
    }
  return true;
}

} // namespace

bool learnWriteRequested() { return LearnWriteOpt; }

int runLearnWrite(Session &S) {
  if (Inputs.empty() || Output.empty())
    return usage("usage: kavachc --learn-write TRACE... -o OUT.kv");
  // Several traces (runs with other inputs or options) make one policy.
  std::optional<Trace> T(std::in_place);
  for (const std::string &In : Inputs) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(In);
    if (!Buf)
      return usage("cannot read '" + In + "': " + Buf.getError().message());
    if (Error E = learn::parseTrace((*Buf)->getBuffer(), *T))
      return usage(In + ": " + toString(std::move(E)));
  }

  // The tightest base that fits (see the top of this file).
  Base Minimal, Strict, Basic;
  if (!loadBase(S, "minimal", Minimal) || !loadBase(S, "strict", Strict) ||
      !loadBase(S, "basic", Basic))
    return S.finish(1);
  const Base *Chosen = &Basic;
  bool MinimalFits = T->ports.empty();
  bool StrictFits = true;
  for (const Call &C : T->calls) {
    MinimalFits &= allows(actionOn(Minimal, C));
    // A call of an arch strict does not target is killed by every base.
    std::optional<uint32_t> R = actionOn(Strict, C);
    uint32_t Act = R ? (*R & SECCOMP_RET_ACTION_FULL) : SECCOMP_RET_ALLOW;
    StrictFits &= Act != SECCOMP_RET_KILL_PROCESS && Act != SECCOMP_RET_KILL_THREAD;
  }
  if (MinimalFits) {
    std::vector<learn::FsGrant> Fs;
    std::vector<learn::Skipped> Skip;
    learn::learnPaths(*T, baseGrants(Minimal, *T), Fs, Skip);
    MinimalFits = Fs.empty() && Skip.empty();
  }
  if (MinimalFits)
    Chosen = &Minimal;
  else if (StrictFits)
    Chosen = &Strict;

  Learned L;
  learnSeccomp(*Chosen, *T, L);
  learn::learnPaths(*T, baseGrants(*Chosen, *T), L.fs, L.skipped);
  for (const learn::PortUse &P : T->ports)
    if (P.port != 0) // port 0: an ephemeral port, which Landlock does not restrict by number
      L.ports.insert({P.bind, P.port});

  std::string Text = render(S, *T, *Chosen, L, Output);
  if (!selfCheck(S, *T, L, Output, Text))
    return S.finish(1);
  std::vector<uint8_t> Bytes(Text.begin(), Text.end());
  if (Error E = emit::writeAtomically(Output, Bytes))
    return usage("cannot write '" + Output + "': " + toString(std::move(E)));
  errs() << "kavachc: wrote " << Output << ": extends std." << Chosen->name << ", "
         << (L.groups.size() + L.names.size() + L.conditional.size()) << " seccomp additions, "
         << L.fs.size() << " filesystem grants, " << L.ports.size() << " ports, "
         << L.skipped.size() << " uses not granted\n";
  return S.finish(0);
}

} // namespace kavach::driver

// Lint checks on the process sections (capabilities, limits, commands).
// Whether a rule fires is decided on the merged IR (ir::ProcessIR), so a
// child that replaces its parent's capabilities or commands is judged by
// what it really keeps; where the finding points is the statement in the
// extends chain (most derived first) that put the thing there, which the
// IR no longer records word by word.
//
//   capabilities { keep CAP_SYS_ADMIN; }   -Wroot-capability (also `keep all`)
//   limits { memory 1GiB; }                -Wpids-limit (limits without pids)
//   commands { allow "/bin/sh"; }          -Wshell-command
//   namespaces { net; } network { connect tcp 443; }   -Winert-connect
#include "compiler/Lint/Lint.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <sys/capability.h>

using namespace llvm;

namespace kavach::lint {
namespace {

bool isWord(const ast::Word &W, StringRef T) {
  return W.kind == ast::Word::Kind::Ident && W.text == T;
}

// The words of `Section` statements starting with `Verb`, most derived
// policy first, last statement first: the first match is what decided.
template <typename Fn>
bool forEachWord(const LintInput &In, StringRef Section, StringRef Verb, Fn F) {
  for (auto P = In.chain.rbegin(); P != In.chain.rend(); ++P)
    for (const ast::Section &S : (*P)->sections) {
      if (S.name.text != Section)
        continue;
      for (auto St = S.stmts.rbegin(); St != S.stmts.rend(); ++St) {
        if (St->words.empty() || !isWord(St->words.front(), Verb))
          continue;
        for (size_t I = St->words.size(); I-- > 1;)
          if (F(St->words[I]))
            return true;
      }
    }
  return false;
}

void capabilities(const LintInput &In, DiagnosticEngine &D) {
  const ir::ProcessIR &P = In.ir.process;
  if (!P.capsPresent || !P.capsKeep)
    return;
  bool ReportedAll = false;
  for (const Listed &C : rootCapabilities()) {
    cap_value_t V;
    if (cap_from_name(C.name.lower().c_str(), &V) != 0 || V < 0 || V > 63 ||
        !(P.capsKeep >> V & 1))
      continue;
    forEachWord(In, "capabilities", "keep", [&](const ast::Word &W) {
      if (W.text == C.name) {
        report(D, "root-capability", W.range,
               "capability '" + W.text + "' is root-equivalent: " + C.why);
        return true;
      }
      if (isWord(W, "all")) {
        if (!ReportedAll)
          report(D, "root-capability", W.range,
                 "'keep all' keeps every capability, including root-equivalent ones such as "
                 "CAP_SYS_ADMIN");
        ReportedAll = true;
        return true;
      }
      return false;
    });
  }
}

void commands(const LintInput &In, DiagnosticEngine &D) {
  for (const std::string &Cmd : In.ir.process.commands) {
    StringRef Base = sys::path::filename(Cmd);
    if (!is_contained(shells(), Base))
      continue;
    forEachWord(In, "commands", "allow", [&](const ast::Word &W) {
      if (W.kind != ast::Word::Kind::String || W.text != Cmd)
        return false;
      report(D, "shell-command", W.range,
             "command allowlist includes the shell '" + W.text +
                 "', which can run any other program");
      return true;
    });
  }
}

void pids(const LintInput &In, DiagnosticEngine &D) {
  const auto &L = In.ir.process.limits;
  if (L.empty() || llvm::any_of(L, [](const ir::ProcessLimit &X) {
        return X.kind == runtime::LimitKind::Pids;
      }))
    return;
  // Point at the most derived limits section.
  for (auto P = In.chain.rbegin(); P != In.chain.rend(); ++P)
    for (const ast::Section &S : (*P)->sections)
      if (S.name.text == "limits") {
        report(D, "pids-limit", S.name.range,
               "the policy sets limits but no 'pids' limit: a program that can fork can "
               "exhaust the process table; add 'pids N;'");
        return;
      }
}

// A connect rule in an empty network namespace reaches loopback only. Not
// a Sema warning: a sandbox that talks to a server it starts itself is a
// real (if rare) design, so it is a lint finding one can suppress.
void inertConnect(const LintInput &In, DiagnosticEngine &D) {
  const ir::ProcessIR &P = In.ir.process;
  if (!(P.namespaces & runtime::kNsNet))
    return;
  for (const ir::NetGrant &G : In.ir.landlock.net) {
    if (G.bind)
      continue;
    report(D, "inert-connect", G.range,
           "'connect tcp " + Twine(G.port) +
               "' reaches only the loopback of the sandbox's empty network namespace");
    D.note(P.namespacesRange, "the network namespace is created here ('net')");
  }
}

} // namespace

void checkProcess(const LintInput &In, DiagnosticEngine &D) {
  capabilities(In, D);
  commands(In, D);
  pids(In, D);
  inertConnect(In, D);
}

} // namespace kavach::lint

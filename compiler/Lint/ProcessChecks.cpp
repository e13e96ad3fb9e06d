// Lint checks on the process sections (capabilities, limits, commands).
// They read the AST of the extends chain rather than the IR: the sections'
// statements are generic word lists there, so the checks work whatever IR
// form those sections get. Until a kavachc accepts these sections (issue
// 6) Sema rejects them and the checks never run on a compiling policy; the
// unit tests drive them on parsed files directly.
//
//   capabilities { keep CAP_SYS_ADMIN; }   -Wroot-capability (also `keep all`)
//   limits { memory 1GiB; }                -Wpids-limit (limits without pids)
//   commands { allow "/bin/sh"; }          -Wshell-command
#include "compiler/Lint/Lint.h"

#include "llvm/Support/Path.h"

using namespace llvm;

namespace kavach::lint {
namespace {

bool isWord(const ast::Word &W, StringRef T) {
  return W.kind == ast::Word::Kind::Ident && W.text == T;
}

void capabilities(const ast::Section &S, DiagnosticEngine &D) {
  for (const ast::Stmt &St : S.stmts) {
    if (St.words.empty() || !isWord(St.words.front(), "keep"))
      continue;
    for (size_t I = 1; I < St.words.size(); ++I) {
      const ast::Word &W = St.words[I];
      if (isWord(W, "all")) {
        report(D, "root-capability", W.range,
               "'keep all' keeps every capability, including root-equivalent ones such as "
               "CAP_SYS_ADMIN");
        continue;
      }
      for (const Listed &C : rootCapabilities())
        if (W.text == C.name)
          report(D, "root-capability", W.range,
                 "capability '" + W.text + "' is root-equivalent: " + C.why);
    }
  }
}

void commands(const ast::Section &S, DiagnosticEngine &D) {
  for (const ast::Stmt &St : S.stmts)
    for (const ast::Word &W : St.words) {
      if (W.kind != ast::Word::Kind::String)
        continue;
      StringRef Base = sys::path::filename(W.text);
      for (StringRef Sh : shells())
        if (Base == Sh)
          report(D, "shell-command", W.range,
                 "command allowlist includes the shell '" + W.text +
                     "', which can run any other program");
    }
}

} // namespace

void checkProcess(const LintInput &In, DiagnosticEngine &D) {
  const ast::Section *LastLimits = nullptr;
  bool HasPids = false;
  for (const ast::Policy *P : In.chain)
    for (const ast::Section &S : P->sections) {
      if (S.name.text == "capabilities")
        capabilities(S, D);
      else if (S.name.text == "commands")
        commands(S, D);
      else if (S.name.text == "limits") {
        LastLimits = &S;
        for (const ast::Stmt &St : S.stmts)
          HasPids |= !St.words.empty() && isWord(St.words.front(), "pids");
      }
    }
  if (LastLimits && !HasPids)
    report(D, "pids-limit", LastLimits->name.range,
           "the policy sets limits but no 'pids' limit: a program that can fork can exhaust "
           "the process table; add 'pids N;'");
}

} // namespace kavach::lint

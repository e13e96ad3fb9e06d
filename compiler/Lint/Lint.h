// kavachc --lint: table-driven checks over a compiled policy (ir::PolicyIR,
// plus the AST of its extends chain for the sections the IR does not model
// yet). Findings are warnings with the rule id as flag ([-W<id>]) reported
// through the DiagnosticEngine, so -Wno-<id>, -Werror and -Wno-error=<id>
// work as for every other warning, and JSON/SARIF come from its records.
// The rules themselves are rows of LintRules.def; docs/lint.md documents
// each one under an anchor equal to its id.
#pragma once

#include "compiler/Basic/Diagnostics.h"
#include "compiler/Parse/Ast.h"
#include "compiler/Sema/PolicyIR.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

namespace kavach::lint {

enum class Severity { Warning, Error };
enum class Source { Lint, Sema };

struct RuleInfo {
  llvm::StringRef id; // stable; also the -W flag and docs/lint.md anchor
  Severity severity;  // default
  Source source;
  llvm::StringRef summary;
  llvm::StringRef help;
};

// A name with the reason it is on a list (dangerous syscalls, sensitive
// paths, root-equivalent capabilities).
struct Listed {
  llvm::StringRef name;
  llvm::StringRef why;
};

llvm::ArrayRef<RuleInfo> rules();
const RuleInfo *findRule(llvm::StringRef Id);
llvm::ArrayRef<Listed> dangerousSyscalls();
llvm::ArrayRef<Listed> sensitivePaths();
llvm::ArrayRef<Listed> rootCapabilities();
llvm::ArrayRef<llvm::StringRef> shells();

// Reports one finding of rule `Id` with the rule's default severity.
void report(DiagnosticEngine &D, llvm::StringRef Id, llvm::SMRange R, const llvm::Twine &Msg,
            llvm::ArrayRef<llvm::SMFixIt> FixIts = {});

// What the checks look at: the merged IR and the extends chain (root first).
struct LintInput {
  const ir::PolicyIR &ir;
  std::vector<const ast::Policy *> chain;
};

// The individual checks (one file per area) and all of them in order.
void checkSeccomp(const LintInput &In, DiagnosticEngine &D);
void checkPaths(const LintInput &In, DiagnosticEngine &D);
void checkProcess(const LintInput &In, DiagnosticEngine &D);
void runChecks(const LintInput &In, DiagnosticEngine &D);

// In-file suppressions:
//   // kavach-lint: allow <id>[, <id>...] -- <reason>
// on its own line applies to the next statement (the next non-comment line
// up to the line that ends it with ';', '{' or '}'); after code on the same
// line, to that line. The reason is mandatory. Installed as the
// DiagnosticEngine's suppressor, so Sema warnings ([-Wredundant-rule], ...)
// can be suppressed the same way while linting.
class Suppressions {
public:
  explicit Suppressions(llvm::SourceMgr &SM) : SM(SM) {}
  // True if a well-formed suppression for `Id` covers `R` (marks it used).
  bool suppresses(llvm::StringRef Id, llvm::SMRange R);
  // Malformed and unused suppressions in `Buffers` (the files being
  // linted, not their std.* parents), as -Wlint-suppression warnings.
  void reportProblems(DiagnosticEngine &D, llvm::ArrayRef<unsigned> Buffers);

  struct Entry {
    unsigned buffer = 0, firstLine = 0, lastLine = 0;
    std::vector<std::string> ids;
    std::string reason;
    llvm::SMRange range; // the comment
    std::string problem; // non-empty: malformed, never suppresses
    bool used = false;
  };
  const std::vector<Entry> &entries() const { return Entries; }

private:
  void scan(unsigned Buffer);
  llvm::SourceMgr &SM;
  std::vector<unsigned> Scanned;
  std::vector<Entry> Entries;
};

// Machine-readable output of the collected diagnostics.
// JSON: {"version": 1, "files": [...], "findings": [{ruleId, severity,
// message, file, line, column, endColumn, notes, fixits}]}.
llvm::json::Value toJson(llvm::ArrayRef<DiagRecord> Records, llvm::ArrayRef<std::string> Files);
// SARIF 2.1.0 with one run; tool.driver.rules lists every rule of the table
// (plus `policy-error` for errors that have no flag); helpUri is
// HelpBase + "#" + id.
llvm::json::Value toSarif(llvm::ArrayRef<DiagRecord> Records, llvm::ArrayRef<std::string> Files,
                          llvm::StringRef HelpBase, llvm::StringRef Version);

} // namespace kavach::lint

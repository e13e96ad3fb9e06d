// One place through which every user-facing compiler message goes. Wraps
// llvm::SourceMgr so messages look like clang's: `file:line:col: error: …`,
// the source line, a caret under the range, an optional fix-it line, and
// notes that point at related places ("previous rule is here").
//
// Warnings carry a flag (`dangerous-syscall` → printed as
// [-Wdangerous-syscall]); -Wno-<flag> silences one, -Werror promotes all,
// -Wno-error=<flag> exempts one. A note belongs to the diagnostic before it
// and is dropped with it when that one is silenced.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace kavach {

enum class DiagFormat { Text, Json };

struct DiagOptions {
  bool warningsAsErrors = false;
  llvm::StringSet<> disabled;     // -Wno-<flag>
  llvm::StringSet<> notAsErrors;  // -Wno-error=<flag>
  DiagFormat format = DiagFormat::Text;
};

// One reported diagnostic, kept for JSON/SARIF output and for tests.
struct DiagRecord {
  llvm::SourceMgr::DiagKind kind;
  std::string flag; // empty for errors and notes
  std::string message;
  std::string file;
  unsigned line = 0, column = 0, endColumn = 0;
  std::vector<std::string> fixits;
};

class DiagnosticEngine {
public:
  DiagnosticEngine(llvm::SourceMgr &SM, llvm::raw_ostream &OS = llvm::errs());

  DiagOptions &options() { return Opts; }
  llvm::SourceMgr &sourceMgr() { return SM; }

  void error(llvm::SMRange R, const llvm::Twine &Msg,
             llvm::ArrayRef<llvm::SMFixIt> FixIts = {});
  void warning(llvm::StringRef Flag, llvm::SMRange R, const llvm::Twine &Msg,
               llvm::ArrayRef<llvm::SMFixIt> FixIts = {});
  // A warning whose flag makes it an error by default (like clang's
  // DefaultError warnings): -Wno-<flag> silences it, -Wno-error=<flag>
  // turns it back into a warning. Lint rules of severity `error` use it.
  void defaultErrorWarning(llvm::StringRef Flag, llvm::SMRange R, const llvm::Twine &Msg,
                           llvm::ArrayRef<llvm::SMFixIt> FixIts = {});
  void note(llvm::SMRange R, const llvm::Twine &Msg,
            llvm::ArrayRef<llvm::SMFixIt> FixIts = {});
  // An error with no source location: "kavachc: error: …".
  void fatal(const llvm::Twine &Msg);

  // Suggests the closest candidate as a note ("did you mean 'openat'?") and
  // returns it, or "" when nothing is close enough (edit distance ≤ len/3+1).
  std::string suggest(llvm::SMRange R, llvm::StringRef Typo,
                      llvm::ArrayRef<std::string> Candidates,
                      llvm::StringRef Prefix = "");

  // A hook consulted before every flagged diagnostic (warnings and
  // default-error warnings); returning true drops it, with its notes. The
  // lint's in-file suppressions (`// kavach-lint: allow <id> -- reason`) use it.
  using Suppressor = std::function<bool(llvm::StringRef Flag, llvm::SMRange R)>;
  void setSuppressor(Suppressor S) { Suppress = std::move(S); }

  unsigned errorCount() const { return Errors; }
  unsigned warningCount() const { return Warnings; }
  const std::vector<DiagRecord> &records() const { return Records; }

  // With DiagFormat::Json nothing is printed while compiling; this writes
  // the collected records as a JSON array.
  void flushJson();

private:
  bool repeated(llvm::SMRange R, llvm::StringRef Flag, const llvm::Twine &Msg);
  void emit(llvm::SourceMgr::DiagKind Kind, llvm::StringRef Flag, llvm::SMRange R,
            const llvm::Twine &Msg, llvm::ArrayRef<llvm::SMFixIt> FixIts);

  llvm::SourceMgr &SM;
  llvm::raw_ostream &OS;
  DiagOptions Opts;
  unsigned Errors = 0, Warnings = 0;
  bool LastSuppressed = false;
  std::vector<DiagRecord> Records;
  llvm::StringSet<> Seen; // errors and warnings shown, by place and text
  Suppressor Suppress;
};

// Closest candidate by edit distance, "" if none is close enough.
std::string closestMatch(llvm::StringRef Typo, llvm::ArrayRef<std::string> Candidates);

} // namespace kavach

// Shared plumbing of kavachc's modes (compile, simulate, and the modes added
// by later work: lint, test, fmt, diff, score, ...). Each mode lives in its
// own file with its own cl::opt's in KavachcCategory and exposes
// `bool <mode>Requested()` + `int run<Mode>(Session &)`; kavachc.cpp only
// dispatches.
#pragma once

#include "compiler/Basic/Diagnostics.h"
#include "compiler/Emit/Compile.h"
#include "compiler/Sema/Arches.h"
#include "compiler/Sema/Program.h"
#include "compiler/Sema/Sema.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kavach::driver {

extern llvm::cl::OptionCategory KavachcCategory;

// Options every mode shares (defined in Driver.cpp).
extern llvm::cl::list<std::string> Inputs;      // positional
extern llvm::cl::opt<std::string> Output;       // -o
extern llvm::cl::opt<std::string> Arch;         // --arch
extern llvm::cl::opt<std::string> PolicyName;   // --policy
extern llvm::cl::opt<std::string> OutputFormat; // --output-format=text|json|sarif

// One compiler invocation: the source manager, diagnostics and load options.
struct Session {
  llvm::SourceMgr SM;
  std::unique_ptr<DiagnosticEngine> Diags;
  sema::LoadOptions Load;
  const sema::ArchInfo *Arch = nullptr;

  // Prints JSON diagnostics if asked, returns Code.
  int finish(int Code);
};

// Parses the common options into a Session; returns an exit code (2) on a
// usage error, 0 otherwise.
int setUpSession(Session &S, const char *Argv0);

// Loads, checks and analyzes one policy file. Errors are reported; returns
// nothing on any error. `ExitCode` is set to 1 (policy error) or 2 (I/O).
std::optional<ir::PolicyIR> analyzeFile(Session &S, const std::string &Path, int &ExitCode,
                                        llvm::StringRef Policy = "");

// "kavachc: error: MSG" and 2.
int usage(const llvm::Twine &Msg);

// The compiled program that runs on `A` (its native arch's filter), or null.
const runtime::SeccompProgram *programFor(const emit::CompiledPolicy &C,
                                          const sema::ArchInfo &A);

// Modes.
bool simulateRequested();
int runCompile(Session &S);
// SignOption.cpp: --gen-key PREFIX (a mode needing no input), and the
// --sign-key step runCompile applies to the bytes it is about to write.
bool genKeyRequested();
int runGenKey();
int signIfRequested(std::vector<uint8_t> &Bytes, bool IsPolicyBin);
bool lintRequested(); // LintMode.cpp: --lint
int runLint(Session &S);
bool testRequested(); // TestMode.cpp: --test
int runTest(Session &S);
bool fmtRequested(); // FmtMode.cpp: --fmt [-i], --fmt-check
int runFmt(Session &S);
bool diffRequested(); // DiffMode.cpp: --diff OLD NEW
int runDiff(Session &S);
bool learnWriteRequested(); // LearnMode.cpp: --learn-write TRACE -o OUT.kv
int runLearnWrite(Session &S);

} // namespace kavach::driver

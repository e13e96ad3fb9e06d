// `kavachc --lint FILE...`: compiles each policy through Sema (so every
// Sema error and warning is reported as usual) and then runs the lint rules
// of compiler/Lint over the result. Output follows --output-format:
// `text` prints clang-style diagnostics to stderr as they happen; `json` and
// `sarif` print nothing while running and then write one document to -o
// (default stdout) built from DiagnosticEngine::records().
//
// In-file suppressions (`// kavach-lint: allow <id> -- reason`) are
// honoured for lint findings and Sema warnings alike; malformed or unused
// ones in the linted files are themselves findings (-Wlint-suppression).
//
// Exit status: 2 for usage or I/O errors; otherwise 1 when anything at or
// above --fail-on (error by default; `warning` makes warnings fail too) was
// reported, else 0.
#include "Driver.h"

#include "compiler/Basic/Version.h"
#include "compiler/Lint/Lint.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<bool> LintOpt("lint", cl::desc("Check policies against the lint rules (docs/lint.md)"),
                      cl::cat(KavachcCategory));
cl::opt<std::string> FailOn("fail-on",
                            cl::desc("With --lint: exit 1 on findings of this severity or "
                                     "worse: warning or error (default)"),
                            cl::init("error"), cl::cat(KavachcCategory));
cl::opt<std::string> HelpUri("lint-help-uri",
                             cl::desc("With --lint: base URI of docs/lint.md for SARIF helpUri"),
                             cl::cat(KavachcCategory));

std::string defaultHelpUri() {
  SmallString<256> P(KAVACH_SOURCE_STDLIB_DIR);
  sys::path::remove_filename(P);
  sys::path::append(P, "docs", "lint.md");
  return "file://" + std::string(P);
}

// The AST of the extends chain, root first (already resolved once by Sema,
// so this reports nothing new).
std::vector<const ast::Policy *> chainOf(sema::Program &Prog, const ast::Policy *P) {
  std::vector<const ast::Policy *> Rev{P};
  while (P->parent) {
    P = Prog.findPolicy(*P->parent, Prog.isStdlibPolicy(P));
    if (!P || llvm::is_contained(Rev, P))
      break;
    Rev.push_back(P);
  }
  return {Rev.rbegin(), Rev.rend()};
}

} // namespace

bool lintRequested() { return LintOpt; }

int runLint(Session &S) {
  if (FailOn != "warning" && FailOn != "error")
    return usage("--fail-on must be 'warning' or 'error'");
  DiagnosticEngine &D = *S.Diags;
  bool Text = OutputFormat == "text";
  DiagFormat Saved = D.options().format;
  if (!Text)
    D.options().format = DiagFormat::Json; // collect only; printed below
  lint::Suppressions Supp(S.SM);
  D.setSuppressor([&](StringRef Flag, SMRange R) { return Supp.suppresses(Flag, R); });

  bool IOError = false;
  std::vector<unsigned> MainBuffers;
  for (const std::string &Path : Inputs) {
    if (!sys::fs::exists(Path)) {
      D.fatal("cannot open '" + Path + "': No such file or directory");
      IOError = true;
      continue;
    }
    sema::Program Prog(D, S.Load);
    unsigned FirstNew = S.SM.getNumBuffers() + 1;
    bool Loaded = Prog.loadMain(Path);
    for (unsigned B = FirstNew; B <= S.SM.getNumBuffers(); ++B)
      if (S.SM.getMemoryBuffer(B)->getBufferIdentifier() == Path)
        MainBuffers.push_back(B);
    if (!Loaded)
      continue;
    const ast::Policy *P = Prog.selectPolicy(PolicyName);
    if (!P)
      continue;
    unsigned Before = D.errorCount();
    std::optional<ir::PolicyIR> IR = sema::analyzePolicy(Prog, *P);
    if (!IR || D.errorCount() != Before)
      continue;
    lint::runChecks({*IR, chainOf(Prog, P)}, D);
  }
  Supp.reportProblems(D, MainBuffers);
  D.setSuppressor(nullptr);
  D.options().format = Saved;

  if (!Text) {
    std::vector<std::string> Files(Inputs.begin(), Inputs.end());
    json::Value Doc = OutputFormat == "sarif"
                          ? lint::toSarif(D.records(), Files,
                                          HelpUri.empty() ? defaultHelpUri() : HelpUri,
                                          kKavachVersion)
                          : lint::toJson(D.records(), Files);
    std::error_code EC;
    ToolOutputFile Out(Output.empty() ? std::string("-") : std::string(Output), EC, sys::fs::OF_Text);
    if (EC)
      return usage("cannot write '" + Output + "': " + EC.message());
    Out.os() << formatv("{0:2}", Doc) << "\n";
    Out.keep();
  }
  if (IOError)
    return S.finish(2);
  unsigned Failing = D.errorCount() + (FailOn == "warning" ? D.warningCount() : 0);
  return S.finish(Failing ? 1 : 0);
}

} // namespace kavach::driver

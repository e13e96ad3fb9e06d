// Common options and helpers of kavachc's modes.
#include "Driver.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kavach::driver {

cl::OptionCategory KavachcCategory("kavachc options");

cl::list<std::string> Inputs(cl::Positional, cl::desc("<policy.kv>..."), cl::cat(KavachcCategory));
cl::opt<std::string> Output("o", cl::desc("Output file ('-' for stdout)"), cl::value_desc("file"),
                            cl::cat(KavachcCategory));
cl::opt<std::string> Arch("arch", cl::desc("Architecture for --emit=bpf/bpf-asm and --simulate"),
                          cl::init(sema::hostArch().name), cl::cat(KavachcCategory));
cl::opt<std::string> PolicyName("policy", cl::desc("Policy to compile when a file has several"),
                                cl::cat(KavachcCategory));
cl::opt<std::string> OutputFormat("output-format",
                                  cl::desc("Machine-readable output: text, json or sarif"),
                                  cl::init("text"), cl::cat(KavachcCategory));

namespace {
cl::list<std::string> IncludeDirs("I", cl::desc("Add a directory to the import search path"),
                                  cl::Prefix, cl::cat(KavachcCategory));
cl::list<std::string> Defines("D", cl::desc("Define a parameter: -D name=value"), cl::Prefix,
                              cl::cat(KavachcCategory));
cl::list<std::string> Warnings("W", cl::desc("-Werror, -Wno-<flag>, -Wno-error=<flag>"),
                               cl::Prefix, cl::cat(KavachcCategory));
cl::opt<std::string> DiagFormatOpt("diagnostics-format", cl::desc("text or json"),
                                   cl::init("text"), cl::cat(KavachcCategory));
cl::opt<std::string> StdlibDir("stdlib-dir", cl::desc("Directory of the std.* policies"),
                               cl::cat(KavachcCategory));

std::string findStdlib(const char *Argv0) {
  if (!StdlibDir.empty())
    return StdlibDir;
  std::string Exe = sys::fs::getMainExecutable(Argv0, (void *)&findStdlib);
  SmallString<256> P(sys::path::parent_path(Exe));
  sys::path::append(P, "..", "share", "kavach", "stdlib-policies");
  if (sys::fs::is_directory(P))
    return std::string(P);
  return KAVACH_SOURCE_STDLIB_DIR;
}
} // namespace

int usage(const Twine &Msg) {
  errs() << "kavachc: error: " << Msg << "\n";
  return 2;
}

int Session::finish(int Code) {
  if (Diags->options().format == DiagFormat::Json)
    Diags->flushJson();
  return Code;
}

int setUpSession(Session &S, const char *Argv0) {
  S.Diags = std::make_unique<DiagnosticEngine>(S.SM);
  S.Arch = sema::findArch(Arch);
  if (!S.Arch)
    return usage("unknown architecture '" + Arch + "'");
  DiagOptions &DO = S.Diags->options();
  for (StringRef W : Warnings) {
    if (W == "error")
      DO.warningsAsErrors = true;
    else if (W.consume_front("no-error="))
      DO.notAsErrors.insert(W);
    else if (W.consume_front("no-"))
      DO.disabled.insert(W);
    else
      return usage("unknown warning option '-W" + W + "'");
  }
  if (DiagFormatOpt == "json")
    DO.format = DiagFormat::Json;
  else if (DiagFormatOpt != "text")
    return usage("--diagnostics-format must be 'text' or 'json'");
  if (OutputFormat != "text" && OutputFormat != "json" && OutputFormat != "sarif")
    return usage("--output-format must be 'text', 'json' or 'sarif'");
  S.Load.includeDirs.assign(IncludeDirs.begin(), IncludeDirs.end());
  S.Load.stdlibDir = findStdlib(Argv0);
  for (StringRef D : Defines) {
    auto [K, V] = D.split('=');
    if (K.empty() || !D.contains('='))
      return usage("-D expects name=value, got '" + D + "'");
    S.Load.defines[K.str()] = V.str();
  }
  return 0;
}

std::optional<ir::PolicyIR> analyzeFile(Session &S, const std::string &Path, int &ExitCode,
                                        StringRef Policy) {
  DiagnosticEngine &D = *S.Diags;
  if (!sys::fs::exists(Path)) {
    D.fatal("cannot open '" + Path + "': No such file or directory");
    ExitCode = 2;
    return std::nullopt;
  }
  ExitCode = 1;
  // Each file gets its own Program: imports and extends resolve per file.
  sema::Program Prog(D, S.Load);
  if (!Prog.loadMain(Path))
    return std::nullopt;
  const ast::Policy *P = Prog.selectPolicy(Policy);
  if (!P)
    return std::nullopt;
  unsigned Before = D.errorCount();
  std::optional<ir::PolicyIR> IR = sema::analyzePolicy(Prog, *P);
  if (!IR || D.errorCount() != Before)
    return std::nullopt;
  ExitCode = 0;
  return IR;
}

const runtime::SeccompProgram *programFor(const emit::CompiledPolicy &C,
                                          const sema::ArchInfo &A) {
  const sema::ArchInfo *Native = sema::findArch(A.native);
  for (const runtime::SeccompProgram &P : C.policy.seccomp)
    if (P.auditArch == Native->auditArch)
      return &P;
  return nullptr;
}

} // namespace kavach::driver

// kavachc: the policy compiler's command line. A thin main: options, wire
// the libraries, map outcomes to exit codes (0 ok, 1 policy errors, 2 usage
// or I/O). Everything else lives in compiler/.
#include "compiler/Backend/Seccomp/Disassembler.h"
#include "compiler/Basic/Diagnostics.h"
#include "compiler/Basic/Version.h"
#include "compiler/Emit/Compile.h"
#include "compiler/Emit/Simulate.h"
#include "compiler/Sema/Arches.h"
#include "compiler/Sema/Sema.h"
#include "runtime/Bpf.h"
#include "runtime/PolicyIO.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace kavach;

namespace {

cl::OptionCategory Cat("kavachc options");

cl::opt<std::string> Input(cl::Positional, cl::desc("<policy.kv>"), cl::cat(Cat));
cl::opt<std::string> Output("o", cl::desc("Output file ('-' for stdout)"),
                            cl::value_desc("file"), cl::cat(Cat));
enum class EmitKind { Bin, Bpf, BpfAsm };
cl::opt<EmitKind> Emit("emit", cl::desc("What to write"), cl::init(EmitKind::Bin),
                       cl::values(clEnumValN(EmitKind::Bin, "bin", "policy.bin (default)"),
                                  clEnumValN(EmitKind::Bpf, "bpf",
                                             "raw struct sock_filter array for --arch"),
                                  clEnumValN(EmitKind::BpfAsm, "bpf-asm",
                                             "disassembled filter for --arch")),
                       cl::cat(Cat));
cl::opt<std::string> Arch("arch", cl::desc("Architecture for --emit=bpf/bpf-asm and --simulate"),
                          cl::init(sema::hostArch().name), cl::cat(Cat));
cl::list<std::string> IncludeDirs("I", cl::desc("Add a directory to the import search path"),
                                  cl::Prefix, cl::cat(Cat));
cl::list<std::string> Defines("D", cl::desc("Define a parameter: -D name=value"), cl::Prefix,
                              cl::cat(Cat));
cl::list<std::string> Warnings("W", cl::desc("-Werror, -Wno-<flag>, -Wno-error=<flag>"),
                               cl::Prefix, cl::cat(Cat));
cl::opt<std::string> DiagFormatOpt("diagnostics-format", cl::desc("text or json"),
                                   cl::init("text"), cl::cat(Cat));
cl::opt<std::string> StdlibDir("stdlib-dir", cl::desc("Directory of the std.* policies"),
                               cl::cat(Cat));
cl::opt<std::string> PolicyName("policy", cl::desc("Policy to compile when a file has several"),
                                cl::cat(Cat));
cl::list<std::string> Simulate("simulate",
                               cl::desc("Run the filter on a syscall, e.g. 'openat(AT_FDCWD, 0, 0)'"),
                               cl::cat(Cat));
cl::opt<bool> SimulateAll("simulate-all", cl::desc("Print the action for every syscall of --arch"),
                          cl::cat(Cat));

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

int usage(const Twine &Msg) {
  errs() << "kavachc: error: " << Msg << "\n";
  return 2;
}

const runtime::SeccompProgram *programFor(const emit::CompiledPolicy &C,
                                          const sema::ArchInfo &A) {
  const sema::ArchInfo *Native = sema::findArch(A.native);
  for (const runtime::SeccompProgram &P : C.policy.seccomp)
    if (P.auditArch == Native->auditArch)
      return &P;
  return nullptr;
}

int simulate(const emit::CompiledPolicy &C, const sema::ArchInfo &A) {
  const runtime::SeccompProgram *P = programFor(C, A);
  if (!P)
    return usage("the policy has no seccomp filter for " + Twine(A.name));
  auto Run = [&](uint32_t Nr, const uint64_t Args[6]) {
    runtime::SeccompData D;
    D.nr = int32_t(Nr);
    D.arch = A.auditArch;
    for (int I = 0; I < 6; ++I)
      D.args[I] = Args[I];
    return runtime::runBpf(P->insns, D);
  };
  for (const std::string &S : Simulate) {
    uint32_t Nr;
    uint64_t Args[6];
    std::string Err = emit::parseCall(S, A.name, Nr, Args);
    if (!Err.empty())
      return usage("--simulate '" + S + "': " + Err);
    runtime::BpfResult R = Run(Nr, Args);
    outs() << S << " -> " << emit::describeRet(R.ret) << " (" << R.executed
           << " instructions)\n";
  }
  if (SimulateAll) {
    const sema::SyscallTable &T = sema::SyscallTable::get(A);
    uint64_t Zero[6] = {0, 0, 0, 0, 0, 0};
    for (const std::string &Name : T.names()) {
      uint32_t Nr = *T.lookup(Name);
      runtime::BpfResult R = Run(Nr, Zero);
      outs() << A.name << " " << Name << " " << Nr << " -> " << emit::describeRet(R.ret) << "\n";
    }
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  cl::HideUnrelatedOptions(Cat);
  cl::SetVersionPrinter([](raw_ostream &OS) { OS << kKavachVersion << "\n"; });
  cl::ParseCommandLineOptions(argc, argv, "kavach policy compiler\n");

  if (Input.empty())
    return usage("no input file; usage: kavachc POLICY.kv -o POLICY.bin");
  const sema::ArchInfo *A = sema::findArch(Arch);
  if (!A)
    return usage("unknown architecture '" + Arch + "'");

  SourceMgr SM;
  DiagnosticEngine Diags(SM);
  DiagOptions &DO = Diags.options();
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

  sema::LoadOptions LO;
  LO.includeDirs.assign(IncludeDirs.begin(), IncludeDirs.end());
  LO.stdlibDir = findStdlib(argv[0]);
  for (StringRef D : Defines) {
    auto [K, V] = D.split('=');
    if (K.empty() || !D.contains('='))
      return usage("-D expects name=value, got '" + D + "'");
    LO.defines[K.str()] = V.str();
  }

  auto Finish = [&](int Code) {
    if (DO.format == DiagFormat::Json)
      Diags.flushJson();
    return Code;
  };

  sema::Program Prog(Diags, LO);
  if (!sys::fs::exists(Input)) {
    Diags.fatal("cannot open '" + Input + "': No such file or directory");
    return Finish(2);
  }
  if (!Prog.loadMain(Input))
    return Finish(1);
  const ast::Policy *P = Prog.selectPolicy(PolicyName);
  if (!P)
    return Finish(1);
  std::optional<ir::PolicyIR> IR = sema::analyzePolicy(Prog, *P);
  if (!IR || Diags.errorCount())
    return Finish(1);

  Expected<emit::CompiledPolicy> C = emit::compilePolicy(*IR);
  if (!C) {
    Diags.fatal(toString(C.takeError()));
    return Finish(1);
  }

  if (!Simulate.empty() || SimulateAll) {
    if (int RC = simulate(*C, *A))
      return Finish(RC);
    if (Output.empty())
      return Finish(0);
  }

  std::vector<uint8_t> Bytes;
  std::string Text;
  if (Emit == EmitKind::Bin) {
    if (Output.empty())
      return Finish(usage("no output file; pass -o POLICY.bin"));
    Bytes = runtime::writePolicy(C->policy);
  } else {
    const runtime::SeccompProgram *Prog = programFor(*C, *A);
    if (!Prog)
      return Finish(usage("the policy has no seccomp filter for " + Twine(A->name)));
    if (Emit == EmitKind::Bpf) {
      if (Output.empty())
        return Finish(usage("no output file; pass -o FILE"));
      const auto *B = reinterpret_cast<const uint8_t *>(Prog->insns.data());
      Bytes.assign(B, B + Prog->insns.size() * sizeof(runtime::BpfInsn));
    } else {
      Text = "policy " + IR->name + " (" + A->native + ", " +
             std::to_string(Prog->insns.size()) + " instructions)\n";
      Text += seccomp::disassemble(Prog->insns, [](uint32_t Audit, uint32_t Nr) {
        const sema::ArchInfo *AI = sema::findArchByAudit(Audit, Nr);
        return AI ? sema::SyscallTable::get(*AI).name(Nr) : std::string();
      });
      Bytes.assign(Text.begin(), Text.end());
      if (Output.empty())
        Output = "-";
    }
  }
  if (Error E = emit::writeAtomically(Output, Bytes)) {
    Diags.fatal(toString(std::move(E)));
    return Finish(2);
  }
  return Finish(0);
}

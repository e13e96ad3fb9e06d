// The default mode: compile one policy and write policy.bin, the raw filter
// (--emit=bpf) or its disassembly (--emit=bpf-asm); --simulate runs the
// compiled filter in the BPF interpreter.
#include "BackendModes.h"
#include "Driver.h"

#include "compiler/Backend/Seccomp/Disassembler.h"
#include "compiler/Emit/Simulate.h"
#include "runtime/Bpf.h"
#include "runtime/PolicyIO.h"

#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kavach::driver {
namespace {

enum class EmitKind { Bin, Bpf, BpfAsm, Oci, DockerSeccomp, K8sSeccomp };
cl::opt<EmitKind> Emit("emit", cl::desc("What to write"), cl::init(EmitKind::Bin),
                       cl::values(clEnumValN(EmitKind::Bin, "bin", "policy.bin (default)"),
                                  clEnumValN(EmitKind::Bpf, "bpf",
                                             "raw struct sock_filter array for --arch"),
                                  clEnumValN(EmitKind::BpfAsm, "bpf-asm",
                                             "disassembled filter for --arch"),
                                  clEnumValN(EmitKind::Oci, "oci", "OCI runtime-spec config.json"),
                                  clEnumValN(EmitKind::DockerSeccomp, "docker-seccomp",
                                             "Docker/Podman seccomp profile"),
                                  clEnumValN(EmitKind::K8sSeccomp, "k8s-seccomp",
                                             "Kubernetes SeccompProfile (Security Profiles "
                                             "Operator)")),
                       cl::cat(KavachcCategory));
cl::list<std::string> Simulate("simulate",
                               cl::desc("Run the filter on a syscall, e.g. 'openat(AT_FDCWD, 0, 0)'"),
                               cl::cat(KavachcCategory));
cl::opt<bool> SimulateAll("simulate-all", cl::desc("Print the action for every syscall of --arch"),
                          cl::cat(KavachcCategory));

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

bool simulateRequested() { return !Simulate.empty() || SimulateAll; }

int runCompile(Session &S) {
  if (Inputs.size() != 1)
    return usage("expected one input file; usage: kavachc POLICY.kv -o POLICY.bin");
  int RC;
  std::optional<ir::PolicyIR> IR = analyzeFile(S, Inputs.front(), RC, PolicyName);
  if (!IR)
    return S.finish(RC);
  if (int Code = checkScoreRequirements(S, *IR)) // ScoreMode.cpp
    return S.finish(Code);
  if (Emit == EmitKind::Oci || Emit == EmitKind::DockerSeccomp || Emit == EmitKind::K8sSeccomp)
    return S.finish(emitBackendFormat(S, *IR, Emit == EmitKind::Oci             ? "oci"
                                              : Emit == EmitKind::DockerSeccomp ? "docker-seccomp"
                                                                                : "k8s-seccomp"));
  Expected<emit::CompiledPolicy> C = emit::compilePolicy(*IR);
  if (!C) {
    S.Diags->fatal(toString(C.takeError()));
    return S.finish(1);
  }
  if (simulateRequested()) {
    if (int Code = simulate(*C, *S.Arch))
      return S.finish(Code);
    if (Output.empty())
      return S.finish(0);
  }

  std::vector<uint8_t> Bytes;
  std::string Out = Output;
  if (Emit == EmitKind::Bin) {
    if (Out.empty())
      return S.finish(usage("no output file; pass -o POLICY.bin"));
    C->policy.backends = backendsSection(S, *IR); // OciMode.cpp
    Bytes = runtime::writePolicy(C->policy);
    // The launcher will read these bytes with the same reader: a file it
    // would refuse must not be written at all.
    runtime::Policy Back;
    std::string Why;
    if (runtime::readPolicy(Bytes.data(), Bytes.size(), Back, &Why) != runtime::ReadError::None ||
        !(Back == C->policy)) {
      S.Diags->fatal("internal error: the generated policy.bin does not read back: " + Why);
      return S.finish(1);
    }
  } else {
    const runtime::SeccompProgram *Prog = programFor(*C, *S.Arch);
    if (!Prog)
      return S.finish(usage("the policy has no seccomp filter for " + Twine(S.Arch->name)));
    if (Emit == EmitKind::Bpf) {
      if (Out.empty())
        return S.finish(usage("no output file; pass -o FILE"));
      const auto *B = reinterpret_cast<const uint8_t *>(Prog->insns.data());
      Bytes.assign(B, B + Prog->insns.size() * sizeof(runtime::BpfInsn));
    } else {
      std::string Text = "policy " + IR->name + " (" + S.Arch->native + ", " +
                         std::to_string(Prog->insns.size()) + " instructions)\n";
      Text += seccomp::disassemble(Prog->insns, [](uint32_t Audit, uint32_t Nr) {
        const sema::ArchInfo *AI = sema::findArchByAudit(Audit, Nr);
        return AI ? sema::SyscallTable::get(*AI).name(Nr) : std::string();
      });
      Bytes.assign(Text.begin(), Text.end());
      if (Out.empty())
        Out = "-";
    }
  }
  if (int Code = signIfRequested(Bytes, Emit == EmitKind::Bin)) // SignOption.cpp
    return S.finish(Code);
  if (Error E = emit::writeAtomically(Out, Bytes)) {
    S.Diags->fatal(toString(std::move(E)));
    return S.finish(2);
  }
  return S.finish(0);
}

} // namespace kavach::driver

// --emit=oci | docker-seccomp | k8s-seccomp: the policy in the formats of
// other runtimes (docs/oci.md, docs/kubernetes.md).
//
//  - oci: a runtime-spec v1.2.0 config.json (Backend/OCI/OciConfig.cpp). By
//    default its entry point is the inner kavach-launch, which
//    `kavach-launch --backend oci|gvisor --bundle-config config.json` puts at
//    /.kavach with policy.bin; --oci-bare emits a config for any runtime with
//    the command from --oci-arg (Landlock then is not enforced: a warning).
//    The annotations carry the outer filter precompiled for --arch (crun's
//    run.oci.seccomp_bpf_data), the policy's scores per backend and its
//    requirements, for `--backend auto`.
//  - docker-seccomp: the moby profile format (`docker|podman run
//    --security-opt seccomp=FILE`); only the seccomp part — the filesystem,
//    network and scope sections are not in it, and a warning says so.
//  - k8s-seccomp: a Security Profiles Operator SeccompProfile resource
//    (JSON, which kubectl reads as YAML).
// A condition the libseccomp form cannot express is an error (exit 1, no
// file written), and each documented degradation is a -Wbackend-degraded
// warning.
#include "BackendModes.h"

#include "compiler/Backend/OCI/OciConfig.h"
#include "compiler/Score/Score.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<bool> OciBare("oci-bare", cl::desc("--emit=oci without the inner kavach-launch"),
                      cl::cat(KavachcCategory));
cl::list<std::string> OciArgs("oci-arg", cl::desc("--oci-bare: the container's command, one "
                                                  "word per option"),
                              cl::cat(KavachcCategory));

cl::opt<bool> BackendConfigs(
    "backend-configs",
    cl::desc("Also store the OCI config.json templates kavach-launch --backend oci|gvisor runs "
             "(several KB: every launch hashes them, so they are opt-in)"),
    cl::cat(KavachcCategory));
cl::opt<bool> NoBackendSection(
    "no-backend-section",
    cl::desc("Leave policy.bin's Backends section (scores, OCI templates) out: a smaller "
             "file; kavach-launch --backend oci|gvisor then refuses it and auto uses process"),
    cl::cat(KavachcCategory));

std::string k8sName(StringRef Policy) {
  std::string N;
  for (char C : Policy.lower())
    N += isalnum(static_cast<unsigned char>(C)) ? C : '-';
  return "kavach-" + N;
}

int write(Session &S, const json::Value &V) {
  std::string Text = formatv("{0:2}", V).str() + "\n";
  std::string Out = Output.empty() ? "-" : std::string(Output);
  if (Error E = emit::writeAtomically(Out, ArrayRef<uint8_t>(
                                               reinterpret_cast<const uint8_t *>(Text.data()),
                                               Text.size()))) {
    S.Diags->fatal(toString(std::move(E)));
    return 2;
  }
  return 0;
}

void warnLandlockMissing(Session &S, const ir::PolicyIR &IR, StringRef Format) {
  if (IR.landlock.fsPresent || IR.landlock.netPresent || IR.landlock.scoped)
    S.Diags->warning("backend-degraded", SMRange(),
                     "a " + Format +
                         " profile holds the seccomp part only: the filesystem, network and "
                         "scope sections (Landlock) are not in it");
}

// The outer filter for crun: the policy plus the inner launcher's calls,
// compiled by the same code generator as policy.bin.
Expected<std::string> precompiledOuterFilter(Session &S, const ir::PolicyIR &IR) {
  ir::PolicyIR Outer = IR;
  if (!OciBare)
    for (const std::string &N : oci::launcherSyscalls()) {
      ir::SyscallDecision D;
      D.fallback = {seccomp::ActionKind::Allow, 0};
      Outer.seccomp.syscalls[N] = D;
    }
  Expected<emit::CompiledPolicy> C = emit::compilePolicy(Outer);
  if (!C)
    return C.takeError();
  const runtime::SeccompProgram *P = programFor(*C, *S.Arch);
  if (!P)
    return std::string();
  return oci::base64(reinterpret_cast<const uint8_t *>(P->insns.data()),
                     P->insns.size() * sizeof(runtime::BpfInsn));
}

} // namespace

runtime::BackendsPolicy backendsSection(Session &S, const ir::PolicyIR &IR) {
  runtime::BackendsPolicy B;
  if (NoBackendSection)
    return B;
  B.present = true;
  for (const score::BackendScore &Sc : score::scoreAll(IR))
    B.scores.push_back({Sc.backend->name, Sc.score});
  // "process>=60,oci>=70": the strictest line per backend.
  // Kept in a named string: a temporary inside the range-for expression dies
  // before the loop body runs (found by ASan).
  const std::string Requirements = requirementsText(S);
  for (StringRef Item : split(Requirements, ',')) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    std::pair<StringRef, StringRef> Parts = Item.split(">=");
    StringRef Name = Parts.first, Min = Parts.second;
    unsigned N = 0;
    if (Name.empty() || Min.getAsInteger(10, N))
      continue;
    auto It = llvm::find_if(B.requirements,
                            [&](const runtime::BackendScoreEntry &E) { return E.backend == Name; });
    if (It == B.requirements.end())
      B.requirements.push_back({Name.str(), N});
    else
      It->value = std::max(It->value, N);
  }
  for (bool Inner : {true, false}) {
    if (!BackendConfigs)
      break;
    oci::ConfigOptions O;
    O.innerLauncher = Inner;
    O.placeholders = true;
    O.killThreadOnly = !Inner; // the bare template is gvisor's
    // crun installs this instead of compiling linux.seccomp (runc ignores it).
    if (Inner && IR.seccomp.present) {
      Expected<std::string> Bpf = precompiledOuterFilter(S, IR);
      if (Bpf)
        O.bpfBase64 = *Bpf;
      else
        consumeError(Bpf.takeError());
    }
    std::vector<std::string> Degraded; // scored; the launcher reports them
    Expected<json::Value> V = oci::buildConfig(IR, O, Degraded);
    if (!V) {
      consumeError(V.takeError());
      continue;
    }
    // Compact: it is stored, not read by people (kavachc --emit=oci is).
    (Inner ? B.ociInner : B.ociBare) = formatv("{0}", *V).str() + "\n";
  }
  return B;
}

int emitBackendFormat(Session &S, const ir::PolicyIR &IR, StringRef Kind) {
  DiagnosticEngine &D = *S.Diags;
  if (Kind == "oci") {
    oci::ConfigOptions O;
    O.innerLauncher = !OciBare;
    if (!OciArgs.empty())
      O.args.assign(OciArgs.begin(), OciArgs.end());
    if (IR.seccomp.present) {
      Expected<std::string> B = precompiledOuterFilter(S, IR);
      if (!B) {
        D.fatal(toString(B.takeError()));
        return 1;
      }
      O.bpfBase64 = *B;
    }
    for (const score::BackendScore &B : score::scoreAll(IR))
      O.annotations["org.kavach.score." + std::string(B.backend->name)] =
          std::to_string(B.score);
    std::string Req = requirementsText(S);
    if (!Req.empty())
      O.annotations["org.kavach.require"] = Req;
    std::vector<std::string> Degraded;
    Expected<json::Value> V = oci::buildConfig(IR, O, Degraded);
    if (!V) {
      D.fatal(toString(V.takeError()));
      return 1;
    }
    for (const std::string &W : Degraded)
      D.warning("backend-degraded", SMRange(), W);
    return write(S, *V);
  }
  if (!IR.seccomp.present) {
    D.fatal("policy '" + IR.name + "' has no seccomp section: a " + Kind +
            " profile would restrict nothing");
    return 1;
  }
  Expected<oci::Profile> P = oci::lowerProfile(IR.seccomp);
  if (!P) {
    D.fatal(toString(P.takeError()));
    return 1;
  }
  for (const std::string &W : P->degraded)
    D.warning("backend-degraded", SMRange(), W);
  warnLandlockMissing(S, IR, Kind == "k8s-seccomp" ? "SeccompProfile" : "Docker seccomp");
  json::Object Body = oci::profileToJson(*P);
  if (Kind == "docker-seccomp")
    return write(S, json::Value(std::move(Body)));
  // k8s-seccomp: the operator's spec has no defaultErrnoRet; its default
  // errno is EPERM.
  if (P->defaultAction.kind == seccomp::ActionKind::Errno) {
    Body.erase("defaultErrnoRet");
    if (P->defaultAction.data != 1)
      D.warning("backend-degraded", SMRange(),
                "a SeccompProfile's default errno is EPERM; the policy's default " +
                    P->defaultAction.str() + " becomes errno(1)");
  }
  json::Value R = json::Object{
      {"apiVersion", "security-profiles-operator.x-k8s.io/v1beta1"},
      {"kind", "SeccompProfile"},
      {"metadata", json::Object{{"name", k8sName(IR.name)},
                                {"annotations", json::Object{{"org.kavach.policy", IR.name}}}}},
      {"spec", std::move(Body)}};
  return write(S, R);
}

} // namespace kavach::driver

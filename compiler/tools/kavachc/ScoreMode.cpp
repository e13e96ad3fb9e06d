// kavachc FILE --score [--explain] [--output-format=json] [--min-score N
// [--score-backend NAME]]: the policy's score on every backend of
// compiler/Score/Backends.def, whether that backend is available on this
// host, and the policy's rules it cannot enforce. --explain adds every
// point's reason, the availability probe's finding and what would raise the
// score. Exit 1 when a `require score >= N on B;` statement or --min-score is
// not met (the same check runCompile makes before writing anything).
//
// --probe-root DIR (hidden) makes the availability probes look under DIR
// instead of / (tests simulate hosts with /dev/kvm etc.); PATH is read from
// the environment either way.
#include "BackendModes.h"

#include "compiler/Score/Require.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<bool> ScoreOpt("score", cl::desc("Score the policy on every backend"),
                       cl::cat(KavachcCategory));
cl::opt<bool> Explain("explain", cl::desc("With --score: every point's reason"),
                      cl::cat(KavachcCategory));
cl::opt<int> MinScore("min-score",
                      cl::desc("Fail unless the policy scores at least N on --score-backend"),
                      cl::init(-1), cl::cat(KavachcCategory));
cl::opt<std::string> ScoreBackend("score-backend",
                                  cl::desc("Backend --min-score applies to (default process)"),
                                  cl::init("process"), cl::cat(KavachcCategory));
cl::opt<std::string> ProbeRoot("probe-root", cl::Hidden,
                               cl::desc("Availability probes look under this directory"),
                               cl::cat(KavachcCategory));

// The `require` statements of the policy compiled from Inputs.front() (its
// whole extends chain) plus --min-score. Parses the file again: the IR does
// not keep statements Sema leaves to scoring.
std::optional<std::vector<score::Requirement>> requirements(Session &S) {
  DiagnosticEngine &D = *S.Diags;
  sema::Program Prog(D, S.Load);
  if (!Prog.loadMain(Inputs.front()))
    return std::nullopt;
  const ast::Policy *P = Prog.selectPolicy(PolicyName);
  if (!P)
    return std::nullopt;
  std::vector<const ast::Policy *> Chain;
  for (const ast::Policy *Cur = P; Cur && Chain.size() < 64;) {
    Chain.insert(Chain.begin(), Cur);
    Cur = Cur->parent ? Prog.findPolicy(*Cur->parent, Prog.isStdlibPolicy(Cur)) : nullptr;
  }
  unsigned Before = D.errorCount();
  std::vector<score::Requirement> R = score::parseRequirements(Chain, D);
  if (MinScore >= 0) {
    if (MinScore > 100 || !score::findBackend(ScoreBackend)) {
      D.fatal(MinScore > 100 ? "--min-score must be 0-100"
                             : "unknown backend '" + ScoreBackend + "' for --score-backend");
      return std::nullopt;
    }
    R.push_back({unsigned(MinScore), ScoreBackend, SMRange()});
  }
  if (D.errorCount() != Before)
    return std::nullopt;
  return R;
}

json::Value toJson(const ir::PolicyIR &IR, const std::vector<score::BackendScore> &All,
                   const std::vector<score::Availability> &Av) {
  json::Array Rows;
  for (size_t I = 0; I < All.size(); ++I) {
    const score::BackendScore &B = All[I];
    json::Array Reasons, Unenf, Raise;
    for (const score::Reason &R : B.reasons)
      Reasons.push_back(json::Object{{"points", R.points}, {"text", R.text}});
    for (const std::string &U : B.unenforced)
      Unenf.push_back(U);
    for (const std::string &T : B.toRaise)
      Raise.push_back(T);
    Rows.push_back(json::Object{{"backend", B.backend->name},
                                {"class", score::className(B.backend->cls)},
                                {"available", Av[I].available},
                                {"availability", Av[I].detail},
                                {"score", int64_t(B.score)},
                                {"label", score::label(B.score)},
                                {"reasons", std::move(Reasons)},
                                {"unenforced", std::move(Unenf)},
                                {"toRaise", std::move(Raise)}});
  }
  return json::Object{{"policy", IR.name}, {"backends", std::move(Rows)}};
}

void printTable(raw_ostream &OS, const ir::PolicyIR &IR,
                const std::vector<score::BackendScore> &All,
                const std::vector<score::Availability> &Av) {
  OS << "policy " << IR.name << "\n";
  OS << "backend      available score  label     unenforced rules\n";
  for (size_t I = 0; I < All.size(); ++I) {
    const score::BackendScore &B = All[I];
    std::string U;
    for (const std::string &X : B.unenforcedFeatures)
      U += (U.empty() ? "" : ", ") + X;
    OS << format("%-12s %-9s %5u  %-9s %s\n", B.backend->name, Av[I].available ? "yes" : "no",
                 B.score, score::label(B.score), U.empty() ? "-" : U.c_str());
    if (!Explain)
      continue;
    OS << "  availability: " << Av[I].detail << "\n";
    for (const score::Reason &R : B.reasons)
      OS << format("  %+4d  ", R.points) << R.text << "\n";
    for (const std::string &X : B.unenforced)
      OS << "     0  unenforced: " << X << "\n";
    for (const std::string &T : B.toRaise)
      OS << "  to raise: " << T << "\n";
  }
}

} // namespace

bool scoreRequested() { return ScoreOpt; }

std::string requirementsText(Session &S) {
  std::optional<std::vector<score::Requirement>> R = requirements(S);
  std::string Out;
  if (R)
    for (const score::Requirement &Q : *R)
      Out += (Out.empty() ? "" : ",") + Q.backend + ">=" + std::to_string(Q.min);
  return Out;
}

int checkScoreRequirements(Session &S, const ir::PolicyIR &IR) {
  std::optional<std::vector<score::Requirement>> R = requirements(S);
  if (!R)
    return 1;
  return score::checkRequirements(IR, *R, *S.Diags) ? 1 : 0;
}

int runScore(Session &S) {
  if (Inputs.size() != 1)
    return usage("--score expects one input file");
  int RC;
  std::optional<ir::PolicyIR> IR = analyzeFile(S, Inputs.front(), RC, PolicyName);
  if (!IR)
    return S.finish(RC);
  std::vector<score::BackendScore> All = score::scoreAll(*IR);
  score::ProbeEnv Env = score::ProbeEnv::host();
  Env.root = ProbeRoot;
  std::vector<score::Availability> Av;
  for (const score::BackendScore &B : All)
    Av.push_back(score::probe(*B.backend, Env));
  if (OutputFormat == "json")
    outs() << formatv("{0:2}", toJson(*IR, All, Av)) << "\n";
  else
    printTable(outs(), *IR, All, Av);
  outs().flush();
  return S.finish(checkScoreRequirements(S, *IR));
}

} // namespace kavach::driver

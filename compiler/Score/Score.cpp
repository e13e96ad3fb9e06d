// The backend and weight tables, and the score of a policy on one backend.
//
// How a score is made: the isolation class's points (Weights.def), then for
// every restriction the policy makes (Features.cpp) either its points, when
// the backend enforces that feature (Backends.def), or an "unenforced" line.
// Points are only ever added, and every Restriction's points grow with how
// much it restricts, so the total is monotone in the policy's restrictions;
// the clamp to 100 keeps that. What would raise a score is, per weight the
// backend enforces, the points not yet earned and the weight's How text.
#include "compiler/Score/Score.h"

#include <algorithm>
#include <map>

namespace kavach::score {
namespace {

constexpr BackendInfo kBackends[] = {
#define KAVACH_BACKEND(Id, Name, Class, Enforces, Probe, How)                                     \
  {BackendId::Id, Name, IsolationClass::Class, uint32_t(Enforces), ProbeKind::Probe, How},
#include "compiler/Score/Backends.def"
};

struct FeatureRow {
  const char *name, *what;
};
constexpr FeatureRow kFeatures[] = {
#define KAVACH_FEATURE(Id, Name, What) {Name, What},
#include "compiler/Score/Backends.def"
};

struct ClassRow {
  const char *name;
  unsigned points;
  const char *why;
};
constexpr ClassRow kClasses[] = {
#define KAVACH_CLASS(Class, Points, Why) {#Class, Points, Why},
#include "compiler/Score/Weights.def"
};

struct WeightRow {
  const char *name;
  Feature feature;
  unsigned points;
  const char *how, *why;
};
constexpr WeightRow kWeights[] = {
#define KAVACH_WEIGHT(Id, Feat, Points, How, Why) {#Id, Feature::Feat, Points, How, Why},
#include "compiler/Score/Weights.def"
};

} // namespace

llvm::ArrayRef<BackendInfo> allBackends() { return kBackends; }

const BackendInfo *findBackend(llvm::StringRef Name) {
  for (const BackendInfo &B : kBackends)
    if (Name == B.name)
      return &B;
  return nullptr;
}

const char *featureName(Feature F) { return kFeatures[unsigned(F)].name; }
const char *featureWhat(Feature F) { return kFeatures[unsigned(F)].what; }
const char *className(IsolationClass C) { return kClasses[unsigned(C)].name; }
unsigned classPoints(IsolationClass C) { return kClasses[unsigned(C)].points; }
const char *classWhy(IsolationClass C) { return kClasses[unsigned(C)].why; }
unsigned weightPoints(Weight W) { return kWeights[unsigned(W)].points; }
Feature weightFeature(Weight W) { return kWeights[unsigned(W)].feature; }
const char *weightHow(Weight W) { return kWeights[unsigned(W)].how; }
const char *weightName(Weight W) { return kWeights[unsigned(W)].name; }
const char *weightWhy(Weight W) { return kWeights[unsigned(W)].why; }

const char *label(unsigned S) {
  if (S >= 85)
    return "fortress";
  if (S >= 70)
    return "hardened";
  if (S >= 50)
    return "standard";
  if (S >= 30)
    return "basic";
  return "minimal";
}

BackendScore scoreOn(const BackendInfo &B, llvm::ArrayRef<Restriction> R) {
  BackendScore Out;
  Out.backend = &B;
  unsigned Sum = classPoints(B.cls);
  Out.reasons.push_back({int(classPoints(B.cls)), std::string("isolation class ") +
                                                      className(B.cls) + ": " + classWhy(B.cls)});
  std::map<Weight, unsigned> Earned;
  for (const Restriction &X : R) {
    if (!B.enforcesFeature(X.feature)) {
      Out.unenforced.push_back(X.what + " [" + featureName(X.feature) + "]");
      if (std::find(Out.unenforcedFeatures.begin(), Out.unenforcedFeatures.end(),
                    featureName(X.feature)) == Out.unenforcedFeatures.end())
        Out.unenforcedFeatures.push_back(featureName(X.feature));
      continue;
    }
    Sum += X.points;
    Earned[X.weight] += X.points;
    Out.reasons.push_back({int(X.points), X.what + " (" + weightWhy(X.weight) + ")"});
  }
  Out.score = std::min(Sum, 100u);
  // What would raise the score: weights the backend enforces with points
  // left. `network none` and a port allowlist are alternatives.
  bool NetNone = Earned.count(Weight::NetworkNone);
  for (unsigned I = 0; I < std::size(kWeights); ++I) {
    Weight W = Weight(I);
    if (!B.enforcesFeature(kWeights[I].feature) || !expressible(kWeights[I].feature))
      continue;
    unsigned Have = Earned.count(W) ? Earned[W] : 0;
    if (W == Weight::NetworkPorts && NetNone)
      continue;
    unsigned Max = kWeights[I].points;
    if (W == Weight::NetworkNone && Earned.count(Weight::NetworkPorts))
      Have = Earned[Weight::NetworkPorts];
    if (Have < Max)
      Out.toRaise.push_back("+" + std::to_string(Max - Have) + ": " + kWeights[I].how);
  }
  return Out;
}

namespace {

bool usesKillProcess(const ir::SeccompIR &S) {
  auto Kills = [](const seccomp::Action &A) { return A.kind == seccomp::ActionKind::KillProcess; };
  if (!S.present)
    return false;
  if (Kills(S.defaultAction))
    return true;
  for (const auto &[Name, D] : S.syscalls) {
    if (Kills(D.fallback))
      return true;
    for (const ir::CondBranch &B : D.branches)
      if (Kills(B.action))
        return true;
  }
  return false;
}

} // namespace

std::vector<BackendScore> scoreAll(const ir::PolicyIR &IR) {
  std::vector<Restriction> R = restrictionsOf(IR);
  std::vector<BackendScore> Out;
  for (const BackendInfo &B : kBackends) {
    Out.push_back(scoreOn(B, R));
    // runsc rejects SCMP_ACT_KILL_PROCESS, so gVisor's config kills the
    // calling thread instead: the call is still refused (no points move),
    // but the difference is stated where the points are explained.
    if (B.id == BackendId::Gvisor && usesKillProcess(IR.seccomp))
      Out.back().reasons.push_back(
          {0, "kill_process acts as kill_thread here (runsc rejects SCMP_ACT_KILL_PROCESS): "
              "the call is refused, other threads of the process live on"});
  }
  return Out;
}

} // namespace kavach::score

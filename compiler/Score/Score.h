// Scoring a policy against every backend kavach can run it on.
//
// A score (0-100) is the backend's isolation-class points plus the points of
// each restriction the policy makes *and that backend enforces* (tables:
// Backends.def, Weights.def). A restriction a backend cannot enforce earns
// nothing there and is listed as unenforced; nothing ever subtracts, so
// adding a restriction to a policy can never lower any backend's score
// (test/unit/score/MonotonicityTest.cpp).
#pragma once

#include "compiler/Sema/PolicyIR.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kavach::score {

enum class Feature : uint8_t {
#define KAVACH_FEATURE(Id, Name, What) Id,
#include "compiler/Score/Backends.def"
};
constexpr unsigned kNumFeatures = 0
#define KAVACH_FEATURE(Id, Name, What) +1
#include "compiler/Score/Backends.def"
    ;

enum class IsolationClass : uint8_t {
#define KAVACH_CLASS(Class, Points, Why) Class,
#include "compiler/Score/Weights.def"
};

enum class Weight : uint8_t {
#define KAVACH_WEIGHT(Id, Feature, Points, How, Why) Id,
#include "compiler/Score/Weights.def"
};

enum class ProbeKind : uint8_t { Always, KernelSeccomp, Binary, BinaryAndKvm, Device, OsRelease };

enum class BackendId : uint8_t {
#define KAVACH_BACKEND(Id, Name, Class, Enforces, Probe, How) Id,
#include "compiler/Score/Backends.def"
};

struct BackendInfo {
  BackendId id;
  const char *name;
  IsolationClass cls;
  uint32_t enforces; // bit per Feature
  ProbeKind probe;
  const char *how;
  bool enforcesFeature(Feature F) const { return enforces & (1u << unsigned(F)); }
};

llvm::ArrayRef<BackendInfo> allBackends();
const BackendInfo *findBackend(llvm::StringRef Name);
const char *featureName(Feature F);
const char *featureWhat(Feature F);
const char *className(IsolationClass C);
unsigned classPoints(IsolationClass C);
const char *classWhy(IsolationClass C);
unsigned weightPoints(Weight W);
Feature weightFeature(Weight W);
const char *weightHow(Weight W);
const char *weightName(Weight W);
const char *weightWhy(Weight W);
// "minimal" (0-29), "basic" (30-49), "standard" (50-69), "hardened"
// (70-84), "fortress" (85-100).
const char *label(unsigned Score);

// A restriction the policy makes, with the points it is worth where it is
// enforced (already scaled, e.g. by the share of syscalls denied).
struct Restriction {
  Feature feature;
  Weight weight;
  unsigned points;
  std::string what; // "seccomp default errno(ENOSYS)", "filesystem: 4 grants", ...
};

// What a policy restricts (Features.cpp); empty when it restricts nothing.
std::vector<Restriction> restrictionsOf(const ir::PolicyIR &IR);
// Whether this kavachc's language can ask for F yet (what-would-raise
// suggestions only name those).
bool expressible(Feature F);

struct Reason {
  int points; // >= 0
  std::string text;
};

struct BackendScore {
  const BackendInfo *backend = nullptr;
  unsigned score = 0;
  std::vector<Reason> reasons;         // sums to score (before the clamp)
  std::vector<std::string> unenforced; // restrictions this backend cannot enforce
  std::vector<std::string> unenforcedFeatures; // their feature names, once each
  std::vector<std::string> toRaise;    // "+N: how" for points still to earn here
};

BackendScore scoreOn(const BackendInfo &B, llvm::ArrayRef<Restriction> R);
std::vector<BackendScore> scoreAll(const ir::PolicyIR &IR);

// Availability on this host (Probe.cpp). `Root` prefixes every file the
// probe looks at ("" = the real host), `Path` is the PATH to search.
struct Availability {
  bool available = false;
  std::string detail; // what was found, or what is missing
};
struct ProbeEnv {
  std::string root;
  std::string path;
  static ProbeEnv host();
};
Availability probe(const BackendInfo &B, const ProbeEnv &Env);

// `require score >= N on BACKEND;` statements (Require.cpp).
struct Requirement {
  unsigned min = 0;
  std::string backend; // "" = every backend... never: the grammar needs one
  llvm::SMRange range;
};

} // namespace kavach::score

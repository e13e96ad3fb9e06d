// The rule table (LintRules.def) as arrays, the severity-aware reporter and
// the check runner.
#include "compiler/Lint/Lint.h"

using namespace llvm;

namespace kavach::lint {
namespace {

constexpr RuleInfo kRules[] = {
#define KAVACH_LINT_RULE(ID, SEV, SRC, SUMMARY, HELP)                                          \
  {ID, Severity::SEV, Source::SRC, SUMMARY, HELP},
#include "compiler/Lint/LintRules.def"
};

constexpr Listed kDangerous[] = {
#define KAVACH_DANGEROUS_SYSCALL(N, W) {N, W},
#include "compiler/Lint/LintRules.def"
};

constexpr Listed kSensitive[] = {
#define KAVACH_SENSITIVE_PATH(P, W) {P, W},
#include "compiler/Lint/LintRules.def"
};

constexpr Listed kRootCaps[] = {
#define KAVACH_ROOT_CAPABILITY(N, W) {N, W},
#include "compiler/Lint/LintRules.def"
};

constexpr StringRef kShells[] = {
#define KAVACH_SHELL(N) N,
#include "compiler/Lint/LintRules.def"
};

} // namespace

ArrayRef<RuleInfo> rules() { return kRules; }
ArrayRef<Listed> dangerousSyscalls() { return kDangerous; }
ArrayRef<Listed> sensitivePaths() { return kSensitive; }
ArrayRef<Listed> rootCapabilities() { return kRootCaps; }
ArrayRef<StringRef> shells() { return kShells; }

const RuleInfo *findRule(StringRef Id) {
  for (const RuleInfo &R : kRules)
    if (R.id == Id)
      return &R;
  return nullptr;
}

void report(DiagnosticEngine &D, StringRef Id, SMRange R, const Twine &Msg,
            ArrayRef<SMFixIt> FixIts) {
  const RuleInfo *Rule = findRule(Id);
  assert(Rule && "lint rule missing from LintRules.def");
  if (Rule && Rule->severity == Severity::Error)
    D.defaultErrorWarning(Id, R, Msg, FixIts);
  else
    D.warning(Id, R, Msg, FixIts);
}

void runChecks(const LintInput &In, DiagnosticEngine &D) {
  checkSeccomp(In, D);
  checkPaths(In, D);
  checkProcess(In, D);
}

} // namespace kavach::lint

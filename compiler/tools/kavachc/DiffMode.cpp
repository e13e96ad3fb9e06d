// kavachc --diff OLD NEW: what changed in effect between two policies (see
// compiler/Diff/Diff.cpp for how). Each side is a .kv file (compiled here,
// with its IR for the conditions as written) or a policy.bin (read back with
// the launcher's reader: everything but the conditions as written; the
// scores are those stored in its Backends section). --output-format=json
// prints the changes as JSON. --fail-on-loosen exits 1 when anything got
// looser (for CI review gates); otherwise the exit status is 0 whatever
// changed (1 on policy errors, 2 on usage or I/O errors).
#include "Driver.h"

#include "compiler/Diff/Diff.h"
#include "runtime/PolicyIO.h"

#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<bool> DiffOpt("diff", cl::desc("Show what changed in effect: kavachc --diff OLD NEW "
                                       "(.kv or policy.bin)"),
                      cl::cat(KavachcCategory));
cl::opt<bool> FailOnLoosen("fail-on-loosen",
                           cl::desc("With --diff: exit 1 when anything got looser"),
                           cl::cat(KavachcCategory));

// Loads one side; returns an exit code (0 on success).
int load(Session &S, const std::string &Path, diff::Side &Out) {
  Out.label = Path;
  if (!StringRef(Path).endswith(".kv")) {
    std::string Why;
    runtime::ReadError E = runtime::readPolicyFile(Path.c_str(), Out.policy, &Why);
    if (E == runtime::ReadError::None)
      return 0;
    S.Diags->fatal("cannot read policy '" + Path + "': " + runtime::describe(E) +
                   (Why.empty() ? "" : ": " + Why));
    return E == runtime::ReadError::Io ? 2 : 1;
  }
  int RC;
  std::optional<ir::PolicyIR> IR = analyzeFile(S, Path, RC, PolicyName);
  if (!IR)
    return RC;
  Expected<emit::CompiledPolicy> C = emit::compilePolicy(*IR);
  if (!C) {
    S.Diags->fatal(toString(C.takeError()));
    return 1;
  }
  Out.policy = std::move(C->policy);
  Out.ir = std::move(IR);
  return 0;
}

} // namespace

bool diffRequested() { return DiffOpt; }

int runDiff(Session &S) {
  if (Inputs.size() != 2)
    return usage("--diff expects two policies: kavachc --diff OLD NEW");
  diff::Side Old, New;
  if (int RC = load(S, Inputs[0], Old))
    return S.finish(RC);
  if (int RC = load(S, Inputs[1], New))
    return S.finish(RC);
  std::vector<diff::Change> Changes = diff::diffPolicies(Old, New);
  if (OutputFormat == "json")
    outs() << formatv("{0:2}", diff::toJson(Old, New, Changes)) << "\n";
  else
    diff::printText(outs(), Old, New, Changes);
  return S.finish(FailOnLoosen && diff::anyLooser(Changes) ? 1 : 0);
}

} // namespace kavach::driver

// kavachc: the policy compiler's command line. A thin main: parse options,
// set up the session, dispatch to the mode asked for. Modes live in their own
// files (CompileMode.cpp, ...). Exit codes: 0 ok, 1 policy errors, 2 usage
// or I/O.
#include "BackendModes.h"
#include "Driver.h"

#include "compiler/Basic/Version.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace kavach;

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  cl::HideUnrelatedOptions(driver::KavachcCategory);
  cl::SetVersionPrinter([](raw_ostream &OS) { OS << kKavachVersion << "\n"; });
  cl::ParseCommandLineOptions(argc, argv, "kavach policy compiler\n");

  driver::Session S;
  if (int RC = driver::setUpSession(S, argv[0]))
    return RC;
  if (driver::genKeyRequested())
    return driver::runGenKey();
  if (driver::Inputs.empty())
    return driver::usage("no input file; usage: kavachc POLICY.kv -o POLICY.bin");
  // Mode dispatch: one line per mode.
  if (driver::learnWriteRequested())
    return driver::runLearnWrite(S);
  if (driver::lintRequested())
    return driver::runLint(S);
  if (driver::testRequested())
    return driver::runTest(S);
  if (driver::fmtRequested())
    return driver::runFmt(S);
  if (driver::diffRequested())
    return driver::runDiff(S);
  if (driver::scoreRequested())
    return driver::runScore(S);
  if (driver::importDockerRequested())
    return driver::runImportDocker(S);
  return driver::runCompile(S);
}

// kavachc --fmt FILE... prints each file in the canonical style (see
// compiler/Format/Formatter.cpp); with -i it rewrites the files in place
// (atomically, and only when something changed); with --fmt-check it writes
// nothing and exits 1 when a file is not formatted (for CI). A file with
// syntax errors is reported and left alone (exit 1). Before anything is
// written, the output is lexed again and must hold exactly the input's
// tokens and comments; otherwise it is an internal error and nothing is
// written.
#include "Driver.h"

#include "compiler/Format/Formatter.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<bool> FmtOpt("fmt", cl::desc("Print the policy files in the canonical style"),
                     cl::cat(KavachcCategory));
cl::opt<bool> InPlace("i", cl::desc("With --fmt: rewrite the files in place"),
                      cl::cat(KavachcCategory));
cl::opt<bool> FmtCheck("fmt-check",
                       cl::desc("Exit 1 if a file is not in the canonical style (writes nothing)"),
                       cl::cat(KavachcCategory));

} // namespace

bool fmtRequested() { return FmtOpt || FmtCheck; }

int runFmt(Session &S) {
  if (InPlace && Inputs.size() == 1 && Inputs.front() == "-")
    return usage("--fmt -i needs a file, not stdin");
  int Code = 0;
  for (const std::string &Path : Inputs) {
    auto BufOr = MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/true);
    if (!BufOr) {
      S.Diags->fatal("cannot open '" + Path + "': " + BufOr.getError().message());
      Code = 2;
      continue;
    }
    std::string Original = (*BufOr)->getBuffer().str();
    unsigned Id = S.SM.AddNewSourceBuffer(std::move(*BufOr), SMLoc());
    std::optional<std::string> Text = format::formatBuffer(*S.Diags, Id);
    if (!Text) {
      Code = std::max(Code, 1);
      continue;
    }
    if (!format::sameTokens(Original, *Text)) {
      S.Diags->fatal("internal error: formatting '" + Path +
                     "' would change its tokens; nothing written");
      Code = std::max(Code, 1);
      continue;
    }
    if (FmtCheck) {
      if (*Text != Original) {
        outs() << Path << ": not formatted\n";
        Code = std::max(Code, 1);
      }
      continue;
    }
    if (!InPlace) {
      outs() << *Text;
      continue;
    }
    if (*Text == Original)
      continue;
    if (Error E = emit::writeAtomically(
            Path, ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Text->data()),
                                    Text->size()))) {
      S.Diags->fatal(toString(std::move(E)));
      Code = 2;
    }
  }
  return S.finish(Code);
}

} // namespace kavach::driver

// Compiling policy text in-process for Sema unit tests.
#pragma once

#include "compiler/Sema/Sema.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

namespace kavach::test {

struct SemaRun {
  std::optional<ir::PolicyIR> ir;
  std::string diags;
  unsigned errors = 0, warnings = 0;
};

inline SemaRun analyzeText(const std::string &Text, const std::string &Policy = "",
                           sema::LoadOptions LO = {}) {
  char Path[] = "/tmp/kavach-sema-XXXXXX.kv";
  int FD = mkstemps(Path, 3);
  std::string Body = Text;
  (void)!write(FD, Body.data(), Body.size());
  close(FD);
  SemaRun R;
  llvm::SourceMgr SM;
  llvm::raw_string_ostream OS(R.diags);
  DiagnosticEngine Diags(SM, OS);
  LO.stdlibDir = KAVACH_SOURCE_STDLIB_DIR;
  sema::Program Prog(Diags, LO);
  if (Prog.loadMain(Path))
    if (const ast::Policy *P = Prog.selectPolicy(Policy))
      R.ir = sema::analyzePolicy(Prog, *P);
  unlink(Path);
  OS.flush();
  R.errors = Diags.errorCount();
  R.warnings = Diags.warningCount();
  return R;
}

} // namespace kavach::test

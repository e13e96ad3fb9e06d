// Fuzzes the whole compiler on policy text: parse, Sema (with the real
// stdlib, so `extends std.strict` and the groups are reached), the backends,
// writePolicy, and the read-back kavachc itself does before writing a file.
// Besides "no crash, no sanitizer report", it checks two invariants:
//   - Sema returns an IR if and only if it reported no error;
//   - whatever compilePolicy accepts is written to bytes that readPolicy
//     accepts and that read back to the same Policy (else kavachc would
//     print "internal error" for a valid policy).
// Inputs that mention `import` are skipped: an import names a file on disk
// (absolute paths included), and a fuzzer reading arbitrary files (/dev/zero,
// /proc/...) tests the machine, not kavach. The import grammar is still
// reached through the parser-only corpora and lit tests.
#include "compiler/Basic/Diagnostics.h"
#include "compiler/Emit/Compile.h"
#include "compiler/Sema/Program.h"
#include "compiler/Sema/Sema.h"
#include "runtime/PolicyIO.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace kavach;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string_view Text(reinterpret_cast<const char *>(Data), Size);
  if (Size > 64 * 1024 || Text.find("import") != std::string_view::npos)
    return -1; // not added to the corpus
  llvm::SourceMgr SM;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  DiagnosticEngine Diags(SM, OS);
  sema::LoadOptions LO;
  LO.stdlibDir = KAVACH_SOURCE_STDLIB_DIR;
  sema::Program Prog(Diags, LO);
  if (!Prog.loadMainBuffer("fuzz-input.kv", llvm::StringRef(Text.data(), Text.size())))
    return 0;
  const ast::Policy *P = Prog.selectPolicy("");
  if (!P)
    return 0;
  std::optional<ir::PolicyIR> IR = sema::analyzePolicy(Prog, *P);
  if (IR.has_value() != (Diags.errorCount() == 0)) {
    OS.flush();
    fprintf(stderr, "Sema returned %s with %u errors:\n%s\n", IR ? "an IR" : "no IR",
            Diags.errorCount(), Out.c_str());
    abort();
  }
  if (!IR)
    return 0;
  llvm::Expected<emit::CompiledPolicy> C = emit::compilePolicy(*IR);
  if (!C) {
    llvm::consumeError(C.takeError()); // e.g. a filter over 4096 instructions
    return 0;
  }
  std::vector<uint8_t> Bytes = runtime::writePolicy(C->policy);
  runtime::Policy Back;
  std::string Why;
  if (runtime::readPolicy(Bytes.data(), Bytes.size(), Back, &Why) != runtime::ReadError::None) {
    fprintf(stderr, "compiled policy does not read back: %s\n", Why.c_str());
    abort();
  }
  if (!(Back == C->policy)) {
    fprintf(stderr, "compiled policy reads back different\n");
    abort();
  }
  return 0;
}

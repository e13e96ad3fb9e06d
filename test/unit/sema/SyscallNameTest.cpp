// Every syscall name of every supported architecture must be writable
// wherever the language takes a syscall name: a rule (`allow NAME;`,
// `deny NAME with ... if ...;`), a group member and a test expectation.
// This catches a grammar keyword that is also a syscall name (`seccomp`
// was one: `allow seccomp;` used to be a syntax error) the day someone adds
// it, for names from libseccomp's tables rather than a hand-typed list.
#include "SemaTestUtil.h"

#include "compiler/Parse/AstBuilder.h"
#include "compiler/Sema/Arches.h"

#include <gtest/gtest.h>

using namespace kavach;

namespace {

// Parses `Text` and returns the diagnostics (empty when it parsed cleanly).
std::string parseErrors(const std::string &Text) {
  llvm::SourceMgr SM;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  DiagnosticEngine Diags(SM, OS);
  unsigned Id = SM.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(Text, "names.kv"),
                                      llvm::SMLoc());
  parse::parseBuffer(Diags, Id);
  OS.flush();
  return Diags.errorCount() ? Out : std::string();
}

TEST(SyscallNames, EveryNameParsesInEveryPosition) {
  const auto &Names = sema::allSyscallNames();
  ASSERT_GT(Names.size(), 300u);
  std::string Group = "group every {\n", Rules, Tests;
  for (const std::string &N : Names) {
    Group += "  " + N + ",\n";
    Rules += "    allow " + N + ";\n    deny " + N + " with errno(EPERM) if arg0 == 1;\n";
    Tests += "    expect " + N + "(1) -> allow;\n";
  }
  Group += "}\n";
  std::string Text = Group + "policy p {\n  seccomp {\n    default errno(ENOSYS);\n" + Rules +
                     "  }\n  test {\n" + Tests + "  }\n}\n";
  EXPECT_EQ(parseErrors(Text), "");
}

// The names that are also keywords, through Sema: they mean the syscall.
TEST(SyscallNames, SeccompIsASyscallInRules) {
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve; deny seccomp with errno(EPERM) if arg0 == 1; allow seccomp; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  auto It = R.ir->seccomp.syscalls.find("seccomp");
  ASSERT_NE(It, R.ir->seccomp.syscalls.end());
  EXPECT_EQ(It->second.fallback.kind, seccomp::ActionKind::Allow);
  ASSERT_EQ(It->second.branches.size(), 1u);
  EXPECT_FALSE(It->second.branches[0].allow);
}

TEST(SyscallNames, SeccompIsASyscallInGroups) {
  auto R = test::analyzeText(R"(group filters { seccomp, prctl }
      policy p { seccomp { default errno(ENOSYS); allow execve, @filters; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_TRUE(R.ir->seccomp.syscalls.count("seccomp"));
  EXPECT_TRUE(R.ir->seccomp.syscalls.count("prctl"));
}

// A keyword still starts its section where a policy item is expected.
TEST(SyscallNames, SeccompSectionStillParses) {
  EXPECT_EQ(parseErrors("policy p { seccomp { default allow; } }"), "");
  EXPECT_NE(parseErrors("policy p { seccomp; }"), "");
}

} // namespace

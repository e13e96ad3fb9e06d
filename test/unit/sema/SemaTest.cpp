// Sema units: rule precedence (docs/language.md), condition building, and
// the IR it produces.
#include "SemaTestUtil.h"

#include <gtest/gtest.h>

using namespace kavach;
using seccomp::ActionKind;

namespace {

const ir::SyscallDecision &decision(const ir::PolicyIR &IR, const std::string &Name) {
  auto It = IR.seccomp.syscalls.find(Name);
  EXPECT_NE(It, IR.seccomp.syscalls.end()) << Name;
  return It->second;
}

TEST(Sema, ExplicitNameBeatsGroup) {
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow @process; deny clone3 with errno(ENOSYS); } })");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(decision(*R.ir, "clone3").fallback.kind, ActionKind::Errno);
  EXPECT_EQ(decision(*R.ir, "fork").fallback.kind, ActionKind::Allow);
}

TEST(Sema, ChildBeatsParent) {
  auto R = test::analyzeText(R"(
    policy base { seccomp { default kill_process; allow execve, read; deny write; } }
    policy p extends base { seccomp { allow write; deny read with errno(EPERM); } })",
                             "p");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(decision(*R.ir, "write").fallback.kind, ActionKind::Allow);
  EXPECT_EQ(decision(*R.ir, "read").fallback.kind, ActionKind::Errno);
  EXPECT_EQ(R.ir->chain, (std::vector<std::string>{"p", "base"}));
}

TEST(Sema, SeveralPoliciesNeedAChoice) {
  auto R = test::analyzeText("policy a { } policy b { }");
  EXPECT_FALSE(R.ir);
  EXPECT_EQ(R.errors, 1u) << R.diags;
}

TEST(Sema, ConditionalAllowNarrowsGroup) {
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve, @network-io; allow socket if arg0 == AF_UNIX; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  const auto &D = decision(*R.ir, "socket");
  ASSERT_EQ(D.branches.size(), 1u);
  EXPECT_EQ(D.fallback.kind, ActionKind::Errno);
  EXPECT_TRUE(D.fallbackIsDefault);
}

TEST(Sema, ConditionalDenyCarvesOut) {
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve, @process; deny kill with errno(EPERM) if arg1 == SIGKILL; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  const auto &D = decision(*R.ir, "kill");
  ASSERT_EQ(D.branches.size(), 1u);
  EXPECT_FALSE(D.branches[0].allow);
  EXPECT_EQ(D.fallback.kind, ActionKind::Allow);
}

TEST(Sema, BitAndBindsTighterThanComparison) {
  auto R = test::analyzeText(R"(policy p { seccomp { default allow;
      deny mmap if arg2 & PROT_EXEC == 0; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  const auto &C = *decision(*R.ir, "mmap").branches.at(0).cond;
  EXPECT_EQ(C.kind, seccomp::Cond::Kind::Cmp);
  EXPECT_EQ(C.op, seccomp::Cond::Op::MaskedEq);
  EXPECT_EQ(C.mask, 4u);
  EXPECT_EQ(C.value, 0u);
}

TEST(Sema, InBuildsAlternatives) {
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve; allow socket if arg0 in {AF_UNIX, AF_INET, AF_INET6}; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  const auto &C = *decision(*R.ir, "socket").branches.at(0).cond;
  EXPECT_EQ(C.kind, seccomp::Cond::Kind::Or);
  uint64_t Unix[6] = {1, 0, 0, 0, 0, 0}, Inet6[6] = {10, 0, 0, 0, 0, 0}, Pkt[6] = {17, 0, 0, 0, 0, 0};
  EXPECT_TRUE(C.eval(Unix));
  EXPECT_TRUE(C.eval(Inet6));
  EXPECT_FALSE(C.eval(Pkt));
}

TEST(Sema, ReportsAllErrorsNotJustTheFirst) {
  auto R = test::analyzeText(R"(policy p { seccomp { default kill_process;
      allow execve, opnat, raed, @nope; } })");
  EXPECT_FALSE(R.ir);
  EXPECT_EQ(R.errors, 3u) << R.diags;
}

TEST(Sema, DefaultArchesAreNative) {
  auto R = test::analyzeText("policy p { seccomp { default allow; } }");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(R.ir->seccomp.arches, (std::vector<std::string>{"x86_64", "aarch64"}));
}

TEST(Sema, CompatArchNeedsItsNative) {
  auto R = test::analyzeText("policy p { seccomp { default allow; arch aarch64, i386; } }");
  EXPECT_FALSE(R.ir);
  EXPECT_NE(R.diags.find("list 'x86_64' too"), std::string::npos) << R.diags;
}

} // namespace

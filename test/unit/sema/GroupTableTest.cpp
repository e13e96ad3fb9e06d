// Invariants of the stdlib group table (stdlib-policies/groups.kv), as
// systemd's test_filter_sets_ordered checks its syscall_filter_sets: every
// group non-empty, members sorted (groups first, then names), every member a
// real syscall on at least one supported arch, no cycles (the expansion of
// every group succeeds).
#include "SemaTestUtil.h"

#include "compiler/Parse/AstBuilder.h"
#include "compiler/Sema/Arches.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace kavach;

namespace {

ast::File parseGroups(llvm::SourceMgr &SM, DiagnosticEngine &D) {
  auto Buf = llvm::MemoryBuffer::getFile(std::string(KAVACH_SOURCE_STDLIB_DIR) + "/groups.kv");
  EXPECT_TRUE(bool(Buf));
  unsigned Id = SM.AddNewSourceBuffer(std::move(*Buf), llvm::SMLoc());
  return parse::parseBuffer(D, Id);
}

TEST(GroupTable, ParsesWithoutErrors) {
  llvm::SourceMgr SM;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  DiagnosticEngine D(SM, OS);
  ast::File F = parseGroups(SM, D);
  EXPECT_EQ(D.errorCount(), 0u) << OS.str();
  EXPECT_GT(F.groups.size(), 10u);
}

TEST(GroupTable, MembersSortedNonEmptyAndReal) {
  llvm::SourceMgr SM;
  DiagnosticEngine D(SM, llvm::nulls());
  ast::File F = parseGroups(SM, D);
  const auto &All = sema::allSyscallNames();
  for (const ast::Group &G : F.groups) {
    SCOPED_TRACE("@" + G.name.text);
    EXPECT_FALSE(G.members.empty());
    std::vector<std::string> Groups, Names;
    bool SeenName = false;
    for (const ast::SyscallRef &M : G.members) {
      if (M.isGroup) {
        EXPECT_FALSE(SeenName) << "@" << M.name << " after plain names";
        Groups.push_back(M.name);
      } else {
        SeenName = true;
        Names.push_back(M.name);
        EXPECT_TRUE(std::binary_search(All.begin(), All.end(), M.name))
            << M.name << " is not a syscall on any supported arch";
      }
    }
    EXPECT_TRUE(std::is_sorted(Groups.begin(), Groups.end()));
    EXPECT_TRUE(std::is_sorted(Names.begin(), Names.end()));
    EXPECT_EQ(std::adjacent_find(Names.begin(), Names.end()), Names.end()) << "duplicate member";
  }
}

TEST(GroupTable, EveryGroupExpands) {
  llvm::SourceMgr SM;
  DiagnosticEngine D(SM, llvm::nulls());
  ast::File F = parseGroups(SM, D);
  std::string Text = "policy all { seccomp { default allow; deny ";
  bool First = true;
  for (const ast::Group &G : F.groups) {
    if (G.name.text == "process" || G.name.text == "default")
      continue; // they hold execve, which must stay allowed
    Text += (First ? "@" : ", @") + G.name.text;
    First = false;
  }
  Text += " with errno(EPERM); } }";
  test::SemaRun R = test::analyzeText(Text);
  EXPECT_EQ(R.errors, 0u) << R.diags;
}

} // namespace

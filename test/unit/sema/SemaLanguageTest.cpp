// Sema units for the language forms of docs/language.md beyond rule
// precedence: conflicts and shadowing, the extends merge of Landlock and
// process sections, parameters, limits and their mechanisms, conditions'
// 64-bit semantics, and errors that must stop compilation.
#include "SemaTestUtil.h"

#include <gtest/gtest.h>

using namespace kavach;
using seccomp::ActionKind;

namespace {

const ir::SyscallDecision *find(const ir::PolicyIR &IR, const std::string &Name) {
  auto It = IR.seccomp.syscalls.find(Name);
  return It == IR.seccomp.syscalls.end() ? nullptr : &It->second;
}

size_t count(const std::string &Haystack, const std::string &Needle) {
  size_t N = 0;
  for (size_t P = Haystack.find(Needle); P != std::string::npos; P = Haystack.find(Needle, P + 1))
    ++N;
  return N;
}

TEST(SemaLanguage, ConflictPointsAtBothRules) {
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve, getpid;
      deny getpid with kill_process; } })");
  EXPECT_FALSE(R.ir);
  EXPECT_EQ(R.errors, 1u) << R.diags;
  EXPECT_NE(R.diags.find("has conflicting actions"), std::string::npos) << R.diags;
  EXPECT_NE(R.diags.find(":2:21: note: previous rule for 'getpid' is here"), std::string::npos)
      << R.diags;
}

TEST(SemaLanguage, ChildMayOverrideParentWithoutConflict) {
  auto R = test::analyzeText(R"(
      policy base { seccomp { default errno(ENOSYS); allow execve, getpid; } }
      policy p extends base { seccomp { deny getpid with kill_process; } })",
                             "p");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(R.warnings, 0u) << R.diags;
  EXPECT_EQ(find(*R.ir, "getpid")->fallback.kind, ActionKind::KillProcess);
}

TEST(SemaLanguage, ExplicitRuleShadowingItsGroupIsNotAWarning) {
  // `deny clone3` beats @process: precedence, not a mistake.
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve, @process; deny clone3 with errno(ENOSYS); } })");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(R.warnings, 0u) << R.diags;
}

TEST(SemaLanguage, ShadowedConditionIsAWarning) {
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve; allow getppid if arg0 == 1; allow getppid; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(count(R.diags, "[-Wshadowed-rule]"), 1u) << R.diags;
}

TEST(SemaLanguage, DenyConditionAlsoMatchesTheLow32Bits) {
  // kill(pid, 0x1_00000009) is SIGKILL to the kernel (an int argument).
  auto R = test::analyzeText(R"(policy p { seccomp { default allow;
      deny kill with errno(EPERM) if arg1 == SIGKILL; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  const auto &B = find(*R.ir, "kill")->branches.at(0);
  EXPECT_FALSE(B.allow);
  uint64_t Wide[6] = {1, 0x100000009ull, 0, 0, 0, 0};
  uint64_t Exact[6] = {1, 9, 0, 0, 0, 0};
  EXPECT_TRUE(B.cond->eval(Exact));
  // As written the condition is 64-bit; the widening to the low half is
  // applied when lowering (Backend/Seccomp), flagged by `allow == false`.
  EXPECT_FALSE(B.cond->eval(Wide));
}

TEST(SemaLanguage, NetworkNoneAndAChildReplacingIt) {
  auto None = test::analyzeText("policy p { seccomp { default allow; } network none; }");
  ASSERT_TRUE(None.ir) << None.diags;
  EXPECT_TRUE(None.ir->landlock.networkNone);
  auto Child = test::analyzeText(R"(
      policy base { seccomp { default allow; } network none; }
      policy p extends base { network { connect tcp 443; } })",
                                 "p");
  ASSERT_TRUE(Child.ir) << Child.diags;
  EXPECT_FALSE(Child.ir->landlock.networkNone);
  ASSERT_EQ(Child.ir->landlock.net.size(), 1u);
  EXPECT_EQ(Child.ir->landlock.net[0].port, 443u);
  EXPECT_FALSE(Child.ir->landlock.net[0].bind);
}

TEST(SemaLanguage, FilesystemGrantsAccumulateDownTheChain) {
  auto R = test::analyzeText(R"(
      policy base { seccomp { default allow; } filesystem { read "/usr"; } }
      policy p extends base { filesystem { read_write "/tmp/work"; } })",
                             "p");
  ASSERT_TRUE(R.ir) << R.diags;
  ASSERT_EQ(R.ir->landlock.fs.size(), 2u);
  EXPECT_EQ(R.ir->landlock.fs[1].path, "/tmp/work");
  EXPECT_EQ(R.ir->landlock.fs[1].verb, ir::FsVerb::ReadWrite);
}

TEST(SemaLanguage, ParametersAndLaunchVariables) {
  sema::LoadOptions LO;
  LO.defines["DATA"] = "/srv/data";
  auto R = test::analyzeText(R"(policy p { seccomp { default allow; }
      filesystem { read "${DATA}/in", "${HOME}/.config"; } })",
                             "", LO);
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(R.ir->landlock.fs[0].path, "/srv/data/in");
  EXPECT_EQ(R.ir->landlock.fs[1].path, "${HOME}/.config"); // resolved by the launcher
  LO.defines["DATA"] = "/srv/..";
  auto Root = test::analyzeText(R"(policy p { seccomp { default allow; }
      filesystem { read "${DATA}"; } })",
                                "", LO);
  EXPECT_FALSE(Root.ir);
  auto Unknown = test::analyzeText(R"(policy p { seccomp { default allow; }
      filesystem { read "${NOPE}/x"; } })");
  EXPECT_FALSE(Unknown.ir);
  EXPECT_NE(Unknown.diags.find("unknown variable '${NOPE}'"), std::string::npos);
}

TEST(SemaLanguage, LimitNamesSayTheirMechanism) {
  auto R = test::analyzeText(R"(policy p { seccomp { default allow; }
      limits { memory 512MiB; pids 64; address_space 1GiB; processes 32; cpu_time 30s;
               wall_time 2min; open_files 256; file_size 1GiB; stack 8MiB; core 0B; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  auto Value = [&](runtime::LimitKind K) -> std::optional<uint64_t> {
    for (const ir::ProcessLimit &L : R.ir->process.limits)
      if (L.kind == K)
        return L.value;
    return std::nullopt;
  };
  using LK = runtime::LimitKind;
  EXPECT_EQ(Value(LK::Memory), 512ull << 20);    // cgroup memory.max
  EXPECT_EQ(Value(LK::Pids), 64u);               // cgroup pids.max
  EXPECT_EQ(Value(LK::AddressSpace), 1ull << 30); // RLIMIT_AS
  EXPECT_EQ(Value(LK::Processes), 32u);          // RLIMIT_NPROC
  EXPECT_EQ(Value(LK::CpuTime), 30u);
  EXPECT_EQ(Value(LK::WallTime), 120u);
  EXPECT_EQ(Value(LK::Stack), 8ull << 20);
  EXPECT_EQ(Value(LK::Core), 0u);
}

TEST(SemaLanguage, CapabilitiesFromLibcapNames) {
  auto R = test::analyzeText(R"(policy p { seccomp { default allow; }
      capabilities { drop all; keep CAP_NET_BIND_SERVICE; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_EQ(R.ir->process.capsKeep, uint64_t(1) << 10); // CAP_NET_BIND_SERVICE = 10
  auto Typo = test::analyzeText(R"(policy p { seccomp { default allow; }
      capabilities { drop all; keep CAP_NET_BIND_SERVIC; } })");
  EXPECT_FALSE(Typo.ir);
  EXPECT_NE(Typo.diags.find("did you mean 'CAP_NET_BIND_SERVICE'?"), std::string::npos)
      << Typo.diags;
}

TEST(SemaLanguage, DidYouMeanForEveryNameKind) {
  struct Case {
    const char *text, *suggestion;
  } Cases[] = {
      {"policy p { seccomp { default errno(ENOSYS); allow execve, opnat; } }", "'openat'"},
      {"policy p { seccomp { default errno(ENOSYS); allow execve, @basic-oi; } }", "'@basic-io'"},
      {"policy p { seccomp { default errno(ENOSYS); allow execve; deny ptrace with errno(EPRM); } }",
       "'EPERM'"},
      {"policy p { seccomp { default errno(ENOSYS); allow execve; allow socket if arg0 == AF_UNX; } }",
       "'AF_UNIX'"},
      {"policy p { seccomp { default errno(ENOSYS); allow execve; deny ptrace with kil_process; } }",
       "'kill_process'"},
      {"policy p { seccomp { default errno(ENOSYS); allow execve; arch x86-64; } }", "'x86_64'"},
      {"policy p { seccomp { default allow; } namespaces { usr; } }", "'user'"},
      {"policy p { seccomp { default allow; } limits { memroy 1GiB; } }", "'memory'"},
  };
  for (const Case &C : Cases) {
    auto R = test::analyzeText(C.text);
    EXPECT_FALSE(R.ir) << C.text;
    EXPECT_NE(R.diags.find(std::string("note: did you mean ") + C.suggestion + "?"),
              std::string::npos)
        << C.text << "\n"
        << R.diags;
  }
}

TEST(SemaLanguage, ExtendsCycleIsAnError) {
  auto R = test::analyzeText(R"(
      policy a extends b { seccomp { default allow; } }
      policy b extends a { })",
                             "a");
  EXPECT_FALSE(R.ir);
  EXPECT_NE(R.diags.find("extends itself"), std::string::npos) << R.diags;
}

TEST(SemaLanguage, UnknownOnOneArchIsANoteNotSilence) {
  // `open` exists on x86_64 but not on aarch64.
  auto R = test::analyzeText(R"(policy p { seccomp { default errno(ENOSYS);
      allow execve, open; arch x86_64, aarch64; } })");
  ASSERT_TRUE(R.ir) << R.diags;
  EXPECT_NE(R.diags.find("note: "), std::string::npos) << R.diags;
  EXPECT_NE(R.diags.find("aarch64"), std::string::npos) << R.diags;
}

} // namespace

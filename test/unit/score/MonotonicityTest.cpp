// Adding a restriction to a policy never lowers any backend's score, and the
// restrictions a backend cannot enforce are listed, never subtracted.
#include "compiler/Score/Score.h"
#include "runtime/PolicyFormat.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

using namespace kavach;

namespace {

seccomp::Action act(seccomp::ActionKind K, uint16_t D = 0) { return {K, D}; }

ir::PolicyIR permissive() {
  ir::PolicyIR IR;
  IR.name = "p";
  IR.seccomp.present = true;
  IR.seccomp.defaultAction = act(seccomp::ActionKind::Allow);
  IR.seccomp.arches = {"x86_64"};
  return IR;
}

void deny(ir::PolicyIR &IR, const std::string &Name) {
  ir::SyscallDecision D;
  D.fallback = act(seccomp::ActionKind::Errno, 1);
  IR.seccomp.syscalls[Name] = D;
}

void allow(ir::PolicyIR &IR, const std::string &Name) {
  ir::SyscallDecision D;
  D.fallback = act(seccomp::ActionKind::Allow);
  IR.seccomp.syscalls[Name] = D;
}

seccomp::CondRef argEq(unsigned I, uint64_t V) {
  auto C = std::make_shared<seccomp::Cond>();
  C->argIndex = I;
  C->value = V;
  return C;
}

ir::ProcessIR &process(ir::PolicyIR &IR) {
  IR.process.present = true;
  return IR.process;
}

void limit(ir::PolicyIR &IR, runtime::LimitKind K, uint64_t V) {
  for (const ir::ProcessLimit &L : process(IR).limits)
    if (L.kind == K)
      return;
  IR.process.limits.push_back({K, V, {}});
}

using Step = std::pair<const char *, std::function<void(ir::PolicyIR &)>>;

std::vector<Step> restrictions() {
  return {
      {"deny ptrace", [](ir::PolicyIR &IR) { deny(IR, "ptrace"); }},
      {"deny bpf", [](ir::PolicyIR &IR) { deny(IR, "bpf"); }},
      {"deny a harmless syscall", [](ir::PolicyIR &IR) { deny(IR, "getppid"); }},
      {"narrow an allowed syscall with a condition",
       [](ir::PolicyIR &IR) {
         ir::SyscallDecision D;
         D.fallback = IR.seccomp.defaultAction.kind == seccomp::ActionKind::Allow
                          ? act(seccomp::ActionKind::Errno, 1)
                          : IR.seccomp.defaultAction;
         D.branches.push_back({argEq(0, 1), true, act(seccomp::ActionKind::Allow), {}});
         IR.seccomp.syscalls["socket"] = D;
       }},
      {"deny-if on an allowed syscall",
       [](ir::PolicyIR &IR) {
         ir::SyscallDecision D;
         D.fallback = act(seccomp::ActionKind::Allow);
         D.branches.push_back({argEq(1, 9), false, act(seccomp::ActionKind::Errno, 1), {}});
         IR.seccomp.syscalls["kill"] = D;
       }},
      {"default deny",
       [](ir::PolicyIR &IR) {
         // Keep what was allowed allowed: only the unnamed syscalls change.
         const ir::PolicyIR Before = IR;
         IR.seccomp.defaultAction = act(seccomp::ActionKind::Errno, 38);
         (void)Before;
         allow(IR, "read");
         allow(IR, "write");
         allow(IR, "execve");
       }},
      {"filesystem section",
       [](ir::PolicyIR &IR) {
         IR.landlock.fsPresent = true;
         IR.landlock.fs.push_back({ir::FsVerb::Read, "/usr", {}});
       }},
      {"network port allowlist",
       [](ir::PolicyIR &IR) {
         if (!IR.landlock.networkNone) {
           IR.landlock.netPresent = true;
           IR.landlock.net.push_back({false, 443, {}});
         }
       }},
      {"network none",
       [](ir::PolicyIR &IR) {
         IR.landlock.netPresent = true;
         IR.landlock.networkNone = true;
         IR.landlock.net.clear();
       }},
      {"scope signal", [](ir::PolicyIR &IR) { IR.landlock.scoped |= 2; }},
      {"scope abstract unix socket", [](ir::PolicyIR &IR) { IR.landlock.scoped |= 1; }},
      // The process part.
      {"pid namespace", [](ir::PolicyIR &IR) { process(IR).namespaces |= runtime::kNsPid; }},
      {"user namespace", [](ir::PolicyIR &IR) { process(IR).namespaces |= runtime::kNsUser; }},
      {"every namespace", [](ir::PolicyIR &IR) { process(IR).namespaces |= runtime::kNsAll; }},
      {"capabilities section keeping two",
       [](ir::PolicyIR &IR) {
         ir::ProcessIR &P = process(IR);
         P.capsKeep = P.capsPresent ? P.capsKeep & 0x3 : 0x3;
         P.capsPresent = true;
       }},
      {"drop one more capability",
       [](ir::PolicyIR &IR) {
         ir::ProcessIR &P = process(IR);
         if (!P.capsPresent)
           P.capsKeep = ~uint64_t(0) >> (63 - runtime::kMaxCapability);
         P.capsPresent = true;
         P.capsKeep &= P.capsKeep - 1; // clear the lowest kept one
       }},
      {"an rlimit", [](ir::PolicyIR &IR) { limit(IR, runtime::LimitKind::OpenFiles, 64); }},
      {"a memory limit", [](ir::PolicyIR &IR) { limit(IR, runtime::LimitKind::Memory, 1 << 26); }},
      {"a wall time", [](ir::PolicyIR &IR) { limit(IR, runtime::LimitKind::WallTime, 5); }},
      {"read-only root", [](ir::PolicyIR &IR) { process(IR).rootfsReadOnly = true; }},
      {"env allowlist", [](ir::PolicyIR &IR) { process(IR).envClear = true; }},
      {"command allowlist",
       [](ir::PolicyIR &IR) { process(IR).commands.push_back("/bin/true"); }},
      {"non-root uid", [](ir::PolicyIR &IR) { process(IR).uid = 1000; }},
  };
}

void expectNotLower(const ir::PolicyIR &Before, const ir::PolicyIR &After, const char *What) {
  auto A = score::scoreAll(Before), B = score::scoreAll(After);
  ASSERT_EQ(A.size(), B.size());
  for (size_t I = 0; I < A.size(); ++I)
    EXPECT_GE(B[I].score, A[I].score)
        << What << " lowered the score on " << A[I].backend->name;
}

} // namespace

// Every restriction, applied to the permissive policy and on top of every
// prefix of the others, in two orders.
TEST(ScoreMonotonicity, AddingARestrictionNeverLowersAScore) {
  auto Steps = restrictions();
  for (int Order = 0; Order < 2; ++Order) {
    ir::PolicyIR Cur = permissive();
    for (size_t K = 0; K < Steps.size(); ++K) {
      const Step &S = Steps[Order ? Steps.size() - 1 - K : K];
      ir::PolicyIR Next = Cur;
      S.second(Next);
      expectNotLower(Cur, Next, S.first);
      // The same step alone on the permissive policy.
      ir::PolicyIR Alone = permissive();
      S.second(Alone);
      expectNotLower(permissive(), Alone, S.first);
      Cur = std::move(Next);
    }
  }
}

TEST(ScoreMonotonicity, AddingASeccompSectionNeverLowersAScore) {
  ir::PolicyIR None;
  None.name = "p";
  ir::PolicyIR With = permissive();
  deny(With, "ptrace");
  expectNotLower(None, With, "a seccomp section");
}

TEST(ScoreMonotonicity, UnenforcedRulesEarnNothingAndAreListed) {
  ir::PolicyIR IR = permissive();
  IR.landlock.fsPresent = true;
  const score::BackendInfo *G = score::findBackend("gvisor");
  ASSERT_TRUE(G);
  score::BackendScore S = score::scoreOn(*G, score::restrictionsOf(IR));
  ASSERT_EQ(S.unenforced.size(), 1u);
  EXPECT_NE(S.unenforced[0].find("landlock-fs"), std::string::npos);
  ir::PolicyIR Without = permissive();
  EXPECT_EQ(S.score, score::scoreOn(*G, score::restrictionsOf(Without)).score);
}

// Each process-part restriction earns points exactly on the backends whose
// row enforces its feature, and is listed as unenforced elsewhere.
TEST(ScoreMonotonicity, ProcessPartsCountWhereEnforced) {
  ir::PolicyIR IR = permissive();
  process(IR).namespaces = runtime::kNsAll;
  IR.process.capsPresent = true;
  limit(IR, runtime::LimitKind::OpenFiles, 64);
  limit(IR, runtime::LimitKind::Pids, 64);
  IR.process.rootfsReadOnly = true;
  IR.process.envClear = true;
  IR.process.commands = {"/bin/true"};
  IR.process.uid = 1000;
  IR.process.hostIds = ir::ProcessIR::HostIds{100000, 65536, {}};
  std::vector<score::Restriction> R = score::restrictionsOf(IR);
  for (score::Feature F :
       {score::Feature::Namespaces, score::Feature::UserNs, score::Feature::HostIds,
        score::Feature::Capabilities,
        score::Feature::Rlimits,
        score::Feature::Cgroups, score::Feature::ReadOnlyRoot, score::Feature::Env,
        score::Feature::Commands, score::Feature::User}) {
    auto It = std::find_if(R.begin(), R.end(),
                           [&](const score::Restriction &X) { return X.feature == F; });
    ASSERT_NE(It, R.end()) << score::featureName(F);
    EXPECT_GT(It->points, 0u) << score::featureName(F);
    for (const score::BackendInfo &B : score::allBackends()) {
      score::BackendScore S = score::scoreOn(B, R);
      bool Listed = std::find(S.unenforcedFeatures.begin(), S.unenforcedFeatures.end(),
                              std::string(score::featureName(F))) != S.unenforcedFeatures.end();
      EXPECT_EQ(Listed, !B.enforcesFeature(F)) << B.name << " " << score::featureName(F);
    }
  }
  // The process backend enforces all of it: more than seccomp alone.
  const score::BackendInfo *P = score::findBackend("process");
  EXPECT_GT(score::scoreOn(*P, R).score,
            score::scoreOn(*P, score::restrictionsOf(permissive())).score + 20);
}

TEST(ScoreMonotonicity, ReasonsAddUpToTheScore) {
  ir::PolicyIR IR = permissive();
  IR.seccomp.defaultAction = act(seccomp::ActionKind::KillProcess);
  allow(IR, "execve");
  IR.landlock.fsPresent = true;
  IR.landlock.netPresent = IR.landlock.networkNone = true;
  for (const score::BackendScore &S : score::scoreAll(IR)) {
    int Sum = 0;
    for (const score::Reason &R : S.reasons) {
      EXPECT_GE(R.points, 0);
      EXPECT_FALSE(R.text.empty());
      Sum += R.points;
    }
    EXPECT_EQ(unsigned(std::min(Sum, 100)), S.score) << S.backend->name;
  }
}

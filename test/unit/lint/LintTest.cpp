// Lint units: the rule table, each check on a compiled policy (the same
// path as `kavachc --lint`: Program -> Sema -> lint::runChecks), in-file
// suppressions, and the JSON/SARIF documents built from the records.
#include "compiler/Lint/Lint.h"
#include "compiler/Sema/Sema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <set>
#include <sys/capability.h>
#include <unistd.h>

using namespace kavach;

namespace {

struct LintRun {
  std::vector<DiagRecord> records;
  std::string text;
  unsigned errors = 0, warnings = 0;
  bool compiled = false;

  // Findings of rule `Id` (warnings and default-error warnings).
  std::vector<DiagRecord> of(llvm::StringRef Id) const {
    std::vector<DiagRecord> Out;
    for (const DiagRecord &R : records)
      if (R.flag == Id)
        Out.push_back(R);
    return Out;
  }
};

LintRun lintText(const std::string &Text, const std::string &Policy = "") {
  char Path[] = "/tmp/kavach-lint-XXXXXX.kv";
  int FD = mkstemps(Path, 3);
  (void)!write(FD, Text.data(), Text.size());
  close(FD);
  LintRun R;
  llvm::SourceMgr SM;
  llvm::raw_string_ostream OS(R.text);
  DiagnosticEngine D(SM, OS);
  lint::Suppressions Supp(SM);
  D.setSuppressor([&](llvm::StringRef F, llvm::SMRange Rg) { return Supp.suppresses(F, Rg); });
  sema::LoadOptions LO;
  LO.stdlibDir = KAVACH_SOURCE_STDLIB_DIR;
  sema::Program Prog(D, LO);
  if (Prog.loadMain(Path))
    if (const ast::Policy *P = Prog.selectPolicy(Policy)) {
      if (auto IR = sema::analyzePolicy(Prog, *P)) {
        std::vector<const ast::Policy *> Rev{P};
        for (const ast::Policy *Q = P; Q->parent;) {
          Q = Prog.findPolicy(*Q->parent, Prog.isStdlibPolicy(Q));
          if (!Q || llvm::is_contained(Rev, Q))
            break;
          Rev.push_back(Q);
        }
        lint::runChecks({*IR, {Rev.rbegin(), Rev.rend()}}, D);
        R.compiled = true;
      }
    }
  std::vector<unsigned> Main;
  for (unsigned B = 1; B <= SM.getNumBuffers(); ++B)
    if (SM.getMemoryBuffer(B)->getBufferIdentifier() == Path)
      Main.push_back(B);
  Supp.reportProblems(D, Main);
  unlink(Path);
  OS.flush();
  R.records = D.records();
  R.errors = D.errorCount();
  R.warnings = D.warningCount();
  return R;
}

const char *kBase = "seccomp { default errno(ENOSYS); allow @default, @basic-io, execve; }\n";

std::string policy(const std::string &Body) {
  return std::string("policy p {\n  ") + kBase + Body + "\n}\n";
}

TEST(LintRules, IdsAreUniqueAndDocumentedFields) {
  std::set<std::string> Seen;
  for (const lint::RuleInfo &R : lint::rules()) {
    EXPECT_TRUE(Seen.insert(R.id.str()).second) << R.id.str();
    EXPECT_FALSE(R.summary.empty()) << R.id.str();
    EXPECT_FALSE(R.help.empty()) << R.id.str();
    EXPECT_EQ(lint::findRule(R.id), &R);
    for (char C : R.id)
      EXPECT_TRUE((C >= 'a' && C <= 'z') || llvm::isDigit(C) || C == '-') << R.id.str();
  }
  EXPECT_EQ(lint::findRule("no-such-rule"), nullptr);
}

TEST(LintRules, ListsAreNonEmptyAndCapabilitiesAreLibcapNames) {
  EXPECT_GE(lint::dangerousSyscalls().size(), 20u);
  EXPECT_GE(lint::sensitivePaths().size(), 10u);
  EXPECT_TRUE(llvm::is_contained(lint::shells(), "sh"));
  // A misspelt name in LintRules.def would never match a kept capability.
  for (const lint::Listed &C : lint::rootCapabilities()) {
    cap_value_t V;
    EXPECT_EQ(cap_from_name(C.name.lower().c_str(), &V), 0) << C.name.str();
  }
}

TEST(LintChecks, CleanPolicyHasNoFindings) {
  auto R = lintText(policy(""));
  ASSERT_TRUE(R.compiled) << R.text;
  EXPECT_EQ(R.warnings + R.errors, 0u) << R.text;
}

TEST(LintChecks, DangerousSyscallIsAnErrorAndDenyIsClean) {
  auto Bad = lintText("policy p { seccomp { default errno(ENOSYS); allow @default, execve, ptrace; } }");
  ASSERT_EQ(Bad.of("dangerous-syscall").size(), 1u) << Bad.text;
  EXPECT_EQ(Bad.of("dangerous-syscall")[0].kind, llvm::SourceMgr::DK_Error);
  auto Good = lintText("policy p { seccomp { default errno(ENOSYS); allow @default, execve; "
                       "deny ptrace with kill_process; } }");
  EXPECT_TRUE(Good.of("dangerous-syscall").empty()) << Good.text;
}

TEST(LintChecks, SensitivePathThroughAParent) {
  auto R = lintText(policy("filesystem { read \"/etc\"; }"));
  auto F = R.of("sensitive-path");
  ASSERT_FALSE(F.empty()) << R.text;
  EXPECT_NE(F[0].message.find("/etc/shadow"), std::string::npos) << F[0].message;
  auto Ok = lintText(policy("filesystem { read \"/etc/ssl\"; }"));
  EXPECT_TRUE(Ok.of("sensitive-path").empty()) << Ok.text;
}

TEST(LintChecks, WriteAndExecuteOnTheSamePath) {
  auto R = lintText(policy("filesystem { read_write \"/opt/app\"; execute \"/opt/app/bin\"; }"));
  EXPECT_EQ(R.of("write-execute").size(), 1u) << R.text;
  auto Ok = lintText(policy("filesystem { read_write \"/tmp/w\"; execute \"/opt/app/bin\"; }"));
  EXPECT_TRUE(Ok.of("write-execute").empty()) << Ok.text;
}

TEST(LintChecks, ProcessChecksJudgeTheMergedPolicy) {
  auto Parent = lintText(R"(policy base {
      seccomp { default errno(ENOSYS); allow @default, @basic-io, execve; }
      capabilities { drop all; keep CAP_SYS_ADMIN; }
      commands { allow "/bin/bash"; }
      limits { memory 64MiB; } }
    policy p extends base {
      capabilities { drop all; keep CAP_NET_BIND_SERVICE; }
      commands { allow "/usr/bin/python3"; }
      limits { pids 8; } })",
                         "p");
  ASSERT_TRUE(Parent.compiled) << Parent.text;
  EXPECT_TRUE(Parent.of("root-capability").empty()) << Parent.text;
  EXPECT_TRUE(Parent.of("shell-command").empty()) << Parent.text;
  EXPECT_TRUE(Parent.of("pids-limit").empty()) << Parent.text;

  auto Bad = lintText(policy(R"(capabilities { keep all; } commands { allow "/bin/sh"; }
      limits { memory 64MiB; })"));
  EXPECT_EQ(Bad.of("root-capability").size(), 1u) << Bad.text; // one finding for `keep all`
  EXPECT_EQ(Bad.of("shell-command").size(), 1u) << Bad.text;
  EXPECT_EQ(Bad.of("pids-limit").size(), 1u) << Bad.text;
}

TEST(LintChecks, InertConnectOnlyWithANetNamespace) {
  auto R = lintText(policy("network { connect tcp 443; bind tcp 80; } namespaces { user, net; }"));
  ASSERT_EQ(R.of("inert-connect").size(), 1u) << R.text;
  auto Ok = lintText(policy("network { connect tcp 443; } namespaces { user; }"));
  EXPECT_TRUE(Ok.of("inert-connect").empty()) << Ok.text;
}

TEST(LintSuppressions, ReasonRequiredAndUnusedReported) {
  auto R = lintText(R"(policy p {
  seccomp {
    default errno(ENOSYS);
    allow @default, execve;
    // kavach-lint: allow dangerous-syscall -- the harness traces its child
    allow ptrace;
    // kavach-lint: allow unfiltered-ioctl
    allow bpf;
  }
})");
  // ptrace suppressed; the bpf line's suppression has no reason (malformed)
  // and names another rule, so bpf is still reported.
  auto D = R.of("dangerous-syscall");
  ASSERT_EQ(D.size(), 1u) << R.text;
  EXPECT_NE(D[0].message.find("bpf"), std::string::npos);
  EXPECT_EQ(R.of("lint-suppression").size(), 1u) << R.text;
}

TEST(LintOutput, JsonAndSarifCarryEveryRecord) {
  auto R = lintText("policy p { seccomp { default errno(EPERM); allow @default, execve, ioctl; } }");
  ASSERT_GE(R.records.size(), 2u) << R.text;
  llvm::json::Value J = lint::toJson(R.records, {"p.kv"});
  auto *Findings = J.getAsObject()->getArray("findings");
  ASSERT_TRUE(Findings);
  std::set<std::string> Ids;
  for (const llvm::json::Value &F : *Findings)
    Ids.insert(F.getAsObject()->getString("ruleId")->str());
  EXPECT_TRUE(Ids.count("default-errno-eperm"));
  EXPECT_TRUE(Ids.count("unfiltered-ioctl"));

  llvm::json::Value S = lint::toSarif(R.records, {"p.kv"}, "https://x/lint.md", "0");
  auto *Runs = S.getAsObject()->getArray("runs");
  ASSERT_TRUE(Runs && Runs->size() == 1);
  auto *Run = (*Runs)[0].getAsObject();
  auto *Rules = Run->getObject("tool")->getObject("driver")->getArray("rules");
  auto *Results = Run->getArray("results");
  ASSERT_TRUE(Rules && Results);
  EXPECT_EQ(Results->size(), Findings->size());
  for (const llvm::json::Value &Res : *Results) {
    auto *O = Res.getAsObject();
    int64_t I = *O->getInteger("ruleIndex");
    ASSERT_LT(size_t(I), Rules->size());
    EXPECT_EQ(*(*Rules)[I].getAsObject()->getString("id"), *O->getString("ruleId"));
    auto *Region = (*O->getArray("locations"))[0].getAsObject()->getObject("physicalLocation")
                       ->getObject("region");
    EXPECT_GE(*Region->getInteger("startLine"), 1);
    EXPECT_GE(*Region->getInteger("startColumn"), 1);
  }
}

} // namespace

// kavachc --test FILE...: runs the `test { expect ...; }` blocks of every
// policy in each file against the policy as compiled, i.e. the BPF bytes
// kavach-launch would install, evaluated in the in-repo interpreter
// (runtime::runBpf), the same path as --simulate.
//
// One line per expectation on stdout: `PASS file:line: call -> action
// [arches]`, or `FAIL ` followed by a diagnostic at the expectation (source
// line and caret) naming the action actually computed. Exit 0 when all pass,
// 1 on any failure or policy error, 2 on I/O errors.
//
// Decisions and limits:
//  - Only the expectations written in a policy run for it, not those of its
//    `extends` parents: a child usually exists to change its parent (a web
//    policy extending std.strict allows TCP that std.strict's own
//    expectations deny). The parent's expectations run when the parent file
//    is tested; `kavachc --diff parent.kv child.kv` shows what a child changed.
//  - `expect call(...) -> action;` without `on ARCH` is checked on every
//    native arch the policy compiles a filter for, skipping arches that lack
//    the syscall; `on ARCH` may name a compat arch (i386, x32, arm), which runs
//    on its native filter with that arch's AUDIT_ARCH value.
//  - Arguments are integers or named constants; unlisted arguments are 0.
//  - `expect score(BACKEND) OP N;` (OP: >=, >, <=, <, ==; BACKEND a row of
//    compiler/Score/Backends.def, as in `kavachc --score`) compares the score
//    that backend gives the policy as compiled, the same number as
//    `kavachc --score` and `require score >= N on BACKEND`. A failure names
//    the actual score and, as notes, what would raise it there. `<=`/`<` are
//    there to pin a score that must not silently grow either (e.g. noop).
#include "Driver.h"

#include "compiler/Emit/Simulate.h"
#include "compiler/Score/Score.h"
#include "compiler/Sema/SemaContext.h"
#include "runtime/Bpf.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<bool> TestOpt("test",
                      cl::desc("Run the policies' test { expect ...; } blocks; non-zero exit "
                               "on any failure"),
                      cl::cat(KavachcCategory));

struct Tally {
  unsigned Pass = 0, Fail = 0;
};

std::string callText(const ast::Expect &E) {
  std::string S = E.syscall.text + "(";
  for (size_t I = 0; I < E.args.size(); ++I)
    S += (I ? ", " : "") + E.args[I].text;
  return S + ")";
}

std::string actionText(const ast::Action &A) {
  return A.name.text + (A.arg ? "(" + A.arg->text + ")" : "");
}

std::string joined(const std::vector<std::string> &V) {
  std::string S;
  for (const std::string &X : V)
    S += (S.empty() ? "" : ", ") + X;
  return S;
}

class PolicyTester {
public:
  PolicyTester(Session &S, sema::Program &Prog, const ast::Policy &P, const ir::PolicyIR &IR,
               const emit::CompiledPolicy &C, DiagnosticEngine &Results, Tally &T)
      : S(S), Ctx{Prog, *S.Diags, P, {}}, IR(IR), C(C), Results(Results), T(T) {}

  void run() {
    for (const ast::Expect &E : Ctx.main.expects)
      ++(check(E) ? T.Pass : T.Fail);
  }

private:
  std::string where(SMRange R) const {
    unsigned Buf = S.SM.FindBufferContainingLoc(R.Start);
    auto [Line, Col] = S.SM.getLineAndColumn(R.Start, Buf);
    return S.SM.getMemoryBuffer(Buf)->getBufferIdentifier().str() + ":" + std::to_string(Line);
  }

  void fail(SMRange R, const Twine &Msg) {
    outs() << "FAIL ";
    Results.error(R, Msg);
  }

  // The arches an expectation runs on; reports and returns {} on error.
  std::vector<const sema::ArchInfo *> archesFor(const ast::Expect &E) {
    std::vector<const sema::ArchInfo *> Out;
    if (E.arch) {
      const sema::ArchInfo *A = sema::findArch(E.arch->text);
      if (!A) {
        std::vector<std::string> Names;
        for (const sema::ArchInfo &X : sema::allArches())
          Names.push_back(X.name);
        fail(E.arch->range, "unknown architecture '" + E.arch->text + "'");
        Results.suggest(E.arch->range, E.arch->text, Names);
        return {};
      }
      if (!programFor(C, *A)) {
        fail(E.arch->range, "policy '" + Ctx.main.name.text + "' has no seccomp filter for " +
                                A->name + " (its native arch " + A->native + " is not listed)");
        return {};
      }
      if (!sema::SyscallTable::get(*A).lookup(E.syscall.text)) {
        fail(E.syscall.range, "syscall '" + E.syscall.text + "' does not exist on " + A->name);
        return {};
      }
      return {A};
    }
    for (const runtime::SeccompProgram &P : C.policy.seccomp) {
      const sema::ArchInfo *A = sema::findArchByAudit(P.auditArch);
      if (A && sema::SyscallTable::get(*A).lookup(E.syscall.text))
        Out.push_back(A);
    }
    if (C.policy.seccomp.empty())
      fail(E.range, "policy '" + Ctx.main.name.text + "' has no seccomp filter to test");
    else if (Out.empty()) {
      fail(E.syscall.range, "unknown syscall '" + E.syscall.text + "'");
      Results.suggest(E.syscall.range, E.syscall.text, sema::allSyscallNames());
    }
    return Out;
  }

  static bool compare(unsigned Got, StringRef Op, unsigned Bound) {
    if (Op == ">=") return Got >= Bound;
    if (Op == ">") return Got > Bound;
    if (Op == "<=") return Got <= Bound;
    if (Op == "<") return Got < Bound;
    return Got == Bound; // "==": the grammar allows nothing else
  }

  // `expect score(BACKEND) OP N;`
  bool checkScore(const ast::Expect &E) {
    std::string Text = "score(" + (E.args.empty() ? std::string() : E.args[0].text) + ") " +
                       E.cmp->text + " " + E.bound.text;
    if (E.syscall.text != "score") {
      fail(E.syscall.range, "only 'score(BACKEND)' can be compared with " + E.cmp->text +
                                "; a syscall expectation is 'expect " + E.syscall.text +
                                "(...) -> ACTION;'");
      return false;
    }
    std::vector<std::string> Names;
    for (const score::BackendInfo &B : score::allBackends())
      Names.push_back(B.name);
    if (E.args.size() != 1 || E.args[0].kind != ast::Atom::Kind::Ident) {
      fail(E.args.empty() ? E.syscall.range : E.args[0].range,
           "expected one backend name: score(" + joined(Names) + ")");
      return false;
    }
    const score::BackendInfo *B = score::findBackend(E.args[0].text);
    if (!B) {
      fail(E.args[0].range, "unknown backend '" + E.args[0].text + "'");
      Results.suggest(E.args[0].range, E.args[0].text, Names);
      return false;
    }
    if (!E.bound.unit.empty() || E.bound.overflow || E.bound.value > 100) {
      fail(E.bound.range, "a score is 0-100, got " + E.bound.text);
      return false;
    }
    score::BackendScore Got = score::scoreOn(*B, score::restrictionsOf(IR));
    if (!compare(Got.score, E.cmp->text, unsigned(E.bound.value))) {
      fail(SMRange(E.cmp->range.Start, E.bound.range.End),
           "expected " + Text + ", got " + std::to_string(Got.score) + " (" +
               score::label(Got.score) + ") on " + B->name);
      for (const std::string &U : Got.unenforced)
        Results.note(SMRange(), "unenforced on " + std::string(B->name) + ": " + U);
      for (const std::string &R : Got.toRaise)
        Results.note(SMRange(), "would raise the score: " + R);
      return false;
    }
    outs() << "PASS " << where(E.range) << ": " << Text << " [" << B->name << " "
           << Got.score << "]\n";
    return true;
  }

  // True when the expectation holds; otherwise it has been reported.
  bool check(const ast::Expect &E) {
    if (E.cmp)
      return checkScore(E);
    unsigned Before = S.Diags->errorCount();
    std::optional<seccomp::Action> Want = sema::convertAction(Ctx, E.action);
    uint64_t Args[6] = {0, 0, 0, 0, 0, 0};
    if (E.args.size() > 6)
      S.Diags->error(E.args[6].range, "a syscall has at most six arguments");
    for (size_t I = 0; I < E.args.size() && I < 6; ++I)
      if (auto V = sema::convertConstant(Ctx, E.args[I]))
        Args[I] = *V;
    if (!Want || S.Diags->errorCount() != Before)
      return false; // already reported
    std::vector<const sema::ArchInfo *> Arches = archesFor(E);
    if (Arches.empty())
      return false;
    std::vector<std::string> Names;
    bool Ok = true;
    for (const sema::ArchInfo *A : Arches) {
      runtime::SeccompData D;
      D.nr = int32_t(*sema::SyscallTable::get(*A).lookup(E.syscall.text));
      D.arch = A->auditArch;
      for (int I = 0; I < 6; ++I)
        D.args[I] = Args[I];
      uint32_t Got = runtime::runBpf(programFor(C, *A)->insns, D).ret;
      Names.push_back(A->name);
      if (Got != Want->toRet()) {
        fail(E.action.range, "expected " + actionText(E.action) + ", got " +
                                 emit::describeRet(Got) + " for " + callText(E) + " on " +
                                 A->name);
        Ok = false;
      }
    }
    if (Ok)
      outs() << "PASS " << where(E.range) << ": " << callText(E) << " -> "
             << actionText(E.action) << " [" << joined(Names) << "]\n";
    return Ok;
  }

  Session &S;
  sema::SemaContext Ctx;
  const ir::PolicyIR &IR;
  const emit::CompiledPolicy &C;
  DiagnosticEngine &Results;
  Tally &T;
};

// The policies defined in the main file `Path` (or the one --policy names).
std::vector<const ast::Policy *> policiesOf(Session &S, sema::Program &Prog,
                                            const std::string &Path) {
  if (!PolicyName.empty()) {
    const ast::Policy *P = Prog.selectPolicy(PolicyName);
    return P ? std::vector<const ast::Policy *>{P} : std::vector<const ast::Policy *>{};
  }
  std::vector<const ast::Policy *> Out;
  for (const std::string &Name : Prog.policyNames()) {
    const ast::Policy *P = Prog.findPolicy(ast::Name{Name, SMRange()}, false);
    if (P && S.SM.getMemoryBuffer(P->bufferId)->getBufferIdentifier() == Path)
      Out.push_back(P);
  }
  std::sort(Out.begin(), Out.end(), [](const ast::Policy *A, const ast::Policy *B) {
    return A->range.Start.getPointer() < B->range.Start.getPointer();
  });
  return Out;
}

} // namespace

bool testRequested() { return TestOpt; }

int runTest(Session &S) {
  DiagnosticEngine Results(S.SM, outs());
  Tally T;
  int Code = 0;
  for (const std::string &Path : Inputs) {
    if (!sys::fs::exists(Path)) {
      S.Diags->fatal("cannot open '" + Path + "': No such file or directory");
      Code = 2;
      continue;
    }
    sema::Program Prog(*S.Diags, S.Load);
    if (!Prog.loadMain(Path)) {
      Code = std::max(Code, 1);
      continue;
    }
    std::vector<const ast::Policy *> Policies = policiesOf(S, Prog, Path);
    if (Policies.empty()) {
      if (PolicyName.empty())
        S.Diags->fatal("'" + Path + "' defines no policy");
      Code = std::max(Code, 1);
    }
    for (const ast::Policy *P : Policies) {
      unsigned Before = S.Diags->errorCount();
      std::optional<ir::PolicyIR> IR = sema::analyzePolicy(Prog, *P);
      if (!IR || S.Diags->errorCount() != Before) {
        outs() << "FAIL " << Path << ": policy '" << P->name.text << "' does not compile\n";
        ++T.Fail;
        continue;
      }
      Expected<emit::CompiledPolicy> C = emit::compilePolicy(*IR);
      if (!C) {
        S.Diags->fatal(toString(C.takeError()));
        ++T.Fail;
        continue;
      }
      if (P->expects.empty())
        outs() << "NONE " << Path << ": policy '" << P->name.text << "' has no expectations\n";
      PolicyTester(S, Prog, *P, *IR, *C, Results, T).run();
    }
  }
  outs() << (T.Pass + T.Fail) << " expectations: " << T.Pass << " passed, " << T.Fail
         << " failed\n";
  outs().flush();
  if (T.Fail)
    Code = std::max(Code, 1);
  return S.finish(Code);
}

} // namespace kavach::driver

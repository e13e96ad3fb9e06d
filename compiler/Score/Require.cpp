// `require score >= N on BACKEND;` — a policy statement (ast::Policy::stmts;
// Sema's SectionSema leaves it to this file). The words must be exactly
// `require score >= INT on NAME`; N is 0..100 and NAME a Backends.def row
// (did-you-mean otherwise). A requirement that is not met is an error at the
// statement, followed by notes: the score and label, each unenforced rule,
// and each way to earn more points on that backend. `kavachc --min-score N`
// makes Requirements with no source range (the driver adds them).
#include "compiler/Score/Require.h"

#include <string>

namespace kavach::score {
namespace {

bool isIdent(const ast::Word &W, llvm::StringRef T) {
  return W.kind == ast::Word::Kind::Ident && W.text == T;
}

std::vector<std::string> backendNames() {
  std::vector<std::string> N;
  for (const BackendInfo &B : allBackends())
    N.push_back(B.name);
  return N;
}

} // namespace

std::vector<Requirement> parseRequirements(llvm::ArrayRef<const ast::Policy *> Chain,
                                           DiagnosticEngine &D) {
  std::vector<Requirement> Out;
  for (const ast::Policy *P : Chain)
    for (const ast::Stmt &S : P->stmts) {
      if (S.words.empty() || !isIdent(S.words.front(), "require"))
        continue;
      const auto &W = S.words;
      if (W.size() != 6 || !isIdent(W[1], "score") || W[2].text != ">=" ||
          W[3].kind != ast::Word::Kind::Int || !W[3].atom.unit.empty() ||
          !isIdent(W[4], "on") || W[5].kind != ast::Word::Kind::Ident) {
        D.error(S.range, "expected 'require score >= N on BACKEND;'");
        continue;
      }
      if (W[3].atom.value > 100) {
        D.error(W[3].range, "a score is 0-100, got " + W[3].text);
        continue;
      }
      if (!findBackend(W[5].text)) {
        D.error(W[5].range, "unknown backend '" + W[5].text + "'");
        D.suggest(W[5].range, W[5].text, backendNames());
        continue;
      }
      Out.push_back({unsigned(W[3].atom.value), W[5].text, S.range});
    }
  return Out;
}

unsigned checkRequirements(const ir::PolicyIR &IR, llvm::ArrayRef<Requirement> Reqs,
                           DiagnosticEngine &D) {
  if (Reqs.empty())
    return 0;
  std::vector<Restriction> R = restrictionsOf(IR);
  unsigned Failed = 0;
  for (const Requirement &Q : Reqs) {
    const BackendInfo *B = findBackend(Q.backend);
    if (!B) {
      D.error(Q.range, "unknown backend '" + Q.backend + "'");
      ++Failed;
      continue;
    }
    BackendScore S = scoreOn(*B, R);
    if (S.score >= Q.min)
      continue;
    ++Failed;
    D.error(Q.range, "policy '" + IR.name + "' scores " + std::to_string(S.score) + " (" +
                         label(S.score) + ") on " + B->name + ", below the required " +
                         std::to_string(Q.min));
    for (const std::string &U : S.unenforced)
      D.note(llvm::SMRange(), "unenforced on " + std::string(B->name) + ": " + U);
    for (const std::string &T : S.toRaise)
      D.note(llvm::SMRange(), "would raise the score: " + T);
    if (S.toRaise.empty())
      D.note(llvm::SMRange(), std::string("nothing in the policy can raise it further on ") + B->name +
                          " (its isolation class gives " +
                          std::to_string(classPoints(B->cls)) + "); pick another backend");
  }
  return Failed;
}

} // namespace kavach::score

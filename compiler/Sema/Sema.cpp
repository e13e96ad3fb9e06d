// Sema driver: builds the extends chain (cycles are errors), then runs the
// per-section passes. Shared conversions (actions, constants) live here so
// that every section spells them the same way.
#include "compiler/Sema/Sema.h"

#include "compiler/Sema/Constants.h"
#include "compiler/Sema/SemaContext.h"

#include <set>

using namespace llvm;

namespace kavach::sema {

std::optional<seccomp::Action> convertAction(SemaContext &Ctx, const ast::Action &A) {
  using K = seccomp::ActionKind;
  static const std::pair<const char *, K> kNames[] = {
      {"allow", K::Allow},           {"errno", K::Errno},   {"kill_process", K::KillProcess},
      {"kill", K::KillProcess},      {"kill_thread", K::KillThread}, {"trap", K::Trap},
      {"log", K::Log},               {"user_notif", K::UserNotif}};
  std::optional<K> Kind;
  for (auto &[N, Kd] : kNames)
    if (A.name.text == N)
      Kind = Kd;
  if (!Kind) {
    Ctx.diags.error(A.name.range, "unknown action '" + A.name.text + "'");
    std::vector<std::string> C;
    for (auto &[N, Kd] : kNames)
      C.push_back(N);
    Ctx.diags.suggest(A.name.range, A.name.text, C);
    return std::nullopt;
  }
  seccomp::Action Out{*Kind, 0};
  bool TakesArg = *Kind == K::Errno || *Kind == K::Trap;
  if (!TakesArg && A.arg) {
    Ctx.diags.error(A.arg->range, "action '" + A.name.text + "' takes no argument");
    return std::nullopt;
  }
  if (*Kind == K::Errno && !A.arg) {
    Ctx.diags.error(A.range, "'errno' needs a value, e.g. errno(EPERM) or errno(ENOSYS)");
    return std::nullopt;
  }
  if (A.arg) {
    std::optional<uint64_t> V;
    if (A.arg->kind == ast::Atom::Kind::Ident) {
      V = lookupErrno(A.arg->text);
      if (!V) {
        Ctx.diags.error(A.arg->range, "unknown errno name '" + A.arg->text + "'");
        Ctx.diags.suggest(A.arg->range, A.arg->text, errnoNames());
        return std::nullopt;
      }
    } else {
      V = convertConstant(Ctx, *A.arg);
      if (!V)
        return std::nullopt;
    }
    if (*V > 4095) {
      Ctx.diags.error(A.arg->range, "errno value " + Twine(*V) + " is out of range (0..4095)");
      return std::nullopt;
    }
    Out.data = uint16_t(*V);
  }
  return Out;
}

std::optional<uint64_t> convertConstant(SemaContext &Ctx, const ast::Atom &A) {
  if (!A.orParts.empty()) {
    uint64_t V = 0;
    bool Ok = true;
    for (const ast::Atom &P : A.orParts) {
      auto X = convertConstant(Ctx, P);
      Ok &= bool(X);
      V |= X.value_or(0);
    }
    return Ok ? std::optional<uint64_t>(V) : std::nullopt;
  }
  if (A.kind == ast::Atom::Kind::Ident) {
    if (auto V = lookupConstant(A.text))
      return V;
    Ctx.diags.error(A.range, "unknown constant '" + A.text + "'");
    Ctx.diags.suggest(A.range, A.text, constantNames());
    return std::nullopt;
  }
  if (A.overflow) {
    Ctx.diags.error(A.range, "integer '" + A.text + "' does not fit in 64 bits");
    return std::nullopt;
  }
  if (!A.unit.empty()) {
    Ctx.diags.error(A.range, "unexpected unit '" + A.unit + "' on a plain number");
    return std::nullopt;
  }
  return A.value;
}

std::optional<bool> convertOnUnsupported(SemaContext &Ctx, const ast::OnUnsupported &O) {
  if (O.how.text == "fail")
    return false;
  if (O.how.text == "best_effort")
    return true;
  Ctx.diags.error(O.how.range, "'on_unsupported' takes 'fail' or 'best_effort', not '" +
                                   O.how.text + "'");
  Ctx.diags.suggest(O.how.range, O.how.text, {"fail", "best_effort"});
  return std::nullopt;
}

std::optional<ir::PolicyIR> analyzePolicy(Program &Prog, const ast::Policy &Main) {
  DiagnosticEngine &Diags = Prog.diags();
  unsigned Before = Diags.errorCount();
  SemaContext Ctx{Prog, Diags, Main, {}};

  // The extends chain, most derived first while walking.
  std::vector<const ast::Policy *> Rev{&Main};
  std::set<const ast::Policy *> Seen{&Main};
  for (const ast::Policy *P = &Main; P->parent;) {
    const ast::Policy *Parent = Prog.findPolicy(*P->parent, Prog.isStdlibPolicy(P));
    if (!Parent)
      break;
    if (!Seen.insert(Parent).second) {
      Diags.error(P->parent->range, "policy '" + P->name.text + "' extends itself through '" +
                                        P->parent->text + "'");
      break;
    }
    Rev.push_back(Parent);
    P = Parent;
  }
  Ctx.chain.assign(Rev.rbegin(), Rev.rend());
  if (Diags.errorCount() != Before)
    return std::nullopt;

  ir::PolicyIR IR;
  IR.name = Main.name.text;
  IR.range = Main.range;
  for (const ast::Policy *P : Rev)
    IR.chain.push_back(P->name.text);
  analyzeSeccomp(Ctx, IR);
  analyzeSections(Ctx, IR);
  if (Diags.errorCount() != Before)
    return std::nullopt;
  return IR;
}

} // namespace kavach::sema

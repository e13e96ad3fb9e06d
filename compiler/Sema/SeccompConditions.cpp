// Argument conditions of seccomp rules: `arg1 == SIGKILL`, masks, `in {…}`,
// `!`, `&&`, `||` → the IR's Cond tree, with the width checks for 32-bit
// arches (-Warg-width) and constant-condition warnings. Split out of
// SeccompSema.cpp, which calls convertCondition() for each rule's `if`.
#include "compiler/Sema/Arches.h"
#include "compiler/Sema/Constants.h"
#include "compiler/Sema/SemaContext.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace llvm;

namespace kavach::sema {
namespace {

using seccomp::Cond;
using seccomp::CondRef;

struct Operand {
  bool isArg = false;
  unsigned index = 0;
  uint64_t mask = ~0ull;
  uint64_t value = 0;
  SMRange range;
};

class ConditionConverter {
public:
  ConditionConverter(SemaContext &Ctx, const std::vector<std::string> &Arches)
      : Ctx(Ctx), D(Ctx.diags), Arches(Arches) {}


  std::optional<Operand> operand(const ast::Expr &E) {
    switch (E.kind) {
    case ast::Expr::Kind::Atom: {
      Operand O;
      O.range = E.range;
      const ast::Atom &A = E.atom;
      StringRef T = A.text;
      if (A.kind == ast::Atom::Kind::Ident && T.startswith("arg") && T.size() > 3 &&
          llvm::all_of(T.drop_front(3), isDigit)) {
        unsigned Idx = 0;
        if (T.drop_front(3).getAsInteger(10, Idx) || Idx > 5) {
          D.error(E.range, "argument index " + T.drop_front(3) +
                               " is out of range: syscalls have arg0 to arg5");
          return std::nullopt;
        }
        O.isArg = true;
        O.index = Idx;
        return O;
      }
      auto V = convertConstant(Ctx, A);
      if (!V)
        return std::nullopt;
      O.value = *V;
      return O;
    }
    case ast::Expr::Kind::BitAnd:
    case ast::Expr::Kind::BitOr: {
      auto L = operand(*E.kids[0]), R = operand(*E.kids[1]);
      if (!L || !R)
        return std::nullopt;
      bool And = E.kind == ast::Expr::Kind::BitAnd;
      if (!L->isArg && !R->isArg) {
        L->value = And ? (L->value & R->value) : (L->value | R->value);
        L->range = E.range;
        return L;
      }
      if (!And) {
        D.error(E.range, "'|' combines constants only; it cannot apply to an argument");
        return std::nullopt;
      }
      if (L->isArg && R->isArg) {
        D.error(E.range, "cannot mask one argument with another");
        return std::nullopt;
      }
      Operand Arg = L->isArg ? *L : *R;
      Arg.mask &= (L->isArg ? R->value : L->value);
      Arg.range = E.range;
      return Arg;
    }
    default:
      D.error(E.range, "expected a value (an argument or a constant), found a condition");
      return std::nullopt;
    }
  }

  static CondRef leaf(unsigned Idx, Cond::Op Op, uint64_t Mask, uint64_t Value) {
    auto C = std::make_shared<Cond>();
    C->kind = Cond::Kind::Cmp;
    C->argIndex = uint8_t(Idx);
    C->op = Op;
    C->mask = Mask;
    C->value = Value;
    return C;
  }
  static CondRef combine(Cond::Kind K, std::vector<CondRef> Kids) {
    if (Kids.size() == 1 && K != Cond::Kind::Not)
      return Kids.front();
    auto C = std::make_shared<Cond>();
    C->kind = K;
    C->children = std::move(Kids);
    return C;
  }

  // `arg OP value` with OP possibly on a masked argument.
  // The targeted arches whose syscall arguments are 32 bits wide.
  std::vector<std::string> narrowArches() const {
    std::vector<std::string> Out;
    for (const std::string &AN : Arches)
      if (const ArchInfo *A = findArch(AN); A && !A->is64Bit && AN != "x32")
        Out.push_back(AN);
    return Out;
  }

  CondRef compare(const Operand &Arg, ast::Expr::CmpOp Op, uint64_t Value, SMRange R) {
    using CO = ast::Expr::CmpOp;
    if (Value > 0xffffffffull) {
      std::vector<std::string> Narrow = narrowArches();
      if (!Narrow.empty())
        D.warning("arg-width", R,
                  "constant 0x" + utohexstr(Value) + " does not fit in 32 bits: on " +
                      join(Narrow, " and ") +
                      ", where syscall arguments are 32 bits wide, this comparison has the "
                      "same result for every argument");
    }
    if (Arg.mask != ~0ull) {
      if (Op != CO::Eq && Op != CO::Ne) {
        D.error(R, "a masked argument can only be compared with '==' or '!='");
        return nullptr;
      }
      if (Value & ~Arg.mask)
        D.warning("constant-condition", R,
                  "comparison is always " + Twine(Op == CO::Eq ? "false" : "true") +
                      ": the value has bits outside the mask");
      CondRef L = leaf(Arg.index, Cond::Op::MaskedEq, Arg.mask, Value);
      return Op == CO::Eq ? L : combine(Cond::Kind::Not, {L});
    }
    Cond::Op O = Op == CO::Eq ? Cond::Op::Eq : Op == CO::Ne ? Cond::Op::Ne
               : Op == CO::Lt ? Cond::Op::Lt : Op == CO::Le ? Cond::Op::Le
               : Op == CO::Gt ? Cond::Op::Gt : Cond::Op::Ge;
    return leaf(Arg.index, O, ~0ull, Value);
  }

  CondRef convertCond(const ast::Expr &E) {
    using K = ast::Expr::Kind;
    switch (E.kind) {
    case K::And:
    case K::Or: {
      CondRef L = convertCond(*E.kids[0]), R = convertCond(*E.kids[1]);
      if (!L || !R)
        return nullptr;
      return combine(E.kind == K::And ? Cond::Kind::And : Cond::Kind::Or, {L, R});
    }
    case K::Not: {
      CondRef C = convertCond(*E.kids[0]);
      return C ? combine(Cond::Kind::Not, {C}) : nullptr;
    }
    case K::Cmp: {
      auto L = operand(*E.kids[0]), R = operand(*E.kids[1]);
      if (!L || !R)
        return nullptr;
      if (L->isArg == R->isArg) {
        D.error(E.range, L->isArg ? "compare an argument with a constant, not with another argument"
                                  : "condition compares two constants; it is always the same");
        return nullptr;
      }
      ast::Expr::CmpOp Op = E.op;
      if (!L->isArg) { // constant OP arg  →  arg OP' constant
        using CO = ast::Expr::CmpOp;
        Op = Op == CO::Lt ? CO::Gt : Op == CO::Gt ? CO::Lt : Op == CO::Le ? CO::Ge
           : Op == CO::Ge ? CO::Le : Op;
        std::swap(L, R);
      }
      return compare(*L, Op, R->value, E.range);
    }
    case K::In: {
      auto L = operand(*E.kids[0]);
      if (!L)
        return nullptr;
      if (!L->isArg) {
        D.error(E.kids[0]->range, "the left side of 'in' must be an argument");
        return nullptr;
      }
      std::vector<CondRef> Alts;
      for (size_t I = 1; I < E.kids.size(); ++I) {
        auto V = operand(*E.kids[I]);
        if (!V)
          return nullptr;
        if (V->isArg) {
          D.error(E.kids[I]->range, "the set after 'in' holds constants only");
          return nullptr;
        }
        CondRef C = compare(*L, ast::Expr::CmpOp::Eq, V->value, E.range);
        if (!C)
          return nullptr;
        Alts.push_back(C);
      }
      return combine(Cond::Kind::Or, Alts);
    }
    default: {
      // A bare value: `arg3 & MAP_ANONYMOUS` means (arg3 & MAP_ANONYMOUS) != 0.
      auto V = operand(E);
      if (!V)
        return nullptr;
      if (!V->isArg) {
        D.error(E.range, "condition is a constant; compare an argument (arg0..arg5)");
        return nullptr;
      }
      return compare(*V, ast::Expr::CmpOp::Ne, 0, E.range);
    }
    }
  }

private:
  SemaContext &Ctx;
  DiagnosticEngine &D;
  const std::vector<std::string> &Arches;
};

} // namespace

seccomp::CondRef convertCondition(SemaContext &Ctx, const std::vector<std::string> &Arches,
                                  const ast::Expr &E) {
  return ConditionConverter(Ctx, Arches).convertCond(E);
}

} // namespace kavach::sema

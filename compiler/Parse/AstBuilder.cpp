// ANTLR parse tree → ast::File.
//
// ANTLR reports positions in code points; SourceMgr wants byte pointers. The
// buffer is mapped once (identity for ASCII files). ANTLR's error messages
// are rewritten into kavach wording ("expected ';' before 'deny'") by the
// error listener; the parse tree is converted only when there was no syntax
// error, since error recovery leaves holes in it.
#include "compiler/Parse/AstBuilder.h"

#include "KavachLexer.h"
#include "KavachParser.h"
#include "antlr4-runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"

#include <regex>

using namespace llvm;
using namespace kavach_grammar;

namespace kavach::parse {
namespace {

class Positions {
public:
  explicit Positions(const MemoryBuffer &Buf) : Start(Buf.getBufferStart()) {
    StringRef Text = Buf.getBuffer();
    bool Ascii = llvm::all_of(Text, [](char C) { return (unsigned char)C < 0x80; });
    if (Ascii)
      return;
    for (size_t I = 0; I < Text.size(); ++I)
      if (((unsigned char)Text[I] & 0xC0) != 0x80)
        CpToByte.push_back(I);
    CpToByte.push_back(Text.size());
  }
  const char *at(size_t Cp) const {
    if (CpToByte.empty())
      return Start + Cp;
    return Start + (Cp < CpToByte.size() ? CpToByte[Cp] : CpToByte.back());
  }
  SMRange range(antlr4::Token *A, antlr4::Token *B) const {
    if (!A || !B || A->getType() == antlr4::Token::EOF)
      return SMRange();
    size_t S = A->getStartIndex(), E = B->getStopIndex();
    if (B->getType() == antlr4::Token::EOF || E < S)
      E = S;
    return SMRange(SMLoc::getFromPointer(at(S)), SMLoc::getFromPointer(at(E + 1)));
  }
  SMRange range(antlr4::ParserRuleContext *C) const { return range(C->getStart(), C->getStop()); }
  SMRange range(antlr4::tree::TerminalNode *N) const {
    return range(N->getSymbol(), N->getSymbol());
  }

private:
  const char *Start;
  std::vector<size_t> CpToByte;
};

std::string friendlyTokenSet(std::string S) {
  static const std::pair<const char *, const char *> Names[] = {
      {"IDENT", "a name"},     {"STRING", "a string"}, {"INT", "a number"},
      {"GROUPREF", "a @group"}, {"<EOF>", "end of file"}};
  for (auto &[From, To] : Names) {
    size_t P;
    while ((P = S.find(From)) != std::string::npos)
      S.replace(P, strlen(From), To);
  }
  if (S.size() > 2 && S.front() == '{' && S.back() == '}')
    S = "one of " + S.substr(1, S.size() - 2);
  return S;
}

std::string quoteToken(const std::string &T) {
  return T == "<EOF>" ? std::string("end of file") : "'" + T + "'";
}

class ErrorListener : public antlr4::BaseErrorListener {
public:
  ErrorListener(DiagnosticEngine &Diags, unsigned BufferId, const Positions &Pos)
      : Diags(Diags), BufferId(BufferId), Pos(Pos) {}

  void syntaxError(antlr4::Recognizer *, antlr4::Token *Bad, size_t Line, size_t Col,
                   const std::string &Msg, std::exception_ptr) override {
    // Only the first syntax error is shown: ANTLR resynchronises in an
    // enclosing rule, so what follows is mostly a cascade from it (one bad
    // token in a test block gave an error per later line). The rest are
    // counted in a note; the tree is not compiled after a syntax error.
    if (Count++)
      return;
    SMRange R;
    if (Bad && Bad->getType() != antlr4::Token::EOF)
      R = Pos.range(Bad, Bad);
    else {
      SMLoc L = Diags.sourceMgr().FindLocForLineAndColumn(BufferId, Line, Col + 1);
      R = SMRange(L, L);
    }
    Diags.error(R, rewrite(Msg));
    First = R;
  }
  unsigned Count = 0;
  SMRange First;

private:
  static std::string rewrite(const std::string &Msg) {
    std::smatch M;
    static const std::regex Missing("^missing (.*) at '(.*)'$");
    static const std::regex Mismatch("^(?:mismatched|extraneous) input '(.*)' expecting (.*)$");
    static const std::regex NoViable("^no viable alternative at input '(.*)'$");
    static const std::regex BadChar("^token recognition error at: '(.*)'$");
    if (std::regex_match(Msg, M, Missing))
      return "expected " + friendlyTokenSet(M[1]) + " before " + quoteToken(M[2]);
    if (std::regex_match(Msg, M, Mismatch))
      return "unexpected " + quoteToken(M[1]) + ", expected " + friendlyTokenSet(M[2]);
    if (std::regex_match(Msg, M, NoViable)) {
      std::string In = M[1];
      size_t Sp = In.find_last_of(" \t\n");
      return "unexpected " + quoteToken(Sp == std::string::npos ? In : In.substr(Sp + 1));
    }
    if (std::regex_match(Msg, M, BadChar))
      return "invalid character " + quoteToken(M[1]);
    return Msg;
  }
  DiagnosticEngine &Diags;
  unsigned BufferId;
  const Positions &Pos;
};

class Builder {
public:
  Builder(const Positions &Pos, DiagnosticEngine &Diags) : Pos(Pos), Diags(Diags) {}

  ast::File build(KavachParser::FileContext *F) {
    ast::File Out;
    for (auto *I : F->importDecl())
      Out.imports.push_back({unquote(I->STRING()), Pos.range(I->STRING())});
    for (auto *T : F->topDecl()) {
      if (auto *P = T->policyDecl())
        Out.policies.push_back(policy(P));
      else if (auto *G = T->groupDecl())
        Out.groups.push_back(group(G));
    }
    return Out;
  }

private:
  ast::Name name(antlr4::Token *T) {
    return {T->getText(), Pos.range(T, T)};
  }

  std::string unquote(antlr4::tree::TerminalNode *N) {
    std::string S = N->getText();
    // Paths, names and values end at a NUL in the kernel and libc.
    if (S.find('\0') != std::string::npos)
      Diags.error(Pos.range(N), "string contains a NUL byte");
    std::string Out;
    for (size_t I = 1; I + 1 < S.size(); ++I) {
      if (S[I] == '\\' && I + 2 < S.size()) {
        char C = S[++I];
        Out += C == 'n' ? '\n' : C == 't' ? '\t' : C;
      } else {
        Out += S[I];
      }
    }
    return Out;
  }

  ast::Atom atom(antlr4::tree::TerminalNode *Int, antlr4::tree::TerminalNode *Id) {
    ast::Atom A;
    if (Id) {
      A.kind = ast::Atom::Kind::Ident;
      A.text = Id->getText();
      A.range = Pos.range(Id);
      return A;
    }
    A.kind = ast::Atom::Kind::Int;
    A.text = Int->getText();
    A.range = Pos.range(Int);
    StringRef T = A.text;
    unsigned Radix = 10;
    if (T.startswith("0x")) {
      Radix = 16;
      T = T.drop_front(2);
    }
    size_t End = 0;
    while (End < T.size() && (isHexDigit(T[End]) || T[End] == '_') &&
           (Radix == 16 || isDigit(T[End]) || T[End] == '_'))
      ++End;
    std::string Digits;
    for (char C : T.take_front(End))
      if (C != '_')
        Digits += C;
    A.unit = T.drop_front(End).str();
    if (StringRef(Digits).getAsInteger(Radix, A.value))
      A.overflow = true;
    return A;
  }
  ast::Atom atom(KavachParser::AtomContext *C) { return atom(C->INT(), C->IDENT()); }

  ast::Action action(KavachParser::ActionContext *C) {
    ast::Action A;
    A.range = Pos.range(C);
    if (C->name)
      A.name = name(C->name);
    else
      A.name = {"allow", A.range};
    if (C->arg)
      A.arg = atom(C->arg);
    return A;
  }

  ast::SyscallRef syscallRef(KavachParser::SyscallRefContext *C) {
    ast::SyscallRef R;
    R.range = Pos.range(C);
    if (C->GROUPREF()) {
      R.isGroup = true;
      R.name = C->GROUPREF()->getText().substr(1);
    } else {
      R.name = C->syscallName()->getText();
    }
    return R;
  }

  ast::Group group(KavachParser::GroupDeclContext *C) {
    ast::Group G;
    G.name = {C->name->getText(), Pos.range(C->name)};
    G.range = Pos.range(C);
    if (C->syscallList())
      for (auto *R : C->syscallList()->syscallRef())
        G.members.push_back(syscallRef(R));
    return G;
  }

  ast::OnUnsupported onUnsupported(KavachParser::OnUnsupportedContext *C) {
    return {name(C->how), Pos.range(C)};
  }

  ast::ExprPtr expr(KavachParser::CondContext *C) {
    auto E = std::make_unique<ast::Expr>();
    E->range = Pos.range(C);
    if (auto *O = dynamic_cast<KavachParser::OrCondContext *>(C)) {
      E->kind = ast::Expr::Kind::Or;
      E->kids.push_back(expr(O->cond(0)));
      E->kids.push_back(expr(O->cond(1)));
    } else if (auto *A = dynamic_cast<KavachParser::AndCondContext *>(C)) {
      E->kind = ast::Expr::Kind::And;
      E->kids.push_back(expr(A->cond(0)));
      E->kids.push_back(expr(A->cond(1)));
    } else if (auto *N = dynamic_cast<KavachParser::NotCondContext *>(C)) {
      E->kind = ast::Expr::Kind::Not;
      E->kids.push_back(expr(N->cond()));
    } else if (auto *Cmp = dynamic_cast<KavachParser::CmpCondContext *>(C)) {
      E->kind = ast::Expr::Kind::Cmp;
      std::string Op = Cmp->op->getText();
      using O = ast::Expr::CmpOp;
      E->op = Op == "==" ? O::Eq : Op == "!=" ? O::Ne : Op == "<" ? O::Lt
            : Op == "<=" ? O::Le : Op == ">" ? O::Gt : O::Ge;
      E->kids.push_back(value(Cmp->value(0)));
      E->kids.push_back(value(Cmp->value(1)));
    } else if (auto *In = dynamic_cast<KavachParser::InCondContext *>(C)) {
      E->kind = ast::Expr::Kind::In;
      for (auto *V : In->value())
        E->kids.push_back(value(V));
    } else {
      return value(static_cast<KavachParser::BareCondContext *>(C)->value());
    }
    return E;
  }

  ast::ExprPtr value(KavachParser::ValueContext *C) {
    if (auto *P = dynamic_cast<KavachParser::ParenValueContext *>(C)) {
      ast::ExprPtr E = expr(P->cond());
      E->parenthesized = true;
      E->range = Pos.range(C);
      return E;
    }
    auto E = std::make_unique<ast::Expr>();
    E->range = Pos.range(C);
    if (auto *A = dynamic_cast<KavachParser::AndValueContext *>(C)) {
      E->kind = ast::Expr::Kind::BitAnd;
      E->kids.push_back(value(A->value(0)));
      E->kids.push_back(value(A->value(1)));
    } else if (auto *O = dynamic_cast<KavachParser::OrValueContext *>(C)) {
      E->kind = ast::Expr::Kind::BitOr;
      E->kids.push_back(value(O->value(0)));
      E->kids.push_back(value(O->value(1)));
    } else {
      E->kind = ast::Expr::Kind::Atom;
      E->atom = atom(static_cast<KavachParser::AtomValueContext *>(C)->atom());
    }
    return E;
  }

  ast::Stmt stmt(KavachParser::StmtContext *C) {
    ast::Stmt S;
    S.range = Pos.range(C);
    for (auto *W : C->word()) {
      ast::Word Wd;
      Wd.range = Pos.range(W);
      if (W->STRING()) {
        Wd.kind = ast::Word::Kind::String;
        Wd.text = unquote(W->STRING());
      } else if (W->INT()) {
        Wd.kind = ast::Word::Kind::Int;
        Wd.atom = atom(W->INT(), nullptr);
        Wd.text = Wd.atom.text;
      } else if (W->IDENT()) {
        Wd.text = W->getText();
      } else {
        std::string T = W->getText();
        Wd.kind = (T == "=" || T == ">=") ? ast::Word::Kind::Punct : ast::Word::Kind::Ident;
        Wd.text = T;
      }
      S.words.push_back(std::move(Wd));
    }
    return S;
  }

  ast::Seccomp seccomp(KavachParser::SeccompBlockContext *C) {
    ast::Seccomp S;
    S.range = Pos.range(C);
    for (auto *It : C->seccompItem()) {
      if (auto *D = dynamic_cast<KavachParser::DefaultStmtContext *>(It)) {
        if (S.defaultAction)
          Diags.error(Pos.range(D), "seccomp 'default' given twice");
        S.defaultAction = action(D->action());
      } else if (auto *U = dynamic_cast<KavachParser::UnknownStmtContext *>(It)) {
        S.unknownAction = action(U->action());
      } else if (auto *A = dynamic_cast<KavachParser::ArchStmtContext *>(It)) {
        S.archRange = Pos.range(A);
        for (auto *Id : A->IDENT())
          S.arches.push_back({Id->getText(), Pos.range(Id)});
      } else if (auto *R = dynamic_cast<KavachParser::RuleStmtContext *>(It)) {
        ast::Rule Rule;
        Rule.range = Pos.range(R);
        Rule.allow = R->verb->getText() == "allow";
        for (auto *Ref : R->syscallList()->syscallRef())
          Rule.syscalls.push_back(syscallRef(Ref));
        if (R->action())
          Rule.action = action(R->action());
        if (R->cond())
          Rule.cond = expr(R->cond());
        S.rules.push_back(std::move(Rule));
      } else if (auto *O = dynamic_cast<KavachParser::SeccompOnUnsupportedContext *>(It)) {
        S.onUnsupported = onUnsupported(O->onUnsupported());
      }
    }
    return S;
  }

  ast::Policy policy(KavachParser::PolicyDeclContext *C) {
    ast::Policy P;
    P.name = name(C->name);
    P.range = Pos.range(C);
    if (C->parent)
      P.parent = ast::Name{C->parent->getText(), Pos.range(C->parent)};
    for (auto *It : C->policyItem()) {
      if (auto *O = dynamic_cast<KavachParser::OnUnsupportedItemContext *>(It)) {
        P.onUnsupported = onUnsupported(O->onUnsupported());
      } else if (auto *S = dynamic_cast<KavachParser::SeccompBlockContext *>(It)) {
        if (P.seccomp)
          Diags.error(Pos.range(S), "section 'seccomp' given twice in policy '" +
                                        P.name.text + "'");
        P.seccomp = seccomp(S);
      } else if (auto *B = dynamic_cast<KavachParser::SectionBlockContext *>(It)) {
        ast::Section Sec;
        Sec.name = name(B->section);
        Sec.range = Pos.range(B);
        for (auto *St : B->stmt())
          Sec.stmts.push_back(stmt(St));
        P.sections.push_back(std::move(Sec));
      } else if (auto *St = dynamic_cast<KavachParser::PolicyStmtContext *>(It)) {
        P.stmts.push_back(stmt(St->stmt()));
      } else if (auto *T = dynamic_cast<KavachParser::TestBlockContext *>(It)) {
        for (auto *E : T->expectStmt()) {
          ast::Expect X;
          X.range = Pos.range(E);
          X.syscall = {E->call->getText(), Pos.range(E->call)};
          for (auto *Arg : E->expectArg()) {
            std::vector<KavachParser::AtomContext *> Parts = Arg->atom();
            ast::Atom A = atom(Parts.front());
            if (Parts.size() > 1) {
              A.kind = ast::Atom::Kind::Ident;
              A.range = Pos.range(Arg);
              A.text.clear();
              for (auto *P : Parts) {
                A.orParts.push_back(atom(P));
                A.text += (A.text.empty() ? "" : " | ") + A.orParts.back().text;
              }
            }
            X.args.push_back(std::move(A));
          }
          if (E->action())
            X.action = action(E->action());
          if (E->cmp) {
            X.cmp = name(E->cmp);
            X.bound = atom(E->INT(), nullptr);
          }
          if (E->arch)
            X.arch = name(E->arch);
          P.expects.push_back(std::move(X));
        }
      }
    }
    return P;
  }

  const Positions &Pos;
  DiagnosticEngine &Diags;
};

} // namespace

ast::File parseBuffer(DiagnosticEngine &Diags, unsigned BufferId) {
  const MemoryBuffer *Buf = Diags.sourceMgr().getMemoryBuffer(BufferId);
  Positions Pos(*Buf);
  ast::File Out;
  Out.path = Buf->getBufferIdentifier().str();
  Out.bufferId = BufferId;

  // Checked here, before ANTLR (which throws without saying where), so the
  // error points at the first byte that is not UTF-8.
  const auto *Cur = reinterpret_cast<const UTF8 *>(Buf->getBufferStart());
  const auto *End = reinterpret_cast<const UTF8 *>(Buf->getBufferEnd());
  if (!isLegalUTF8String(&Cur, End)) {
    SMLoc L = SMLoc::getFromPointer(reinterpret_cast<const char *>(Cur));
    Diags.error(SMRange(L, L), "file is not valid UTF-8");
    return Out;
  }
  std::unique_ptr<antlr4::ANTLRInputStream> Input;
  try {
    Input = std::make_unique<antlr4::ANTLRInputStream>(Buf->getBuffer().str());
  } catch (const std::exception &) {
    SMLoc L = SMLoc::getFromPointer(Buf->getBufferStart());
    Diags.error(SMRange(L, L), "file is not valid UTF-8");
    return Out;
  }
  KavachLexer Lexer(Input.get());
  ErrorListener Listener(Diags, BufferId, Pos);
  Lexer.removeErrorListeners();
  Lexer.addErrorListener(&Listener);
  antlr4::CommonTokenStream Tokens(&Lexer);
  KavachParser Parser(&Tokens);
  Parser.removeErrorListeners();
  Parser.addErrorListener(&Listener);
  KavachParser::FileContext *Tree = Parser.file();
  if (Listener.Count > 1)
    Diags.note(Listener.First, Twine(Listener.Count - 1) + " more syntax error" +
                                   (Listener.Count > 2 ? "s" : "") +
                                   " after this one not shown; they usually follow from it");
  if (Listener.Count)
    return Out;
  ast::File F = Builder(Pos, Diags).build(Tree);
  F.path = Out.path;
  F.bufferId = BufferId;
  for (auto &P : F.policies)
    P.bufferId = BufferId;
  return F;
}

} // namespace kavach::parse

// The formatter works on the token stream, comments included (the lexer
// keeps them on the hidden channel), with roles for braces taken from the
// parse tree; the AST is not used because it drops comments. Whitespace in
// the input is ignored except for two facts: whether a comment sits on the
// same line as the token before it (a trailing comment stays trailing, an
// own-line comment stays on its own line), and whether a structural line
// break had a blank line before it (kept, at most one).
//
// The style: two-space indentation per block; one statement per line; block
// braces `{` at the end of the opening line and `}` on their own line (`{}`
// when empty); a group's members filled to the column limit; one space
// around binary operators and `->`, none inside parentheses or `{...}` sets,
// none between a name and its `(`; a statement longer than the column limit
// breaks after a comma, continuing four spaces deeper. Conditions without
// commas are never broken. Output ends with exactly one newline.
//
// Idempotent by construction: the output depends only on the token sequence,
// the trailing/own-line flag of each comment and the kept blank lines, and
// the output has the same three. Tokens are never added, dropped or changed;
// sameTokens() checks that on every run (FmtMode refuses to write otherwise).
#include "compiler/Format/Formatter.h"

#include "compiler/Parse/AstBuilder.h"

#include "KavachLexer.h"
#include "KavachParser.h"
#include "antlr4-runtime.h"

#include "llvm/Support/MemoryBuffer.h"

#include <map>

using namespace llvm;
using namespace kavach_grammar;

namespace kavach::format {
namespace {

// Name: a syscall name, which may be a keyword token (`expect seccomp(...)`)
// and still takes no space before its argument list.
enum class Role { Plain, BlockOpen, BlockClose, ListOpen, ListClose, SetOpen, SetClose, Unary, Dot, Name };

void classify(antlr4::tree::ParseTree *T, std::map<size_t, Role> &Roles) {
  for (antlr4::tree::ParseTree *Ch : T->children) {
    auto *TN = dynamic_cast<antlr4::tree::TerminalNode *>(Ch);
    if (!TN) {
      classify(Ch, Roles);
      continue;
    }
    antlr4::Token *Tok = TN->getSymbol();
    std::string X = Tok->getText();
    Role R = Role::Plain;
    bool Block = dynamic_cast<KavachParser::PolicyDeclContext *>(T) ||
                 dynamic_cast<KavachParser::SeccompBlockContext *>(T) ||
                 dynamic_cast<KavachParser::TestBlockContext *>(T) ||
                 dynamic_cast<KavachParser::SectionBlockContext *>(T);
    bool List = dynamic_cast<KavachParser::GroupDeclContext *>(T);
    if (X == "{")
      R = Block ? Role::BlockOpen : List ? Role::ListOpen : Role::SetOpen;
    else if (X == "}")
      R = Block ? Role::BlockClose : List ? Role::ListClose : Role::SetClose;
    else if (X == "!" && dynamic_cast<KavachParser::NotCondContext *>(T))
      R = Role::Unary;
    else if (X == "." && dynamic_cast<KavachParser::QualifiedNameContext *>(T))
      R = Role::Dot;
    else if (dynamic_cast<KavachParser::SyscallNameContext *>(T))
      R = Role::Name;
    Roles[Tok->getTokenIndex()] = R;
  }
}

bool isComment(const antlr4::Token *T) {
  return T->getType() == KavachLexer::LINE_COMMENT || T->getType() == KavachLexer::BLOCK_COMMENT;
}

class Printer {
public:
  Printer(antlr4::CharStream &In, const std::vector<antlr4::Token *> &Toks,
          const std::map<size_t, Role> &Roles)
      : In(In), Toks(Toks), Roles(Roles) {}

  std::string run() {
    for (size_t I = 0; I < Toks.size(); ++I) {
      antlr4::Token *T = Toks[I];
      if (T->getType() == antlr4::Token::EOF)
        break;
      unsigned NL = newlinesBefore(I);
      if (isComment(T))
        comment(T, NL);
      else
        token(T, NL);
      Prev = T;
    }
    while (!Out.empty() && (Out.back() == '\n' || Out.back() == ' '))
      Out.pop_back();
    return Out + "\n";
  }

private:
  enum class Next { Space, Newline };

  unsigned newlinesBefore(size_t I) {
    if (I == 0)
      return 0;
    size_t From = Toks[I - 1]->getStopIndex() + 1, To = Toks[I]->getStartIndex();
    if (To <= From)
      return 0;
    std::string Gap = In.getText(antlr4::misc::Interval(From, To - 1));
    return unsigned(std::count(Gap.begin(), Gap.end(), '\n'));
  }

  Role roleOf(const antlr4::Token *T) const {
    auto It = Roles.find(T->getTokenIndex());
    return It == Roles.end() ? Role::Plain : It->second;
  }

  void write(const std::string &S) {
    Out += S;
    size_t NLPos = S.rfind('\n');
    Col = NLPos == std::string::npos ? Col + unsigned(S.size()) : unsigned(S.size() - NLPos - 1);
  }

  // Starts a new line at the current indentation (continuation lines of a
  // statement four spaces deeper); `Blank` keeps one empty line before it.
  void newline(bool Blank) {
    if (Out.empty())
      return;
    while (!Out.empty() && Out.back() == ' ')
      Out.pop_back();
    Out += Blank && !AfterOpen ? "\n\n" : "\n";
    Col = 0;
    write(std::string(Depth * 2 + (InStmt && !InList ? 4 : 0), ' '));
  }

  void comment(antlr4::Token *T, unsigned NL) {
    std::string Text = T->getText();
    bool Line = T->getType() == KavachLexer::LINE_COMMENT;
    while (Line && !Text.empty() && (Text.back() == ' ' || Text.back() == '\t' || Text.back() == '\r'))
      Text.pop_back();
    if (Prev && NL == 0) {
      write(" " + Text); // trailing: stays after the token it followed
    } else {
      newline(NL >= 2);
      write(Text);
      Pending = Next::Newline;
    }
    if (Line)
      Pending = Next::Newline;
    AfterOpen = false;
  }

  static bool noSpaceBetween(const antlr4::Token *A, Role RA, const antlr4::Token *B, Role RB) {
    std::string X = A->getText(), Y = B->getText();
    if (Y == "," || Y == ";" || Y == ")" || RB == Role::SetClose || RB == Role::Dot)
      return true;
    if (X == "(" || RA == Role::SetOpen || RA == Role::Unary || RA == Role::Dot)
      return true;
    return Y == "(" && (A->getType() == KavachLexer::IDENT || RA == Role::Name);
  }

  void token(antlr4::Token *T, unsigned NL) {
    Role R = roleOf(T);
    std::string Text = T->getText();
    bool Close = R == Role::BlockClose || R == Role::ListClose;
    if (Close) {
      --Depth;
      InStmt = false;
      InList = false;
      if (Prev && !isComment(Prev) && (roleOf(Prev) == Role::BlockOpen ||
                                       roleOf(Prev) == Role::ListOpen)) {
        write("}"); // empty block: `{}`
        finish(R, Text);
        return;
      }
      newline(false);
    } else if (!Prev || Pending == Next::Newline) {
      newline(NL >= 2);
    } else if (!noSpaceBetween(Prev, roleOf(Prev), T, R)) {
      bool Wrap = Prev->getText() == "," && Col + 1 + Text.size() + 1 > kColumnLimit;
      if (Wrap)
        newline(false);
      else
        write(" ");
    }
    write(Text);
    finish(R, Text);
  }

  void finish(Role R, const std::string &Text) {
    AfterOpen = false;
    Pending = Next::Space;
    switch (R) {
    case Role::BlockOpen:
    case Role::ListOpen:
      ++Depth;
      InStmt = false;
      InList = R == Role::ListOpen;
      AfterOpen = true;
      Pending = Next::Newline;
      return;
    case Role::BlockClose:
    case Role::ListClose:
      Pending = Next::Newline;
      return;
    default:
      break;
    }
    if (Text == ";") {
      InStmt = false;
      Pending = Next::Newline;
    } else {
      InStmt = true;
    }
  }

  antlr4::CharStream &In;
  const std::vector<antlr4::Token *> &Toks;
  const std::map<size_t, Role> &Roles;
  std::string Out;
  unsigned Col = 0;
  unsigned Depth = 0;
  bool InStmt = false, InList = false, AfterOpen = false;
  Next Pending = Next::Space;
  const antlr4::Token *Prev = nullptr;
};

// Token (type, text) pairs of `Text`, comments included; empty on a lexer
// error.
std::vector<std::pair<size_t, std::string>> lex(StringRef Text, bool &Ok) {
  antlr4::ANTLRInputStream In(Text.str());
  KavachLexer L(&In);
  struct Listener : antlr4::BaseErrorListener {
    bool Failed = false;
    void syntaxError(antlr4::Recognizer *, antlr4::Token *, size_t, size_t, const std::string &,
                     std::exception_ptr) override {
      Failed = true;
    }
  } Lst;
  L.removeErrorListeners();
  L.addErrorListener(&Lst);
  std::vector<std::pair<size_t, std::string>> Out;
  for (const auto &T : L.getAllTokens())
    Out.emplace_back(T->getType(), T->getText());
  Ok = !Lst.Failed;
  return Out;
}

} // namespace

bool sameTokens(StringRef A, StringRef B) {
  bool OkA, OkB;
  auto TA = lex(A, OkA), TB = lex(B, OkB);
  return OkA && OkB && TA == TB;
}

std::optional<std::string> formatBuffer(DiagnosticEngine &Diags, unsigned BufferId) {
  unsigned Before = Diags.errorCount();
  parse::parseBuffer(Diags, BufferId); // reports syntax errors in kavach wording
  if (Diags.errorCount() != Before)
    return std::nullopt;
  const MemoryBuffer *Buf = Diags.sourceMgr().getMemoryBuffer(BufferId);
  antlr4::ANTLRInputStream In(Buf->getBuffer().str());
  KavachLexer Lexer(&In);
  Lexer.removeErrorListeners();
  antlr4::CommonTokenStream Tokens(&Lexer);
  KavachParser Parser(&Tokens);
  Parser.removeErrorListeners();
  KavachParser::FileContext *Tree = Parser.file();
  Tokens.fill();
  std::map<size_t, Role> Roles;
  classify(Tree, Roles);
  return Printer(In, Tokens.getTokens(), Roles).run();
}

} // namespace kavach::format

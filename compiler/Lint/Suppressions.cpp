// In-file lint suppressions: `// kavach-lint: allow <id>[, <id>] -- <reason>`.
//
// Buffers are scanned lazily, the first time a diagnostic falls in them, so
// files loaded on demand (std.* parents, imports) are covered too. A
// suppression on its own line covers the next statement: the next line
// that is not blank or a comment, through the first line from there that
// contains ';', '{' or '}'. After code on the same line it covers that
// line. It never covers more, so a suppression cannot silently grow into a
// file-wide one. A malformed suppression (unknown id, no reason) suppresses
// nothing and is reported; so is one that suppressed nothing.
#include "compiler/Lint/Lint.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace kavach::lint {
namespace {

constexpr StringRef kMarker = "kavach-lint:";

// The text of the line without its `//` comment (string-aware enough for
// kavach: `//` inside a "..." path is not a comment).
StringRef codePart(StringRef Line) {
  bool InStr = false;
  for (size_t I = 0; I + 1 < Line.size(); ++I) {
    if (Line[I] == '"')
      InStr = !InStr;
    if (!InStr && Line[I] == '/' && Line[I + 1] == '/')
      return Line.take_front(I);
  }
  return Line;
}

} // namespace

void Suppressions::scan(unsigned Buffer) {
  Scanned.push_back(Buffer);
  const MemoryBuffer *MB = SM.getMemoryBuffer(Buffer);
  StringRef Text = MB->getBuffer();
  SmallVector<StringRef, 0> Lines;
  Text.split(Lines, '\n');
  for (unsigned I = 0; I < Lines.size(); ++I) {
    StringRef Line = Lines[I];
    // The comment must start with the marker: `// kavach-lint: ...`.
    StringRef Code = codePart(Line);
    StringRef Comment = Line.drop_front(Code.size()).ltrim('/').ltrim();
    if (Code.size() == Line.size() || !Comment.startswith(kMarker))
      continue;
    size_t M = Comment.data() - Line.data();
    Entry E;
    E.buffer = Buffer;
    E.range = SMRange(SMLoc::getFromPointer(Line.data() + M),
                      SMLoc::getFromPointer(Line.data() + Line.size()));
    StringRef Rest = Line.drop_front(M + kMarker.size()).trim();
    // The reason follows "--" or an em dash.
    size_t Sep = Rest.find("--");
    size_t SepLen = 2;
    if (size_t Em = Rest.find("\xE2\x80\x94"); Em != StringRef::npos && Em < Sep) {
      Sep = Em;
      SepLen = 3;
    }
    StringRef Head = Rest.take_front(Sep).trim();
    if (Sep != StringRef::npos)
      E.reason = Rest.drop_front(Sep + SepLen).trim().str();
    if (!Head.consume_front("allow") || Head.trim().empty()) {
      E.problem = "expected 'kavach-lint: allow <id> -- <reason>'";
    } else {
      SmallVector<StringRef, 4> Ids;
      Head.split(Ids, ',', -1, false);
      for (StringRef Id : Ids) {
        Id = Id.trim();
        if (!findRule(Id)) {
          E.problem = "unknown lint rule '" + Id.str() + "' in suppression";
          break;
        }
        E.ids.push_back(Id.str());
      }
      if (E.problem.empty() && E.reason.empty())
        E.problem = "lint suppression has no reason; write '-- <why this is acceptable>'";
    }
    // Lines are 1-based.
    if (!Code.trim().empty()) {
      E.firstLine = E.lastLine = I + 1;
    } else {
      unsigned J = I + 1;
      while (J < Lines.size() && codePart(Lines[J]).trim().empty())
        ++J;
      E.firstLine = J + 1;
      while (J < Lines.size() && codePart(Lines[J]).find_first_of(";{}") == StringRef::npos)
        ++J;
      E.lastLine = J + 1;
    }
    Entries.push_back(std::move(E));
  }
}

bool Suppressions::suppresses(StringRef Id, SMRange R) {
  if (!R.isValid() || Id == "lint-suppression")
    return false;
  unsigned Buf = SM.FindBufferContainingLoc(R.Start);
  if (!Buf)
    return false;
  if (!llvm::is_contained(Scanned, Buf))
    scan(Buf);
  unsigned Line = SM.getLineAndColumn(R.Start, Buf).first;
  for (Entry &E : Entries)
    if (E.buffer == Buf && E.problem.empty() && Line >= E.firstLine && Line <= E.lastLine &&
        llvm::is_contained(E.ids, Id)) {
      E.used = true;
      return true;
    }
  return false;
}

void Suppressions::reportProblems(DiagnosticEngine &D, ArrayRef<unsigned> Buffers) {
  for (unsigned B : Buffers)
    if (!llvm::is_contained(Scanned, B))
      scan(B);
  for (const Entry &E : Entries) {
    if (!llvm::is_contained(Buffers, E.buffer))
      continue;
    if (!E.problem.empty()) {
      report(D, "lint-suppression", E.range, E.problem);
      if (E.problem.find("unknown lint rule") != std::string::npos) {
        std::vector<std::string> Ids;
        for (const RuleInfo &R : rules())
          Ids.push_back(R.id.str());
        StringRef Bad = StringRef(E.problem).split('\'').second.split('\'').first;
        if (std::string Best = closestMatch(Bad, Ids); !Best.empty())
          D.note(E.range, "did you mean '" + Best + "'?");
      }
    } else if (!E.used) {
      report(D, "lint-suppression", E.range,
             "lint suppression of '" + join(E.ids, "', '") +
                 "' suppresses nothing on the statement that follows it");
    }
  }
}

} // namespace kavach::lint

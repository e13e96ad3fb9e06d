// Lint checks on filesystem grants: sensitive paths reached by a grant
// (the path itself, a parent directory of it, or something inside it), and
// paths that are both writable and executable.
//
// Paths are compared as written after -D substitution; launch-time
// variables stay symbolic, so `${HOME}/.ssh` is matched against grants of
// `${HOME}`, `${HOME}/.ssh/...`, `/home` and `/`. What it skips: symlinks
// and bind mounts (a grant of /srv that contains a link to /etc is not
// seen), ${PWD} (unknown until launch).
#include "compiler/Lint/Lint.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace kavach::lint {
namespace {

StringRef norm(StringRef P) {
  while (P.size() > 1 && P.endswith("/"))
    P = P.drop_back();
  return P;
}

// A is B or a directory above it.
bool covers(StringRef A, StringRef B) {
  A = norm(A);
  B = norm(B);
  if (A == B || A == "/")
    return true;
  return B.startswith(A) && B[A.size()] == '/';
}

// The grant reaches the sensitive path S: grants S or a parent (it covers
// S), or grants something inside S.
bool reaches(StringRef Grant, StringRef S) {
  if (covers(Grant, S) || covers(S, Grant))
    return true;
  // ${HOME} is some directory under /home (or /root, listed itself).
  return S.startswith("${HOME}") && norm(Grant) == "/home";
}

const char *verbName(ir::FsVerb V) {
  switch (V) {
  case ir::FsVerb::Read:
    return "read";
  case ir::FsVerb::ReadWrite:
    return "read_write";
  case ir::FsVerb::Execute:
    return "execute";
  }
  return "?";
}

void sensitive(const ir::LandlockIR &L, DiagnosticEngine &D) {
  for (const ir::FsGrant &G : L.fs) {
    std::vector<std::string> Hits;
    for (const Listed &S : sensitivePaths())
      if (reaches(G.path, S.name))
        Hits.push_back("'" + S.name.str() + "' (" + S.why.str() + ")");
    if (Hits.empty())
      continue;
    size_t More = Hits.size() > 3 ? Hits.size() - 3 : 0;
    Hits.resize(std::min<size_t>(Hits.size(), 3));
    report(D, "sensitive-path", G.range,
           Twine(verbName(G.verb)) + " grant of '" + G.path + "' reaches " + join(Hits, ", ") +
               (More ? " and " + Twine(More) + " more" : Twine("")));
  }
}

void writeExecute(const ir::LandlockIR &L, DiagnosticEngine &D) {
  for (const ir::FsGrant &X : L.fs) {
    if (X.verb != ir::FsVerb::Execute)
      continue;
    for (const ir::FsGrant &W : L.fs) {
      if (W.verb != ir::FsVerb::ReadWrite || !(covers(W.path, X.path) || covers(X.path, W.path)))
        continue;
      report(D, "write-execute", X.range,
             "'" + X.path + "' is executable and '" + W.path +
                 "' is writable: the program can write a binary there and run it");
      D.note(W.range, "write access granted here");
      break;
    }
  }
}

} // namespace

void checkPaths(const LintInput &In, DiagnosticEngine &D) {
  sensitive(In.ir.landlock, D);
  writeExecute(In.ir.landlock, D);
}

} // namespace kavach::lint

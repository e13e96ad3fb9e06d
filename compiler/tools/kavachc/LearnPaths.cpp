// The filesystem part of a learned policy: which paths the run used that
// the base policy (std.strict, ...) does not already grant, collapsed to
// directories where that is safe.
//
// Each use needs one verb: read (r), read_write (w, and d: entries created
// or removed in a directory, which Landlock checks on the directory),
// execute (x). Uses are compared with the base's grants after resolving
// symlinks, since Landlock attaches rules to inodes. What is granted:
//  - a directory the run listed, or created/removed entries in: itself;
//  - a program it executed: the file only (execute on a directory would
//    allow every program in it);
//  - any other file: its directory, unless that directory is a top-level
//    one (/etc, /dev, /proc, ...), reaches a sensitive path of the lint
//    table (/etc/ssh, ${HOME}/.ssh, ...) or is ${HOME}: then the file;
//  - anything under the directory the command ran in: "${PWD}"; other
//    paths under $HOME are written as "${HOME}/..." (the launcher resolves
//    ${HOME} from the passwd entry: the same directory unless $HOME was
//    changed for the learning run).
// Uses of paths that do not exist (any more) are dropped: failed lookups.
// Never granted, and listed as comments instead: "/", a sensitive path
// itself, and /proc/PID/... (/proc/self too): those inodes belong to one
// process and change with every run.
#include "LearnTrace.h"

#include "compiler/Lint/Lint.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cstdlib>
#include <map>

using namespace llvm;

namespace kavach::driver::learn {
namespace {

// A is B or a directory above it.
bool covers(StringRef A, StringRef B) {
  if (A == B || A == "/")
    return true;
  return B.startswith(A) && B.size() > A.size() && B[A.size()] == '/';
}

// What `Have` grants includes what `Want` needs on `Path`.
bool verbCovers(StringRef Have, StringRef Want, bool IsDir) {
  if (Have == Want)
    return true;
  if (Want == "read")
    return Have == "read_write" || (Have == "execute" && !IsDir); // execute has read_file
  return false;
}

std::string homeDir() {
  const char *H = std::getenv("HOME");
  return H && *H == '/' ? std::string(H) : std::string();
}

// Why granting `P` (or anything that covers it, or is inside it) would
// reach a sensitive path of the lint table; "" if it does not.
std::string sensitiveReason(StringRef P) {
  std::string Home = homeDir();
  for (const lint::Listed &S : lint::sensitivePaths()) {
    std::string Name = S.name.str();
    if (StringRef(Name).startswith("${HOME}")) {
      if (Home.empty())
        continue;
      Name = Home + Name.substr(7);
    }
    if (covers(P, Name) || covers(Name, P))
      return Name + ": " + S.why.str();
  }
  if (!Home.empty() && (P == Home || P == "/home"))
    return "the home directory holds credentials";
  return "";
}

unsigned depth(StringRef P) { return unsigned(P.count('/')) - (P == "/" ? 1 : 0); }

bool isPerProcessProc(StringRef P) {
  if (!P.consume_front("/proc/"))
    return false;
  StringRef First = P.split('/').first;
  return First == "self" || First == "thread-self" ||
         (!First.empty() && all_of(First, isDigit));
}

const char *verbOf(char Right) {
  switch (Right) {
  case 'x':
    return "execute";
  case 'r':
    return "read";
  default:
    return "read_write";
  }
}

} // namespace

void learnPaths(const Trace &T, const std::vector<BaseGrant> &Base, std::vector<FsGrant> &Out,
                std::vector<Skipped> &Skip) {
  // The run's working directory, if "${PWD}" may stand for it ("" if not).
  std::map<std::string, std::string> PwdOf;
  auto pwdFor = [&](const std::string &RunCwd) -> const std::string & {
    auto [It, New] = PwdOf.try_emplace(RunCwd);
    if (New && !RunCwd.empty()) {
      std::string Real = resolveForLearning(RunCwd, T);
      if (depth(Real) >= 2 && sensitiveReason(Real).empty() && Real != homeDir())
        It->second = Real;
    }
    return It->second;
  };
  std::vector<FsGrant> Needs;
  auto skip = [&](std::string What, std::string Why) {
    for (const Skipped &S : Skip)
      if (S.what == What)
        return;
    Skip.push_back({std::move(What), std::move(Why)});
  };
  for (const PathUse &U : T.paths) {
    std::string Verb = verbOf(U.right);
    if (isPerProcessProc(U.path)) {
      skip(Verb + " " + U.path, "a per-process /proc entry (its inode changes every run)");
      continue;
    }
    std::string Real = resolveForLearning(U.path, T);
    // A lookup that failed (a search along PATH or sys.path, a file the run
    // removed again) needs no grant: Landlock checks opens and execs only
    // once the file is found, so ENOENT stays ENOENT. Creations are the
    // 'd' use of the directory.
    if (Real.empty() || (U.right != 'd' && !sys::fs::exists(Real)))
      continue;
    bool IsDir = sys::fs::is_directory(Real);
    bool Covered = false;
    for (const BaseGrant &G : Base)
      Covered |= covers(G.path, Real) && verbCovers(G.verb, Verb, IsDir);
    if (Covered)
      continue;
    if (Real == "/") {
      skip(Verb + " /", "granting / would grant every file");
      continue;
    }
    if (std::string Why = sensitiveReason(Real); !Why.empty()) {
      skip(Verb + " " + Real, "sensitive: " + Why);
      continue;
    }
    std::string Target = Real;
    if (U.right != 'd' && U.right != 'x' && !IsDir) {
      std::string Dir = sys::path::parent_path(Real).str();
      if (depth(Dir) >= 2 && sensitiveReason(Dir).empty() && Dir != homeDir())
        Target = Dir;
    }
    std::string Home = homeDir();
    const std::string &Cwd = pwdFor(U.cwd);
    if (!Cwd.empty() && covers(Cwd, Target) && U.right != 'x')
      Target = "${PWD}";
    else if (!Home.empty() && Home != "/" && covers(Home, Target) && Target != Home)
      Target = "${HOME}" + Target.substr(Home.size());
    Needs.push_back({Verb, Target});
  }
  // One grant per path and verb; none that a broader grant already gives.
  std::sort(Needs.begin(), Needs.end(), [](const FsGrant &A, const FsGrant &B) {
    return std::tie(A.path, A.verb) < std::tie(B.path, B.verb);
  });
  Needs.erase(std::unique(Needs.begin(), Needs.end(),
                          [](const FsGrant &A, const FsGrant &B) {
                            return A.path == B.path && A.verb == B.verb;
                          }),
              Needs.end());
  for (const FsGrant &N : Needs) {
    bool Redundant = false;
    for (const FsGrant &M : Needs)
      Redundant |= &M != &N && covers(M.path, N.path) &&
                   verbCovers(M.verb, N.verb, /*IsDir=*/true) &&
                   !(M.path == N.path && M.verb == N.verb);
    if (!Redundant)
      Out.push_back(N);
  }
}

} // namespace kavach::driver::learn

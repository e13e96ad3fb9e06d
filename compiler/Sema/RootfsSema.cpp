// The mount statements of `rootfs`: `dev minimal|host;`, `tmp
// private|host;`, `bind "SRC" [to "DST"] [read_only];`, `tmpfs "PATH";`
// (`read_only` and `on_unsupported` stay with the other process sections in
// ProcessSema.cpp). Merging down the extends chain: for `dev` and `tmp` the
// most derived word wins; binds and tmpfs mounts accumulate, and a later
// bind of the same target replaces the earlier one.
#include "compiler/Sema/SemaContext.h"

#include "runtime/PolicyFormat.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;

namespace kavach::sema {
namespace {

bool is(const ast::Word &W, StringRef T) {
  return W.kind == ast::Word::Kind::Ident && W.text == T;
}

// Whether `path` names the root directory ("/", "/usr/..").
bool isRoot(const std::string &Path) {
  SmallString<256> Norm(Path);
  sys::path::remove_dots(Norm, /*remove_dot_dot=*/true, sys::path::Style::posix);
  return Norm == "/";
}

// `bind "SOURCE" [to "TARGET"] [read_only];`
void bind(SemaContext &Ctx, const ast::Stmt &St, ir::ProcessIR &IR, RootfsTargets &Seen) {
DiagnosticEngine &D = Ctx.diags;
  const auto &Ws = St.words;
  size_t N = Ws.size();
  bool ReadOnly = N >= 3 && is(Ws[N - 1], "read_only");
  size_t Paths = ReadOnly ? N - 1 : N;
  bool Shape = Paths >= 2 && Ws[1].kind == ast::Word::Kind::String &&
               (Paths == 2 || (Paths == 4 && is(Ws[2], "to") &&
                               Ws[3].kind == ast::Word::Kind::String));
  if (!Shape) {
    D.error(St.range, "expected 'bind \"SOURCE\" [to \"TARGET\"] [read_only];'");
    return;
  }
  std::optional<std::string> Source = expandPolicyPath(Ctx, Ws[1]);
  std::optional<std::string> Target =
      Paths == 4 ? expandPolicyPath(Ctx, Ws[3]) : Source;
  if (!Source || !Target)
    return;
  const ast::Word &TargetWord = Paths == 4 ? Ws[3] : Ws[1];
  if (isRoot(*Target)) {
    D.error(TargetWord.range, "cannot bind over '/': bind below it, or use 'rootfs { "
                              "read_only; }' and filesystem rules for the root");
    return;
  }
  if (Source->size() + Target->size() > runtime::kMaxPathLen) {
    D.error(St.range, "the source and target of a bind are longer than " +
                          Twine(runtime::kMaxPathLen) + " bytes together");
    return;
  }
  for (const auto &Other : Seen)
    if (Other.first == *Target) {
      D.error(TargetWord.range, "'" + *Target + "' is bound twice in this section");
      D.note(Other.second, "the other bind is here");
      return;
    }
  Seen.push_back({*Target, St.range});
  // A parent policy's bind of the same target is replaced.
  auto &Binds = IR.binds;
  Binds.erase(std::remove_if(Binds.begin(), Binds.end(),
                             [&](const ir::ProcessIR::Bind &B) { return B.target == *Target; }),
              Binds.end());
  Binds.push_back({*Source, *Target, ReadOnly, St.range});
}

// `tmpfs "PATH";`
void tmpfs(SemaContext &Ctx, const ast::Stmt &St, ir::ProcessIR &IR) {
DiagnosticEngine &D = Ctx.diags;
  if (St.words.size() != 2 || St.words[1].kind != ast::Word::Kind::String) {
    D.error(St.range, "expected 'tmpfs \"PATH\";'");
    return;
  }
  std::optional<std::string> Path = expandPolicyPath(Ctx, St.words[1]);
  if (!Path)
    return;
  if (isRoot(*Path)) {
    D.error(St.words[1].range, "cannot put a tmpfs over '/'");
    return;
  }
  if (std::find(IR.tmpfs.begin(), IR.tmpfs.end(), *Path) == IR.tmpfs.end())
    IR.tmpfs.push_back(*Path);
}

// `dev minimal|host;` and `tmp private|host;`.
void hostOrOwn(SemaContext &Ctx, const ast::Stmt &St, ir::ProcessIR &IR) {
DiagnosticEngine &D = Ctx.diags;
  const ast::Word &W = St.words.front();
  bool Dev = is(W, "dev");
  std::string Own = Dev ? "minimal" : "private";
  if (St.words.size() != 2 || St.words[1].kind != ast::Word::Kind::Ident) {
    D.error(St.range, "expected '" + W.text + " " + Own + ";' or '" + W.text +
                          " host;' in 'rootfs'");
    return;
  }
  const ast::Word &V = St.words[1];
  if (!is(V, "host") && !is(V, Own)) {
    D.error(V.range, "unknown " + W.text + " mode '" + V.text + "' (expected '" + Own +
                         "' or 'host')");
    D.suggest(V.range, V.text, {Own, "host"});
    return;
  }
  (Dev ? IR.hostDev : IR.hostTmp) = is(V, "host");
}

} // namespace

bool analyzeRootfsMount(SemaContext &Ctx, const ast::Stmt &St, ir::ProcessIR &IR,
                        RootfsTargets &Seen) {
  const ast::Word &W = St.words.front();
  if (is(W, "dev") || is(W, "tmp"))
    hostOrOwn(Ctx, St, IR);
  else if (is(W, "bind"))
    bind(Ctx, St, IR, Seen);
  else if (is(W, "tmpfs"))
    tmpfs(Ctx, St, IR);
  else
    return false;
  return true;
}

} // namespace kavach::sema

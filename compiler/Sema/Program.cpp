// File loading and name indexing for Program. Import depth is capped (as
// minijail caps @include) and a file imported twice (a diamond) is parsed
// once. A file that imports itself, directly or through others, is an
// error at the import that closes the cycle: the order of its definitions
// would be undefined. An `extends` cycle is Sema's to report.
#include "compiler/Sema/Program.h"

#include "compiler/Parse/AstBuilder.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;

namespace kavach::sema {
namespace {
constexpr unsigned kMaxImportDepth = 16;
} // namespace

Program::Program(DiagnosticEngine &Diags, LoadOptions Opts)
    : Diags(Diags), Opts(std::move(Opts)) {}

const ast::File *Program::loadFile(const std::string &Path, SMRange From, bool Std,
                                   std::unique_ptr<MemoryBuffer> Buf) {
  SmallString<256> Real;
  if (sys::fs::real_path(Path, Real))
    Real = Path;
  if (auto It = ByPath.find(std::string(Real)); It != ByPath.end()) {
    auto Open = std::find(Loading.begin(), Loading.end(), std::string(Real));
    if (Open != Loading.end()) {
      std::string Chain;
      for (auto I = Open; I != Loading.end(); ++I)
        Chain += "'" + sys::path::filename(*I).str() + "' -> ";
      Diags.error(From, "import cycle: " + Chain + "'" + sys::path::filename(Real) + "'");
    }
    return It->second;
  }
  if (Depth >= kMaxImportDepth) {
    Diags.error(From, "imports nested too deeply (more than " + Twine(kMaxImportDepth) + ")");
    return nullptr;
  }
  ErrorOr<std::unique_ptr<MemoryBuffer>> BufOr =
      Buf ? std::move(Buf) : MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!BufOr) {
    if (From.isValid())
      Diags.error(From, "cannot open '" + Path + "': " + BufOr.getError().message());
    else
      Diags.fatal("cannot open '" + Path + "': " + BufOr.getError().message());
    return nullptr;
  }
  unsigned Id = Diags.sourceMgr().AddNewSourceBuffer(std::move(*BufOr), From.Start);
  auto F = std::make_unique<ast::File>(parse::parseBuffer(Diags, Id));
  const ast::File *Raw = F.get();
  Files.push_back(std::move(F));
  ByPath[std::string(Real)] = Raw;
  index(*Raw, Std);

  ++Depth;
  Loading.push_back(std::string(Real));
  for (const ast::Import &I : Raw->imports) {
    std::string Found;
    SmallString<256> Cand(sys::path::parent_path(Path));
    sys::path::append(Cand, I.path);
    if (sys::path::is_absolute(I.path))
      Cand = I.path;
    // "dir/./b.kv" would otherwise grow a "./" per level in every message.
    sys::path::remove_dots(Cand, /*remove_dot_dot=*/false);
    if (sys::fs::exists(Cand))
      Found = std::string(Cand);
    for (const std::string &Dir : Opts.includeDirs) {
      if (!Found.empty())
        break;
      SmallString<256> C(Dir);
      sys::path::append(C, I.path);
      sys::path::remove_dots(C, /*remove_dot_dot=*/false);
      if (sys::fs::exists(C))
        Found = std::string(C);
    }
    if (Found.empty()) {
      Diags.error(I.range, "cannot find imported file '" + I.path + "'");
      continue;
    }
    loadFile(Found, I.range, Std);
  }
  Loading.pop_back();
  --Depth;
  return Raw;
}

void Program::index(const ast::File &F, bool Std) {
  for (const ast::Policy &P : F.policies) {
    std::string Key = (Std ? "std." : "") + P.name.text;
    auto [It, New] = Policies.emplace(Key, &P);
    if (!New) {
      Diags.error(P.name.range, "policy '" + P.name.text + "' is defined twice");
      Diags.note(It->second->name.range, "previous definition is here");
      continue;
    }
    Stdlib[&P] = Std;
  }
  for (const ast::Group &G : F.groups) {
    auto [It, New] = Groups.emplace(G.name.text, &G);
    if (New && !Std)
      UserGroups.push_back(&G);
    if (!New) {
      Diags.error(G.name.range, "group '@" + G.name.text + "' is defined twice");
      Diags.note(It->second->name.range, "previous definition is here");
    }
  }
}

void Program::loadPrelude() {
  if (PreludeLoaded)
    return;
  PreludeLoaded = true;
  SmallString<256> P(Opts.stdlibDir);
  sys::path::append(P, "groups.kv");
  if (Opts.stdlibDir.empty() || !sys::fs::exists(P)) {
    Diags.fatal("cannot find the kavach standard library (groups.kv) in '" + Opts.stdlibDir +
                "'; pass --stdlib-dir");
    return;
  }
  loadFile(std::string(P), SMRange(), /*Std=*/true);
}

bool Program::loadMain(StringRef Path) {
  unsigned Before = Diags.errorCount();
  loadPrelude();
  // A stdlib policy compiled directly still means std.* by its bare names.
  SmallString<256> Real, StdReal;
  bool InStdlib = !sys::fs::real_path(Path, Real) && !Opts.stdlibDir.empty() &&
                  !sys::fs::real_path(Opts.stdlibDir, StdReal) &&
                  sys::path::parent_path(Real) == StringRef(StdReal);
  Main = loadFile(Path.str(), SMRange(), InStdlib);
  return Main && Diags.errorCount() == Before;
}

bool Program::loadMainBuffer(StringRef Name, StringRef Text) {
  unsigned Before = Diags.errorCount();
  loadPrelude();
  Main = loadFile(Name.str(), SMRange(), /*Std=*/false,
                  MemoryBuffer::getMemBufferCopy(Text, Name));
  return Main && Diags.errorCount() == Before;
}

const ast::Policy *Program::selectPolicy(StringRef Name) {
  if (!Main)
    return nullptr;
  if (!Name.empty()) {
    for (const ast::Policy &P : Main->policies)
      if (P.name.text == Name)
        return &P;
    Diags.fatal("no policy named '" + Name + "' in '" + Main->path + "'");
    return nullptr;
  }
  if (Main->policies.size() == 1)
    return &Main->policies.front();
  if (Main->policies.empty()) {
    Diags.fatal("'" + Main->path + "' defines no policy");
    return nullptr;
  }
  std::string Names;
  for (const ast::Policy &P : Main->policies)
    Names += (Names.empty() ? "" : ", ") + P.name.text;
  Diags.fatal("'" + Main->path + "' defines several policies (" + Names +
              "); choose one with --policy");
  return nullptr;
}

const ast::Policy *Program::findPolicy(const ast::Name &Ref, bool FromStdlib) {
  std::string Key = Ref.text;
  // Inside the stdlib, `extends basic` means std.basic.
  if (FromStdlib && !StringRef(Key).startswith("std."))
    Key = "std." + Key;
  if (auto It = Policies.find(Key); It != Policies.end())
    return It->second;
  if (StringRef(Key).startswith("std.")) {
    SmallString<256> P(Opts.stdlibDir);
    sys::path::append(P, StringRef(Key).drop_front(4).str() + ".kv");
    if (sys::fs::exists(P)) {
      loadFile(std::string(P), Ref.range, /*Std=*/true);
      if (auto It = Policies.find(Key); It != Policies.end())
        return It->second;
    }
  }
  Diags.error(Ref.range, "unknown policy '" + Ref.text + "'");
  std::vector<std::string> Cands = policyNames();
  for (const char *S : {"std.minimal", "std.basic", "std.strict"})
    Cands.push_back(S);
  Diags.suggest(Ref.range, Ref.text, Cands);
  return nullptr;
}

const ast::Group *Program::findGroup(StringRef Name) const {
  auto It = Groups.find(Name.str());
  return It == Groups.end() ? nullptr : It->second;
}

std::vector<std::string> Program::groupNames() const {
  std::vector<std::string> V;
  for (auto &[K, G] : Groups)
    V.push_back(K);
  return V;
}

std::vector<std::string> Program::policyNames() const {
  std::vector<std::string> V;
  for (auto &[K, P] : Policies)
    V.push_back(K);
  return V;
}

bool Program::isStdlibPolicy(const ast::Policy *P) const {
  auto It = Stdlib.find(P);
  return It != Stdlib.end() && It->second;
}

} // namespace kavach::sema

// Reads the raw trace of `kavach-launch --learn` (format: docs/learn.md).
// Strict: a line that does not parse is an error naming the line, so a
// truncated or hand-edited trace never turns silently into a smaller policy.
#include "LearnTrace.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

using namespace llvm;

namespace kavach::driver::learn {
namespace {

std::string unescape(StringRef S) {
  std::string Out;
  for (size_t I = 0; I < S.size(); ++I) {
    unsigned V;
    if (S[I] == '%' && I + 2 < S.size() && !S.substr(I + 1, 2).getAsInteger(16, V)) {
      Out += char(V);
      I += 2;
    } else {
      Out += S[I];
    }
  }
  return Out;
}

Error bad(unsigned Line, const Twine &Why) {
  return createStringError(inconvertibleErrorCode(),
                           "trace line " + Twine(Line) + ": " + Why);
}

} // namespace

Error parseTrace(StringRef Text, Trace &T) {
  SmallVector<StringRef, 0> Lines;
  Text.split(Lines, '\n', -1, false);
  if (Lines.empty() || Lines[0] != "kavach-learn-trace 1")
    return bad(1, "not a kavach learn trace (expected 'kavach-learn-trace 1')");
  T.commands.emplace_back();
  std::string Cwd;
  for (unsigned I = 1; I < Lines.size(); ++I) {
    unsigned No = I + 1;
    auto [Kind, Rest] = Lines[I].split(' ');
    if (Kind == "argv") {
      T.commands.back().push_back(unescape(Rest));
    } else if (Kind == "cwd") {
      Cwd = unescape(Rest);
      if (T.cwd.empty())
        T.cwd = Cwd;
    } else if (Kind == "call") {
      SmallVector<StringRef, 8> F;
      Rest.split(F, ' ');
      Call C;
      long long Nr;
      if (F.size() != 8 || F[0].getAsInteger(0, C.arch) || F[1].getAsInteger(10, Nr))
        return bad(No, "expected 'call ARCH NR A0 ... A5'");
      C.nr = int32_t(Nr);
      for (int A = 0; A < 6; ++A) {
        if (F[2 + A] == "-")
          continue;
        uint64_t V;
        if (F[2 + A].getAsInteger(0, V))
          return bad(No, "argument " + Twine(A) + " is not a number or '-'");
        C.args[A] = V;
      }
      T.calls.push_back(C);
    } else if (Kind == "path") {
      auto [Right, Path] = Rest.split(' ');
      if (Right.size() != 1 || !StringRef("rwxd").contains(Right[0]) || !Path.startswith("/"))
        return bad(No, "expected 'path r|w|x|d /ABSOLUTE/PATH'");
      T.paths.push_back({Right[0], unescape(Path), Cwd});
    } else if (Kind == "tcp") {
      auto [Op, Port] = Rest.split(' ');
      unsigned P;
      if ((Op != "bind" && Op != "connect") || Port.getAsInteger(10, P) || P > 65535)
        return bad(No, "expected 'tcp bind|connect PORT'");
      T.ports.push_back({Op == "bind", uint16_t(P)});
    } else {
      return bad(No, "unknown record '" + Kind + "'");
    }
  }
  return Error::success();
}

std::string resolveForLearning(const std::string &Path, const Trace &T) {
  std::string P = Path;
  auto Subst = [&](StringRef Var, std::string Value) {
    std::string Key = "${" + Var.str() + "}";
    if (StringRef(P).startswith(Key))
      P = Value + P.substr(Key.size());
  };
  const char *Tmp = std::getenv("TMPDIR");
  const char *Home = std::getenv("HOME");
  Subst("TMPDIR", Tmp && *Tmp ? Tmp : "/tmp");
  Subst("HOME", Home ? Home : "");
  Subst("PWD", T.cwd);
  if (P.empty() || P[0] != '/' || StringRef(P).contains("${"))
    return "";
  // Per-process /proc entries must not be resolved here: /proc/self would
  // become this compiler's own pid.
  if (StringRef(P).startswith("/proc/"))
    return P;
  // Resolve the longest existing prefix; keep the rest as written (files
  // the run created and removed again).
  SmallString<256> Prefix(P);
  std::string Rest;
  while (Prefix.size() > 1) {
    SmallString<256> Real;
    if (!sys::fs::real_path(Prefix, Real))
      return std::string(Real) + Rest;
    StringRef Name = sys::path::filename(Prefix);
    Rest = "/" + Name.str() + Rest;
    sys::path::remove_filename(Prefix);
    if (Prefix.empty())
      Prefix = "/";
  }
  return Rest.empty() ? "/" : Rest;
}

} // namespace kavach::driver::learn

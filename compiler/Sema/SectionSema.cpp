// The non-seccomp parts of a policy: filesystem grants, network, Landlock
// scopes. Sections are merged down the extends chain: grants accumulate, a
// child's network rules replace a parent's `network none`.
//
// The process sections (namespaces, user, capabilities, limits, ...) are in
// ProcessSema.cpp. An unknown section is an error (with a did-you-mean),
// never ignored: a policy that asks for a protection must never compile
// into a policy.bin that silently lacks it.
#include "compiler/Sema/SemaContext.h"

#include "runtime/LandlockAbi.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include <set>

using namespace llvm;

namespace kavach::sema {
namespace {

const char *const kKnownSections[] = {"filesystem", "network", "scope"};
// The process sections are analyzed by ProcessSema.cpp.
const char *const kProcessSections[] = {"namespaces", "hostname", "rootfs", "user",
                                        "capabilities", "limits", "cpu", "env",
                                        "commands", "guards"};
// Variables the launcher resolves at launch time from trusted sources.
const char *const kLaunchVars[] = {"HOME", "PWD", "TMPDIR", "UID"};

class SectionPass {
public:
  SectionPass(SemaContext &Ctx, ir::PolicyIR &IR) : Ctx(Ctx), D(Ctx.diags), IR(IR) {}

  void run() {
    for (const ast::Policy *P : Ctx.chain) {
      if (P->onUnsupported)
        if (auto B = convertOnUnsupported(Ctx, *P->onUnsupported)) {
          IR.landlock.bestEffort = *B;
          IR.process.bestEffort = *B ? runtime::kProcAll : 0;
        }
      for (const ast::Stmt &S : P->stmts)
        policyStmt(S);
      for (const ast::Section &S : P->sections)
        section(S);
    }
    checkHostIds(Ctx, IR.process);
  }

private:
  static bool is(const ast::Word &W, StringRef T) {
    return W.kind == ast::Word::Kind::Ident && W.text == T;
  }

  void policyStmt(const ast::Stmt &S) {
    const ast::Word &W = S.words.front();
    if (is(W, "network")) {
      if (S.words.size() == 2 && is(S.words[1], "none")) {
        IR.landlock.netPresent = true;
        IR.landlock.networkNone = true;
        IR.landlock.net.clear();
        return;
      }
      D.error(S.range, "expected 'network none;' or a 'network { ... }' section");
      return;
    }
    if (is(W, "hostname"))
      return analyzeHostnameStmt(Ctx, S, IR.process);
    if (is(W, "terminal")) {
      if (S.words.size() == 2 && (is(S.words[1], "detach") || is(S.words[1], "keep"))) {
        IR.process.present = true;
        IR.process.detachTerminal = is(S.words[1], "detach");
        return;
      }
      D.error(S.range, "expected 'terminal detach;' or 'terminal keep;'");
      return;
    }
    if (is(W, "require"))
      return; // compiler/Score/Require.cpp parses and checks it (kavachc compile and --score)
    D.error(W.range, "unknown policy statement '" + W.text + "'");
    std::vector<std::string> C = {"network", "hostname", "terminal", "require",
                                  "on_unsupported"};
    D.suggest(W.range, W.text, C);
  }

  void section(const ast::Section &S) {
    const std::string &N = S.name.text;
    if (N == "filesystem")
      return filesystem(S);
    if (N == "network")
      return network(S);
    if (N == "scope")
      return scope(S);
    if (analyzeProcessSection(Ctx, S, IR.process))
      return;
    D.error(S.name.range, "unknown section '" + N + "'");
    std::vector<std::string> C(std::begin(kKnownSections), std::end(kKnownSections));
    C.push_back("seccomp");
    C.insert(C.end(), std::begin(kProcessSections), std::end(kProcessSections));
    D.suggest(S.name.range, N, C);
  }

  bool onUnsupportedStmt(const ast::Stmt &S, bool &Flag) {
    if (S.words.front().text != "on_unsupported")
      return false;
    if (S.words.size() != 2) {
      D.error(S.range, "expected 'on_unsupported fail;' or 'on_unsupported best_effort;'");
      return true;
    }
    ast::OnUnsupported O{{S.words[1].text, S.words[1].range}, S.range};
    if (auto B = convertOnUnsupported(Ctx, O))
      Flag = *B;
    return true;
  }

  std::optional<std::string> expandPath(const ast::Word &W) { return expandPolicyPath(Ctx, W); }

  void filesystem(const ast::Section &S) {
    IR.landlock.fsPresent = true;
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupportedStmt(St, IR.landlock.bestEffort))
        continue;
      const ast::Word &Verb = St.words.front();
      ir::FsVerb V;
      if (is(Verb, "read"))
        V = ir::FsVerb::Read;
      else if (is(Verb, "read_write"))
        V = ir::FsVerb::ReadWrite;
      else if (is(Verb, "execute"))
        V = ir::FsVerb::Execute;
      else {
        D.error(Verb.range, "unknown filesystem access '" + Verb.text + "'");
        // `write` is too far from `read_write` for edit distance but is
        // the likeliest slip; the grant that allows writing is read_write.
        if (Verb.text == "write" || Verb.text == "rw")
          D.note(Verb.range, "did you mean 'read_write'?", SMFixIt(Verb.range, "read_write"));
        else
          D.suggest(Verb.range, Verb.text, {"execute", "read", "read_write"});
        continue;
      }
      if (St.words.size() < 2) {
        D.error(St.range, "'" + Verb.text + "' needs at least one path");
        continue;
      }
      for (size_t I = 1; I < St.words.size(); ++I) {
        const ast::Word &W = St.words[I];
        if (W.kind != ast::Word::Kind::String) {
          D.error(W.range, "expected a path in double quotes");
          continue;
        }
        if (auto P = expandPath(W))
          IR.landlock.fs.push_back({V, *P, W.range});
      }
    }
  }

  void network(const ast::Section &S) {
    if (IR.landlock.networkNone) {
      IR.landlock.networkNone = false; // a child's rules replace a parent's `none`
      IR.landlock.net.clear();
    }
    IR.landlock.netPresent = true;
    for (const ast::Stmt &St : S.stmts) {
      if (onUnsupportedStmt(St, IR.landlock.bestEffort))
        continue;
      const ast::Word &Verb = St.words.front();
      if (!is(Verb, "connect") && !is(Verb, "bind")) {
        D.error(Verb.range, "unknown network rule '" + Verb.text + "'");
        D.suggest(Verb.range, Verb.text, {"bind", "connect"});
        continue;
      }
      if (St.words.size() < 3 || !is(St.words[1], "tcp")) {
        D.error(St.range, "expected '" + Verb.text + " tcp PORT[, PORT...];' (Landlock "
                                                     "controls TCP ports only)");
        continue;
      }
      for (size_t I = 2; I < St.words.size(); ++I) {
        const ast::Word &W = St.words[I];
        if (W.kind != ast::Word::Kind::Int || !W.atom.unit.empty() || W.atom.value > 65535) {
          D.error(W.range, "expected a TCP port number (0-65535)");
          continue;
        }
        IR.landlock.net.push_back({is(Verb, "bind"), uint16_t(W.atom.value), W.range});
      }
    }
  }

  void scope(const ast::Section &S) {
    namespace ll = runtime::landlock;
    for (const ast::Stmt &St : S.stmts) {
      for (const ast::Word &W : St.words) {
        if (is(W, "abstract_unix_socket"))
          IR.landlock.scoped |= ll::kScopeAbstractUnixSocket;
        else if (is(W, "signal"))
          IR.landlock.scoped |= ll::kScopeSignal;
        else {
          D.error(W.range, "unknown scope '" + W.text + "'");
          D.suggest(W.range, W.text, {"abstract_unix_socket", "signal"});
        }
      }
    }
  }

  SemaContext &Ctx;
  DiagnosticEngine &D;
  ir::PolicyIR &IR;
};

} // namespace

void analyzeSections(SemaContext &Ctx, ir::PolicyIR &IR) { SectionPass(Ctx, IR).run(); }

// Substitutes -D parameters; keeps launch-time variables for the launcher.
std::optional<std::string> expandPolicyPath(SemaContext &Ctx, const ast::Word &W) {
  DiagnosticEngine &D = Ctx.diags;
  // A kernel path ends at the first NUL; a policy must not say one thing
  // and mean another (found by test/fuzz/fuzz-policy-text).
  if (W.text.find('\0') != std::string::npos) {
    D.error(W.range, "path contains a NUL byte");
    return std::nullopt;
  }
  std::string Out;
  bool Defined = false; // a -D parameter was substituted
  StringRef T = W.text;
  while (!T.empty()) {
    size_t P = T.find("${");
    if (P == StringRef::npos) {
      Out += T.str();
      break;
    }
    Out += T.take_front(P).str();
    size_t E = T.find('}', P);
    if (E == StringRef::npos) {
      D.error(W.range, "unterminated '${' in path");
      return std::nullopt;
    }
    std::string Var = T.substr(P + 2, E - P - 2).str();
    T = T.drop_front(E + 1);
    if (auto It = Ctx.prog.options().defines.find(Var);
        It != Ctx.prog.options().defines.end()) {
      Out += It->second;
      Defined = true;
      continue;
    }
    bool Launch = false;
    for (const char *V : kLaunchVars)
      Launch |= Var == V;
    if (!Launch) {
      D.error(W.range, "unknown variable '${" + Var +
                           "}': define it with -D " + Var +
                           "=VALUE or use ${HOME}, ${PWD}, ${TMPDIR} or ${UID}");
      return std::nullopt;
    }
    Out += "${" + Var + "}";
  }
  if (Out.empty() || (Out[0] != '/' && !StringRef(Out).startswith("${"))) {
    D.error(W.range, "path '" + Out + "' is not absolute");
    return std::nullopt;
  }
  // Like the launcher with ${HOME} and friends: a parameter whose value
  // turns a grant into the whole file system is refused, not obeyed
  // (`read_write "${DATA}"` with -D DATA=/ or DATA=/srv/..). A literal "/"
  // says what it means and stays allowed.
  if (Defined) {
    SmallString<256> Norm(Out);
    sys::path::remove_dots(Norm, /*remove_dot_dot=*/true, sys::path::Style::posix);
    if (Norm == "/" || Norm.empty()) {
      D.error(W.range, "path '" + W.text + "' is '/' with the -D parameters given: a "
                       "parameter must not grant the whole file system");
      return std::nullopt;
    }
  }
  return Out;
}

} // namespace kavach::sema

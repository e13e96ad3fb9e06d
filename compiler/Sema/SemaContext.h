// State shared by the Sema passes of one policy (internal to compiler/Sema).
#pragma once

#include "compiler/Sema/PolicyIR.h"
#include "compiler/Sema/Program.h"

#include <optional>
#include <vector>

namespace kavach::sema {

struct SemaContext {
  Program &prog;
  DiagnosticEngine &diags;
  const ast::Policy &main;
  // The extends chain, root ancestor first, `main` last.
  std::vector<const ast::Policy *> chain;

  bool fromStdlib(const ast::Policy *P) const { return prog.isStdlibPolicy(P); }
};

// Each pass fills its part of the IR and reports through ctx.diags.
void analyzeSeccomp(SemaContext &Ctx, ir::PolicyIR &IR);
void analyzeSections(SemaContext &Ctx, ir::PolicyIR &IR);
// One process section (namespaces, hostname, rootfs, user, capabilities,
// limits, env, commands) of policy `P`; called by analyzeSections in chain
// order. Returns false when `S` is not a process section.
bool analyzeProcessSection(SemaContext &Ctx, const ast::Section &S, ir::ProcessIR &IR);
// One mount statement of a `rootfs` section (dev, tmp, bind, tmpfs;
// RootfsSema.cpp); false when `S` is none of them. `Seen` holds the
// section's bind targets so far (a target bound twice is an error).
using RootfsTargets = std::vector<std::pair<std::string, llvm::SMRange>>;
bool analyzeRootfsMount(SemaContext &Ctx, const ast::Stmt &S, ir::ProcessIR &IR,
                        RootfsTargets &Seen);
// `hostname "name";` directly in a policy body.
void analyzeHostnameStmt(SemaContext &Ctx, const ast::Stmt &S, ir::ProcessIR &IR);
// user { host_ids ...; } against the merged uid, gid and groups.
void checkHostIds(SemaContext &Ctx, const ir::ProcessIR &IR);

// Shared helpers.
// A rule's `if` condition as the IR's Cond tree; null after an error.
// `Arches` are the targeted arches (for the 32-bit width checks).
seccomp::CondRef convertCondition(SemaContext &Ctx, const std::vector<std::string> &Arches,
                                  const ast::Expr &E);
std::optional<seccomp::Action> convertAction(SemaContext &Ctx, const ast::Action &A);
std::optional<uint64_t> convertConstant(SemaContext &Ctx, const ast::Atom &A);
// A path word of a policy: -D parameters substituted, the launch-time
// ${HOME} ${PWD} ${TMPDIR} ${UID} kept for the launcher; absolute (or
// starting with such a variable), no NUL, and no parameter that turns it
// into '/'. nullopt after an error.
std::optional<std::string> expandPolicyPath(SemaContext &Ctx, const ast::Word &W);
// Resolves `on_unsupported fail|best_effort;` → true for best_effort.
std::optional<bool> convertOnUnsupported(SemaContext &Ctx, const ast::OnUnsupported &O);

} // namespace kavach::sema

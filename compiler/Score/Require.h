// `require score >= N on BACKEND;` statements and `kavachc --min-score N`:
// a compile fails when the policy scores below N on that backend, with a
// diagnostic listing the unenforced rules and what would raise the score.
#pragma once

#include "compiler/Basic/Diagnostics.h"
#include "compiler/Parse/Ast.h"
#include "compiler/Score/Score.h"

#include <vector>

namespace kavach::score {

// Reads the `require` statements of `Chain` (root ancestor first; a child
// keeps its parents' requirements). Malformed ones are errors.
std::vector<Requirement> parseRequirements(llvm::ArrayRef<const ast::Policy *> Chain,
                                           DiagnosticEngine &D);

// Reports every requirement the policy misses; returns how many.
unsigned checkRequirements(const ir::PolicyIR &IR, llvm::ArrayRef<Requirement> Reqs,
                           DiagnosticEngine &D);

} // namespace kavach::score

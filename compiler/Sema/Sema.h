// Semantic analysis: one ast::Policy (with its extends chain, groups and
// constants) → ir::PolicyIR. Reports every error it finds, not just the
// first; returns nothing if there was any.
#pragma once

#include "compiler/Sema/PolicyIR.h"
#include "compiler/Sema/Program.h"

#include <optional>

namespace kavach::sema {

std::optional<ir::PolicyIR> analyzePolicy(Program &Prog, const ast::Policy &Main);

} // namespace kavach::sema

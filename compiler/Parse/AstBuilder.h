// Hand-written (not ANTLR output): drives the generated KavachLexer and
// KavachParser (built from grammar/Kavach.g4 into the build tree) and turns
// their parse tree into kavach's own AST.
// Parses one buffer of a SourceMgr into an ast::File. Syntax errors go to
// the DiagnosticEngine in kavach wording; the returned tree then holds
// whatever could be built and must not be compiled.
#pragma once

#include "compiler/Basic/Diagnostics.h"
#include "compiler/Parse/Ast.h"

namespace kavach::parse {

ast::File parseBuffer(DiagnosticEngine &Diags, unsigned BufferId);

} // namespace kavach::parse

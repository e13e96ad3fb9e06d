// kavachc --fmt: prints a .kv file in the one canonical style, comments kept.
#pragma once

#include "compiler/Basic/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace kavach::format {

constexpr unsigned kColumnLimit = 100;

// Formats buffer `BufferId` of the engine's SourceMgr. Syntax errors are
// reported and yield nothing: only a file that parses is reformatted.
std::optional<std::string> formatBuffer(DiagnosticEngine &Diags, unsigned BufferId);

// True when `A` and `B` lex to the same tokens (comments included), i.e.
// they differ in whitespace only. The formatter's own safety check.
bool sameTokens(llvm::StringRef A, llvm::StringRef B);

} // namespace kavach::format

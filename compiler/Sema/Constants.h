// Lookup of named constants (errno names, argument flags, signals).
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kavach::sema {

std::optional<uint64_t> lookupErrno(llvm::StringRef Name);
std::string errnoName(uint64_t Value); // "" when unnamed
std::optional<uint64_t> lookupConstant(llvm::StringRef Name); // flags and signals
const std::vector<std::string> &errnoNames();
const std::vector<std::string> &constantNames();

} // namespace kavach::sema

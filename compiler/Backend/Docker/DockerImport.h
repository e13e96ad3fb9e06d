// Docker/moby seccomp profile (JSON text) → kavach policy text (see
// compiler/tools/kavachc/DockerMode.cpp for the rules).
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace kavach::docker {

llvm::Expected<std::string> importProfile(llvm::StringRef Json, llvm::StringRef Name);

} // namespace kavach::docker

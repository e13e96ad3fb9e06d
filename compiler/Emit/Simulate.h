// --simulate: run a compiled filter on one syscall in the BPF interpreter.
#pragma once

#include "compiler/Emit/Compile.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace kavach::emit {

// Parses `openat(AT_FDCWD, 0, O_RDONLY)` (a name or a number, up to six
// arguments, integers or named constants). Returns "" on success, or what is
// wrong with the text.
std::string parseCall(llvm::StringRef Text, const std::string &Arch, uint32_t &Nr,
                      uint64_t Args[6]);

// "allow", "errno(EPERM)", "kill_process", ... for a SECCOMP_RET_* value.
std::string describeRet(uint32_t Ret);

} // namespace kavach::emit

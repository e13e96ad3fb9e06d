// Human-readable listing of a seccomp program for --emit=bpf-asm.
#pragma once

#include "runtime/Policy.h"

#include <functional>
#include <string>
#include <vector>

namespace kavach::seccomp {

// Resolves a syscall number of an arch to a name ("" when unknown); used to
// annotate `jeq`/`jge` on the syscall number.
using SyscallNamer = std::function<std::string(uint32_t auditArch, uint32_t nr)>;

// One line per instruction: "0004: jeq  #0x3b, 0005, 0009   ; execve".
std::string disassemble(const std::vector<runtime::BpfInsn> &prog,
                        const SyscallNamer &namer);

} // namespace kavach::seccomp

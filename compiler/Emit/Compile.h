// IR → runtime::Policy (generated BPF per native arch, Landlock rules), and
// writing outputs so that an error never leaves a file behind.
#pragma once

#include "compiler/Backend/Seccomp/FilterSpec.h"
#include "compiler/Sema/PolicyIR.h"
#include "runtime/Policy.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace kavach::emit {

struct CompiledPolicy {
  runtime::Policy policy;
  std::vector<seccomp::FilterSpec> specs; // same order as policy.seccomp
};

llvm::Expected<CompiledPolicy> compilePolicy(const ir::PolicyIR &IR);

// Writes to a temporary file next to `Path` and renames it over `Path` on
// success, so a failure never clobbers an existing file. "-" is stdout.
llvm::Error writeAtomically(llvm::StringRef Path, llvm::ArrayRef<uint8_t> Bytes);

} // namespace kavach::emit

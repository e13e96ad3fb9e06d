// Seccomp BPF code generation: FilterSpec -> classic BPF.
#pragma once

#include "compiler/Backend/Seccomp/FilterSpec.h"
#include "runtime/Policy.h"

#include <string>
#include <vector>

namespace kavach::seccomp {

// Generates the filter. Deterministic (byte-identical output for the same
// spec). The result always passes runtime::checkSeccompProgram; if it cannot
// (more than 4096 instructions) the function returns an empty vector and
// sets `error`.
std::vector<runtime::BpfInsn> generateFilter(const FilterSpec &spec, std::string *error);

// The action the filter is meant to take, straight from the spec (the
// reference the generated code is tested against).
Action intendedAction(const FilterSpec &spec, uint32_t auditArch, uint32_t nr,
                      const uint64_t args[6]);

} // namespace kavach::seccomp

// ir::SeccompIR → one FilterSpec per native arch (names resolved to numbers
// with libseccomp, deny conditions widened to the kernel's 32-bit reading).
#pragma once

#include "compiler/Backend/Seccomp/FilterSpec.h"
#include "compiler/Sema/PolicyIR.h"

#include <vector>

namespace kavach::seccomp {

std::vector<FilterSpec> lowerSeccomp(const ir::SeccompIR &S);

// The spec of the filter for native arch `Native` ("x86_64"), or null.
const FilterSpec *findFilter(const std::vector<FilterSpec> &Specs, uint32_t NativeAudit);

} // namespace kavach::seccomp

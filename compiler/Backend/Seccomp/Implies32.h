// Shared by the BPF lowering (Backend/Seccomp/Lowering.cpp) and the
// libseccomp-shaped profile (Backend/OCI/SeccompProfile.cpp): both widen a
// deny condition C whose constants fit in 32 bits to C ∨ C₃₂, and both need
// the same simplification of that to C₃₂ alone.
#pragma once

#include "compiler/Backend/Seccomp/FilterSpec.h"

#include <algorithm>

namespace kavach::seccomp {

// Whether C (constants fitting in 32 bits) implies C₃₂, so C ∨ C₃₂ = C₃₂:
// `a == v`, `a < v`, `a <= v` and `(a & m) == v` hold only for arguments
// below 2^32 (or, masked by a 32-bit mask, look at the low half alone);
// `>`, `>=`, `!=` and `!` can hold on the high half alone.
inline bool implies32(const Cond &C) {
  using Op = Cond::Op;
  switch (C.kind) {
  case Cond::Kind::Cmp:
    return C.op == Op::Eq || C.op == Op::Lt || C.op == Op::Le || C.op == Op::MaskedEq;
  case Cond::Kind::And:
  case Cond::Kind::Or:
    return std::all_of(C.children.begin(), C.children.end(),
                       [](const CondRef &K) { return implies32(*K); });
  case Cond::Kind::Not:
    return false;
  }
  return false;
}

} // namespace kavach::seccomp

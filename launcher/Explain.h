// --explain: what the policy does, in plain words, from policy.bin alone
// (no kernel probing: --dry-run says what this kernel will enforce).
#pragma once

#include "runtime/Policy.h"

namespace kavach::launch {

// Prints the explanation on stdout; returns 0 (125 if stdout fails).
int printExplanation(const char *policyPath, const runtime::Policy &policy);

} // namespace kavach::launch

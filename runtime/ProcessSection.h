// The Process section of policy.bin (PolicyFormat.h, docs/policy-bin.md):
// its strict decoding (the encoding is encodeProcess in PolicyIO.cpp).
#pragma once

#include "runtime/Policy.h"

#include <cstdint>
#include <string>

namespace kavach::runtime {

// Parses a whole section payload. On failure returns false with a sentence
// in `why`; `out` is then unspecified.
bool decodeProcess(const uint8_t *data, uint64_t size, ProcessPolicy &out, std::string &why);

} // namespace kavach::runtime

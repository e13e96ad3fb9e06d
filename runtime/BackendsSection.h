// The Backends section of policy.bin (PolicyFormat.h, docs/policy-bin.md):
// encoding and the strict decoding, kept apart from the generic reader.
#pragma once

#include "runtime/Policy.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kavach::runtime {

std::vector<uint8_t> encodeBackends(const BackendsPolicy &b);

// Parses a whole section payload. On failure returns false with a sentence
// in `why`; `out` is then unspecified.
bool decodeBackends(const uint8_t *data, uint64_t size, BackendsPolicy &out, std::string &why);

// Count of non-overlapping occurrences of `needle` in `text`.
unsigned countOccurrences(const std::string &text, const char *needle);

} // namespace kavach::runtime

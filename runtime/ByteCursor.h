// Bounds-checked little-endian reading for the policy.bin decoders
// (PolicyReader.cpp and the per-section ones). Internal to runtime/.
#pragma once

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>

namespace kavach::runtime::bytes {

inline uint32_t load32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t load64(const uint8_t *p) { return load32(p) | uint64_t(load32(p + 4)) << 32; }

inline std::string vformat(const char *fmt, va_list ap) {
  char buf[512];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  return n < 0 ? std::string(fmt) : std::string(buf, std::min<size_t>(size_t(n), sizeof buf - 1));
}

using ULL = unsigned long long; // printf %llu, whatever uint64_t is

inline bool isAllZero(const uint8_t *p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t b) { return b == 0; });
}

// A bounds-checked sequential view of one section's payload.
class Cursor {
public:
  Cursor(const uint8_t *p, uint64_t size) : p(p), left(size) {}
  uint64_t remaining() const { return left; }
  bool has(uint64_t n) const { return n <= left; }
  // Callers check has() first; these never read past the end regardless.
  uint32_t u32() { return left >= 4 ? load32(take(4)) : 0; }
  uint64_t u64() { return left >= 8 ? load64(take(8)) : 0; }
  const uint8_t *take(uint64_t n) {
    const uint8_t *r = p;
    n = std::min(n, left);
    p += n;
    left -= n;
    return r;
  }

private:
  const uint8_t *p;
  uint64_t left;
};

} // namespace kavach::runtime::bytes

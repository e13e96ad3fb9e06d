// Little-endian reading (bounds-checked) and writing for policy.bin's
// encoder and decoders (PolicyIO.cpp, PolicyReader.cpp and the per-section
// ones), including the record header the Process and Backends sections
// share. Internal to runtime/.
#pragma once

#include "runtime/PolicyFormat.h"

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace kavach::runtime::bytes {

inline uint16_t load16(const uint8_t *p) { return uint16_t(p[0] | p[1] << 8); }
inline uint32_t load32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t load64(const uint8_t *p) { return load32(p) | uint64_t(load32(p + 4)) << 32; }

inline void put16(std::vector<uint8_t> &out, uint16_t v) {
  out.push_back(uint8_t(v));
  out.push_back(uint8_t(v >> 8));
}
inline void put32(std::vector<uint8_t> &out, uint32_t v) {
  put16(out, uint16_t(v));
  put16(out, uint16_t(v >> 16));
}
inline void put64(std::vector<uint8_t> &out, uint64_t v) {
  put32(out, uint32_t(v));
  put32(out, uint32_t(v >> 32));
}
inline void putBytes(std::vector<uint8_t> &out, const std::string &s) {
  out.insert(out.end(), s.begin(), s.end());
}
inline void padToAlign(std::vector<uint8_t> &out) { out.resize(alignToSection(out.size()), 0); }

// A ProcessRecordHeader (PolicyFormat.h) and its text, padded. `out` holds
// the records only, or starts 8-aligned, so its size is record-relative.
inline void putRecord(std::vector<uint8_t> &out, uint16_t kind, uint16_t sub, uint64_t value,
                      const std::string &text) {
  put16(out, kind);
  put16(out, sub);
  put32(out, uint32_t(text.size()));
  put64(out, value);
  putBytes(out, text);
  padToAlign(out);
}

// The fields of a ProcessRecordHeader at `h` (the caller checked the size).
struct RecordFields {
  uint16_t kind, sub;
  uint32_t len;
  uint64_t value;
};
inline RecordFields loadRecordHeader(const uint8_t *h) {
  return {load16(h), load16(h + 2), load32(h + 4), load64(h + 8)};
}

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

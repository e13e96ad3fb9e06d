// The Backends section: scores per backend, `require score` lines and the
// two OCI config.json templates. Records reuse the Process section's record
// header (kind, sub, len, value) and padding rules, so the canonical-form
// argument is the same: kinds ascending, sub and unused value zero, names
// unique, strings without NUL, padding zero, nothing after the last record.
// A template must carry its markers (OciTemplate.h) the exact number of
// times, so the launcher's textual fill-in is total.
#include "runtime/BackendsSection.h"

#include "runtime/ByteCursor.h"
#include "runtime/OciTemplate.h"
#include "runtime/PolicyFormat.h"

#include <algorithm>
#include <cstring>

namespace kavach::runtime {
namespace {

using namespace bytes;

bool validName(const std::string &s) {
  return !s.empty() && s.size() <= kMaxBackendNameLen &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

} // namespace

unsigned countOccurrences(const std::string &text, const char *needle) {
  unsigned n = 0;
  size_t len = std::strlen(needle);
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + len))
    ++n;
  return n;
}

std::vector<uint8_t> encodeBackends(const BackendsPolicy &b) {
  using K = BackendsRecordKind;
  std::vector<uint8_t> records;
  uint32_t count = 0;
  auto add = [&](K kind, uint64_t value, const std::string &text) {
    putRecord(records, uint16_t(kind), 0, value, text);
    ++count;
  };
  for (const BackendScoreEntry &s : b.scores)
    add(K::Score, s.value, s.backend);
  for (const BackendScoreEntry &r : b.requirements)
    add(K::Require, r.value, r.backend);
  if (!b.ociInner.empty())
    add(K::OciInner, 0, b.ociInner);
  if (!b.ociBare.empty())
    add(K::OciBare, 0, b.ociBare);
  std::vector<uint8_t> out;
  put32(out, 0); // flags
  put32(out, count);
  out.insert(out.end(), records.begin(), records.end());
  return out;
}

bool decodeBackends(const uint8_t *data, uint64_t size, BackendsPolicy &out, std::string &why) {
  using K = BackendsRecordKind;
  auto fail = [&](std::string s) {
    why = std::move(s);
    return false;
  };
  if (size < sizeof(BackendsHeader))
    return fail("the section is smaller than its header");
  uint32_t flags = load32(data), count = load32(data + 4);
  if (flags != 0)
    return fail("backends flags are " + std::to_string(flags) + "; version 1 defines none");
  if (count > kMaxBackendRecords)
    return fail("backends record count " + std::to_string(count) + " exceeds the limit of " +
                std::to_string(kMaxBackendRecords));
  BackendsPolicy b;
  b.present = true;
  uint64_t at = sizeof(BackendsHeader);
  uint16_t lastKind = 0;
  for (uint32_t r = 0; r < count; ++r) {
    std::string rec = "backends record " + std::to_string(r);
    if (size - at < sizeof(ProcessRecordHeader))
      return fail(rec + " is truncated");
    const uint8_t *h = data + at;
    auto [kind, sub, len, value] = loadRecordHeader(h);
    at += sizeof(ProcessRecordHeader);
    if (kind < uint16_t(K::Score) || kind > uint16_t(K::OciBare))
      return fail(rec + " has unknown kind " + std::to_string(kind));
    if (kind < lastKind || (kind == lastKind && kind >= uint16_t(K::OciInner)))
      return fail(rec + " (kind " + std::to_string(kind) + ") is out of order or repeated");
    lastKind = kind;
    if (sub != 0)
      return fail(rec + " has a nonzero sub field");
    bool isTemplate = kind >= uint16_t(K::OciInner);
    if (len == 0 || len > (isTemplate ? kMaxOciTemplateLen : kMaxBackendNameLen))
      return fail(rec + " has a string length of " + std::to_string(len));
    uint64_t padded = alignToSection(len);
    if (size - at < padded)
      return fail(rec + " runs past the end of the section");
    std::string text(reinterpret_cast<const char *>(data + at), len);
    if (std::any_of(data + at + len, data + at + padded, [](uint8_t c) { return c != 0; }))
      return fail(rec + " has nonzero padding");
    at += padded;
    if (text.find('\0') != std::string::npos)
      return fail(rec + " has a NUL byte in its string");
    if (isTemplate) {
      if (value != 0)
        return fail(rec + " (a template) has a nonzero value");
      bool inner = kind == uint16_t(K::OciInner);
      unsigned args = countOccurrences(text, kOciArgsMarker),
               env = countOccurrences(text, kOciEnvMarker),
               root = countOccurrences(text, kOciRootfsMarker),
               bundle = countOccurrences(text, kOciBundleMarker),
               mounts = countOccurrences(text, kOciMountsMarker);
      if (args != 1 || env != 1 || root != 1 || bundle != (inner ? 1u : 0u))
        return fail(rec + ": the config.json template has args/env/rootfs/bundle placeholders " +
                    std::to_string(args) + "/" + std::to_string(env) + "/" +
                    std::to_string(root) + "/" + std::to_string(bundle) + " times, not 1/1/1/" +
                    (inner ? "1" : "0"));
      if (mounts > 1)
        return fail(rec + ": the config.json template has the mounts placeholder " +
                    std::to_string(mounts) + " times, not at most once");
      (inner ? b.ociInner : b.ociBare) = std::move(text);
      continue;
    }
    if (!validName(text))
      return fail(rec + ": '" + text + "' is not a backend name ([a-z0-9-]+)");
    if (value > 100)
      return fail(rec + ": score " + std::to_string(value) + " is above 100");
    std::vector<BackendScoreEntry> &list = kind == uint16_t(K::Score) ? b.scores : b.requirements;
    if (std::any_of(list.begin(), list.end(),
                    [&](const BackendScoreEntry &e) { return e.backend == text; }))
      return fail(rec + ": backend '" + text + "' appears twice");
    list.push_back({std::move(text), uint32_t(value)});
  }
  if (at != size)
    return fail(std::to_string(size - at) + " bytes follow the last backends record");
  out = std::move(b);
  return true;
}

} // namespace kavach::runtime

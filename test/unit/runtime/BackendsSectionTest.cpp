// The Backends section of policy.bin: round trip, canonical bytes, and the
// reader's refusal of every malformed variant (the launcher fills the
// templates in textually, so a template without its placeholders must never
// reach it).
#include "PolicyTestUtil.h"

#include "runtime/BackendsSection.h"
#include "runtime/OciTemplate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kavach::runtime::test {
namespace {

using ::testing::HasSubstr;

const char kInner[] = R"({"process":{"args":["/.kavach/kavach-launch","--",
"@kavach:args@"],"env":["@kavach:env@"]},"root":{"path":"@kavach:rootfs@"},
"mounts":[{"source":"@kavach:bundle@/kavach"},"@kavach:mounts@"]})";
const char kBare[] = R"({"process":{"args":["@kavach:args@"],"env":["@kavach:env@"]},
"root":{"path":"@kavach:rootfs@"}})";

Policy withBackends() {
  Policy p = samplePolicy();
  p.backends.present = true;
  p.backends.scores = {{"process", 52}, {"oci", 52}, {"gvisor", 62}, {"noop", 0}};
  p.backends.requirements = {{"process", 50}};
  p.backends.ociInner = kInner;
  p.backends.ociBare = kBare;
  return p;
}

TEST(BackendsSection, RoundTrips) {
  Policy in = withBackends();
  std::vector<uint8_t> bytes = writePolicy(in);
  Policy out;
  std::string detail;
  ASSERT_EQ(readBytes(bytes, &detail, &out), ReadError::None) << detail;
  EXPECT_EQ(out, in);
  EXPECT_EQ(writePolicy(out), bytes); // canonical
  // The last section of the table is the Backends one.
  uint32_t count = get32(bytes, kHdrSectionCount);
  EXPECT_EQ(get32(bytes, entryType(count - 1)), uint32_t(SectionType::Backends));
}

TEST(BackendsSection, EmptyButPresentRoundTrips) {
  Policy in = samplePolicy();
  in.backends.present = true;
  Policy out;
  std::string detail;
  ASSERT_EQ(readBytes(writePolicy(in), &detail, &out), ReadError::None) << detail;
  EXPECT_EQ(out, in);
}

// Every truncation and every single-bit flip of the section payload is
// refused or (if it happens to give another valid encoding) reads back to
// something that writes the same bytes: never a silent partial read.
TEST(BackendsSection, EveryBitFlipIsRefusedOrCanonical) {
  std::vector<uint8_t> sec = encodeBackends(withBackends().backends);
  for (size_t i = 0; i < sec.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> f = sec;
      f[i] ^= uint8_t(1u << bit);
      BackendsPolicy b;
      std::string why;
      if (decodeBackends(f.data(), f.size(), b, why)) {
        EXPECT_EQ(encodeBackends(b), f) << "byte " << i << " bit " << bit;
      }
    }
  for (size_t n = 0; n < sec.size(); ++n) {
    BackendsPolicy b;
    std::string why;
    EXPECT_FALSE(decodeBackends(sec.data(), n, b, why)) << "truncated to " << n;
  }
}

struct Tamper {
  const char *name;
  void (*apply)(BackendsPolicy &);
  const char *why;
};

TEST(BackendsSection, RejectsMalformedContent) {
  const Tamper kTampers[] = {
      {"no args marker",
       [](BackendsPolicy &b) { b.ociBare = R"({"env":["@kavach:env@"],"r":"@kavach:rootfs@"})"; },
       "placeholders"},
      {"args twice",
       [](BackendsPolicy &b) { b.ociBare += std::string(kOciArgsMarker); },
       "placeholders"},
      {"bundle in the bare template",
       [](BackendsPolicy &b) { b.ociBare += std::string(kOciBundleMarker); },
       "placeholders"},
      {"no bundle in the inner template",
       [](BackendsPolicy &b) { b.ociInner = b.ociBare; },
       "placeholders"},
      {"mounts placeholder twice",
       [](BackendsPolicy &b) {
         b.ociBare += std::string(kOciMountsMarker) + std::string(kOciMountsMarker);
       },
       "mounts placeholder 2 times"},
      {"NUL in a template",
       [](BackendsPolicy &b) { b.ociBare += std::string(1, '\0'); },
       "NUL"},
      {"bad backend name", [](BackendsPolicy &b) { b.scores[0].backend = "Process"; },
       "not a backend name"},
      {"empty backend name", [](BackendsPolicy &b) { b.scores[0].backend = ""; },
       "string length"},
      {"duplicate score", [](BackendsPolicy &b) { b.scores[1].backend = "process"; },
       "appears twice"},
      {"score above 100", [](BackendsPolicy &b) { b.scores[0].value = 101; }, "above 100"},
      {"requirement above 100", [](BackendsPolicy &b) { b.requirements[0].value = 1000; },
       "above 100"},
  };
  for (const Tamper &t : kTampers) {
    Policy p = withBackends();
    t.apply(p.backends);
    std::string detail;
    EXPECT_EQ(readBytes(writePolicy(p), &detail), ReadError::BadBackends) << t.name;
    EXPECT_THAT(detail, HasSubstr(t.why)) << t.name;
  }
}

TEST(BackendsSection, RejectsMalformedRecords) {
  std::vector<uint8_t> good = encodeBackends(withBackends().backends);
  auto refused = [](std::vector<uint8_t> f, const char *why) {
    BackendsPolicy b;
    std::string got;
    EXPECT_FALSE(decodeBackends(f.data(), f.size(), b, got)) << why;
    EXPECT_THAT(got, HasSubstr(why));
  };
  std::vector<uint8_t> f = good;
  f[0] = 1; // header flags
  refused(f, "flags");
  f = good;
  f[8 + 2] = 1; // first record's sub
  refused(f, "sub");
  f = good;
  f[8] = 9; // first record's kind
  refused(f, "unknown kind");
  f = good;
  f[8] = 2; // a Require before the Scores that follow it
  refused(f, "out of order");
  f = good;
  f.push_back(0); // trailing bytes
  refused(f, "follow the last");
  // Two OciBare records (the count and a copy of the last record).
  BackendsPolicy one;
  one.present = true;
  one.ociBare = kBare;
  f = encodeBackends(one);
  std::vector<uint8_t> rec(f.begin() + 8, f.end());
  f.insert(f.end(), rec.begin(), rec.end());
  f[4] = 2;
  refused(f, "repeated");
}

TEST(BackendsSection, UnknownSectionTypeAfterBackendsIsRefused) {
  std::vector<uint8_t> f = writePolicy(withBackends());
  uint32_t count = get32(f, kHdrSectionCount);
  set32(f, entryType(count - 1), uint32_t(SectionType::Backends) + 1);
  fixDigest(f);
  EXPECT_EQ(readBytes(f), ReadError::UnknownSection);
}

} // namespace
} // namespace kavach::runtime::test

// The reader against damaged and hostile files: every truncation, every
// single-bit flip, targeted structural tampering with the digest recomputed
// (so each case reaches the check it aims at), and random mutations.
#include "PolicyTestUtil.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include <functional>
#include <random>

namespace kavach::runtime::test {
namespace {

using ::testing::HasSubstr;

// Section indices in the sample file.
constexpr size_t kMeta = 0, kSeccompI386 = 1, kSeccompX86 = 2, kSeccompArm = 3, kLandlock = 4,
                 kProcess = 5;

const std::vector<uint8_t> &sample() {
  static const std::vector<uint8_t> bytes = writePolicy(samplePolicy());
  return bytes;
}

TEST(PolicyCorruption, SampleLayout) {
  const std::vector<uint8_t> &f = sample();
  ASSERT_EQ(get32(f, kHdrSectionCount), 6u);
  EXPECT_EQ(get32(f, entryType(kMeta)), uint32_t(SectionType::Meta));
  EXPECT_EQ(get32(f, entryType(kSeccompI386)), uint32_t(SectionType::Seccomp));
  EXPECT_EQ(get32(f, payloadAt(f, kSeccompI386)), kArchI386);
  EXPECT_EQ(get32(f, payloadAt(f, kSeccompArm)), kArchAarch64);
  EXPECT_EQ(get32(f, entryType(kLandlock)), uint32_t(SectionType::Landlock));
  EXPECT_EQ(get32(f, entryType(kProcess)), uint32_t(SectionType::Process));
  EXPECT_EQ(get64(f, entrySize(kMeta)), 39u); // one padding byte follows
}

TEST(PolicyCorruption, EveryTruncationIsRejected) {
  const std::vector<uint8_t> &f = sample();
  for (size_t len = 0; len < f.size(); ++len) {
    std::vector<uint8_t> cut(f.begin(), f.begin() + len);
    ReadError e = readBytes(cut);
    EXPECT_NE(e, ReadError::None) << "length " << len;
    ReadError want =
        len < sizeof(FileHeader) + kDigestSize ? ReadError::TooSmall : ReadError::SizeMismatch;
    EXPECT_EQ(e, want) << "length " << len;
  }
}

// The header fields checked before the digest report themselves; any other
// flipped bit, digest included, is a digest mismatch.
TEST(PolicyCorruption, EverySingleBitFlipIsRejected) {
  std::vector<uint8_t> f = sample();
  for (size_t byte = 0; byte < f.size(); ++byte)
    for (int bit = 0; bit < 8; ++bit) {
      f[byte] ^= uint8_t(1 << bit);
      ReadError want = byte < 8                    ? ReadError::BadMagic
                       : byte < kHdrHeaderSize     ? ReadError::UnsupportedVersion
                       : byte < kHdrSectionCount   ? ReadError::BadHeader
                       : byte < kHdrFlags          ? ReadError::BadDigest
                       : byte < kHdrFileSize       ? ReadError::BadHeader
                       : byte < sizeof(FileHeader) ? ReadError::SizeMismatch
                                                   : ReadError::BadDigest;
      EXPECT_EQ(readBytes(f), want) << "byte " << byte << " bit " << bit;
      f[byte] ^= uint8_t(1 << bit);
    }
  EXPECT_EQ(readBytes(f), ReadError::None);
}

TEST(PolicyCorruption, HeaderMessages) {
  std::vector<uint8_t> f = sample();
  std::string detail;
  set32(f, kHdrVersion, 2);
  EXPECT_EQ(readBytes(f, &detail), ReadError::UnsupportedVersion);
  EXPECT_EQ(detail, "policy.bin format version 2 is newer than this kavach-launch supports (1); "
                    "rebuild it with a matching kavachc");
  set32(f, kHdrVersion, 0);
  EXPECT_EQ(readBytes(f, &detail), ReadError::UnsupportedVersion);
  EXPECT_THAT(detail, HasSubstr("version 0 is not valid"));

  EXPECT_EQ(readBytes(std::vector<uint8_t>{'E', 'L', 'F'}, &detail), ReadError::TooSmall);
  std::vector<uint8_t> notPolicy(100, 'x');
  EXPECT_EQ(readBytes(notPolicy, &detail), ReadError::BadMagic);
  std::vector<uint8_t> huge(kMaxFileSize + 1);
  EXPECT_EQ(readBytes(huge, &detail), ReadError::TooLarge);

  f = sample();
  f.push_back(0);
  EXPECT_EQ(readBytes(f, &detail), ReadError::SizeMismatch);
  EXPECT_THAT(detail, HasSubstr("trailing data"));
}

struct Tamper {
  const char *name;
  std::function<void(std::vector<uint8_t> &)> mutate;
  ReadError want;
  const char *detail;
};

class PolicyTamper : public ::testing::TestWithParam<Tamper> {};

TEST_P(PolicyTamper, IsRejectedSpecifically) {
  std::vector<uint8_t> f = sample();
  GetParam().mutate(f);
  fixDigest(f);
  std::string detail;
  EXPECT_EQ(readBytes(f, &detail), GetParam().want) << detail;
  EXPECT_THAT(detail, HasSubstr(GetParam().detail));
}

using F = std::vector<uint8_t>;
const uint64_t kMax64 = ~uint64_t(0);

// Shorthands for the payload fields of the sample's sections.
size_t ll(const F &f, size_t field) { return payloadAt(f, kLandlock) + field; }
size_t firstPathRule(const F &f) { return ll(f, sizeof(LandlockHeader)); }
size_t pr(const F &f, size_t field) { return payloadAt(f, kProcess) + field; }
// The sample's process records: hostname (24 bytes), 2 groups, 5 limits, ...
size_t prRecord(const F &f, size_t n) {
  size_t at = pr(f, sizeof(ProcessHeader));
  for (size_t i = 0; i < n; ++i)
    at += sizeof(ProcessRecordHeader) + alignToSection(get32(f, at + 4));
  return at;
}
// The sample's k-th process record of `kind`.
size_t prKind(const F &f, ProcessRecordKind kind, size_t k = 0) {
  uint32_t count = get32(f, pr(f, 12));
  for (size_t n = 0; n < count; ++n) {
    size_t at = prRecord(f, n);
    if (uint16_t(f[at] | f[at + 1] << 8) == uint16_t(kind) && k-- == 0)
      return at;
  }
  ADD_FAILURE() << "the sample has no such record";
  return 0;
}
size_t prBind(const F &f, size_t k = 0) { return prKind(f, ProcessRecordKind::Bind, k); }
size_t firstNetRule(const F &f) {
  return ll(f, get64(f, entrySize(kLandlock)) - 3 * sizeof(LandlockNetRuleEntry));
}

const Tamper kTampers[] = {
    // Header (checked before the digest, recomputed or not).
    {"version2", [](F &f) { set32(f, kHdrVersion, 2); }, ReadError::UnsupportedVersion, "newer"},
    {"headerSize", [](F &f) { set32(f, kHdrHeaderSize, 40); }, ReadError::BadHeader,
     "header size is 40"},
    {"headerFlags", [](F &f) { set32(f, kHdrFlags, 1); }, ReadError::BadHeader, "header flags"},
    {"fileSize", [](F &f) { set64(f, kHdrFileSize, f.size() + 8); }, ReadError::SizeMismatch,
     "truncated"},
    // Section table.
    {"tooManySections", [](F &f) { set32(f, kHdrSectionCount, kMaxSections + 1); },
     ReadError::BadSectionTable, "section count 65"},
    {"hugeSectionCount", [](F &f) { set32(f, kHdrSectionCount, 0xffffffff); },
     ReadError::BadSectionTable, "exceeds the limit"},
    {"noSections", [](F &f) { set32(f, kHdrSectionCount, 0); }, ReadError::BadMeta,
     "no meta section"},
    {"unknownType", [](F &f) { set32(f, entryType(kSeccompX86), 9); }, ReadError::UnknownSection,
     "section 2 has unknown type 9"},
    {"typeZero", [](F &f) { set32(f, entryType(kMeta), 0); }, ReadError::UnknownSection,
     "unknown type 0"},
    {"entryFlags", [](F &f) { set32(f, entryFlags(kLandlock), 4); }, ReadError::BadSectionTable,
     "flags 0x4"},
    {"offsetInsideTable", [](F &f) { set64(f, entryOffset(kSeccompX86), 8); },
     ReadError::SectionOutOfBounds, "inside the header or section table"},
    {"offsetPastEnd", [](F &f) { set64(f, entryOffset(kSeccompX86), f.size()); },
     ReadError::SectionOutOfBounds, "extends past end of file"},
    {"offsetWraps", [](F &f) { set64(f, entryOffset(kSeccompX86), kMax64 - 7); },
     ReadError::SectionOutOfBounds, "extends past end of file"},
    {"sizeWraps", [](F &f) { set64(f, entrySize(kSeccompX86), kMax64); },
     ReadError::SectionOutOfBounds, "extends past end of file"},
    {"sizeIntoDigest",
     [](F &f) { set64(f, entrySize(kProcess), get64(f, entrySize(kProcess)) + 8); },
     ReadError::SectionOutOfBounds, "extends past end of file"},
    {"misaligned",
     [](F &f) {
       set64(f, entryOffset(kLandlock), get64(f, entryOffset(kLandlock)) + 4);
       set64(f, entrySize(kLandlock), get64(f, entrySize(kLandlock)) - 4);
     },
     ReadError::BadSectionTable, "not a multiple of 8"},
    {"sectionSmallerThanHeader", [](F &f) { set64(f, entrySize(kSeccompX86), 8); },
     ReadError::BadSeccomp, "smaller than its 16-byte header"},
    {"sameRange",
     [](F &f) {
       set64(f, entryOffset(kSeccompX86), get64(f, entryOffset(kSeccompI386)));
       set64(f, entrySize(kSeccompX86), get64(f, entrySize(kSeccompI386)));
     },
     ReadError::SectionsOverlap, "section 1 (seccomp"},
    {"partialOverlap", [](F &f) { set64(f, entrySize(kMeta), get64(f, entrySize(kMeta)) + 16); },
     ReadError::SectionsOverlap, "overlaps section 1"},
    {"twoMeta", [](F &f) { set32(f, entryType(kLandlock), uint32_t(SectionType::Meta)); },
     ReadError::DuplicateSection, "both meta sections"},
    {"twoLandlock", [](F &f) { set32(f, entryType(kSeccompArm), uint32_t(SectionType::Landlock)); },
     ReadError::DuplicateSection, "both landlock sections"},
    {"sameArch", [](F &f) { set32(f, payloadAt(f, kSeccompArm), kArchX86_64); },
     ReadError::DuplicateSection,
     "sections 2 and 3 are both seccomp programs for audit arch 0xc000003e"},
    {"noMeta", [](F &f) { set32(f, entryType(kMeta), uint32_t(SectionType::Seccomp)); },
     ReadError::BadMeta, "no meta section"},
    {"archOutOfOrder", [](F &f) { set32(f, payloadAt(f, kSeccompI386), kArchAarch64 + 1); },
     ReadError::BadSectionTable, "out of order"},
    {"entriesSwapped",
     [](F &f) {
       std::swap_ranges(f.begin() + entryAt(1), f.begin() + entryAt(2), f.begin() + entryAt(2));
     },
     ReadError::BadSectionTable, "out of order"},
    {"gapBetweenSections", [](F &f) { insertBytes(f, payloadAt(f, kSeccompX86), 8, 0); },
     ReadError::BadSectionTable, "canonical layout puts it at"},
    {"trailingZeros", [](F &f) { insertBytes(f, f.size() - kDigestSize, 8, 0); },
     ReadError::BadSectionTable, "8 bytes of trailing data"},
    {"trailingGarbage", [](F &f) { insertBytes(f, f.size() - kDigestSize, 64, 0xa5); },
     ReadError::BadSectionTable, "64 bytes of trailing data"},
    {"nonzeroPadding", [](F &f) { f[payloadAt(f, kMeta) + 39] = 1; }, ReadError::BadSectionTable,
     "nonzero padding after section 0"},
    // Meta payload.
    {"metaFlags", [](F &f) { set32(f, payloadAt(f, kMeta), 3); }, ReadError::BadMeta,
     "unknown bits"},
    {"metaReserved", [](F &f) { set32(f, payloadAt(f, kMeta) + 12, 1); }, ReadError::BadMeta,
     "reserved"},
    {"metaHugeName", [](F &f) { set32(f, payloadAt(f, kMeta) + 4, 0xffffffff); },
     ReadError::BadMeta, "exceed the limit"},
    {"metaLengthsDisagree", [](F &f) { set32(f, payloadAt(f, kMeta) + 4, 11); }, ReadError::BadMeta,
     "need 40"},
    {"metaNul", [](F &f) { f[payloadAt(f, kMeta) + 16 + 3] = 0; }, ReadError::BadMeta,
     "name contains a NUL"},
    // Seccomp payload.
    {"seccompHugeCount", [](F &f) { set32(f, payloadAt(f, kSeccompX86) + 8, 0xffffffff); },
     ReadError::BadSeccomp, "4294967295 instructions"},
    {"seccompZeroCount", [](F &f) { set32(f, payloadAt(f, kSeccompX86) + 8, 0); },
     ReadError::BadSeccomp, "0 instructions"},
    {"seccompCountMismatch", [](F &f) { set32(f, payloadAt(f, kSeccompX86) + 8, 6); },
     ReadError::BadSeccomp, "6 instructions need 64"},
    {"seccompFlags", [](F &f) { set32(f, payloadAt(f, kSeccompX86) + 4, 1); },
     ReadError::BadSeccomp, "nonzero flags"},
    {"seccompReserved", [](F &f) { set32(f, payloadAt(f, kSeccompX86) + 12, 1); },
     ReadError::BadSeccomp, "nonzero reserved"},
    {"seccompBadJump", [](F &f) { f[payloadAt(f, kSeccompX86) + 16 + 8 + 2] = 200; },
     ReadError::BadSeccomp, "BPF checker"},
    // Landlock payload.
    {"landlockFlags", [](F &f) { set32(f, ll(f, 0), 2); }, ReadError::BadLandlock, "unknown bits"},
    {"landlockReserved", [](F &f) { set32(f, ll(f, 12), 1); }, ReadError::BadLandlock, "reserved"},
    {"landlockHugePathCount", [](F &f) { set32(f, ll(f, 4), 0xffffffff); }, ReadError::BadLandlock,
     "exceed the limit"},
    {"landlockHugeNetCount", [](F &f) { set32(f, ll(f, 8), kMaxRules + 1); },
     ReadError::BadLandlock, "exceed the limit"},
    {"landlockPathCountTooBig", [](F &f) { set32(f, ll(f, 4), 1000); }, ReadError::BadLandlock, ""},
    {"landlockPathCountTooSmall", [](F &f) { set32(f, ll(f, 4), 4); }, ReadError::BadLandlock,
     "after its path rules"},
    {"landlockNetCountTooBig", [](F &f) { set32(f, ll(f, 8), 4); }, ReadError::BadLandlock,
     "4 net rules need 64"},
    {"landlockUnknownRight", [](F &f) { set64(f, ll(f, 16), get64(f, ll(f, 16)) | 1ull << 20); },
     ReadError::BadLandlock, "does not know (0x100000)"},
    {"pathLenHuge", [](F &f) { set32(f, firstPathRule(f) + 8, 0xffffffff); },
     ReadError::BadLandlock, "path length 4294967295"},
    {"pathLenPastSection", [](F &f) { set32(f, firstPathRule(f) + 8, kMaxPathLen); },
     ReadError::BadLandlock, "extends past the end of the section"},
    {"pathLenZero", [](F &f) { set32(f, firstPathRule(f) + 8, 0); }, ReadError::BadLandlock,
     "path length 0"},
    {"pathReserved", [](F &f) { set32(f, firstPathRule(f) + 12, 1); }, ReadError::BadLandlock,
     "reserved"},
    {"pathPadding", [](F &f) { f[firstPathRule(f) + 16 + 4] = '/'; }, ReadError::BadLandlock,
     "nonzero padding"},
    {"netPort", [](F &f) { set64(f, firstNetRule(f) + 8, kMax64); }, ReadError::BadLandlock,
     "port"},
    {"netAccessUnhandled", [](F &f) { set64(f, firstNetRule(f), 4); }, ReadError::BadLandlock,
     "not a subset"},
    // Process payload.
    {"twoProcess", [](F &f) { set32(f, entryType(kLandlock), uint32_t(SectionType::Process)); },
     ReadError::DuplicateSection, "both process sections"},
    {"processFlags", [](F &f) { set32(f, pr(f, 0), 1u << 9 | 1); }, ReadError::BadProcess,
     "unknown bits"},
    {"processBestEffort", [](F &f) { set32(f, pr(f, 4), 1u << 5); }, ReadError::BadProcess,
     "best-effort bits"},
    {"processNamespaces", [](F &f) { set32(f, pr(f, 8), 1u << 7); }, ReadError::BadProcess,
     "namespaces 0x80"},
    {"processHugeCount", [](F &f) { set32(f, pr(f, 12), 0xffffffff); }, ReadError::BadProcess,
     "exceeds the limit"},
    {"processCountTooBig", [](F &f) { set32(f, pr(f, 12), get32(f, pr(f, 12)) + 1); },
     ReadError::BadProcess, "extends past the end"},
    {"processCountTooSmall", [](F &f) { set32(f, pr(f, 12), get32(f, pr(f, 12)) - 1); },
     ReadError::BadProcess, "follow the last process record"},
    {"processCapAboveLast", [](F &f) { set64(f, pr(f, 16), 1ull << 41); }, ReadError::BadProcess,
     "CAP_LAST_CAP"},
    {"processCapsWithoutFlag", [](F &f) { set32(f, pr(f, 0), get32(f, pr(f, 0)) & ~2u); },
     ReadError::BadProcess, "capability mask is set"},
    {"processUidWithoutFlag", [](F &f) { set32(f, pr(f, 0), get32(f, pr(f, 0)) & ~4u); },
     ReadError::BadProcess, "uid is set"},
    {"processRootfsWithoutMountNs", [](F &f) { set32(f, pr(f, 8), kNsAll & ~kNsMount); },
     ReadError::BadProcess, "without a mount namespace"},
    {"processHostDevWithoutMountNs",
     [](F &f) {
       set32(f, pr(f, 0), (get32(f, pr(f, 0)) & ~kProcRootfsReadOnly) | kProcHostDev);
       set32(f, pr(f, 8), kNsAll & ~kNsMount);
     },
     ReadError::BadProcess, "host /dev or /tmp flag without a mount namespace"},
    {"processHostTmpWithoutMountNs",
     [](F &f) {
       set32(f, pr(f, 0), (get32(f, pr(f, 0)) & ~kProcRootfsReadOnly) | kProcHostTmp);
       set32(f, pr(f, 8), kNsAll & ~kNsMount);
     },
     ReadError::BadProcess, "host /dev or /tmp flag without a mount namespace"},
    {"processBindSplitPastEnd",
     [](F &f) { set64(f, prBind(f) + 8, get32(f, prBind(f) + 4)); }, ReadError::BadProcess,
     "does not allow"},
    {"processBindRelative", [](F &f) { f[prBind(f) + 16] = 'x'; }, ReadError::BadProcess,
     "path is not absolute"},
    {"processBindSub", [](F &f) { f[prBind(f) + 2] = 2; }, ReadError::BadProcess, "sub-kind"},
    {"processBindTwice",
     [](F &f) {
       // The second bind's target ("/work", 5 bytes) becomes "/data".
       size_t r = prBind(f, 1);
       uint64_t split = get64(f, r + 8);
       std::memcpy(&f[r + 16 + split], "/data", 5);
     },
     ReadError::BadProcess, "bound twice"},
    {"processTmpfsRelative", [](F &f) { f[prKind(f, ProcessRecordKind::Tmpfs) + 16] = 'h'; },
     ReadError::BadProcess, "the path is not absolute"},
    {"processTmpfsTwice",
     [](F &f) {
       // The second tmpfs ("${HOME}/.cache") becomes "/home" plus padding-length text.
       size_t r = prKind(f, ProcessRecordKind::Tmpfs, 1);
       set32(f, r + 4, 5);
       std::memcpy(&f[r + 16], "/home\0\0\0\0\0\0\0\0\0\0\0", 16);
     },
     ReadError::BadProcess, "appears twice"},
    {"processGroupsWithoutFlag", [](F &f) { set32(f, pr(f, 0), get32(f, pr(f, 0)) & ~16u); },
     ReadError::BadProcess, "group record"},
    {"processHostnameWithoutUts", [](F &f) { set32(f, pr(f, 8), kNsAll & ~kNsUts); },
     ReadError::BadProcess, "uts namespace"},
    {"processRecordKind", [](F &f) { f[prRecord(f, 0)] = 16; }, ReadError::BadProcess,
     "unknown kind 16"},
    // user { host_ids BASE count N; }: value = BASE | N << 32.
    {"processHostIdsZeroBase",
     [](F &f) { set64(f, prKind(f, ProcessRecordKind::HostIds) + 8, 65536ull << 32); },
     ReadError::BadProcess, "host ids record"},
    {"processHostIdsZeroCount",
     [](F &f) { set64(f, prKind(f, ProcessRecordKind::HostIds) + 8, 100000); },
     ReadError::BadProcess, "host ids record"},
    {"processHostIdsPastLastId",
     [](F &f) {
       set64(f, prKind(f, ProcessRecordKind::HostIds) + 8, 0xffff0000ull | 65536ull << 32);
     },
     ReadError::BadProcess, "host ids record"},
    {"processHostIdsUidUnmapped",
     [](F &f) { set64(f, prKind(f, ProcessRecordKind::HostIds) + 8, 100000 | 1000ull << 32); },
     ReadError::BadProcess, "below the count"},
    {"processHostIdsWithoutUserNs", [](F &f) { set32(f, pr(f, 8), kNsAll & ~kNsUser); },
     ReadError::BadProcess, "needs a user namespace"},
    {"processRecordOrder", [](F &f) { f[prRecord(f, 4)] = 2; }, ReadError::BadProcess,
     "out of order"},
    {"processRecordSub", [](F &f) { f[prRecord(f, 1) + 2] = 1; }, ReadError::BadProcess,
     "sub-kind"},
    {"processGroupWithText", [](F &f) { set32(f, prRecord(f, 1) + 4, 1); },
     ReadError::BadProcess, "does not allow"},
    {"processStringWithValue", [](F &f) { f[prRecord(f, 0) + 8] = 1; }, ReadError::BadProcess,
     "does not allow"},
    {"processLimitsDescending", [](F &f) { f[prRecord(f, 4) + 2] = 1; }, ReadError::BadProcess,
     "strictly ascending"},
    {"processLimitKindUnknown", [](F &f) { f[prRecord(f, 8) + 2] = 12; }, ReadError::BadProcess,
     "strictly ascending"},
    {"processNul", [](F &f) { f[prRecord(f, 0) + 16 + 2] = 0; }, ReadError::BadProcess, "NUL"},
    {"processPadding", [](F &f) { f[prRecord(f, 0) + 16 + 7] = 'x'; }, ReadError::BadProcess,
     "nonzero padding"},
    {"processEnvSetWithoutEq", [](F &f) { f[prRecord(f, 11) + 16 + 4] = 'X'; },
     ReadError::BadProcess, "environment record"},
    {"processEnvPassWithEq", [](F &f) { f[prRecord(f, 9) + 16 + 1] = '='; }, ReadError::BadProcess,
     "environment record"},
    {"processRelativeCommand", [](F &f) { f[prRecord(f, 14) + 16] = 'x'; }, ReadError::BadProcess,
     "not absolute"},
    {"processTwoWorkdirs", [](F &f) { f[prRecord(f, 15)] = 7; }, ReadError::BadProcess,
     "only once"},
    // Records 17-18 guard block, 19 allow, 20-21 paths, 22 shell, 23-24 patterns.
    {"processGuardBlockWithSlash", [](F &f) { f[prRecord(f, 17) + 16 + 1] = '/'; },
     ReadError::BadProcess, "command name has a '/'"},
    {"processGuardShellWithSlash", [](F &f) { f[prRecord(f, 22) + 16] = '/'; },
     ReadError::BadProcess, "command name has a '/'"},
    {"processGuardPathRelative", [](F &f) { f[prRecord(f, 20) + 16] = 'e'; },
     ReadError::BadProcess, "neither absolute nor"},
    {"processGuardPathOtherVar", [](F &f) { f[prRecord(f, 21) + 16 + 2] = 'X'; },
     ReadError::BadProcess, "neither absolute nor"},
    {"processGuardKindsOutOfOrder", [](F &f) { f[prRecord(f, 23)] = 8; },
     ReadError::BadProcess, "out of order"},
};

INSTANTIATE_TEST_SUITE_P(All, PolicyTamper, ::testing::ValuesIn(kTampers),
                         [](const ::testing::TestParamInfo<Tamper> &i) {
                           return std::string(i.param.name);
                         });

// Random damage with a fixed digest: no crash or overread (run it under
// KAVACH_SANITIZE), and whatever is accepted is canonical, i.e. the writer
// gives back the same bytes.
TEST(PolicyCorruption, RandomMutationsAreRejectedOrCanonical) {
  std::mt19937_64 rng(0x6b617661636821);
  const std::vector<uint8_t> &base = sample();
  size_t accepted = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> f = base;
    int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      // Half the edits hit the header and table, where one byte matters most.
      size_t limit = rng() % 2 ? entryAt(5) : f.size() - kDigestSize;
      size_t at = rng() % limit;
      switch (rng() % 3) {
      case 0:
        f[at] ^= uint8_t(1u << (rng() % 8));
        break;
      case 1:
        f[at] = uint8_t(rng());
        break;
      default:
        f[at] = rng() % 2 ? 0 : 0xff;
        break;
      }
    }
    fixDigest(f);
    Policy out;
    if (readBytes(f, nullptr, &out) == ReadError::None) {
      ++accepted;
      EXPECT_EQ(writePolicy(out), f) << "iteration " << iter;
    }
  }
  RecordProperty("accepted", int(accepted));
}

} // namespace
} // namespace kavach::runtime::test

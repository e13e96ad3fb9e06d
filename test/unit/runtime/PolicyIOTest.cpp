// writePolicy/readPolicy on well-formed input, and the reader's verdict on
// files the writer produced from Policies that break a rule (the writer does
// not validate, so this is how kavachc finds out).
#include "PolicyTestUtil.h"

#include "runtime/Bpf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <set>

namespace kavach::runtime::test {
namespace {

using ::testing::HasSubstr;

std::string hex(const Sha256Digest &d) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

// Writes `p` and expects the reader to reject it with `want`.
void expectRejected(const Policy &p, ReadError want, const char *detailPart) {
  std::string detail;
  EXPECT_EQ(readBytes(writePolicy(p), &detail), want) << detail;
  EXPECT_THAT(detail, HasSubstr(detailPart));
}

TEST(Sha256, KnownAnswer) {
  const char *abc = "abc";
  EXPECT_EQ(hex(sha256(reinterpret_cast<const uint8_t *>(abc), 3)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256(nullptr, 0)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(PolicyIO, SampleProgramPassesTheBpfChecker) {
  std::string why;
  EXPECT_TRUE(checkSeccompProgram(validProgram(kArchX86_64), &why)) << why;
}

TEST(PolicyIO, RoundTripRichPolicy) {
  Policy in = samplePolicy();
  std::vector<uint8_t> bytes = writePolicy(in);
  Policy out;
  std::string detail;
  ASSERT_EQ(readBytes(bytes, &detail, &out), ReadError::None) << detail;
  EXPECT_EQ(out, in);
  EXPECT_EQ(bytes.size() % 8, 0u);
  EXPECT_EQ(get64(bytes, kHdrFileSize), bytes.size());
}

TEST(PolicyIO, RoundTripMinimalPolicies) {
  Policy empty;
  Policy out;
  out.name = "stale"; // must be overwritten
  ASSERT_EQ(readBytes(writePolicy(empty), nullptr, &out), ReadError::None);
  EXPECT_EQ(out, empty);

  Policy flagsOnly; // best effort must survive without any seccomp section
  flagsOnly.seccompBestEffort = true;
  flagsOnly.landlock.present = true;
  flagsOnly.landlock.handledFs = landlock::kFsReadFile;
  ASSERT_EQ(readBytes(writePolicy(flagsOnly), nullptr, &out), ReadError::None);
  EXPECT_EQ(out, flagsOnly);
}

TEST(PolicyIO, RoundTripLimits) {
  Policy p;
  p.name = std::string(kMaxMetaStringLen, 'n');
  p.compilerVersion = std::string(kMaxMetaStringLen, 'v');
  SeccompProgram big{kArchX86_64, std::vector<BpfInsn>(kMaxBpfInsns - 1, BpfInsn{0x20, 0, 0, 0})};
  big.insns.push_back({0x06, 0, 0, 0x7fff0000});
  p.seccomp.push_back(big);
  p.landlock.present = true;
  p.landlock.handledFs = landlock::kFsReadFile;
  p.landlock.handledNet = landlock::kNetBindTcp;
  p.landlock.pathRules.push_back({landlock::kFsReadFile, "/" + std::string(kMaxPathLen - 1, 'p')});
  p.landlock.netRules.assign(kMaxRules, {landlock::kNetBindTcp, 0});
  Policy out;
  std::string detail;
  ASSERT_EQ(readBytes(writePolicy(p), &detail, &out), ReadError::None) << detail;
  EXPECT_EQ(out, p);
}

TEST(PolicyIO, WritingIsDeterministic) {
  EXPECT_EQ(writePolicy(samplePolicy()), writePolicy(samplePolicy()));
}

TEST(PolicyIO, SeccompSectionsAreSortedByArch) {
  Policy shuffled = samplePolicy();
  std::reverse(shuffled.seccomp.begin(), shuffled.seccomp.end());
  EXPECT_EQ(writePolicy(shuffled), writePolicy(samplePolicy()));
  Policy out;
  ASSERT_EQ(readBytes(writePolicy(shuffled), nullptr, &out), ReadError::None);
  EXPECT_EQ(out, samplePolicy());
}

TEST(PolicyIO, AbsentLandlockIsNotWritten) {
  Policy p = samplePolicy();
  p.landlock = LandlockPolicy();
  std::vector<uint8_t> bytes = writePolicy(p);
  EXPECT_EQ(get32(bytes, kHdrSectionCount), 5u); // meta + 3 seccomp + process
  Policy out;
  ASSERT_EQ(readBytes(bytes, nullptr, &out), ReadError::None);
  EXPECT_EQ(out, p);
}

// Pins the v1 layout byte for byte, so a format change cannot go unnoticed.
TEST(PolicyIO, GoldenBytes) {
  Policy p;
  p.name = "a";
  p.compilerVersion = "b";
  p.seccompBestEffort = true;
  const uint8_t want[] = {
      'K', 'A', 'V', 'A', 'C', 'H', 'P', 'B',             // magic
      1,   0,   0,   0,                                   // version
      32,  0,   0,   0,                                   // headerSize
      1,   0,   0,   0,                                   // sectionCount
      0,   0,   0,   0,                                   // flags
      112, 0,   0,   0,   0,   0,   0,   0,               // fileSize
      1,   0,   0,   0,   0,   0,   0,   0,               // entry: Meta, flags
      56,  0,   0,   0,   0,   0,   0,   0,               // offset
      18,  0,   0,   0,   0,   0,   0,   0,               // size
      1,   0,   0,   0,                                   // meta flags: seccomp best effort
      1,   0,   0,   0,   1,   0,   0,   0,   0, 0, 0, 0, // nameLen, versionLen, reserved
      'a', 'b', 0,   0,   0,   0,   0,   0,               // strings + padding
  };
  std::vector<uint8_t> bytes = writePolicy(p);
  ASSERT_EQ(bytes.size(), sizeof want + kDigestSize);
  EXPECT_TRUE(std::equal(std::begin(want), std::end(want), bytes.begin()));
  Sha256Digest d = sha256(want, sizeof want);
  EXPECT_TRUE(std::equal(d.begin(), d.end(), bytes.end() - kDigestSize));
}

TEST(PolicyIO, DescribeIsStableAndDistinct) {
  EXPECT_STREQ(describe(ReadError::BadDigest), "digest mismatch: file is corrupted");
  std::set<std::string> seen;
  for (int e = int(ReadError::None); e <= int(ReadError::Io); ++e) {
    std::string s = describe(ReadError(e));
    EXPECT_FALSE(s.empty());
    EXPECT_TRUE(seen.insert(s).second) << s;
  }
}

TEST(PolicyIO, RejectsInvalidMeta) {
  Policy p = samplePolicy();
  p.name = std::string("we\0b", 4);
  expectRejected(p, ReadError::BadMeta, "NUL");
  p = samplePolicy();
  p.compilerVersion = std::string(kMaxMetaStringLen + 1, 'v');
  expectRejected(p, ReadError::BadMeta, "exceed the limit");
}

TEST(PolicyIO, RejectsInvalidSeccomp) {
  Policy p = samplePolicy();
  p.seccomp[1].insns.clear();
  expectRejected(p, ReadError::BadSeccomp, "has 0 instructions");
  p = samplePolicy();
  p.seccomp[1].insns.assign(kMaxBpfInsns + 1, {0x06, 0, 0, 0});
  expectRejected(p, ReadError::BadSeccomp, "has 4097 instructions");
  p = samplePolicy();
  p.seccomp[0].auditArch = 0;
  expectRejected(p, ReadError::BadSeccomp, "audit arch 0");
  p = samplePolicy();
  p.seccomp[2].auditArch = kArchI386;
  expectRejected(p, ReadError::DuplicateSection, "audit arch 0x40000003");
  // Ends in a load, not a RET: the kernel would refuse it.
  p = samplePolicy();
  p.seccomp[1].insns.push_back({0x20, 0, 0, 0});
  expectRejected(p, ReadError::BadSeccomp, "BPF checker");
}

TEST(PolicyIO, RejectsInvalidLandlock) {
  using namespace landlock;
  struct Case {
    const char *name;
    void (*mutate)(LandlockPolicy &);
    const char *detail;
  } cases[] = {
      {"empty path", [](LandlockPolicy &l) { l.pathRules[1].path.clear(); }, "path length 0"},
      {"NUL in path", [](LandlockPolicy &l) { l.pathRules[1].path[3] = '\0'; }, "NUL byte"},
      {"path too long", [](LandlockPolicy &l) { l.pathRules[0].path.assign(kMaxPathLen + 1, 'x'); },
       "path length 4097"},
      {"empty path access", [](LandlockPolicy &l) { l.pathRules[2].access = 0; },
       "path rule 2 grants no rights"},
      {"path access not handled", [](LandlockPolicy &l) { l.handledFs &= ~kFsExecute; },
       "not a subset"},
      {"empty net access", [](LandlockPolicy &l) { l.netRules[0].access = 0; },
       "net rule 0 grants no rights"},
      {"net access not handled", [](LandlockPolicy &l) { l.handledNet = kNetConnectTcp; },
       "not a subset"},
      {"port too large", [](LandlockPolicy &l) { l.netRules[1].port = 65536; }, "port 65536"},
      {"unknown fs right", [](LandlockPolicy &l) { l.handledFs |= 1ull << 40; }, "does not know"},
      {"unknown net right", [](LandlockPolicy &l) { l.handledNet |= 1ull << 2; }, "does not know"},
      {"unknown scope", [](LandlockPolicy &l) { l.scoped |= 1ull << 63; }, "does not know"},
      {"too many rules",
       [](LandlockPolicy &l) {
         l.netRules.assign(kMaxRules + 1, {kNetBindTcp, 1});
       },
       "exceed the limit"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.name);
    Policy p = samplePolicy();
    c.mutate(p.landlock);
    expectRejected(p, ReadError::BadLandlock, c.detail);
  }
}

TEST(PolicyIO, SectionCountLimit) {
  Policy p;
  for (uint32_t arch = 1; arch < kMaxSections; ++arch) // 63 seccomp + meta = 64
    p.seccomp.push_back({arch, validProgram(arch)});
  Policy out;
  std::string detail;
  ASSERT_EQ(readBytes(writePolicy(p), &detail, &out), ReadError::None) << detail;
  EXPECT_EQ(out, p);
  p.seccomp.push_back({kMaxSections, validProgram(kMaxSections)});
  expectRejected(p, ReadError::BadSectionTable, "section count 65 exceeds");
}

} // namespace
} // namespace kavach::runtime::test

namespace kavach::runtime::test {
namespace {

// The process section on its own: an empty one (present, nothing set) and
// one with a record of each value kind, pinned byte for byte.
TEST(PolicyIO, ProcessGoldenBytes) {
  Policy p;
  p.process.present = true;
  p.process.namespaces = kNsUser | kNsPid;
  p.process.limits = {{LimitKind::Pids, 64}};
  p.process.commands = {"/bin/sh"};
  std::vector<uint8_t> bytes = writePolicy(p);
  ASSERT_EQ(get32(bytes, kHdrSectionCount), 2u);
  size_t at = payloadAt(bytes, 1);
  EXPECT_EQ(get32(bytes, entryType(1)), uint32_t(SectionType::Process));
  EXPECT_EQ(get64(bytes, entrySize(1)), 32u + 16 + 16 + 8);
  const uint8_t want[] = {
      0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, // flags, bestEffort, namespaces, count
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // capsKeep, uid, gid
      3, 0, 9, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, // Limit, Pids, len 0, 64
      6, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // Command, len 7
      '/', 'b', 'i', 'n', '/', 's', 'h', 0,
  };
  ASSERT_GE(bytes.size(), at + sizeof want);
  EXPECT_TRUE(std::equal(std::begin(want), std::end(want), bytes.begin() + at));
  Policy out;
  ASSERT_EQ(readBytes(bytes, nullptr, &out), ReadError::None);
  EXPECT_EQ(out, p);

  Policy empty;
  empty.process.present = true;
  ASSERT_EQ(readBytes(writePolicy(empty), nullptr, &out), ReadError::None);
  EXPECT_EQ(out, empty);
}

TEST(PolicyIO, ProcessRoundTripLongStrings) {
  Policy p;
  p.process = sampleProcess();
  p.process.commands.push_back("/" + std::string(kMaxPathLen - 1, 'c'));
  p.process.hostname = std::string(kMaxHostnameLen, 'h');
  Policy out;
  std::string detail;
  ASSERT_EQ(readBytes(writePolicy(p), &detail, &out), ReadError::None) << detail;
  EXPECT_EQ(out, p);
  p.process.hostname += "h";
  EXPECT_EQ(readBytes(writePolicy(p), &detail), ReadError::BadProcess);
  EXPECT_THAT(detail, ::testing::HasSubstr("hostname of 65 bytes"));
}

} // namespace
} // namespace kavach::runtime::test

// policy.bin reader (layout: runtime/PolicyFormat.h).
//
// It accepts exactly what writePolicy can produce and nothing else, in
// stages: header sanity first (so a foreign or newer file gets a message that
// says so), then the digest (so random corruption is reported as corruption,
// not as whatever structural error it happens to look like), then the section
// table (bounds, overlaps, duplicates, order, gaps, padding), then each
// payload. Every offset and length is untrusted: bounds are checked by
// comparing against a known-good limit minus the other operand, never by
// adding two untrusted numbers, and counts are capped before they size any
// allocation. Integers are decoded byte by byte, so neither host byte order
// nor alignment of the input buffer matters. Being this strict makes the
// encoding canonical: whatever the reader accepts, writePolicy reproduces
// byte for byte.
#include "runtime/PolicyIO.h"

#include "runtime/BackendsSection.h"
#include "runtime/Bpf.h"
#include "runtime/LandlockAbi.h"
#include "runtime/ByteCursor.h"
#include "runtime/PolicyFormat.h"
#include "runtime/ProcessSection.h"
#include "runtime/Sha256.h"
#include "runtime/Signature.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace kavach::runtime {

namespace {

using namespace bytes;

constexpr uint64_t kHeaderSize = sizeof(FileHeader);
constexpr uint64_t kEntrySize = sizeof(SectionEntry);


const char *sectionName(uint32_t type) {
  switch (SectionType(type)) {
  case SectionType::Meta:
    return "meta";
  case SectionType::Seccomp:
    return "seccomp";
  case SectionType::Landlock:
    return "landlock";
  case SectionType::Process:
    return "process";
  case SectionType::Backends:
    return "backends";
  }
  return "unknown";
}

struct Entry {
  uint32_t type;
  uint32_t flags;
  uint64_t offset;
  uint64_t size;
  uint32_t arch; // Seccomp only, read once the entry is known to be in bounds
};

class Reader {
public:
  Reader(const uint8_t *data, size_t size, std::string *detail, const PublicKey *requiredSigner)
      : data(data), size(size), detail(detail), requiredSigner(requiredSigner) {}
  ReadError run(Policy &out);

private:
  __attribute__((format(printf, 3, 4))) ReadError fail(ReadError e, const char *fmt, ...);
  ReadError checkHeader();
  ReadError checkDigest();
  ReadError checkSignature();
  ReadError readTable();
  ReadError checkTableSemantics();
  ReadError checkLayout();
  ReadError readMeta(size_t i, Policy &p);
  ReadError readSeccomp(size_t i, Policy &p);
  ReadError readLandlock(size_t i, Policy &p);
  ReadError readProcess(size_t i, Policy &p);
  ReadError readBackends(size_t i, Policy &p);
  Cursor payload(size_t i) const { return Cursor(data + entries[i].offset, entries[i].size); }

  const uint8_t *data;
  uint64_t size;
  std::string *detail;
  const PublicKey *requiredSigner;
  uint64_t imageSize = 0; // the unsigned part: size, or size minus the signature trailer
  uint32_t sectionCount = 0;
  uint64_t tableEnd = 0;  // first byte after the section table
  uint64_t digestOff = 0; // first byte of the digest = end of the payload area
  std::vector<Entry> entries;
};

ReadError Reader::fail(ReadError e, const char *fmt, ...) {
  if (detail) {
    va_list ap;
    va_start(ap, fmt);
    *detail = vformat(fmt, ap);
    va_end(ap);
  }
  return e;
}

ReadError Reader::checkHeader() {
  if (size > kMaxFileSize)
    return fail(ReadError::TooLarge, "file is %llu bytes; the limit is %llu", ULL(size),
                ULL(kMaxFileSize));
  if (size < sizeof kMagic)
    return fail(ReadError::TooSmall, "file is %llu bytes, too small to be a policy.bin", ULL(size));
  if (memcmp(data, kMagic, sizeof kMagic) != 0)
    return fail(ReadError::BadMagic, "not a policy.bin: the file does not start with \"KAVACHPB\"");
  if (size < kHeaderSize + kDigestSize)
    return fail(
        ReadError::TooSmall,
        "file is %llu bytes; a policy.bin has at least a %llu-byte header and a %u-byte digest",
        ULL(size), ULL(kHeaderSize), kDigestSize);
  uint32_t version = load32(data + 8);
  if (version > kFormatVersion)
    return fail(ReadError::UnsupportedVersion,
                "policy.bin format version %u is newer than this kavach-launch supports (%u); "
                "rebuild it with a matching kavachc",
                version, kFormatVersion);
  if (version != kFormatVersion)
    return fail(ReadError::UnsupportedVersion,
                "policy.bin format version %u is not valid (this kavach-launch supports %u)",
                version, kFormatVersion);
  if (uint32_t headerSize = load32(data + 12); headerSize != kHeaderSize)
    return fail(ReadError::BadHeader, "header size is %u; format version 1 requires %llu",
                headerSize, ULL(kHeaderSize));
  if (uint32_t flags = load32(data + 20); flags != 0)
    return fail(ReadError::BadHeader, "header flags are 0x%x; format version 1 defines none",
                flags);
  // A signed file is the unsigned one plus a signature trailer after the
  // digest; fileSize counts the unsigned part only (runtime/Signature.h).
  uint64_t fileSize = load64(data + 24);
  bool trailer = size > fileSize && size - fileSize == kSignatureTrailerSize &&
                 fileSize >= kHeaderSize + kDigestSize;
  if (fileSize != size && !trailer)
    return fail(ReadError::SizeMismatch, "file is %llu bytes but its header says %llu (%s)",
                ULL(size), ULL(fileSize), size < fileSize ? "truncated?" : "trailing data?");
  imageSize = fileSize;
  sectionCount = load32(data + 16);
  digestOff = imageSize - kDigestSize;
  return ReadError::None;
}

ReadError Reader::checkDigest() {
  Sha256Digest want = sha256(data, digestOff);
  // An integrity check, not authentication: a plain compare is fine.
  if (memcmp(want.data(), data + digestOff, kDigestSize) != 0)
    return fail(
        ReadError::BadDigest,
        "SHA-256 of the first %llu bytes does not match the stored digest: the file is corrupted",
        ULL(digestOff));
  return ReadError::None;
}

// After the digest, so that damage is reported as damage first.
ReadError Reader::checkSignature() {
  if (imageSize == size) {
    if (requiredSigner)
      return fail(ReadError::NotSigned, "the file is not signed, and a signature is required");
    return ReadError::None;
  }
  bool untrusted = false;
  std::string why;
  if (!checkSignatureTrailer(data, imageSize, data + imageSize, size - imageSize, requiredSigner,
                             untrusted, &why))
    return fail(untrusted ? ReadError::UntrustedSigner : ReadError::BadSignature, "%s",
                why.c_str());
  return ReadError::None;
}

ReadError Reader::readTable() {
  if (sectionCount > kMaxSections)
    return fail(ReadError::BadSectionTable, "section count %u exceeds the limit of %u",
                sectionCount, kMaxSections);
  tableEnd = kHeaderSize + kEntrySize * sectionCount; // cannot overflow: count <= 64
  if (tableEnd > digestOff)
    return fail(ReadError::BadSectionTable,
                "section table of %u entries ends at %llu, past the digest at %llu", sectionCount,
                ULL(tableEnd), ULL(digestOff));
  entries.reserve(sectionCount);
  for (uint32_t i = 0; i < sectionCount; ++i) {
    const uint8_t *e = data + kHeaderSize + kEntrySize * i;
    Entry en{load32(e), load32(e + 4), load64(e + 8), load64(e + 16), 0};
    const char *name = sectionName(en.type);
    if (en.type < uint32_t(SectionType::Meta) || en.type > uint32_t(SectionType::Backends))
      return fail(ReadError::UnknownSection, "section %u has unknown type %u", i, en.type);
    if (en.flags != 0)
      return fail(ReadError::BadSectionTable,
                  "section %u (%s) has flags 0x%x; format version 1 defines none", i, name,
                  en.flags);
    if (en.offset < tableEnd)
      return fail(ReadError::SectionOutOfBounds,
                  "section %u (%s) starts at offset %llu, inside the header or section table "
                  "(which ends at %llu)",
                  i, name, ULL(en.offset), ULL(tableEnd));
    if (en.offset > digestOff || en.size > digestOff - en.offset)
      return fail(ReadError::SectionOutOfBounds,
                  "section %u (%s) extends past end of file: offset %llu + size %llu > %llu (where "
                  "the digest starts)",
                  i, name, ULL(en.offset), ULL(en.size), ULL(digestOff));
    if (en.offset % kSectionAlign != 0)
      return fail(ReadError::BadSectionTable, "section %u (%s) offset %llu is not a multiple of %u",
                  i, name, ULL(en.offset), kSectionAlign);
    // Each type starts with a fixed header; knowing it is there lets the
    // duplicate and order checks read the Seccomp arch.
    uint64_t minSize = en.type == uint32_t(SectionType::Meta)       ? sizeof(MetaHeader)
                       : en.type == uint32_t(SectionType::Seccomp)  ? sizeof(SeccompHeader)
                       : en.type == uint32_t(SectionType::Landlock) ? sizeof(LandlockHeader)
                       : en.type == uint32_t(SectionType::Process)  ? sizeof(ProcessHeader)
                                                                    : sizeof(BackendsHeader);
    if (en.size < minSize) {
      ReadError kind = en.type == uint32_t(SectionType::Meta)       ? ReadError::BadMeta
                       : en.type == uint32_t(SectionType::Seccomp)  ? ReadError::BadSeccomp
                       : en.type == uint32_t(SectionType::Landlock) ? ReadError::BadLandlock
                       : en.type == uint32_t(SectionType::Process)  ? ReadError::BadProcess
                                                                    : ReadError::BadBackends;
      return fail(kind, "section %u (%s) is %llu bytes, smaller than its %llu-byte header", i, name,
                  ULL(en.size), ULL(minSize));
    }
    if (en.type == uint32_t(SectionType::Seccomp))
      en.arch = load32(data + en.offset);
    entries.push_back(en);
  }
  return ReadError::None;
}

// Overlaps, duplicates, the Meta requirement and the canonical order.
ReadError Reader::checkTableSemantics() {
  for (size_t i = 0; i < entries.size(); ++i)
    for (size_t j = i + 1; j < entries.size(); ++j) {
      const Entry &a = entries[i], &b = entries[j];
      // Both ranges lie inside the file, so these sums cannot overflow.
      if (a.offset < b.offset + b.size && b.offset < a.offset + a.size)
        return fail(
            ReadError::SectionsOverlap,
            "section %zu (%s, bytes %llu..%llu) overlaps section %zu (%s, bytes %llu..%llu)", i,
            sectionName(a.type), ULL(a.offset), ULL(a.offset + a.size), j, sectionName(b.type),
            ULL(b.offset), ULL(b.offset + b.size));
      bool dup = a.type == b.type && (a.type != uint32_t(SectionType::Seccomp) || a.arch == b.arch);
      if (dup && a.type == uint32_t(SectionType::Seccomp))
        return fail(ReadError::DuplicateSection,
                    "sections %zu and %zu are both seccomp programs for audit arch 0x%x", i, j,
                    a.arch);
      if (dup)
        return fail(ReadError::DuplicateSection,
                    "sections %zu and %zu are both %s sections; at most one is allowed", i, j,
                    sectionName(a.type));
    }
  if (std::none_of(entries.begin(), entries.end(),
                   [](const Entry &e) { return e.type == uint32_t(SectionType::Meta); }))
    return fail(ReadError::BadMeta, "the file has no meta section");
  for (size_t i = 1; i < entries.size(); ++i) {
    const Entry &a = entries[i - 1], &b = entries[i];
    bool ordered = a.type < b.type || (a.type == b.type && a.arch < b.arch);
    if (!ordered)
      return fail(ReadError::BadSectionTable,
                  "section %zu (%s) is out of order after section %zu (%s): the order is meta, "
                  "seccomp by ascending audit arch, landlock, process, backends",
                  i, sectionName(b.type), i - 1, sectionName(a.type));
  }
  return ReadError::None;
}

// Payloads follow the table back to back in table order, each on the next
// 8-byte boundary, with zero padding and nothing else up to the digest.
ReadError Reader::checkLayout() {
  uint64_t expected = tableEnd;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry &e = entries[i];
    if (e.offset != expected)
      return fail(ReadError::BadSectionTable,
                  "section %zu (%s) starts at offset %llu; the canonical layout puts it at %llu", i,
                  sectionName(e.type), ULL(e.offset), ULL(expected));
    uint64_t end = e.offset + e.size;
    expected = alignToSection(end);
    // The padding before the next boundary may run into the digest only if the
    // file is malformed; the gap check below reports that.
    uint64_t padEnd = std::min(expected, digestOff);
    if (!isAllZero(data + end, padEnd - end))
      return fail(ReadError::BadSectionTable,
                  "nonzero padding after section %zu (%s) at bytes %llu..%llu", i,
                  sectionName(e.type), ULL(end), ULL(padEnd));
  }
  if (expected < digestOff)
    return fail(ReadError::BadSectionTable,
                "%llu bytes of trailing data between the last section (padded end %llu) and the "
                "digest (%llu)",
                ULL(digestOff - expected), ULL(expected), ULL(digestOff));
  if (expected > digestOff)
    return fail(
        ReadError::BadSectionTable,
        "the digest at %llu does not start on the 8-byte boundary after the last section (%llu)",
        ULL(digestOff), ULL(expected));
  return ReadError::None;
}

ReadError Reader::readMeta(size_t i, Policy &p) {
  Cursor c = payload(i);
  uint32_t flags = c.u32(), nameLen = c.u32(), versionLen = c.u32(), reserved = c.u32();
  if (flags & ~kMetaSeccompBestEffort)
    return fail(ReadError::BadMeta, "meta flags 0x%x include unknown bits", flags);
  if (reserved != 0)
    return fail(ReadError::BadMeta, "meta reserved field is 0x%x, not 0", reserved);
  if (nameLen > kMaxMetaStringLen || versionLen > kMaxMetaStringLen)
    return fail(ReadError::BadMeta, "meta string lengths %u and %u exceed the limit of %u", nameLen,
                versionLen, kMaxMetaStringLen);
  if (c.remaining() != uint64_t(nameLen) + versionLen)
    return fail(ReadError::BadMeta,
                "meta section is %llu bytes but its header and strings need %llu",
                ULL(entries[i].size), ULL(sizeof(MetaHeader) + nameLen + versionLen));
  const char *name = reinterpret_cast<const char *>(c.take(nameLen));
  const char *version = reinterpret_cast<const char *>(c.take(versionLen));
  if (memchr(name, 0, nameLen) || memchr(version, 0, versionLen))
    return fail(ReadError::BadMeta, "meta %s contains a NUL byte",
                memchr(name, 0, nameLen) ? "name" : "compiler version");
  p.seccompBestEffort = flags & kMetaSeccompBestEffort;
  p.name.assign(name, nameLen);
  p.compilerVersion.assign(version, versionLen);
  return ReadError::None;
}

ReadError Reader::readSeccomp(size_t i, Policy &p) {
  Cursor c = payload(i);
  uint32_t arch = c.u32(), flags = c.u32(), count = c.u32(), reserved = c.u32();
  if (arch == 0)
    return fail(ReadError::BadSeccomp, "seccomp section %zu has audit arch 0", i);
  if (flags != 0 || reserved != 0)
    return fail(ReadError::BadSeccomp, "seccomp section for arch 0x%x has nonzero %s (0x%x)", arch,
                flags ? "flags" : "reserved field", flags ? flags : reserved);
  if (count == 0 || count > kMaxBpfInsns)
    return fail(ReadError::BadSeccomp,
                "seccomp program for arch 0x%x has %u instructions; it must have 1..%u", arch,
                count, kMaxBpfInsns);
  if (c.remaining() != uint64_t(count) * sizeof(BpfInsn))
    return fail(ReadError::BadSeccomp,
                "seccomp section for arch 0x%x is %llu bytes but %u instructions need %llu", arch,
                ULL(entries[i].size), count,
                ULL(sizeof(SeccompHeader) + uint64_t(count) * sizeof(BpfInsn)));
  SeccompProgram prog;
  prog.auditArch = arch;
  prog.insns.resize(count);
  for (BpfInsn &insn : prog.insns) {
    const uint8_t *b = c.take(sizeof(BpfInsn));
    insn.code = uint16_t(b[0] | b[1] << 8);
    insn.jt = b[2];
    insn.jf = b[3];
    insn.k = load32(b + 4);
  }
  std::string why;
  if (!checkSeccompProgram(prog.insns, &why))
    return fail(ReadError::BadSeccomp,
                "seccomp program for arch 0x%x is rejected by the BPF checker: %s", arch,
                why.c_str());
  p.seccomp.push_back(std::move(prog));
  return ReadError::None;
}

ReadError Reader::readLandlock(size_t i, Policy &p) {
  using namespace landlock;
  Cursor c = payload(i);
  LandlockPolicy ll;
  ll.present = true;
  uint32_t flags = c.u32(), pathCount = c.u32(), netCount = c.u32(), reserved = c.u32();
  ll.handledFs = c.u64();
  ll.handledNet = c.u64();
  ll.scoped = c.u64();
  if (flags & ~kLandlockBestEffort)
    return fail(ReadError::BadLandlock, "landlock flags 0x%x include unknown bits", flags);
  ll.bestEffort = flags & kLandlockBestEffort;
  if (reserved != 0)
    return fail(ReadError::BadLandlock, "landlock reserved field is 0x%x, not 0", reserved);
  if (pathCount > kMaxRules || netCount > kMaxRules)
    return fail(ReadError::BadLandlock,
                "landlock rule counts (%u path, %u net) exceed the limit of %u", pathCount,
                netCount, kMaxRules);
  struct {
    const char *what;
    uint64_t value, known;
  } masks[] = {{"handled filesystem rights", ll.handledFs, rightsAt(Kind::Fs, kNewestAbi)},
               {"handled network rights", ll.handledNet, rightsAt(Kind::Net, kNewestAbi)},
               {"scopes", ll.scoped, rightsAt(Kind::Scope, kNewestAbi)}};
  for (const auto &m : masks)
    if (m.value & ~m.known)
      return fail(ReadError::BadLandlock,
                  "landlock %s 0x%llx include bits this kavach-launch does not know (0x%llx)",
                  m.what, ULL(m.value), ULL(m.value & ~m.known));
  // Every rule takes at least 16 bytes (path rules 24), so these bounds keep
  // a lying count from reserving more than the section could hold.
  ll.pathRules.reserve(std::min<uint64_t>(pathCount, c.remaining() / 24));
  for (uint32_t r = 0; r < pathCount; ++r) {
    if (!c.has(sizeof(LandlockPathRuleHeader)))
      return fail(ReadError::BadLandlock,
                  "landlock path rule %u of %u extends past the end of the section", r, pathCount);
    uint64_t access = c.u64();
    uint32_t len = c.u32(), rsv = c.u32();
    if (rsv != 0)
      return fail(ReadError::BadLandlock, "landlock path rule %u has nonzero reserved field 0x%x",
                  r, rsv);
    if (len == 0 || len > kMaxPathLen)
      return fail(ReadError::BadLandlock,
                  "landlock path rule %u has path length %u; it must be 1..%u", r, len,
                  kMaxPathLen);
    if (!c.has(alignToSection(len)))
      return fail(ReadError::BadLandlock,
                  "landlock path rule %u (path length %u) extends past the end of the section", r,
                  len);
    const uint8_t *bytes = c.take(alignToSection(len));
    if (memchr(bytes, 0, len))
      return fail(ReadError::BadLandlock, "landlock path rule %u has a NUL byte in its path", r);
    if (!isAllZero(bytes + len, alignToSection(len) - len))
      return fail(ReadError::BadLandlock,
                  "landlock path rule %u has nonzero padding after its path", r);
    if (access == 0)
      return fail(ReadError::BadLandlock, "landlock path rule %u grants no rights", r);
    if (access & ~ll.handledFs)
      return fail(ReadError::BadLandlock,
                  "landlock path rule %u grants 0x%llx, not a subset of the handled rights 0x%llx",
                  r, ULL(access), ULL(ll.handledFs));
    ll.pathRules.push_back({access, std::string(reinterpret_cast<const char *>(bytes), len)});
  }
  if (c.remaining() != uint64_t(netCount) * sizeof(LandlockNetRuleEntry))
    return fail(ReadError::BadLandlock,
                "landlock section has %llu bytes after its path rules; %u net rules need %llu",
                ULL(c.remaining()), netCount,
                ULL(uint64_t(netCount) * sizeof(LandlockNetRuleEntry)));
  ll.netRules.reserve(netCount);
  for (uint32_t r = 0; r < netCount; ++r) {
    uint64_t access = c.u64(), port = c.u64();
    if (access == 0)
      return fail(ReadError::BadLandlock, "landlock net rule %u grants no rights", r);
    if (access & ~ll.handledNet)
      return fail(ReadError::BadLandlock,
                  "landlock net rule %u grants 0x%llx, not a subset of the handled rights 0x%llx",
                  r, ULL(access), ULL(ll.handledNet));
    if (port > kMaxPort)
      return fail(ReadError::BadLandlock, "landlock net rule %u has port %llu; the maximum is %llu",
                  r, ULL(port), ULL(kMaxPort));
    ll.netRules.push_back({access, port});
  }
  p.landlock = std::move(ll);
  return ReadError::None;
}

ReadError Reader::readProcess(size_t i, Policy &p) {
  std::string why;
  if (!decodeProcess(data + entries[i].offset, entries[i].size, p.process, why))
    return fail(ReadError::BadProcess, "%s", why.c_str());
  return ReadError::None;
}

ReadError Reader::readBackends(size_t i, Policy &p) {
  std::string why;
  if (!decodeBackends(data + entries[i].offset, entries[i].size, p.backends, why))
    return fail(ReadError::BadBackends, "%s", why.c_str());
  return ReadError::None;
}

ReadError Reader::run(Policy &out) {
  if (!data && size != 0)
    return fail(ReadError::TooSmall, "no data");
  for (ReadError (Reader::*stage)() :
       {&Reader::checkHeader, &Reader::checkDigest, &Reader::checkSignature, &Reader::readTable,
        &Reader::checkTableSemantics, &Reader::checkLayout})
    if (ReadError e = (this->*stage)(); e != ReadError::None)
      return e;
  Policy p;
  for (size_t i = 0; i < entries.size(); ++i) {
    uint32_t type = entries[i].type;
    ReadError e = type == uint32_t(SectionType::Meta)       ? readMeta(i, p)
                  : type == uint32_t(SectionType::Seccomp)  ? readSeccomp(i, p)
                  : type == uint32_t(SectionType::Landlock) ? readLandlock(i, p)
                  : type == uint32_t(SectionType::Process)  ? readProcess(i, p)
                                                            : readBackends(i, p);
    if (e != ReadError::None)
      return e;
  }
  out = std::move(p);
  return ReadError::None;
}

} // namespace

ReadError readPolicy(const uint8_t *data, size_t size, Policy &out, std::string *detail,
                     const PublicKey *requiredSigner) {
  return Reader(data, size, detail, requiredSigner).run(out);
}

} // namespace kavach::runtime

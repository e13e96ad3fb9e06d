// policy.bin writer, file loading and error descriptions; the reader proper
// is in PolicyReader.cpp.
//
// The writer produces the one canonical encoding of a Policy: header, section
// table, Meta, Seccomp sections by ascending audit arch, Landlock if present,
// each payload 8-aligned with zero padding, then the SHA-256 of all of that.
// It does not validate (it has no error channel): the caller is meant to run
// readPolicy on the result, so a Policy the reader would refuse is caught by
// the compiler rather than by a launcher.
//
// readPolicyFile loads the whole file into memory (it is small and bounded by
// kMaxFileSize) and hands it to readPolicy, so the checks run on one stable
// snapshot rather than on a file someone may be rewriting.
#include "runtime/PolicyIO.h"

#include "runtime/BackendsSection.h"
#include "runtime/ByteCursor.h"

#include "runtime/PolicyFormat.h"
#include "runtime/Sha256.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kavach::runtime {

namespace {

constexpr uint64_t kHeaderSize = sizeof(FileHeader);
constexpr uint64_t kEntrySize = sizeof(SectionEntry);

using namespace bytes;

std::vector<uint8_t> encodeMeta(const Policy &p) {
  std::vector<uint8_t> out;
  put32(out, p.seccompBestEffort ? kMetaSeccompBestEffort : 0);
  put32(out, uint32_t(p.name.size()));
  put32(out, uint32_t(p.compilerVersion.size()));
  put32(out, 0);
  putBytes(out, p.name);
  putBytes(out, p.compilerVersion);
  return out;
}

std::vector<uint8_t> encodeSeccomp(const SeccompProgram &prog) {
  std::vector<uint8_t> out;
  put32(out, prog.auditArch);
  put32(out, 0);
  put32(out, uint32_t(prog.insns.size()));
  put32(out, 0);
  for (const BpfInsn &insn : prog.insns) {
    put16(out, insn.code);
    out.push_back(insn.jt);
    out.push_back(insn.jf);
    put32(out, insn.k);
  }
  return out;
}

std::vector<uint8_t> encodeLandlock(const LandlockPolicy &ll) {
  std::vector<uint8_t> out;
  put32(out, ll.bestEffort ? kLandlockBestEffort : 0);
  put32(out, uint32_t(ll.pathRules.size()));
  put32(out, uint32_t(ll.netRules.size()));
  put32(out, 0);
  put64(out, ll.handledFs);
  put64(out, ll.handledNet);
  put64(out, ll.scoped);
  for (const LandlockPathRule &r : ll.pathRules) {
    put64(out, r.access);
    put32(out, uint32_t(r.path.size()));
    put32(out, 0);
    putBytes(out, r.path);
    padToAlign(out); // the header is 40 bytes, so out.size() is rule-relative
  }
  for (const LandlockNetRule &r : ll.netRules) {
    put64(out, r.access);
    put64(out, r.port);
  }
  return out;
}


std::vector<uint8_t> encodeProcess(const ProcessPolicy &pr) {
  using K = ProcessRecordKind;
  std::vector<uint8_t> records;
  uint32_t count = 0;
  auto add = [&](K kind, uint16_t sub, uint64_t value, const std::string &text) {
    putRecord(records, uint16_t(kind), sub, value, text);
    ++count;
  };
  if (!pr.hostname.empty())
    add(K::Hostname, 0, 0, pr.hostname);
  for (uint32_t g : pr.groups)
    add(K::Group, 0, g, "");
  for (const Limit &l : pr.limits)
    add(K::Limit, uint16_t(l.kind), l.value, "");
  for (const std::string &name : pr.envPass)
    add(K::EnvPass, 0, 0, name);
  for (const EnvSetting &e : pr.envSet)
    add(K::EnvSet, 0, 0, e.name + "=" + e.value);
  for (const std::string &c : pr.commands)
    add(K::Command, 0, 0, c);
  if (!pr.workdir.empty())
    add(K::Workdir, 0, 0, pr.workdir);
  for (auto [kind, list] : {std::pair{K::GuardBlock, &pr.guardBlock},
                            std::pair{K::GuardAllow, &pr.guardAllow},
                            std::pair{K::GuardPath, &pr.guardPaths},
                            std::pair{K::GuardShell, &pr.guardShells},
                            std::pair{K::GuardPattern, &pr.guardPatterns}})
    for (const std::string &s : *list)
      add(kind, 0, 0, s);
  for (const BindMount &b : pr.binds)
    add(K::Bind, b.readOnly ? kBindReadOnly : 0, b.source.size(), b.source + b.target);
  for (const std::string &path : pr.tmpfs)
    add(K::Tmpfs, 0, 0, path);
  if (pr.hostIdCount)
    add(K::HostIds, 0, pr.hostIdBase | uint64_t(pr.hostIdCount) << 32, "");
  uint32_t flags = (pr.rootfsReadOnly ? kProcRootfsReadOnly : 0) |
                   (pr.capsPresent ? kProcCapsPresent : 0) | (pr.hasUid ? kProcHasUid : 0) |
                   (pr.hasGid ? kProcHasGid : 0) | (pr.hasGroups ? kProcHasGroups : 0) |
                   (pr.envClear ? kProcEnvClear : 0) | (pr.hostDev ? kProcHostDev : 0) |
                   (pr.hostTmp ? kProcHostTmp : 0) |
                   (pr.detachTerminal ? kProcDetachTerminal : 0);
  std::vector<uint8_t> out;
  put32(out, flags);
  put32(out, pr.bestEffort);
  put32(out, pr.namespaces);
  put32(out, count);
  put64(out, pr.capsKeep);
  put32(out, pr.uid);
  put32(out, pr.gid);
  out.insert(out.end(), records.begin(), records.end());
  return out;
}

// Closes a file descriptor on every return path, keeping errno intact for
// callers that report it.
struct FdCloser {
  int fd;
  ~FdCloser() {
    int saved = errno;
    if (fd >= 0)
      close(fd);
    errno = saved;
  }
};

} // namespace

const char *describe(ReadError e) {
  switch (e) {
  case ReadError::None:
    return "no error";
  case ReadError::TooSmall:
    return "file too small to be a policy.bin";
  case ReadError::TooLarge:
    return "file too large to be a policy.bin";
  case ReadError::BadMagic:
    return "not a policy.bin (bad magic)";
  case ReadError::UnsupportedVersion:
    return "unsupported policy.bin format version";
  case ReadError::BadHeader:
    return "malformed policy.bin header";
  case ReadError::SizeMismatch:
    return "file size does not match the header (truncated or extended)";
  case ReadError::BadDigest:
    return "digest mismatch: file is corrupted";
  case ReadError::BadSectionTable:
    return "malformed section table";
  case ReadError::SectionOutOfBounds:
    return "section out of bounds";
  case ReadError::SectionsOverlap:
    return "sections overlap";
  case ReadError::UnknownSection:
    return "unknown section type";
  case ReadError::DuplicateSection:
    return "duplicate section";
  case ReadError::BadMeta:
    return "malformed meta section";
  case ReadError::BadSeccomp:
    return "malformed seccomp section";
  case ReadError::BadLandlock:
    return "malformed landlock section";
  case ReadError::BadProcess:
    return "malformed process section";
  case ReadError::BadBackends:
    return "malformed backends section";
  case ReadError::Io:
    return "cannot read policy file";
  case ReadError::BadSignature:
    return "bad signature: the file was altered after it was signed";
  case ReadError::NotSigned:
    return "the policy is not signed";
  case ReadError::UntrustedSigner:
    return "the policy is signed by a different key";
  }
  return "unknown error";
}

ReadError readPolicyFile(const char *path, Policy &out, std::string *detail,
                         const PublicKey *requiredSigner) {
  auto fail = [&](ReadError e, std::string msg) {
    if (detail)
      *detail = std::move(msg);
    return e;
  };
  if (!path)
    return fail(ReadError::Io, "no policy file given");
  // O_NONBLOCK: opening a FIFO must not hang before fstat can refuse it.
  int fd;
  do
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return fail(ReadError::Io, std::string("cannot open ") + path + ": " + strerror(errno));
  FdCloser closer{fd};
  struct stat st;
  if (fstat(fd, &st) != 0)
    return fail(ReadError::Io, std::string("cannot stat ") + path + ": " + strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fail(ReadError::Io, std::string(path) + " is not a regular file");
  if (uint64_t(st.st_size) > kMaxFileSize)
    return fail(ReadError::TooLarge, std::string(path) + " is " + std::to_string(st.st_size) +
                                         " bytes; the limit is " + std::to_string(kMaxFileSize));
  // One spare byte tells a file that grew since fstat from one that did not.
  std::vector<uint8_t> buf(size_t(st.st_size) + 1);
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = read(fd, buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail(ReadError::Io, std::string("cannot read ") + path + ": " + strerror(errno));
    if (n == 0)
      break;
    got += size_t(n);
  }
  if (got != uint64_t(st.st_size))
    return fail(ReadError::Io, std::string(path) + " changed size while being read");
  return readPolicy(buf.data(), got, out, detail, requiredSigner);
}

std::vector<uint8_t> writePolicy(const Policy &p) {
  std::vector<std::pair<SectionType, std::vector<uint8_t>>> sections;
  sections.emplace_back(SectionType::Meta, encodeMeta(p));
  std::vector<const SeccompProgram *> progs;
  for (const SeccompProgram &prog : p.seccomp)
    progs.push_back(&prog);
  std::stable_sort(
      progs.begin(), progs.end(),
      [](const SeccompProgram *a, const SeccompProgram *b) { return a->auditArch < b->auditArch; });
  for (const SeccompProgram *prog : progs)
    sections.emplace_back(SectionType::Seccomp, encodeSeccomp(*prog));
  if (p.landlock.present)
    sections.emplace_back(SectionType::Landlock, encodeLandlock(p.landlock));
  if (p.process.present)
    sections.emplace_back(SectionType::Process, encodeProcess(p.process));
  if (p.backends.present)
    sections.emplace_back(SectionType::Backends, encodeBackends(p.backends));

  uint64_t offset = kHeaderSize + kEntrySize * sections.size();
  uint64_t fileSize = offset;
  for (const auto &s : sections)
    fileSize = alignToSection(fileSize + s.second.size());
  fileSize += kDigestSize;

  std::vector<uint8_t> out;
  out.reserve(fileSize);
  for (char c : kMagic) // a loop, not insert(): GCC 12 misreports insert after reserve
    out.push_back(uint8_t(c));
  put32(out, kFormatVersion);
  put32(out, uint32_t(kHeaderSize));
  put32(out, uint32_t(sections.size()));
  put32(out, 0);
  put64(out, fileSize);
  for (const auto &s : sections) {
    put32(out, uint32_t(s.first));
    put32(out, 0);
    put64(out, offset);
    put64(out, s.second.size());
    offset = alignToSection(offset + s.second.size());
  }
  for (const auto &s : sections) {
    out.insert(out.end(), s.second.begin(), s.second.end());
    padToAlign(out);
  }
  Sha256Digest digest = sha256(out.data(), out.size());
  out.insert(out.end(), digest.begin(), digest.end());
  return out;
}

} // namespace kavach::runtime

// Shared fixtures for the policy.bin tests: a rich sample Policy, a seccomp
// program the BPF checker accepts, and helpers to patch a file image and
// recompute its digest (so a test reaches the structural check it targets
// instead of stopping at the digest).
#pragma once

#include "runtime/LandlockAbi.h"
#include "runtime/Policy.h"
#include "runtime/PolicyFormat.h"
#include "runtime/PolicyIO.h"
#include "runtime/Sha256.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace kavach::runtime::test {

inline constexpr uint32_t kArchX86_64 = 0xC000003E;
inline constexpr uint32_t kArchAarch64 = 0xC00000B7;
inline constexpr uint32_t kArchI386 = 0x40000003;

// Kills foreign arches, allows exit (nr 60), fails everything else with EPERM.
inline std::vector<BpfInsn> validProgram(uint32_t arch) {
  return {
      {0x20, 0, 0, 4},          // ld [4] (arch)
      {0x15, 1, 0, arch},       // jeq #arch, +1
      {0x06, 0, 0, 0x80000000}, // ret KILL_PROCESS
      {0x20, 0, 0, 0},          // ld [0] (nr)
      {0x15, 0, 1, 60},         // jeq #60, +0, +1
      {0x06, 0, 0, 0x7fff0000}, // ret ALLOW
      {0x06, 0, 0, 0x00050001}, // ret ERRNO(1)
  };
}

// A process part with every kind of record, flag and field.
inline ProcessPolicy sampleProcess() {
  ProcessPolicy pr;
  pr.present = true;
  pr.bestEffort = kProcLimits | kProcUser;
  pr.namespaces = kNsAll;
  pr.hostname = "sandbox";
  pr.rootfsReadOnly = true;
  pr.hostDev = pr.hostTmp = true;
  pr.detachTerminal = true;
  pr.binds = {{"/srv/data", "/data", false}, {"${HOME}/src", "/work", true}};
  pr.tmpfs = {"/home", "${HOME}/.cache"};
  pr.hostIdBase = 100000;
  pr.hostIdCount = 65536;
  pr.capsPresent = true;
  pr.capsKeep = uint64_t(1) << 10 | uint64_t(1) << 40; // CAP_NET_BIND_SERVICE, CAP_CHECKPOINT_RESTORE
  pr.hasUid = pr.hasGid = pr.hasGroups = true;
  pr.uid = 1000;
  pr.gid = 1001;
  pr.groups = {1001, 27};
  pr.limits = {{LimitKind::CpuTime, 30},        {LimitKind::OpenFiles, 256},
               {LimitKind::Memory, 512u << 20}, {LimitKind::Pids, 64},
               {LimitKind::WallTime, 60},      {LimitKind::Cpu, 500}};
  pr.envClear = true;
  pr.envPass = {"TERM", "LANG"};
  pr.envSet = {{"PATH", "/usr/bin:/bin"}, {"EMPTY", ""}, {"EQ", "a=b"}};
  pr.commands = {"/usr/bin/python3", "/bin/sh"};
  pr.workdir = "/srv/app";
  pr.guardBlock = {"bash", "python*"};
  pr.guardAllow = {"sh"};
  pr.guardPaths = {"/etc/shadow", "${HOME}/.ssh"};
  pr.guardShells = {"sh"};
  pr.guardPatterns = {"$(", "/dev/tcp/"};
  return pr;
}

// Meta, three seccomp sections (already sorted, so it round-trips as is),
// Landlock with every kind of right, scopes and best effort, and a process
// section with every kind of record.
inline Policy samplePolicy() {
  using namespace landlock;
  Policy p;
  p.name = "web-server"; // meta payload 16 + 10 + 13 = 39 bytes: one padding byte
  p.compilerVersion = "kavachc 0.1.0";
  p.seccompBestEffort = true;
  for (uint32_t arch : {kArchI386, kArchX86_64, kArchAarch64})
    p.seccomp.push_back({arch, validProgram(arch)});
  LandlockPolicy &ll = p.landlock;
  ll.present = true;
  ll.bestEffort = true;
  ll.handledFs = rightsAt(Kind::Fs, kNewestAbi);
  ll.handledNet = kNetBindTcp | kNetConnectTcp;
  ll.scoped = kScopeAbstractUnixSocket | kScopeSignal;
  ll.pathRules = {
      {kFsExecute | kFsReadFile | kFsReadDir, "/usr"},
      {kFsReadFile | kFsWriteFile | kFsTruncate | kFsMakeReg, "${HOME}/.cache/app"},
      {kFsReadFile, "/etc/ssl"}, // exactly 8 bytes: no padding
      {kFsIoctlDev | kFsReadFile | kFsWriteFile, "/dev/null"},
      {kFsRefer | kFsMakeDir | kFsRemoveDir, "${TMPDIR}/${UID}"},
  };
  ll.netRules = {{kNetConnectTcp, 443}, {kNetBindTcp, 8080}, {kNetBindTcp | kNetConnectTcp, 65535}};
  p.process = sampleProcess();
  return p;
}

inline uint32_t get32(const std::vector<uint8_t> &f, size_t off) {
  return uint32_t(f[off]) | uint32_t(f[off + 1]) << 8 | uint32_t(f[off + 2]) << 16 |
         uint32_t(f[off + 3]) << 24;
}
inline uint64_t get64(const std::vector<uint8_t> &f, size_t off) {
  return get32(f, off) | uint64_t(get32(f, off + 4)) << 32;
}
inline void set32(std::vector<uint8_t> &f, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    f[off + i] = uint8_t(v >> (8 * i));
}
inline void set64(std::vector<uint8_t> &f, size_t off, uint64_t v) {
  set32(f, off, uint32_t(v));
  set32(f, off + 4, uint32_t(v >> 32));
}

// Field offsets in a v1 image.
inline constexpr size_t kHdrVersion = 8, kHdrHeaderSize = 12, kHdrSectionCount = 16, kHdrFlags = 20,
                        kHdrFileSize = 24;
inline size_t entryAt(size_t i) { return sizeof(FileHeader) + sizeof(SectionEntry) * i; }
inline size_t entryType(size_t i) { return entryAt(i); }
inline size_t entryFlags(size_t i) { return entryAt(i) + 4; }
inline size_t entryOffset(size_t i) { return entryAt(i) + 8; }
inline size_t entrySize(size_t i) { return entryAt(i) + 16; }
// Where section i's payload starts in `f`.
inline size_t payloadAt(const std::vector<uint8_t> &f, size_t i) {
  return size_t(get64(f, entryOffset(i)));
}

// Rewrites the trailing digest so it matches the (tampered) contents.
inline void fixDigest(std::vector<uint8_t> &f) {
  Sha256Digest d = sha256(f.data(), f.size() - kDigestSize);
  std::copy(d.begin(), d.end(), f.end() - kDigestSize);
}

// Inserts `n` bytes of `fill` at `at` (before the digest), moving every
// later section and the file size, then fixes the digest.
inline void insertBytes(std::vector<uint8_t> &f, size_t at, size_t n, uint8_t fill) {
  f.insert(f.begin() + at, n, fill);
  uint32_t count = get32(f, kHdrSectionCount);
  for (uint32_t i = 0; i < count; ++i)
    if (get64(f, entryOffset(i)) >= at)
      set64(f, entryOffset(i), get64(f, entryOffset(i)) + n);
  set64(f, kHdrFileSize, f.size());
  fixDigest(f);
}

// readPolicy on a fresh exact-size copy, so a sanitizer sees any overread.
inline ReadError readBytes(const std::vector<uint8_t> &f, std::string *detail = nullptr,
                           Policy *out = nullptr) {
  std::vector<uint8_t> copy(f);
  Policy p;
  ReadError e = readPolicy(copy.empty() ? nullptr : copy.data(), copy.size(), p, detail);
  if (out)
    *out = std::move(p);
  return e;
}

} // namespace kavach::runtime::test

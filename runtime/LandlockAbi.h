// Landlock access rights, the ABI version that introduced each, and names.
// Values are the kernel UAPI constants (include/uapi/linux/landlock.h); they
// are restated here because Debian 12's linux-libc-dev predates ABI 4.
#pragma once

#include <cstdint>

namespace kavach::runtime::landlock {

// Filesystem rights.
inline constexpr uint64_t kFsExecute = 1ull << 0;
inline constexpr uint64_t kFsWriteFile = 1ull << 1;
inline constexpr uint64_t kFsReadFile = 1ull << 2;
inline constexpr uint64_t kFsReadDir = 1ull << 3;
inline constexpr uint64_t kFsRemoveDir = 1ull << 4;
inline constexpr uint64_t kFsRemoveFile = 1ull << 5;
inline constexpr uint64_t kFsMakeChar = 1ull << 6;
inline constexpr uint64_t kFsMakeDir = 1ull << 7;
inline constexpr uint64_t kFsMakeReg = 1ull << 8;
inline constexpr uint64_t kFsMakeSock = 1ull << 9;
inline constexpr uint64_t kFsMakeFifo = 1ull << 10;
inline constexpr uint64_t kFsMakeBlock = 1ull << 11;
inline constexpr uint64_t kFsMakeSym = 1ull << 12;
inline constexpr uint64_t kFsRefer = 1ull << 13;    // ABI 2
inline constexpr uint64_t kFsTruncate = 1ull << 14; // ABI 3
inline constexpr uint64_t kFsIoctlDev = 1ull << 15; // ABI 5

// Network rights (ABI 4).
inline constexpr uint64_t kNetBindTcp = 1ull << 0;
inline constexpr uint64_t kNetConnectTcp = 1ull << 1;

// Scopes (ABI 6).
inline constexpr uint64_t kScopeAbstractUnixSocket = 1ull << 0;
inline constexpr uint64_t kScopeSignal = 1ull << 1;

// Rights that only make sense on regular files (the kernel rejects a rule
// giving directory rights to a file).
inline constexpr uint64_t kFsFileRights =
    kFsExecute | kFsWriteFile | kFsReadFile | kFsTruncate | kFsIoctlDev;

enum class Kind : uint8_t { Fs, Net, Scope };

struct Right {
  Kind kind;
  uint64_t bit;
  int abi;          // first Landlock ABI version that has it
  const char *name; // as in the kernel docs, lower case
};

inline constexpr Right kRights[] = {
    {Kind::Fs, kFsExecute, 1, "execute"},
    {Kind::Fs, kFsWriteFile, 1, "write_file"},
    {Kind::Fs, kFsReadFile, 1, "read_file"},
    {Kind::Fs, kFsReadDir, 1, "read_dir"},
    {Kind::Fs, kFsRemoveDir, 1, "remove_dir"},
    {Kind::Fs, kFsRemoveFile, 1, "remove_file"},
    {Kind::Fs, kFsMakeChar, 1, "make_char"},
    {Kind::Fs, kFsMakeDir, 1, "make_dir"},
    {Kind::Fs, kFsMakeReg, 1, "make_reg"},
    {Kind::Fs, kFsMakeSock, 1, "make_sock"},
    {Kind::Fs, kFsMakeFifo, 1, "make_fifo"},
    {Kind::Fs, kFsMakeBlock, 1, "make_block"},
    {Kind::Fs, kFsMakeSym, 1, "make_sym"},
    {Kind::Fs, kFsRefer, 2, "refer"},
    {Kind::Fs, kFsTruncate, 3, "truncate"},
    {Kind::Fs, kFsIoctlDev, 5, "ioctl_dev"},
    {Kind::Net, kNetBindTcp, 4, "bind_tcp"},
    {Kind::Net, kNetConnectTcp, 4, "connect_tcp"},
    {Kind::Scope, kScopeAbstractUnixSocket, 6, "abstract_unix_socket"},
    {Kind::Scope, kScopeSignal, 6, "signal"},
};

// Every right a kernel of ABI `abi` knows, per kind.
constexpr uint64_t rightsAt(Kind kind, int abi) {
  uint64_t m = 0;
  for (const Right &r : kRights)
    if (r.kind == kind && r.abi <= abi)
      m |= r.bit;
  return m;
}

// The newest ABI this build knows about.
inline constexpr int kNewestAbi = 7;

} // namespace kavach::runtime::landlock

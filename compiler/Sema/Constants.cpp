// Constants.def expanded against the system headers.
#include "compiler/Sema/Constants.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>

namespace kavach::sema {
namespace {

struct Entry {
  const char *name;
  uint64_t value;
};

const Entry kErrnos[] = {
#define KAVACH_ERRNO(N) {#N, uint64_t(N)},
#include "compiler/Sema/Constants.def"
};

const Entry kConstants[] = {
#define KAVACH_CONST(N) {#N, uint64_t(uint32_t(N))},
#define KAVACH_SIGNAL(N) {#N, uint64_t(N)},
#include "compiler/Sema/Constants.def"
};

template <size_t K>
std::optional<uint64_t> find(const Entry (&T)[K], llvm::StringRef Name) {
  for (const Entry &E : T)
    if (Name == E.name)
      return E.value;
  return std::nullopt;
}

template <size_t K> std::vector<std::string> names(const Entry (&T)[K]) {
  std::vector<std::string> V;
  for (const Entry &E : T)
    V.push_back(E.name);
  std::sort(V.begin(), V.end());
  return V;
}

} // namespace

std::optional<uint64_t> lookupErrno(llvm::StringRef Name) { return find(kErrnos, Name); }

std::string errnoName(uint64_t Value) {
  for (const Entry &E : kErrnos)
    if (E.value == Value)
      return E.name;
  return "";
}

std::optional<uint64_t> lookupConstant(llvm::StringRef Name) {
  if (auto V = find(kConstants, Name))
    return V;
  return find(kErrnos, Name);
}

const std::vector<std::string> &errnoNames() {
  static const auto V = names(kErrnos);
  return V;
}

const std::vector<std::string> &constantNames() {
  static const auto V = [] {
    auto A = names(kConstants);
    auto B = names(kErrnos);
    A.insert(A.end(), B.begin(), B.end());
    std::sort(A.begin(), A.end());
    return A;
  }();
  return V;
}

} // namespace kavach::sema

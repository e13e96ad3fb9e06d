// Syscall text parsing and action naming for --simulate.
#include "compiler/Emit/Simulate.h"

#include "compiler/Sema/Arches.h"
#include "compiler/Sema/Constants.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace kavach::emit {

std::string parseCall(StringRef Text, const std::string &ArchName, uint32_t &Nr,
                      uint64_t Args[6]) {
  Text = Text.trim();
  size_t Open = Text.find('(');
  if (Open == StringRef::npos || !Text.endswith(")"))
    return "expected NAME(ARGS...), e.g. 'openat(AT_FDCWD, 0, O_RDONLY)'";
  StringRef Name = Text.take_front(Open).trim();
  StringRef Inner = Text.slice(Open + 1, Text.size() - 1).trim();
  const sema::ArchInfo *A = sema::findArch(ArchName);
  if (!A)
    return "unknown architecture '" + ArchName + "'";
  unsigned long long Num;
  if (!Name.getAsInteger(0, Num)) {
    Nr = uint32_t(Num);
  } else if (auto N = sema::SyscallTable::get(*A).lookup(Name)) {
    Nr = *N;
  } else {
    return "unknown syscall '" + Name.str() + "' on " + ArchName;
  }
  for (int I = 0; I < 6; ++I)
    Args[I] = 0;
  if (Inner.empty())
    return "";
  SmallVector<StringRef, 6> Parts;
  Inner.split(Parts, ',');
  if (Parts.size() > 6)
    return "a syscall has at most six arguments";
  for (size_t I = 0; I < Parts.size(); ++I) {
    StringRef P = Parts[I].trim();
    uint64_t V = 0;
    // Constants may be OR-ed: O_WRONLY|O_CREAT.
    SmallVector<StringRef, 4> Bits;
    P.split(Bits, '|');
    for (StringRef B : Bits) {
      B = B.trim();
      unsigned long long X;
      bool Neg = B.consume_front("-");
      if (!B.getAsInteger(0, X))
        V |= Neg ? uint64_t(-int64_t(X)) : X;
      else if (auto C = sema::lookupConstant(B))
        V |= Neg ? uint64_t(-int64_t(*C)) : *C;
      else
        return "unknown constant '" + B.str() + "'";
    }
    Args[I] = V;
  }
  return "";
}

std::string describeRet(uint32_t Ret) {
  uint32_t Action = Ret & 0xffff0000u, Data = Ret & 0xffffu;
  switch (Action) {
  case 0x7fff0000u:
    return "allow";
  case 0x80000000u:
    return "kill_process";
  case 0x00000000u:
    return "kill_thread";
  case 0x00030000u:
    return "trap(" + std::to_string(Data) + ")";
  case 0x7ffc0000u:
    return "log";
  case 0x7fc00000u:
    return "user_notif";
  case 0x00050000u: {
    std::string N = sema::errnoName(Data);
    return "errno(" + (N.empty() ? std::to_string(Data) : N) + ")";
  }
  }
  return "ret(" + utohexstr(Ret) + ")";
}

} // namespace kavach::emit

// Syscalls that an arch may also reach through a multiplexer: i386's
// socketcall(2) (the socket calls) and ipc(2) (SysV IPC), which take the
// call's number in arg0 and its arguments in memory seccomp cannot read.
// Whether an arch has the multiplexer at all comes from its libseccomp
// table (SyscallTable::lookup); the call numbers from the kernel's uapi
// headers.
#pragma once

#include "compiler/Sema/PolicyIR.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace kavach::sema {

struct MultiplexedCall {
  const char *name;     // the direct syscall: "socket"
  const char *mux;      // "socketcall" or "ipc"
  uint32_t callNumber;  // arg0 of the multiplexer: SYS_SOCKET, SHMGET, ...
};

// The call's multiplexer, or null when it has none.
const MultiplexedCall *multiplexedCall(llvm::StringRef Name);

// Whether the multiplexer, decided by `Mux` (null: not named by any rule,
// so `Default` applies), may run `Call`. Its arg0 conditions are evaluated
// with arg0 = the call number for socketcall (the kernel rejects any other
// value), so `deny socketcall if arg0 == 1;` closes SYS_SOCKET only. For
// ipc the kernel ignores arg0's upper 16 bits (an ABI version), so a
// condition on arg0 proves nothing there. A condition that cannot be
// decided counts as may-run when its action allows: the answer errs
// towards reporting a hole.
bool multiplexerMayRun(const ir::SyscallDecision *Mux, const seccomp::Action &Default,
                       const MultiplexedCall &Call);

// The first branch of `Mux` that may allow `Call` (for a note), or null
// when only the fallback does.
const ir::CondBranch *multiplexerAllowingBranch(const ir::SyscallDecision &Mux,
                                                const MultiplexedCall &Call);

} // namespace kavach::sema

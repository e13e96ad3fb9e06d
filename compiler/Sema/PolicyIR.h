// The typed, resolved form of one policy (its `extends` chain already
// merged). Backends read only this; every piece keeps the source range it
// came from so later stages (lint, backends) can still point at the policy.
#pragma once

#include "compiler/Backend/Seccomp/FilterSpec.h"
#include "runtime/Policy.h"

#include "llvm/Support/SMLoc.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kavach::ir {

// One rule that decided a syscall (for diagnostics, lint and --explain).
struct RuleOrigin {
  llvm::SMRange range;      // the rule
  llvm::SMRange nameRange;  // the syscall or @group token in it
  std::string group;        // non-empty when it came through @group
  std::string policy;       // policy that wrote it
};

struct CondBranch {
  seccomp::CondRef cond; // 64-bit semantics, as written
  bool allow = false;    // allow-if or deny-if (deny conds get 32-bit widening)
  seccomp::Action action;
  RuleOrigin origin;
};

// What the policy says about one syscall name: conditional branches, tried
// in order, then the fallback.
struct SyscallDecision {
  std::vector<CondBranch> branches;
  seccomp::Action fallback;
  bool fallbackIsDefault = false; // no unconditional rule: the default action applies
  RuleOrigin origin;              // the deciding unconditional rule (if any)
};

struct SeccompIR {
  bool present = false;
  bool bestEffort = false;
  seccomp::Action defaultAction{seccomp::ActionKind::KillProcess, 0};
  llvm::SMRange defaultRange;
  seccomp::Action unknownAction{seccomp::ActionKind::Errno, 38 /*ENOSYS*/};
  std::vector<std::string> arches; // kavach arch names, natives and compats
  std::map<std::string, SyscallDecision> syscalls;
};

enum class FsVerb { Read, ReadWrite, Execute };

struct FsGrant {
  FsVerb verb;
  std::string path;
  llvm::SMRange range;
};

struct NetGrant {
  bool bind = false; // else connect
  uint16_t port = 0;
  llvm::SMRange range;
};

struct LandlockIR {
  bool fsPresent = false;
  bool bestEffort = false;
  std::vector<FsGrant> fs;
  bool netPresent = false;   // `network none;` or a network section
  bool networkNone = false;
  std::vector<NetGrant> net;
  uint64_t scoped = 0;       // landlock scope bits
};

// The process sections (namespaces, hostname, rootfs, user, capabilities,
// limits, env, commands), merged down the extends chain. Each value keeps
// the range of the statement that set it last.
struct ProcessLimit {
  runtime::LimitKind kind;
  uint64_t value = 0;
  llvm::SMRange range;
};

struct ProcessIR {
  bool present = false;
  uint32_t bestEffort = 0; // runtime::kProc* bits
  uint32_t namespaces = 0; // runtime::kNs* bits, as written (network none adds kNsNet at lowering)
  llvm::SMRange namespacesRange;
  std::string hostname;
  llvm::SMRange hostnameRange;
  bool rootfsReadOnly = false;
  // rootfs { dev host; tmp host; }: with a mount namespace, keep the host's
  // /dev and /tmp instead of a minimal /dev and an empty tmpfs /tmp.
  bool hostDev = false;
  bool hostTmp = false;
  // `terminal detach;` (a child's `terminal keep;` undoes it): the command
  // runs without a controlling terminal, so it cannot push input into the
  // caller's terminal (TIOCSTI) even where its filter allows ioctl.
  bool detachTerminal = false;
  llvm::SMRange rootfsRange;
  // rootfs { bind "SOURCE" [to "TARGET"] [read_only]; }, in order; a later
  // bind of the same target (a child policy's) replaces the earlier one.
  struct Bind {
    std::string source, target; // -D parameters substituted, ${VARS} kept
    bool readOnly = false;
    llvm::SMRange range;
  };
  std::vector<Bind> binds;
  // rootfs { tmpfs "PATH"; }: an empty tmpfs over PATH (hiding what is
  // there), before the binds; accumulate down the extends chain.
  std::vector<std::string> tmpfs;
  bool capsPresent = false;
  uint64_t capsKeep = 0;
  llvm::SMRange capsRange;
  std::optional<uint32_t> uid, gid;
  std::optional<std::vector<uint32_t>> groups;
  llvm::SMRange userRange;
  llvm::SMRange uidRange, gidRange, groupsRange; // the statements that set them
  // user { host_ids BASE [count N]; }: the sandbox's ids 0..N-1 are host ids
  // BASE..BASE+N-1 (implies a user namespace). A child's replaces a parent's.
  struct HostIds {
    uint32_t base = 0, count = 0;
    llvm::SMRange range;
  };
  std::optional<HostIds> hostIds;
  std::vector<ProcessLimit> limits; // ascending kind, one per kind
  bool envClear = false;
  std::vector<std::pair<std::string, std::string>> envSet;
  std::vector<std::string> envPass;
  std::vector<std::string> commands;
  llvm::SMRange commandsRange;
  std::string workdir;
  // `guards { ... }`: accumulate down the extends chain (a child can turn a
  // guard on or add names and paths, never turn one off).
  bool guardsPresent = false;
  llvm::SMRange guardsRange;
  bool guardBlockCommands = false; // the built-in shells/interpreters/compilers list
  std::vector<std::string> guardAllow;
  bool guardSensitivePaths = false; // the built-in sensitive paths
  std::vector<std::string> guardExtraPaths;
  bool guardShellInjection = false;
};

struct PolicyIR {
  std::string name;
  llvm::SMRange range;
  std::vector<std::string> chain; // this policy, its parent, ... (names)
  SeccompIR seccomp;
  LandlockIR landlock;
  ProcessIR process;
};

} // namespace kavach::ir

// kavachc --diff: what changed in effect between two policies, not in text.
// Works on the compiled form (runtime::Policy: the BPF filters and Landlock
// rules kavach-launch would apply), so two policy.bin files compare too; when
// the policies come from .kv sources, their IR adds the argument conditions
// as written.
#pragma once

#include "compiler/Sema/PolicyIR.h"
#include "runtime/Policy.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace kavach::diff {

struct Side {
  std::string label;                // file name as given
  runtime::Policy policy;           // compiled
  std::optional<ir::PolicyIR> ir;   // when compiled from a .kv file
};

enum class Direction { Looser, Tighter, Changed };

struct Change {
  Direction dir = Direction::Changed;
  std::string area;                  // seccomp, landlock-fs, landlock-net, landlock-scope, policy
  std::string arch;                  // seccomp: the arch whose syscalls changed
  std::vector<std::string> subjects; // syscall names, a path, "tcp 443", a setting
  std::string before, after;         // actions, rights, values
  std::string detail;                // an example call, the conditions as written
};

std::vector<Change> diffPolicies(const Side &Old, const Side &New);

bool anyLooser(const std::vector<Change> &Changes);
void printText(llvm::raw_ostream &OS, const Side &Old, const Side &New,
               const std::vector<Change> &Changes);
llvm::json::Value toJson(const Side &Old, const Side &New, const std::vector<Change> &Changes);

} // namespace kavach::diff

// Step: the command's environment and working directory.
#pragma once

#include "runtime/Policy.h"

#include <string>
#include <vector>

namespace kavach::launch {

struct Environment {
  std::vector<std::string> vars;
  std::vector<char *> pointers; // into vars, NULL-terminated
  char **envp() { return pointers.data(); }
};

// `env { clear; pass NAME; set NAME = "V"; }`: with `clear`, only the
// passed variables (if set) survive; then every `set` replaces or adds.
// Without an env section the caller's environment passes unchanged. Built
// before anything else, so the seccomp plan checks the execve that will
// really be made.
Environment buildEnvironment(const runtime::ProcessPolicy &policy, char **environ);

// chdir to the policy's workdir (dies 125 if it cannot).
void applyWorkdir(const runtime::ProcessPolicy &policy);

} // namespace kavach::launch

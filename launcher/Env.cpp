// Environment and working directory. Computing the environment is pure
// (no setenv: the launcher's own environment, which ${TMPDIR} reads, stays
// the caller's); the result is what execve gets.
#include "launcher/Env.h"

#include "launcher/Die.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace kavach::launch {

namespace {

std::string nameOf(const std::string &var) { return var.substr(0, var.find('=')); }

} // namespace

Environment buildEnvironment(const runtime::ProcessPolicy &policy, char **environ) {
  Environment env;
  for (char **e = environ; e && *e; ++e) {
    std::string var = *e;
    if (policy.envClear) {
      bool pass = false;
      for (const std::string &name : policy.envPass)
        pass |= nameOf(var) == name;
      if (!pass)
        continue;
    }
    env.vars.push_back(var);
  }
  for (const runtime::EnvSetting &set : policy.envSet) {
    std::string var = set.name + "=" + set.value;
    bool replaced = false;
    for (std::string &v : env.vars)
      if (nameOf(v) == set.name) {
        v = var;
        replaced = true;
      }
    if (!replaced)
      env.vars.push_back(var);
  }
  for (std::string &v : env.vars)
    env.pointers.push_back(v.data());
  env.pointers.push_back(nullptr);
  return env;
}

void applyWorkdir(const runtime::ProcessPolicy &policy) {
  if (!policy.workdir.empty() && chdir(policy.workdir.c_str()) != 0)
    die(kExitSetup, errno, "env: cannot change to the working directory '%s'",
        policy.workdir.c_str());
}

} // namespace kavach::launch

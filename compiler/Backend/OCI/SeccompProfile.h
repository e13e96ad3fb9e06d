// The seccomp section of an OCI config.json, a Docker/moby profile and a
// Kubernetes SeccompProfile share one model: a default action, arches and
// per-name rules whose argument comparisons are ANDed (libseccomp's model).
// lowerProfile() turns kavach's ordered branches into that model exactly or
// fails with the rules it cannot express; it never drops one silently.
#pragma once

#include "compiler/Sema/PolicyIR.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace kavach::oci {

struct ArgCmp {
  unsigned index = 0;
  uint64_t value = 0, valueTwo = 0;
  const char *op = "SCMP_CMP_EQ";
  bool operator<(const ArgCmp &O) const;
  bool operator==(const ArgCmp &O) const;
};

struct ProfileRule {
  std::vector<std::string> names;
  seccomp::Action action;
  std::vector<ArgCmp> args; // ANDed
};

struct Profile {
  seccomp::Action defaultAction;
  std::vector<std::string> arches; // SCMP_ARCH_*
  std::vector<ProfileRule> rules;
  std::vector<std::string> degraded; // documented, scored weakenings
};

// `ExtraAllow` are syscalls allowed unconditionally on top of the policy
// (the inner kavach-launch's own calls, LauncherSyscalls.def).
llvm::Expected<Profile> lowerProfile(const ir::SeccompIR &S,
                                     llvm::ArrayRef<std::string> ExtraAllow = {});

// "SCMP_ACT_ERRNO" etc.; errno separately.
const char *actionName(const seccomp::Action &A);
std::string scmpArch(llvm::StringRef KavachArch);

// The OCI `linux.seccomp` object (also the body of a Docker profile, which
// adds nothing kavach needs).
llvm::json::Object profileToJson(const Profile &P);

} // namespace kavach::oci

// ir::PolicyIR → an OCI runtime-spec v1.2.0 config.json (docs/oci.md).
#pragma once

#include "compiler/Backend/OCI/SeccompProfile.h"

#include "llvm/Support/JSON.h"

#include <map>
#include <string>

namespace kavach::oci {

struct ConfigOptions {
  // true: the container runs /.kavach/kavach-launch /.kavach/policy.bin --
  // (kavach-launch --backend oci appends the command and fills /.kavach), so
  // Landlock and the exact filter apply inside. false (--oci-bare): the
  // command is `Args`, and Landlock is not enforced.
  bool innerLauncher = true;
  std::vector<std::string> args = {"/bin/sh"};
  // Precompiled outer filter for crun (run.oci.seccomp_bpf_data), base64.
  std::string bpfBase64;
  std::map<std::string, std::string> annotations;
  // A template for policy.bin's Backends section (runtime/OciTemplate.h):
  // the command, environment, rootfs and bundle directory are placeholders
  // kavach-launch --backend oci|gvisor fills in.
  bool placeholders = false;
  // For runsc (--backend gvisor), which rejects SCMP_ACT_KILL_PROCESS:
  // kill_process becomes SCMP_ACT_KILL (the offending thread), a listed
  // degradation.
  bool killThreadOnly = false;
};

std::vector<std::string> launcherSyscalls();

// Errors: seccomp conditions the libseccomp form cannot express.
llvm::Expected<llvm::json::Value> buildConfig(const ir::PolicyIR &IR, const ConfigOptions &O,
                                              std::vector<std::string> &Degraded);

std::string base64(const uint8_t *Data, size_t Size);

} // namespace kavach::oci

// Loading policy.bin. All validation lives in runtime/ (readPolicyFile checks
// the format, sizes, offsets and the SHA-256 digest, and rejects anything it
// does not fully understand), so this step only turns its verdict into the
// launcher's error line. A file that fails any check is never partially
// used: the command does not run.
#include "launcher/PolicyLoad.h"

#include "launcher/Die.h"
#include "runtime/PolicyIO.h"

#include <string>

namespace kavach::launch {

runtime::Policy loadPolicy(const char *path, const char *signerKeyPath) {
  runtime::Policy policy;
  std::string detail;
  runtime::PublicKey signer;
  if (signerKeyPath && !runtime::readPublicKeyFile(signerKeyPath, signer, &detail))
    die(kExitSetup, 0, "--require-signature: %s", detail.c_str());
  runtime::ReadError error =
      runtime::readPolicyFile(path, policy, &detail, signerKeyPath ? &signer : nullptr);
  if (error == runtime::ReadError::None)
    return policy;
  // The reader's sentence is complete: for Io it already has the path and
  // strerror ("cannot open x.bin: No such file or directory").
  if (detail.empty())
    detail = runtime::describe(error);
  die(kExitSetup, 0, "invalid policy '%s': %s", path, detail.c_str());
}

} // namespace kavach::launch

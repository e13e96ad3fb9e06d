// --sign-key and --gen-key: Ed25519 signatures on policy.bin.
//
// Signing appends runtime/Signature.h's trailer to the bytes runCompile has
// already read back, then reads the result back once more with the signer's
// own public key required, so a signature the launcher would refuse is never
// written. --gen-key writes PREFIX.key (secret, created 0600) and PREFIX.pub;
// it never overwrites an existing file, because replacing a key silently
// would strand every policy signed with it. The crypto is libsodium, through
// runtime/Signature.cpp (the launcher verifies with the same code).
#include "Driver.h"

#include "runtime/PolicyIO.h"
#include "runtime/Signature.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace llvm;

namespace kavach::driver {
namespace {

cl::opt<std::string> SignKey("sign-key",
                             cl::desc("Sign policy.bin with the Ed25519 secret key in FILE "
                                      "(made by --gen-key)"),
                             cl::value_desc("FILE"), cl::cat(KavachcCategory));
cl::opt<std::string> GenKey("gen-key",
                            cl::desc("Write a new Ed25519 key pair to PREFIX.key (secret) and "
                                     "PREFIX.pub, then exit"),
                            cl::value_desc("PREFIX"), cl::cat(KavachcCategory));

// Creates `Path` (never replacing a file) with `Mode` and writes `Text`.
std::string writeNewFile(const std::string &Path, const std::string &Text, mode_t Mode) {
  int FD = open(Path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, Mode);
  if (FD < 0)
    return "cannot create '" + Path + "': " + strerror(errno) +
           (errno == EEXIST ? " (kavachc never overwrites a key file)" : "");
  size_t Done = 0;
  while (Done < Text.size()) {
    ssize_t N = write(FD, Text.data() + Done, Text.size() - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      std::string Err = "cannot write '" + Path + "': " + strerror(errno);
      close(FD);
      unlink(Path.c_str());
      return Err;
    }
    Done += size_t(N);
  }
  if (fsync(FD) != 0 || close(FD) != 0) {
    unlink(Path.c_str());
    return "cannot write '" + Path + "': " + strerror(errno);
  }
  return "";
}

} // namespace

bool genKeyRequested() { return !GenKey.empty(); }

int runGenKey() {
  runtime::KeyPair KP;
  if (!runtime::generateKeyPair(KP))
    return usage("cannot generate a key: libsodium failed to initialise");
  std::string Secret = runtime::formatSecretKey(KP.secretKey);
  std::string Err = writeNewFile(GenKey + ".key", Secret, 0600);
  std::fill(Secret.begin(), Secret.end(), '\0');
  if (!Err.empty())
    return usage(Err);
  Err = writeNewFile(GenKey + ".pub", runtime::formatPublicKey(KP.publicKey), 0644);
  if (!Err.empty()) {
    unlink((GenKey + ".key").c_str()); // half a key pair is of no use
    return usage(Err);
  }
  return 0;
}

int signIfRequested(std::vector<uint8_t> &Bytes, bool IsPolicyBin) {
  if (SignKey.empty())
    return 0;
  if (!IsPolicyBin)
    return usage("--sign-key applies to policy.bin only (not to --emit=bpf or bpf-asm)");
  runtime::SecretKey Key;
  std::string Why;
  if (!runtime::readSecretKeyFile(SignKey.c_str(), Key, &Why))
    return usage("--sign-key: " + Why);
  std::vector<uint8_t> Trailer = runtime::makeSignatureTrailer(Bytes.data(), Bytes.size(), Key);
  std::fill(Key.begin(), Key.end(), 0);
  Bytes.insert(Bytes.end(), Trailer.begin(), Trailer.end());
  runtime::PublicKey Signer;
  std::copy_n(Trailer.begin() + sizeof runtime::kSignatureMagic, Signer.size(), Signer.begin());
  runtime::Policy Back;
  if (runtime::readPolicy(Bytes.data(), Bytes.size(), Back, &Why, &Signer) !=
      runtime::ReadError::None) {
    errs() << "kavachc: error: internal error: the signed policy.bin does not verify: " << Why
           << "\n";
    return 1;
  }
  return 0;
}

} // namespace kavach::driver

// Fuzzes the policy.bin reader, the one parser that sees untrusted bytes in
// kavach-launch. Each input is read twice:
//   1. as is: nothing but rejections are expected, and no crash;
//   2. "repaired": the header's fileSize set to the input size and the
//      SHA-256 recomputed over everything before the last 32 bytes, so that
//      mutations get past the digest into the section table and payloads,
//      where the interesting checks are. When the input ends with a
//      "KVSIG001" trailer, the repair keeps it and re-signs with a fixed test
//      key, so the signature path is explored too.
// Whatever the reader accepts must be canonical: writePolicy gives back the
// bytes before the trailer, every seccomp program passes the checker, and
// the interpreter runs it without a fault.
#include "runtime/Bpf.h"
#include "runtime/PolicyFormat.h"
#include "runtime/PolicyIO.h"
#include "runtime/Sha256.h"
#include "runtime/Signature.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace kavach::runtime;

namespace {

[[noreturn]] void failure(const char *what) {
  fprintf(stderr, "policy.bin fuzzer: %s\n", what);
  abort();
}

const SecretKey &testKey() {
  static const SecretKey key = keyPairFromSeed({1, 2, 3}).secretKey; // reproducible runs
  return key;
}

void checkAccepted(const uint8_t *data, size_t size, const Policy &p) {
  std::vector<uint8_t> again = writePolicy(p);
  if (again.size() > size || memcmp(again.data(), data, again.size()) != 0)
    failure("accepted bytes are not what writePolicy gives back (not canonical)");
  if (again.size() != size && size - again.size() != kSignatureTrailerSize)
    failure("accepted a file with trailing bytes that are not one signature trailer");
  for (const SeccompProgram &prog : p.seccomp) {
    if (!checkSeccompProgram(prog.insns))
      failure("accepted a seccomp program the checker rejects");
    for (uint32_t nr : {0u, 59u, 0x40000000u, 0xffffffffu}) {
      SeccompData d;
      d.nr = int32_t(nr);
      d.arch = prog.auditArch;
      if (!runBpf(prog.insns, d).ok)
        failure("an accepted seccomp program faults in the interpreter");
    }
  }
}

void readOnce(const uint8_t *data, size_t size) {
  Policy p;
  std::string detail;
  ReadError e = readPolicy(data, size, p, &detail);
  if (e == ReadError::None) {
    checkAccepted(data, size, p);
    // The same file with a required signer that cannot match.
    PublicKey other{};
    Policy q;
    if (readPolicy(data, size, q, nullptr, &other) == ReadError::None)
      failure("accepted a file for a required key that did not sign it");
  } else if (detail.empty()) {
    failure("a rejection without a detail sentence");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 20))
    return -1;
  readOnce(data, size);

  std::vector<uint8_t> fixed(data, data + size);
  size_t image = size;
  bool signedInput = size >= 64 + kSignatureTrailerSize &&
                     memcmp(data + size - kSignatureTrailerSize, kSignatureMagic,
                            sizeof kSignatureMagic) == 0;
  if (signedInput)
    image = size - kSignatureTrailerSize;
  if (image < 64 || memcmp(fixed.data(), kMagic, sizeof kMagic) != 0)
    return 0;
  for (int i = 0; i < 8; ++i)
    fixed[24 + i] = uint8_t(uint64_t(image) >> (8 * i));
  Sha256Digest d = sha256(fixed.data(), image - kDigestSize);
  memcpy(fixed.data() + image - kDigestSize, d.data(), d.size());
  if (signedInput) {
    std::vector<uint8_t> t = makeSignatureTrailer(fixed.data(), image, testKey());
    memcpy(fixed.data() + image, t.data(), t.size());
  }
  readOnce(fixed.data(), fixed.size());
  return 0;
}

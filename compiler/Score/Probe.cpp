// Is a backend usable on this host? Each Backends.def row names a probe kind
// and what it looks for; this file only checks. A Binary probe runs
// `PROGRAM --version` (5 s timeout): a program that is on PATH but cannot run
// (missing libraries, wrong arch) is not available. ProbeEnv lets tests point
// the probe at a fake root and PATH; kavachc uses the host.
//
// Not checked: whether the runtime can actually start a container here (crun
// 1.8.1 refuses hybrid cgroups; kavach-launch works around that and says so),
// nor SEV/TDX attestation — only that the guest device exists.
#include "compiler/Score/Score.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

namespace kavach::score {
namespace {

std::string under(const ProbeEnv &E, llvm::StringRef Path) { return E.root + Path.str(); }

llvm::SmallVector<llvm::StringRef, 4> words(const char *How) {
  llvm::SmallVector<llvm::StringRef, 4> W;
  llvm::StringRef(How).split(W, ' ', -1, false);
  return W;
}

Availability binary(const ProbeEnv &E, const char *How) {
  std::string Tried;
  for (llvm::StringRef Name : words(How)) {
    llvm::SmallVector<llvm::StringRef, 8> Dirs;
    llvm::StringRef(E.path).split(Dirs, ':', -1, false);
    auto P = llvm::sys::findProgramByName(Name, Dirs);
    if (!P) {
      Tried += (Tried.empty() ? "" : ", ") + Name.str() + " not on PATH";
      continue;
    }
    std::string Err;
    llvm::StringRef Args[] = {*P, "--version"};
    llvm::Optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), llvm::StringRef(""),
                                                   llvm::StringRef("")};
    int RC = llvm::sys::ExecuteAndWait(*P, Args, llvm::None, Redirects, 5, 0, &Err);
    if (RC == 0)
      return {true, *P};
    Tried += (Tried.empty() ? "" : ", ") + *P + " --version failed" +
             (Err.empty() ? "" : " (" + Err + ")");
  }
  return {false, Tried};
}

Availability anyPath(const ProbeEnv &E, const char *How) {
  for (llvm::StringRef P : words(How))
    if (llvm::sys::fs::exists(under(E, P)))
      return {true, P.str()};
  std::string Missing;
  for (llvm::StringRef P : words(How))
    Missing += (Missing.empty() ? "" : " or ") + P.str();
  return {false, "no " + Missing};
}

} // namespace

ProbeEnv ProbeEnv::host() {
  const char *P = std::getenv("PATH");
  return {"", P ? P : "/usr/local/bin:/usr/bin:/bin"};
}

Availability probe(const BackendInfo &B, const ProbeEnv &E) {
  switch (B.probe) {
  case ProbeKind::Always:
    return {true, "always"};
  case ProbeKind::KernelSeccomp:
    if (llvm::sys::fs::exists(under(E, B.how)))
      return {true, "kernel seccomp"};
    return {false, "no seccomp in this kernel (" + std::string(B.how) + ")"};
  case ProbeKind::Binary:
    return binary(E, B.how);
  case ProbeKind::BinaryAndKvm: {
    Availability A = binary(E, B.how);
    if (!llvm::sys::fs::exists(under(E, "/dev/kvm")))
      return {false, (A.available ? "" : A.detail + ", ") + "no /dev/kvm"};
    return A;
  }
  case ProbeKind::Device:
    return anyPath(E, B.how);
  case ProbeKind::OsRelease: {
    auto Buf = llvm::MemoryBuffer::getFile(under(E, "/etc/os-release"));
    if (Buf) {
      llvm::SmallVector<llvm::StringRef, 16> Lines;
      (*Buf)->getBuffer().split(Lines, '\n');
      for (llvm::StringRef L : Lines)
        if (L.trim() == "ID=" + std::string(B.how) || L.trim() == "ID=\"" + std::string(B.how) + "\"")
          return {true, "ID=" + std::string(B.how)};
    }
    return {false, "not running on " + std::string(B.how) + " (/etc/os-release)"};
  }
  }
  return {false, "unknown probe"};
}

} // namespace kavach::score

// Whole-policy compilation: lower each part with its backend, then pack.
#include "compiler/Emit/Compile.h"

#include "compiler/Backend/Landlock/LandlockBackend.h"
#include "compiler/Backend/Process/ProcessBackend.h"
#include "compiler/Backend/Seccomp/CodeGen.h"
#include "compiler/Backend/Seccomp/Lowering.h"
#include "compiler/Basic/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

using namespace llvm;

namespace kavach::emit {

Expected<CompiledPolicy> compilePolicy(const ir::PolicyIR &IR) {
  CompiledPolicy Out;
  Out.policy.name = IR.name;
  Out.policy.compilerVersion = kKavachVersion;
  Out.policy.seccompBestEffort = IR.seccomp.bestEffort;
  Out.specs = seccomp::lowerSeccomp(IR.seccomp);
  for (const seccomp::FilterSpec &Spec : Out.specs) {
    std::string Err;
    runtime::SeccompProgram P;
    P.auditArch = Spec.nativeAuditArch;
    P.insns = seccomp::generateFilter(Spec, &Err);
    if (P.insns.empty())
      return createStringError(inconvertibleErrorCode(),
                               "cannot generate the seccomp filter for " +
                                   Spec.arches.front().name + ": " + Err);
    Out.policy.seccomp.push_back(std::move(P));
  }
  Out.policy.landlock = landlock::lowerLandlock(IR.landlock);
  Out.policy.process = process::lowerProcess(IR);
  process::restrictExecute(Out.policy.landlock, Out.policy.process);
  return Out;
}

Error writeAtomically(StringRef Path, ArrayRef<uint8_t> Bytes) {
  if (Path == "-") {
    outs().write(reinterpret_cast<const char *>(Bytes.data()), Bytes.size());
    outs().flush();
    return Error::success();
  }
  // `-o /dev/null` (or a FIFO): write in place. Renaming a temporary file
  // over it would replace the device node with a regular file (as root).
  sys::fs::file_status St;
  if (!sys::fs::status(Path, St) && sys::fs::exists(St) && !sys::fs::is_regular_file(St) &&
      !sys::fs::is_directory(St)) {
    std::error_code EC;
    raw_fd_ostream OS(Path, EC, sys::fs::OF_None);
    if (!EC) {
      OS.write(reinterpret_cast<const char *>(Bytes.data()), Bytes.size());
      OS.flush();
      EC = OS.error();
      OS.clear_error();
    }
    if (EC)
      return createStringError(EC, "cannot write '" + Path + "': " + EC.message());
    return Error::success();
  }
  SmallString<256> Model(Path);
  Model += ".tmp-%%%%%%";
  int FD;
  SmallString<256> Tmp;
  if (std::error_code EC = sys::fs::createUniqueFile(Model, FD, Tmp))
    return createStringError(EC, "cannot create '" + Model + "': " + EC.message());
  {
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS.write(reinterpret_cast<const char *>(Bytes.data()), Bytes.size());
    OS.flush();
    if (OS.has_error()) {
      std::error_code EC = OS.error();
      OS.clear_error();
      sys::fs::remove(Tmp);
      return createStringError(EC, "cannot write '" + Path + "': " + EC.message());
    }
  }
  // Readable by the unprivileged users a launcher may run as; it holds no secret.
  sys::fs::setPermissions(Tmp, sys::fs::perms(0644));
  if (std::error_code EC = sys::fs::rename(Tmp, Path)) {
    sys::fs::remove(Tmp);
    return createStringError(EC, "cannot write '" + Path + "': " + EC.message());
  }
  return Error::success();
}

} // namespace kavach::emit

// kavachc --import-docker PROFILE.json [-o OUT.kv]: a Docker/moby (or OCI
// linux.seccomp) profile as a readable kavach policy, for the x86_64
// container it would apply to.
//
// moby's profile is conditional on the container; the import fixes those
// conditions the way `docker run` does by default and says so in the
// file's header: an entry whose `includes.arches` (or `excludes.arches`)
// rules out amd64 is left out, `includes.caps` must all be in Docker's
// default capability set and no `excludes.caps` may be, `minKernel` is
// assumed met. Names x86_64 does not have are listed in a comment, not
// emitted. Unconditional entries become `allow a, b, c;` / `deny x with
// ACTION;`; entries with `args` become one rule per name with the
// comparisons ANDed (`MASKED_EQ m v` is `(argN & m) == v`). SCMP_ACT_TRACE
// has no kavach action: an error. The round trip (import, then
// --emit=docker-seccomp) gives the same action for every x86_64 syscall
// (test/kavachc/OCI/docker-round-trip.test).
#include "BackendModes.h"

#include "compiler/Backend/Docker/DockerImport.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace kavach::driver {
namespace {
cl::opt<bool> ImportDocker("import-docker",
                           cl::desc("Convert the Docker seccomp profile given as input to .kv"),
                           cl::cat(KavachcCategory));
} // namespace

bool importDockerRequested() { return ImportDocker; }

int runImportDocker(Session &S) {
  if (Inputs.size() != 1)
    return usage("--import-docker expects one profile.json");
  auto Buf = MemoryBuffer::getFileOrSTDIN(Inputs.front());
  if (!Buf)
    return usage("cannot read '" + Inputs.front() + "': " + Buf.getError().message());
  Expected<std::string> Kv =
      docker::importProfile((*Buf)->getBuffer(), sys::path::stem(Inputs.front()));
  if (!Kv) {
    S.Diags->fatal(Inputs.front() + ": " + toString(Kv.takeError()));
    return S.finish(1);
  }
  std::string Out = Output.empty() ? "-" : std::string(Output);
  if (Error E = emit::writeAtomically(
          Out, ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Kv->data()), Kv->size()))) {
    S.Diags->fatal(toString(std::move(E)));
    return S.finish(2);
  }
  return S.finish(0);
}

} // namespace kavach::driver

// --inside-oci: drop the process parts the container runtime has applied.
// The runtime got them from the same policy (kavachc wrote config.json's
// template from the same Process section), so nothing is lost; what stays
// is applied by the ordinary steps of main().
#include "launcher/OciInner.h"

#include "launcher/Die.h"

#include <unistd.h>

namespace kavach::launch {

void keepInnerParts(runtime::Policy &policy) {
  // The container has a pid namespace and this is its first process: a
  // guard against --inside-oci dropping the process part anywhere else.
  if (getpid() != 1)
    die(kExitSetup, 0, "--inside-oci is only for the entry point of a container that "
                       "kavach-launch --backend oci started (this is not pid 1)");
  runtime::ProcessPolicy &p = policy.process;
  p.namespaces = 0;
  p.hostname.clear();
  p.rootfsReadOnly = false;
  p.hostDev = p.hostTmp = false; // the runtime made /dev and /tmp
  p.binds.clear();                 // config.json's mounts
  p.tmpfs.clear();
  p.capsPresent = false;
  p.capsKeep = 0;
  p.hasUid = p.hasGid = p.hasGroups = false;
  p.uid = p.gid = 0;
  p.groups.clear();
  p.hostIdBase = p.hostIdCount = 0; // config.json's uid/gid mappings
  p.limits.clear();
  p.bestEffort = 0;
}

} // namespace kavach::launch

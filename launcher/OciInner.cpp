// --inside-oci: drop the process parts the container runtime has applied.
// The runtime got them from the same policy (kavachc wrote config.json's
// template from the same Process section), so nothing is lost; what stays
// is applied by the ordinary steps of main().
#include "launcher/OciInner.h"

namespace kavach::launch {

void keepInnerParts(runtime::Policy &policy) {
  runtime::ProcessPolicy &p = policy.process;
  p.namespaces = 0;
  p.hostname.clear();
  p.rootfsReadOnly = false;
  p.capsPresent = false;
  p.capsKeep = 0;
  p.hasUid = p.hasGid = p.hasGroups = false;
  p.uid = p.gid = 0;
  p.groups.clear();
  p.limits.clear();
  p.bestEffort = 0;
}

} // namespace kavach::launch

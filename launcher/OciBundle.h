// The OCI bundle kavach-launch --backend oci|gvisor runs: a private
// directory holding config.json (policy.bin's template, filled in) and, for
// the inner launcher, kavach/{kavach-launch,policy.bin}.
#pragma once

#include "runtime/Policy.h"

#include <string>

namespace kavach::launch {

struct Bundle {
  std::string dir;   // the bundle; removed by removeBundle
  std::string state; // the runtime's --root (inside dir)
};

// The template with its placeholders replaced (runtime/OciTemplate.h);
// values are JSON-escaped here. `mounts`: the text for the mounts
// placeholder (runtime/OciMounts.h), possibly empty.
std::string fillTemplate(const std::string &tmpl, char **args, char **envp,
                         const std::string &rootfs, const std::string &bundle,
                         const std::string &mounts);

// Creates the bundle under $TMPDIR (else /tmp), mode 0700. With `inner`
// copies this executable (static) and writes the (verified) policy into
// kavach/, and
// the command follows `[--best-effort] /.kavach/policy.bin --`. Dies 125
// on any failure.
Bundle createBundle(const std::string &tmpl, bool inner, bool bestEffort,
                    const runtime::Policy &policy, char **args, char **envp,
                    const std::string &rootfs);

void removeBundle(const Bundle &bundle);

} // namespace kavach::launch

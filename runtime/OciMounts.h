// The policy's own mounts (rootfs { tmpfs ...; bind ...; }) as config.json
// mount objects, in the text form both tools use: kavachc for `--emit=oci`,
// kavach-launch for the "@kavach:mounts@" placeholder of policy.bin's
// templates, where ${VARS} are resolved at launch. One source for the
// mount options, so a container mounts exactly what kavach-launch would.
#pragma once

#include "runtime/Policy.h"

#include <functional>
#include <string>

namespace kavach::runtime {

// A JSON string literal for `s` (quotes included); UTF-8 passes through.
std::string jsonString(const std::string &s);

enum class MountPathRole { Tmpfs, BindSource, BindTarget };

// Resolves one path of a mount (its ${VARS}); false leaves that mount out.
using MountPathResolver =
    std::function<bool(const std::string &path, MountPathRole role, std::string &out)>;

// The tmpfs mounts, then the binds (as kavach-launch mounts them: a bind
// under a policy tmpfs stays visible), each object led by a comma
// (",{...},{...}"), to follow the template's other mounts. Empty when the
// policy has none, or `resolve` left them all out.
std::string ociPolicyMounts(const ProcessPolicy &policy, const MountPathResolver &resolve);

} // namespace kavach::runtime

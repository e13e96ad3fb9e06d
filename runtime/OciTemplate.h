// The placeholders of the config.json templates kavachc stores in policy.bin
// (SectionType::Backends) and kavach-launch --backend oci|gvisor fills in.
//
// A template is a complete config.json except for these markers, which the
// launcher replaces textually (it links no JSON library):
//   "@kavach:args@"   a whole array element: the command and its arguments,
//                     as JSON strings separated by commas (never empty); in
//                     the OciInner template, after "/.kavach/kavach-launch",
//                     "--inside-oci": the inner launcher's options, then
//                     "/.kavach/policy.bin", "--" and the command;
//   "@kavach:env@"    the only element of process.env: the environment the
//                     policy computes, as JSON strings (may be empty);
//   @kavach:rootfs@   inside a string: the root file system directory;
//   @kavach:bundle@   inside a string: the bundle directory (OciInner only:
//                     the source of the /.kavach bind mount);
//   ,"@kavach:mounts@"  the last element of "mounts" with its comma, when the
//                     policy has rootfs { tmpfs/bind } mounts: they are
//                     written at launch (runtime/OciMounts.h), when their
//                     ${VARS} can be resolved.
// The reader accepts a template only if args, env and rootfs occur exactly
// once, bundle exactly once (OciInner) or never (OciBare) and mounts at most
// once, so filling in can neither miss one nor change JSON structure
// elsewhere.
#pragma once

namespace kavach::runtime {

inline constexpr const char kOciArgsMarker[] = "\"@kavach:args@\"";
inline constexpr const char kOciEnvMarker[] = "\"@kavach:env@\"";
inline constexpr const char kOciRootfsMarker[] = "@kavach:rootfs@";
inline constexpr const char kOciBundleMarker[] = "@kavach:bundle@";
inline constexpr const char kOciMountsMarker[] = ",\"@kavach:mounts@\"";

} // namespace kavach::runtime

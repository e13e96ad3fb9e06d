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
//                     the source of the /.kavach bind mount).
// The reader accepts a template only if args, env and rootfs occur exactly
// once and bundle exactly once (OciInner) or never (OciBare), so filling in
// can neither miss one nor change JSON structure elsewhere.
#pragma once

namespace kavach::runtime {

inline constexpr const char kOciArgsMarker[] = "\"@kavach:args@\"";
inline constexpr const char kOciEnvMarker[] = "\"@kavach:env@\"";
inline constexpr const char kOciRootfsMarker[] = "@kavach:rootfs@";
inline constexpr const char kOciBundleMarker[] = "@kavach:bundle@";

} // namespace kavach::runtime

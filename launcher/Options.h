// The command line of kavach-launch.
#pragma once

namespace kavach::launch {

struct Options {
  bool bestEffort = false; // --best-effort: degrade instead of refusing
  bool dryRun = false;     // --dry-run: report, run nothing
  const char *policyPath = nullptr;
  const char *signerKeyPath = nullptr; // --require-signature PUBKEYFILE
  bool verify = false;                 // --verify: run the checker inside the applied sandbox
  bool json = false;                   // --output-format=json (for --verify)
  bool explain = false;                // --explain: describe the policy, run nothing
  const char *learnPath = nullptr;     // --learn OUT.kv: record the command, write a policy
  // --backend NAME, --runtime crun|runc, --rootfs DIR (Backend.cpp);
  // --inside-oci: the entry point of a container kavach-launch started.
  const char *backend = nullptr;
  const char *runtime = nullptr;
  const char *rootfs = nullptr;
  bool insideOci = false;
  char **command = nullptr; // NULL-terminated, into main's argv; NULL only for a dry run
};

// Parses `kavach-launch [--best-effort] [--dry-run] [--help] [--version]
// POLICY.bin -- CMD [ARGS...]` (with --dry-run, `-- CMD` may be left out).
// --help and --version print and exit 0; any usage error dies with 125.
Options parseOptions(int argc, char **argv);

} // namespace kavach::launch

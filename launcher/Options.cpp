// Command-line parsing, by hand. There are five flags and one positional
// argument, and the command after `--` must reach execve byte for byte, so
// getopt's permutation, abbreviations (--dry matching --dry-run) and
// POSIXLY_CORRECT differences are all things we do not want. The rules:
// every word before `--` is either an exact flag or the single POLICY
// path; `--` is mandatory and must be followed by at least the command
// (only --dry-run may go without both).
// A policy whose file name starts with '-' is spelled ./-name.
#include "launcher/Options.h"

#include "launcher/Backend.h"
#include "launcher/Die.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#ifndef KAVACH_VERSION
#define KAVACH_VERSION "unknown"
#endif

namespace kavach::launch {

namespace {

constexpr const char *kUsage =
    "usage: kavach-launch [--best-effort] [--dry-run] [--require-signature PUBKEY] POLICY.bin -- "
    "CMD [ARGS...]";
constexpr const char *kUsageDryRun =
    "       kavach-launch --dry-run [--best-effort] POLICY.bin\n"
    "       kavach-launch --verify [--output-format=text|json] [--best-effort] POLICY.bin\n"
    "       kavach-launch --explain POLICY.bin\n"
    "       kavach-launch --learn OUT.kv -- CMD [ARGS...]";

constexpr const char *kHelp =
    "Applies a compiled kavach policy (Landlock rules and a seccomp filter) to\n"
    "itself, then executes CMD in place (no fork).\n"
    "\n"
    "options:\n"
    "  --best-effort  run with degraded enforcement when the kernel lacks a\n"
    "                 Landlock right or seccomp, instead of refusing\n"
    "  --dry-run      print what would be enforced on this kernel; run nothing\n"
    "  --verify       apply the policy, then check from inside (a re-exec of\n"
    "                 kavach-launch) that every part is in force; exit 1 if not\n"
    "  --output-format=text|json  the --verify report's format\n"
    "  --explain      say what the policy does, in plain words; run nothing\n"
    "  --learn OUT.kv run CMD unconfined while recording its syscalls, files and\n"
    "                 TCP ports, then write a policy for it (see docs/learn.md)\n"
    "  --backend process|oci|gvisor|noop|auto\n"
    "                 where CMD runs: this process (default), an OCI container\n"
    "                 (crun/runc, with --rootfs DIR; --runtime crun|runc), gVisor\n"
    "                 (runsc), no sandbox at all (noop, with a warning), or the\n"
    "                 best-scoring one available here (auto; see docs/oci.md)\n"
    "  --require-signature PUBKEY\n"
    "                 refuse POLICY.bin unless it is signed by the Ed25519 key\n"
    "                 in the file PUBKEY (kavachc --gen-key, --sign-key)\n"
    "  --help         print this help\n"
    "  --version      print the version\n"
    "\n"
    "exit status: 125 refused or failed before exec, 126 CMD cannot be\n"
    "executed, 127 CMD not found; otherwise the status of CMD.\n";

[[noreturn]] void usageError(std::string what) {
  Problem problem;
  problem.what = std::move(what);
  problem.hint = kUsage;
  dieWith(problem);
}

// --help and --version succeed only if the text was written (as coreutils
// do): `kavach-launch --version >&-` is an error, not a silent 0.
[[noreturn]] void exitAfterPrinting() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    die(kExitSetup, errno, "cannot write to stdout");
  std::exit(0);
}

} // namespace

Options parseOptions(int argc, char **argv) {
  Options options;
  int i = 1;
  for (; i < argc; ++i) {
    const char *arg = argv[i];
    if (std::strcmp(arg, "--") == 0)
      break;
    if (std::strcmp(arg, "--help") == 0) {
      std::printf("%s\n%s\n\n%s", kUsage, kUsageDryRun, kHelp);
      exitAfterPrinting();
    }
    if (std::strcmp(arg, "--version") == 0) {
      std::printf("kavach-launch %s\n", KAVACH_VERSION);
      exitAfterPrinting();
    }
    if (std::strcmp(arg, "--best-effort") == 0) {
      options.bestEffort = true;
      continue;
    }
    if (std::strcmp(arg, "--dry-run") == 0) {
      options.dryRun = true;
      continue;
    }
    if (std::strcmp(arg, "--explain") == 0) {
      options.explain = true;
      continue;
    }
    if (std::strcmp(arg, "--verify") == 0) {
      options.verify = true;
      continue;
    }
    if (std::strncmp(arg, "--output-format=", 16) == 0) {
      if (std::strcmp(arg + 16, "json") != 0 && std::strcmp(arg + 16, "text") != 0)
        usageError(strFormat("unknown output format '%s' (text or json)", arg + 16));
      options.json = std::strcmp(arg + 16, "json") == 0;
      continue;
    }
    if (std::strcmp(arg, "--learn") == 0) {
      if (i + 1 == argc || options.learnPath)
        usageError(i + 1 == argc ? "--learn needs the policy file to write"
                                 : "--learn given twice");
      options.learnPath = argv[++i];
      continue;
    }
    if (parseBackendOption(options, argc, argv, i)) // Backend.cpp
      continue;
    if (std::strcmp(arg, "--require-signature") == 0) {
      if (i + 1 == argc || options.signerKeyPath)
        usageError(i + 1 == argc ? "--require-signature needs a public key file"
                                 : "--require-signature given twice");
      options.signerKeyPath = argv[++i];
      continue;
    }
    if (arg[0] == '-' && arg[1] != '\0')
      usageError(strFormat("unknown option '%s'", arg));
    if (options.policyPath)
      usageError(strFormat("unexpected argument '%s' (is '--' missing before the command?)", arg));
    options.policyPath = arg;
  }
  // --learn writes a policy instead of reading one.
  if (options.learnPath && (options.policyPath || options.dryRun || options.verify ||
                            options.explain || options.signerKeyPath || options.bestEffort))
    usageError("--learn takes no POLICY.bin and no other option");
  if (!options.policyPath && !options.learnPath)
    usageError("no policy file given");
  // A dry run may omit the command: it then reports on the policy and the
  // kernel only. --verify runs its own checker instead of a command.
  if (options.verify && (i != argc || options.dryRun))
    usageError("--verify takes no command and no --dry-run");
  if (i == argc && (options.dryRun || options.verify || options.explain))
    return options;
  if (i == argc)
    usageError("missing '--' before the command");
  if (i + 1 == argc)
    usageError("no command given after '--'");
  options.command = argv + i + 1; // argv[argc] is NULL, so this is NULL-terminated
  return options;
}

} // namespace kavach::launch

# lit configuration for testing a project's own kavach policies, installed as
# PREFIX/share/kavach/lit/kavach.cfg.py. A project loads it from the
# lit.cfg.py in its policies/ folder:
#
#   config.name = "policies"
#   lit_config.load_config(config, lit_config.params.get(
#       "kavach_lit", "/usr/share/kavach/lit/kavach.cfg.py"))
#
# and runs `lit -sv policies/` (lit: the llvm-14-tools package's
# /usr/lib/llvm-14/build/utils/lit/lit.py, or `pip install lit`).
# docs/testing-policies.md walks through it.
#
# What it provides, all found relative to this file, so a kavach installed
# under any prefix tests with its own tools and stdlib:
#   %kavachc, %kavach-launch   PREFIX/bin/...
#   %stdlib                    PREFIX/share/kavach/stdlib-policies
#   %FileCheck                 FileCheck's path; its directory (with `not`,
#                              `count`, `split-file`) is also put first on PATH
#                              so RUN lines can say plain `FileCheck`
#   features `landlock`, `seccomp`, `root`, `x86_64` for REQUIRES: lines of
#   tests that run kavach-launch for real (a missing one prints UNSUPPORTED).
# FileCheck is looked up as: --param filecheck=PATH, then PATH, then the
# newest /usr/lib/llvm-*/bin/FileCheck (Debian: apt install llvm-14-tools).
# A missing tool stops lit with a message saying which and how to get it:
# a suite that silently ran nothing would pass.
import ctypes
import glob
import os
import platform
import shutil

import lit.formats

prefix = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))

if not getattr(config, "name", None):
    config.name = "kavach-policies"
config.test_format = lit.formats.ShTest(execute_external=True)
if not config.suffixes:
    config.suffixes = [".kv", ".test"]
config.excludes = list(config.excludes or []) + ["lit.cfg.py", "Inputs", "Output"]


def need(path, what):
    if not os.path.exists(path):
        lit_config.fatal("%s not found at %s (is kavach installed under %s?)" % (what, path, prefix))
    return path


kavachc = need(os.path.join(prefix, "bin", "kavachc"), "kavachc")
launcher = need(os.path.join(prefix, "bin", "kavach-launch"), "kavach-launch")
stdlib = need(os.path.join(prefix, "share", "kavach", "stdlib-policies"), "the kavach stdlib")


def find_filecheck():
    given = lit_config.params.get("filecheck")
    if given:
        return given if os.path.exists(given) else None
    on_path = shutil.which("FileCheck")
    if on_path:
        return on_path
    versions = sorted(glob.glob("/usr/lib/llvm-*/bin/FileCheck"),
                      key=lambda p: int(p.split("/llvm-")[1].split("/")[0]))
    return versions[-1] if versions else None


filecheck = find_filecheck()
if not filecheck:
    lit_config.fatal("FileCheck not found: install it (Debian: apt install llvm-14-tools) "
                     "or pass --param filecheck=PATH")
filecheck = os.path.realpath(filecheck)

config.environment["PATH"] = os.pathsep.join(
    [os.path.dirname(filecheck), os.path.join(prefix, "bin"), os.environ.get("PATH", "/usr/bin:/bin")])
config.environment["LC_ALL"] = "C"
for var in ("HOME", "TERM"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

config.substitutions.append(("%kavachc", kavachc))
config.substitutions.append(("%kavach-launch", launcher))
config.substitutions.append(("%stdlib", stdlib))
config.substitutions.append(("%FileCheck", filecheck))

# Kernel features for tests that run kavach-launch for real.
if platform.machine() == "x86_64":
    config.available_features.add("x86_64")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1)) >= 1:
        config.available_features.add("landlock")
if os.path.exists("/proc/sys/kernel/seccomp/actions_avail"):
    config.available_features.add("seccomp")
if os.geteuid() == 0:
    config.available_features.add("root")

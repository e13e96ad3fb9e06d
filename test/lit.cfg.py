# lit configuration for kavach: tool behaviour (test/kavachc), real-kernel
# enforcement (test/kavach-launch) and the stdlib (test/stdlib).
import ctypes
import os
import platform

import lit.formats

config.name = "kavach"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".kv", ".test"]
config.excludes = ["Inputs", "probes", "unit", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kavach_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.kavach_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.environment["LC_ALL"] = "C"
config.environment.pop("TMPDIR", None)

def tool(name):
    return os.path.join(config.kavach_tools_dir, name)

config.substitutions.append(("%kavachc", tool("kavachc")))
config.substitutions.append(("%kavach-launch", tool("kavach-launch")))
# Many sandboxes get a fresh tmpfs on /tmp, which hides the host's /tmp. When
# the build tree lives there (a CI clone in /tmp), the tests' scratch files
# (%t) go to a directory under /var/tmp instead, and the programs that run
# inside sandboxes (the probes) are copied next to them.
def sandbox_visible_tools():
    obj = os.path.realpath(config.kavach_obj_root)
    if not obj.startswith("/tmp/"):
        return config.kavach_tools_dir
    import hashlib
    import shutil
    outside = "/var/tmp/kavach-lit-" + hashlib.sha256(obj.encode()).hexdigest()[:12]
    os.makedirs(os.path.join(outside, "bin"), exist_ok=True)
    config.test_exec_root = os.path.join(outside, "test")
    for name in ("kavach-probe", "kavach-escape"):
        if os.path.exists(tool(name)):
            shutil.copy2(tool(name), os.path.join(outside, "bin", name))
    lit_config.note("build tree is under /tmp, which sandboxes replace: test files and "
                    "probes are in %s" % outside)
    return os.path.join(outside, "bin")

visible_tools = sandbox_visible_tools()
config.substitutions.append(("%probe", os.path.join(visible_tools, "kavach-probe")))
config.substitutions.append(("%escape", os.path.join(visible_tools, "kavach-escape")))
config.substitutions.append(("%stdlib", config.kavach_stdlib_dir))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
# lit itself, for tests that run a lit suite (the installed configuration's test).
import sys
config.substitutions.append(("%lit", sys.executable + " " + getattr(config, "kavach_lit", "lit")))
# FileCheck, not, count and split-file come from llvm_tools_dir, first on PATH.

# ---- Features the kernel tests need; a missing one marks them unsupported
# (lit prints the reason as UNSUPPORTED with the REQUIRES line).
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
if platform.machine() == "x86_64":
    config.available_features.add("x86_64")
    # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    abi = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi >= 1:
        config.available_features.add("landlock")
        for v in range(1, abi + 1):
            config.available_features.add("landlock-abi-%d" % v)
    if os.path.exists("/proc/sys/kernel/seccomp/actions_avail"):
        config.available_features.add("seccomp")
if os.geteuid() == 0:
    config.available_features.add("root")

# i386 syscalls through `int 0x80` exist only where the kernel has IA32
# emulation; elsewhere they fault even without a filter, so a test that
# expects the filter to kill them proves nothing there.
import signal
import subprocess
probe = tool("kavach-probe")
if os.path.exists(probe) and platform.machine() == "x86_64":
    r = subprocess.run([probe, "int80"], capture_output=True)
    if r.returncode == 0:
        config.available_features.add("ia32-emulation")
    else:
        lit_config.note("IA32 emulation is off on this kernel (bare int 0x80 ends with status %d); "
                        "i386 kernel tests are skipped, the filter's i386 handling is still tested "
                        "with the BPF interpreter" % r.returncode)

# kavach-launch's process tests started by an ordinary user: root runs them
# through setpriv, and the kernel must allow unprivileged user namespaces.
# `cgroup-v1-or-v2-memory-pids`: this process's cgroup has the memory and
# pids controllers somewhere root can create a child cgroup.
import shutil
if os.geteuid() == 0 and shutil.which("setpriv") and shutil.which("unshare"):
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "unshare", "-U", "true"], capture_output=True)
    if r.returncode == 0:
        config.available_features.add("unprivileged-userns")
if os.geteuid() == 0 and os.path.exists("/proc/self/cgroup"):
    with open("/proc/self/cgroup") as f:
        cg = f.read()
    if ("memory" in cg and "pids" in cg) or os.path.exists("/sys/fs/cgroup/cgroup.subtree_control"):
        config.available_features.add("cgroup-limits")
    # `cgroup-cpu`: the cpu controller, on a v1 hierarchy or enabled for
    # children in this process's v2 cgroup (what kavach-launch looks for).
    v1cpu = any(l.split(":")[1] and "cpu" in l.split(":")[1].split(",")
                for l in cg.splitlines() if l.count(":") >= 2)
    # This process's v2 cgroup directory: the cgroup2 mount point (from
    # mountinfo, as kavach-launch finds it: /sys/fs/cgroup, or
    # /sys/fs/cgroup/unified on a hybrid host) plus its "0::" path.
    v2mount = "/sys/fs/cgroup"
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            if post.split(" ")[0] == "cgroup2":
                v2mount = pre.split(" ")[4]
                break
    v2root = os.path.normpath(v2mount + "/" + next((l.split(":", 2)[2] for l in cg.splitlines()
                                                    if l.startswith("0::")), "/"))
    v2cpu = False
    try:
        with open(os.path.join(v2root, "cgroup.subtree_control")) as f:
            v2cpu = "cpu" in f.read().split()
    except OSError:
        pass
    if v1cpu or v2cpu:
        config.available_features.add("cgroup-cpu")
    else:
        lit_config.note("no cpu cgroup controller for this process (v1 or v2 subtree_control): "
                        "the cpu quota tests are skipped")
    # `cgroup-v2-controllers`: a cgroup2 hierarchy at /sys/fs/cgroup where
    # this process's cgroup enables memory, pids and cpu for its children.
    # Hybrid hosts (the controllers bound to v1 hierarchies) lack it.
    v2have = set()
    try:
        with open(os.path.join(v2root, "cgroup.subtree_control")) as f:
            v2have = set(f.read().split())
    except OSError:
        pass
    if {"memory", "pids", "cpu"} <= v2have:
        config.available_features.add("cgroup-v2-controllers")
    else:
        lit_config.note("cgroup v2: %s/cgroup.subtree_control does not enable memory, pids "
                        "and cpu (have: %s; a hybrid or v1 host): the v2 limit tests are "
                        "skipped" % (v2root, " ".join(sorted(v2have)) or "none"))

# `static-launcher`: kavach-launch has no ELF interpreter (the default build;
# sanitizer builds link it dynamically), so it starts under policies that
# deny opening shared libraries.
launcher = tool("kavach-launch")
if os.path.exists(launcher):
    r = subprocess.run(["ldd", launcher], capture_output=True, text=True)
    if "not a dynamic executable" in (r.stdout + r.stderr):
        config.available_features.add("static-launcher")


# Container runtimes for the test/oci suite (runc, crun, runsc, podman): a
# feature when the program is on PATH and `PROGRAM --version` works; the
# reason is printed when it is not, and the tests needing it are UNSUPPORTED.
for rt in ("runc", "crun", "runsc", "podman"):
    path = shutil.which(rt)
    why = None
    if not path:
        why = "%s is not on PATH" % rt
    else:
        r = subprocess.run([path, "--version"], capture_output=True)
        if r.returncode != 0:
            why = "`%s --version` exits %d" % (path, r.returncode)
    if why:
        lit_config.note("%s: the tests that run it are unsupported" % why)
    else:
        config.available_features.add(rt)
config.substitutions.append(("%make-rootfs", "/bin/sh " + os.path.join(
    config.test_source_root, "oci", "Inputs", "make-rootfs.sh")))

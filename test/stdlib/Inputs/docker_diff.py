#!/usr/bin/python3
"""Differential check of std.docker_default against Docker's JSON profile.

usage: docker_diff.py PROFILE.json SIMULATE_ALL_OUTPUT

SIMULATE_ALL_OUTPUT is `kavachc docker_default.kv --arch=x86_64 --simulate-all`:
one line per x86_64 syscall kavachc knows, "x86_64 NAME NR -> ACTION", run
with all arguments 0. For each of them this script computes what Docker's
profile gives an unprivileged container (no added capabilities) on amd64
for the same call, the way libseccomp applies the profile: an entry applies
unless its `includes` names caps (none granted), arches without amd64, or
its `excludes` names amd64; minKernel is assumed met; an entry with `args`
matches when every comparison holds on zero arguments; any matching
entry's action wins over the default.

Every difference must be listed in EXPECTED with the reason; an unlisted
difference, a listed one that no longer occurs, or a documented
"unknown to kavachc" name that kavachc now knows fails the test.
"""
import json
import sys

# name -> (docker, kavach, why)
EXPECTED = {
}
# Allowed by Docker but unknown to the libseccomp tables kavachc uses: they
# are absent from --simulate-all and get the `unknown` action (ENOSYS).
UNKNOWN_TO_KAVACHC = {"getxattrat", "listmount", "listxattrat", "mseal", "removexattrat",
                      "setxattrat", "statmount", "uretprobe"}

OPS = {
    "SCMP_CMP_EQ": lambda a, v, v2: a == v,
    "SCMP_CMP_NE": lambda a, v, v2: a != v,
    "SCMP_CMP_LT": lambda a, v, v2: a < v,
    "SCMP_CMP_LE": lambda a, v, v2: a <= v,
    "SCMP_CMP_GT": lambda a, v, v2: a > v,
    "SCMP_CMP_GE": lambda a, v, v2: a >= v,
    "SCMP_CMP_MASKED_EQ": lambda a, v, v2: (a & v) == v2,
}
ERRNO = {1: "EPERM", 38: "ENOSYS"}


def action(act, errno_ret, default_errno):
    if act == "SCMP_ACT_ALLOW":
        return "allow"
    if act == "SCMP_ACT_ERRNO":
        e = errno_ret if errno_ret is not None else default_errno
        return "errno(%s)" % ERRNO.get(e, e)
    if act == "SCMP_ACT_KILL_PROCESS":
        return "kill_process"
    raise SystemExit("unhandled action " + act)


def docker_action(profile, name):
    default = action(profile["defaultAction"], profile.get("defaultErrnoRet"), 1)
    args = [0] * 6
    for e in profile["syscalls"]:
        if name not in e["names"]:
            continue
        inc, exc = e.get("includes") or {}, e.get("excludes") or {}
        if inc.get("caps"):
            continue
        if inc.get("arches") and "amd64" not in inc["arches"]:
            continue
        if exc.get("arches") and "amd64" in exc["arches"]:
            continue
        if all(OPS[a["op"]](args[a["index"]], a["value"], a.get("valueTwo", 0))
               for a in e.get("args") or []):
            return action(e["action"], e.get("errnoRet"), profile.get("defaultErrnoRet", 1))
    return default


def main():
    profile = json.load(open(sys.argv[1]))
    kavach = {}
    for line in open(sys.argv[2]):
        arch, name, nr, arrow, act = line.split()
        kavach[name] = act
    if len(kavach) < 300:
        raise SystemExit("suspiciously few syscalls in the simulate-all output: %d" % len(kavach))
    failures = []
    seen = set()
    for name, got in sorted(kavach.items()):
        want = docker_action(profile, name)
        if want == got:
            continue
        if name in EXPECTED and EXPECTED[name][:2] == (want, got):
            seen.add(name)
            print("expected difference: %s docker=%s kavach=%s (%s)" % (name, want, got, EXPECTED[name][2]))
            continue
        failures.append("%s: docker=%s kavach=%s" % (name, want, got))
    for name in sorted(set(EXPECTED) - seen):
        failures.append("%s: documented difference no longer occurs; update EXPECTED and the policy header" % name)
    for name in sorted(UNKNOWN_TO_KAVACHC & set(kavach)):
        failures.append("%s: kavachc now knows it; allow it in docker_default.kv" % name)
    for f in failures:
        print("MISMATCH " + f)
    print("compared %d x86_64 syscalls, %d mismatches" % (len(kavach), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

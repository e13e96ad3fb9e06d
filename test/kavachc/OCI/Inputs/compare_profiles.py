#!/usr/bin/python3
"""compare_profiles.py ORIGINAL.json EXPORTED.json SIMULATE_ALL.txt

The Docker round trip: for every x86_64 syscall (the names of `kavachc
--simulate-all --arch=x86_64`), the action ORIGINAL gives a default
`docker run` (default capabilities, amd64) must equal the one EXPORTED
gives, for every argument vector built from the constants either profile
compares with (and their neighbours). An independent oracle: it does not
share code with kavachc's importer or exporter. Prints one line per
difference and 'same: N syscalls'."""
import itertools
import json
import sys

DEFAULT_CAPS = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
                "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
                "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}


def applies(e):
    inc, exc = e.get("includes", {}), e.get("excludes", {})
    if inc.get("arches") and "amd64" not in inc["arches"]:
        return False
    if "amd64" in exc.get("arches", []):
        return False
    if any(c not in DEFAULT_CAPS for c in inc.get("caps", [])):
        return False
    if any(c in DEFAULT_CAPS for c in exc.get("caps", [])):
        return False
    return True


def holds(a, args):
    x, v, op = args[a["index"]], a["value"], a["op"]
    return {"SCMP_CMP_EQ": x == v, "SCMP_CMP_NE": x != v, "SCMP_CMP_LT": x < v,
            "SCMP_CMP_LE": x <= v, "SCMP_CMP_GT": x > v, "SCMP_CMP_GE": x >= v,
            "SCMP_CMP_MASKED_EQ": (x & v) == a.get("valueTwo", 0)}[op]


def action(p, name, args):
    def act(e):
        return (e["action"], e.get("errnoRet", 1) if e["action"] == "SCMP_ACT_ERRNO" else 0)
    uncond, cond = None, None
    for e in p["syscalls"]:
        if name not in e.get("names", []) or not applies(e):
            continue
        if e.get("args"):
            if cond is None and all(holds(a, args) for a in e["args"]):
                cond = act(e)
        elif uncond is None:
            uncond = act(e)
    d = (p["defaultAction"], p.get("defaultErrnoRet", 1) if p["defaultAction"] == "SCMP_ACT_ERRNO" else 0)
    return cond or uncond or d


def main():
    orig, exp = (json.load(open(f)) for f in sys.argv[1:3])
    names = [l.split()[1] for l in open(sys.argv[3]) if l.strip()]
    consts = {0, 2**64 - 1, 2**32 - 1}
    for p in (orig, exp):
        for e in p["syscalls"]:
            for a in e.get("args", []):
                for v in (a["value"], a.get("valueTwo", 0)):
                    consts |= {v, max(v - 1, 0), min(v + 1, 2**64 - 1)}
    diffs = 0
    for n in names:
        idx = {a["index"] for p in (orig, exp) for e in p["syscalls"] if n in e.get("names", [])
               for a in e.get("args", [])}
        for combo in itertools.product(sorted(consts), repeat=len(idx)):
            args = [0] * 6
            for i, v in zip(sorted(idx), combo):
                args[i] = v
            a, b = action(orig, n, args), action(exp, n, args)
            if a != b:
                print("differs: %s%s: original %s, exported %s" % (n, tuple(args[:max(idx, default=-1) + 1]), a, b))
                diffs += 1
                break
    print("same: %d syscalls" % (len(names) - diffs))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())

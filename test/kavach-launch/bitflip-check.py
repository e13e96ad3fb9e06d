#!/usr/bin/env python3
"""Damages a policy.bin every way a single bit flip or a truncation can and
runs `kavach-launch [OPTION...] FILE -- /bin/echo RAN` on each: every variant
must be refused with exit 125 and the command must never run. Used by
bitflip.test. Variants run in parallel, one worker per CPU.

usage: bitflip-check.py LAUNCHER POLICY.bin WORKDIR [LAUNCHER-OPTION...]
"""
import concurrent.futures
import os
import subprocess
import sys
import threading

launcher, policy, work = sys.argv[1:4]
options = sys.argv[4:]
data = open(policy, "rb").read()
os.makedirs(work, exist_ok=True)
# This test is about refusals, not leaks: in a sanitizer build, skip
# LeakSanitizer's exit-time scan (it dominates the run time); every other
# test still runs with it.
env = dict(os.environ)
env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
local = threading.local()


def launch(content):
    if not hasattr(local, "path"):
        local.path = os.path.join(work, "variant-%d.bin" % threading.get_ident())
    with open(local.path, "wb") as f:
        f.write(content)
    r = subprocess.run([launcher] + options + [local.path, "--", "/bin/echo", "RAN"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    return r.returncode, b"RAN" in r.stdout


# The control: the intact file runs the command, so a refusal below is
# caused by the damage and not by the environment.
rc, ran = launch(data)
if rc != 0 or not ran:
    sys.exit("control: intact %s gave status %d, ran=%s" % (policy, rc, ran))

variants = []
for i in range(len(data)):
    for bit in range(8):
        flipped = bytearray(data)
        flipped[i] ^= 1 << bit
        variants.append(("bit %d of byte %d" % (bit, i), bytes(flipped)))
for n in range(len(data)):
    variants.append(("truncated to %d bytes" % n, data[:n]))


def check(variant):
    what, content = variant
    rc, ran = launch(content)
    return None if rc == 125 and not ran else "%s: status %d, ran=%s" % (what, rc, ran)


with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
    bad = [b for b in pool.map(check, variants) if b]

print("%d bytes: %d variants (%d bit flips, %d truncations), %d not refused" %
      (len(data), len(variants), 8 * len(data), len(data), len(bad)))
for b in bad[:20]:
    print("NOT REFUSED: " + b)
sys.exit(1 if bad else 0)

#!/usr/bin/env python3
"""Damages a policy.bin every way a single bit flip or a truncation can and
runs `kavach-launch FILE -- /bin/echo RAN` on each: every variant must be
refused with exit 125 and the command must never run. Used by bitflip.test.

usage: bitflip-check.py LAUNCHER POLICY.bin WORKDIR [LAUNCHER-OPTION...]
"""
import os
import subprocess
import sys

launcher, policy, work = sys.argv[1:4]
options = sys.argv[4:]
data = open(policy, "rb").read()
os.makedirs(work, exist_ok=True)
target = os.path.join(work, "variant.bin")


def launch(content):
    with open(target, "wb") as f:
        f.write(content)
    r = subprocess.run([launcher] + options + [target, "--", "/bin/echo", "RAN"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.returncode, b"RAN" in r.stdout


# The control: the intact file runs the command, so a refusal below is
# caused by the damage and not by the environment.
rc, ran = launch(data)
if rc != 0 or not ran:
    sys.exit("control: intact %s gave status %d, ran=%s" % (policy, rc, ran))

bad = []
variants = 0
for i in range(len(data)):
    for bit in range(8):
        flipped = bytearray(data)
        flipped[i] ^= 1 << bit
        rc, ran = launch(bytes(flipped))
        variants += 1
        if rc != 125 or ran:
            bad.append("bit %d of byte %d: status %d, ran=%s" % (bit, i, rc, ran))
for n in range(len(data)):
    rc, ran = launch(data[:n])
    variants += 1
    if rc != 125 or ran:
        bad.append("truncated to %d bytes: status %d, ran=%s" % (n, rc, ran))

print("%d bytes: %d variants (%d bit flips, %d truncations), %d not refused" %
      (len(data), variants, 8 * len(data), len(data), len(bad)))
for b in bad[:20]:
    print("NOT REFUSED: " + b)
sys.exit(1 if bad else 0)

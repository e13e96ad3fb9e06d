#!/usr/bin/env bash
# bench/launch/run.sh BUILD_DIR [N]: launch cost of kavach-launch against
# bare /bin/true, a static exec-only helper (the floor for any launcher
# that execs), the minimal reference launcher in C (ref-launcher.c: the
# same precompiled filter and Landlock paths, no checks), and the peers
# installed here (unshare, bwrap, firejail, crun), interleaved round by
# round, N runs each (default 200). Prints one markdown table on stdout:
# min and median, as ratios to bare /bin/true, and each program's size and
# linking (ldd). Policies (README.md): direct.kv (direct mode, no
# namespace), std.strict as shipped (supervised: net namespace + cgroup
# limits), ns4.kv (user, pid, mount, net namespaces, supervised), ns4-host.kv
# (the same keeping the host's /dev and /tmp: the mounts the peers set up).
set -euo pipefail
build=$1
n=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /var/tmp/kavach-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/launchbench" "$here/launchbench.c"
cc -O2 -static -o "$work/exec-only" "$here/exec-only.c"
cc -O2 -static -o "$work/ref-launcher" "$here/ref-launcher.c"
cc -O2 -static -o "$work/crun-hybrid" "$here/crun-hybrid.c"
cp "$build/bin/kavach-launch" "$work/"
kavachc=$build/bin/kavachc
stdlib=$(cd "$here/../../stdlib-policies" && pwd)
cp "$here/direct.kv" "$here/ns4.kv" "$here/ns4-host.kv" "$work/"
"$kavachc" "$stdlib/strict.kv" -o "$work/strict.bin"
"$kavachc" "$work/direct.kv" -o "$work/direct.bin"
# The same without the Backends section (scores, OCI templates: most of the
# file), to show what hashing and reading it costs per launch.
"$kavachc" "$work/direct.kv" --no-backend-section -o "$work/direct-nobackends.bin"
"$kavachc" "$work/ns4.kv" -o "$work/ns4.bin"
"$kavachc" "$work/ns4-host.kv" -o "$work/ns4-host.bin"
"$kavachc" "$work/direct.kv" --emit=bpf --arch=x86_64 -o "$work/direct.bpf"
cd "$work"
# The reference launcher gets the same paths kavach-launch opens for direct.bin.
mapfile -t paths < <(./kavach-launch --dry-run direct.bin | sed -n "s/^  path '\([^']*\)'.*/\1/p")
cmds=(/bin/true :: ./exec-only /bin/true
  :: ./ref-launcher direct.bpf "${paths[@]}" -- /bin/true
  :: ./kavach-launch direct.bin -- /bin/true
  :: ./kavach-launch direct-nobackends.bin -- /bin/true
  :: ./kavach-launch strict.bin -- /bin/true
  :: ./kavach-launch ns4.bin -- /bin/true
  :: ./kavach-launch ns4-host.bin -- /bin/true
  :: /usr/bin/unshare -Urpfm /bin/true :: /usr/bin/unshare -Urpfmn /bin/true)
if command -v bwrap >/dev/null; then
  bwrap=$(command -v bwrap)
  # The least it needs to run /bin/true, then the same mounts ns4 gets.
  cmds+=(:: "$bwrap" --unshare-all --ro-bind / / /bin/true
    :: "$bwrap" --unshare-all --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp /bin/true)
fi
if command -v firejail >/dev/null; then
  # No profile (its default profile adds much more); the namespaces and
  # mounts ns4 gets: net none, a private /dev and /tmp.
  cmds+=(:: "$(command -v firejail)" --quiet --noprofile --net=none --private-dev --private-tmp
    /bin/true)
fi
if command -v crun >/dev/null; then
  # A bundle: read-only root with /usr bound in (merged /usr: /bin, /lib are
  # links), crun spec's namespaces (pid, net, ipc, uts, mount) and mounts.
  mkdir -p bundle/rootfs/{usr,proc,dev,sys,tmp}
  for l in bin lib lib64 sbin; do ln -s "usr/$l" "bundle/rootfs/$l"; done
  (cd bundle && crun spec)
  python3 - bundle/config.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"].update(terminal=False, args=["/bin/true"])
c["root"] = {"path": "rootfs", "readonly": True}
c["mounts"].append({"destination": "/usr", "type": "bind", "source": "/usr",
                    "options": ["rbind", "ro"]})
json.dump(c, open(sys.argv[1], "w"))
PY
  cmds+=(:: ./crun-hybrid "$(command -v crun)" --root "$work/crun-state" run --bundle "$work/bundle"
    kbench)
fi

# Size and linking of a command's program (for crun-hybrid: crun's).
binary() {
  local prog=$1
  [ "$prog" = ./crun-hybrid ] && prog=$(command -v crun)
  prog=$(readlink -f "$prog")
  local size libs out
  size=$(stat -c %s "$prog")
  out=$(ldd "$prog" 2>&1 || true)
  if [[ $out == *"not a dynamic executable"* ]]; then
    libs="static (ldd: not a dynamic executable)"
  else
    libs="ldd: $(awk '$1 !~ /^linux-vdso|^\/lib64\/ld-linux/ {sub(/\.so.*/, "", $1); print $1}' <<<"$out" | paste -sd, -)"
  fi
  printf '%s KB, %s' "$((size / 1024))" "$libs"
}

echo "| command | min µs | median µs | min × | median × | binary (size, ldd) |"
echo "|---|---:|---:|---:|---:|---|"
./launchbench "$n" -- "${cmds[@]}" | while IFS=$'\t' read -r _ mn md mnx mdx cmd; do
  prog=${cmd%% *}
  shown=$cmd
  # The reference launcher's path list is long: show its count.
  case $cmd in ./ref-launcher*) shown="./ref-launcher direct.bpf (${#paths[@]} paths) -- /bin/true" ;; esac
  shown=${shown//$work\//}
  echo "| \`$shown\` | $mn | $md | $mnx | $mdx | $(binary "$prog") |"
done

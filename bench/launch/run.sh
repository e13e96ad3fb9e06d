#!/bin/sh
# bench/launch/run.sh BUILD_DIR [N]: launch cost of kavach-launch against
# bare /bin/true, a static exec-only helper (the floor for any launcher
# that execs), the minimal reference launcher in C (ref-launcher.c: the
# same precompiled filter and Landlock paths, no checks), and the peers
# installed here (unshare, bwrap, firejail),
# interleaved round by round, N runs each (default 200). Ratios are to
# bare /bin/true. Policies: std.strict with its `network none` (direct
# mode, one net namespace), std.strict without a namespace (direct, no
# namespace), and std.strict plus user,pid,mount,net (supervised).
set -eu
build=$1
n=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /var/tmp/kavach-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/launchbench" "$here/launchbench.c"
cc -O2 -static -o "$work/exec-only" "$here/exec-only.c"
cc -O2 -static -o "$work/ref-launcher" "$here/ref-launcher.c"
cp "$build/bin/kavach-launch" "$work/"
kavachc=$build/bin/kavachc
stdlib=$(cd "$here/../../stdlib-policies" && pwd)
printf 'policy direct extends std.strict { network { connect tcp 1; } }\n' >"$work/direct.kv"
printf 'policy ns4 extends std.strict { namespaces { user, pid, mount, net; } }\n' >"$work/ns4.kv"
"$kavachc" "$stdlib/strict.kv" -o "$work/strict.bin"
"$kavachc" "$work/direct.kv" -o "$work/direct.bin"
"$kavachc" "$work/ns4.kv" -o "$work/ns4.bin"
"$kavachc" "$work/direct.kv" --emit=bpf --arch=x86_64 -o "$work/direct.bpf"
cd "$work"
# The reference launcher gets the same paths kavach-launch opens for direct.bin.
paths=$(./kavach-launch --dry-run direct.bin | sed -n "s/^  path '\([^']*\)'.*/\1/p")
# shellcheck disable=SC2086 # one argument per path
set -- /bin/true :: ./exec-only /bin/true \
  :: ./ref-launcher direct.bpf $paths -- /bin/true \
  :: ./kavach-launch direct.bin -- /bin/true \
  :: ./kavach-launch strict.bin -- /bin/true \
  :: ./kavach-launch ns4.bin -- /bin/true \
  :: /usr/bin/unshare -Urpfm /bin/true :: /usr/bin/unshare -Urpfmn /bin/true
if command -v bwrap >/dev/null; then
  set -- "$@" :: "$(command -v bwrap)" --unshare-all --ro-bind / / /bin/true
fi
if command -v firejail >/dev/null; then
  set -- "$@" :: "$(command -v firejail)" --quiet --noprofile /bin/true
fi
./launchbench "$n" -- "$@"
echo
ls -l kavach-launch | awk '{print "kavach-launch size: " $5 " bytes"}'
ldd ./kavach-launch 2>&1 | sed 's/^/ldd: /'

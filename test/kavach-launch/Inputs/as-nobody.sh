#!/bin/sh
# as-nobody.sh FILE... -- CMD [ARGS...]: runs CMD as uid/gid 65534 with no
# supplementary groups (setpriv), after copying each FILE into a fresh
# world-readable directory (the build tree may not be readable by nobody);
# any argument of CMD that names one of the FILEs is replaced by its copy.
# The exit status is CMD's.
set -u
# Not under /tmp: a mount namespace hides it behind a fresh tmpfs.
dir=$(mktemp -d /var/tmp/kavach-nobody.XXXXXX) || exit 99
chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
files=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  cp "$1" "$dir/" || exit 99
  files="$files $1"
  shift
done
shift
chmod -R a+rX "$dir"
for a in "$@"; do
  for f in $files; do
    [ "$a" = "$f" ] && a="$dir/$(basename "$f")"
  done
  set -- "$@" "$a"
  shift
done
setpriv --reuid=65534 --regid=65534 --clear-groups "$@"

#!/bin/sh
# A stand-in for runc/crun/runsc (installed under those names on a test
# PATH): records its command line and copies the bundle's config.json and
# kavach/ listing next to $FAKE_RUNTIME_OUT, then exits 7.
PATH=/usr/bin:/bin
printf '%s\n' "$0 $*" > "$FAKE_RUNTIME_OUT.argv"
while [ $# -gt 0 ]; do
  if [ "$1" = "--bundle" ]; then
    cp "$2/config.json" "$FAKE_RUNTIME_OUT.json"
    ls "$2/kavach" > "$FAKE_RUNTIME_OUT.kavach" 2>/dev/null || echo none > "$FAKE_RUNTIME_OUT.kavach"
  fi
  shift
done
exit 7

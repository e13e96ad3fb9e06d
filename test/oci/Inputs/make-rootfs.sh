#!/bin/sh
# make-rootfs.sh DIR PROBE: a minimal container root file system for the
# oci suite: busybox-static (Debian package busybox-static) with a few applet
# links, the static kavach-probe, and the mount points the runtimes need.
set -e
dir=$1 probe=$2
busybox=$(command -v busybox)
case "$(file -b "$busybox" 2>/dev/null)" in
*statically*) ;;
*) echo "make-rootfs.sh: $busybox is not static (install busybox-static)" >&2; exit 1 ;;
esac
rm -rf "$dir"
# /.kavach: the inner launcher's mount point, which a runtime working as a
# host_ids root could not create in a rootfs the host's root owns.
mkdir -p "$dir/bin" "$dir/tmp" "$dir/proc" "$dir/dev" "$dir/sys" "$dir/etc" "$dir/.kavach"
# runc gives a tmpfs the mode of the directory it covers (mode=1777 is lost).
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
cp "$probe" "$dir/bin/kavach-probe"
for applet in sh echo cat true ls grep id mknod; do ln -s busybox "$dir/bin/$applet"; done
echo 'root:x:0:0:root:/:/bin/sh' > "$dir/etc/passwd"

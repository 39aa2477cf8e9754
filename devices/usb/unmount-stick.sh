#!/bin/sh
# Unmounts a stick made by make-ext4-stick.sh or make-vfat-stick.sh (loop device released by
# umount, FUSE mounts through fusermount), like pulling it after "eject".
#   unmount-stick.sh MOUNTPOINT
set -u
if [ $# -lt 1 ]; then echo "usage: $0 MOUNTPOINT" >&2; exit 2; fi
mountpoint=$1
mountpoint -q "$mountpoint" 2>/dev/null || exit 0
fstype=$(findmnt -n -o FSTYPE --target "$mountpoint" 2>/dev/null || true)
case "$fstype" in
    fuse*) fusermount -u "$mountpoint" 2>/dev/null || umount "$mountpoint" ;;
    *) umount "$mountpoint" || umount -l "$mountpoint" ;;
esac

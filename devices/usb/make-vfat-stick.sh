#!/bin/sh
# Makes a FAT image of SIZE (as sticks come formatted) and mounts it through FUSE at
# MOUNTPOINT: the kernel here has no vfat driver, fusefat is the way (Debian: fusefat, dosfstools).
#   make-vfat-stick.sh IMAGE SIZE MOUNTPOINT
# fusefat cannot do renameat2(RENAME_NOREPLACE) (EINVAL), as FUSE FAT and exFAT on real
# machines cannot: the courier's check-then-rename fallback runs here.
set -eu
if [ $# -lt 3 ]; then echo "usage: $0 IMAGE SIZE MOUNTPOINT" >&2; exit 2; fi
image=$1 size=$2 mountpoint=$3
command -v mkfs.vfat >/dev/null || { echo "$0: mkfs.vfat missing: apt-get install dosfstools" >&2; exit 1; }
command -v fusefat >/dev/null || { echo "$0: fusefat missing: apt-get install fusefat" >&2; exit 1; }
[ -e /dev/fuse ] || { echo "$0: /dev/fuse missing: FUSE is not available here" >&2; exit 1; }
rm -f "$image"
truncate -s "$size" "$image"
mkfs.vfat -n PSRDSTICK "$image" >/dev/null
mkdir -p "$mountpoint"
# fusefat chats on stdout; keep our stdout for the mount point.
if ! out=$(fusefat -o rw+ "$image" "$mountpoint" 2>&1); then
    echo "$0: fusefat $image $mountpoint refused: $out" >&2
    exit 1
fi
echo "$mountpoint"

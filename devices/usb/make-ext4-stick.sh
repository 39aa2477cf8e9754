#!/bin/sh
# Makes an ext4 image of SIZE and loop-mounts it at MOUNTPOINT, as a stand-in for a USB stick.
#   make-ext4-stick.sh IMAGE SIZE MOUNTPOINT [ro]
# SIZE as truncate(1) reads it (16M, 1G). "ro" mounts it read-only (a write-protected stick).
# Needs root (mount -o loop) and e2fsprogs. Fails loudly, with the reason, where loop mounts
# are refused (a container without CAP_SYS_ADMIN or /dev/loop-control).
set -eu
if [ $# -lt 3 ]; then echo "usage: $0 IMAGE SIZE MOUNTPOINT [ro]" >&2; exit 2; fi
image=$1 size=$2 mountpoint=$3 mode=${4:-rw}
[ "$(id -u)" = 0 ] || { echo "$0: loop mounts need root (running as uid $(id -u))" >&2; exit 1; }
command -v mkfs.ext4 >/dev/null || { echo "$0: mkfs.ext4 missing: apt-get install e2fsprogs" >&2; exit 1; }
rm -f "$image"
truncate -s "$size" "$image"
# No reserved blocks and no journal: a small image then holds what its size says, and a
# "full stick" test fills it predictably.
mkfs.ext4 -q -F -m 0 -O ^has_journal -L PSRDSTICK "$image"
mkdir -p "$mountpoint"
if ! out=$(mount -o "loop,$mode" "$image" "$mountpoint" 2>&1); then
    echo "$0: mount -o loop $image $mountpoint refused: $out" >&2
    exit 1
fi
# A fresh ext4 root belongs to root with mode 0755: fine for root, the only user here.
echo "$mountpoint"

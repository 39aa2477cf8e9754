#!/bin/sh
# Reads and writes a FAT image with mtools, without mounting it (what a machine without FUSE
# or root can still do with a stick image).
#   vfat-image.sh put IMAGE FILE...     copy files into the image's root directory
#   vfat-image.sh get IMAGE NAME DEST   copy a file out of the image
#   vfat-image.sh ls IMAGE              list the root directory
#   vfat-image.sh new IMAGE SIZE        make an empty FAT image
# MTOOLS_SKIP_CHECK: fusefat writes a FAT[0] mtools would otherwise call invalid.
set -eu
export MTOOLS_SKIP_CHECK=1
command -v mcopy >/dev/null || { echo "$0: mtools missing: apt-get install mtools" >&2; exit 1; }
case "${1:-}" in
    put) image=$2; shift 2; for f in "$@"; do mcopy -o -i "$image" "$f" ::; done ;;
    get) mcopy -o -i "$2" "::$3" "$4" ;;
    ls) mdir -b -i "$2" :: ;;
    new) rm -f "$2"; truncate -s "$3" "$2"; mkfs.vfat -n PSRDSTICK "$2" >/dev/null ;;
    *) echo "usage: $0 put|get|ls|new IMAGE ..." >&2; exit 2 ;;
esac

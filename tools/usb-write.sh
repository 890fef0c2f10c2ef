#!/usr/bin/env bash
# usb-write.sh - write disk.img to a USB stick, refusing anything that could be the wrong disk.
#
# Usage: tools/usb-write.sh DEVICE [IMAGE]      (make usb DEV=/dev/sdX [YES=1])
#
# Why so careful: `dd of=/dev/sdX` with the wrong letter destroys a disk, and the letters move
# between boots and when sticks are plugged in. So before writing we check, from sysfs and the
# mount table, that DEVICE is
#   - a block device, and a whole disk (sysfs has no `partition` file for it): the loader lives in
#     sector 0 and a partition has no sector 0 the BIOS reads;
#   - removable (sysfs `removable` = 1) or attached over USB (lsblk TRAN=usb, or a /usb path in
#     sysfs): many USB hard disks and some sticks report removable=0, internal disks never sit on USB;
#   - not holding the running system's root or boot filesystem (/, /boot, /boot/efi), following
#     device-mapper/LVM `slaves` down to the disk;
#   - not mounted, not used as swap and not held by device-mapper/RAID (`holders`), through any of
#     its partitions;
#   - at least as large as the image.
# Every failing check is printed with its reason, then we exit 1 without touching the device.
# Otherwise we show model, size and partitions and ask for "yes" (YES=1 skips the question), write
# with dd conv=fsync status=progress, drop the device's cached blocks, read the written range back
# (O_DIRECT when the image is a whole number of 512-byte sectors) and compare SHA-256 checksums; on a
# mismatch cmp names the first differing byte and its 512-byte block.
#
# Exit status: 0 written and verified, 1 refused or not confirmed, 2 usage, 3 dd failed,
# 4 read-back differs.
#
# TEST-ONLY overrides (tests/t/60-usb-write.t feeds fake sysfs trees and loop devices or plain
# files; nobody writing a real stick should set these):
#   USB_SYSFS             sysfs root (default /sys)
#   USB_MOUNTS            mount table (default /proc/mounts)
#   USB_SWAPS             swap table (default /proc/swaps)
#   USB_LSBLK             lsblk command (default lsblk)
#   USB_TEST_ALLOW_FILE=1 accept a regular file in place of the block device (when the sandbox has
#                         no loop devices)
#   USB_TEST_AFTER_WRITE  a command run between the write and the read-back (the tests corrupt
#                         the stand-in there to exercise the mismatch report)
set -uo pipefail

SYSFS=${USB_SYSFS:-/sys}
MOUNTS=${USB_MOUNTS:-/proc/mounts}
SWAPS=${USB_SWAPS:-/proc/swaps}
LSBLK=${USB_LSBLK:-lsblk}
SECTOR=512	# sysfs `size` is always in 512-byte units (Documentation/ABI/stable/sysfs-block)

die_usage() { echo "usb-write: $*" >&2; echo "usage: tools/usb-write.sh DEVICE [IMAGE]   (make usb DEV=/dev/sdX)" >&2; exit 2; }

dev_arg=${1:-}
image=${2:-disk.img}
[ -n "$dev_arg" ] || die_usage "no device given: name the USB stick, e.g. DEV=/dev/sdb (see lsblk -o NAME,TRAN,RM,SIZE,MODEL)"
[ -f "$image" ] || die_usage "image '$image' does not exist: run 'make image' first"
image_bytes=$(stat -L -c %s "$image")
[ "$image_bytes" -gt 0 ] || die_usage "image '$image' is empty"

reasons=()
refuse() { reasons+=("$1"); }
finish_refusals() {
	[ ${#reasons[@]} -eq 0 ] && return 0
	echo "usb-write: refusing to write to $dev_arg:" >&2
	local r; for r in "${reasons[@]}"; do echo "  - $r" >&2; done
	echo "usb-write: nothing was written." >&2
	exit 1
}

human() { numfmt --to=iec-i --suffix=B --format=%.1f "$1" 2>/dev/null || echo "$1 bytes"; }

# --- what is DEVICE? ------------------------------------------------------------------------------
[ -e "$dev_arg" ] || { refuse "$dev_arg does not exist"; finish_refusals; }
dev=$(readlink -f -- "$dev_arg")
name=${dev##*/}
is_file=0
if [ -b "$dev" ]; then :
elif [ "${USB_TEST_ALLOW_FILE:-0}" = 1 ] && [ -f "$dev" ]; then is_file=1
else refuse "$dev_arg is not a block device"; finish_refusals
fi

sysdir="$SYSFS/class/block/$name"
[ -d "$sysdir" ] || { refuse "$dev_arg has no entry $sysdir in sysfs: not a disk the kernel knows"; finish_refusals; }
sysdir=$(readlink -f -- "$sysdir")
# The name could be stale (a /dev node re-used): the device numbers must agree with sysfs.
if [ "$is_file" = 0 ] && [ -r "$sysdir/dev" ]; then
	devno=$(printf '%d:%d' "0x$(stat -L -c %t "$dev")" "0x$(stat -L -c %T "$dev")")
	read -r sysdevno <"$sysdir/dev"
	[ "$sysdevno" = "$devno" ] || refuse "$dev_arg is device $devno but sysfs $name says $sysdevno"
fi
if [ -e "$sysdir/partition" ]; then
	parent=${sysdir%/*}
	refuse "$dev_arg is a partition (of ${parent##*/}), not a whole disk: the BIOS boots sector 0 of the disk, name the disk itself"
	finish_refusals
fi

# --- removable or USB -----------------------------------------------------------------------------
removable=0; read -r removable 2>/dev/null <"$sysdir/removable"
tran=$($LSBLK -dno TRAN "$dev" 2>/dev/null | tr -d '[:space:]' || true)
on_usb=0
case "$sysdir" in */usb*) on_usb=1 ;; esac
[ "$tran" = usb ] && on_usb=1
if [ "$removable" != 1 ] && [ "$on_usb" = 0 ]; then
	refuse "$dev_arg is not removable (sysfs removable=$removable) and not attached over USB (transport '${tran:-none}'): it looks like an internal disk"
fi

# --- partitions, and what uses them ----------------------------------------------------------------
parts=()
for p in "$sysdir"/*/; do
	p=${p%/}; [ -e "$p/partition" ] && parts+=("${p##*/}")
done
own=("$name" "${parts[@]}")
owns() { local x; for x in "${own[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }

# disks_under NAME: the whole disks beneath block device NAME (through dm/md slaves and partitions).
disks_under() {
	local d; d=$(readlink -f -- "$SYSFS/class/block/$1" 2>/dev/null) || return 0
	[ -d "$d" ] || return 0
	if [ -e "$d/partition" ]; then d=${d%/*}; echo "${d##*/}"; return 0; fi
	local s any=0
	for s in "$d"/slaves/*; do [ -e "$s" ] || [ -L "$s" ] || continue; any=1; disks_under "${s##*/}"; done
	[ "$any" = 0 ] && echo "${d##*/}"
	return 0
}
# Mount sources like /dev/disk/by-uuid/... or /dev/mapper/vg-root resolve to kernel names.
src_name() { local r; r=$(readlink -f -- "$1" 2>/dev/null) || r=$1; echo "${r##*/}"; }

if [ -r "$MOUNTS" ]; then
	while read -r src mnt _; do
		case "$src" in /dev/*) ;; *) continue ;; esac
		mnt=$(printf '%b' "$mnt")	# /proc/mounts escapes spaces as \040
		sname=$(src_name "$src")
		# /dev/root and other aliases without a sysfs entry: ask the kernel which device backs it.
		if [ ! -e "$SYSFS/class/block/$sname" ] && devmm=$(mountpoint -d "$mnt" 2>/dev/null) \
			&& [ -e "$SYSFS/dev/block/$devmm" ]; then
			sname=$(readlink -f "$SYSFS/dev/block/$devmm"); sname=${sname##*/}
		fi
		case "$mnt" in
		/|/boot|/boot/efi|/efi)
			for d in $(disks_under "$sname"); do
				[ "$d" = "$name" ] && refuse "$dev_arg holds the running system's $( [ "$mnt" = / ] && echo root || echo boot ) filesystem ($mnt on $src)"
			done ;;
		esac
		if owns "$sname"; then
			refuse "$dev_arg is mounted: $src on $mnt (unmount it first: umount $src)"
		fi
	done <"$MOUNTS"
else
	refuse "cannot read the mount table $MOUNTS to check that $dev_arg is unused"
fi
if [ -r "$SWAPS" ]; then
	while read -r src _; do
		case "$src" in /dev/*) owns "$(src_name "$src")" && refuse "$dev_arg is in use as swap: $src (swapoff $src first)" ;; esac
	done <"$SWAPS"
fi
for n in "${own[@]}"; do
	for h in "$SYSFS/class/block/$n"/holders/*; do
		{ [ -e "$h" ] || [ -L "$h" ]; } && refuse "$dev_arg is in use: $n is held by ${h##*/} (device-mapper, LVM or RAID)"
	done
done

# --- size -----------------------------------------------------------------------------------------
sectors=0; read -r sectors 2>/dev/null <"$sysdir/size"
dev_bytes=$((sectors * SECTOR))
if [ "$is_file" = 1 ]; then real=$(stat -c %s "$dev")
else real=$(blockdev --getsize64 "$dev" 2>/dev/null || echo "$dev_bytes"); fi
[ "$real" -lt "$dev_bytes" ] && dev_bytes=$real
if [ "$dev_bytes" -lt "$image_bytes" ]; then
	refuse "$dev_arg is smaller than the image: $dev_bytes bytes ($(human "$dev_bytes")) < $image_bytes bytes ($(human "$image_bytes"))"
fi
[ -w "$dev" ] || refuse "no permission to write $dev_arg (run as root, e.g. sudo make usb DEV=$dev_arg)"

finish_refusals

# --- show and confirm -----------------------------------------------------------------------------
read_attr() { tr -s ' ' <"$1" 2>/dev/null | sed 's/ *$//'; }
vendor=$(read_attr "$sysdir/device/vendor"); model=$(read_attr "$sysdir/device/model")
echo "Target:     $dev_arg ($name)"
echo "Model:      ${vendor:+$vendor }${model:-unknown}"
echo "Size:       $(human "$dev_bytes") ($dev_bytes bytes)$( [ "$removable" = 1 ] && echo ", removable")$( [ "$on_usb" = 1 ] && echo ", USB")"
echo "Image:      $image ($(human "$image_bytes"))"
if [ ${#parts[@]} -eq 0 ]; then
	echo "Partitions: none"
else
	echo "Partitions (all of them will be lost):"
	for p in "${parts[@]}"; do
		psz=0; read -r psz 2>/dev/null <"$sysdir/$p/size"; psz=$((psz * SECTOR))
		echo "  $p  $(human "$psz")"
	done
	$LSBLK -o NAME,SIZE,TYPE,FSTYPE,LABEL,MOUNTPOINT "$dev" 2>/dev/null | sed 's/^/  | /'
fi
if [ "${YES:-0}" != 1 ]; then
	printf 'Everything on %s will be overwritten. Type "yes" to continue: ' "$dev_arg"
	answer=
	read -r answer || true
	case "$answer" in
	[Yy][Ee][Ss]) ;;
	*) echo; echo "usb-write: not confirmed (answer '${answer}'); nothing was written." >&2; exit 1 ;;
	esac
fi

# --- write ----------------------------------------------------------------------------------------
echo "usb-write: writing $image to $dev_arg"
if ! dd if="$image" of="$dev" bs=4M conv=fsync,notrunc status=progress; then
	echo "usb-write: dd failed writing $dev_arg: the stick may be write-protected or failing" >&2
	exit 3
fi
if [ -n "${USB_TEST_AFTER_WRITE:-}" ]; then bash -c "$USB_TEST_AFTER_WRITE"; fi

# --- read back and compare ------------------------------------------------------------------------
# Drop the kernel's cached copy of the device so that we compare what the stick stored, not what
# we just wrote into memory (BLKFLSBUF); O_DIRECT reads bypass the cache entirely.
[ "$is_file" = 0 ] && blockdev --flushbufs "$dev" 2>/dev/null
direct=
[ "$is_file" = 0 ] && [ $((image_bytes % SECTOR)) -eq 0 ] && direct=iflag=direct
echo "usb-write: reading $image_bytes bytes back from $dev_arg"
want=$(sha256sum <"$image" | cut -d' ' -f1)
if [ -n "$direct" ]; then
	have=$(dd if="$dev" bs=$SECTOR count=$((image_bytes / SECTOR)) $direct status=none | sha256sum | cut -d' ' -f1)
else
	have=$(head -c "$image_bytes" "$dev" | sha256sum | cut -d' ' -f1)
fi
if [ "$want" = "$have" ]; then
	echo "usb-write: verified: sha256 $want over $image_bytes bytes matches. $dev_arg is ready to boot."
	exit 0
fi
echo "usb-write: VERIFY FAILED: the stick does not hold what was written" >&2
echo "  image  sha256 $want" >&2
echo "  device sha256 $have" >&2
first=$(cmp -n "$image_bytes" "$image" "$dev" 2>/dev/null | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
if [ -n "$first" ]; then
	off=$((first - 1))
	echo "  first differing byte at offset $off: block $((off / SECTOR)) (512-byte blocks)" >&2
fi
echo "usb-write: try another port or stick; a stick that loses writes (or fakes its capacity) will not boot reliably" >&2
exit 4

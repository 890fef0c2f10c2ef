#!/usr/bin/env bash
# 60-usb-write.t - tools/usb-write.sh (make usb) refuses every unsafe target and verifies what it wrote.
#
# Never touches a real disk: the "stick" is a loop device over a 1 MiB file in $T_DIR when this
# machine has loop devices (root and `losetup -f` works), otherwise the plain file itself with the
# test-only override USB_TEST_ALLOW_FILE=1; the first diagnostic line says which. Each case gets
# its own fake sysfs tree (tests/tools/usb-fakes.sh), mount table and swap table describing that
# stand-in as a partition, an internal disk, a mounted stick, the root disk and so on; lsblk is
# replaced by tests/tools/fake-lsblk, which reads the same tree. Each refusal must name its reason,
# exit 1 and leave the stand-in untouched; the write must verify, and a stand-in corrupted between
# write and read-back (USB_TEST_AFTER_WRITE) must be reported with the first differing block.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/tools/usb-fakes.sh"

W="$ROOT/tools/usb-write.sh"
export USB_LSBLK="$ROOT/tests/tools/fake-lsblk"
rm -rf "${T_DIR:?}"/*

# The image: 200 KiB of a fixed pseudo-random pattern (a whole number of sectors), and an odd-sized one.
img="$T_DIR/disk.img"
python3 -c 'import random,sys; r=random.Random(60); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(204800)))' >"$img"
odd="$T_DIR/odd.img"; head -c 100001 "$img" >"$odd"
backing="$T_DIR/stick.bin"
truncate -s 1M "$backing"
zero_sum=$(sha256sum <"$backing" | cut -d' ' -f1)

loop=
if [ "$(id -u)" = 0 ] && losetup -f >/dev/null 2>&1 && loop=$(losetup -f --show "$backing" 2>/dev/null); then
	trap 'losetup -d "$loop"' EXIT
	DEV=$loop; mode="loop device $loop over $backing"
	devno=$(printf '%d:%d' "0x$(stat -c %t "$DEV")" "0x$(stat -c %T "$DEV")")
else
	mkdir -p "$T_DIR/dev"; DEV="$T_DIR/dev/sdz"; mv "$backing" "$DEV"; backing=$DEV
	export USB_TEST_ALLOW_FILE=1
	mode="plain file $DEV (no loop devices here: USB_TEST_ALLOW_FILE=1)"; loop=; devno="8:16"
fi
name=$(basename "$DEV")
echo "# stand-in for the USB stick: $mode"

tap_plan 25

# new_case NAME: a fresh fake sysfs root with empty mount and swap tables; sets R.
new_case() {
	R="$T_DIR/$1"; mkdir -p "$R/sys"
	: >"$R/mounts"; echo "Filename Type Size Used Priority" >"$R/swaps"
}
# usb_stick: the stand-in as a healthy 2 MiB... (1 MiB) removable USB stick with one partition.
usb_stick() {
	fake_disk "$R/sys" "$name" "$devno" 2048 1 usb "Cruzer Blade"
	fake_part "$R/sys" "$name" "${name}p1" 2000
}
# run_w [VAR=VALUE...] -- ARGS...: run the writer against case $R; sets RC, OUT (stdout+stderr).
run_w() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
	OUT=$(env USB_SYSFS="$R/sys" USB_MOUNTS="$R/mounts" USB_SWAPS="$R/swaps" "${envs[@]}" \
		"$W" "$@" </dev/null 2>&1); RC=$?
}
untouched() { [ "$(sha256sum <"$backing" | cut -d' ' -f1)" = "$zero_sum" ]; }
# refused DESC PATTERN: exit 1, PATTERN in the output, "nothing was written", stand-in still zero.
refused() {
	if [ "$RC" = 1 ] && grep -q -- "$2" <<<"$OUT" && grep -q "nothing was written" <<<"$OUT" && untouched; then
		tap_ok "refuses $1"
	else
		tap_fail "refuses $1 (exit $RC)"; tap_diag <<<"$OUT"
	fi
}

# --- usage and the device node itself ----------------------------------------------------------
new_case nodev; usb_stick
run_w YES=1 -- "" "$img"
if [ "$RC" = 2 ] && grep -q "no device given" <<<"$OUT"; then tap_ok "no DEV: usage error naming lsblk"; else tap_fail "no DEV (exit $RC)"; tap_diag <<<"$OUT"; fi
run_w YES=1 -- "$DEV" "$T_DIR/missing.img"
if [ "$RC" = 2 ] && grep -q "make image" <<<"$OUT"; then tap_ok "missing image: usage error"; else tap_fail "missing image (exit $RC)"; tap_diag <<<"$OUT"; fi
run_w YES=1 -- "$T_DIR/no-such-dev" "$img"
refused "a device that does not exist" "does not exist"
plain="$T_DIR/plain.bin"; truncate -s 1M "$plain"
run_w YES=1 USB_TEST_ALLOW_FILE=0 -- "$plain" "$img"
refused "a regular file (not a block device)" "is not a block device"

new_case nosysfs
run_w YES=1 -- "$DEV" "$img"
refused "a device unknown to sysfs" "has no entry"

new_case partition
fake_disk "$R/sys" sdz "8:16" 4096 1 usb "Cruzer Blade"
fake_part "$R/sys" sdz "$name" 2048
run_w YES=1 -- "$DEV" "$img"
refused "a partition instead of the whole disk" "is a partition (of sdz), not a whole disk"

if [ -n "$loop" ]; then
	new_case stale; fake_disk "$R/sys" "$name" "1:99" 2048 1 usb "Cruzer Blade"
	run_w YES=1 -- "$DEV" "$img"
	refused "a node whose device numbers disagree with sysfs" "but sysfs $name says 1:99"
else
	tap_ok "# SKIP device numbers: the stand-in is a plain file"
fi

# --- removable / USB ---------------------------------------------------------------------------
new_case internal; fake_disk "$R/sys" "$name" "$devno" 2048 0 ata "Samsung SSD 870"
run_w YES=1 -- "$DEV" "$img"
refused "an internal (non-removable, SATA) disk" "is not removable (sysfs removable=0) and not attached over USB (transport 'sata')"

# --- in use ------------------------------------------------------------------------------------
new_case mounted; usb_stick; echo "/dev/${name}p1 /media/user/STICK\\040KEY vfat rw 0 0" >"$R/mounts"
run_w YES=1 -- "$DEV" "$img"
refused "a stick with a mounted partition" "is mounted: /dev/${name}p1 on /media/user/STICK KEY"

new_case mounted-whole; usb_stick; echo "/dev/$name /mnt iso9660 ro 0 0" >"$R/mounts"
run_w YES=1 -- "$DEV" "$img"
refused "a stick mounted as a whole" "is mounted: /dev/$name on /mnt"

new_case root; usb_stick; fake_part "$R/sys" "$name" "${name}p2" 40
printf '/dev/%s / ext4 rw 0 0\n' "${name}p2" >"$R/mounts"
run_w YES=1 -- "$DEV" "$img"
refused "the disk holding the root filesystem" "holds the running system's root filesystem (/ on /dev/${name}p2)"

new_case boot; usb_stick
printf '/dev/vda / ext4 rw 0 0\n/dev/%s /boot/efi vfat rw 0 0\n' "${name}p1" >"$R/mounts"
run_w YES=1 -- "$DEV" "$img"
refused "the disk holding /boot/efi" "holds the running system's boot filesystem (/boot/efi on /dev/${name}p1)"

new_case root-lvm; usb_stick; fake_dm "$R/sys" dm-0 "${name}p1"
printf '/dev/dm-0 / ext4 rw 0 0\n' >"$R/mounts"
run_w YES=1 -- "$DEV" "$img"
refused "the disk under an LVM/dm root (through slaves)" "holds the running system's root filesystem (/ on /dev/dm-0)"

new_case holder; usb_stick; fake_dm "$R/sys" dm-3 "${name}p1"
run_w YES=1 -- "$DEV" "$img"
refused "a stick held by device-mapper" "is held by dm-3"

new_case swap; usb_stick; echo "/dev/${name}p1 partition 1000 0 -2" >>"$R/swaps"
run_w YES=1 -- "$DEV" "$img"
refused "a stick used as swap" "is in use as swap: /dev/${name}p1"

new_case small; fake_disk "$R/sys" "$name" "$devno" 100 1 usb "Tiny"
run_w YES=1 -- "$DEV" "$img"
refused "a stick smaller than the image" "is smaller than the image: 51200 bytes"

new_case several; fake_disk "$R/sys" "$name" "$devno" 100 0 ata "Internal"
run_w YES=1 -- "$DEV" "$img"
if [ "$RC" = 1 ] && grep -q "is not removable" <<<"$OUT" && grep -q "is smaller than the image" <<<"$OUT" && untouched; then
	tap_ok "lists every failing check, not only the first"
else tap_fail "lists every failing check (exit $RC)"; tap_diag <<<"$OUT"; fi

# --- confirmation ------------------------------------------------------------------------------
new_case confirm; usb_stick
OUT=$(echo no | env USB_SYSFS="$R/sys" USB_MOUNTS="$R/mounts" USB_SWAPS="$R/swaps" "$W" "$DEV" "$img" 2>&1); RC=$?
if [ "$RC" = 1 ] && grep -q "Model:      Fake Cruzer Blade" <<<"$OUT" && grep -q "Size:       1.0MiB (1048576 bytes), removable, USB" <<<"$OUT" \
	&& grep -q "^  ${name}p1  1000.0KiB" <<<"$OUT" && grep -q "not confirmed" <<<"$OUT" && untouched; then
	tap_ok "shows model, size and partitions; answering 'no' writes nothing"
else tap_fail "confirmation 'no' (exit $RC)"; tap_diag <<<"$OUT"; fi

# --- write and verify --------------------------------------------------------------------------
OUT=$(echo yes | env USB_SYSFS="$R/sys" USB_MOUNTS="$R/mounts" USB_SWAPS="$R/swaps" "$W" "$DEV" "$img" 2>&1); RC=$?
if [ "$RC" = 0 ] && grep -q "verified: sha256 .* over 204800 bytes matches" <<<"$OUT" && cmp -s -n 204800 "$img" "$backing"; then
	tap_ok "answering 'yes' writes the image and verifies it"
else tap_fail "write after 'yes' (exit $RC)"; tap_diag <<<"$OUT"; fi
if grep -q "Type \"yes\" to continue" <<<"$OUT" && grep -qE "bytes .* copied" <<<"$OUT"; then
	tap_ok "asked the question and showed dd's progress/summary"
else tap_fail "question and dd progress"; tap_diag <<<"$OUT"; fi

# A USB hard disk reporting removable=0 is accepted because it sits on USB; YES=1 skips the question.
new_case usbhdd; fake_disk "$R/sys" "$name" "$devno" 2048 0 usb "Passport"
dd if=/dev/zero of="$DEV" bs=1M count=1 conv=fsync status=none
run_w YES=1 -- "$DEV" "$odd"
if [ "$RC" = 0 ] && ! grep -q "Type \"yes\"" <<<"$OUT" && grep -q "over 100001 bytes matches" <<<"$OUT" && cmp -s -n 100001 "$odd" "$backing"; then
	tap_ok "USB disk with removable=0 accepted; YES=1 writes without asking; odd-sized image verified"
else tap_fail "USB HDD / YES=1 (exit $RC)"; tap_diag <<<"$OUT"; fi

# An SD card in an internal reader: removable=1 on a non-USB bus is accepted.
new_case sdcard; fake_disk "$R/sys" "$name" "$devno" 2048 1 ata "SD reader"; echo "" >"$R/sys/class/block/$name/fake-tran"
run_w YES=1 -- "$DEV" "$img"
if [ "$RC" = 0 ] && grep -q "verified" <<<"$OUT"; then tap_ok "removable=1 without USB accepted"; else tap_fail "removable card (exit $RC)"; tap_diag <<<"$OUT"; fi

# --- the mismatch report -----------------------------------------------------------------------
# Between the write and the read-back, one byte at offset 70000 (block 136) goes bad, as a failing
# flash cell would.
new_case mismatch; usb_stick
corrupt="printf '\\x5a\\xa5' | dd of='$DEV' bs=1 seek=70000 conv=notrunc,fsync status=none"
run_w YES=1 USB_TEST_AFTER_WRITE="$corrupt" -- "$DEV" "$img"
want=$(cmp "$img" "$backing" 2>/dev/null | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
if [ "$RC" = 4 ] && grep -q "VERIFY FAILED" <<<"$OUT" && [ -n "$want" ] && [ "$want" -ge 70001 ] \
	&& grep -q "first differing byte at offset $((want - 1)): block $(((want - 1) / 512))" <<<"$OUT"; then
	tap_ok "corrupted read-back: exit 4, names the first differing block ($(((want - 1) / 512)))"
else tap_fail "mismatch report (exit $RC, first difference at byte ${want:-none})"; tap_diag <<<"$OUT"; fi

# --- make usb ----------------------------------------------------------------------------------
new_case make; usb_stick
dd if=/dev/zero of="$DEV" bs=1M count=1 conv=fsync status=none
OUT=$(env USB_SYSFS="$R/sys" USB_MOUNTS="$R/mounts" USB_SWAPS="$R/swaps" \
	make -s -C "$ROOT" usb DEV="$DEV" IMAGE="$img" YES=1 -o "$img" </dev/null 2>&1); RC=$?
if [ "$RC" = 0 ] && grep -q "verified" <<<"$OUT" && cmp -s -n 204800 "$img" "$backing"; then
	tap_ok "make usb DEV=... YES=1 writes and verifies"
else tap_fail "make usb (exit $RC)"; tap_diag <<<"$OUT"; fi
OUT=$(make -s -C "$ROOT" usb IMAGE="$img" -o "$img" </dev/null 2>&1); RC=$?
if [ "$RC" != 0 ] && grep -q "DEV=" <<<"$OUT"; then tap_ok "make usb without DEV refuses"; else tap_fail "make usb without DEV (exit $RC)"; tap_diag <<<"$OUT"; fi
tap_done

#!/usr/bin/env bash
# 12-boot-controllers.t - the image boots our kernel from every disk controller SeaBIOS drives:
# IDE (-machine pc), AHCI (-machine q35), virtio-blk and USB storage behind xHCI. Each boot must
# reach the kernel's boot suite (exit 33) with our loader's name and the BIOS drive 0x80 in
# boot_device. And the CHS path on the whole kernel (hundreds of sectors, many track ends):
# an image made with FORCE_CHS=1, booted from IDE.
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 5
img="$T_DIR/ctl.img"
make_image "$img" "$KERNEL" "test=boot" || tail -n 5 "$img.make.log" | tap_diag
boot_on() { # NAME QEMU-ARGS...
	local name=$1; shift
	local log="$T_DIR/$name.log" rc
	rc=$(qemu_run "$log" 60 -m 128 "$@")
	if [ "$rc" = 33 ] && grep -aq '^multiboot: loader "ourboot 0.1"' "$log" && \
	   grep -aq '^multiboot: boot_device=0x80' "$log" && grep -aq "${EXPECT:-.}" "$log"; then
		tap_ok "$name: our loader booted the kernel, its suite passed"
	else
		tap_fail "$name: rc $rc"; grep -a '^boot:\|^MBR\|^multiboot' "$log" | tap_diag
	fi
}
boot_on "IDE (-machine pc)" -machine pc -drive "file=$img,format=raw,if=ide"
boot_on "AHCI (-machine q35)" -machine q35 -drive "file=$img,format=raw,if=none,id=d" \
	-device ahci,id=a -device ide-hd,drive=d,bus=a.0
boot_on "virtio-blk" -drive "file=$img,format=raw,if=none,id=d" -device virtio-blk-pci,drive=d
boot_on "USB storage (xHCI)" -drive "file=$img,format=raw,if=none,id=d" \
	-device qemu-xhci,id=x -device usb-storage,drive=d,bus=x.0
chs="$T_DIR/chs.img"
make -s -C "$ROOT" image IMAGE="$chs" KERNEL="$KERNEL" CMDLINE="test=boot" FORCE_CHS=1 >"$chs.make.log" 2>&1 \
	|| tail -n 5 "$chs.make.log" | tap_diag
EXPECT='^boot: disk 0x80, CHS' boot_on "IDE, FORCE_CHS=1 ($(( $(stat -c %s "$KERNEL") / 512 )) kernel sectors read with AH=02h)" \
	-machine pc -drive "file=$chs,format=raw,if=ide"
tap_done

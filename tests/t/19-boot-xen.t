#!/usr/bin/env bash
# 19-boot-xen.t - Xen 4.17 (Debian's xen-hypervisor-4.17-amd64, an ELF32 kernel with a Multiboot
# v1 and a Multiboot2 header) through our loader in qemu-system-x86_64, side by side with QEMU's
# own -kernel loader and GRUB 2's `multiboot` (version 1 both). make image chooses Multiboot2 for
# it (docs/boot.md), so our runs 1 and 3-6 go through Multiboot2 and its relocatable tag; run 7
# boots it through version 1 (PROTOCOL=multiboot) and must reach the same point as run 1.
#
# Used as Xen's documentation says: CMDLINE="console=com1 com1=115200,8n1 ..." (noreboot: Xen
# halts after a panic instead of resetting). Xen drops the first word of its command line from
# any loader that does not call itself GRUB 2 (docs/boot.md), so these also check that the loader
# puts the file name first.
#   1-2. no dom0: through ours and through -kernel Xen prints its banner, the command line exactly
#        as given and stops at "dom0 kernel not specified";
#   3-6. a Linux dom0 (Debian's linux-image-amd64) and an initramfs as modules, through ours,
#        QEMU -kernel and GRUB 2 (`multiboot` and `module` from a grub-mkrescue CD): the same
#        Xen-e820 RAM map and system RAM in all three, dom0 gets its own command line (the
#        module's arguments) and the initrd, and reaches its /init, whose marker
#        (tests/boot/dom0-init.asm) appears on COM1 through Xen's console.
# QEMU's default x86-64 CPU (qemu64) under TCG; -m 512 with dom0_mem=256M.
source "$(dirname "$0")/../lib.sh"

REAL="$BUILD/boot/real"
tap_plan 7
for f in xen vmlinuz initrd.cpio; do cp "$REAL/$f" "$T_DIR/$f" 2>/dev/null || true; done
XEN_ARGS="console=com1 com1=115200,8n1 noreboot"
DOM0_ARGS="console=hvc0 earlyprintk=xen"
MARKER='dom0-init: /init reached'

# xen_run LOG QEMU-ARGS...: start qemu-system-x86_64 (serial in LOG) and stop it when Xen halted
# (its panic or dom0's crash report), dom0's /init printed its marker, QEMU ended, or 240 s passed.
# Run from $T_DIR, so that -kernel/-initrd file names are base names, as make image records them.
xen_run() {
	local log=$1 pid i; shift
	rm -f "$log"
	(cd "$T_DIR" && exec timeout -k 5 240 qemu-system-x86_64 -display none -no-reboot -monitor none \
		-m 512 -serial "file:$log" "$@" </dev/null >"$log.stdout" 2>&1) &
	pid=$!
	SECONDS=0
	for ((i = 0; i < 2400; i++)); do
		grep -aqE "$MARKER|Manual reset required|Dom0 crashed" "$log" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	echo "$log: $SECONDS s" >>"$T_DIR/seconds"
	sleep 0.5
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	return 0
}
line() { grep -a -m1 "$2" "$1" | tr -d '\r'; }
rm -f "$T_DIR/seconds"

# --- 1-2: no dom0 ----------------------------------------------------------------------------
img="$T_DIR/xen.img"
make -s -C "$ROOT" image IMAGE="$img" KERNEL="$T_DIR/xen" CMDLINE="$XEN_ARGS" >"$img.make.log" 2>&1 ||
	tail -n 5 "$img.make.log" | tap_diag
xen_run "$T_DIR/ours.log" -drive "file=$img,format=raw,if=ide" &
xen_run "$T_DIR/qemu.log" -kernel xen -append "$XEN_ARGS" &
wait
o="$T_DIR/ours.log" q="$T_DIR/qemu.log"
if grep -aq '^(XEN) Xen version 4\.17' "$o" && [ "$(line "$o" 'Bootloader:')" = '(XEN) Bootloader: ourboot 0.1' ] &&
	[ "$(line "$o" 'Command line:')" = "(XEN) Command line: $XEN_ARGS" ] &&
	grep -aq 'dom0 kernel not specified' "$o"; then
	tap_ok "ours: $(line "$o" 'Xen version' | cut -c1-40)..., \"$(line "$o" 'Command line:')\", stops at \"dom0 kernel not specified\""
else
	tap_fail "ours: Xen's banner, command line or dom0 panic missing"; tail -n 20 "$o" | tap_diag
fi
if [ -n "$(line "$q" 'Xen version')" ] && [ "$(line "$o" 'Xen version')" = "$(line "$q" 'Xen version')" ] &&
	[ "$(line "$o" 'Command line:')" = "$(line "$q" 'Command line:')" ] &&
	[ "$(line "$q" 'Bootloader:')" = '(XEN) Bootloader: qemu' ] && grep -aq 'dom0 kernel not specified' "$q"; then
	tap_ok "QEMU -kernel: the same banner and command line, the same stop"
else
	tap_fail "QEMU -kernel differs"; tail -n 20 "$q" | tap_diag
fi

# --- 3-6: a Linux dom0 with its initramfs ----------------------------------------------------
dimg="$T_DIR/xen-dom0.img"
make -s -C "$ROOT" image IMAGE="$dimg" KERNEL="$T_DIR/xen" CMDLINE="$XEN_ARGS dom0_mem=256M" \
	MODULES="$T_DIR/vmlinuz $DOM0_ARGS;$T_DIR/initrd.cpio" >"$dimg.make.log" 2>&1 ||
	tail -n 5 "$dimg.make.log" | tap_diag
iso="$T_DIR/iso"
rm -rf "$iso" && mkdir -p "$iso/boot/grub" && cp "$T_DIR/xen" "$T_DIR/vmlinuz" "$T_DIR/initrd.cpio" "$iso/boot/"
printf 'set timeout=0\nmenuentry xen {\n\tmultiboot /boot/xen %s\n\tmodule /boot/vmlinuz %s\n\tmodule /boot/initrd.cpio\n\tboot\n}\n' \
	"$XEN_ARGS dom0_mem=256M" "$DOM0_ARGS" >"$iso/boot/grub/grub.cfg"
grub-mkrescue -o "$T_DIR/xen.iso" "$iso" >"$T_DIR/grub-mkrescue.log" 2>&1 || tap_diag <"$T_DIR/grub-mkrescue.log"
xen_run "$T_DIR/ours-dom0.log" -drive "file=$dimg,format=raw,if=ide" &
xen_run "$T_DIR/qemu-dom0.log" -kernel xen -append "$XEN_ARGS dom0_mem=256M" -initrd "vmlinuz $DOM0_ARGS,initrd.cpio" &
xen_run "$T_DIR/grub-dom0.log" -cdrom "$T_DIR/xen.iso" &
wait
o="$T_DIR/ours-dom0.log" q="$T_DIR/qemu-dom0.log" g="$T_DIR/grub-dom0.log"
e820() { sed -n '/^(XEN) Xen-e820 RAM map:/,/^(XEN) [^ ]/p' "$1" | tr -d '\r' | grep -a '^(XEN)  \['; }
if [ "$(e820 "$o" | wc -l)" -ge 3 ] && [ "$(e820 "$o")" = "$(e820 "$q")" ] && [ "$(e820 "$o")" = "$(e820 "$g")" ] &&
	[ -n "$(line "$o" 'System RAM:')" ] && [ "$(line "$o" 'System RAM:')" = "$(line "$q" 'System RAM:')" ] &&
	[ "$(line "$o" 'System RAM:')" = "$(line "$g" 'System RAM:')" ] &&
	[[ "$(line "$g" 'Bootloader:')" == '(XEN) Bootloader: GRUB 2'* ]]; then
	tap_ok "dom0 run: the Xen-e820 RAM map ($(e820 "$o" | wc -l) lines) and \"$(line "$o" 'System RAM:')\" = QEMU -kernel's = GRUB 2's"
else
	tap_fail "dom0 run: Xen's memory map differs from QEMU -kernel's or GRUB 2's"
	{ for f in "$o" "$q" "$g"; do echo "$f:"; line "$f" 'Bootloader:'; e820 "$f"; line "$f" 'System RAM:'; done; } | tap_diag
fi
ramdisk() { # the size of the initrd Xen placed: end - start of its "Init. ramdisk: A->B" line
	local r; r=$(line "$1" 'Init. ramdisk:' | sed -n 's/.*: \([0-9a-f]*\)->\([0-9a-f]*\)$/\1 \2/p')
	[ -n "$r" ] && set -- $r && echo $(( 0x$2 - 0x$1 ))
}
kcmd() { line "$1" 'Kernel command line:' | sed 's/^\[[ 0-9.]*\] //'; }
if [ "$(kcmd "$o")" = "Kernel command line: $DOM0_ARGS" ] && [ "$(kcmd "$q")" = "$(kcmd "$o")" ] &&
	[ "$(kcmd "$g")" = "$(kcmd "$o")" ]; then
	tap_ok "dom0's command line is its module's arguments (\"$DOM0_ARGS\"), as under QEMU -kernel and GRUB 2"
else
	tap_fail "dom0's command line"; { kcmd "$o"; kcmd "$q"; kcmd "$g"; } | tap_diag
fi
if [ "$(ramdisk "$o")" = "$(stat -c %s "$T_DIR/initrd.cpio")" ] && [ "$(ramdisk "$o")" = "$(ramdisk "$q")" ] &&
	[ "$(ramdisk "$o")" = "$(ramdisk "$g")" ] && [ -n "$(line "$o" 'Dom0 kernel:')" ] &&
	[ "$(line "$o" 'Dom0 kernel:')" = "$(line "$q" 'Dom0 kernel:')" ] && [ "$(line "$o" 'Dom0 kernel:')" = "$(line "$g" 'Dom0 kernel:')" ]; then
	tap_ok "Xen found the dom0 kernel (\"$(line "$o" 'Dom0 kernel:' | sed 's/^(XEN) *//')\") and the initrd ($(ramdisk "$o") bytes) as under QEMU -kernel and GRUB 2"
else
	tap_fail "dom0 kernel or initrd seen differently"; { grep -a 'Dom0 kernel:\|Init. ramdisk' "$o" "$q" "$g"; } | tap_diag
fi
if grep -aq "^$MARKER" "$o" && grep -aq "^$MARKER" "$q" && grep -aq "^$MARKER" "$g"; then
	tap_ok "dom0 reached /init through our loader, as through QEMU -kernel and GRUB 2 (\"$MARKER\")"
else
	tap_fail "dom0 did not reach /init"; tail -n 15 "$o" | tap_diag
fi

# --- 7: version 1 through our loader -----------------------------------------------------------
vimg="$T_DIR/xen-v1.img"
make -s -C "$ROOT" image IMAGE="$vimg" KERNEL="$T_DIR/xen" CMDLINE="$XEN_ARGS" PROTOCOL=multiboot >"$vimg.make.log" 2>&1 ||
	tail -n 5 "$vimg.make.log" | tap_diag
xen_run "$T_DIR/ours-v1.log" -drive "file=$vimg,format=raw,if=ide"
o="$T_DIR/ours.log" v="$T_DIR/ours-v1.log"
if grep -aq '(multiboot2)' "$img.make.log" && grep -aq '(multiboot)' "$vimg.make.log" &&
	grep -aq '^boot: Multiboot2 relocatable image placed at' "$o" && ! grep -aq '^boot: Multiboot2' "$v" &&
	[ -n "$(line "$v" 'Command line:')" ] && [ "$(line "$v" 'Command line:')" = "$(line "$o" 'Command line:')" ] &&
	grep -aq 'dom0 kernel not specified' "$v"; then
	tap_ok "Multiboot2 (the default, relocated: \"$(line "$o" '^boot: Multiboot2 relocatable' | sed 's/^boot: //')\") and version 1 (PROTOCOL=multiboot) reach the same point"
else
	tap_fail "Xen through version 1 and Multiboot2 differ"; { grep -a '^boot:' "$o" "$v"; tail -n 5 "$v"; } | tap_diag
fi
tap_diag <"$T_DIR/seconds"
tap_done

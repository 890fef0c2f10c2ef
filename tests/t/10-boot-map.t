#!/usr/bin/env bash
# 10-boot-map.t - our loader hands the kernel what QEMU's own Multiboot loader hands it.
#
# The same kernel (build/kernel/kernel.elf, command line "test=boot" so that it exits through
# isa-debug-exit after its boot suite) is booted twice per memory size (-m 16, 128, 512, 3072,
# 4096; 4096 puts RAM above 4 GiB in the map): from our disk image (IDE), and with
# `qemu-system-i386 -kernel`. QEMU's option ROM builds its map from the same SeaBIOS E820 table,
# so the BIOS-e820 lines the kernel prints must be identical, and so must mem_lower, mem_upper
# and boot_device (QEMU: 0x8000FFFF; ours: drive 0x80, partition 1 = part1 0, rest unused).
# The command line: QEMU's -kernel puts the kernel's file name first ("<path> test=boot"), and so
# does our loader with the name `make image` recorded ("kernel.elf test=boot"): the words after
# the first must be the same, and the kernel must take the same arguments from both. Flags: ours must be exactly 0x24f
# (0, 1, 2, 3, 6, 9), as QEMU's (bit 3 with an empty module list).
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
MEMS="16 128 512 3072 4096"
tap_plan 14
img="$T_DIR/map.img"
if make_image "$img" "$KERNEL" "test=boot"; then tap_ok "make image with our kernel and CMDLINE=test=boot"
else tap_fail "make image with our kernel and CMDLINE=test=boot"; tail -n 5 "$img.make.log" | tap_diag; fi

field() { grep -a -m1 "^multiboot: $2" "$1" | tr -d '\r'; }
for m in $MEMS; do
	ours="$T_DIR/ours-$m.log"; qemu="$T_DIR/qemu-$m.log"
	rc_ours=$(qemu_boot_image "$ours" 60 "$img" "$m")
	rc_qemu=$(qemu_run "$qemu" 60 -m "$m" -kernel "$KERNEL" -append "test=boot")
	grep -a '^BIOS-e820' "$ours" | tr -d '\r' > "$ours.map"
	grep -a '^BIOS-e820' "$qemu" | tr -d '\r' > "$qemu.map"
	if [ "$rc_ours" = 33 ] && [ "$rc_qemu" = 33 ] && [ -s "$ours.map" ] && cmp -s "$ours.map" "$qemu.map"; then
		tap_ok "-m $m: map through our loader = map through QEMU -kernel ($(wc -l < "$ours.map") entries; both kernels passed their suite)"
	else
		tap_fail "-m $m: maps differ or a boot failed (ours rc $rc_ours, qemu rc $rc_qemu)"
		diff "$qemu.map" "$ours.map" | tap_diag
		kernel_tap "$ours" | grep -v '^    ok' | tap_diag
	fi
	mo=$(field "$ours" mem_lower); mq=$(field "$qemu" mem_lower)
	bo=$(field "$ours" boot_device); bq=$(field "$qemu" boot_device)
	co=$(field "$ours" cmdline | sed 's/^multiboot: cmdline "\(.*\)"$/\1/')
	cq=$(field "$qemu" cmdline | sed 's/^multiboot: cmdline "[^ ]* \(.*\)"$/\1/')
	ao=$(grep -a -m1 '^kernel: arguments' "$ours" | tr -d '\r'); aq=$(grep -a -m1 '^kernel: arguments' "$qemu" | tr -d '\r')
	fo=$(field "$ours" flags); lo=$(field "$ours" loader)
	if [ -n "$mo" ] && [ "$mo" = "$mq" ] && [ -n "$bo" ] && [ "$bo" = "$bq" ] && [ "$co" = "kernel.elf $cq" ] && \
	   [ "$cq" = "test=boot" ] && [ "$ao" = 'kernel: arguments "test=boot"' ] && [ "$ao" = "$aq" ] && \
	   [ "$fo" = "multiboot: flags=0x0000024f" ] && \
	   [ "$lo" = 'multiboot: loader "ourboot 0.1"' ]; then
		tap_ok "-m $m: ${mo#multiboot: }, ${bo#multiboot: }, cmdline \"$co\", flags 0x24f, loader name: as QEMU"
	else
		tap_fail "-m $m: mem/boot_device/cmdline/flags/name differ"
		printf 'ours: %s | %s | %s | %s | %s | %s\nqemu: %s | %s | %s | %s\n' "$mo" "$bo" "$co" "$ao" "$fo" "$lo" "$mq" "$bq" "$cq" "$aq" | tap_diag
	fi
	case $m in 4096)
		tap_check "-m 4096: the map has usable RAM above 4 GiB" grep -aq '^BIOS-e820: \[mem 0x0000000100000000-' "$ours.map";;
	esac
done

# The E820 fallbacks: the synthesised entries, mem_upper from them.
for fb in e801 88; do
	fimg="$T_DIR/map-$fb.img"; log="$T_DIR/ours-$fb.log"
	make -s -C "$ROOT" image IMAGE="$fimg" KERNEL="$KERNEL" CMDLINE="test=boot" MEMFALLBACK=$fb >"$fimg.make.log" 2>&1
	rc=$(qemu_boot_image "$log" 60 "$fimg" 128)
	if [ $fb = e801 ]; then
		want='BIOS-e820: [mem 0x0000000000100000-0x0000000000ffffff] usable
BIOS-e820: [mem 0x0000000001000000-0x0000000007fdffff] usable'
		upper=129920
	else
		want='BIOS-e820: [mem 0x0000000000100000-0x0000000003ffffff] usable'   # AH=88h: 16 bits of KiB
		upper=64512
	fi
	got=$(grep -a '^BIOS-e820' "$log" | tr -d '\r' | grep -v '0x0000000000000000-')
	if [ "$rc" = 33 ] && [ "$got" = "$want" ] && grep -aq "mem_upper=${upper}KiB" "$log" && \
	   grep -aq '^BIOS-e820: \[mem 0x0000000000000000-0x000000000009fbff\] usable' "$log"; then
		tap_ok "MEMFALLBACK=$fb at -m 128: synthesised map (low 639 KiB + the $fb ranges), mem_upper=$upper"
	else
		tap_fail "MEMFALLBACK=$fb: rc $rc, map or mem_upper wrong"
		{ echo "want:"; echo "$want"; echo "got:"; echo "$got"; grep -a 'mem_upper\|^boot:' "$log"; } | tap_diag
	fi
done
tap_done

#!/usr/bin/env bash
# 19-boot-mb2.t - our loader hands a Multiboot2 kernel what GRUB 2's `multiboot2` hands it.
#
# The Multiboot2 probe (tests/boot/mb2probe.asm: checks the entry state as TAP, prints every
# boot information tag) is booted with the same command line and two modules through GRUB 2.06
# (an ISO from grub-mkrescue: `multiboot2`, `module2`) and through our loader (make image
# PROTOCOL=multiboot2), at -m 16, 128, 512, 3072 and 4096 (4096 puts RAM above 4 GiB in the map).
# Per size: both probes pass their entry checks (EAX magic, EBX 8-byte aligned, flat segments,
# PE on, PG/IF/VM off, A20, every tag 8-byte aligned inside total_size, end tag); the memory
# maps are identical entry for entry (both read SeaBIOS's E820 table) and so is the basic meminfo
# tag; the command line and the module sizes and strings agree (GRUB 2 passes the arguments
# alone, our loader the file's name first: docs/boot.md); every module starts page aligned; both give an ACPI RSDP tag (signature and checksum right), an EGA text
# framebuffer tag and the same ELF section tag. Then the flat (address tag) build and the
# relocatable build of the probe through both loaders, and `make image` choosing the protocol.
# Last, our own kernel (both headers) through our loader with each protocol, QEMU -kernel and
# GRUB 2's `multiboot` and `multiboot2`, with the same memory map and frame counts (below).
source "$(dirname "$0")/../lib.sh"

TK="$BUILD/boot/tk"
PROBE="$TK/mb2probe.elf"
MEMS="16 128 512 3072 4096"
CMD="arg1 arg2=two words"
tap_plan 27

have_grub=1
command -v grub-mkrescue >/dev/null && [ -d /usr/lib/grub/i386-pc ] && command -v xorriso >/dev/null || have_grub=0
mods="$T_DIR/mods"; mkdir -p "$mods"
printf 'first module\n' >"$mods/m1"
head -c 20000 /dev/zero | tr '\0' 'x' >"$mods/m2"     # more than four pages

# grub_iso NAME KERNEL: an ISO that boots KERNEL with $CMD and the two modules through GRUB 2.
grub_iso() {
	local dir="$T_DIR/$1.iso.d"
	rm -rf "$dir" && mkdir -p "$dir/boot/grub"
	cp "$2" "$dir/boot/kernel"; cp "$mods/m1" "$mods/m2" "$dir/boot/"
	printf 'set timeout=0\nset default=0\nmenuentry "probe" {\n\tmultiboot2 /boot/kernel %s\n\tmodule2 /boot/m1 one 1\n\tmodule2 /boot/m2 two\n\tboot\n}\n' \
		"$CMD" >"$dir/boot/grub/grub.cfg"
	grub-mkrescue -o "$T_DIR/$1.iso" "$dir" >"$T_DIR/$1.iso.log" 2>&1
}
# tags LOG: the probe's tag lines, carriage returns dropped.
tags() { grep -a '^mb2: ' "$1" | tr -d '\r'; }
# probe_ok LOG RC: the probe ran, passed every check and left QEMU with status 33.
probe_ok() { [ "$2" = 33 ] && grep -aq '^1\.\.14' "$1" && ! grep -aq '^not ok' "$1"; }
# modules LOG: "size string" per module tag.
modules() {
	tags "$1" | sed -n 's/^mb2: tag 3 size [0-9]* module 0x[0-9a-f]*-0x[0-9a-f]* bytes \([0-9]*\) "\(.*\)"$/\1 \2/p'
}
# string LOG TYPE: the string of the (first) string tag of that type.
string() { tags "$1" | sed -n "s/^mb2: tag $2 size [0-9]* \"\(.*\)\"\$/\1/p" | head -n1; }
# aligned LOG: every module starts on a 4 KiB boundary (and there are two).
aligned() {
	local starts; starts=$(tags "$1" | sed -n 's/^mb2: tag 3 size [0-9]* module 0x\([0-9a-f]*\)-.*/\1/p')
	[ "$(wc -w <<<"$starts")" = 2 ] && ! grep -qv '000$' <<<"$starts"
}
acpi_ok() { tags "$1" | grep -Eq '^mb2: tag 1[45] size [0-9]+ acpi rsdp revision [0-9]+ signature ok sum20 0 sum 0$'; }
line() { tags "$1" | grep -E "$2" | sort; }

img="$T_DIR/ours.img"
if make -s -C "$ROOT" image IMAGE="$img" KERNEL="$PROBE" CMDLINE="$CMD" \
	MODULES="$mods/m1 one 1;$mods/m2 two" >"$img.make.log" 2>&1 && grep -q '(multiboot2)' "$img.make.log"; then
	tap_ok "make image chose multiboot2 for the probe (it has only a Multiboot2 header)"
else
	tap_fail "make image with the probe"; tap_diag <"$img.make.log"
fi
[ $have_grub = 1 ] && grub_iso grub "$PROBE"

for m in $MEMS; do
	ours="$T_DIR/ours-$m.log"; grub="$T_DIR/grub-$m.log"
	rc_o=$(qemu_boot_image "$ours" 60 "$img" "$m")
	if probe_ok "$ours" "$rc_o"; then
		tap_ok "-m $m: our loader: the probe's entry and tag checks pass ($(tags "$ours" | grep -c '^mb2: tag') tags)"
	else
		tap_fail "-m $m: our loader: probe status $rc_o"; grep -a '^boot:\|^not ok' "$ours" | tap_diag
	fi
	if [ $have_grub = 0 ]; then
		T_COUNT=$((T_COUNT + 2)); echo "ok $((T_COUNT - 1)) # skip GRUB: grub-mkrescue, xorriso or grub-pc-bin missing"
		echo "ok $T_COUNT # skip GRUB"; continue
	fi
	rc_g=$(qemu_run "$grub" 60 -m "$m" -cdrom "$T_DIR/grub.iso")
	mo=$(line "$ours" '^mb2: (mmap |tag 4 )'); mg=$(line "$grub" '^mb2: (mmap |tag 4 )')
	if probe_ok "$grub" "$rc_g" && [ -n "$mo" ] && [ "$mo" = "$mg" ]; then
		tap_ok "-m $m: GRUB 2's probe passes too; memory map ($(grep -c 'mmap base' <<<"$mo") entries) and basic meminfo identical"
	else
		tap_fail "-m $m: GRUB probe status $rc_g, or the maps/meminfo differ"
		diff <(echo "$mg") <(echo "$mo") | tap_diag
	fi
	# Ours start with the file's name (docs/boot.md, "What the kernel receives"); GRUB 2's do not.
	co=$(string "$ours" 1); cg=$(string "$grub" 1)
	fo=$(line "$ours" '^mb2: tag (8|9) '); fg=$(line "$grub" '^mb2: tag (8|9) ')
	if [ "$cg" = "$CMD" ] && [ "$co" = "mb2probe.elf $CMD" ] &&
		[ "$(modules "$ours")" = "$(printf '13 m1 one 1\n20000 m2 two')" ] &&
		[ "$(modules "$grub")" = "$(printf '13 one 1\n20000 two')" ] && aligned "$ours" && aligned "$grub" &&
		acpi_ok "$ours" && acpi_ok "$grub" && [ -n "$fo" ] && [ "$fo" = "$fg" ]; then
		tap_ok "-m $m: command line, module sizes and strings, page-aligned modules, ACPI RSDP, EGA text and ELF section tags agree"
	else
		tap_fail "-m $m: command line, modules, ACPI, framebuffer or ELF tags differ"
		{ echo "ours:"; tags "$ours" | grep -v 'mmap base'; echo "grub:"; tags "$grub" | grep -v 'mmap base'; } | tap_diag
	fi
done

# The flat build: the address and entry tags instead of ELF.
flat="$TK/mb2probe-addr.bin"
fimg="$T_DIR/flat.img"
make -s -C "$ROOT" image IMAGE="$fimg" KERNEL="$flat" CMDLINE="$CMD" >"$fimg.make.log" 2>&1
rc=$(qemu_boot_image "$T_DIR/flat-ours.log" 60 "$fimg" 128)
if probe_ok "$T_DIR/flat-ours.log" "$rc" && grep -aq '^boot: kernel a.out kludge, 1 segments, entry 0x' "$T_DIR/flat-ours.log" &&
	! tags "$T_DIR/flat-ours.log" | grep -q '^mb2: tag 9 '; then
	tap_ok "address-tag probe through our loader: loaded as one block, entry from the entry tag, no ELF tag, checks pass"
else
	tap_fail "address-tag probe through our loader: status $rc"; grep -a '^boot:\|^not ok' "$T_DIR/flat-ours.log" | tap_diag
fi
if [ $have_grub = 1 ] && grub_iso flat "$flat"; then
	rc=$(qemu_run "$T_DIR/flat-grub.log" 60 -m 128 -cdrom "$T_DIR/flat.iso")
	tap_check "address-tag probe through GRUB 2: checks pass (status $rc)" probe_ok "$T_DIR/flat-grub.log" "$rc"
else
	T_COUNT=$((T_COUNT + 1)); echo "ok $T_COUNT # skip GRUB"
fi

# The relocatable build (lowest place from 1 MiB): both loaders place it at 1 MiB, say so in the
# load base address tag.
rel="$TK/mb2probe-reloc.elf"
rimg="$T_DIR/reloc.img"
make -s -C "$ROOT" image IMAGE="$rimg" KERNEL="$rel" CMDLINE="$CMD" >"$rimg.make.log" 2>&1
rc=$(qemu_boot_image "$T_DIR/reloc-ours.log" 60 "$rimg" 128)
want='mb2: tag 21 size 12 load_base 0x00100000'
if probe_ok "$T_DIR/reloc-ours.log" "$rc" && [ "$(line "$T_DIR/reloc-ours.log" '^mb2: tag 21 ')" = "$want" ] &&
	grep -aq '^boot: Multiboot2 relocatable image placed at 0x00100000 (linked at 0x00100000)' "$T_DIR/reloc-ours.log"; then
	tap_ok "relocatable probe through our loader: placed at 1 MiB, load base address tag 0x00100000"
else
	tap_fail "relocatable probe through our loader: status $rc"; grep -a '^boot:\|^not ok\|tag 21' "$T_DIR/reloc-ours.log" | tap_diag
fi
if [ $have_grub = 1 ] && grub_iso reloc "$rel"; then
	rc=$(qemu_run "$T_DIR/reloc-grub.log" 60 -m 128 -cdrom "$T_DIR/reloc.iso")
	tap_check "relocatable probe through GRUB 2: the same load base address tag (status $rc)" \
		bash -c "[ '$rc' = 33 ] && grep -aqx '$want' '$T_DIR/reloc-grub.log'"
else
	T_COUNT=$((T_COUNT + 1)); echo "ok $T_COUNT # skip GRUB"
fi

# make image: PROTOCOL=multiboot on a kernel without a version 1 header is refused on the host;
# a kernel with only a version 1 header gets multiboot.
if ! make -s -C "$ROOT" image IMAGE="$T_DIR/v1.img" KERNEL="$PROBE" PROTOCOL=multiboot2x >"$T_DIR/v1.make.log" 2>&1 &&
	grep -q "PROTOCOL must be multiboot or multiboot2" "$T_DIR/v1.make.log" &&
	make -s -C "$ROOT" image IMAGE="$T_DIR/v1.img" KERNEL="$TK/entry.elf" >"$T_DIR/v1.make.log" 2>&1 &&
	grep -q '(multiboot)' "$T_DIR/v1.make.log" &&
	! make -s -C "$ROOT" image IMAGE="$T_DIR/v1.img" KERNEL="$TK/entry.elf" PROTOCOL=multiboot2 >"$T_DIR/v1.make.log" 2>&1 &&
	grep -q "no Multiboot2 header in the kernel's first 32 KiB" "$T_DIR/v1.make.log"; then
	tap_ok "make image: a version 1 kernel gets multiboot, PROTOCOL=multiboot2 on it and a bad PROTOCOL are refused"
else
	tap_fail "make image PROTOCOL= handling"; tap_diag <"$T_DIR/v1.make.log"
fi
# Our own kernel, which carries both headers, through every loader and protocol at -m 128, with
# `args` as a module run as pid 1 (init=args qemu-exit): our loader with PROTOCOL=multiboot and
# with make image's default (multiboot2), QEMU -kernel -initrd (version 1), GRUB 2's `multiboot`
# and `multiboot2`. Each must print its protocol line, reach `kernel: up`, run args with the
# output recorded under Linux and leave QEMU with status 1 (pid 1's status 0). All five must
# print the same BIOS-e820 lines and the same usable frame count; the free-frame count must be
# the same through our loader under both protocols (every loader structure below 1 MiB, modules
# at the same place), and under GRUB 2's two protocols differ by exactly the frames GRUB's
# information takes (the PMM's multiboot-info reservation). QEMU -kernel places its module
# elsewhere (not page aligned), so only its map and usable count are compared.
KERNEL="$BUILD/kernel/kernel.elf"
read -r -a aargs <"$ROOT/user/tests/args.args"
KCMD="init=args qemu-exit nomonitor"
# kernel_ok NAME PROTOCOL LOG RC: the checks above for one boot; prints what failed.
kernel_ok() {
	local name=$1 proto=$2 log=$3 rc=$4 got="$3.args.got"
	sed -n '/^user: starting pid 1 /,/^user: frames free /p' "$log" |
		grep -a -v -E '^(user: |  )' >"$got"
	if [ "$rc" = 1 ] && grep -aq "^multiboot: protocol $proto, information at 0x" "$log" &&
		grep -aq '^kernel: up$' "$log" && grep -aq '^user: pid 1 (args) exited with status 0$' "$log" &&
		diff -u "$ROOT/user/tests/args.out" "$got" >"$got.diff"; then
		tap_ok "our kernel, $name: $(grep -a -m1 '^multiboot: protocol' "$log" | tr -d '\r'), kernel: up, args as under Linux, status 1"
	else
		tap_fail "our kernel, $name: status $rc (want 1), protocol $proto, kernel: up and args output"
		{ cat "$got.diff"; grep -a -E '^(multiboot: protocol|boot: error|PANIC|user: pid)' "$log"; } | tap_diag
	fi
}
# counts LOG: "usable free" from the pmm summary line.
counts() { sed -n 's/^pmm: usable=\([0-9]*\) free=\([0-9]*\) reserved=[0-9]*$/\1 \2/p' "$1" | tr -d '\r'; }
e820() { grep -a '^BIOS-e820: ' "$1" | tr -d '\r'; }

kimg="$T_DIR/kernel"
for p in multiboot multiboot2; do
	pv=(PROTOCOL=$p); [ $p = multiboot2 ] && pv=()   # multiboot2 must be the default for our kernel
	make -s -C "$ROOT" image IMAGE="$kimg-$p.img" KERNEL="$KERNEL" CMDLINE="$KCMD" \
		MODULES="$BUILD/user/args ${aargs[*]}" "${pv[@]}" >"$kimg-$p.img.make.log" 2>&1 ||
		tail -n 5 "$kimg-$p.img.make.log" | tap_diag
	rc=$(qemu_boot_image "$kimg-$p.log" 60 "$kimg-$p.img" 128)
	grep -q "($p)" "$kimg-$p.img.make.log" || rc="$rc, make image chose another protocol"
	how="PROTOCOL=$p"; [ ${#pv[@]} = 0 ] && how="make image's default, $p"
	kernel_ok "our loader ($how)" "$p" "$kimg-$p.log" "$rc"
done
rc=$(qemu_run "$kimg-qemu.log" 60 -m 128 -kernel "$KERNEL" -initrd "$BUILD/user/args ${aargs[*]}" -append "$KCMD")
kernel_ok "QEMU -kernel -initrd" multiboot "$kimg-qemu.log" "$rc"
logs=("$kimg-multiboot.log" "$kimg-multiboot2.log" "$kimg-qemu.log")
for p in multiboot multiboot2; do
	if [ $have_grub = 0 ]; then
		T_COUNT=$((T_COUNT + 1)); echo "ok $T_COUNT # skip GRUB: grub-mkrescue, xorriso or grub-pc-bin missing"
		continue
	fi
	dir="$T_DIR/kernel-$p.iso.d"
	rm -rf "$dir" && mkdir -p "$dir/boot/grub"
	cp "$KERNEL" "$dir/boot/kernel.elf"; cp "$BUILD/user/args" "$dir/boot/args"
	m=module; [ $p = multiboot2 ] && m=module2
	printf 'set timeout=0\nset default=0\nmenuentry "kernel" {\n\t%s /boot/kernel.elf %s\n\t%s /boot/args args %s\n\tboot\n}\n' \
		"$p" "$KCMD" "$m" "${aargs[*]}" >"$dir/boot/grub/grub.cfg"
	grub-mkrescue -o "$T_DIR/kernel-$p.iso" "$dir" >"$T_DIR/kernel-$p.iso.log" 2>&1
	rc=$(qemu_run "$kimg-grub-$p.log" 60 -m 128 -cdrom "$T_DIR/kernel-$p.iso")
	kernel_ok "GRUB 2 $p/$m" "$p" "$kimg-grub-$p.log" "$rc"
	logs+=("$kimg-grub-$p.log")
done
# The maps and counts.
ref=$(e820 "${logs[0]}"); uref=$(counts "${logs[0]}" | cut -d' ' -f1)
same=1
for l in "${logs[@]}"; do
	[ -n "$ref" ] && [ "$(e820 "$l")" = "$ref" ] && [ -n "$uref" ] && [ "$(counts "$l" | cut -d' ' -f1)" = "$uref" ] || same=0
done
# Free frames: our loader's two protocols exactly; GRUB 2's differ by exactly the frames what it
# placed takes (it puts the Multiboot2 information above 1 MiB, version 1's below). Each
# `pmm: reserved` line counts only the frames it newly reserved, and GRUB 2 may put the
# information in the last page of a module (or the other way round, depending on the kernel's
# size), so the frames of everything the loader placed are summed: information, map, strings,
# module list, modules.
free() { counts "$1" | cut -d' ' -f2; }
info_frames() {
	sed -n -E 's/^pmm: reserved (multiboot-info|mmap|cmdline|loader-name|modules|module|module-string) \[.*\] ([0-9]+) frames\r?$/\2/p' "$1" |
		awk '{ n += $1 } END { if (NR) print n }'
}
[ -n "$(free "${logs[0]}")" ] && [ "$(free "${logs[0]}")" = "$(free "${logs[1]}")" ] || same=0
gfree=""
if [ ${#logs[@]} = 5 ]; then
	g1=$(free "${logs[3]}"); g2=$(free "${logs[4]}"); i1=$(info_frames "${logs[3]}"); i2=$(info_frames "${logs[4]}")
	[ -n "$g1" ] && [ -n "$g2" ] && [ -n "$i1" ] && [ -n "$i2" ] && (( g1 + i1 == g2 + i2 )) || same=0
	gfree="; GRUB 2: free=$g1 and $g2, the difference in the frames of what it placed ($i2 - $i1)"
fi
# The whole Multiboot2 information is reserved: [EBX, EBX + total_size).
info=$(sed -n 's/^multiboot: protocol multiboot2, information at 0x\([0-9a-f]*\), \([0-9]*\) bytes.*/\1 \2/p' "${logs[1]}" | tr -d '\r')
read -r ia isz <<<"$info"
want=""
[ -n "$info" ] && want=$(printf 'pmm: reserved multiboot-info [mem 0x%s-0x%08x]' "$ia" $(( (0x$ia + isz + 4095) / 4096 * 4096 - 1 )))
if [ $same = 1 ] && [ -n "$want" ] && grep -aqF "$want" "${logs[1]}"; then
	tap_ok "our kernel: the same $(wc -l <<<"$ref") BIOS-e820 lines and usable=$uref in all ${#logs[@]} boots; free=$(free "${logs[0]}") through our loader under both protocols$gfree; the Multiboot2 information reserved whole"
else
	tap_fail "our kernel: maps, usable/free counts or the multiboot-info reservation differ"
	for l in "${logs[@]}"; do echo "$(basename "$l"): $(counts "$l") $(e820 "$l" | md5sum | cut -c1-8) $(grep -a '^pmm: reserved multiboot-info' "$l")"; done | tap_diag
fi
tap_done

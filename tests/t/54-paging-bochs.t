#!/usr/bin/env bash
# 54-paging-bochs.t - the switch to paging watched in the Bochs debugger, scripted:
#   bochs -q -f <bochsrc from tests/boot/bochsrc-paging.in> -rc tests/boot/bochs-paging.rc
# on a disk image made by the project's own recipe (make image IMAGE=...). The script continues
# to the two magic breakpoints (xchg bx, bx in paging_enable.asm), shows CR0 with PG clear, steps
# over the CR0 write, shows PG set, and asks where the running code's page translates: to itself.
# Each check asserts on the debugger's own output (captured in $T_DIR/bochs.out).
source "$(dirname "$0")/../lib.sh"

# A private copy of the kernel, and its symbol file made from that copy exactly as mk/kernel.mk
# makes build/kernel/kernel.sym: the symbols always describe the kernel inside the image, even if
# the build's kernel.elf is relinked while this runs.
KERNEL="$T_DIR/kernel.elf"
SYMS="$T_DIR/kernel.sym"
tap_plan 6
img="$T_DIR/paging.img"
out="$T_DIR/bochs.out"
rm -f "$img" "$img.lock" "$out" "$T_DIR/com1.log" "$KERNEL" "$SYMS"
cp "$BUILD/kernel/kernel.elf" "$KERNEL" &&
	nm -n --defined-only "$KERNEL" | awk '$2 !~ /^[aA]$/ { print $1, $3 }' > "$SYMS"
if ! make_image "$img" "$KERNEL" "nomonitor"; then
	tail -n 5 "$img.make.log" | tap_diag
fi
sed -e "s|@IMAGE@|$img|" -e 's|@DISPLAY@|rfb, options="timeout=0"|' -e "s|@SYMBOLS@|$SYMS|" \
	-e "s|@COM1@|$T_DIR/com1.log|" -e "s|@LOG@|$T_DIR/bochs.log|" \
	"$ROOT/tests/boot/bochsrc-paging.in" > "$T_DIR/bochsrc"
rc=0
if [ -s "$img" ] && [ -s "$SYMS" ]; then
	timeout -k 5 120 bochs -q -f "$T_DIR/bochsrc" -rc "$ROOT/tests/boot/bochs-paging.rc" \
		</dev/null >"$out" 2>&1 || rc=$?
else
	echo "no image or no symbol file: Bochs not run" > "$out"
fi
grep -a -v '^[0-9]\{11\}[a-z]\[' "$out" | sed -n '/Magic breakpoint/,$p' | head -n 60 | tap_diag

# The debugger lines come in the order the rc script asks for them; split them by stop.
stops=$(grep -a -c '^(0) Magic breakpoint' "$out")
first=$(grep -a -m1 -A2 '^(0) Magic breakpoint' "$out" | grep -a 'paging_enable_load_cr3+0): mov cr3')
second=$(grep -a -A2 '^(0) Magic breakpoint' "$out" | grep -a 'paging_enable_write_cr0+0): mov cr0')
mapfile -t cr0 < <(grep -a '^CR0=0x' "$out")
page=$(grep -a '^linear page 0x' "$out" | head -n1)
tap_check "Bochs stopped at both magic breakpoints, with kernel symbols (rc $rc)" \
	[ "$stops" -ge 2 -a -n "$first" -a -n "$second" ]
tap_check "before the CR3 load and before the CR0 write: CR0.PG clear (creg shows 'pg')" \
	bash -c "[[ '${cr0[0]:-}' == *': pg '* && '${cr0[1]:-}' == *': pg '* ]]"
tap_check "at the CR0 write CR3 already holds the page directory (non-zero)" \
	bash -c "grep -a '^CR3=0x' '$out' | sed -n 2p | grep -qv '^CR3=0x000000000000$'"
tap_check "after stepping over 'mov cr0, eax': CR0.PG and CR0.WP set (creg shows 'PG', 'WP')" \
	bash -c "[[ '${cr0[2]:-}' == *': PG '* && '${cr0[2]:-}' == *' WP '* ]]"
tap_check "the stepped-to instruction is the next one, inside paging_enable_write_cr0" \
	grep -aq '(paging_enable_write_cr0+3): jmp' "$out"
# 'linear page 0x000000000010e000 maps to physical page 0x00000010e000': same number both sides.
lin=$(sed -n 's/^linear page 0x0*\([0-9a-f]*\) maps to physical page 0x0*\([0-9a-f]*\)$/\1/p' <<<"$page")
phys=$(sed -n 's/^linear page 0x0*\([0-9a-f]*\) maps to physical page 0x0*\([0-9a-f]*\)$/\2/p' <<<"$page")
tap_check "page eip: the running code's page translates to itself (${page:-no 'page' output})" \
	[ -n "$lin" -a "$lin" = "$phys" ]
tap_done

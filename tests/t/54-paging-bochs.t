#!/usr/bin/env bash
# 54-paging-bochs.t - the switch to the higher half watched in the Bochs debugger, scripted:
#   bochs -q -f <bochsrc from tests/boot/bochsrc-paging.in> -rc tests/boot/bochs-paging.rc
# on a disk image made by the project's own recipe (make image IMAGE=...). The script continues
# to the four magic breakpoints (xchg bx, bx in kernel/core/entry.asm): before the CR3 load,
# before the CR0 write (stepped over: PG set; the running code's page translates to itself, the
# identity map is in place: `info tab` shows the low range and the high one), after the jump to
# the higher half (the code's page: linear = physical + 0xC0000000), after the identity entries
# are dropped (`info tab` shows only the high ranges; 0x00100000 has no translation any more).
# Each check asserts on the debugger's own output (captured in $T_DIR/bochs.out).
source "$(dirname "$0")/../lib.sh"

# A private copy of the kernel, and its symbol file made from that copy exactly as mk/kernel.mk
# makes build/kernel/kernel.sym: the symbols always describe the kernel inside the image, even if
# the build's kernel.elf is relinked while this runs.
KERNEL="$T_DIR/kernel.elf"
SYMS="$T_DIR/kernel.sym"
tap_plan 10
img="$T_DIR/paging.img"
out="$T_DIR/bochs.out"
rm -f "$img" "$img.lock" "$out" "$T_DIR/com1.log" "$KERNEL" "$SYMS" "$T_DIR"/stop[0-9]*
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

# The debugger's output, cut at each "Magic breakpoint" line: stop N is in $T_DIR/stopN.
awk -v dir="$T_DIR" '/^\(0\) Magic breakpoint/ { n++ } n { print > (dir "/stop" n) }' "$out"
stops=$(grep -a -c '^(0) Magic breakpoint' "$out")
stop() { cat "$T_DIR/stop$1" 2>/dev/null; }
# `page X` prints "linear page 0x... maps to physical page 0x..."; both numbers, in hex.
page_pair() { sed -n 's/^linear page 0x0*\([0-9a-f]*\) maps to physical page 0x0*\([0-9a-f]*\)$/\1 \2/p' | head -n1; }
# `info tab` lines: "0x<linear start>-0x<linear end> -> 0x<phys>-0x<phys>".
tab_low() { grep -a -E '^0x00000000[0-9ab][0-9a-f]{7}-0x[0-9a-f]+ -> ' || true; }
tab_high() { grep -a -E '^0x00000000c0001000-0x[0-9a-f]+ -> 0x000000001000-' || true; }

tap_check "Bochs stopped at the four magic breakpoints, with kernel symbols ($stops stops, rc $rc)" \
	bash -c "[ '$stops' -ge 4 ] && grep -aq 'boot_load_cr3+0): mov cr3' '$T_DIR/stop1' &&
		grep -aq 'boot_write_cr0+0): mov cr0' '$T_DIR/stop2' && grep -aq '(boot_running_high+0)' '$T_DIR/stop3' &&
		grep -aq '(boot_identity_dropped+0)' '$T_DIR/stop4'"
mapfile -t cr0 < <(grep -a '^CR0=0x' "$out")
tap_check "before the CR3 load and before the CR0 write: CR0.PG clear (creg shows 'pg'); info tab: paging off" \
	bash -c "[[ '${cr0[0]:-}' == *': pg '* && '${cr0[1]:-}' == *': pg '* ]] && grep -aq '^paging off' '$T_DIR/stop1'"
tap_check "at the CR0 write CR3 already holds the first page directory (non-zero)" \
	bash -c "grep -a '^CR3=0x' '$T_DIR/stop2' | head -n1 | grep -qv '^CR3=0x000000000000$'"
tap_check "after stepping over 'mov cr0, eax': CR0.PG and CR0.WP set, next instruction boot_write_cr0+3" \
	bash -c "[[ '${cr0[2]:-}' == *': PG '* && '${cr0[2]:-}' == *' WP '* ]] && grep -aq '(boot_write_cr0+3)' '$T_DIR/stop2'"
read -r lin phys <<<"$(stop 2 | page_pair)"
tap_check "CR0 write: the running code's page translates to itself (linear ${lin:-?} -> physical ${phys:-?}): the identity map" \
	bash -c "[ -n '$lin' ] && [ '$lin' = '$phys' ] && (( 0x$lin < 0xc0000000 ))"
low2=$(stop 2 | tab_low | wc -l); high2=$(stop 2 | tab_high | wc -l)
stop 2 | grep -a -E '^0x[0-9a-f]+-0x[0-9a-f]+ -> ' | tap_diag
tap_check "CR0 write: info tab maps the kernel twice: a low (identity) range and 0xc0001000- (high)" \
	[ "$low2" -ge 1 -a "$high2" = 1 ]
read -r lin3 phys3 <<<"$(stop 3 | page_pair)"
tap_check "after the jump: running at 0x${lin3:-?}, which maps to physical 0x${phys3:-?} = linear - 0xc0000000" \
	bash -c "[ -n '$lin3' ] && (( 0x$lin3 >= 0xc0000000 && 0x$lin3 - 0xc0000000 == 0x${phys3:-0} ))"
low3=$(stop 3 | tab_low | wc -l)
tap_check "after the jump, before the removal: info tab still shows the identity range ($low3 low lines)" \
	[ "$low3" -ge 1 ]
low4=$(stop 4 | tab_low | wc -l); high4=$(stop 4 | tab_high | wc -l)
stop 4 | grep -a -E '^0x[0-9a-f]+-0x[0-9a-f]+ -> ' | tap_diag
tap_check "identity dropped: info tab shows nothing below 0xc0000000 ($low4 low lines), the high range stays" \
	[ "$low4" = 0 -a "$high4" = 1 ]
tap_check "identity dropped: 0x00100000 has no translation, 0xc0100000 -> physical 0x100000" \
	bash -c "grep -aq '^physical address not available for linear 0x0000000000100000' '$T_DIR/stop4' &&
		grep -aq '^linear page 0x00000000c0100000 maps to physical page 0x000000100000' '$T_DIR/stop4'"
tap_done

#!/usr/bin/env bash
# 51-paging-kernel.t - the in-kernel suite `paging` on QEMU's default CPU (PSE: 4 MiB pages for
# the direct map): the higher-half switch as entry.asm recorded it, nothing mapped below
# 0xC0000000 (page 0 included), direct-map translations, kernel text read-only at its high
# address, a frame through the direct map and a temporary window, one frame at two addresses,
# remap after invlpg, a read-only page faulting under CR0.WP, two address spaces, every frame
# back after destroy; at -m 3072 and 4096 also frames above the direct map through windows.
# Every in-kernel suite (test=all) also runs at the smallest and the largest memory size.
# Also checks the boot log: the four `paging: boot...` lines and
# `paging: on cr3=0x<addr> direct=[mem 0x<start>-0x<end>] at 0x<vstart>-0x<vend> tables=<n>`.
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 10
log="$T_DIR/serial.log"
rc=$(qemu_run "$log" 60 -m 128 -kernel "$KERNEL" -append "test=paging")
kernel_tap "$log"
tap_check "test=paging exits QEMU with the pass status (33, got $rc)" [ "$rc" = 33 ]
tap_check "the suite ran its checks and none failed" \
	bash -c "grep -aq '^# suite paging: [1-9][0-9]* checks, 0 failed' '$log' && ! grep -aq '^not ok' '$log'"
line=$(grep -a '^paging: on ' "$log" | head -n1)
echo "# $line"
# 128 MiB under QEMU: usable RAM ends at 0x07fdffff (BIOS e820), so the direct map must too.
tap_check "boot log: paging: on cr3=0x<addr> direct=[mem 0x00001000-0x07fdffff] at 0xc0001000-0xc7fdffff tables=<n>" \
	bash -c "[[ '$line' =~ ^paging:\ on\ cr3=0x[0-9a-f]{8}\ direct=\[mem\ 0x00001000-0x07fdffff\]\ at\ 0xc0001000-0xc7fdffff\ tables=[0-9]+$ ]]"
# The switch, step by step: the first directory, CR3 and CR0 with the next instruction fetched
# at a physical address, the jump high, the identity entries gone.
grep -a '^paging: boot' "$log" | tap_diag
tap_check "boot log: the kernel mapped twice, CR0.PG|WP set while running low, then running high, identity dropped" \
	bash -c "grep -aqE '^paging: boot directory at 0x[0-9a-f]{8}: \[mem 0x00001000-0x00ffffff\] mapped at 0xc0001000, the kernel also at 0x00100000 \(identity, [1-9][0-9]* PDEs?\)$' '$log' &&
		grep -aqE '^paging: boot: cr3=0x[0-9a-f]{8}, cr0=0x8[0-9a-f]{7} \(PG WP\): the next instruction ran at 0x00[0-9a-f]{6} through the identity entries$' '$log' &&
		grep -aqE '^paging: boot: jumped to the higher half: running at 0xc[0-9a-f]{7}$' '$log' &&
		grep -aqE '^paging: boot: identity entries dropped \([1-9][0-9]*\), TLB flushed: PDE 0 = 0x00000000, 0x00000000-0xbfffffff not mapped$' '$log'"
# With PSE the 4 MiB chunks wholly inside RAM are large pages: far fewer than 32 direct-map tables.
tap_check "PSE in use: 4 MiB pages on, fewer page tables than the 4 KiB path needs" \
	bash -c "grep -aq '^paging: 4 MiB pages on ([1-9]' '$log' && n=\$(sed -n 's/.*tables=\([0-9]*\)\$/\1/p' <<<'$line') && [ \"\$n\" -lt 32 ]"
# 3072 and 4096 MiB: RAM reaches 0xbfffffff below 4 GiB, far above the 768 MiB direct map. Every
# frame stays with the PMM (nothing withdrawn), the direct map stops at 0x2fffffff, and the suite
# writes and reads back frames above it through windows.
for mem in 3072 4096; do
	big="$T_DIR/serial-${mem}m.log"
	rc=$(qemu_run "$big" 90 -m $mem -kernel "$KERNEL" -append "test=paging")
	grep -a -E '^paging|^# suite|^not ok|above the direct map' "$big" | tap_diag
	tap_check "-m $mem: direct=[mem 0x00001000-0x2fffffff], RAM above it kept and reached through windows, tests pass (exit $rc)" \
		bash -c "[ '$rc' = 33 ] && grep -aq '^paging: RAM above 0x30000000 ([1-9][0-9]* MiB) is not in the direct map: the kernel reaches it through kmap windows' '$big' &&
			grep -aqE '^paging: on cr3=0x[0-9a-f]{8} direct=\[mem 0x00001000-0x2fffffff\] at 0xc0001000-0xefffffff tables=[0-9]+$' '$big' &&
			grep -aqE '^ok [0-9]+ - 32 frames above the direct map .* read back \(0 bad\)$' '$big' &&
			! grep -aq 'withdrawn\|not identity mapped' '$big'"
done
# The PMM keeps every usable frame: its usable count equals free + reserved with no withdrawal.
tap_check "-m 4096: the PMM summary covers RAM up to 0xbfffffff (no frame withdrawn)" \
	bash -c "grep -aqE '^pmm: usable=[0-9]+ free=[0-9]+ reserved=[0-9]+$' '$T_DIR/serial-4096m.log' && ! grep -aq '^pmm: reserved above' '$T_DIR/serial-4096m.log'"
# Every suite at the smallest and the largest size: 16 MiB (the boot map is all the RAM there
# is) and 4 GiB (RAM far above the direct map; the pmm suite writes every frame through kmap).
for mem in 16 4096; do
	all="$T_DIR/all-${mem}m.log"
	rc=$(qemu_run "$all" 240 -m $mem -kernel "$KERNEL" -append "test=all")
	grep -a -E '^# suite .*checks|^not ok|^ktest:|PANIC' "$all" | tap_diag
	tap_check "-m $mem: test=all passes (exit $rc), every suite ran" \
		bash -c "[ '$rc' = 33 ] && grep -aqE '^ktest: [1-9][0-9]* checks, 0 failed' '$all' && ! grep -aq '^not ok' '$all' &&
			[ \$(grep -ac '^# suite .*: [1-9][0-9]* checks, 0 failed' '$all') -ge 7 ]"
done
tap_done

#!/usr/bin/env bash
# 51-paging-kernel.t - the in-kernel suite `paging` on QEMU's default CPU (PSE: 4 MiB pages for
# the identity map): identity translations, one frame at two addresses, remap after invlpg, a
# read-only page faulting under CR0.WP, two address spaces, every frame back after destroy.
# Also checks the boot log line `paging: on cr3=0x<addr> identity=[mem 0x<start>-0x<end>] tables=<n>`.
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 5
log="$T_DIR/serial.log"
rc=$(qemu_run "$log" 60 -m 128 -kernel "$KERNEL" -append "test=paging")
kernel_tap "$log"
tap_check "test=paging exits QEMU with the pass status (33, got $rc)" [ "$rc" = 33 ]
tap_check "the suite ran its checks and none failed" \
	bash -c "grep -aq '^# suite paging: [1-9][0-9]* checks, 0 failed' '$log' && ! grep -aq '^not ok' '$log'"
line=$(grep -a '^paging: on ' "$log" | head -n1)
echo "# $line"
# 128 MiB under QEMU: usable RAM ends at 0x07fdffff (BIOS e820), so the identity map must too.
tap_check "boot log: paging: on cr3=0x<addr> identity=[mem 0x00001000-0x07fdffff] tables=<n>" \
	bash -c "[[ '$line' =~ ^paging:\ on\ cr3=0x[0-9a-f]{8}\ identity=\[mem\ 0x00001000-0x07fdffff\]\ tables=[0-9]+$ ]]"
# With PSE the 4 MiB chunks wholly inside RAM are large pages: far fewer than 32 identity tables.
tap_check "PSE in use: 4 MiB pages on, fewer page tables than the 4 KiB path needs" \
	bash -c "grep -aq '^paging: 4 MiB pages on ([1-9]' '$log' && n=\$(sed -n 's/.*tables=\([0-9]*\)\$/\1/p' <<<'$line') && [ \"\$n\" -lt 32 ]"
# 3500 MiB: QEMU puts RAM up to 0xdabfffff below 4 GiB, above the identity region's 3 GiB
# ceiling: those frames must be withdrawn from the PMM (nothing could reach them), the map must
# stop at 0xbfffffff, and the paging suite must still pass.
big="$T_DIR/serial-3500m.log"
rc=$(qemu_run "$big" 60 -m 3500 -kernel "$KERNEL" -append "test=paging")
grep -a -E '^paging|^# suite|^not ok' "$big" | tap_diag
tap_check "-m 3500: RAM above 3 GiB reserved, identity=[mem 0x00001000-0xbfffffff], tests pass (exit $rc)" \
	bash -c "[ '$rc' = 33 ] && grep -aq '^paging: RAM above 0xc0000000 ([1-9][0-9]* MiB) is not identity mapped: reserved' '$big' && grep -aqE '^paging: on cr3=0x[0-9a-f]{8} identity=\[mem 0x00001000-0xbfffffff\] tables=[0-9]+$' '$big'"
tap_done

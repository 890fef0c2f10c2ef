#!/usr/bin/env bash
# 52-paging-nopse.t - the 4 KiB path: the in-kernel suite `paging` on a CPU without PSE.
# QEMU's `486` model reports PSE in CPUID (target/i386/cpu.c: I486_FEATURES includes
# CPUID_PSE), so the nearest model without it is `-cpu 486,-pse`; the script checks the CPUID
# bit really is off (the kernel says so in its boot log) and that every direct-map table exists.
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 3
log="$T_DIR/serial.log"
rc=$(qemu_run "$log" 60 -cpu 486,-pse -m 128 -kernel "$KERNEL" -append "test=paging")
kernel_tap "$log"
tap_check "the kernel saw no PSE and used no 4 MiB page" \
	grep -aq '^paging: 4 MiB pages off: CPUID reports no PSE (0)' "$log"
# 0x00001000-0x07fdffff needs 32 direct-map tables, plus 16 heap tables, 1 temporary-window
# table, 1 kernel-window table and 1 table for the process kernel stacks.
tap_check "boot log: direct=[mem 0x00001000-0x07fdffff] tables=51 (every 4 MiB has a table)" \
	grep -aqE '^paging: on cr3=0x[0-9a-f]{8} direct=\[mem 0x00001000-0x07fdffff\] at 0xc0001000-0xc7fdffff tables=51$' "$log"
tap_check "test=paging passes without PSE (exit status 33, got $rc; no failed check)" \
	bash -c "[ '$rc' = 33 ] && grep -aq '^# suite paging: [1-9][0-9]* checks, 0 failed' '$log'"
tap_done

#!/usr/bin/env bash
# 43-heap-faults.t - heap misuse in the kernel, one per boot (`heapfault=<kind> qemu-exit`,
# kernel/mm/heap_setup.c): a double free, an interior pointer given to kfree, a write one byte past
# a block. Each boot must end in a PANIC line naming the cause in the heap's exact words, the
# pointer the kernel announced (which must lie inside the heap range of its `heap: ready` line)
# and the allocation site by symbol (heap_fault_from_cmdline, checked against nm), and QEMU
# must leave with the failure status (35).
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 3
if [ ! -f "$KERNEL" ]; then
	for i in 1 2 3; do tap_fail "kernel.elf not built ($KERNEL)"; done
	exit 0
fi
site=heap_fault_from_cmdline
nm "$KERNEL" | grep -q " T $site\$" || site="(no $site in kernel.elf)"
check_heapfault() { # kind cause-words
	local kind=$1 cause=$2 log="$T_DIR/$1.log" rc
	rc=$(qemu_run "$log" 60 -m 64 -kernel "$KERNEL" -append "heapfault=$kind qemu-exit")
	local ptr range lo hi panic_line
	ptr=$(sed -n "s/^heap: heapfault=$kind: pointer \(0x[0-9a-f]*\).*/\1/p" "$log" | head -n1)
	range=$(sed -n 's/^heap: ready \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p' "$log")
	read -r lo hi <<<"$range"
	panic_line=$(grep -a '^PANIC: ' "$log" | head -n1)
	grep -a -E '^(heap:|PANIC)' "$log" | tap_diag
	if [ "$rc" = 35 ] && [ -n "$ptr" ] && [ -n "$lo" ] && (( ptr >= lo && ptr <= hi )) &&
		[[ $panic_line == "PANIC: heap: $cause"*"pointer $ptr"*"allocated at 0x"*"<$site+0x"* ]]; then
		tap_ok "heapfault=$kind: PANIC says '$cause', pointer $ptr, allocated in $site"
	else
		tap_fail "heapfault=$kind: expected exit 35 and 'PANIC: heap: $cause ... pointer ${ptr:-?} ... <$site+...>'; got exit $rc: ${panic_line:-no PANIC line}"
	fi
}
check_heapfault double "double free"
check_heapfault invalid "invalid free (interior pointer)"
check_heapfault overflow "red zone overwritten"
tap_done

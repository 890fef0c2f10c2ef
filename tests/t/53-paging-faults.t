#!/usr/bin/env bash
# 53-paging-faults.t - expected page faults, one per boot (`fault=<kind> qemu-exit`): the report
# must panic with a PANIC line naming the right region and address and the right access, and
# QEMU must leave with the failure status (35). Expected addresses come from the kernel image
# (nm) and from the boot log's direct-map line, not from what the kernel says it is about to do.
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
sym() { nm "$KERNEL" | awk -v s="$1" '$3 == s { print $1 }'; }
hex() { printf '0x%08x' "$1"; }

tap_plan 4
check_fault() { # kind expected-address region-words access-words
	local kind=$1 addr=$2 region=$3 access=$4 log="$T_DIR/$1.log" rc
	rc=$(qemu_run "$log" 60 -m 128 -kernel "$KERNEL" -append "fault=$kind qemu-exit")
	local panic_line
	panic_line=$(grep -a '^PANIC: ' "$log" | head -n1)
	if [ "$addr" = direct-end ]; then # the first byte above the direct map of this boot
		addr=$(sed -n 's/^paging: on .*direct=.* at 0x[0-9a-f]*-\(0x[0-9a-f]*\) tables.*/\1/p' "$log")
		addr=$(hex $((${addr:-0} + 1)))
		[ "$addr" != 0x00000001 ] || addr="(no paging: on line)"
	fi
	sed -n '/^page fault:/,/^PANIC:/p' "$log" | tap_diag
	if [ "$rc" = 35 ] && [[ $panic_line == *"page fault at $addr in $region"*": $access"* ]]; then
		tap_ok "fault=$kind: PANIC names $region at $addr ($access)"
	else
		tap_fail "fault=$kind: expected '$region' at $addr ($access), exit 35; got exit $rc: ${panic_line:-no PANIC line}"
	fi
}

text_fn=$(sym pagefault_trigger_from_cmdline)
guard=$(sym __stack_guard)
check_fault null 0x00000000 "NULL page" "page not present, read, supervisor mode"
check_fault ktext "$(hex $((0x$text_fn)))" "kernel text" "protection violation, write, supervisor mode"
check_fault guard "$(hex $((0x$guard + 4096 - 4)))" "guard page below the boot stack" \
	"page not present, write, supervisor mode"
check_fault unmapped direct-end "unmapped" "page not present, read, supervisor mode"
tap_done

#!/usr/bin/env bash
# 42-heap-kernel.t - the kernel heap in the kernel (QEMU -kernel, -append "test=heap,irqsafe") at
# -m 16 and -m 128: the in-kernel suite `heap` (tests/kernel/heap.c: API edge cases, random sizes
# until the heap has grown to several times its initial size with patterns verified, everything
# freed, pages unmapped and the PMM free count back where it started) and the suite `irqsafe`
# (tests/kernel/irqsafe.c: a 4 kHz timer handler allocating and freeing heap blocks and frames
# while the interrupted loop does the same; heap_check, pmm_check and the counts clean after)
# pass and QEMU exits with 33; the boot log's `heap: ready [mem ...]` line starts at KHEAP_START as include/vmlayout.h
# defines it (read here from the header, not from the kernel).
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
SIZES=(16 128)
tap_plan $((2 * ${#SIZES[@]}))
if [ ! -f "$KERNEL" ]; then
	for i in $(seq $((2 * ${#SIZES[@]}))); do tap_fail "kernel.elf not built ($KERNEL)"; done
	exit 0
fi
kheap_start=$(sed -n 's/^#define KHEAP_START *\(0x[0-9A-Fa-f]*\).*/\1/p' "$ROOT/include/vmlayout.h")
want=$(printf 'heap: ready [mem 0x%08x-' "$kheap_start")
for m in "${SIZES[@]}"; do
	log="$T_DIR/heap-m$m.log"
	rc=$(qemu_run "$log" 120 -m "$m" -kernel "$KERNEL" -append "test=heap,irqsafe")
	kernel_tap "$log"
	if [ "$rc" = 33 ] && grep -qa '^ok ' "$log" && ! grep -qa '^not ok' "$log" &&
		grep -qa '^# suite heap' "$log" && grep -qa '^# suite irqsafe: 4 checks, 0 failed' "$log"; then
		tap_ok "-m $m: suites heap and irqsafe pass (exit 33, $(grep -ac '^ok ' "$log") checks)"
	else
		tap_fail "-m $m: suites heap and irqsafe (exit $rc)"
		grep -a -E '^(PANIC|heap:)' "$log" | tap_diag
	fi
	line=$(grep -a '^heap: ready' "$log" | head -n1)
	if [[ $line == "$want"* ]] && [[ $line =~ initial=[0-9]+\ KiB ]]; then
		tap_ok "-m $m: boot log: $line"
	else
		tap_fail "-m $m: boot log has no '${want}...] initial=<n> KiB' line: ${line:-none}"
	fi
done
tap_done

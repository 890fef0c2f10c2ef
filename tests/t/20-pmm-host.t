#!/usr/bin/env bash
# 20-pmm-host.t - the physical memory manager's host tests (cmocka, ASan + UBSan): the map
# sanitiser, the allocator's unit tests (every call, every misuse, search cost in words touched)
# and the model-based random test (1,200,000 operations against a byte-per-frame reference).
# Each binary's own TAP is shown indented as a subtest; one ok/not ok per binary.
source "$(dirname "$0")/../lib.sh"

tests=(test_memmap test_pmm test_pmm_model)
tap_plan "${#tests[@]}"
for t in "${tests[@]}"; do
	bin="$BUILD/host/pmm/$t"
	log="$T_DIR/$t.log"
	if [ ! -x "$bin" ]; then
		tap_fail "$t: $bin not built (make pmm-host-tests)"
		continue
	fi
	rc=0
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1 || rc=$?
	# non-TAP lines (logs, diagnostics) become TAP comments
	sed -E '/^(ok|not ok|1\.\.|#)/!s/^/# /; s/^/    /' "$log"
	# cmocka's exit status is the number of failed tests; a sanitizer report also fails it.
	if [ "$rc" -eq 0 ] && grep -q '^ok ' "$log" && ! grep -q '^not ok' "$log"; then
		tap_ok "$t"
	else
		tap_fail "$t (exit $rc)"
	fi
done
tap_done

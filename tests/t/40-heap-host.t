#!/usr/bin/env bash
# 40-heap-host.t - the kernel heap on the host (cmocka, ASan, UBSan), built twice: with its
# debug checks (HEAP_DEBUG=1: misuse detection, red zones, poison) and without (release).
# Every entry point and edge case, a million-operation model test with patterns and regular
# heap_check, and misuse each detected with the right message (tests/host/test_heap.c).
source "$(dirname "$0")/../lib.sh"

tap_plan 2
for variant in debug release; do
	bin="$BUILD/host/heap/test_heap_$variant"
	out="$T_DIR/test_heap_$variant.tap"
	if [ ! -x "$bin" ]; then
		tap_fail "test_heap_$variant: $bin not built (make test-prereqs)"
		continue
	fi
	rc=0
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out" 2>"$out.stderr" || rc=$?
	sed 's/^/    /' "$out"
	if [ "$rc" -eq 0 ] && grep -q '^1\.\.[1-9]' "$out" && ! grep -q '^not ok' "$out"; then
		tap_ok "test_heap_$variant (HEAP_DEBUG=$([ $variant = debug ] && echo 1 || echo 0))"
	else
		tap_fail "test_heap_$variant (exit $rc; stderr in $out.stderr)"
	fi
done
tap_done

#!/usr/bin/env bash
# 30-printf.t - the kernel's printf formatter (kernel/printf.c) on the host against the C
# library's snprintf: edge cases, a sweep of flag/width/precision/length/conversion combinations,
# truncation and kprintf's chunked output (tests/host/test_printf.c, cmocka, ASan, UBSan).
# Its own TAP is shown as a subtest.
source "$(dirname "$0")/../lib.sh"

tap_plan 1
bin="$BUILD/host/kernel/test_printf"
out="$T_DIR/test_printf.tap"
if [ ! -x "$bin" ]; then
	tap_fail "test_printf: $bin not built (make test-prereqs)"
	tap_done
fi
rc=0
CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out" 2>&1 || rc=$?
sed 's/^/    /' "$out"
if [ "$rc" -eq 0 ] && grep -q '^1\.\.[1-9]' "$out" && ! grep -q '^not ok' "$out" &&
	grep -q '^ok .* test_sweep$' "$out"; then
	tap_ok "test_printf (kernel formatter matches the host snprintf)"
else
	tap_fail "test_printf (exit $rc)"
fi
tap_done

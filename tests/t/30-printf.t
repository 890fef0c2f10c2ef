#!/usr/bin/env bash
# 30-printf.t - the kernel's printf formatter (kernel/lib/printf.c) on the host against the C
# library's snprintf: edge cases, a sweep of flag/width/precision/length/conversion combinations,
# truncation and kprintf's chunked output (tests/host/test_printf.c, cmocka, ASan, UBSan).
# Its own TAP is shown as a subtest.
source "$(dirname "$0")/../lib.sh"

tap_plan 1
cmocka_check "test_printf (kernel formatter matches the host snprintf)" \
	"$BUILD/host/kernel/test_printf" '^ok .* test_sweep$'
tap_done

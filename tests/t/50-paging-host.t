#!/usr/bin/env bash
# 50-paging-host.t - page-table logic on the host (cmocka, ASan, UBSan): map, unmap, translate,
# protect, 4 MiB identity pages, the recursive slot and the life of an address space against
# simulated physical memory (tests/host/test_paging.c). Its own TAP is shown as a subtest.
source "$(dirname "$0")/../lib.sh"

tap_plan 1
bin="$BUILD/host/paging/test_paging"
out="$T_DIR/test_paging.tap"
if [ ! -x "$bin" ]; then
	tap_fail "test_paging: $bin not built (make test-prereqs)"
	tap_done
fi
rc=0
CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out" 2>&1 || rc=$?
sed 's/^/    /' "$out"
# Pass only when the binary succeeded and printed a plan with no failure in it.
if [ "$rc" -eq 0 ] && grep -q '^1\.\.[1-9]' "$out" && ! grep -q '^not ok' "$out"; then
	tap_ok "test_paging (host page tables and address spaces)"
else
	tap_fail "test_paging (exit $rc)"
fi
tap_done

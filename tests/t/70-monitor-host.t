#!/usr/bin/env bash
# 70-monitor-host.t - the monitor's line editor, tokenizer, number parser and dispatcher on the
# host (cmocka, ASan, UBSan): one check per test binary, its own TAP shown as a subtest.
source "$(dirname "$0")/../lib.sh"

tests=(test_monitor_line test_monitor_parse)
tap_plan "${#tests[@]}"
for t in "${tests[@]}"; do
	bin="$BUILD/host/monitor/$t"
	out="$T_DIR/$t.tap"
	if [ ! -x "$bin" ]; then
		tap_fail "$t: $bin not built (make test-prereqs)"
		continue
	fi
	rc=0
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out" 2>&1 || rc=$?
	sed 's/^/    /' "$out"
	# Pass only when the binary succeeded and printed a plan with no failure in it.
	if [ "$rc" -eq 0 ] && grep -q '^1\.\.[1-9]' "$out" && ! grep -q '^not ok' "$out"; then
		tap_ok "$t"
	else
		tap_fail "$t (exit $rc)"
	fi
done
tap_done

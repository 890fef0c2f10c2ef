#!/usr/bin/env bash
# 70-monitor-host.t - the monitor's line editor, tokenizer, number parser and dispatcher on the
# host (cmocka, ASan, UBSan): one check per test binary, its own TAP shown as a subtest.
source "$(dirname "$0")/../lib.sh"

tests=(test_monitor_line test_monitor_parse)
tap_plan "${#tests[@]}"
for t in "${tests[@]}"; do cmocka_check "$t" "$BUILD/host/monitor/$t"; done
tap_done

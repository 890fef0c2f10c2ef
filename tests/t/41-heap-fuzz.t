#!/usr/bin/env bash
# 41-heap-fuzz.t - a fixed-length run of the heap's libFuzzer harness (tests/fuzz/fuzz_heap.c:
# operation sequences with patterns, heap_check and trims, under ASan and UBSan). `make fuzz`
# runs it longer with a kept corpus; here 20000 inputs from a fixed seed and an empty corpus.
source "$(dirname "$0")/../lib.sh"

tap_plan 1
bin="$BUILD/fuzz/fuzz_heap"
log="$T_DIR/fuzz_heap.log"
if [ ! -x "$bin" ]; then
	tap_fail "fuzz_heap: $bin not built (make test-prereqs)"
	tap_done
fi
rm -rf "$T_DIR/corpus" && mkdir -p "$T_DIR/corpus"
rc=0
(cd "$T_DIR" && "$bin" -runs=20000 -seed=5 -max_len=2048 -print_final_stats=1 corpus) \
	>"$log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && grep -q '^Done 20000 runs' "$log"; then
	tap_ok "fuzz_heap: 20000 operation sequences, no crash ($(grep -o 'cov: [0-9]*' "$log" | tail -n1))"
else
	tap_fail "fuzz_heap (exit $rc)"
	tail -n 40 "$log" | tap_diag
fi
tap_done

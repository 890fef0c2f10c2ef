#!/usr/bin/env bash
# 40-heap-host.t - the kernel heap on the host (cmocka, ASan, UBSan), built twice: with its
# debug checks (HEAP_DEBUG=1: misuse detection, red zones, poison) and without (release).
# Every entry point and edge case (tests/host/test_heap.c), the growth, shrink and cache policies
# (test_heap_policy.c), a million-operation model test with patterns and regular heap_check
# (test_heap_model.c), and misuse each detected with the right message (test_heap_misuse.c).
source "$(dirname "$0")/../lib.sh"

tests=(test_heap test_heap_policy test_heap_model test_heap_misuse)
tap_plan $((2 * ${#tests[@]}))
for t in "${tests[@]}"; do
	cmocka_check "${t}_debug (HEAP_DEBUG=1)" "$BUILD/host/heap/${t}_debug"
	cmocka_check "${t}_release (HEAP_DEBUG=0)" "$BUILD/host/heap/${t}_release"
done
tap_done

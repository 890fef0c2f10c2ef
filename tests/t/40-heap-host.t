#!/usr/bin/env bash
# 40-heap-host.t - the kernel heap on the host (cmocka, ASan, UBSan), built twice: with its
# debug checks (HEAP_DEBUG=1: misuse detection, red zones, poison) and without (release).
# Every entry point and edge case, a million-operation model test with patterns and regular
# heap_check, and misuse each detected with the right message (tests/host/test_heap.c).
source "$(dirname "$0")/../lib.sh"

tap_plan 2
cmocka_check "test_heap_debug (HEAP_DEBUG=1)" "$BUILD/host/heap/test_heap_debug"
cmocka_check "test_heap_release (HEAP_DEBUG=0)" "$BUILD/host/heap/test_heap_release"
tap_done

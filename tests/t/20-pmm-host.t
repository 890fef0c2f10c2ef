#!/usr/bin/env bash
# 20-pmm-host.t - the physical memory manager's host tests (cmocka, ASan + UBSan): the map
# sanitiser, the allocator's unit tests (every call, every misuse), its search cost in words touched
# and the model-based random test (1,200,000 operations against a byte-per-frame reference).
# Each binary's own TAP is shown indented as a subtest; one ok/not ok per binary.
source "$(dirname "$0")/../lib.sh"

tests=(test_memmap test_pmm test_pmm_cost test_pmm_model)
tap_plan "${#tests[@]}"
for t in "${tests[@]}"; do cmocka_check "$t" "$BUILD/host/pmm/$t"; done
tap_done

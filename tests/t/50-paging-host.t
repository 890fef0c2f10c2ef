#!/usr/bin/env bash
# 50-paging-host.t - page-table logic on the host (cmocka, ASan, UBSan), one check per binary,
# its own TAP shown as a subtest:
#   test_paging      map, unmap, translate, protect, 4 MiB identity pages, the recursive slot and
#                    the life of an address space on a simulated machine with its own allocator
#   test_paging_pmm  the same code on the real PMM (mm/pmm.c) and tests/host/host_env.c, with a
#                    seeded random map/unmap/protect workload checked against a model
source "$(dirname "$0")/../lib.sh"

tests=(test_paging test_paging_pmm)
tap_plan "${#tests[@]}"
for t in "${tests[@]}"; do cmocka_check "$t" "$BUILD/host/paging/$t"; done
tap_done

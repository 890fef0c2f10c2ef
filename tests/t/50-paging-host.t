#!/usr/bin/env bash
# 50-paging-host.t - page-table logic on the host (cmocka, ASan, UBSan), one check per binary,
# its own TAP shown as a subtest:
#   test_paging      map, unmap, translate, protect, the direct map, the recursive slot, on a
#                    simulated machine with its own allocator (tests/host/paging_sim.c)
#   test_paging_boot the higher-half bring-up and the kmap windows on the same machine
#   test_vmspace     the life of an address space on the same machine, out of frames at each step
#   test_paging_pmm  the same code on the real PMM (mm/pmm.c) and tests/host/host_env.c, with a
#                    seeded random map/unmap/protect workload checked against a model
source "$(dirname "$0")/../lib.sh"

tests=(test_paging test_paging_boot test_vmspace test_paging_pmm)
tap_plan "${#tests[@]}"
for t in "${tests[@]}"; do cmocka_check "$t" "$BUILD/host/paging/$t"; done
tap_done

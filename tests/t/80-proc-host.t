#!/usr/bin/env bash
# 80-proc-host.t - a process's address space on the host (cmocka, ASan, UBSan), one check per
# binary, its own TAP shown as a subtest:
#   test_uvm_region  the region list (insert, find, merge, split on munmap/mprotect, gaps), the
#                    page-fault decision table and the user-pointer checks
#   test_uvm_space   copy-on-write counts and their misuse panics, demand zero, fork isolation,
#                    exit, munmap, mprotect, brk, fixed mmap, stack growth and its limit, running
#                    out of frames, the kernel's checked copies, on the real PMM and page tables
#   test_uvm_model   seeded random fork/write/read/munmap/mprotect/exit sequences against a
#                    reference of what each process sees; the PMM's free count back to its
#                    start at the end
source "$(dirname "$0")/../lib.sh"

tests=(test_uvm_region test_uvm_space test_uvm_model)
tap_plan "${#tests[@]}"
for t in "${tests[@]}"; do cmocka_check "$t" "$BUILD/host/proc/$t"; done
tap_done

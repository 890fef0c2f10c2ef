#!/usr/bin/env bash
# 83-syscall-fuzz.t - a fixed-length run of the system-call layer's libFuzzer harness
# (tests/fuzz/fuzz_syscall.c: the kernel's kernel/proc/syscall.c and exec_args.c on the host,
# random numbers and arguments from processes whose address spaces are the real mm/ code, under
# ASan and UBSan; results, console bytes, regions, copy-on-write counts and the PMM's free count
# checked). `make fuzz` runs it longer with a kept corpus; here 5000 inputs from a fixed seed and
# the seeds of tests/fuzz/seeds-syscall, inputs up to 1 KiB from the start (-len_control=0: a
# step takes 8-32 bytes). read-fd0 (the step encoding of fuzz_syscall.c: opcode 0, NR_LIST[3],
# then fd kind 0 value 0, buf kind 4 offset 0, count kind 0 value 20, three zero arguments; three
# times) reads fd 0 into the first process's data: random inputs from nothing seldom make a read
# that succeeds.
source "$(dirname "$0")/../lib.sh"

tap_plan 1
bin="$BUILD/fuzz/fuzz_syscall"
log="$T_DIR/fuzz_syscall.log"
if [ ! -x "$bin" ]; then
	tap_fail "fuzz_syscall: $bin not built (make test-prereqs)"
	tap_done
fi
rm -rf "$T_DIR/corpus" && mkdir -p "$T_DIR/corpus"
cp "$ROOT"/tests/fuzz/seeds-syscall/* "$T_DIR/corpus/"
rc=0
(cd "$T_DIR" && "$bin" -runs=5000 -seed=3 -max_len=1024 -len_control=0 -print_final_stats=1 \
	corpus) >"$log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && grep -q '^Done 5000 runs' "$log"; then
	tap_ok "fuzz_syscall: 5000 system-call sequences, no crash ($(grep -o 'cov: [0-9]*' "$log" | tail -n1))"
else
	tap_fail "fuzz_syscall (exit $rc)"
	tail -n 40 "$log" | tap_diag
fi
tap_done
